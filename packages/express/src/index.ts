import {
  BLOCKED_CACHE_CONTROL,
  type CompiledRouteOptions,
  compileRouteHelper,
  createGuard,
  type Guard,
  type GuardOptions,
  hasRequestBody,
  headersToDropOnBlock,
  type InputDecision,
  type InputRejection,
  isGuard,
  type LeakguardRequestState,
  lateBodyKind,
  PROBLEM_CONTENT_TYPE,
  type RejectedRequest,
  type RequestContext,
  type RequestDecision,
  type RouteOptions,
  requestSlot,
  type SerializedDecision,
  serializedBodyKind,
  type WrittenDecision,
} from '@leakguard/core'
import type { Application, NextFunction, Request, RequestHandler, Response } from 'express'
import { useDictionaryProperties } from './dictionary-properties.js'
import { errorHandler, warnWithoutErrorHandler } from './error-handler.js'
import { registerAppRoutes } from './inventory.js'
import { headersSentError, holdHead, interceptRawBody } from './raw-body.js'
import { markSeen, watchUnguardedResponses } from './unguarded.js'

declare global {
  namespace Express {
    interface Request {
      /** Set by leakguard on every request it sees. */
      leakguard?: LeakguardRequestState
    }
  }
}

/** Options of {@link leakguard}: the core guard options, with `getRoles` receiving Express's `req`. */
export type LeakguardOptions = GuardOptions<Request>

const routeOptionsOf = requestSlot<CompiledRouteOptions>('leakguard.routeOptions')

/** What `leakguard.route()` needs of the middleware that started the request. */
interface RequestState {
  readonly guard: Guard<Request>
  readonly context: RequestContext
  /** Sends leakguard's own refusal, bypassing the response filter. */
  reject(decision: RejectedRequest | InputRejection): void
}
// On the request itself, not in a WeakMap: the state refers to the request (see requestSlot).
const requestStates = requestSlot<RequestState>('leakguard.state')

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function'
}

/** Runs a request-phase decision: the handler chain goes on, or the refusal is sent. */
function settle<D>(decision: D | Promise<D>, next: NextFunction, onDecision: (decision: D) => void): void {
  if (isPromise(decision)) decision.then(onDecision).catch(next)
  else onDecision(decision)
}

/** Requests whose `req.body` leakguard watches. */
const watched = new WeakSet<Request>()

/**
 * Makes `req.body` an accessor that checks what a body parser assigns, the moment it assigns it:
 * the handler reads only accepted members even without a `leakguard.body()` checkpoint.
 */
function watchBody(req: Request, state: RequestState): void {
  if (watched.has(req)) return
  watched.add(req)
  let value: unknown = req.body
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: unknown) => {
      // Inside a route's own chain (`req.route` is set), a parser sits past any app-level checkpoint.
      value = state.guard.filterBody(state.context, next, routeOptionsOf.get(req), req.route !== undefined)
    },
  })
}

/**
 * The request-side policies (`acceptQuery`, `accept`, enumeration, `owner`) with what Express has
 * parsed so far: then `next()`, or leakguard's refusal.
 */
