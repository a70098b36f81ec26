import {
  BLOCKED_CACHE_CONTROL,
  type BlockedResponse,
  type BodySource,
  type CompiledRouteOptions,
  createGuard,
  errorPageHeaders,
  type Guard,
  type GuardOptions,
  headersToDropOnBlock,
  type InputDecision,
  type InputRejection,
  isGuard,
  type LeakguardRequestState,
  type RouteOptions as LeakguardRouteOptions,
  lateBodyKind,
  PROBLEM_CONTENT_TYPE,
  problemForError,
  type RejectedRequest,
  type RequestContext,
  type RequestDecision,
  requestSlot,
  type SerializedDecision,
  serializedBodyKind,
  socketBytes,
  type WrittenDecision,
  wroteBeforeBody,
} from '@leakguard/core'
import type {
  FastifyError,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
} from 'fastify'
import fp from 'fastify-plugin'
import { routeOf, symbolNamed } from './fastify-state.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** leakguard options of this route; they win over the pattern's, field by field. */
    leakguard?: LeakguardRouteOptions
  }
  interface FastifyRequest {
    /** Set by leakguard on every request. */
    leakguard: LeakguardRequestState
  }
}

/** Options of the plugin: the core guard options (`getRoles` receives Fastify's `request`), or a guard. */
export type LeakguardOptions = GuardOptions<FastifyRequest> | { guard: Guard<FastifyRequest> }

// Options Fastify's `register` itself understands; they are not leakguard's.
const REGISTER_KEYS = new Set(['prefix', 'logLevel', 'logSerializers'])

function guardFrom(options: LeakguardOptions): Guard<FastifyRequest> {
  if (isGuard(options)) return options as Guard<FastifyRequest>
  if ('guard' in options) {
    if (!isGuard(options.guard)) throw new TypeError('leakguard: options.guard must be made by createGuard()')
    return options.guard
  }
  const guardOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !REGISTER_KEYS.has(key)))
  return createGuard(guardOptions as GuardOptions<FastifyRequest>)
}

/** A route config's own `leakguard` member, never one inherited from a prototype. */
function ownLeakguardOptions(config: unknown): LeakguardRouteOptions | undefined {
  if (typeof config !== 'object' || config === null || !Object.hasOwn(config, 'leakguard')) return undefined
  return (config as { leakguard?: LeakguardRouteOptions }).leakguard
}

/**
 * The path Fastify routed, rebuilt from the matched route's pattern and its parameters (so
 * `ignoreTrailingSlash`, `caseSensitive`, `ignoreDuplicateSlashes`, `useSemicolonDelimiter` and
 * prefixes are read as Fastify read them), with the query of the request. The request target
 * itself when no route matched (the not-found handler).
 */
function routedPath(request: FastifyRequest): string {
  const pattern = routeOf(request).config?.url
  if (pattern === undefined) return request.url
  const q = request.url.indexOf('?')
  const query = q === -1 ? '' : request.url.slice(q)
  const build = builderOf(pattern)
  return `${typeof build === 'string' ? build : build((request.params ?? {}) as Record<string, unknown>)}${query}`
}

type PathBuilder = string | ((params: Record<string, unknown>) => string)

/** Fastify's slot of a reply's next error handler (`false` once every one failed), once found. */
let nextErrorHandlerSlot: symbol | undefined

/**
 * Whether every error handler of the reply has run: the next error goes to Fastify's last-resort
 * handler (the one after the root handler has no function).
 */
function errorHandlersSpent(reply: FastifyReply): boolean {
  // Fastify sets the slot on a reply's first error: until it is found, it is looked for again.
  nextErrorHandlerSlot ??= symbolNamed(reply, 'fastify.reply.nextErrorHandler')
  if (nextErrorHandlerSlot === undefined) return false
  const next = (reply as unknown as Record<symbol, unknown>)[nextErrorHandlerSlot]
  return (
    next === false ||
    (typeof next === 'object' && next !== null && typeof (next as { func?: unknown }).func !== 'function')
  )
}

/** Where code that builds a body belongs on Fastify (the LEAKGUARD_LATE_PAYLOAD warning's fix). */
const FASTIFY_FIX =
  "Build that body in the handler, or in a preSerialization hook registered before leakguard (the route's allowlist then reads it)"

/** Marks a reply whose filtered value Fastify serialized itself (a schema, a serializer of the app). */
const ANY_TEXT: unique symbol = Symbol('leakguard.anyText')

/** An onSend hook, by callback or promise, as Fastify calls it. */
type OnSendHook = (
  this: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  next: (error: Error | null, payload?: unknown) => void,
) => unknown

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function'

/** An async onSend hook that also takes a callback: Fastify refuses it (left as it is). */
const isRefusedByFastify = (hook: OnSendHook): boolean =>
  hook.constructor?.name === 'AsyncFunction' && hook.length === 4
const builders = new Map<string, PathBuilder>()

