import { PassThrough, Stream } from 'node:stream'
import {
  BLOCKED_CACHE_CONTROL,
  type BlockedResponse,
  type BodySource,
  type CompiledRouteOptions,
  type ContentEncodingHeader,
  compileRouteHelper,
  contentCodings,
  createGuard,
  errorPageHeaders,
  type Guard,
  type GuardOptions,
  hasRequestBody,
  headersToDropOnBlock,
  type InputDecision,
  type InputRejection,
  isEventStreamContentType,
  isGuard,
  isTextContentType,
  type LeakguardRequestState,
  lateBodyKind,
  PROBLEM_CONTENT_TYPE,
  problemForError,
  type RejectedRequest,
  type RequestContext,
  type RouteOptions,
  requestSlot,
  type SerializedDecision,
  serializedBodyKind,
  socketBytes,
  type UnfilteredVia,
  type WrittenDecision,
  wroteBeforeBody,
} from '@leakguard/core'
import type { Context, Middleware, Next } from 'koa'
import { markSeen } from './unguarded.js'

/** Options of {@link leakguard}: the core guard options, with `getRoles` receiving Koa's `ctx`. */
export type LeakguardOptions = GuardOptions<Context>

/** What leakguard puts in `ctx.state`; use it as `Koa.ParameterizedContext<LeakguardState>`. */
export interface LeakguardState {
  leakguard: LeakguardRequestState
}

const routeOptionsOf = requestSlot<CompiledRouteOptions>('leakguard.routeOptions')
/** What `leakguard.route()` and `leakguard.body()` need of the middleware that started the request. */
interface RequestState {
  readonly guard: Guard<Context>
  readonly context: RequestContext
}
// On the request itself, not in a WeakMap: the state refers to the request (see requestSlot).
const requestStates = requestSlot<RequestState>('leakguard.state')

/** Requests whose `ctx.request.body` leakguard watches. */
const watched = new WeakSet<Context>()

/** Where a watched request keeps its body, behind the accessor. */
const BODY: unique symbol = Symbol('leakguard.body')
/** Request prototypes (`app.request`) that carry leakguard's `body` accessor. */
const accessors = new WeakSet<object>()

/**
 * Makes `ctx.request.body` an accessor that checks what a body parser assigns, the moment it
 * assigns it: the handler reads only accepted members even without a `leakguard.body()` checkpoint.
 * The accessor sits once on the app's request prototype (no per-request property definition);
 * requests leakguard does not watch read and write it as a plain value.
 */
function watchBody(ctx: Context): void {
  if (watched.has(ctx)) return
  watched.add(ctx)
  const request = ctx.request as { body?: unknown; [BODY]?: unknown }
  const proto = Object.getPrototypeOf(request) as object
  if (!accessors.has(proto)) {
    accessors.add(proto)
    Object.defineProperty(proto, 'body', {
      configurable: true,
      enumerable: true,
      get(this: { [BODY]?: unknown }) {
        return this[BODY]
      },
      set(this: { ctx?: Context; [BODY]?: unknown }, next: unknown) {
        const owner = this.ctx
        const watching =
          owner === undefined ? undefined : watched.has(owner) ? requestStates.get(owner) : undefined
        this[BODY] =
          watching === undefined || owner === undefined
            ? next
            : // Inside a router's chain (`_matchedRoute` is set), a parser sits past any app-level checkpoint.
              watching.guard.filterBody(
                watching.context,
                next,
                routeOptionsOf.get(owner),
                (owner as { _matchedRoute?: unknown })._matchedRoute !== undefined,
              )
      },
    })
  }
  // A body set before leakguard (a parser mounted first) moves behind the accessor.
  if (Object.hasOwn(request, 'body')) {
    const value = request.body
    delete request.body
    request[BODY] = value
  }
}

/**
 * The request-side policies (`acceptQuery`, `accept`, enumeration, `owner`) with what Koa has
 * parsed so far: `undefined` to go on, or leakguard's refusal to send. Synchronous unless a
 * policy is (an async owner check, a Redis store): most requests add no promise.
 */