function checkInput(
  req: Request,
  state: RequestState,
  routeOptions: CompiledRouteOptions | undefined,
  at: 'leakguard' | 'checkpoint',
  next: NextFunction,
): void {
  const { guard, context } = state
  if (!guard.hasInputPolicies(context, routeOptions)) {
    next()
    return
  }
  if (at === 'checkpoint') {
    // A method override or rewrite after leakguard() (they sit after the body parser) must not
    // run another route's handler on this route's checks.
    // (Status 500: what is sent if it disagrees; a status below 400 would also ask for owner checks.)
    const misrouted = guard.checkRouted(
      context,
      { method: req.method, path: `${req.baseUrl ?? ''}${req.path}` },
      500,
    )
    if (misrouted !== undefined) {
      state.reject({ ...misrouted, allowed: false, headers: {}, code: 'ERR_LG_RESPONSE_ROUTE_MISMATCH' })
      return
    }
  }
  // A body still to come is watched too, even over one a parser before leakguard set (Express 4's
  // sets `{}` for types it does not parse): an owner check may wait for it (see filterBody).
  if (guard.checksBody(context, routeOptions) || (at === 'leakguard' && hasRequestBody(req.headers)))
    watchBody(req, state)
  const params =
    at === 'checkpoint' && Object.keys(req.params ?? {}).length > 0
      ? (req.params as Record<string, string>)
      : undefined
  const decision = guard.checkInput(context, {
    body: req.body,
    // The checkpoint and route helpers sit after the parsers: what they see is all there is.
    bodyReady: at === 'checkpoint' || req.body !== undefined || !hasRequestBody(req.headers),
    query: req.query,
    params,
    routeOptions,
    route: req.route?.path === undefined ? undefined : `${req.baseUrl ?? ''}${req.route.path}`,
  })
  settle(decision, next, (settled: InputDecision) => {
    if (!settled.allowed) return state.reject(settled)
    if (settled.bodyChanged) req.body = settled.body
    // Express 5 reads req.query through a getter on the prototype: an own value shadows it.
    if (settled.queryChanged)
      Object.defineProperty(req, 'query', {
        value: settled.query,
        writable: true,
        configurable: true,
        enumerable: true,
      })
    next()
  })
}

/**
 * Whether `res.json` of this app writes compact JSON: no `json replacer`, `json spaces` or
 * `json escape` setting, which leakguard's compiled writer does not apply (it hands the filtered
 * value to `res.json` instead).
 */
function writesPlainJson(app: Application): boolean {
  return (
    app.get('json replacer') === undefined &&
    app.get('json spaces') === undefined &&
    app.get('json escape') === undefined
  )
}

