import { createHmac, randomUUID } from 'node:crypto'
import { compileAllowlist, EMPTY, KEEP } from './allowlist/compile.js'
import {
  type AuditDispatcher,
  type AuditMetrics,
  type AuditSink,
  createDispatcher,
} from './audit/dispatch.js'
import type { LeakguardEvent, LeakguardEventType, UnfilteredVia } from './audit/events.js'
import { createGuardEvents } from './audit/guard-events.js'
import { compileIgnoredWarnings, processWarning } from './audit/warnings.js'
import type { RequestHeaders } from './auth/bearer.js'
import { type AuthGate, compileAuthGate } from './auth/gate.js'
import type { AuthOptions } from './auth/options.js'
import type { Principal } from './auth/principal.js'
import type { ResponseErrorCode } from './errors.js'
import type { BodySource } from './http/collect.js'
import type { ContentEncodingHeader } from './http/content-encoding.js'
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemBody } from './http/problem.js'
import { readRequestTarget } from './http/request-target.js'
import { compileTransport } from './http/transport.js'
import { createRouteInventory, type InventoryRoute } from './inventory/routes.js'
import { createSequentialIdWatch, routeOfPath } from './inventory/sequential-ids.js'
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
  type RedactOptions,
  type Redactor,
  type RouteRedactOptions,
  routeRedactor,
} from './redact/engine.js'
import type { AbuseRequest } from './request/abuse.js'
import {
  checksBody,
  createInputPhase,
  hasInputPolicies,
  type InputDecision,
  type InputState,
  type RequestInput,
} from './request/input.js'
import { createRequestMonitors } from './request/monitors.js'
import {
  createRequestPhase,
  newRateState,
  type RejectedRequest,
  type RequestDecision,
  type RequestPhaseState,
  rejection,
} from './request-phase.js'
import { createResponsePhase } from './response/phase.js'
import { isCanonicalPath, splitPath } from './routes/pattern.js'
import {
  type CompiledRouteOptions,
  compileRouteOptions,
  isCompiledRouteOptions,
  mergeRouteOptions,
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
  'requests',
  'abuse',
  'transport',
] as const
const REQUESTS_OPTION_KEYS = ['maxDepth', 'maxBodyBytes', 'store', 'maxReportedPaths'] as const
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
  'response.canary',
  'response.blocked',
  'response.unfiltered',
  'response.degraded',
  'auth.failed',
  'auth.forbidden',
  'ratelimit.exceeded',
  'ratelimit.store_error',
  'ratelimit.store_full',
  'request.invalid_target',
  'request.member_dropped',
  'request.rejected_members',
  'access.denied',
  'access.items_dropped',
  'abuse.enumeration',
  'abuse.alert',
  'inventory.sequential_ids',
  'inventory.undeclared_route',
  'transport.insecure',
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
  /** Whether the request came over TLS to this process (`socket.encrypted`). */
  readonly secure?: boolean
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
  /** The engine failed, or the object is not the caller's: send exactly this, nothing of the original body. */
  readonly blocked: true
  /** 500, or the route's `ownerDenied` (404 or 403) when `ownerPath` found another caller's object. */
  readonly status: 403 | 404 | 500
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
/** What {@link Guard.serializeResponse} decided: the JSON text to send, or the generic 500. */
export type WrittenDecision = { readonly blocked: false; readonly payload: string } | BlockedResponse

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
   * Synchronous while every step is: nothing to verify or a token the verifier's cache holds, and
   * a synchronous rate-limit store (MemoryStore); a native promise otherwise. Call it again with
   * route-level options (a route helper): the token is verified once per request. Never throws
   * or rejects: every failure is a {@link RejectedRequest} (400, 401, 403, 429 or 503), never a 500. In `'report'` mode refusals are only
   * reported and the request is allowed.
   */
  checkRequest(context: RequestContext, input: RequestCheckInput): RequestDecision | Promise<RequestDecision>
  /**
   * The request-side policies of the route (`acceptQuery`, `accept`, the enumeration detector,
   * `owner`), before the handler: what the handler may read of the body and query, or leakguard's
   * refusal (400, 404/403, 413, 415, 422, 429). Call it after {@link checkRequest} allowed the
   * request, with what the framework has parsed so far; call it again once the body is parsed
   * (`bodyReady`): each policy runs once per request. Never rejects.
   */
  checkInput(context: RequestContext, input: RequestInput): InputDecision | Promise<InputDecision>
  /**
   * Checks a body the moment a parser sets it (the Express `req.body` and Koa `ctx.request.body`
   * setters leakguard installs): returns what the handler may read (accepted members only); a
   * refusal (`onUnknown: 'reject'`, a hostile body) is kept and answered by the next
   * {@link checkInput} (a body checkpoint or route helper). An owner check that takes the body
   * and has not read this one waits for it: a body set in a route's own chain (`inRoute`: a
   * route-level parser, past any app-level checkpoint) is then held, and the handler reads an empty
   * one until a route helper runs the check. Never throws.
   */
  filterBody(
    context: RequestContext,
    body: unknown,
    routeOptions?: CompiledRouteOptions,
    inRoute?: boolean,
  ): unknown
  /**
   * What this guard has seen, per route: requests, status classes, dropped members, findings,
   * methods, last seen; routes of `routes` never requested are listed with 0 requests, routes the
   * app serves that no pattern names with `declared: false` (docs/inventory.md).
   */
  inventory(): InventoryRoute[]
  /**
   * Tells the inventory about a route the framework registered (`'GET'`, `'/users/:id'`): adapters
   * call it at startup (Fastify `onRoute`) or on the first request (the Express and Koa route
   * stacks), so the inventory lists routes before they are requested, with the pattern that covers
   * each, if any.
   */
  registerRoute(method: string, path: string): void
  /** Whether the request's route has request-side policies (adapters skip the call otherwise). */
  hasInputPolicies(context: RequestContext, routeOptions?: CompiledRouteOptions): boolean
  /** Whether the request's route checks request bodies (`accept`, `acceptViews`). */
  checksBody(context: RequestContext, routeOptions?: CompiledRouteOptions): boolean
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
  /**
   * Decides what to send for an application's response, as a new value that the framework then
   * serializes. Never throws: it fails closed. Prefer {@link serializeResponse} where the adapter
   * can send text: it writes the JSON directly, without building the filtered value.
   */
  filterResponse(context: RequestContext, response: ResponseInput): ResponseDecision
  /**
   * Decides what to send for an application's response and writes it as JSON text in the same
   * pass, through the compiled view of the route (what `JSON.stringify` of
   * {@link filterResponse}'s value would give, without building it). `payload` is `''` where
   * `JSON.stringify` gives `undefined`. Never throws: it fails closed.
   */
  serializeResponse(context: RequestContext, response: ResponseInput): WrittenDecision
  /**
   * {@link serializeResponse}, for adapters that can wait: the body's longest list of objects (at
   * the root or a few plain members below it) is written about 1 MiB of JSON text per event-loop
   * turn, so that other requests are served in between; a promise comes back only when the body
   * needed more than one turn. Same text and counts either way (findings and dropped paths may be
   * reported in another order). A route with `ownerPath` writes its body in one turn, so that what
   * was checked is what goes out. Never rejects.
   */
  serializeResponseInTurns(
    context: RequestContext,
    response: ResponseInput,
  ): WrittenDecision | Promise<WrittenDecision>
  /**
   * Same, for a body already serialized as JSON text (call it only for JSON content types). What
   * comes back is the serialization of the decided value, in the layout of the original (compact or
   * indented); the payload is the same object only when it already was exactly that text, so a
   * duplicate member, a byte order mark or bytes that are not UTF-8 never go out.
   */
  filterSerialized(context: RequestContext, response: SerializedResponseInput): SerializedDecision
  /**
   * {@link filterSerialized}, for adapters that can wait: a body of 1 MiB or more is read and
   * parsed, filtered and written (its longest list of objects about 1 MiB per turn, as
   * {@link serializeResponseInTurns} does), then compared and encoded, in event-loop turns of
   * their own (a promise comes back), so that other requests are served between them instead of
   * after the whole body; a smaller one is decided now, as {@link filterSerialized} does. Same
   * decision either way. Never rejects.
   */
  filterSerializedInTurns(
    context: RequestContext,
    response: SerializedResponseInput,
  ): SerializedDecision | Promise<SerializedDecision>
  /**
   * Redacts a text body (`text/*`): detectors and rules over the whole text, and, for 4xx/5xx,
   * error hygiene. The payload comes back as the same object when nothing was found.
   */
  filterText(context: RequestContext, response: SerializedResponseInput): SerializedDecision
  /**
   * Same, for a body still to be read, up to `responses.maxBodyBytes`; a JSON body is filtered in
   * turns as {@link filterSerializedInTurns} does. Never rejects.
   */
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
  /**
   * Reads the reason phrase a handler set (`res.statusMessage`, `ctx.message`): returns the
   * standard phrase of `status` to send instead when the detectors or error hygiene find anything
   * in it, `undefined` when it may go as it is. Call it just before the head goes out (Koa: before
   * it writes the phrase as the body of a response without one). Never throws.
   */
  filterStatusMessage(
    context: RequestContext,
    response: { status: number; message: string; routeOptions?: CompiledRouteOptions | undefined },
  ): string | undefined
  /**
   * For a success body leakguard does not read (not JSON or text: XML, CSV, bytes, a stream of
   * them) on a route with `ownerPath`: the owner denial (404/403) to send instead, since the owner
   * cannot be read; `undefined` otherwise (and in `'report'` mode). Adapters call it where such
   * bodies otherwise pass untouched.
   */
  opaqueBody(
    context: RequestContext,
    response: { status: number; routeOptions?: CompiledRouteOptions | undefined },
  ): BlockedResponse | undefined
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
   * Reports a body that code running after leakguard's filter replaced (a Fastify onSend hook
   * registered after leakguard, a Koa middleware registered before it, an Express `res.json`/
   * `res.send` wrapper mounted before it), which the adapter filtered again: a
   * `LEAKGUARD_LATE_PAYLOAD` warning, once per route. `route` is the framework's route pattern,
   * never the request path; `by` names the code, `fix` says where it belongs.
   */
  latePayload(response: { method: string; route: string | undefined; by: string; fix: string }): void
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