function checkInput(
  ctx: Context,
  state: RequestState,
  routeOptions: CompiledRouteOptions | undefined,
  at: 'leakguard' | 'checkpoint',
): InputRejection | undefined | Promise<InputRejection | undefined> {
  const { guard, context } = state
  if (!guard.hasInputPolicies(context, routeOptions)) return undefined
  if (at === 'checkpoint') {
    // A method override or rewrite after leakguard() must not run another route's handler on
    // this route's checks. (Status 500: what is sent if it disagrees.)
    const misrouted = guard.checkRouted(context, { method: ctx.method, path: ctx.path }, 500)
    if (misrouted !== undefined)
      return { ...misrouted, allowed: false, headers: {}, code: 'ERR_LG_RESPONSE_ROUTE_MISMATCH' }
  }
  const request = ctx.request as { body?: unknown }
  // A body still to come is watched too: an owner check may wait for it (see filterBody).
  if (guard.checksBody(context, routeOptions) || (at === 'leakguard' && hasRequestBody(ctx.request.headers)))
    watchBody(ctx)
  const params = at === 'checkpoint' ? (ctx.params as Record<string, string> | undefined) : undefined
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute
  const decision = guard.checkInput(context, {
    body: request.body,
    // The checkpoint and route helpers sit after the parser: what they see is all there is.
    bodyReady: at === 'checkpoint' || request.body !== undefined || !hasRequestBody(ctx.request.headers),
    query: ctx.querystring === '' ? {} : ctx.query,
    params: params !== undefined && Object.keys(params).length > 0 ? params : undefined,
    routeOptions,
    route: typeof matched === 'string' ? matched : undefined,
  })
  const apply = (settled: InputDecision): InputRejection | undefined => {
    if (!settled.allowed) return settled
    if (settled.bodyChanged) request.body = settled.body
    // Koa's setter writes the query string back: ctx.querystring and ctx.url agree with ctx.query.
    if (settled.queryChanged) {
      ctx.query = settled.query as Context['query']
      // ctx.URL (and ctx.request.URL) is parsed once, from ctx.originalUrl: it gets the same query.
      const url: unknown = ctx.URL
      if (url instanceof URL) {
        const filtered = new URL(url.href)
        filtered.search = ctx.querystring
        ;(ctx.request as { memoizedURL?: URL }).memoizedURL = filtered
      }
    }
    return undefined
  }
  return decision instanceof Promise ? decision.then(apply) : apply(decision)
}

/** Where `ctx.respond` is kept once leakguard's accessor stands on the app's context prototype. */
const RESPOND = Symbol('leakguard.respond')
/** The watches of Koa's answer on a request: one per leakguard instance it passes, outermost first. */
const ANSWER_WATCHES = Symbol('leakguard.answerWatches')
/** Context prototypes (one per Koa app): whether they carry the accessor (not when frozen). */
const answerWatched = new WeakMap<object, boolean>()

/** One leakguard instance's watch of Koa's answer (see {@link watchKoaAnswer}). */
interface AnswerWatch {
  /** Whether this instance has a body to decide if Koa answers now. */
  wants(): boolean
  /** Decides it: Koa answers now. */
  decide(): void
}

type WatchedContext = Context & { [RESPOND]?: boolean; [ANSWER_WATCHES]?: AnswerWatch[] }

/** Whether Koa's own `respond()` (koa/lib/application.js) is the caller: read from V8's call sites. */
function calledByKoaRespond(): boolean {
  // The stack is read as call sites, whatever the app set (a limit of 0, its own format).
  const limit = Error.stackTraceLimit
  const prepare = Error.prepareStackTrace
  try {
    Error.stackTraceLimit = 8
    Error.prepareStackTrace = (_error, frames) => frames
    const holder: { stack?: unknown } = {}
    Error.captureStackTrace(holder)
    const frames = holder.stack
    if (!Array.isArray(frames)) return false
    for (const frame of frames as NodeJS.CallSite[]) {
      if (frame.getFunctionName() === 'respond' && KOA_APPLICATION.test(frame.getFileName() ?? ''))
        return true
    }
    return false
  } catch {
    return false
  } finally {
    Error.stackTraceLimit = limit
    Error.prepareStackTrace = prepare
  }
}
const KOA_APPLICATION = /koa[\\/]lib[\\/]application\.js$/

/**
 * Watches for Koa answering a request before leakguard has decided its body. Koa's `respond()`
 * reads `ctx.respond` first: an accessor on the app's context prototype (installed once per app;
 * one per request would cost ~0.8 us) lets each watching leakguard instance, innermost first,
 * decide the body Koa is about to send, then answers with the value set (a handler's
 * `ctx.respond = false` is obeyed as before). `false` when the app's context cannot take the
 * accessor (frozen): nothing is watched then.
 */
function watchKoaAnswer(ctx: Context, watch: AnswerWatch): void {
  const watched = ctx as WatchedContext
  if (watched[ANSWER_WATCHES] === undefined) {
    const proto = Object.getPrototypeOf(ctx) as object | null
    let ready = proto === null ? false : answerWatched.get(proto)
    if (ready === undefined) {
      ready = defineRespond(proto!)
      answerWatched.set(proto!, ready)
    }
    // An app context that cannot take it (frozen): this request's context takes it (~0.8 us).
    if (!ready) {
      const value = watched.respond
      if (defineRespond(ctx)) watched[RESPOND] = value
    }
    watched[ANSWER_WATCHES] = []
  }
  watched[ANSWER_WATCHES]!.push(watch)
}

/** The `respond` accessor on `target` (a context or its prototype); `false` if it cannot take it. */
function defineRespond(target: object): boolean {
  try {
    Object.defineProperty(target, 'respond', RESPOND_ACCESSOR)
    return true
  } catch {
    return false
  }
}

const RESPOND_ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: WatchedContext) {
    const value = this[RESPOND]
    const watches = this[ANSWER_WATCHES]
    // Only when an instance still has a body to decide is the caller looked for (it is rare).
    if (value !== false && watches !== undefined && watches.some((w) => w.wants()) && calledByKoaRespond())
      answerNow(this, watches)
    return value
  },
  set(this: WatchedContext, value: boolean | undefined) {
    this[RESPOND] = value
  },
}