/** The bytes of a typed array or `DataView`, as a Buffer over the same memory. */
function asBuffer(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

/** An object Express would serialize as JSON (not a Buffer or typed array). */
function isObjectBody(body: unknown): body is object {
  return typeof body === 'object' && body !== null && !ArrayBuffer.isView(body)
}

/**
 * Express 4's deprecated `(status, body)` and `(body, status)` forms: applies the status and
 * returns the body, so the filtered call can use the one-argument form both majors accept.
 */
function legacyBody(res: Response, args: IArguments): unknown {
  if (args.length !== 2) return args[0]
  if (typeof args[0] !== 'number' && typeof args[1] === 'number') {
    res.status(args[1])
    return args[0]
  }
  if (typeof args[0] === 'number') res.status(args[0])
  return args[1]
}

/** The response methods leakguard wraps, in the order of `[json, jsonp, send]`. */
const METHODS = ['json', 'jsonp', 'send'] as const

/**
 * Express middleware that filters every JSON body: objects given to `res.json`, `res.jsonp` and
 * `res.send`, JSON strings and Buffers given to `res.send`, and JSON written raw (streams piped
 * into `res`, `res.sendFile`). Mount it before your routes and after `compression`.
 * @throws LeakguardConfigError at creation when `options` are invalid
 */
function createMiddleware(options: LeakguardOptions | Guard<Request> = {}): RequestHandler {
  const guard = isGuard(options) ? (options as Guard<Request>) : createGuard(options)

  const middleware = function leakguard(req: Request, res: Response, next: NextFunction): void {
    // Before anything is added to them: each addition would otherwise cost a new hidden class.
    useDictionaryProperties(req)
    useDictionaryProperties(res)
    markSeen(req)
    const context = guard.startRequest({
      method: req.method,
      // The target after any rewrite mounted before leakguard, as the router reads it: `req.url`
      // under the path leakguard is mounted at (an absolute-form target stays whole).
      path: /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(req.url) ? req.url : `${req.baseUrl ?? ''}${req.url}`,
      clientAddress: req.socket.remoteAddress,
      secure: (req.socket as { encrypted?: boolean }).encrypted === true,
      native: req,
      requestId: guard.requestIdHeader === undefined ? undefined : req.headers[guard.requestIdHeader],
    })
    req.leakguard = { requestId: context.requestId }
    if (guard.responseIdHeader !== undefined) res.setHeader(guard.responseIdHeader, context.requestId)
    warnWithoutErrorHandler(req.app, guard)
    registerAppRoutes(req.app, guard)

    // Own properties of this `res`: a mounted sub-app that swaps the prototype keeps them.
    // A `res.json` already replaced by middleware before leakguard gets the filtered value.
    // Wrappers a middleware mounted before leakguard put on this `res`, or the app put on
    // `app.response` (an envelope, a transformer): what they send is theirs, not the filtered
    // body, and is filtered again.
    const appResponse = Object.getPrototypeOf(res) as object
    const wrapped = (name: string): boolean => Object.hasOwn(res, name) || Object.hasOwn(appResponse, name)
    const ownJson = !wrapped('json')
    const { json, jsonp, send } = res
    const wrappers =
      wrapped('send') || !ownJson || wrapped('jsonp')
        ? new Set<unknown>([json, jsonp, send].filter((_method, i) => wrapped(METHODS[i]!)))
        : undefined
    let inside = false
    // Set once a filtered body went to the original methods: what reaches write/end after that is
    // that body, possibly compressed later on the event loop by a compression middleware below us.
    let answered = false
    /** How many wrappers of `wrappers` are running: what reaches leakguard from them is filtered again. */
    let inWrapper = 0
    /** How many times a wrapper of `wrappers` was called (see {@link original}). */
    let wrapperCalls = 0
    /** Whether a body arriving now comes from a wrapper: one running, or one that sends later. */
    const fromWrapper = (): boolean => inWrapper > 0 || (wrapperCalls > 0 && !answered)
    /** Runs an original method with the re-entrancy guard up: `json` calls `send`, `send` calls `end`. */
    const original = <A extends unknown[]>(method: (...args: A) => Response, ...args: A): Response => {
      inside = true
      try {
        const callsBefore = wrapperCalls
        const sent = wrappers?.has(method) === true ? throughWrapper(method, args) : method.apply(res, args)
        // Only once Express took the body: a send that threw answered nothing, and neither did a
        // wrapper that sends later (after an await): what it writes then is its own, and read.
        if (wrapperCalls === callsBefore || res.headersSent || res.writableEnded) answered = true
        return sent
      } finally {
        inside = false
      }
    }
    /**
     * Runs a wrapper mounted before leakguard with the guard down: what it sends comes back to
     * leakguard's `send` or reaches `end` as a body of its own, and is filtered there (see
     * {@link lateBody}).
     */
    const throughWrapper = <A extends unknown[]>(method: (...args: A) => Response, args: A): Response => {
      inside = false
      inWrapper++
      // Express's send would answer 304 by the wrapper's body, before leakguard read it: a 304
      // could then confirm a guess at a value leakguard masks. A wrapped response is never fresh.
      if (wrapperCalls++ === 0) Object.defineProperty(req, 'fresh', { value: false, configurable: true })
      try {
        return method.apply(res, args)
      } finally {
        inWrapper--
        inside = true
      }
    }
    /**
     * The type a body is decided on: a JSON body a wrapper sent that does not open as JSON (an
     * XSSI prefix) is read as text (see lateBodyKind).
     */
    const lateType = (type: unknown, body: string | Uint8Array): unknown =>
      fromWrapper() &&
      serializedBodyKind(type, res.statusCode, true) === 'json' &&
      lateBodyKind(body) === 'text'
        ? 'text/plain'
        : type
    /** Reports, once per route, a body a wrapper mounted before leakguard sent: filtered again. */
    const lateBody = (): void => {
      if (!fromWrapper()) return
      const path = req.route?.path as unknown
      guard.latePayload({
        method: req.method,
        route: typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined,
        by: 'a res.json or res.send wrapper mounted before leakguard',
        fix: 'Mount that middleware after leakguard',
      })
    }
    // Set while a body sent with res.send or res.json is filtered over several event-loop turns
    // (a long list, JSON text of 1 MiB or more): the response is taken from then on, as it is
    // once Express sent a body.
    let pending = false
    /**
     * Sends a body decided in turns once it is: `res` comes back now, as Express returns it. The
     * head goes out as it was at the call: a status or headers set meanwhile (an error handler
     * after a throw, a redirect) would have failed with Express alone, and the body was decided for
     * that status. If the client left, nothing is sent; if sending throws, the response fails closed.
     */
    const later = <D>(decision: Promise<D>, go: (decided: D) => Response): Response => {
      pending = true
      const restoreHead = holdHead(res)
      decision.then((decided) => {
        pending = false
        if (res.headersSent || res.destroyed) return
        try {
          restoreHead()
          go(decided)
        } catch {
          // Sending threw (a header Node refuses): the generic 500 if it can still go, else the
          // connection is cut; never an unhandled rejection.
          try {
            if (res.headersSent) res.destroy()
            else sendBlocked(guard.block(context, res.statusCode, 'ERR_LG_RESPONSE_INTERNAL'))
          } catch {
            res.destroy()
          }
        }
      })
      return res
    }
    /** A blocked response sends nothing of the original: headers the handler set go too. */
    const clearForBlock = (): void => {
      for (const name of headersToDropOnBlock(res.getHeaderNames(), guard.responseIdHeader))
        res.removeHeader(name)
      res.setHeader('Cache-Control', BLOCKED_CACHE_CONTROL)
      res.statusMessage = '' // the handler's status text, if it set one, goes too
    }
    const sendBlocked = (decision: { status: number; payload: string }): Response => {
      clearForBlock()
      res.status(decision.status).set('Content-Type', PROBLEM_CONTENT_TYPE)
      return original(send, decision.payload)
    }
    /** What Express routed: `req.baseUrl + req.path` as its router read the target, and the method. */
    const routed = (): void =>
      guard.routed(context, { method: req.method, path: `${req.baseUrl ?? ''}${req.path}` })
    const sendWritten = (decision: WrittenDecision): Response => {
      if (decision.blocked) return sendBlocked(decision)
      if (res.get('Content-Type') === undefined) res.set('Content-Type', 'application/json')
      // Through res.send as it is now: a wrapper mounted after leakguard sees the text, as it saw
      // the text res.json used to hand it.
      return original(res.send, decision.payload)
    }
    const filterObject = (method: (body: unknown) => Response, body: unknown): Response => {
      routed()
      const input = { status: res.statusCode, body, routeOptions: routeOptionsOf.get(req) }
      if (method === json && ownJson && writesPlainJson(req.app)) {
        // Written straight to JSON text through the route's compiled view (a long list over
        // several event-loop turns), then sent as res.json sends its own text (Content-Type,
        // ETag, HEAD and 304 handling are Express's).
        const written = guard.serializeResponseInTurns(context, input)
        return written instanceof Promise ? later(written, sendWritten) : sendWritten(written)
      }
      const decision = guard.filterResponse(context, input)
      return decision.blocked ? sendBlocked(decision) : original(method, decision.body)
    }

    /**
     * JSON text is filtered, text redacted; other content types are not leakguard's. `inTurns`: a
     * large JSON body may be decided over several event-loop turns (a promise comes back).
     */
    function filterSerialized(type: unknown, payload: string | Uint8Array): SerializedDecision | undefined
    function filterSerialized(
      type: unknown,
      payload: string | Uint8Array,
      inTurns: true,
    ): SerializedDecision | Promise<SerializedDecision> | undefined
    function filterSerialized(
      type: unknown,
      payload: string | Uint8Array,
      inTurns = false,
    ): SerializedDecision | Promise<SerializedDecision> | undefined {
      routed()
      const input = {
        status: res.statusCode,
        payload,
        routeOptions: routeOptionsOf.get(req),
        contentEncoding: res.getHeader('content-encoding'),
        contentType: type,
      }
      const kind = serializedBodyKind(type, res.statusCode, true)
      if (kind === 'json')
        return inTurns
          ? guard.filterSerializedInTurns(context, input)
          : guard.filterSerialized(context, input)
      if (kind === 'text') return guard.filterText(context, input)
      return undefined
    }

    res.json = function leakguardJson(this: Response) {
      if (pending) throw headersSentError()
      const body = legacyBody(this, arguments)
      if (inside) return original(json, body)
      lateBody()
      return filterObject(json, body)
    }
    res.jsonp = function leakguardJsonp(this: Response) {
      if (pending) throw headersSentError()
      const body = legacyBody(this, arguments)
      if (inside) return original(jsonp, body)
      lateBody()
      return filterObject(jsonp, body)
    }
    res.send = function leakguardSend(this: Response) {
      if (pending) throw headersSentError()
      if (inside)
        return wrappers?.has(send) === true
          ? throughWrapper(send, arguments as unknown as [unknown])
          : send.apply(this, arguments as unknown as [unknown])
      lateBody()
      let body =
        arguments.length === 1 && typeof arguments[0] === 'number'
          ? arguments[0]
          : legacyBody(this, arguments)
      if (isObjectBody(body)) return filterObject(json, body)
      // Express 4 writes any object but a Buffer as JSON (`res.json`, past this check): bytes in
      // another view (`Uint8Array`, `DataView`) go on as the Buffer Express 5 would make of them.
      if (ArrayBuffer.isView(body) && !Buffer.isBuffer(body)) body = asBuffer(body)
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        // Decide on the type that goes on the wire: Express sets text/html for an untyped string
        // (application/octet-stream for bytes) only after this call.
        const typed = this.get('Content-Type')
        const type = typed ?? (typeof body === 'string' ? 'text/html' : 'application/octet-stream')
        const decision = filterSerialized(lateType(type, body), body as string | Uint8Array, true)
        if (decision !== undefined) {
          const sendDecided = (decided: SerializedDecision): Response => {
            if (decided.blocked) return sendBlocked(decided)
            // A redacted body can come back as bytes, which Express would label octet-stream.
            if (typed === undefined) this.type('html')
            const payload = decided.payload
            return original(
              send,
              typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : asBuffer(payload),
            )
          }
          return decision instanceof Promise ? later(decision, sendDecided) : sendDecided(decision)
        }
        // Not leakguard's to read; but a route with ownerPath cannot send what it cannot check.
        const denied = guard.opaqueBody(context, {
          status: res.statusCode,
          routeOptions: routeOptionsOf.get(req),
        })
        if (denied !== undefined) return sendBlocked(denied)
      }
      return original(send, body)
    }
    const raw = interceptRawBody(res, {
      beforeHead: () => {
        const reason = guard.filterStatusMessage(context, {
          status: res.statusCode,
          message: res.statusMessage ?? '',
          routeOptions: routeOptionsOf.get(req),
        })
        if (reason !== undefined) res.statusMessage = reason
        const scanned = res.getHeaderNames().filter((name) => guard.scansHeader(name))
        if (scanned.length === 0) return
        const headers: Record<string, string | number | string[] | undefined> = {}
        for (const name of scanned) headers[name] = res.getHeader(name)
        const changed = guard.filterHeaders(context, {
          status: res.statusCode,
          headers,
          routeOptions: routeOptionsOf.get(req),
        })
        if (changed === undefined) return
        for (const [name, value] of Object.entries(changed)) {
          if (value === null) res.removeHeader(name)
          else res.setHeader(name, value)
        }
      },
      rawWrite: () => guard.unfilteredResponse(context, { status: res.statusCode, via: 'raw' }),
      isInside: () => inside || answered,
      isPending: () => pending,
      misrouted: () =>
        guard.checkRouted(
          context,
          { method: req.method, path: `${req.baseUrl ?? ''}${req.path}` },
          res.statusCode,
        ),
      filter: (payload) => {
        lateBody()
        return filterSerialized(lateType('application/json', payload), payload, true)!
      },
      // An untyped page is read as text, as a browser sniffing it would. Read at hand, a text
      // type is text whatever the status: filterSerialized always answers for one.
      filterText: (payload, _encoding, type) => filterSerialized(type ?? 'text/plain', payload)!,
      opaque: () =>
        guard.opaqueBody(context, { status: res.statusCode, routeOptions: routeOptionsOf.get(req) }),
      block: (code) => guard.block(context, res.statusCode, code),
      clearForBlock,
      maxBytes: guard.maxBufferedBytes,
    })
    // A body written past every own-property patch (through http.ServerResponse.prototype).
    res.once('finish', () => {
      if (!raw.seen()) guard.unfilteredResponse(context, { status: res.statusCode, via: 'raw' })
    })

    /** leakguard's own refusals (400/401/403/404/413/415/422/429/503): written raw, past the response filter. */
    const reject = (decision: RejectedRequest | InputRejection): void => {
      inside = true
      try {
        res.statusCode = decision.status
        for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value)
        res.setHeader('Content-Type', decision.contentType)
        res.setHeader('Content-Length', Buffer.byteLength(decision.payload))
        res.end(decision.payload)
      } finally {
        inside = false
      }
    }
    res.once('finish', () => {
      guard.endRequest(context, res.statusCode)
      // A sub-app mounted below this app is out of reach of the startup walk: the first request it
      // answers tells its routes (req.app is then the sub-app, and its mount path is known).
      registerAppRoutes(req.app, guard)
    })
    const state: RequestState = { guard, context, reject }
    requestStates.set(req, state)
    settle(guard.checkRequest(context, { headers: req.headers }), next, (decision: RequestDecision) => {
      if (!decision.allowed) return reject(decision)
      for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value)
      req.leakguard = { requestId: context.requestId, principal: decision.principal }
      checkInput(req, state, undefined, 'leakguard', next)
    })
  }
  watchUnguardedResponses(middleware, guard)
  return middleware
}

