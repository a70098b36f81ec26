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
  MemberPaths,
  Outcome,
  Severity,
  UnfilteredVia,
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
export { WARNING_CODES, type WarningCode } from './audit/warnings.js'
export * from './auth/index.js'
export { defineLeakguard } from './define.js'
export {
  type AuthErrorCode,
  type AuthErrorStage,
  type BearerErrorCode,
  type ConfigErrorCode,
  LeakguardAuthError,
  LeakguardConfigError,
  LeakguardError,
  LeakguardRateLimitError,
  LeakguardRequestError,
  LeakguardResponseError,
  type RateLimitErrorCode,
  type RequestErrorCode,
  type ResponseErrorCode,
} from './errors.js'
export {
  compileRoute,
  compileRouteHelper,
  createGuard,
  DEFAULT_CLIENT_PROBLEM_VIEW,
  DEFAULT_SERVER_PROBLEM_VIEW,
  isGuard,
} from './guard.js'
export type {
  BlockedResponse,
  Guard,
  GuardRequest,
  LeakguardRequestState,
  RequestCheckInput,
  RequestContext,
  ResponseDecision,
  ResponseInput,
  SerializedDecision,
  SerializedResponseInput,
  StreamedResponseInput,
  WrittenDecision,
} from './guard-api.js'
export { BLOCKED_CACHE_CONTROL, errorPageHeaders, headersToDropOnBlock } from './http/blocked-headers.js'
export { type BodySource, collectBody } from './http/collect.js'
export {
  type ContentEncodingHeader,
  contentCodings,
  decodeBody,
  encodeBody,
  SUPPORTED_CONTENT_CODINGS,
} from './http/content-encoding.js'
export {
  isEventStreamContentType,
  isJsonContentType,
  isTextContentType,
  isUntypedContentType,
  lateBodyKind,
  readsAsText,
  serializedBodyKind,
} from './http/content-type.js'
export { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemBody, problemForError } from './http/problem.js'
export { socketBytes, wroteBeforeBody } from './http/raw-bytes.js'
export { hasRequestBody } from './http/request-body.js'
export type { TransportOptions } from './http/transport.js'
export type { InventoryRoute } from './inventory/routes.js'
export {
  createSequentialIdWatch,
  routeOfPath,
  type SequentialIdReport,
} from './inventory/sequential-ids.js'
export type { Duration } from './lib/duration.js'
export { isLoopbackHost } from './lib/loopback.js'
export { type RequestSlot, requestSlot } from './lib/request-slot.js'
export {
  type FromOpenAPIOptions,
  fromOpenAPI,
  type OpenAPIOperation,
  type OpenAPIPolicies,
  type OpenAPIReportEntry,
} from './openapi/from-openapi.js'
export type {
  AuditOptions,
  GuardOptions,
  RequestIdOptions,
  RequestsOptions,
  ResponsesOptions,
  RouteOptions,
} from './options.js'
export * from './ratelimit/index.js'
export { internalDetail, internalDetails } from './redact/hygiene.js'
export {
  type CompiledRedactor,
  createRedactor,
  type DegradeReason,
  type DetectorInfo,
  type Finding,
  type HeaderRedactOptions,
  type KnownSecretsOptions,
  listDetectors,
  type MaskSpec,
  type RedactOptions,
  type RedactRule,
  type RouteRedactOptions,
  redact,
  scan,
} from './redact/index.js'
export type { AbuseAlert, AbuseAlertKind, AbuseOptions } from './request/abuse.js'
export type { EnumerationAction, EnumerationOptions } from './request/enumeration.js'
export type { InputDecision, RequestInput } from './request/input.js'
export type { OwnerCheck } from './request/owner.js'
export type { AllowedRequest, InputRejection, RejectedRequest, RequestDecision } from './request-phase.js'
export type { CompiledRouteOptions } from './routes/policy.js'
