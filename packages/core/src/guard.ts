import { createHmac, randomUUID } from 'node:crypto'
import { compileAllowlist, EMPTY, KEEP, type ProjectionNode } from './allowlist/compile.js'
import { project, REMOVE } from './allowlist/project.js'
import {
  type AuditDispatcher,
  type AuditMetrics,
  type AuditSink,
  createDispatcher,
} from './audit/dispatch.js'
import type {
  EventRequest,
  LeakguardEvent,
  LeakguardEventMap,
  LeakguardEventType,
  Outcome,
  Severity,
  UnfilteredVia,
  ViewKind,
} from './audit/events.js'
import { compileIgnoredWarnings, processWarning } from './audit/warnings.js'
import type { RequestHeaders } from './auth/bearer.js'
import { type AuthGate, compileAuthGate } from './auth/gate.js'
import type { AuthOptions } from './auth/options.js'
import type { Principal } from './auth/principal.js'
import { LeakguardResponseError, type ResponseErrorCode, toResponseError } from './errors.js'
import { type BodySource, collectBody } from './http/collect.js'
import {
  type ContentEncodingHeader,
  contentCodings,
  decodeBody,
  encodeBody,
} from './http/content-encoding.js'
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemBody } from './http/problem.js'
import { acceptRequestId } from './http/request-id.js'
import { readRequestTarget } from './http/request-target.js'
import {
  decodeText,
  encodeText,
  sameText,
  serializeLike,
  type TextCharset,
  textCharset,
} from './http/wire-text.js'
import {
  fail as configFail,
  describe,
  fail,
  functionOption,
  integerOption,
  isPlainObject,
  objectOption,
  oneOf,
  secretKeyOption,
} from './lib/validate.js'
import type { GuardOptions, RouteOptions } from './options.js'
import { compileRateGate, type RateGate } from './ratelimit/gate.js'
import type { CompiledLimiter } from './ratelimit/limiter.js'
import {
  compileRedactor,
  issuedTokensRedactor,
  RedactionSession,
  type RedactOptions,
  type Redactor,
  type RouteRedactOptions,
  routeRedactor,
} from './redact/engine.js'
import { redactHeaderValue } from './redact/headers.js'
import { isTokenKey } from './redact/keys.js'
import {
  createRequestPhase,
  newPhaseState,
  type RejectedRequest,
  type RequestDecision,
  type RequestPhaseState,
} from './request-phase.js'
import { splitPath } from './routes/pattern.js'
import {
  type CompiledRouteOptions,
  compileRouteOptions,
  isCompiledRouteOptions,
  mergeRouteOptions,
  selectView,
} from './routes/policy.js'
import { compileRouteTable, type RouteEntry } from './routes/table.js'

/** The default problem view of 4xx bodies: RFC 9457 members and those of common framework errors. */
export const DEFAULT_CLIENT_PROBLEM_VIEW: readonly string[] = Object.freeze([
  '$.type',
  '$.title',
  '$.status',
  '$.detail',
  '$.instance',
  '$.error',
  '$.message',
  '$.code',
  '$.statusCode',
])

/**
 * The default problem view of 5xx bodies: no `detail`, `message` or `code`, which describe the
 * server's internals (driver errors, SQL, paths) that the client cannot act on.
 */
export const DEFAULT_SERVER_PROBLEM_VIEW: readonly string[] = Object.freeze([
  '$.type',
  '$.title',
  '$.status',
  '$.instance',
  '$.error',
  '$.statusCode',
])

const GUARD_OPTION_KEYS = [
  'mode',
  'responses',
  'routes',
  'redact',
  'auth',
  'rateLimit',
  'audit',
  'requestId',
  'getRoles',
  'ignoreWarnings',
] as const
const RESPONSES_OPTION_KEYS = [
  'default',
  'problemView',
  'maxDepth',
  'maxReportedPaths',
  'maxBodyBytes',
  'maxBufferedBytes',
] as const
const AUDIT_OPTION_KEYS = [
  'onEvent',
  'sinks',
  'types',
  'minSeverity',
  'sample',
  'maxQueue',
  'fingerprintKey',
] as const
const REQUEST_ID_OPTION_KEYS = ['header', 'responseHeader'] as const
const EVENT_TYPES: readonly LeakguardEventType[] = [
  'response.fields_dropped',
  'response.redacted',
  'response.blocked',
  'response.unfiltered',
  'response.degraded',
  'auth.failed',
  'auth.forbidden',
  'ratelimit.exceeded',
  'ratelimit.store_error',
  'ratelimit.store_full',
  'request.invalid_target',
  'engine.route_mismatch',
  'config.warning',
  'audit.events_dropped',
]

/** A request as every adapter describes it to the engine. */
export interface GuardRequest<TRequest = unknown> {
  readonly method: string
  /** The full path as received, including any mount prefix; a query string is ignored. */
  readonly path: string
  /** The client's address as the framework reports it. */
  readonly clientAddress?: string
  /** The framework's own request object, handed to `getRoles`. */
  readonly native: TRequest
  /** The value of the `requestId.header` request header, if the adapter found one. */
  readonly requestId?: string | string[] | undefined
}

/** What leakguard tells a handler about the current request (`req.leakguard` and its kin). */
export interface LeakguardRequestState {
  /** Id shared by every audit event of this request. */
  readonly requestId: string
  /** The verified caller; `undefined` on public routes and for anonymous callers of optional ones. */
  readonly principal?: Principal | undefined
}

/** What the request phase needs of a request beyond {@link GuardRequest}. */
export interface RequestCheckInput {
  /** The request headers, lower-case names as Node parses them. */
  readonly headers: RequestHeaders
  /** Route-level options given in the framework's idiom; they win over the pattern's. */
  readonly routeOptions?: CompiledRouteOptions | undefined
}

/** One request's state in the engine; opaque to adapters but for these members. */
export interface RequestContext {
  readonly requestId: string
  /** The matched route pattern, e.g. `'GET /users/:id'`. */
  readonly route: string | undefined
  /** The verified caller, once {@link Guard.checkRequest} has allowed the request. */
  readonly principal: Principal | undefined
}

/** A response as the application produced it. */
export interface ResponseInput {
  readonly status: number
  /** The value the application handed to the framework, before serialization. */
  readonly body: unknown
  /** Route-level options given in the framework's idiom; they win over the pattern's. */
  readonly routeOptions?: CompiledRouteOptions | undefined
}