/**
 * Attaches route-level options (validated now, at startup) that win over the pattern's. An `auth`
 * policy here (scopes, roles, a check) is enforced when the route is reached; `public` and
 * `optional` are refused, because the token was already required by `leakguard()` before Express
 * picked the route: declare those in the guard's `routes`.
 */
function route(options: RouteOptions): RequestHandler {
  const compiled = compileRouteHelper(options)
  return function leakguardRoute(req: Request, res: Response, next: NextFunction): void {
    routeOptionsOf.set(req, compiled)
    const state = requestStates.get(req)
    if (state === undefined) {
      if (compiled.auth === undefined && compiled.rateLimit === undefined && !hasRequestPolicies(compiled)) {
        next()
        return
      }
      next(
        new Error(
          'leakguard.route() with auth, rateLimit, accept, owner or enumeration needs leakguard() mounted before the route',
        ),
      )
      return
    }
    if (compiled.auth === undefined && compiled.rateLimit === undefined) {
      checkInput(req, state, compiled, 'checkpoint', next)
      return
    }
    const decision = state.guard.checkRequest(state.context, { headers: req.headers, routeOptions: compiled })
    settle(decision, next, (settled: RequestDecision) => {
      if (!settled.allowed) return state.reject(settled)
      for (const [name, value] of Object.entries(settled.headers)) res.setHeader(name, value)
      req.leakguard = { requestId: state.context.requestId, principal: settled.principal }
      checkInput(req, state, compiled, 'checkpoint', next)
    })
  }
}