/** A route pattern compiled once into the path it stands for (a static one is that path). */
function builderOf(pattern: string): PathBuilder {
  let build = builders.get(pattern)
  if (build !== undefined) return build
  if (!pattern.includes(':') && !pattern.includes('*')) {
    build = pattern
  } else {
    // Static text and parameter names, alternating; `::` is a literal colon, `*` the wildcard.
    const parts: (string | { readonly param: string })[] = []
    for (const segment of pattern.split(/(\/)/)) {
      if (segment === '*') {
        parts.push({ param: '*' })
        continue
      }
      let last = 0
      for (const match of segment.matchAll(/::|:(\w+)(?:\([^)]*\))?/g)) {
        parts.push(segment.slice(last, match.index))
        parts.push(match[1] === undefined ? ':' : { param: match[1] })
        last = match.index + match[0].length
      }
      parts.push(segment.slice(last))
    }
    build = (params) => {
      let path = ''
      for (const part of parts) {
        if (typeof part === 'string') path += part
        else if (part.param === '*')
          path += String(params['*'] ?? '')
            .split('/')
            .map(encodeURIComponent)
            .join('/')
        else path += encodeURIComponent(String(params[part.param] ?? ''))
      }
      return path
    }
  }
  if (builders.size < 10_000) builders.set(pattern, build)
  return build
}

/**
 * Fastify's internal slots of a reply's own serializer (`reply.serializer()`) and of the route's
 * default one (`setReplySerializer()`), found by their descriptions; `undefined` if a Fastify
 * version names them otherwise, and then leakguard never takes the serialization over.
 */
let serializerSlots: { reply: symbol; context: symbol; defaults: symbol } | null | undefined
/**
 * Whether `reply.hijack()` was called: Fastify records it on the reply under its own symbol
 * (`fastify.reply.hijacked`). Read only on the rare response that passed no leakguard hook; a
 * Fastify that stopped recording it there would see such a reply reported as `raw`, still reported.
 * (Wrapping `hijack()` instead meant a closure per reply, which kept requests alive through young
 * GC, or a patch of Fastify's Reply prototype, which every instance in the process shares.)
 */
function wasHijacked(reply: FastifyReply): boolean {
  const slot = symbolNamed(reply, 'fastify.reply.hijacked')
  return slot !== undefined && (reply as unknown as Record<symbol, unknown>)[slot] === true
}

function findSerializerSlots(reply: FastifyReply): typeof serializerSlots {
  // The route context sits on the prototype Fastify builds per route, the serializer on the reply.
  const replySlot = symbolNamed(reply, 'fastify.reply.serializer')
  const contextSlot = symbolNamed(reply, 'fastify.context')
  const context =
    contextSlot === undefined ? undefined : (reply as unknown as Record<symbol, object>)[contextSlot]
  const defaults = context === undefined ? undefined : symbolNamed(context, 'fastify.replySerializerDefault')
  return replySlot === undefined || contextSlot === undefined || defaults === undefined
    ? null
    : { reply: replySlot, context: contextSlot, defaults }
}

/**
 * Whether leakguard's preSerialization hook is the route's last one: later hooks (route-level
 * ones, those of plugins registered after leakguard) must see the filtered value, as they always
 * did, so leakguard writes the reply itself only when nothing runs between it and serialization.
 */
function writesLast(reply: FastifyReply): boolean {
  if (serializerSlots === undefined) serializerSlots = findSerializerSlots(reply)
  const found = serializerSlots
  if (found === null || found === undefined) return false
  const context = (reply as unknown as Record<symbol, { preSerialization?: unknown } | undefined>)[
    found.context
  ]
  const hooks = context?.preSerialization
  if (!Array.isArray(hooks) || hooks.length === 0) return false
  // Fastify stores hooks bound to their instance: `bound leakguardPreSerialization`.
  return (hooks[hooks.length - 1] as { name?: string }).name === 'bound leakguardPreSerialization'
}

/**
 * Whether Fastify would serialize this reply with plain `JSON.stringify`: no serializer set on the
 * reply, none set with `setReplySerializer()`, and no response schema for the route (a schema's
 * serializer drops and coerces members: leakguard then filters the object and lets it write).
 */
function usesDefaultSerializer(request: FastifyRequest, reply: FastifyReply): boolean {
  if (routeOf(request).schema?.response !== undefined) return false
  if (serializerSlots === undefined) serializerSlots = findSerializerSlots(reply)
  const found = serializerSlots
  if (found === null || found === undefined) return false
  const slots = reply as unknown as Record<symbol, unknown>
  if (slots[found.reply] !== null) return false
  const context = slots[found.context] as Record<symbol, unknown> | undefined
  return context !== undefined && (context[found.defaults] ?? null) === null
}

/**
 * Remembers the reply's head (status and headers) when its body was handed over to be decided
 * later; the function it returns puts that head back. What the application set in between (a
 * status from a timer after the handler returned) would describe a body decided for another
 * status: the body was decided for this one.
 */
