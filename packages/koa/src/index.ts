import { Stream } from 'node:stream'
import {
  type BlockedResponse,
  type BodySource,
  type CompiledRouteOptions,
  compileRouteHelper,
  createGuard,
  type Guard,
  type GuardOptions,
  isGuard,
  isJsonContentType,
  isTextContentType,
  type LeakguardRequestState,
  PROBLEM_CONTENT_TYPE,
  problemForError,
  type RejectedRequest,
  type RequestContext,
  type RouteOptions,
} from '@leakguard/core'
import type { Context, Middleware, Next } from 'koa'

/** Options of {@link leakguard}: the core guard options, with `getRoles` receiving Koa's `ctx`. */
export type LeakguardOptions = GuardOptions<Context>

/** What leakguard puts in `ctx.state`; use it as `Koa.ParameterizedContext<LeakguardState>`. */
export interface LeakguardState {
  leakguard: LeakguardRequestState
}

const routeOptionsOf = new WeakMap<Context, CompiledRouteOptions>()
/** What `leakguard.route()` needs of the middleware that started the request. */
const requestStates = new WeakMap<Context, { guard: Guard<Context>; context: RequestContext }>()
/** Requests leakguard refused itself: their problem body is not filtered. */
const rejected = new WeakSet<Context>()

/** Sends leakguard's own 400/401/403. */
function sendRejection(ctx: Context, decision: RejectedRequest): void {
  rejected.add(ctx)
  ctx.status = decision.status
  ctx.set(decision.headers)
  ctx.type = decision.contentType
  ctx.body = decision.payload
}

/** A body Koa streams to the client rather than serializing. */
function isStreamedBody(body: object): body is Stream | ReadableStream | Blob | Response {
  return (
    body instanceof Stream ||
    body instanceof ReadableStream ||
    body instanceof Blob ||
    body instanceof Response
  )
}

/** Replaces the response with the generic 500 the engine decided on. */
function sendBlocked(ctx: Context, decision: BlockedResponse): void {
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

  return async function leakguard(ctx: Context, next: Next): Promise<void> {
    const context = guard.startRequest({
      method: ctx.method,
      path: ctx.originalUrl,
      clientAddress: ctx.req.socket.remoteAddress,
      native: ctx,
      requestId: guard.requestIdHeader === undefined ? undefined : ctx.request.headers[guard.requestIdHeader],
    })
    ctx.state.leakguard = { requestId: context.requestId } satisfies LeakguardRequestState
    if (guard.responseIdHeader !== undefined) ctx.set(guard.responseIdHeader, context.requestId)
    ctx.res.once('finish', () => guard.endRequest(context, ctx.res.statusCode))
    const admission = await guard.checkRequest(context, { headers: ctx.request.headers })
    if (!admission.allowed) return sendRejection(ctx, admission)
    ctx.set(admission.headers)
    ctx.state.leakguard = {
      requestId: context.requestId,
      principal: admission.principal,
    } satisfies LeakguardRequestState
    requestStates.set(ctx, { guard, context })
    await next()
    if (rejected.has(ctx)) return

    const body: unknown = ctx.body
    if (body === null || body === undefined) return
    const routeOptions = routeOptionsOf.get(ctx)
    // Koa's own order: strings, Buffers and streams go out as they are; other objects as JSON.
    if (typeof body === 'string' || Buffer.isBuffer(body) || isStreamedBody(body as object)) {
      const type = ctx.response.get('Content-Type')
      if (isTextContentType(type) && (typeof body === 'string' || Buffer.isBuffer(body))) {
        const decision = guard.filterText(context, { status: ctx.status, payload: body, routeOptions })
        if (decision.blocked) sendBlocked(ctx, decision)
        else if (decision.payload !== body) ctx.body = decision.payload
        return
      }
      if (!isJsonContentType(type)) return
      const decision =
        typeof body === 'string' || Buffer.isBuffer(body)
          ? guard.filterSerialized(context, { status: ctx.status, payload: body, routeOptions })
          : await guard.filterStream(context, {
              status: ctx.status,
              source: body as BodySource,
              routeOptions,
            })
      if (decision.blocked) sendBlocked(ctx, decision)
      else if (decision.payload !== body) ctx.body = decision.payload
      return
    }
    const decision = guard.filterResponse(context, { status: ctx.status, body, routeOptions })
    if (decision.blocked) sendBlocked(ctx, decision)
    else if (decision.body !== body) ctx.body = decision.body
  }
}

/**
 * Error-handling middleware to register right after `leakguard()`: renders errors thrown
 * downstream as RFC 9457 problem documents (a 5xx says only its status; a 4xx keeps its message as
 * `detail` unless `expose` is false), then lets the app's `error` listeners log them as Koa does.
 */
function errorHandler(): Middleware {
  return async function leakguardErrorHandler(ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (error) {
      if (ctx.headerSent || !ctx.writable) throw error
      const problem = problemForError(error)
      ctx.status = problem.status
      ctx.body = problem.body
      ctx.type = PROBLEM_CONTENT_TYPE
      ctx.app.emit('error', error, ctx)
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
  return async function leakguardRoute(ctx: Context, next: Next): Promise<void> {
    routeOptionsOf.set(ctx, compiled)
    if (compiled.auth !== undefined || compiled.rateLimit !== undefined) {
      const state = requestStates.get(ctx)
      if (state === undefined) {
        throw new Error(
          'leakguard.route() with auth or rateLimit needs leakguard() registered before the router',
        )
      }
      const decision = await state.guard.checkRequest(state.context, {
        headers: ctx.request.headers,
        routeOptions: compiled,
      })
      if (!decision.allowed) return sendRejection(ctx, decision)
      ctx.set(decision.headers)
      ctx.state.leakguard = { requestId: state.context.requestId, principal: decision.principal }
    }
    return next()
  }
}

/**
 * Koa middleware for leakguard. `leakguard(options)` or `leakguard(guard)` filters responses;
 * `leakguard.route(options)` sets options for one route; `leakguard.errorHandler()` renders errors.
 */
export const leakguard: typeof createMiddleware & { route: typeof route; errorHandler: typeof errorHandler } =
  Object.assign(createMiddleware, { route, errorHandler })

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
