import { runConformanceSuite } from '@leakguard/test-utils'
import { fastifyHarness } from './harness.js'

runConformanceSuite(fastifyHarness)
