export { runConformanceSuite } from './conformance.js'
export type { AdapterHarness, AppSpec, HeaderBearer, RouteSpec, RunningApp } from './harness.js'
export { listen } from './listen.js'
