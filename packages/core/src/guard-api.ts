// The engine's interface to adapters: what a guard is asked and what it answers (createGuard,
// in guard.ts, builds one). Framework-agnostic: adapters describe requests and responses in
// these terms.
import type { AuditMetrics } from './audit/dispatch.js'
import type { UnfilteredVia } from './audit/events.js'
import type { RequestHeaders } from './auth/bearer.js'
import type { Principal } from './auth/principal.js'
import type { ResponseErrorCode } from './errors.js'
import type { BodySource } from './http/collect.js'
import type { ContentEncodingHeader } from './http/content-encoding.js'
import type { PROBLEM_CONTENT_TYPE, ProblemDocument } from './http/problem.js'
import type { InventoryRoute } from './inventory/routes.js'
import type { RouteOptions } from './options.js'
import type { InputDecision, RequestInput } from './request/input.js'
import type { RejectedRequest, RequestDecision } from './request-phase.js'
import type { CompiledRouteOptions } from './routes/policy.js'

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

/** Marks a guard made by `createGuard` (see `isGuard`). */
export const guardBrand: unique symbol = Symbol('leakguard.guard')

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
