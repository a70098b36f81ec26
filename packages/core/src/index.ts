export { type CompiledAllowlist, compileAllowlistPaths as allowlist } from './allowlist/index.js'
export type {
  BaseEvent,
  EventRequest,
  LeakguardEvent,
  LeakguardEventMap,
  LeakguardEventOf,
  Outcome,
  Severity,
  ViewKind,
} from './audit/events.js'
export {
  type ConfigErrorCode,
  LeakguardConfigError,
  LeakguardError,
  LeakguardResponseError,
  type ResponseErrorCode,
} from './errors.js'
export {
  compileRoute,
  createGuard,
  DEFAULT_PROBLEM_VIEW,
  type Guard,
  type GuardRequest,
  isGuard,
  type LeakguardRequestState,
  type RequestContext,
  type ResponseDecision,
  type ResponseInput,
} from './guard.js'
export { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemBody } from './http/problem.js'
export type { AuditOptions, GuardOptions, ResponsesOptions, RouteOptions } from './options.js'
export type { CompiledRouteOptions } from './routes/policy.js'