/**
 * Koa is answering: each instance with a body to decide decides it, innermost first (each reads
 * what the one inside it left). Koa's respond() reads ctx.body once, next, and sends it; the code
 * downstream that still runs then finds its own body again, as with Koa alone.
 */
function answerNow(ctx: WatchedContext, watches: readonly AnswerWatch[]): void {
  const original: unknown = ctx.body
  for (let i = watches.length - 1; i >= 0; i--) if (watches[i]!.wants()) watches[i]!.decide()
  const decided: unknown = ctx.body
  if (decided === original) return
  // respond()'s one read gets the decided body; the response keeps the original afterwards. Koa
  // keeps the body in `_body` (Koa 2 and 3): its setter would also rewrite the headers the
  // decided body set.
  const response = ctx.response as Context['response'] & { _body?: unknown; body?: unknown }
  Object.defineProperty(response, 'body', {
    configurable: true,
    enumerable: false,
    get() {
      delete response.body
      response._body = original
      return decided
    },
    set(value: unknown) {
      delete response.body
      response.body = value
    },
  })
}

/**
 * Whether `sent`, the body Koa sends, replaced `decided`, the one leakguard left. Compression and
 * conditional GET, which replace it by a stream or by nothing, are expected above leakguard, and
 * so is an empty body (router.allowedMethods() answering OPTIONS).
 */
function replacedBody(sent: unknown, decided: unknown): boolean {
  if (sent === decided || sent === null || sent === undefined || sent === '') return false
  return !(sent instanceof Stream || (Buffer.isBuffer(sent) && sent.length === 0))
}

/** Where a response keeps what decides the bodies assigned to it (see watchBodyAssignments). */
const BODY_WATCH = Symbol('leakguard.bodyWatch')
/** Response prototypes (one per Koa app): whether they carry the `body` accessor. */
const bodyWatched = new WeakMap<object, boolean>()

/** What decides a response's later assignments (see watchBodyAssignments). */
interface BodyWatch {
  /** A body assigned: what is stored instead. */
  body(value: unknown): unknown
  /** The status was assigned. */
  status(): void
  /** A header (by its name) or the status text (`null`) was set. */
  head(name: string | null): void
}

type WatchedResponse = Context['response'] & { [BODY_WATCH]?: BodyWatch | undefined }

/**
 * Has every later assignment to `ctx.body` go through `watch.body` first, and tells `watch.status`
 * of every later assignment to `ctx.status`. Koa's `ctx.body` and `ctx.status` write those of
 * `ctx.response`: accessors on the app's response prototype (installed once per app) hand them to
 * the response's watch, if it has one, never while the watch itself assigns. A prototype that
 * cannot take them (frozen) leaves bodies to be decided when Koa answers.
 */
function watchBodyAssignments(ctx: Context, watch: BodyWatch): void {
  const response = ctx.response as WatchedResponse
  const proto = Object.getPrototypeOf(response) as object | null
  if (proto === null) return
  let ready = bodyWatched.get(proto)
  if (ready === undefined) {
    ready =
      defineWatchedAccessor(proto, 'body') &&
      defineWatchedAccessor(proto, 'status') &&
      defineWatchedAccessor(proto, 'message') &&
      watchHeaderSets(proto)
    bodyWatched.set(proto, ready)
  }
  if (ready) response[BODY_WATCH] = watch
}

/** The watching `set()` on `proto`, over Koa's: each header set is handed to the watch by its name. */
function watchHeaderSets(proto: object): boolean {
  const koa = (proto as { set?: unknown }).set
  if (typeof koa !== 'function') return false
  try {
    Object.defineProperty(proto, 'set', {
      configurable: true,
      writable: true,
      value: function set(this: WatchedResponse, field: unknown, ...rest: unknown[]) {
        const result: unknown = koa.call(this, field, ...rest)
        const watch = this[BODY_WATCH]
        if (watch === undefined) return result
        this[BODY_WATCH] = undefined
        try {
          // `set({ name: value, ... })` sets several.
          if (typeof field === 'string') watch.head(field)
          else if (typeof field === 'object' && field !== null)
            for (const name of Object.keys(field)) watch.head(name)
        } finally {
          this[BODY_WATCH] = watch
        }
        return result
      },
    })
    return true
  } catch {
    return false
  }
}

/** The watching `body`, `status` or `message` accessor on `proto`, over the one Koa's response prototype has. */
function defineWatchedAccessor(proto: object, name: 'body' | 'status' | 'message'): boolean {
  let koa: PropertyDescriptor | undefined
  for (let at: object | null = proto; at !== null && koa === undefined; at = Object.getPrototypeOf(at))
    koa = Object.getOwnPropertyDescriptor(at, name)
  const { get, set } = koa ?? {}
  if (get === undefined || set === undefined) return false
  try {
    Object.defineProperty(proto, name, {
      configurable: true,
      enumerable: koa!.enumerable ?? false,
      get,
      set(this: WatchedResponse, value: unknown) {
        const watch = this[BODY_WATCH]
        if (watch === undefined) return set.call(this, value)
        this[BODY_WATCH] = undefined
        try {
          if (name === 'body') set.call(this, watch.body(value))
          else {
            set.call(this, value)
            if (name === 'status') watch.status()
            else watch.head(null)
          }
        } finally {
          this[BODY_WATCH] = watch
        }
      },
    })
    return true
  } catch {
    return false
  }
}