function holdReplyHead(reply: FastifyReply): () => void {
  const status = reply.statusCode
  // Arrays copied: a header's array (Set-Cookie) is the reply's own, which may grow meanwhile.
  const headers: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(reply.getHeaders()))
    headers[name] = Array.isArray(value) ? [...value] : value
  return () => {
    if (reply.raw.headersSent) return
    for (const name of Object.keys(reply.getHeaders())) {
      if (name in headers) continue
      reply.removeHeader(name)
      reply.raw.removeHeader(name)
    }
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue
      // Fastify adds to a Set-Cookie header rather than replacing it: cleared first, set from a copy.
      reply.removeHeader(name)
      reply.header(name, Array.isArray(value) ? [...value] : (value as string | number))
    }
    reply.code(status)
  }
}

/** A Web `Response`, recognised as Fastify does (any realm, any fetch implementation). */
function isWebResponse(payload: unknown): payload is Response {
  return typeof payload === 'object' && Object.prototype.toString.call(payload) === '[object Response]'
}

/**
 * Applies a Response's status and headers to the reply, as Fastify would after onSend, so the
 * filtered body goes out with them. Its framing (length, chunking) and validators described the
 * body before filtering.
 */
function adoptResponse(reply: FastifyReply, response: Response): void {
  reply.code(response.status)
  for (const [name, value] of response.headers) reply.header(name, value)
  reply.removeHeader('content-length')
  reply.removeHeader('transfer-encoding')
  reply.removeHeader('etag')
  reply.removeHeader('last-modified')
}