/** A response whose body is already serialized: JSON text, or a stream of it. */
export interface SerializedResponseInput {
  readonly status: number
  readonly payload: string | Uint8Array
  readonly routeOptions?: CompiledRouteOptions | undefined
  /**
   * The response's `Content-Encoding` header, when the body is already compressed (a compression
   * middleware ran first, or the app sent encoded bytes): the engine decodes the body, filters it,
   * and encodes a changed body again with the same codings.
   */
  readonly contentEncoding?: ContentEncodingHeader
  /**
   * The response's `Content-Type`. A text body is read as a browser reads it: as UTF-16 when a
   * byte order mark or the `charset` parameter says so, as UTF-8 otherwise.
   */
  readonly contentType?: unknown
}

/** A response body to read before filtering (only for JSON content types). */
export interface StreamedResponseInput {
  readonly status: number
  readonly source: BodySource
  readonly routeOptions?: CompiledRouteOptions | undefined
  /** As {@link SerializedResponseInput.contentEncoding}. */
  readonly contentEncoding?: ContentEncodingHeader
  /** As {@link SerializedResponseInput.contentType}. */
  readonly contentType?: unknown
  /**
   * What the body holds: `'json'` is filtered as JSON; `'text'` (an error page) is redacted as
   * {@link Guard.filterText} does. @default 'json'
   */
  readonly kind?: 'json' | 'text'
}

/** The generic 500 that replaces a response the engine could not filter. */
export interface BlockedResponse {
  /** The engine failed: send exactly this, nothing of the original body. */
  readonly blocked: true
  readonly status: 500
  readonly contentType: typeof PROBLEM_CONTENT_TYPE
  readonly body: ProblemDocument
  /** `body` serialized. */
  readonly payload: string
}

/** What to send instead of a serialized body: the same `payload` object when nothing changed. */
export type SerializedDecision =
  | { readonly blocked: false; readonly payload: string | Uint8Array }
  | BlockedResponse

/** What to send instead. */
export type ResponseDecision = { readonly blocked: false; readonly body: unknown } | BlockedResponse

const guardBrand: unique symbol = Symbol('leakguard.guard')

/** A configured leakguard engine. Create one with {@link createGuard}; adapters accept it too. */
export interface Guard<TRequest = unknown> {
  readonly [guardBrand]: true
  readonly mode: 'enforce' | 'report'
  /** Starts a request: matches its route and gives it an id. */
  startRequest(request: GuardRequest<TRequest>): RequestContext
  /**
   * The request phase: reads and verifies the bearer token and applies the route's `auth` policy.
   * Synchronous when there is nothing to verify. Call it again with route-level options (a route
   * helper): the token is verified once per request. Never rejects: every failure is a
   * {@link RejectedRequest} (400, 401 or 403), never a 500. In `'report'` mode refusals are only
   * reported and the request is allowed.
   */
  checkRequest(context: RequestContext, input: RequestCheckInput): RequestDecision | Promise<RequestDecision>
  /**
   * Validates route-level options against this guard (an `auth` policy needs `auth` options):
   * what adapters call at startup for options given in the framework's idiom.
   * @throws LeakguardConfigError
   */
  compileRoute(options: RouteOptions | CompiledRouteOptions, option?: string): CompiledRouteOptions
  /**
   * Tells the engine the response status once it is known: failures-only rate limits keep the
   * charge they reserved when the status is a failure and give it back otherwise. Adapters call it
   * on the response's `finish` only: a request whose client went away (`close` without `finish`)
   * stays counted, or aborting would be a free guess.
   */
  endRequest(context: RequestContext, status: number): void
  /** Verifies tokens as this guard does (also usable on its own, e.g. for WebSocket upgrades). */
  readonly verifier: import('./auth/verifier.js').Verifier | undefined
  /** Decides what to send for an application's response. Never throws: it fails closed. */
  filterResponse(context: RequestContext, response: ResponseInput): ResponseDecision
  /**
   * Same, for a body already serialized as JSON text (call it only for JSON content types). What
   * comes back is the serialization of the decided value, in the layout of the original (compact or
   * indented); the payload is the same object only when it already was exactly that text, so a
   * duplicate member, a byte order mark or bytes that are not UTF-8 never go out.
   */
  filterSerialized(context: RequestContext, response: SerializedResponseInput): SerializedDecision
  /**
   * Redacts a text body (`text/*`): detectors and rules over the whole text, and, for 4xx/5xx,
   * error hygiene. The payload comes back as the same object when nothing was found.
   */
  filterText(context: RequestContext, response: SerializedResponseInput): SerializedDecision
  /** Same, for a body still to be read, up to `responses.maxBodyBytes`. Never rejects. */
  filterStream(context: RequestContext, response: StreamedResponseInput): Promise<SerializedDecision>
  /**
   * Blocks a response for a reason the adapter found (a raw body over the cap, headers already
   * sent when the body had to change): reports it and returns the generic 500 to send instead.
   */
  block(context: RequestContext, status: number, code: ResponseErrorCode): BlockedResponse
  /** `responses.maxBodyBytes`: what an adapter buffering a raw JSON body may hold. */
  readonly maxBufferedBytes: number
  /** Resolves once every audit event is delivered (for tests and graceful shutdown). */
  flush(): Promise<void>
  /** Audit events dropped because the delivery queue was full. */
  readonly droppedEvents: number
  /** Counters of the audit stream: events by type, dropped, failed deliveries. */
  auditMetrics(): AuditMetrics
  /**
   * Reports a setup problem an adapter noticed while serving: a `config.warning` event and, once
   * per code and message, a process warning; nothing for codes in `ignoreWarnings`.
   */
  warn(code: string, message: string): void
  /**
   * Tells the engine what the framework routed (at response time: Express `req.baseUrl +
   * req.path` and `req.method`, Koa `ctx.path` and `ctx.method`). When it selects another route
   * policy than leakguard decided on at request time, or another method, every filter of the
   * response fails closed (`engine.route_mismatch`).
   */
  routed(context: RequestContext, framework: { method: string; path: string }): void
  /**
   * {@link Guard.routed}, then the decision for a response of any kind (a redirect, a 204, an
   * image): the generic 500 to send instead when the framework served another route or method
   * than leakguard decided on, `undefined` otherwise (and always in `'report'` mode).
   */
  checkRouted(
    context: RequestContext,
    framework: { method: string; path: string },
    status: number,
  ): BlockedResponse | undefined
  /**
   * Scans the response headers that carry free text (`redact.headers`): returns the headers to
   * replace (`null`: remove), or `undefined` when nothing changes. Call it just before the head
   * goes out. Never throws: a header that cannot be scanned is removed.
   */
  filterHeaders(
    context: RequestContext,
    response: {
      status: number
      headers: Readonly<Record<string, string | number | readonly string[] | undefined>>
      routeOptions?: CompiledRouteOptions | undefined
    },
  ): Record<string, string | string[] | null> | undefined
  /** Whether `redact.headers` scans this response header (lower-case name): adapters skip the rest. */
  scansHeader(name: string): boolean
  /** Whether `ignoreWarnings` acknowledges `code` (adapters skip the check behind it). */
  ignoresWarning(code: string): boolean
  /**
   * Reports a JSON response of an app this guard protects that finished without passing the
   * guard (its route is mounted before leakguard): a `LEAKGUARD_UNGUARDED_RESPONSE` warning, once
   * per route. `route` is the framework's route pattern, never the request path (it may hold
   * personal data).
   */
  unguardedResponse(response: {
    method: string
    route: string | undefined
    status: number
    mount: string
  }): void
  /**
   * Reports the fact that a response ended without passing the response phase (a raw write, a
   * hijacked reply, Koa `ctx.respond = false`, an error rendered outside leakguard): the engine
   * emits a `response.unfiltered` event, once per request. Call it when the response ends, and
   * only when something was written (headers sent).
   */
  unfilteredResponse(context: RequestContext, response: { status: number; via: UnfilteredVia }): void
  /** Lower-case request header an adapter reads the incoming request id from, if any. */
  readonly requestIdHeader: string | undefined
  /** Response header an adapter echoes the request id in, if any. */
  readonly responseIdHeader: string | undefined
}