/** Whether the status moved to another class (2xx, 4xx, 5xx) since a body that is still there was decided. */
function statusMoved(decidedStatus: number, status: number, body: unknown): boolean {
  if (body === null || body === undefined || body === '' || body instanceof Stream) return false
  return Math.floor(status / 100) !== Math.floor(decidedStatus / 100)
}

/** What `decided` holds until leakguard has decided the body. */
const UNDECIDED: unique symbol = Symbol('leakguard.undecided')

/** Requests leakguard refused itself: their problem body is not filtered. */
const rejected = new WeakSet<Context>()

/** Sends leakguard's own refusal (400/401/403/404/413/415/422/429/503). */
function sendRejection(ctx: Context, decision: RejectedRequest | InputRejection): void {
  rejected.add(ctx)
  ctx.status = decision.status
  ctx.set(decision.headers)
  ctx.type = decision.contentType
  ctx.body = decision.payload
}

/**
 * A success's text that a compression middleware registered inside leakguard (koa-compress)
 * turned into a stream: it was a string or a Buffer, at hand, which leakguard reads whole (a red-
 * team pass: past koa-compress's 1 KiB threshold, such text went out unread). Read as the text it
 * was, up to the cap; an event stream (it never ends) is not.
 */
function compressedText(
  type: unknown,
  contentEncoding: unknown,
  stream: object | undefined,
): 'text' | undefined {
  if (stream === undefined || contentCodings(contentEncoding as ContentEncodingHeader).length === 0)
    return undefined
  if (!isTextContentType(type) || isEventStreamContentType(type)) return undefined
  // The compressor was given its whole input (koa-compress ends it with a string or a Buffer):
  // a live stream piped into it (a log tail, tokens as they come) is still being written, and
  // streams through as any success's text does.
  return (stream as { writableEnded?: unknown }).writableEnded === true ? 'text' : undefined
}

/** A body Koa streams to the client rather than serializing. */
function isStreamedBody(body: object): body is Stream | ReadableStream | Blob | Response {
  return (
    body instanceof ReadableStream || body instanceof Blob || body instanceof Response || isKoaStream(body)
  )
}

/**
 * Koa's own stream test (`koa/lib/is-stream.js`): a Node stream, or an object that has the shape of
 * a readable one (`readable-stream`'s, which many libraries use, is not `instanceof Stream`). Koa
 * pipes what passes it, so leakguard reads the same bodies as streams.
 */
function isKoaStream(body: object): boolean {
  if (body instanceof Stream) return true
  const candidate = body as Record<string, unknown>
  return (
    !!candidate.readable &&
    typeof candidate.pipe === 'function' &&
    typeof candidate.read === 'function' &&
    typeof candidate.readable === 'boolean' &&
    typeof candidate.readableObjectMode === 'boolean' &&
    typeof candidate.destroy === 'function' &&
    typeof candidate.destroyed === 'boolean'
  )
}

/**
 * Sends the generic problem document of a blocked response, and nothing of the original: the
 * headers downstream set (cookies, validators, Location, encoding, custom ones) go too.
 */
function sendBlocked(ctx: Context, decision: BlockedResponse, idHeader: string | undefined): void {
  for (const name of headersToDropOnBlock(Object.keys(ctx.response.headers), idHeader)) ctx.remove(name)
  ctx.set('Cache-Control', BLOCKED_CACHE_CONTROL)
  ctx.status = decision.status
  ctx.body = decision.body
  ctx.type = decision.contentType
}

/**
 * Koa middleware that filters what the downstream middleware put in `ctx.body`: objects, and JSON
 * strings, Buffers, streams, `Blob`s and `Response`s (by Content-Type). Register it before your
 * routes and your error handling, and inside `koa-compress` / `@koa/etag` so it runs first.
 * @throws LeakguardConfigError at creation when `options` are invalid
 */