const plugin: FastifyPluginCallback<LeakguardOptions> = (fastify, options, done) => {
  let guard: Guard<FastifyRequest>
  try {
    guard = guardFrom(options)
  } catch (error) {
    // Fastify waits for done() from a callback plugin: a throw would stall startup until timeout.
    done(error as Error)
    return
  }
  // On the request itself, not in a WeakMap: the context refers to the request (see requestSlot).
  const contexts = requestSlot<RequestContext>('leakguard.context')
  // Requests leakguard refused itself: their problem body is not filtered.
  const rejected = new WeakSet<FastifyRequest>()
  // Replies whose object payload preSerialization filtered: onSend then sees our own output.
  // The text leakguard's serializer wrote, or ANY_TEXT when Fastify serialized the filtered value.
  const filtered = requestSlot<unknown>('leakguard.filtered')
  // Replies whose filtered value went on to a preSerialization hook after leakguard's: onSend reads
  // what it became.
  const serializedLate = new WeakSet<FastifyRequest>()
  // Replies that reached preSerialization or onSend; the others left past every hook.
  const passed = new WeakSet<FastifyRequest>()
  const compiled = new WeakMap<LeakguardRouteOptions, CompiledRouteOptions>()

  const compiledFor = (routeOptions: LeakguardRouteOptions, where: string): CompiledRouteOptions => {
    let entry = compiled.get(routeOptions)
    if (entry === undefined) {
      entry = guard.compileRoute(routeOptions, where)
      compiled.set(routeOptions, entry)
    }
    return entry
  }

  /** What each reply's socket had taken when its request arrived (see wroteBeforeBody). */
  const socketStarts = requestSlot<number>('leakguard.socketStart')
  const start = (request: FastifyRequest): RequestContext => {
    const context = guard.startRequest({
      method: request.method,
      // Fastify has routed before any hook: leakguard decides on the route it chose.
      path: routedPath(request),
      clientAddress: request.socket.remoteAddress,
      secure: (request.socket as { encrypted?: boolean }).encrypted === true,
      native: request,
      requestId: guard.requestIdHeader === undefined ? undefined : request.headers[guard.requestIdHeader],
    })
    contexts.set(request, context)
    request.leakguard = { requestId: context.requestId }
    return context
  }

  /** Sends leakguard's own refusal; its problem body is not filtered. */
  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    decision: RejectedRequest | InputRejection,
  ): void => {
    rejected.add(request)
    reply.code(decision.status).headers(decision.headers).type(decision.contentType).send(decision.payload)
  }

  // A second leakguard in a child scope finds the request decorated already.
  if (!fastify.hasRequestDecorator('leakguard'))
    fastify.decorateRequest('leakguard', undefined as unknown as LeakguardRequestState)

  // Validate every route's options at startup, not on its first request.
  fastify.addHook('onRoute', (route) => {
    const routeOptions = ownLeakguardOptions(route.config)
    if (routeOptions !== undefined) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method
      compiledFor(routeOptions, `config.leakguard of ${methods} ${route.url}`)
    }
    // The route inventory lists every route from the start, with the pattern that covers it.
    for (const method of Array.isArray(route.method) ? route.method : [route.method])
      guard.registerRoute(method, route.url)
  })

  fastify.addHook('onRequest', (request, reply, next) => {
    const context = start(request)
    // Before any onSend hook of the reply runs: the first one may be one to record (see arrangeOnSend).
    arrangeOnSend(request)
    socketStarts.set(request, socketBytes(reply.raw))
    if (guard.responseIdHeader !== undefined) reply.header(guard.responseIdHeader, context.requestId)
    // reply.raw writes and reply.hijack() skip every hook: report the fact when the response ends.
    reply.raw.once('close', () => {
      if (passed.has(request) || !reply.raw.headersSent) return
      const via = wasHijacked(reply) ? 'hijack' : 'raw'
      guard.unfilteredResponse(context, { status: reply.raw.statusCode, via })
    })
    const apply = (decision: RequestDecision): void => {
      if (!decision.allowed) {
        refuse(request, reply, decision)
        return
      }
      reply.headers(decision.headers)
      request.leakguard = { requestId: context.requestId, principal: decision.principal }
      next()
    }
    let routeOptions: CompiledRouteOptions | undefined
    try {
      routeOptions = routeOptionsOf(request)
    } catch (error) {
      return next(error as Error)
    }
    const decision = guard.checkRequest(context, { headers: request.headers, routeOptions })
    if (decision instanceof Promise) decision.then(apply).catch(next)
    else apply(decision)
  })

  // Request-side policies (accept, owner, enumeration) once Fastify has parsed the body and query:
  // what the handler reads is what leakguard checked. Again in preHandler, after every
  // preValidation hook: one registered after leakguard (@fastify/multipart's attachFieldsToBody)
  // may set the body then.
  const checkInput = (
    request: FastifyRequest,
    reply: FastifyReply,
    next: (error?: Error) => void,
  ): unknown => {
    const context = contexts.get(request)
    if (context === undefined || rejected.has(request)) return next()
    let routeOptions: CompiledRouteOptions | undefined
    try {
      routeOptions = routeOptionsOf(request)
    } catch (error) {
      return next(error as Error)
    }
    if (!guard.hasInputPolicies(context, routeOptions)) return next()
    const apply = (decision: InputDecision): void => {
      if (!decision.allowed) {
        refuse(request, reply, decision)
        return
      }
      if (decision.bodyChanged) request.body = decision.body
      if (decision.queryChanged) request.query = decision.query
      next()
    }
    const decision = guard.checkInput(context, {
      body: request.body,
      bodyReady: true,
      query: request.query,
      params: request.params as Record<string, string> | undefined,
      routeOptions,
      route: routeOf(request).config?.url,
    })
    if (decision instanceof Promise) decision.then(apply).catch(next)
    else apply(decision)
  }
  // The body each request had when preValidation checked it: preHandler checks only a new one.
  const checkedBodies = requestSlot<{ readonly body: unknown }>('leakguard.checkedBody')
  fastify.addHook('preValidation', (request, reply, next) =>
    checkInput(request, reply, (error) => {
      checkedBodies.set(request, { body: request.body })
      next(error)
    }),
  )
  fastify.addHook('preHandler', (request, reply, next) => {
    const checked = checkedBodies.get(request)
    if (checked !== undefined && checked.body === request.body) return next()
    checkInput(request, reply, next)
  })

  // A hook or serializer that throws after leakguard filtered the payload turns the reply into an
  // error reply: its payload (the error, with its message) has not been filtered yet.
  fastify.addHook('onError', (request, _reply, _error, next) => {
    filtered.set(request, undefined)
    next()
  })

  fastify.addHook('onResponse', (request, reply, next) => {
    const context = contexts.get(request)
    if (context !== undefined) guard.endRequest(context, reply.statusCode)
    next()
  })

  /**
   * Route-level options, compiled at onRoute unless the route was added before the plugin. Read
   * as the route's own member only: a member of `Object.prototype` (polluted by a bug elsewhere in
   * the app, at run time) is nobody's route options.
   */
  const routeOptionsOf = (request: FastifyRequest): CompiledRouteOptions | undefined => {
    const routeOptions = ownLeakguardOptions(routeOf(request).config)
    return routeOptions === undefined ? undefined : compiledFor(routeOptions, 'config.leakguard')
  }

  /**
   * What a hook after leakguard's that fails once every error handler has run (one that throws on
   * every send) leaves the client: Fastify's last resort would write `{ statusCode, error, message }`
   * and the reply's head to reply.raw, past every hook. leakguard blocks the reply instead (its
   * generic 500, headers cleared), which its last hook then sends; `undefined` while an error
   * handler is left to render the error.
   */
  const lastResort = (request: FastifyRequest, reply: FastifyReply): unknown => {
    if (!errorHandlersSpent(reply)) return undefined
    const blocked = guard.block(contexts.get(request) ?? start(request), 500, 'ERR_LG_RESPONSE_INTERNAL')
    block(reply, blocked)
    vouch(request, blocked.payload)
    return blocked.payload
  }

  /**
   * Sets a blocked decision's status and type on the reply, and sends nothing of the original: the
   * headers the handler set (cookies, validators, Location, encoding, custom ones) go too.
   */
  const block = (reply: FastifyReply, decision: BlockedResponse): void => {
    for (const name of headersToDropOnBlock(Object.keys(reply.getHeaders()), guard.responseIdHeader))
      reply.removeHeader(name)
    reply.header('cache-control', BLOCKED_CACHE_CONTROL)
    reply.raw.statusMessage = '' // the handler's status text, if it set one, goes too
    reply.code(decision.status).type(decision.contentType)
  }

  /**
   * Written to reply.raw before the reply (`reply.raw.write(...)`): those bytes went out unread,
   * ahead of the payload leakguard filters. Reported once, by the first hook of the reply.
   */
  const reportRawBefore = (request: FastifyRequest, reply: FastifyReply): void => {
    if (passed.has(request) || !wroteBeforeBody(reply.raw, socketStarts.get(request) ?? 0)) return
    guard.unfilteredResponse(contexts.get(request) ?? start(request), {
      status: reply.raw.statusCode,
      via: 'raw',
    })
  }

  fastify.addHook('preSerialization', function leakguardPreSerialization(request, reply, payload, next) {
    const context = contexts.get(request) ?? start(request)
    reportRawBefore(request, reply)
    passed.add(request)
    let routeOptions: CompiledRouteOptions | undefined
    try {
      routeOptions = routeOptionsOf(request)
    } catch {
      filtered.set(request, ANY_TEXT)
      const blocked = guard.block(context, reply.statusCode, 'ERR_LG_RESPONSE_INTERNAL')
      block(reply, blocked)
      return next(null, blocked.body)
    }
    if (writesLast(reply) && usesDefaultSerializer(request, reply)) {
      // Fastify would JSON.stringify the payload right after this hook: leakguard writes it
      // instead, through the route's compiled view (a long list over several event-loop turns),
      // and hands it over as the reply's serializer, so nothing is serialized twice. Used once: a
      // later send (an error reply) gets Fastify's own again.
      const use = (decision: WrittenDecision): unknown => {
        if (decision.blocked) block(reply, decision)
        reply.serializer((value: unknown) => {
          reply.serializer(null as unknown as (payload: unknown) => string)
          // A string sent past preSerialization is onSend's to read, by its Content-Type.
          if (typeof value === 'string') return value
          filtered.set(request, decision.payload)
          return decision.payload
        })
        return payload
      }
      const written = guard.serializeResponseInTurns(context, {
        status: reply.statusCode,
        body: payload,
        routeOptions,
      })
      if (!(written instanceof Promise)) return next(null, use(written))
      // Decided later: a promise of the payload (Fastify goes on inside its own try/catch), with
      // the head the reply had now.
      const restoreHead = holdReplyHead(reply)
      return written.then((decision) => {
        restoreHead()
        return use(decision)
      })
    }
    // Another preSerialization hook runs after leakguard's: what it makes of the filtered value is
    // read again, as the text Fastify serialized, in onSend. A schema or a serializer only writes it.
    if (writesLast(reply)) filtered.set(request, ANY_TEXT)
    else serializedLate.add(request)
    const decision = guard.filterResponse(context, { status: reply.statusCode, body: payload, routeOptions })
    if (decision.blocked) block(reply, decision)
    next(null, decision.body)
  })

  // Strings, Buffers, streams and error payloads skip preSerialization: they pass here, JSON ones
  // (by Content-Type) through the engine.
  /** The status text and the headers that carry free text (a redirect's Location, X- headers), just before they go out. */
  const scanHeaders = (request: FastifyRequest, reply: FastifyReply): void => {
    const context = contexts.get(request) ?? start(request)
    let routeOptions: CompiledRouteOptions | undefined
    try {
      routeOptions = routeOptionsOf(request)
    } catch {
      routeOptions = undefined
    }
    const reason = guard.filterStatusMessage(context, {
      status: reply.statusCode,
      message: reply.raw.statusMessage ?? '',
      routeOptions,
    })
    if (reason !== undefined) reply.raw.statusMessage = reason
    const changed = guard.filterHeaders(context, {
      status: reply.statusCode,
      headers: reply.getHeaders() as Record<string, string | number | string[] | undefined>,
      routeOptions,
    })
    if (changed === undefined) return
    for (const [name, value] of Object.entries(changed)) {
      // Removed first: reply.header() adds a Set-Cookie to those already there.
      reply.removeHeader(name)
      if (value !== null) reply.header(name, value)
    }
  }

  /**
   * The payload leakguard vouches for, per reply: what its onSend handed on, and what a route's
   * onSend hook made of it by compressing it (see checkedHook). Every other payload a later hook
   * hands on is filtered again.
   */
  const vouched = requestSlot<{ readonly payload: unknown }>('leakguard.vouched')
  const vouch = (request: FastifyRequest, payload: unknown): void => vouched.set(request, { payload })
  const isVouched = (request: FastifyRequest, payload: unknown): boolean =>
    payload === null ||
    payload === undefined ||
    payload === '' ||
    (payload instanceof Uint8Array && payload.byteLength === 0) ||
    vouched.get(request)?.payload === payload

  // Named in a string, which a minifier keeps: arrangeOnSend finds the hook by that name.
  const leakguardOnSend: onSendHookHandler = (request, reply, payload, next) => {
    reportRawBefore(request, reply)
    passed.add(request)
    // The headers are scanned by leakguard's last hook, after every other one, where it runs.
    if (!arrangeOnSend(request) && !rejected.has(request)) scanHeaders(request, reply)
    // The text leakguard's serializer wrote goes on as it is, once. Another one (a hook registered
    // before leakguard changed it, or sent a payload anew) is read as code after the filter wrote it.
    let serialized = filtered.get(request)
    filtered.set(request, undefined)
    // A hook before leakguard's changed what was serialized: the text is read as late code's.
    const first = firstPayload.get(request)
    firstPayload.set(request, undefined)
    if (serialized === ANY_TEXT && first !== undefined && first.payload !== payload)
      serialized = first.payload
    if (
      serialized === ANY_TEXT ||
      serialized === payload ||
      rejected.has(request) ||
      payload === null ||
      payload === undefined
    ) {
      vouch(request, payload)
      return next(null, payload)
    }
    const late =
      serializedLate.has(request) ||
      serialized !== undefined ||
      (first !== undefined && first.payload !== payload)
    serializedLate.delete(request)
    const out = filterPayload(request, reply, payload, late)
    if (out instanceof Promise)
      return out.then((sent) => {
        if (late && sent !== payload) latePreSerialization(request)
        vouch(request, sent)
        return sent
      })
    if (late && out !== payload) latePreSerialization(request)
    vouch(request, out)
    next(null, out)
  }
  Object.defineProperty(leakguardOnSend, 'name', { value: 'leakguardOnSend' })
  fastify.addHook('onSend', leakguardOnSend)

  /** Reports a preSerialization hook after leakguard's that added what the engine then took out. */
  const latePreSerialization = (request: FastifyRequest): void =>
    guard.latePayload({
      method: request.method,
      route: routeOf(request).config?.url,
      by: "a preSerialization hook after leakguard's, or an onSend hook before it,",
      fix: FASTIFY_FIX,
    })

  /** The onSend lists (one per route, one per not-found handler) arranged by {@link arrangeOnSend}. */
  const arranged = new WeakSet<object>()
  /**
   * Arranges, on a reply's first pass, the onSend hooks Fastify runs for its route: every hook
   * after leakguard's runs checked (see checkedHook), and leakguard's last hook ends the list.
   * That covers hooks registered after leakguard at any level, those a route or other plugins'
   * onRoute hooks add, and the not-found handler's. Fastify builds each route's list once, when
   * the server gets ready, and reads it as it runs: the hooks after this one see the change now.
   * `false` when the list cannot be found (a Fastify that keeps it elsewhere).
   */
  const arrangeOnSend = (request: FastifyRequest): boolean => {
    const hooks = routeOf(request).onSend
    if (!Array.isArray(hooks)) return false
    if (arranged.has(hooks)) return true
    const own = hooks.findIndex((hook) => (hook as { name?: string }).name === 'bound leakguardOnSend')
    if (own < 0) {
      // Not found by its name (an instrumentation that wraps every hook it is given): the hooks
      // after it cannot be told from those before, but the last check still ends the list.
      guard.warn(
        'LEAKGUARD_HOOKS_UNCHECKED',
        "leakguard could not find its own onSend hook among a route's (a plugin registered before leakguard wraps the hooks it is given, as OpenTelemetry instrumentations do): the onSend hooks after it are not checked one by one, and a payload they compress is read again, decoded, at the end of the list. Register that plugin after leakguard, or acknowledge this with ignoreWarnings: ['LEAKGUARD_HOOKS_UNCHECKED'].",
      )
      hooks.push(lastCheck)
      arranged.add(hooks)
      return true
    }
    for (let i = own + 1; i < hooks.length; i++) {
      const hook = hooks[i] as OnSendHook
      if (hook === lastCheck) hooks.splice(i--, 1)
      else if (!isRefusedByFastify(hook)) hooks[i] = checkedHook(hook)
    }
    // Hooks before leakguard's: the first one is given what was serialized, which leakguard's own
    // then compares with what it gets (see leakguardOnSend).
    if (own > 0 && !isRefusedByFastify(hooks[0] as OnSendHook))
      hooks[0] = recordingHook(hooks[0] as OnSendHook)
    hooks.push(lastCheck)
    arranged.add(hooks)
    return true
  }

  /** The payload the first onSend hook of a reply was given, when hooks run before leakguard's. */
  const firstPayload = requestSlot<{ readonly payload: unknown } | undefined>('leakguard.firstPayload')
  /** The first onSend hook of a route whose hooks run before leakguard's (see arrangeOnSend). */
  const recordingHook = (hook: OnSendHook): OnSendHook =>
    function leakguardRecording(this: unknown, request, reply, payload, next) {
      firstPayload.set(request, { payload })
      return hook.call(this, request, reply, payload, next)
    }

  /** Filters again a payload a hook after leakguard's onSend replaced, reporting it once per route. */
  const refilter = (request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown => {
    const out = filterPayload(request, reply, payload, true, () =>
      guard.latePayload({
        method: request.method,
        route: routeOf(request).config?.url,
        by: "an onSend hook that runs after leakguard's",
        fix: FASTIFY_FIX,
      }),
    )
    if (out instanceof Promise)
      return out.then((sent) => {
        vouch(request, sent)
        return sent
      })
    vouch(request, out)
    return out
  }

  /**
   * leakguard's last onSend hook, after every other one (see arrangeOnSend): a payload it does not
   * vouch for (an envelope, a debug member, a route-level onSend) is filtered again, a Web Response
   * is taken apart as Fastify would (its status and headers on the reply, its body sent), and the
   * headers are scanned, as every hook left them.
   */
  const lastCheck = (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    next: (error: Error | null, payload?: unknown) => void,
  ): unknown => {
    const out = isVouched(request, payload) ? payload : refilter(request, reply, payload)
    const scan = (sent: unknown): unknown => {
      let body = sent
      if (isWebResponse(body) && (body.body === null || !body.bodyUsed)) {
        // One leakguard does not read (an image): Fastify would apply its head after this hook.
        reply.code(body.status)
        for (const [name, value] of body.headers) reply.header(name, value)
        body = body.body
      }
      if (!rejected.has(request)) scanHeaders(request, reply)
      return body
    }
    if (out instanceof Promise) return out.then(scan)
    next(null, scan(out))
  }

  /**
   * An onSend hook that runs after leakguard's, as leakguard runs it (see arrangeOnSend): it gets a
   * payload leakguard vouches for (one a hook before it replaced is filtered first), and what it
   * makes of it by setting a Content-Encoding (@fastify/compress) is vouched for in turn.
   */
  const checkedHook = (hook: OnSendHook): OnSendHook =>
    function leakguardChecked(this: unknown, request, reply, payload, next) {
      /** The hook's answer: `undefined` keeps what it was given (Fastify's rule), here the checked input. */
      const answer = (input: unknown, output: unknown, encoding: unknown): unknown => {
        const sent = output === undefined ? input : output
        const coding = reply.getHeader('content-encoding')
        if (sent === input || (coding !== encoding && coding !== undefined && coding !== 'identity'))
          vouch(request, sent)
        return sent
      }
      const run = (input: unknown): unknown => {
        const encoding = reply.getHeader('content-encoding')
        let result: unknown
        try {
          result = hook.call(this, request, reply, input, (error, output) => {
            if (!error) return next(null, answer(input, output, encoding))
            const blocked = lastResort(request, reply)
            if (blocked === undefined) next(error)
            else next(null, blocked)
          })
        } catch (error) {
          const blocked = lastResort(request, reply)
          if (blocked === undefined) throw error
          return next(null, blocked)
        }
        if (!isThenable(result)) return result
        return Promise.resolve(result).then(
          (output) => answer(input, output, encoding),
          (error: unknown) => {
            const blocked = lastResort(request, reply)
            if (blocked === undefined) throw error
            return blocked
          },
        )
      }
      if (isVouched(request, payload)) return run(payload)
      const filtered = refilter(request, reply, payload)
      if (!(filtered instanceof Promise)) return run(filtered)
      // Filtered later: the hook runs then, and its answer, by callback or promise, is the hook's.
      return filtered.then(
        (input) =>
          new Promise((resolve, reject) => {
            const encoding = reply.getHeader('content-encoding')
            const settle = (error: unknown, output?: unknown): void => {
              if (!error) {
                resolve(answer(input, output, encoding))
                return
              }
              const blocked = lastResort(request, reply)
              if (blocked === undefined) reject(error)
              else resolve(blocked)
            }
            try {
              const result = hook.call(this, request, reply, input, (error, output) => settle(error, output))
              if (isThenable(result)) Promise.resolve(result).then((output) => settle(null, output), settle)
            } catch (error) {
              settle(error)
            }
          }),
      )
    }

  /**
   * A payload through the engine, by its kind: what to send instead, now or later. `late`: a
   * hook after leakguard's sent it (see lastCheck), and JSON that does not open as JSON is text;
   * `reading` is called when the payload is of a kind leakguard reads.
   */
  const filterPayload = (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    late = false,
    reading?: () => void,
  ): unknown | Promise<unknown> => {
    // A Web Response (`new Response()`, a proxied `fetch()`) carries the status and headers that
    // Fastify applies after onSend: they are the ones that go on the wire.
    const response = isWebResponse(payload) ? payload : undefined
    const status = response?.status ?? reply.statusCode
    const type = response?.headers.get('content-type') ?? reply.getHeader('content-type')
    const serialized = typeof payload === 'string' || payload instanceof Uint8Array
    const kind = serializedBodyKind(type, status, serialized)
    if (kind === undefined) {
      // Not leakguard's to read; but a route with ownerPath cannot send what it cannot check.
      let denied: ReturnType<typeof guard.opaqueBody>
      try {
        denied = guard.opaqueBody(contexts.get(request) ?? start(request), {
          status,
          routeOptions: routeOptionsOf(request),
        })
      } catch {
        denied = undefined
      }
      if (denied === undefined) return payload
      block(reply, denied)
      return denied.payload
    }
    reading?.()
    const text =
      kind === 'text' || (late && serialized && lateBodyKind(payload as string | Uint8Array) === 'text')
    let body: unknown = payload
    if (response !== undefined) {
      adoptResponse(reply, response)
      body = response.body
      if (body === null) return null
    }
    const context = contexts.get(request) ?? start(request)
    /** The payload a decision sends, with the status and type of a blocked one set on the reply. */
    const settle = (decision: SerializedDecision): string | Uint8Array => {
      if (decision.blocked) block(reply, decision)
      else if (decision.payload !== payload) {
        // Validators set for the body before filtering (@fastify/static's for a file, those of a
        // Response) describe it, not what goes out: the file's ETag gives away its size.
        reply.removeHeader('etag')
        reply.removeHeader('last-modified')
      }
      return decision.payload
    }
    /** {@link settle} for a decision made later, with the head the reply had when it was asked for. */
    const settleLater = (decision: Promise<SerializedDecision>): Promise<string | Uint8Array> => {
      const restoreHead = holdReplyHead(reply)
      return decision.then((decided) => {
        restoreHead()
        return settle(decided)
      })
    }
    let routeOptions: CompiledRouteOptions | undefined
    try {
      routeOptions = routeOptionsOf(request)
    } catch {
      return settle(guard.block(context, reply.statusCode, 'ERR_LG_RESPONSE_INTERNAL'))
    }
    // Bytes a handler (or a plugin registered before leakguard) already compressed.
    const contentEncoding = reply.getHeader('content-encoding')
    // Decided later (a large body filtered in turns, a stream), the hook returns a promise of the
    // payload instead of calling back: Fastify then sends it inside its own
    // try/catch, so what sending throws (a header value Node refuses) becomes an error response,
    // not an unhandled rejection that ends the process.
    // Each input written out whole: an object spread that adds a member costs ~0.6 us on Node 20.
    if (serialized) {
      const input = { status, routeOptions, contentEncoding, contentType: type, payload }
      if (text) return settle(guard.filterText(context, input))
      // A large body is filtered in turns: other requests are served in between.
      const decision = guard.filterSerializedInTurns(context, input)
      if (decision instanceof Promise) return settleLater(decision)
      return settle(decision)
    }
    const source = body as BodySource
    return settleLater(
      guard.filterStream(context, {
        status,
        routeOptions,
        contentEncoding,
        contentType: type,
        source,
        kind: text ? 'text' : 'json',
      }),
    )
  }

  done()
}

