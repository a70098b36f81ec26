import { Stream } from 'node:stream'
import {
  type CompiledRouteOptions,
  compileRoute,
  createGuard,
  type Guard,
  type GuardOptions,
  isGuard,
  type LeakguardRequestState,
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

/** Whether Koa will serialize `body` as JSON (its body setter's own order of checks). */
function isJsonObjectBody(body: unknown): body is object {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Buffer.isBuffer(body) &&
    !(body instanceof Stream) &&
    !(body instanceof ReadableStream) &&
    !(body instanceof Blob) &&
    !(body instanceof Response)
  )
}

/**
 * Koa middleware that filters every object body the downstream middleware set on `ctx.body`.
 * Register it before your routes, and inside `koa-compress` / `@koa/etag` so it runs first.
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
    })
    ctx.state.leakguard = { requestId: context.requestId } satisfies LeakguardRequestState
    await next()

    const body: unknown = ctx.body
    if (!isJsonObjectBody(body)) return
    const decision = guard.filterResponse(context, {
      status: ctx.status,
      body,
      routeOptions: routeOptionsOf.get(ctx),
    })
    if (decision.blocked) {
      ctx.status = decision.status
      ctx.body = decision.body
      ctx.type = decision.contentType
      return
    }
    if (decision.body !== body) ctx.body = decision.body
  }
}

/** Attaches route-level options (validated now, at startup) that win over the pattern's. */
function route(options: RouteOptions): Middleware {
  const compiled = compileRoute(options, 'leakguard.route() options')
  return function leakguardRoute(ctx: Context, next: Next): Promise<void> {
    routeOptionsOf.set(ctx, compiled)
    return next()
  }
}

/**
 * Koa middleware for leakguard. `leakguard(options)` or `leakguard(guard)` filters responses;
 * `leakguard.route(options)` sets options for one route.
 */
export const leakguard: typeof createMiddleware & { route: typeof route } = Object.assign(createMiddleware, {
  route,
})

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
