import { runConformanceSuite } from '@leakguard/test-utils'
import express from 'express'
import express4 from 'express4'
import { expressHarness } from './harness.js'

runConformanceSuite(expressHarness('express 5', express))
runConformanceSuite(expressHarness('express 4', express4 as unknown as typeof express))
