export { runConformanceSuite } from './conformance.js'
export {
  type AdapterHarness,
  type AppSpec,
  type BodyKind,
  bodyKind,
  type HeaderBearer,
  materialize,
  type RouteSpec,
  type RunningApp,
} from './harness.js'
export { listen } from './listen.js'