const BLOCK_MESSAGES: Record<ResponseErrorCode, string> = {
  ERR_LG_RESPONSE_TOO_DEEP: 'response is nested deeper than responses.maxDepth',
  ERR_LG_RESPONSE_CYCLE: 'response contains a circular reference',
  ERR_LG_RESPONSE_UNSERIALIZABLE: 'response contains a value JSON cannot represent',
  ERR_LG_RESPONSE_INVALID_JSON: 'response has a JSON content type but is not JSON',
  ERR_LG_RESPONSE_TOO_LARGE: 'response body is larger than responses.maxBodyBytes',
  ERR_LG_RESPONSE_ENCODING: 'response has a content coding leakguard cannot decode',
  ERR_LG_RESPONSE_PARTIAL: 'a 206 range of a JSON body cannot be filtered',
  ERR_LG_RESPONSE_ROUTE_MISMATCH: 'the framework routed the request elsewhere than leakguard decided',
  ERR_LG_RESPONSE_STREAM_FAILED: 'response stream failed while buffering',
  ERR_LG_RESPONSE_HEADERS_SENT: 'headers were sent before the body could be filtered',
  ERR_LG_RESPONSE_ROLES_FAILED: 'getRoles failed',
  ERR_LG_RESPONSE_RULE_FAILED: 'a redaction rule failed',
  ERR_LG_RESPONSE_INTERNAL: 'response filtering failed',
}

const BLOCKED_BODY = problemBody(500)
const BLOCKED: BlockedResponse = Object.freeze({
  blocked: true,
  status: 500,
  contentType: PROBLEM_CONTENT_TYPE,
  body: BLOCKED_BODY,
  payload: JSON.stringify(BLOCKED_BODY),
})

/** The path as every key uses it: `/Users//%41/` -> `/users/a`. */
function canonicalPath(path: string): string {
  return path === '*' ? '*' : `/${splitPath(path).join('/')}`
}

/** The last member name of a templated path: `$.data[*].accessToken` -> `accessToken`. */
function lastMemberName(path: string): string {
  const quoted = /\['((?:[^'\\]|\\.)*)'\]$/.exec(path)
  if (quoted !== null) return quoted[1]!
  const dot = path.lastIndexOf('.')
  return dot === -1 ? '' : path.slice(dot + 1).replace(/\[.*$/, '')
}

function headerOption(value: unknown, option: string, fallback: string): string | undefined {
  if (value === false) return undefined
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(value)) {
    fail(option, `expected a header name or false, got ${describe(value)}`)
  }
  return (value as string).toLowerCase()
}

function isSink(value: unknown): value is AuditSink {
  return typeof value === 'object' && value !== null && typeof (value as AuditSink).write === 'function'
}

/** Validates the audit options and builds the dispatcher. @throws LeakguardConfigError */
function compileAudit(audit: Record<string, unknown>): AuditDispatcher {
  const sinks: AuditSink[] = []
  const onEvent = functionOption<(event: LeakguardEvent) => void | Promise<void>>(
    audit.onEvent,
    'audit.onEvent',
  )
  if (onEvent !== undefined) sinks.push({ write: (event) => onEvent(event) })
  if (audit.sinks !== undefined) {
    if (!Array.isArray(audit.sinks))
      fail('audit.sinks', `expected an array of sinks, got ${describe(audit.sinks)}`)
    ;(audit.sinks as unknown[]).forEach((sink, i) => {
      if (!isSink(sink))
        fail(`audit.sinks[${i}]`, `expected a sink such as pinoSink(logger), got ${describe(sink)}`)
      sinks.push(sink as AuditSink)
    })
  }
  let types: Set<LeakguardEventType> | undefined
  if (audit.types !== undefined) {
    if (!Array.isArray(audit.types))
      fail('audit.types', `expected an array of event types, got ${describe(audit.types)}`)
    types = new Set()
    ;(audit.types as unknown[]).forEach((type, i) => {
      if (!EVENT_TYPES.includes(type as LeakguardEventType)) {
        fail(`audit.types[${i}]`, `unknown event type ${describe(type)}; known: ${EVENT_TYPES.join(', ')}`)
      }
      types!.add(type as LeakguardEventType)
    })
  }
  const sample: Partial<Record<LeakguardEventType, number>> = {}
  if (audit.sample !== undefined) {
    if (!isPlainObject(audit.sample))
      fail('audit.sample', `expected an object of event type -> rate, got ${describe(audit.sample)}`)
    for (const [type, rate] of Object.entries(audit.sample as Record<string, unknown>)) {
      if (!EVENT_TYPES.includes(type as LeakguardEventType))
        fail(`audit.sample.${type}`, 'unknown event type')
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
        fail(`audit.sample.${type}`, `expected a rate from 0 to 1, got ${describe(rate)}`)
      sample[type as LeakguardEventType] = rate as number
    }
  }
  return createDispatcher({
    sinks,
    types,
    sample,
    minSeverity: oneOf(audit.minSeverity, 'audit.minSeverity', ['info', 'warn', 'error'] as const, 'info'),
    maxQueue: integerOption(audit.maxQueue, 'audit.maxQueue', 1, 1_000_000, 1024),
  })
}