/** Whether route options hold request-side policies. */
function hasRequestPolicies(options: CompiledRouteOptions): boolean {
  return (
    options.accept !== undefined ||
    options.acceptViews !== undefined ||
    options.acceptQuery !== undefined ||
    options.owner !== undefined ||
    options.enumeration !== undefined
  )
}

/**
 * The body checkpoint: mount it after your body parsers (`app.use(express.json(), leakguard.body())`)
 * so the request-side policies that read the body (`accept` with `onUnknown: 'reject'`, an `owner`
 * check that takes the body) answer before any route runs. Without it, accepted members are still
 * enforced when the parser sets `req.body`, but a refusal cannot be answered.
 */
function body(): RequestHandler {
  return function leakguardBody(req: Request, _res: Response, next: NextFunction): void {
    const state = requestStates.get(req)
    if (state === undefined) {
      next(new Error('leakguard.body() needs leakguard() mounted before it'))
      return
    }
    checkInput(req, state, routeOptionsOf.get(req), 'checkpoint', next)
  }
}

/**
 * Express middleware for leakguard. `leakguard(options)` or `leakguard(guard)` filters responses;
 * `leakguard.route(options)` sets options for one route; `leakguard.errorHandler()` renders errors.
 */
export const leakguard: typeof createMiddleware & {
  route: typeof route
  body: typeof body
  errorHandler: typeof errorHandler
} = Object.assign(createMiddleware, { route, body, errorHandler })

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
export { defineLeakguard } from '@leakguard/core'
export type { ErrorHandlerOptions, ErrorInfo } from './error-handler.js'
