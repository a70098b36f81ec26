export { type CompiledAllowlist, compileAllowlistPaths as allowlist } from './allowlist/index.js'
export type { AuditMetrics, AuditSink } from './audit/dispatch.js'
export { toEcs } from './audit/ecs.js'
export type {
  BaseEvent,
  EventPrincipal,
  EventRequest,
  LeakguardEvent,
  LeakguardEventMap,
  LeakguardEventOf,
  LeakguardEventType,
  Outcome,
  Severity,
  ViewKind,
} from './audit/events.js'
export {
  type CountersSink,
  countersSink,
  jsonLinesSink,
  openTelemetrySink,
  type PinoLike,
  pinoSink,
  type SpanLike,
  toOtelAttributes,
} from './audit/sinks.js'
export type { JwsAlgorithm } from './auth/algorithms.js'
export type {
  AuthOptions,
  IssuerOptions,
  RemoteJwksOptions,
  RouteAuthOptions,
  TokenCacheOptions,
} from './auth/options.js'
export type { Principal } from './auth/principal.js'
export { createVerifier, type Verifier } from './auth/verifier.js'
export {
  type AuthErrorCode,
  type AuthErrorStage,
  type BearerErrorCode,
  type ConfigErrorCode,
  LeakguardAuthError,
  LeakguardConfigError,
  LeakguardError,
  LeakguardRateLimitError,
  LeakguardResponseError,
  type RateLimitErrorCode,
  type ResponseErrorCode,
} from './errors.js'
export {
  type BlockedResponse,
  compileRoute,
  createGuard,
  DEFAULT_CLIENT_PROBLEM_VIEW,
  DEFAULT_SERVER_PROBLEM_VIEW,
  type Guard,
  type GuardRequest,
  isGuard,
  type LeakguardRequestState,
  type RequestCheckInput,
  type RequestContext,
  type ResponseDecision,
  type ResponseInput,
  type SerializedDecision,
  type SerializedResponseInput,
  type StreamedResponseInput,
} from './guard.js'
export { type BodySource, collectBody } from './http/collect.js'
export { isJsonContentType, isTextContentType } from './http/content-type.js'
export { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemBody, problemForError } from './http/problem.js'
export type { Duration } from './lib/duration.js'
export type {
  AuditOptions,
  GuardOptions,
  RequestIdOptions,
  ResponsesOptions,
  RouteOptions,
} from './options.js'
export type { Algorithm, ConsumeMode, LimitVerdict, StoreLimit } from './ratelimit/algorithms.js'
export type { TrustProxy } from './ratelimit/client-ip.js'
export {
  createRateLimiter,
  type LimitState,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
} from './ratelimit/limiter.js'
export { MemoryStore, type MemoryStoreOptions } from './ratelimit/memory-store.js'
export type {
  LimiterOptions,
  LimitOptions,
  RateLimitKey,
  RateLimitOptions,
  RateLimitRequest,
  RouteRateLimitOptions,
} from './ratelimit/options.js'
export type { RateLimitStore, StoreDecision } from './ratelimit/store.js'
export {
  type CompiledRedactor,
  createRedactor,
  type Finding,
  listDetectors,
  type MaskSpec,
  type RedactOptions,
  type RedactRule,
  type RouteRedactOptions,
  redact,
  scan,
} from './redact/index.js'
export type { AllowedRequest, RejectedRequest, RequestDecision } from './request-phase.js'
export type { CompiledRouteOptions } from './routes/policy.js'