/** The default of `responses.maxBodyBytes`: 10 MiB. */
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

/**
 * `responses.maxBodyBytes`, or its former name `responses.maxBufferedBytes` (one limit: what is
 * read into memory is what is filtered). @throws LeakguardConfigError
 */
function bodyLimitOption(maxBodyBytes: unknown, maxBufferedBytes: unknown): number {
  if (maxBodyBytes !== undefined && maxBufferedBytes !== undefined) {
    fail(
      'responses.maxBufferedBytes',
      `is the former name of responses.maxBodyBytes; set only responses.maxBodyBytes (got both: ${describe(maxBodyBytes)} and ${describe(maxBufferedBytes)})`,
    )
  }
  return maxBodyBytes === undefined && maxBufferedBytes !== undefined
    ? integerOption(maxBufferedBytes, 'responses.maxBufferedBytes', 0, 2 ** 31, DEFAULT_MAX_BODY_BYTES)
    : integerOption(maxBodyBytes, 'responses.maxBodyBytes', 0, 2 ** 31, DEFAULT_MAX_BODY_BYTES)
}

/** Whether `value` is a guard made by {@link createGuard}. */
export function isGuard(value: unknown): value is Guard {
  return typeof value === 'object' && value !== null && guardBrand in value
}

interface Context extends RequestContext, RequestPhaseState {
  readonly method: string
  /** The canonical path: lower-case, percent-decoded segments, as every key uses it. */
  readonly path: string
  /** The path of the request target as read, before canonicalisation. */
  readonly targetPath: string
  /** The method as the adapter gave it. */
  readonly rawMethod: string
  /** Why the request target was refused (400), if it was. */
  readonly refused: string | undefined
  /** What the framework routed, when it disagrees with what leakguard decided on. */
  mismatch: { readonly method: string; readonly route: string } | undefined
  /** Whether the mismatch was reported already (one event per request). */
  mismatchReported?: boolean
  /** The query string, without `?`. */
  readonly query: string | undefined
  principal: Principal | undefined
  readonly clientAddress: string | undefined
  readonly native: unknown
  readonly entry: RouteEntry | undefined
}

/**
 * Validates `options` once and compiles every allowlist into a projection tree.
 * @throws LeakguardConfigError naming the first invalid option
 */