function createMiddleware(options: LeakguardOptions | Guard<Context> = {}): Middleware {
  const guard = isGuard(options) ? (options as Guard<Context>) : createGuard(options)

  const middleware = async function leakguard(ctx: Context, next: Next): Promise<void> {
    markSeen(ctx, middleware, guard)
    const context = guard.startRequest({
      method: ctx.method,
      // After any rewrite registered before leakguard (koa-rewrite, a version prefix), as the router reads it.
      path: ctx.url,
      clientAddress: ctx.req.socket.remoteAddress,
      secure: (ctx.req.socket as { encrypted?: boolean }).encrypted === true,
      native: ctx,
      requestId: guard.requestIdHeader === undefined ? undefined : ctx.request.headers[guard.requestIdHeader],
    })
    ctx.state.leakguard = { requestId: context.requestId } satisfies LeakguardRequestState
    if (guard.responseIdHeader !== undefined) ctx.set(guard.responseIdHeader, context.requestId)
    // The body as leakguard decided it, once it has (see the end of this middleware).
    let decided: unknown = UNDECIDED
    // The status the body was decided for: one of another class (a 500 set after the body) is
    // decided again when Koa answers, under the view and the error hygiene of that status.
    let decidedStatus = 0
    ctx.res.once('finish', () => {
      guard.endRequest(context, ctx.res.statusCode)
      if (decided !== UNDECIDED && replacedBody(ctx.body, decided))
        guard.unfilteredResponse(context, { status: ctx.res.statusCode, via: 'replaced' })
    })
    // Awaited only when it is a promise: a decision made at once costs no extra microtask.
    const checking = guard.checkRequest(context, { headers: ctx.request.headers })
    const admission = checking instanceof Promise ? await checking : checking
    if (!admission.allowed) return sendRejection(ctx, admission)
    ctx.set(admission.headers)
    ctx.state.leakguard = {
      requestId: context.requestId,
      principal: admission.principal,
    } satisfies LeakguardRequestState
    const state: RequestState = { guard, context }
    requestStates.set(ctx, state)
    const socketStart = socketBytes(ctx.res)
    const checked = checkInput(ctx, state, undefined, 'leakguard')
    const refusal = checked instanceof Promise ? await checked : checked
    if (refusal !== undefined) return sendRejection(ctx, refusal)
    /** Reports, once the response has ended, that its body never passed the engine. */
    const unfiltered = (via: UnfilteredVia): void => {
      const report = () => {
        if (ctx.res.headersSent) guard.unfilteredResponse(context, { status: ctx.res.statusCode, via })
      }
      if (ctx.res.writableFinished || ctx.res.destroyed) report()
      else ctx.res.once('close', report)
    }
    // Koa answers once the middleware chain above leakguard has resolved. One above that does not
    // await next() (or a timeout racing it) lets Koa answer while leakguard still waits for
    // downstream; a handler that sets the body a few microtasks after it returned, without
    // awaiting, sets it after leakguard decided. Either way, the body Koa sends is decided when
    // Koa reads ctx.respond to answer, at the latest (see watchKoaAnswer).
    let early: Promise<void> | undefined
    // Set when the body decided is one a middleware registered before leakguard put there.
    let late = false
    // 'waiting' for downstream; 'empty' once leakguard found no body to decide; 'done'.
    // 'failed' once downstream threw: a body an error middleware above sets is decided then.
    let stage: 'waiting' | 'empty' | 'failed' | 'done' = 'waiting'
    watchKoaAnswer(ctx, {
      wants: () =>
        stage === 'waiting'
          ? !rejected.has(ctx) && !ctx.res.writableEnded
          : stage === 'empty' || stage === 'failed'
            ? ctx.body !== undefined && ctx.body !== null
            : decided !== UNDECIDED &&
              (replacedBody(ctx.body, decided) || statusMoved(decidedStatus, ctx.status, ctx.body)),
      decide() {
        // A middleware registered before leakguard replaced the body it decided (an envelope):
        // the body Koa is about to send is decided again.
        late = stage === 'done'
        if (late) reportLate()
        stage = 'done'
        // What goes out is decided now; the replaced-body check has nothing of its own to compare.
        decided = UNDECIDED
        early = filterBody().catch(() => {
          // Nothing of an undecided body goes out (filterBody's guard calls fail closed themselves).
          ctx.res.destroy()
        })
      },
    })
    try {
      await next()
    } catch (error) {
      // Koa answered meanwhile with the body decided then; the error is the app's, as it was.
      if (early !== undefined) {
        await early
        stage = 'done'
        throw error
      }
      // An error middleware registered before leakguard renders it: its body is decided when Koa
      // answers. Rendered past Koa's answer (ctx.onerror writes ctx.res itself), it is reported.
      stage = 'failed'
      ctx.res.once('close', () => {
        if (stage === 'failed' && ctx.res.headersSent)
          guard.unfilteredResponse(context, { status: ctx.res.statusCode, via: 'error' })
      })
      throw error
    }
    // Koa answered meanwhile, with the body decided then: what downstream set later is not sent.
    if (early !== undefined) return early
    stage = 'done'
    if (rejected.has(ctx)) return
    // Bypasses of Koa's own response: nothing of ctx.body is sent, the app wrote ctx.res itself.
    if (ctx.respond === false) return unfiltered('respond-false')
    if (ctx.res.writableEnded) return unfiltered('raw')
    const left: unknown = ctx.body
    await filterBody()
    // A middleware registered before leakguard may still replace the body after this point (an
    // envelope, a pretty-printer): Koa's answer decides the body it then sends (see replacedBody),
    // or, where the answer is not watched, the replacement is reported when the response ends.
    decided = ctx.body
    decidedStatus = ctx.status
    // Downstream left no body: one that appears before Koa answers (a handler's promise that sets
    // it without being awaited) is decided then.
    if (early === undefined && (left === undefined || left === null)) stage = 'empty'
    // A body assigned from now on (an envelope registered before leakguard, a fallback page for a
    // 404) is decided as it is assigned: compression, ETag and conditional GET above it then read
    // what leakguard decided.
    if (early === undefined)
      watchBodyAssignments(ctx, { body: decideAssigned, status: statusAssigned, head: headAssigned })

    /**
     * A header or the status text set above leakguard once it decided (a debug header, an error's
     * message as the status text): read as leakguard read the head, the one that changed only.
     */
    function headAssigned(name: string | null): void {
      if (name === null) {
        filterStatusText()
        return
      }
      const lower = name.toLowerCase()
      if (!guard.scansHeader(lower)) return
      const value = ctx.response.get(name) as string | number | string[] | undefined
      const changed = guard.filterHeaders(context, {
        status: ctx.status,
        headers: { [lower]: value },
        routeOptions: routeOptionsOf.get(ctx),
      })
      if (changed === undefined) return
      for (const [header, replaced] of Object.entries(changed)) {
        if (replaced === null) ctx.remove(header)
        else ctx.set(header, replaced)
      }
    }

    /** Reports, once per route, a body a middleware registered before leakguard replaced. */
    function reportLate(): void {
      guard.latePayload({
        method: ctx.method,
        route: (ctx as { _matchedRoute?: string })._matchedRoute,
        by: 'a middleware registered before leakguard',
        fix: 'Register that middleware after leakguard',
      })
    }

    /** A status of another class set above leakguard once it decided: the body is decided again. */
    function statusAssigned(): void {
      if (decided === UNDECIDED || ctx.body !== decided || !statusMoved(decidedStatus, ctx.status, ctx.body))
        return
      const current = ctx.body
      decided = undefined
      ctx.body = decideAssigned(current)
    }

    /**
     * Decides a body assigned to `ctx.body` once leakguard has decided (see watchBodyAssignments):
     * JSON text and objects at once, other text as text; a stream, a Blob, a Response, or a body
     * large enough to be decided in turns, when Koa answers (see replacedBody).
     */
    function decideAssigned(value: unknown): unknown {
      // Koa writes `null` for a JSON response emptied that way, under the length it had: leakguard's
      // text made it one (Koa counts an object's at the answer), so it goes.
      if (value === null) ctx.remove('Content-Length')
      if (!replacedBody(value, decided === UNDECIDED ? undefined : decided)) return value
      const object = typeof value === 'object' && value !== null && !Buffer.isBuffer(value)
      if (object && isStreamedBody(value as object)) return value
      const routeOptions = routeOptionsOf.get(ctx)
      const status = ctx.status
      let decision: SerializedDecision | WrittenDecision | Promise<unknown> | undefined
      if (object) decision = guard.serializeResponseInTurns(context, { status, body: value, routeOptions })
      else {
        const payload = value as string | Buffer
        // An untyped string: Koa types it after this, as html or text, by its first character.
        const typed: unknown = ctx.response.get('Content-Type')
        const type =
          (typed !== '' && typed !== undefined) || typeof payload !== 'string'
            ? typed
            : /^\s*</.test(payload)
              ? 'text/html'
              : 'text/plain'
        const kind = serializedBodyKind(type, status, true)
        const input = {
          status,
          routeOptions,
          contentEncoding: ctx.response.get('Content-Encoding'),
          contentType: type,
          payload,
        }
        decision =
          kind === 'text' || (kind === 'json' && lateBodyKind(payload) === 'text')
            ? guard.filterText(context, input)
            : kind === 'json'
              ? guard.filterSerializedInTurns(context, input)
              : undefined
      }
      if (decision === undefined || decision instanceof Promise) return value
      reportLate()
      // The head as the middleware left it so far, with the body it replaced.
      filterHead()
      let sent: unknown
      if (decision.blocked) {
        sendBlocked(ctx, decision, guard.responseIdHeader)
        sent = ctx.body
      } else {
        sent = decision.payload
        if (sent !== value) for (const name of ['ETag', 'Last-Modified']) ctx.remove(name)
        if (object && !ctx.response.get('Content-Type')) ctx.type = 'json'
      }
      decided = sent
      decidedStatus = ctx.status
      stage = 'done'
      return sent
    }

    /**
     * The status text a handler set (`ctx.message`), as it is now: Koa also writes it as the body
     * of a response that has none.
     */
    function filterStatusText(): void {
      const reason = guard.filterStatusMessage(context, {
        status: ctx.status,
        message: ctx.res.statusMessage ?? '',
        routeOptions: routeOptionsOf.get(ctx),
      })
      if (reason !== undefined) ctx.message = reason
    }

    /** The status text and the headers that carry free text, as they are now. */
    function filterHead(): void {
      filterStatusText()
      // Headers that carry free text (a redirect's Location, X- headers).
      const headers = guard.filterHeaders(context, {
        status: ctx.status,
        headers: ctx.response.headers as Record<string, string | number | string[] | undefined>,
        routeOptions: routeOptionsOf.get(ctx),
      })
      if (headers !== undefined) {
        for (const [name, value] of Object.entries(headers)) {
          if (value === null) ctx.remove(name)
          else ctx.set(name, value)
        }
      }
    }

    /** Filters what downstream left: the route agreement, the head, then the body. */
    async function filterBody(): Promise<void> {
      // Written to ctx.res before the body (`ctx.res.write(...)`): those bytes went out unread,
      // ahead of the body leakguard filters.
      if (!ctx.res.writableEnded && wroteBeforeBody(ctx.res, socketStart)) unfiltered('raw')
      // What Koa (and its router) read the target as, and the method, once downstream is done.
      // Bodiless and binary responses too: a redirect or a 204 served on another route's decision.
      const misrouted = guard.checkRouted(context, { method: ctx.method, path: ctx.path }, ctx.status)
      if (misrouted !== undefined) return sendBlocked(ctx, misrouted, guard.responseIdHeader)
      filterHead()
      const body: unknown = ctx.body
      if (body === null || body === undefined) return
      const routeOptions = routeOptionsOf.get(ctx)
      // Koa's own order: strings, Buffers and streams go out as they are; other objects as JSON.
      if (typeof body === 'string' || Buffer.isBuffer(body) || isStreamedBody(body as object)) {
        const type = ctx.response.get('Content-Type')
        const serialized = typeof body === 'string' || Buffer.isBuffer(body)
        // A compression middleware registered inside leakguard already encoded the body.
        const contentEncoding = ctx.response.get('Content-Encoding')
        const kind =
          serializedBodyKind(type, ctx.status, serialized) ??
          compressedText(type, contentEncoding, serialized ? undefined : (body as object))
        if (kind === undefined) {
          // Not leakguard's to read; but a route with ownerPath cannot send what it cannot check.
          const denied = guard.opaqueBody(context, { status: ctx.status, routeOptions })
          if (denied !== undefined) sendBlocked(ctx, denied, guard.responseIdHeader)
          return
        }
        // A body a middleware above replaced that does not open as JSON (an XSSI prefix) is text.
        const text =
          kind === 'text' || (late && serialized && lateBodyKind(body as string | Buffer) === 'text')
        const status = ctx.status
        // Each input written out whole: an object spread that adds a member costs ~0.6 us on Node 20.
        const decided = serialized
          ? text
            ? guard.filterText(context, {
                status,
                routeOptions,
                contentEncoding,
                contentType: type,
                payload: body,
              })
            : // A large body is filtered in turns: other requests are served in between.
              guard.filterSerializedInTurns(context, {
                status,
                routeOptions,
                contentEncoding,
                contentType: type,
                payload: body,
              })
          : guard.filterStream(context, {
              status,
              routeOptions,
              contentEncoding,
              contentType: type,
              source: body as BodySource,
              kind: text ? 'text' : 'json',
            })
        const decision = decided instanceof Promise ? await decidedLater(ctx, decided) : decided
        if (decision === undefined) return
        if (decision.blocked) sendBlocked(ctx, decision, guard.responseIdHeader)
        else if (decision.payload !== body) {
          // Validators set for the body before filtering (koa-send's for a file, those Koa copied
          // from a Response) describe it, not what goes out: the file's ETag gives away its size.
          for (const name of ['ETag', 'Last-Modified']) ctx.remove(name)
          ctx.body = decision.payload
        }
        return
      }
      // Written straight to JSON text through the route's compiled view, before Koa's own
      // JSON.stringify: ctx.body becomes that text, and the JSON Content-Type Koa set stays. A long
      // list is written over several event-loop turns.
      const written = guard.serializeResponseInTurns(context, { status: ctx.status, body, routeOptions })
      const decision = written instanceof Promise ? await decidedLater(ctx, written) : written
      if (decision === undefined) return
      if (decision.blocked) sendBlocked(ctx, decision, guard.responseIdHeader)
      else {
        if (ctx.response.get('Content-Type') === '') ctx.type = 'json'
        ctx.body = decision.payload
      }
    }
  }
  return middleware
}

