export { runConformanceSuite } from './conformance.js'
export { parseRateLimitField } from './conformance-ratelimit.js'
export {
  type AdapterHarness,
  type AppSpec,
  type BodyKind,
  bodyKind,
  ENVELOPE_EXTRA,
  envelope,
  type HeaderBearer,
  materialize,
  type RouteSpec,
  type RunningApp,
  webResponse,
} from './harness.js'
export { decodedBody, type RawResponse, rawRequest, recordWrites } from './helpers.js'
export { listen } from './listen.js'
export {
  AUDIENCE,
  forgeToken,
  HS_SECRET,
  ISSUER,
  type JwksServer,
  type SignOptions,
  signToken,
  startJwksServer,
  type TestKey,
  tamperSignature,
  testKey,
} from './tokens.js'