export function createGuard<TRequest = unknown>(options: GuardOptions<TRequest> = {}): Guard<TRequest> {
  const raw = objectOption(options, 'options', GUARD_OPTION_KEYS)
  const mode = oneOf(raw.mode, 'mode', ['enforce', 'report'] as const, 'enforce')
  const responses = objectOption(raw.responses, 'responses', RESPONSES_OPTION_KEYS)
  const defaultPolicy = oneOf(responses.default, 'responses.default', ['pass', 'deny'] as const, 'pass')
  const defaultTree = defaultPolicy === 'pass' ? KEEP : EMPTY
  const clientProblemView = compileAllowlist(
    responses.problemView ?? DEFAULT_CLIENT_PROBLEM_VIEW,
    'responses.problemView',
  )
  const serverProblemView =
    responses.problemView === undefined
      ? compileAllowlist(DEFAULT_SERVER_PROBLEM_VIEW, 'default')
      : clientProblemView
  const maxBodyBytes = bodyLimitOption(responses.maxBodyBytes, responses.maxBufferedBytes)
  // Streams and encoded bodies are read into memory up to the same limit.
  const maxBufferedBytes = maxBodyBytes
  const limits = {
    maxDepth: integerOption(responses.maxDepth, 'responses.maxDepth', 1, 10_000, 128),
    maxPaths: integerOption(responses.maxReportedPaths, 'responses.maxReportedPaths', 0, 10_000, 32),
    maxBytes: maxBodyBytes,
  }
  const audit = objectOption(raw.audit, 'audit', AUDIT_OPTION_KEYS)
  const dispatcher: AuditDispatcher = compileAudit(audit)
  const fingerprintKey =
    audit.fingerprintKey === undefined
      ? undefined
      : secretKeyOption(audit.fingerprintKey, 'audit.fingerprintKey')
  const fingerprint =
    fingerprintKey === undefined
      ? undefined
      : (value: string) => createHmac('sha256', fingerprintKey).update(value).digest('hex').slice(0, 16)
  const requestIds = objectOption(raw.requestId, 'requestId', REQUEST_ID_OPTION_KEYS)
  const requestIdHeader = headerOption(requestIds.header, 'requestId.header', 'x-request-id')
  const responseIdHeader = headerOption(
    requestIds.responseHeader,
    'requestId.responseHeader',
    requestIdHeader ?? 'x-request-id',
  )
  const redactor = compileRedactor(raw.redact as RedactOptions | undefined, 'redact')
  const routeRedactors = new WeakMap<RouteRedactOptions, Redactor>()
  const issuedTokenRedactors = new WeakMap<Redactor, Redactor>()
  const redactorFor = (policy: CompiledRouteOptions | undefined, status: number): Redactor => {
    const route = policy?.redact
    let built = route === undefined ? redactor : routeRedactors.get(route)
    if (built === undefined) {
      built = routeRedactor(redactor, route!, 'route redact')
      routeRedactors.set(route!, built)
    }
    if (policy?.issuesTokens !== true || status >= 400) return built
    let issuing = issuedTokenRedactors.get(built)
    if (issuing === undefined) {
      issuing = issuedTokensRedactor(built)
      issuedTokenRedactors.set(built, issuing)
    }
    return issuing
  }
  const getRoles = functionOption<(request: TRequest) => unknown>(raw.getRoles, 'getRoles')
  const ignoredWarnings = compileIgnoredWarnings(raw.ignoreWarnings, 'ignoreWarnings')
  const warnedOnce = new Set<string>()
  /** Reports a setup warning the first time `key` (the code by default) comes up in this guard. */
  function warnOnce(_context: Context | undefined, code: string, message: string, key = code): void {
    // Keys can come from what clients send (routes, methods): past the bound, stay quiet rather
    // than warn on every request.
    if (warnedOnce.has(key) || ignoredWarnings.has(code) || warnedOnce.size >= 1024) return
    warnedOnce.add(key)
    guard.warn(code, message)
  }
  const gate: AuthGate | undefined =
    raw.auth === undefined ? undefined : compileAuthGate(raw.auth as AuthOptions, 'auth')
  const table = compileRouteTable(raw.routes)
  for (const entry of table.entries)
    requireGate(entry.policy, `routes[${JSON.stringify(entry.pattern.source)}].auth`)

  /** An `auth` policy without `auth` options could never admit anyone: refused at startup. */
  function requireGate(policy: CompiledRouteOptions, option: string): void {
    if (policy.auth !== undefined && policy.auth.mode !== 'public' && gate === undefined) {
      configFail(
        option,
        'needs token verification: add `auth` options (issuer, audience, algorithms, keys) to the guard',
      )
    }
  }

  const eventRequest = (context: Context, status: number): EventRequest => ({
    id: context.requestId,
    method: context.method,
    ...(context.route === undefined ? {} : { route: context.route }),
    path: eventPath(context),
    status,
    ...(context.clientAddress === undefined ? {} : { clientAddress: context.clientAddress }),
  })

  function emit<T extends keyof LeakguardEventMap>(
    type: T,
    severity: Severity,
    outcome: Outcome,
    context: Context,
    status: number,
    details: () => LeakguardEventMap[T],
  ): void {
    // Nothing is built (paths masked, findings summarised) unless a sink wants the event.
    if (!dispatcher.wants(type, severity)) return
    dispatcher.emit({
      type,
      id: randomUUID(),
      time: new Date().toISOString(),
      severity,
      outcome,
      mode,
      request: eventRequest(context, status),
      ...(context.principal?.sub === undefined
        ? {}
        : { principal: { id: principalId(context.principal.sub) } }),
      ...details(),
    } as unknown as LeakguardEvent) // T and details() agree by the signature
  }

  function callerRoles(context: Context): readonly string[] {
    if (getRoles === undefined) return context.principal?.roles ?? []
    let roles: unknown
    try {
      roles = getRoles(context.native as TRequest)
    } catch (error) {
      throw new LeakguardResponseError('ERR_LG_RESPONSE_ROLES_FAILED', 'getRoles threw', { cause: error })
    }
    if (roles === undefined || roles === null) return []
    if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string')) {
      throw new LeakguardResponseError(
        'ERR_LG_RESPONSE_ROLES_FAILED',
        `getRoles returned ${describe(roles)}, not an array of strings`,
      )
    }
    return roles
  }

  function pickView(
    context: Context,
    status: number,
    policy: CompiledRouteOptions | undefined,
  ): { tree: ProjectionNode; kind: ViewKind; roles: readonly string[] } {
    if (status >= 400) {
      const fallback = status >= 500 ? serverProblemView : clientProblemView
      return { tree: policy?.problemView ?? fallback, kind: 'problem', roles: [] }
    }
    const selected = selectView(policy, policy?.views === undefined ? [] : callerRoles(context))
    if (selected.tree !== undefined)
      return { tree: selected.tree, kind: selected.kind, roles: selected.roles }
    if (selected.kind === 'deny' || defaultTree === EMPTY) return { tree: EMPTY, kind: 'deny', roles: [] }
    return { tree: KEEP, kind: 'pass', roles: [] }
  }

  // Event paths and incoming request ids are checked with the built-in detectors only: custom
  // rules run on responses, and nothing here may throw.
  const metadataRedactor: Redactor = {
    ...redactor,
    rules: { patterns: [], functions: [], keys: [] },
    keyNameMask: null,
    nestedJson: false,
  }
  // The same dropped paths, finding paths and request paths come back on every response of a
  // route: their masked forms are remembered (bounded; forgotten all at once when full).
  const maskedMetadata = new Map<string, { text: string; found: boolean }>()
  const redactMetadata = (text: string): { text: string; found: boolean } => {
    const known = maskedMetadata.get(text)
    if (known !== undefined) return known
    let masked: { text: string; found: boolean }
    try {
      const session = new RedactionSession(metadataRedactor, {
        hygiene: false,
        requestId: '',
        detailed: false,
      })
      const out = session.string(text, null, null)
      masked = { text: out === REMOVE ? '[REDACTED]' : out, found: session.total > 0 }
    } catch {
      masked = { text: '[REDACTED]', found: true }
    }
    if (maskedMetadata.size >= 4096) maskedMetadata.clear()
    maskedMetadata.set(text, masked)
    return masked
  }

  /** A path as events carry it: what a detector would flag in it (an email, a token) is masked. */
  const eventPaths = new WeakMap<Context, string>()
  function eventPath(context: Context): string {
    let path = eventPaths.get(context)
    if (path === undefined) {
      path = redactMetadata(context.path).text
      eventPaths.set(context, path)
    }
    return path
  }

  /** A `sub` as events carry it: an email or phone number used as subject is masked. */
  function principalId(sub: string): string {
    return redactMetadata(sub).text
  }

  /** A client-supplied request id, if it is plain and holds nothing a detector flags. */
  function incomingRequestId(value: string | string[] | undefined): string | undefined {
    if (requestIdHeader === undefined) return undefined
    const id = acceptRequestId(value)
    return id === undefined || redactMetadata(id).found ? undefined : id
  }

  /** The 400 of a request target leakguard will not guess at. */
  function refuseTarget(context: Context): RejectedRequest {
    const message = `invalid request target: ${context.refused}`
    emit('request.invalid_target', 'warn', mode === 'report' ? 'unknown' : 'failure', context, 400, () => ({
      reason: { code: 'ERR_LG_REQUEST_INVALID_TARGET', message },
    }))
    const body = problemBody(400, 'The request target is not a valid path.')
    return {
      allowed: false,
      status: 400,
      headers: {},
      contentType: PROBLEM_CONTENT_TYPE,
      body,
      payload: JSON.stringify(body),
      code: 'ERR_LG_REQUEST_INVALID_TARGET',
    }
  }

  /**
   * Fails closed when the framework routed the response elsewhere than leakguard decided (its
   * request phase ran on another route's policy). @throws LeakguardResponseError
   */
  function requireAgreement(context: Context, status: number): void {
    const seen = context.mismatch
    if (seen === undefined) return
    const first = context.mismatchReported !== true
    context.mismatchReported = true
    if (first)
      emit(
        'engine.route_mismatch',
        'error',
        mode === 'report' ? 'unknown' : 'failure',
        context,
        status,
        () => ({
          leakguard: { method: context.method, route: context.route ?? context.path },
          framework: { method: seen.method, route: seen.route },
        }),
      )
    throw new LeakguardResponseError(
      'ERR_LG_RESPONSE_ROUTE_MISMATCH',
      BLOCK_MESSAGES.ERR_LG_RESPONSE_ROUTE_MISMATCH,
    )
  }

  /** Projects `body` through the caller's view and reports what was dropped. @throws */
  function decide(
    context: Context,
    status: number,
    body: unknown,
    routeOptions: CompiledRouteOptions | undefined,
  ) {
    requireAgreement(context, status)
    const policy = mergeRouteOptions(context.entry?.policy, routeOptions)
    const view = pickView(context, status, policy)
    const session = startRedaction(context, status, policy)
    const result = project(body, view.tree, session === undefined ? limits : { ...limits, hooks: session })
    if (session !== undefined) {
      reportRedaction(context, status, session)
      reportDegraded(context, status, session)
      if (status < 400 && context.method === 'POST' && policy?.issuesTokens !== true)
        hintIssuedTokens(context, session)
    }
    if (result.dropped > 0) {
      emit('response.fields_dropped', 'info', 'success', context, status, () => ({
        view: view.kind,
        roles: view.roles,
        dropped: {
          count: result.dropped,
          paths: result.droppedPaths.map((path) => redactMetadata(path).text),
          truncated: result.pathsTruncated,
        },
      }))
    }
    return { value: result.value, changed: result.dropped > 0 || (session?.total ?? 0) > 0 }
  }

  /** Whether redaction can change anything: no session (and no hook per value) otherwise. */
  function hasWork(active: Redactor, status: number): boolean {
    const { rules } = active
    return (
      active.detectors.length > 0 ||
      active.keyNameMask !== null ||
      rules.patterns.length + rules.functions.length + rules.keys.length > 0 ||
      (status >= 400 && active.errorHygiene)
    )
  }

  function startRedaction(context: Context, status: number, policy: CompiledRouteOptions | undefined) {
    const active = redactorFor(policy, status)
    if (!active.enabled || !hasWork(active, status)) return undefined
    return new RedactionSession(active, {
      hygiene: status >= 400 && active.errorHygiene,
      requestId: context.requestId,
      detailed: false,
      fingerprint,
    })
  }

  /**
   * A successful POST whose body held a token that was masked is most likely a login or a token
   * endpoint that zero-config redaction just broke: say so once per route, with the fix.
   */
  function hintIssuedTokens(context: Context, session: RedactionSession): void {
    if (session.total === 0 || ignoredWarnings.has('LEAKGUARD_TOKEN_MASKED')) return
    let masked: string | undefined
    for (const { path, detector } of session.summaries.values()) {
      if (detector === 'jwt' || (detector === 'key-name' && isTokenKey(lastMemberName(path)))) {
        masked = path
        break
      }
    }
    if (masked === undefined) return
    // A route pattern only: a request path can carry a reset token or an email.
    const route = context.route
    const where = route ?? 'a POST request to a route without a pattern in `routes`'
    const declare = route ?? 'POST /your/login/path'
    warnOnce(
      context,
      'LEAKGUARD_TOKEN_MASKED',
      `${where}: a token was masked in a successful response (at ${redactMetadata(masked).text}). If this route hands tokens to its caller (a login, an OAuth token endpoint), declare it: routes: { ${JSON.stringify(declare)}: { issuesTokens: true } }. Otherwise nothing is wrong: the token was not the caller's to see.`,
      `LEAKGUARD_TOKEN_MASKED ${route ?? ''}`,
    )
  }

  function reportRedaction(context: Context, status: number, session: RedactionSession): void {
    if (session.total === 0) return
    emit('response.redacted', 'warn', 'success', context, status, () => {
      const { findings, truncated } = session.summary(limits.maxPaths)
      return {
        // Member names are part of paths, and a member name can itself be a secret.
        findings: findings.map((finding) => ({ ...finding, path: redactMetadata(finding.path).text })),
        total: session.total,
        truncated,
      }
    })
  }

  /** Values a client could write that were redacted as text instead of failing the response. */
  function reportDegraded(context: Context, status: number, session: RedactionSession): void {
    if (session.degradedTotal === 0) return
    emit('response.degraded', 'warn', 'success', context, status, () => {
      const { values, truncated } = session.degradedSummary(limits.maxPaths)
      return {
        values: values.map((value) => ({ ...value, path: redactMetadata(value.path).text })),
        total: session.degradedTotal,
        truncated,
      }
    })
  }

  /** Reports a failure and returns the generic 500 that replaces the response. */
  function fail(context: Context, status: number, thrown: unknown): BlockedResponse {
    const error = toResponseError(thrown)
    emit('response.blocked', 'error', mode === 'report' ? 'unknown' : 'failure', context, status, () => ({
      error: {
        code: error.code,
        message: error.message,
        ...(error.rule === undefined ? {} : { rule: error.rule }),
      },
    }))
    return BLOCKED
  }

  /**
   * Refuses a body larger than `responses.maxBodyBytes` before any work on it: filtering costs
   * time in proportion to the body, all of it on the event loop. @throws LeakguardResponseError
   */
  function requireBodySize(payload: string | Uint8Array): void {
    const bytes =
      typeof payload !== 'string'
        ? payload.byteLength
        : payload.length > maxBodyBytes || payload.length * 3 <= maxBodyBytes
          ? payload.length // a UTF-16 code unit is 1 to 3 bytes of UTF-8
          : Buffer.byteLength(payload, 'utf8')
    if (bytes > maxBodyBytes) {
      throw new LeakguardResponseError('ERR_LG_RESPONSE_TOO_LARGE', BLOCK_MESSAGES.ERR_LG_RESPONSE_TOO_LARGE)
    }
  }

  /**
   * The body as text, decoded from its content codings if it has any; `codings` is what a changed
   * body must be encoded with again. JSON is read as UTF-8 (RFC 8259: anything else fails to
   * parse); a text body as a browser reads it when `textType` is its Content-Type (UTF-16 when a
   * byte order mark or the charset says so). @throws LeakguardResponseError
   */
  function readText(
    context: Context,
    payload: string | Uint8Array,
    encoding: ContentEncodingHeader,
    textType?: unknown,
  ): { text: string; codings: string[]; charset: TextCharset } {
    requireBodySize(payload)
    const codings = contentCodings(encoding)
    if (codings.length === 0) {
      if (typeof payload === 'string') return { text: payload, codings, charset: 'utf8' }
      const charset = textType === undefined ? 'utf8' : textCharset(payload, textType)
      return { text: decodeText(payload, charset), codings, charset }
    }
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload
    const decoded = decodeBody(bytes, codings, maxBufferedBytes)
    const charset = textType === undefined ? 'utf8' : textCharset(decoded, textType)
    const text = decodeText(decoded, charset)
    warnOnce(
      context,
      'LEAKGUARD_ENCODED_BODY',
      `leakguard decoded a ${codings.join(', ')} response body to filter it, and encodes what it sends again: it runs after a compression middleware. Mount compression before leakguard() (Express: app.use(compression()) first; Koa: koa-compress outside leakguard) to save that work.`,
    )
    return { text, codings, charset }
  }

  /** The filtered text as it goes out: in the charset it was read in, encoded again with its codings. */
  const reencode = (text: string, codings: readonly string[], charset: TextCharset = 'utf8') => {
    const out = encodeText(text, charset)
    return codings.length === 0 ? out : encodeBody(out, codings)
  }

  function serialized(
    context: Context,
    status: number,
    payload: string | Uint8Array,
    routeOptions: CompiledRouteOptions | undefined,
    encoding: ContentEncodingHeader,
  ): SerializedDecision {
    try {
      // A range of a JSON document can be a bare string or number that was a protected member's
      // value (`Range: bytes=20-34` of a file): no member name, no view applies to it.
      if (status === 206)
        throw new LeakguardResponseError('ERR_LG_RESPONSE_PARTIAL', BLOCK_MESSAGES.ERR_LG_RESPONSE_PARTIAL)
      const { text, codings } = readText(context, payload, encoding)
      const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
      if (json.trim() === '') return { blocked: false, payload }
      let body: unknown
      try {
        body = JSON.parse(json)
      } catch (error) {
        throw new LeakguardResponseError(
          'ERR_LG_RESPONSE_INVALID_JSON',
          'response has a JSON content type but is not JSON',
          {
            cause: error,
          },
        )
      }
      const result = decide(context, status, body, routeOptions)
      if (mode === 'report') return { blocked: false, payload }
      // What goes out is the serialization of what was decided on, never the text that was parsed:
      // clients that keep the first of duplicate members, or read a byte order mark, bytes that are
      // not UTF-8 or digits beyond double precision otherwise than JSON.parse, would read the rest.
      const decided = serializeLike(result.value, text)
      if (sameText(payload, text, decided)) return { blocked: false, payload }
      return { blocked: false, payload: reencode(decided, codings) }
    } catch (thrown) {
      const blocked = fail(context, status, thrown)
      return mode === 'report' ? { blocked: false, payload } : blocked
    }
  }

  /** Redacts a text body: detectors and rules over the whole text, error hygiene for 4xx/5xx. */
  function redactText(context: Context, response: SerializedResponseInput): SerializedDecision {
    const { status, payload } = response
    try {
      requireAgreement(context, status)
      const session = startRedaction(
        context,
        status,
        mergeRouteOptions(context.entry?.policy, response.routeOptions),
      )
      if (session === undefined) return { blocked: false, payload }
      const { text, codings, charset } = readText(
        context,
        payload,
        response.contentEncoding,
        response.contentType ?? 'text/plain',
      )
      const out = session.string(text, null, null)
      reportRedaction(context, status, session)
      reportDegraded(context, status, session)
      if (mode === 'report' || session.total === 0) return { blocked: false, payload }
      return { blocked: false, payload: reencode(out === REMOVE ? '' : out, codings, charset) }
    } catch (thrown) {
      const blocked = fail(context, status, thrown)
      return mode === 'report' ? { blocked: false, payload } : blocked
    }
  }

  /** Requests already reported as unfiltered: one event per response, however many bypasses. */
  const unfiltered = new WeakSet<Context>()

  // Rate limiting exists once the guard or a route asks for it (the MemoryStore is not free).
  let rate: RateGate | undefined =
    raw.rateLimit === undefined ? undefined : compileRateGate(raw.rateLimit, 'rateLimit')
  const rateGate = (): RateGate => {
    rate ??= compileRateGate({}, 'rateLimit')
    return rate
  }
  const limiters = new WeakMap<CompiledRouteOptions, CompiledLimiter | false>()
  let helperRoutes = 0
  const limiterOf = (options: CompiledRouteOptions, id?: string): CompiledLimiter | false | undefined => {
    if (options.rateLimit === undefined) return undefined
    let limiter = limiters.get(options)
    if (limiter === undefined) {
      limiter = rateGate().compileRoute(options.rateLimit, 'rateLimit', id ?? `route#${++helperRoutes}`)
      limiters.set(options, limiter)
    }
    return limiter
  }
  for (const entry of table.entries) limiterOf(entry.policy, `route:${entry.pattern.source}`)
  const phase = createRequestPhase({
    mode,
    gate,
    rate: () => rate,
    limiterOf,
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    warn: (code, message) => guard.warn(code, message),
  })

  const guard: Guard<TRequest> = {
    [guardBrand]: true,
    mode,
    verifier: gate?.verifier,
    startRequest(request) {
      const q = request.path.indexOf('?')
      const target = readRequestTarget(request.path)
      const entry = target.refused === undefined ? table.match(request.method, target.path) : undefined
      const context: Context = {
        requestId: incomingRequestId(request.requestId) ?? randomUUID(),
        route: entry?.pattern.source,
        method: request.method.toUpperCase(),
        path: canonicalPath(target.path),
        targetPath: target.path,
        rawMethod: request.method,
        refused: target.refused,
        mismatch: undefined,
        query: q === -1 ? undefined : request.path.slice(q + 1),
        clientAddress: request.clientAddress,
        native: request.native,
        entry,
        patternPolicy: entry?.policy,
        ...newPhaseState(),
      }
      return context
    },
    checkRequest(requestContext, input) {
      const context = requestContext as Context
      if (context.refused !== undefined) return refuseTarget(context)
      return phase.checkRequest(context, input.headers, input.routeOptions)
    },
    checkRouted(requestContext, framework, status) {
      const context = requestContext as Context
      guard.routed(context, framework)
      if (context.mismatch === undefined) return undefined
      if (context.mismatchReported) return mode === 'report' ? undefined : BLOCKED
      try {
        requireAgreement(context, status)
      } catch (thrown) {
        const blocked = fail(context, status, thrown)
        return mode === 'report' ? undefined : blocked
      }
      return undefined
    },
    routed(requestContext, framework) {
      const context = requestContext as Context
      if (context.refused !== undefined || context.mismatch !== undefined) return
      // The common case: the framework routed exactly the path leakguard read, with its method.
      if (framework.path === context.targetPath && framework.method === context.rawMethod) return
      const method = framework.method.toUpperCase()
      const target = readRequestTarget(framework.path)
      const entry = target.refused === undefined ? table.match(method, target.path) : undefined
      if (entry === context.entry && method === context.method) return
      context.mismatch = { method, route: entry?.pattern.source ?? canonicalPath(target.path) }
    },
    endRequest(requestContext, status) {
      phase.endRequest(requestContext as Context, status)
    },
    compileRoute(options, option = 'route options') {
      const compiled = compileRoute(options, option)
      requireGate(compiled, `${option}.auth`)
      limiterOf(compiled)
      return compiled
    },
    filterResponse(requestContext, response) {
      const context = requestContext as Context
      const { status, body } = response
      if (body === undefined || body === null) return { blocked: false, body }
      try {
        const result = decide(context, status, body, response.routeOptions)
        return { blocked: false, body: mode === 'report' ? body : result.value }
      } catch (thrown) {
        return mode === 'report'
          ? (fail(context, status, thrown), { blocked: false, body })
          : fail(context, status, thrown)
      }
    },
    filterSerialized(requestContext, response) {
      return serialized(
        requestContext as Context,
        response.status,
        response.payload,
        response.routeOptions,
        response.contentEncoding,
      )
    },
    filterText: (requestContext, response) => redactText(requestContext as Context, response),
    async filterStream(requestContext, response) {
      const context = requestContext as Context
      let payload: Buffer
      try {
        payload = await collectBody(response.source, maxBufferedBytes)
      } catch (thrown) {
        // The body is gone (read or released): even report mode has nothing else to send.
        return fail(context, response.status, thrown)
      }
      if (response.kind === 'text') return redactText(context, { ...response, payload })
      return serialized(context, response.status, payload, response.routeOptions, response.contentEncoding)
    },
    block(requestContext, status, code) {
      return fail(requestContext as Context, status, new LeakguardResponseError(code, BLOCK_MESSAGES[code]))
    },
    maxBufferedBytes,
    flush: () => dispatcher.flush(),
    get droppedEvents() {
      return dispatcher.metrics().dropped
    },
    auditMetrics: () => dispatcher.metrics(),
    warn(code, message) {
      if (ignoredWarnings.has(code)) return
      processWarning(code, message)
      if (!dispatcher.wants('config.warning', 'warn')) return
      dispatcher.emit({
        type: 'config.warning',
        id: randomUUID(),
        time: new Date().toISOString(),
        severity: 'warn',
        outcome: 'unknown',
        mode,
        warning: { code, message },
      })
    },
    ignoresWarning: (code) => ignoredWarnings.has(code),
    scansHeader: (name) => redactor.headerScan.scans(name),
    filterHeaders(requestContext, response) {
      const context = requestContext as Context
      const { status, headers } = response
      const scan = redactor.headerScan
      let session: RedactionSession | undefined
      let changed: Record<string, string | string[] | null> | undefined
      try {
        for (const [name, value] of Object.entries(headers)) {
          const lower = name.toLowerCase()
          if (value === undefined || !scan.scans(lower)) continue
          if (session === undefined) {
            const active = redactorFor(
              mergeRouteOptions(context.entry?.policy, response.routeOptions),
              status,
            )
            if (!active.enabled) return undefined
            session = new RedactionSession(active, {
              hygiene: false,
              requestId: context.requestId,
              detailed: false,
              fingerprint,
            })
          }
          const values = Array.isArray(value) ? value.map(String) : [String(value)]
          const out = values.map((text) => redactHeaderValue(lower, text, session!))
          if (out.every((text, i) => text === values[i])) continue
          changed ??= {}
          changed[name] = Array.isArray(value) ? out : out[0]!
        }
      } catch (thrown) {
        fail(context, status, thrown)
        // Fail closed for the headers: none of those that were to be read goes out unread.
        const removed: Record<string, null> = {}
        for (const name of Object.keys(headers)) if (scan.scans(name.toLowerCase())) removed[name] = null
        return mode === 'report' ? undefined : removed
      }
      if (session !== undefined) reportRedaction(context, status, session)
      return mode === 'report' ? undefined : changed
    },
    unguardedResponse({ method, route, status, mount }) {
      const where = route === undefined ? `a ${method} request` : `${method} ${route}`
      warnOnce(
        undefined,
        'LEAKGUARD_UNGUARDED_RESPONSE',
        `${where} sent a JSON response (status ${status}) that never passed leakguard, so nothing of it was filtered: ${mount}. If the route is meant to be unguarded, acknowledge it with ignoreWarnings: ['LEAKGUARD_UNGUARDED_RESPONSE'].`,
        `LEAKGUARD_UNGUARDED_RESPONSE ${method} ${route ?? ''}`,
      )
    },
    unfilteredResponse(requestContext, { status, via }) {
      const context = requestContext as Context
      if (unfiltered.has(context)) return
      unfiltered.add(context)
      emit('response.unfiltered', 'warn', 'unknown', context, status, () => ({ via }))
    },
    requestIdHeader,
    responseIdHeader,
  }
  return guard
}