/** The path as every key uses it: `/Users//%41/` -> `/users/a`. */
function canonicalPath(path: string): string {
  if (path === '*' || isCanonicalPath(path)) return path
  return `/${splitPath(path).join('/')}`
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
  /** What the request-side policies did so far. */
  readonly input: InputState
  /** The request headers, once the request phase has seen them. */
  headers?: RequestHeaders
  /** The route options the input phase ran with (route-level ones merged in). */
  inputPolicy?: CompiledRouteOptions
  /** What the abuse monitor counted of the request, for its response. */
  abuse?: AbuseRequest
  /** Whether the socket was TLS, as the adapter said. */
  readonly secureSocket: boolean | undefined
  /** What the transport check found (`undefined` until it ran). */
  secure?: boolean
  /** The request target as given (path and query), for redirects. */
  readonly target: string
  /** The path as events carry it (see `eventPath`), once an event needed it. */
  eventPath: string | undefined
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
  const _maxBufferedBytes = maxBodyBytes
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
  const issuedTokenRedactors = new WeakMap<Redactor, WeakMap<object, Redactor>>()
  const NO_CLAIMS = {}
  const redactorFor = (policy: CompiledRouteOptions | undefined, status: number): Redactor => {
    const route = policy?.redact
    let built = route === undefined ? redactor : routeRedactors.get(route)
    if (built === undefined) {
      built = routeRedactor(redactor, route!, 'route redact')
      routeRedactors.set(route!, built)
    }
    if (policy?.issuesTokens !== true || status >= 400) return built
    let byClaims = issuedTokenRedactors.get(built)
    if (byClaims === undefined) {
      byClaims = new WeakMap()
      issuedTokenRedactors.set(built, byClaims)
    }
    const claims = policy.issuedTokenClaims
    let issuing = byClaims.get(claims ?? NO_CLAIMS)
    if (issuing === undefined) {
      issuing = issuedTokensRedactor(built, claims)
      byClaims.set(claims ?? NO_CLAIMS, issuing)
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

  const events = createGuardEvents({ dispatcher, mode, redactor, requestIdHeader })
  const { emit, incomingRequestId } = events
  const redactMetadata = events.maskMetadata

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
  const responsePhase = createResponsePhase<TRequest>({
    mode,
    limits,
    defaultTree,
    clientProblemView,
    serverProblemView,
    getRoles,
    fingerprint,
    headerScan: redactor.headerScan,
    redactorFor,
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    summarizesFindings: dispatcher.wants('response.redacted', 'warn'),
    maskMetadata: (text) => redactMetadata(text),
    warnOnce: (code, message, key) => warnOnce(undefined, code, message, key),
    ignoresWarning: (code) => ignoredWarnings.has(code),
    observeIds: (context, body) => sequentialIds.observe(context.route ?? routeOfPath(context.path), body),
    filtered: (context, dropped, findings) => {
      if (dropped + findings > 0) inventory.filtered(routeKeyOf(context as Context), dropped, findings)
    },
    ownerPending: (context) => {
      const { input, inputPolicy, entry } = context as Context
      return input.ownerPending !== undefined
        ? ((inputPolicy ?? entry?.policy)?.ownerDenied ?? 404)
        : undefined
    },
  })
  const phase = createRequestPhase({
    mode,
    gate,
    rate: () => rate,
    limiterOf,
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    warn: (code, message) => guard.warn(code, message),
  })

  const requests = objectOption(raw.requests, 'requests', REQUESTS_OPTION_KEYS)
  const monitors = createRequestMonitors({
    mode,
    store: requests.store,
    abuse: raw.abuse,
    rate: () => rate,
    events,
    warn: (code, message) => guard.warn(code, message),
    clientIp: (request) => phase.clientIp(request as Context, request.headers ?? {}) ?? 'unknown',
  })
  const inputPhase = createInputPhase({
    mode,
    limits: {
      maxDepth: integerOption(requests.maxDepth, 'requests.maxDepth', 1, 10_000, 32),
      maxPaths: integerOption(requests.maxReportedPaths, 'requests.maxReportedPaths', 0, 10_000, 32),
      maxBytes: integerOption(requests.maxBodyBytes, 'requests.maxBodyBytes', 1, 2 ** 31, 1024 * 1024),
    },
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    mask: (text) => redactMetadata(text).text,
    roles: (context) => rolesOf(context as Context),
    subject: (context, by) => monitors.subjectOf(context as Context, by),
    enumeration: monitors.enumeration,
    detectorFailed: (context, error) =>
      warnOnce(
        context as Context,
        'LEAKGUARD_ENUMERATION_STORE_FAILED',
        `the enumeration detector's store failed, requests go on uncounted: ${(error as Error)?.message ?? error}`,
      ),
  })
  /** The caller's roles for `acceptViews`: `getRoles` when given, else the token's. @throws */
  function rolesOf(context: Context): readonly string[] {
    if (getRoles === undefined) return context.principal?.roles ?? []
    const roles = getRoles(context.native as TRequest)
    if (roles === undefined || roles === null) return []
    if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string'))
      throw new TypeError(`getRoles returned ${describe(roles)}, not an array of strings`)
    return roles as readonly string[]
  }
  const sequentialIds = createSequentialIdWatch((found) =>
    events.emitUnattached('inventory.sequential_ids', 'info', () => found),
  )

  const inventory = createRouteInventory(table.entries.map((entry) => entry.pattern.source))
  /**
   * The inventory's name of a request's route: its pattern, or its path with ids as `:n` and what
   * a detector flags masked (read in the path's own case: keys and tokens are case-sensitive).
   */
  const routeKeyOf = (context: Context): string =>
    context.route ?? redactMetadata(routeOfPath(context.targetPath)).text
  const transport = compileTransport(raw.transport, 'transport')
  /** The transport check of a request, once: its refusal (403, or 308 to HTTPS), if any. */
  function checkTransport(context: Context, headers: RequestHeaders): RejectedRequest | undefined {
    const verdict = transport!.check(
      { method: context.method, target: context.target, secure: context.secureSocket },
      context.clientAddress,
      headers,
      rate?.resolver,
    )
    context.secure = verdict.ok ? verdict.secure : false
    if (verdict.ok) return undefined
    emit(
      'transport.insecure',
      'warn',
      mode === 'report' ? 'unknown' : 'failure',
      context,
      verdict.status,
      () => ({
        action: verdict.status === 308 ? ('redirected' as const) : ('refused' as const),
      }),
    )
    if (verdict.untrustedProxy)
      warnOnce(
        context,
        'LEAKGUARD_TRANSPORT_PROXY_IGNORED',
        'requests carry X-Forwarded-Proto from a proxy rateLimit.trustProxy does not trust, so transport.requireHttps treats them as plain HTTP. Set rateLimit.trustProxy to your proxy hop count or CIDR ranges.',
      )
    if (mode === 'report') return undefined
    return rejection(verdict.status, 'ERR_LG_TRANSPORT_INSECURE', verdict.body, { ...verdict.headers })
  }

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
        input: {},
        secureSocket: request.secure,
        target: request.path,
        eventPath: undefined,
        // Written out, not spread: a spread adding members costs ~0.1-0.6 us on Node 20.
        principal: undefined,
        auth: {},
        rate: newRateState(),
      }
      return context
    },
    checkRequest(requestContext, input) {
      const context = requestContext as Context
      context.headers = input.headers
      if (context.refused !== undefined) return refuseTarget(context)
      if (transport !== undefined && context.secure === undefined) {
        const refusal = checkTransport(context, input.headers)
        if (refusal !== undefined) return refusal
      }
      const decision = phase.checkRequest(context, input.headers, input.routeOptions)
      if (!monitors.watchesAbuse && transport === undefined) return decision
      const observed = (settled: RequestDecision): RequestDecision => {
        monitors.observeAbuse(context)
        if (transport === undefined) return settled
        // leakguard's own refusals (401, 403, 429...) get them too: they are responses like any.
        const extra = transport.headers(
          context.secure === true,
          // Credentials: a verified caller, an Authorization header, or a session cookie.
          (settled.allowed && settled.principal !== undefined) ||
            input.headers.authorization !== undefined ||
            input.headers.cookie !== undefined,
        )
        return Object.keys(extra).length === 0
          ? settled
          : // Merged with Object.assign: two spreads of header maps cost ~0.6 us per request on Node 20.
            { ...settled, headers: Object.assign({}, extra, settled.headers) }
      }
      return decision instanceof Promise ? decision.then(observed) : observed(decision)
    },
    checkInput(requestContext, input) {
      const context = requestContext as Context
      context.inputPolicy = mergeRouteOptions(context.entry?.policy, input.routeOptions)
      return inputPhase.check(context, input)
    },
    filterBody(requestContext, body, routeOptions, inRoute = false) {
      return inputPhase.filterBody(requestContext as Context, body, routeOptions, inRoute)
    },
    inventory: () => inventory.snapshot(),
    registerRoute(method, path) {
      // Parameters become a sample value, so the pattern that would serve the route is found.
      const sample = path.replace(/:[A-Za-z_][\w]*(?:\([^)]*\))?\??/g, 'x').replace(/\*+/g, 'x')
      for (const one of method === '*' || method === 'ALL' ? ['GET'] : [method.toUpperCase()]) {
        if (one === 'HEAD') continue
        const entry = table.match(one, sample)
        // Undeclared routes are counted by path with ids as `:n` when served: registered the same way.
        const served = routeOfPath(path.replace(/:[A-Za-z_][\w]*(?:\([^)]*\))?\??/g, ':n'))
        inventory.register(entry?.pattern.source ?? served, entry !== undefined)
      }
    },
    hasInputPolicies: (context, routeOptions) =>
      hasInputPolicies(mergeRouteOptions((context as Context).entry?.policy, routeOptions)),
    checksBody: (context, routeOptions) =>
      checksBody(mergeRouteOptions((context as Context).entry?.policy, routeOptions)),
    checkRouted(requestContext, framework, status) {
      const context = requestContext as Context
      guard.routed(context, framework)
      return responsePhase.checkAgreement(context, status)
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
      const context = requestContext as Context
      phase.endRequest(context, status)
      if (context.refused === undefined) {
        const route = routeKeyOf(context)
        if (
          inventory.finished(route, context.method, status) &&
          dispatcher.wants('inventory.undeclared_route', 'info')
        )
          emit('inventory.undeclared_route', 'info', 'unknown', context, status, () => ({ route }))
      }
      const policy = context.inputPolicy ?? context.entry?.policy
      // The miss-ratio detector counts the answers of every rule that counted the request's id.
      for (const [rule, route] of context.input.enumerationRoutes ?? []) {
        monitors.enumeration().response(route, monitors.subjectOf(context, rule.by), status, rule, context)
      }
      monitors.observeAnswer(context, status)
      // Only for requests that reached the handler: a refusal (401, 429) never needed the body. An
      // owner check still waiting is why a handler's success was denied (404/403): said too.
      const waiting =
        status < 400 || (context.input.ownerPending !== undefined && context.input.refusal === undefined)
          ? inputPhase.waiting(context, policy)
          : undefined
      if (waiting !== undefined)
        warnOnce(
          context,
          'LEAKGUARD_BODY_UNCHECKED',
          `${context.route ?? 'a route'} ${waiting === 'owner' ? 'has an owner check that reads the body, so its responses were denied' : 'checks request bodies (accept)'}, but leakguard never saw the parsed body before the handler: mount leakguard.body() after your body parser (Express: app.use(express.json(), leakguard.body()); Koa: app.use(bodyParser()).use(leakguard.body())), or use the route helper after it.`,
          `LEAKGUARD_BODY_UNCHECKED ${context.route ?? ''}`,
        )
    },
    compileRoute(options, option = 'route options') {
      const compiled = compileRoute(options, option)
      requireGate(compiled, `${option}.auth`)
      limiterOf(compiled)
      return compiled
    },
    filterResponse: (context, response) => responsePhase.filterResponse(context as Context, response),
    serializeResponse: (context, response) => responsePhase.serializeResponse(context as Context, response),
    serializeResponseInTurns: (context, response) =>
      responsePhase.serializeResponseInTurns(context as Context, response),
    filterSerialized: (context, response) => responsePhase.filterSerialized(context as Context, response),
    filterSerializedInTurns: (context, response) =>
      responsePhase.filterSerializedInTurns(context as Context, response),
    filterText: (context, response) => responsePhase.filterText(context as Context, response),
    filterStream: (context, response) => responsePhase.filterStream(context as Context, response),
    block: (context, status, code) => responsePhase.block(context as Context, status, code),
    opaqueBody: (context, response) =>
      responsePhase.opaqueBody(context as Context, response.status, response.routeOptions),
    maxBufferedBytes: responsePhase.maxBufferedBytes,
    flush: () => dispatcher.flush(),
    get droppedEvents() {
      return dispatcher.metrics().dropped
    },
    auditMetrics: () => dispatcher.metrics(),
    warn(code, message) {
      if (ignoredWarnings.has(code)) return
      processWarning(code, message)
      events.emitUnattached('config.warning', 'warn', () => ({ warning: { code, message } }))
    },
    ignoresWarning: (code) => ignoredWarnings.has(code),
    scansHeader: (name) => redactor.headerScan.scans(name),
    filterHeaders: (context, response) => responsePhase.filterHeaders(context as Context, response),
    filterStatusMessage: (context, response) =>
      responsePhase.filterStatusMessage(context as Context, response),
    unguardedResponse({ method, route, status, mount }) {
      const where = route === undefined ? `a ${method} request` : `${method} ${route}`
      warnOnce(
        undefined,
        'LEAKGUARD_UNGUARDED_RESPONSE',
        `${where} sent a JSON response (status ${status}) that never passed leakguard, so nothing of it was filtered: ${mount}. If the route is meant to be unguarded, acknowledge it with ignoreWarnings: ['LEAKGUARD_UNGUARDED_RESPONSE'].`,
        `LEAKGUARD_UNGUARDED_RESPONSE ${method} ${route ?? ''}`,
      )
    },
    latePayload({ method, route, by, fix }) {
      const where = route === undefined ? `a ${method} response` : `the ${method} ${route} response`
      warnOnce(
        undefined,
        'LEAKGUARD_LATE_PAYLOAD',
        `${by} replaced the body of ${where} after leakguard had filtered it; leakguard filtered it again before it went out. ${fix}, so that the body is filtered once and the route's allowlist reads the shape the handler sent.`,
        `LEAKGUARD_LATE_PAYLOAD ${method} ${route ?? ''}`,
      )
    },
    unfilteredResponse: (context, response) => responsePhase.unfiltered(context as Context, response),
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
