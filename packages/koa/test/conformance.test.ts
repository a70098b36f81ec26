import { runConformanceSuite } from '@leakguard/test-utils'
import { koaHarness } from './harness.js'

runConformanceSuite(koaHarness)