/**
 * Waits for a decision made over several event-loop turns with a placeholder stream as `ctx.body`,
 * so that nothing of the application's body can go out meanwhile: a middleware above leakguard
 * that lets Koa answer before leakguard is done (a timeout racing `next()`, a `next()` not
 * awaited) sends the placeholder, which then carries the decided body, or is cut off if the body
 * was blocked or the status changed, since the head went out without leakguard. Otherwise the
 * application's body is put back for the caller to replace. `undefined`: nothing is left to do
 * (Koa answered, or a middleware above set a body of its own meanwhile).
 */
async function decidedLater<D extends SerializedDecision | WrittenDecision>(
  ctx: Context,
  decision: Promise<D>,
): Promise<D | undefined> {
  const original: unknown = ctx.body
  const status = ctx.status
  const placeholder = new PassThrough()
  ctx.body = placeholder
  const decided = await decision
  // Koa reads a stream body from the moment it answers (the head goes with the first bytes), and
  // so does a middleware above that wrapped it meanwhile (compression piping it into gzip).
  if (placeholder.readableFlowing !== null) {
    if (decided.blocked || ctx.status !== status) {
      placeholder.destroy()
      ctx.res.destroy()
    } else placeholder.end(decided.payload)
    return undefined
  }
  placeholder.destroy()
  if (ctx.body !== placeholder) return undefined
  ctx.body = original
  return decided
}