/** What `onError` learns about an error that `leakguard.errorHandler()` renders. */
export interface ErrorInfo {
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  /** The status the problem document goes out with. */
  readonly status: number
  /** leakguard's request id (the one in audit events and the `X-Request-Id` response header). */
  readonly requestId: string | undefined
}

/** Options of `leakguard.errorHandler()`. */
export interface ErrorHandlerOptions {
  /**
   * Called with every error the handler renders: log it, count it, report it. `false` logs
   * nothing. It must not send a response; if it throws, that is ignored.
   * @default logs as Fastify's default handler does: 5xx at `error`, 4xx at `info`, on `request.log`
   */
  onError?: ((error: FastifyError, info: ErrorInfo) => void) | false
}

const logLikeFastify = (error: FastifyError, { request, reply, status }: ErrorInfo): void => {
  if (status >= 500) request.log.error({ err: error }, error.message)
  else request.log.info({ res: reply, err: error }, error.message)
}

/**
 * An error handler for `fastify.setErrorHandler()` that renders errors as RFC 9457 problem
 * documents: a 5xx says only its status; a 4xx (validation included) keeps its message as
 * `detail`. Errors are reported through {@link ErrorHandlerOptions.onError}.
 */
function errorHandler(options: ErrorHandlerOptions = {}) {
  const { onError = logLikeFastify } = options
  if (onError !== false && typeof onError !== 'function') {
    throw new TypeError(
      `leakguard.errorHandler(): options.onError must be a function or false, got ${typeof onError}`,
    )
  }
  return function leakguardErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const problem = problemForError(error)
    if (onError !== false) {
      try {
        onError(error, { request, reply, status: problem.status, requestId: request.leakguard?.requestId })
      } catch {
        // A logging hook must not decide what the client gets.
      }
    }
    // A generic 5xx carries nothing of what the handler set before it threw (a session cookie, a
    // public Cache-Control); the headers the error carries go out. Its status text is the status'.
    const { drop, set } = errorPageHeaders(problem, reply.getHeaders(), request.leakguard?.requestId)
    for (const name of drop) reply.removeHeader(name)
    for (const [name, value] of Object.entries(set)) reply.header(name, value)
    reply.raw.statusMessage = ''
    reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.body)
  }
}

/**
 * Fastify plugin for leakguard: filters object payloads before serialization and JSON strings,
 * Buffers, streams and error payloads before they are sent. Register it before your routes and
 * before `@fastify/etag` / `@fastify/compress`; per-route options go in
 * `config: { leakguard: { ... } }`. `leakguard.errorHandler()` renders errors as problem documents.
 */
export const leakguard: typeof plugin & { errorHandler: typeof errorHandler } = Object.assign(
  fp(plugin, { fastify: '5.x', name: '@leakguard/fastify' }),
  { errorHandler },
)

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
export { defineLeakguard } from '@leakguard/core'
