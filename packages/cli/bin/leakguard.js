#!/usr/bin/env node
// The `leakguard` command: a committed entry point, so package managers can link it before the build.
import '../dist/bin.js'