/** What `onError` learns about an error that `leakguard.errorHandler()` renders. */
export interface ErrorInfo {
  readonly ctx: Context
  /** The status the problem document goes out with. */
  readonly status: number
  /** leakguard's request id (the one in audit events and the `X-Request-Id` response header). */
  readonly requestId: string | undefined
}

/** Options of `leakguard.errorHandler()`. */
export interface ErrorHandlerOptions {
  /**
   * Called with every error the handler renders: log it, count it, report it. `false` reports
   * nothing. It must not change the response; if it throws, that is ignored.
   * @default emits the app's `error` event, whose listeners (Koa's default one logs 5xx errors)
   * see it as they would without leakguard
   */
  onError?: ((error: unknown, info: ErrorInfo) => void) | false
}

const emitAppError = (error: unknown, { ctx }: ErrorInfo): void => {
  ctx.app.emit('error', error, ctx)
}

/**
 * Error-handling middleware to register right after `leakguard()`: renders errors thrown
 * downstream as RFC 9457 problem documents (a 5xx says only its status; a 4xx keeps its message as
 * `detail` unless `expose` is false), then reports them (see {@link ErrorHandlerOptions.onError}).
 */
function errorHandler(options: ErrorHandlerOptions = {}): Middleware {
  const { onError = emitAppError } = options
  if (onError !== false && typeof onError !== 'function') {
    throw new TypeError(
      `leakguard.errorHandler(): options.onError must be a function or false, got ${typeof onError}`,
    )
  }
  return async function leakguardErrorHandler(ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (error) {
      if (ctx.headerSent || !ctx.writable) throw error
      const problem = problemForError(error)
      // A generic 5xx carries nothing of what the handler set before it threw (a session cookie,
      // a public Cache-Control); the headers the error carries go out.
      const headers = ctx.response.headers as Record<string, unknown>
      const { drop, set } = errorPageHeaders(problem, headers, ctx.state.leakguard?.requestId)
      for (const name of drop) ctx.remove(name)
      for (const [name, value] of Object.entries(set)) ctx.set(name, value)
      ctx.status = problem.status
      ctx.body = problem.body
      ctx.type = PROBLEM_CONTENT_TYPE
      if (onError === false) return
      try {
        onError(error, { ctx, status: problem.status, requestId: ctx.state.leakguard?.requestId })
      } catch {
        // A reporting hook must not decide what the client gets.
      }
    }
  }
}