/**
 * Validates and compiles route-level options once, at startup: what the framework route helpers
 * (`leakguard.route()`, Fastify `config.leakguard`) call. Compiled options pass through unchanged.
 * @param option the name used in error messages, e.g. `config.leakguard of GET /users`
 * @throws LeakguardConfigError
 */
export function compileRoute(
  options: RouteOptions | CompiledRouteOptions,
  option = 'route options',
): CompiledRouteOptions {
  if (isCompiledRouteOptions(options)) return options
  return compileRouteOptions(options, option)
}

/**
 * Compiles the options of a route helper that runs after the request phase has started (Express
 * and Koa `leakguard.route()`): `leakguard()` checked the token before the router picked the route,
 * so the helper can add requirements (scopes, roles, a check, limits) but cannot make a route public
 * or optional.
 * @throws LeakguardConfigError
 */
export function compileRouteHelper(
  options: RouteOptions,
  option = 'leakguard.route() options',
): CompiledRouteOptions {
  const compiled = compileRoute(options, option)
  if (compiled.auth !== undefined && compiled.auth.mode !== 'required') {
    configFail(
      `${option}.auth`,
      "public and optional routes must be declared in the guard's routes ({ routes: { 'GET /path': { auth: { public: true } } } }): leakguard() checks the token before the router reaches the route",
    )
  }
  return compiled
}
