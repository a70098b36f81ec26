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
import type { NextFunction, Request, RequestHandler, Response } from 'express'

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

const routeOptionsOf = new WeakMap<Request, CompiledRouteOptions>()

function isObjectBody(body: unknown): body is object {
  return typeof body === 'object' && body !== null && !ArrayBuffer.isView(body)
}

/**
 * Express middleware that filters every JSON object body sent with `res.json` or `res.send`.
 * Mount it before your routes (and after `compression`).
 * @throws LeakguardConfigError at creation when `options` are invalid
 */
function createMiddleware(options: LeakguardOptions | Guard<Request> = {}): RequestHandler {
  const guard = isGuard(options) ? (options as Guard<Request>) : createGuard(options)

  return function leakguard(req: Request, res: Response, next: NextFunction): void {
    const context = guard.startRequest({
      method: req.method,
      path: req.originalUrl,
      clientAddress: req.socket.remoteAddress,
      native: req,
    })
    req.leakguard = { requestId: context.requestId }

    // Own properties of this `res`: a mounted sub-app that swaps the prototype keeps them.
    const json = res.json
    const send = res.send
    let inside = false

    res.json = function leakguardJson(this: Response, body?: unknown) {
      if (inside) return json.call(this, body)
      const decision = guard.filterResponse(context, {
        status: this.statusCode,
        body,
        routeOptions: routeOptionsOf.get(req),
      })
      inside = true
      try {
        if (!decision.blocked) return json.call(this, decision.body)
        this.status(decision.status).set('Content-Type', decision.contentType)
        return send.call(this, JSON.stringify(decision.body))
      } finally {
        inside = false
      }
    }

    res.send = function leakguardSend(this: Response, body?: unknown) {
      // Express's own send turns objects into res.json(); route them to the filtered one.
      if (!inside && isObjectBody(body)) return this.json(body)
      return send.call(this, body)
    }

    next()
  }
}

/** Attaches route-level options (validated now, at startup) that win over the pattern's. */
function route(options: RouteOptions): RequestHandler {
  const compiled = compileRoute(options, 'leakguard.route() options')
  return function leakguardRoute(req: Request, _res: Response, next: NextFunction): void {
    routeOptionsOf.set(req, compiled)
    next()
  }
}

/**
 * Express middleware for leakguard. `leakguard(options)` or `leakguard(guard)` filters responses;
 * `leakguard.route(options)` sets options for one route.
 */
export const leakguard: typeof createMiddleware & { route: typeof route } = Object.assign(createMiddleware, {
  route,
})

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