/**
 * Attaches route-level options (validated now, at startup) that win over the pattern's. An `auth`
 * policy here (scopes, roles, a check) is enforced when the route is reached; `public` and
 * `optional` are refused, because the token was already required by `leakguard()` before the
 * router picked the route: declare those in the guard's `routes`.
 */
function route(options: RouteOptions): Middleware {
  const compiled = compileRouteHelper(options)
  const requestSide =
    compiled.accept !== undefined ||
    compiled.acceptViews !== undefined ||
    compiled.acceptQuery !== undefined ||
    compiled.owner !== undefined ||
    compiled.enumeration !== undefined
  return async function leakguardRoute(ctx: Context, next: Next): Promise<void> {
    routeOptionsOf.set(ctx, compiled)
    const state = requestStates.get(ctx)
    if (state === undefined) {
      if (compiled.auth === undefined && compiled.rateLimit === undefined && !requestSide) return next()
      throw new Error(
        'leakguard.route() with auth, rateLimit, accept, owner or enumeration needs leakguard() registered before the router',
      )
    }
    // With no options of its own, it is still the checkpoint of the table's policies (an owner
    // check waiting for the body a parser on the route set), as on Express.
    if (compiled.auth !== undefined || compiled.rateLimit !== undefined) {
      const decision = await state.guard.checkRequest(state.context, {
        headers: ctx.request.headers,
        routeOptions: compiled,
      })
      if (!decision.allowed) return sendRejection(ctx, decision)
      ctx.set(decision.headers)
      ctx.state.leakguard = { requestId: state.context.requestId, principal: decision.principal }
    }
    const refusal = await checkInput(ctx, state, compiled, 'checkpoint')
    if (refusal !== undefined) return sendRejection(ctx, refusal)
    return next()
  }
}

/**
 * The body checkpoint: register it after your body parser (`app.use(bodyParser())
 * .use(leakguard.body())`) so the request-side policies that read the body (`accept` with
 * `onUnknown: 'reject'`, an `owner` check that takes the body) answer before any route runs.
 * Without it, accepted members are still enforced when the parser sets `ctx.request.body`, but a
 * refusal cannot be answered.
 */
function body(): Middleware {
  return function leakguardBody(ctx: Context, next: Next): Promise<void> {
    const state = requestStates.get(ctx)
    if (state === undefined) throw new Error('leakguard.body() needs leakguard() registered before it')
    const go = (refusal: InputRejection | undefined): Promise<void> => {
      if (refusal === undefined) return next()
      sendRejection(ctx, refusal)
      return Promise.resolve()
    }
    const checked = checkInput(ctx, state, routeOptionsOf.get(ctx), 'checkpoint')
    return checked instanceof Promise ? checked.then(go) : go(checked)
  }
}

/**
 * Koa middleware for leakguard. `leakguard(options)` or `leakguard(guard)` filters responses;
 * `leakguard.route(options)` sets options for one route; `leakguard.errorHandler()` renders errors.
 */
export const leakguard: typeof createMiddleware & {
  route: typeof route
  body: typeof body
  errorHandler: typeof errorHandler
} = Object.assign(createMiddleware, { route, body, errorHandler })

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
export { defineLeakguard } from '@leakguard/core'
