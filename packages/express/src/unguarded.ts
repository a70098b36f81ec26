import { subscribe } from 'node:diagnostics_channel'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Guard, isJsonContentType } from '@leakguard/core'
import type { Application } from 'express'
import { middlewareStack } from './error-handler.js'

/** What the check needs of a guard. */
type Warner = Pick<Guard, 'ignoresWarning' | 'unguardedResponse'>

/** Marks requests a leakguard middleware has seen (a property: cheaper per request than a WeakSet). */
const SEEN: unique symbol = Symbol('leakguard.seen')
/** leakguard middleware functions, and the guard of each. */
const middlewares = new WeakMap<object, Warner>()
/** Per app: the guard mounted on it (or none), valid while its stack keeps the same length. */
const appGuards = new WeakMap<object, { readonly layers: number; readonly guard: Warner | undefined }>()
let subscribed = false

/** Marks a request as seen by leakguard. */
export function markSeen(req: IncomingMessage): void {
  ;(req as IncomingMessage & { [SEEN]?: true })[SEEN] = true
}

/**
 * Watches for JSON responses of apps that mount `middleware` but never passed it: the route that
 * sent them is mounted before `leakguard()`, so nothing of them was filtered. Node's
 * `http.server.response.finish` diagnostics channel sees every response, whatever the mount order.
 */
export function watchUnguardedResponses(middleware: object, guard: Warner): void {
  middlewares.set(middleware, guard)
  if (subscribed) return
  subscribed = true
  subscribe('http.server.response.finish', onResponseFinish as (message: unknown) => void)
}

type MountedApp = Application & { readonly parent?: MountedApp }

function guardOfApp(app: MountedApp): Warner | undefined {
  // A mounted sub-app knows its parent: leakguard may be mounted on any app above it.
  for (let current: MountedApp | undefined = app; current !== undefined; current = current.parent) {
    const stack = middlewareStack(current)
    let known = appGuards.get(current)
    if (known === undefined || known.layers !== stack.length) {
      const layer = stack.find((entry) => typeof entry.handle === 'function' && middlewares.has(entry.handle))
      known = {
        layers: stack.length,
        guard: layer === undefined ? undefined : middlewares.get(layer.handle!),
      }
      appGuards.set(current, known)
    }
    if (known.guard !== undefined) return known.guard
  }
  return undefined
}

interface ExpressRequest extends IncomingMessage {
  readonly app?: Application
  readonly baseUrl?: string
  readonly route?: { readonly path?: unknown }
}

function onResponseFinish({
  request,
  response,
}: {
  request: ExpressRequest
  response: ServerResponse
}): void {
  if ((request as ExpressRequest & { [SEEN]?: true })[SEEN] === true || request.app === undefined) return
  if (!isJsonContentType(response.getHeader('content-type'))) return
  const guard = guardOfApp(request.app)
  if (guard === undefined || guard.ignoresWarning('LEAKGUARD_UNGUARDED_RESPONSE')) return
  const path = request.route?.path
  guard.unguardedResponse({
    method: request.method ?? 'GET',
    // The route's own pattern: `req.baseUrl` holds the values of a parameterised mount path.
    route:
      typeof path !== 'string'
        ? undefined
        : request.baseUrl
          ? `${path} (in a router mounted under a path)`
          : path,
    status: response.statusCode,
    mount:
      'the route is mounted before app.use(leakguard()); mount leakguard() before your routes and routers',
  })
}
