import { subscribe } from 'node:diagnostics_channel'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Guard, isJsonContentType } from '@leakguard/core'
import type { Context, Middleware } from 'koa'

type Watcher = Pick<Guard, 'ignoresWarning' | 'unguardedResponse' | 'warn' | 'registerRoute'>

/** Marks requests a leakguard middleware has seen (a property: cheaper per request than a WeakSet). */
const SEEN: unique symbol = Symbol('leakguard.seen')
type Marked = IncomingMessage & { [SEEN]?: true }
/** The last server seen: most apps serve one, so the map is rarely asked. */
let lastServer: object | undefined
/** Servers whose app runs leakguard, and the guard. */
const servers = new WeakMap<object, Watcher>()
/** Apps whose middleware order was checked. */
const checkedApps = new WeakSet<object>()
let subscribed = false

/** A `@koa/router` dispatch middleware (`router.routes()`) carries its router. */
interface RouterDispatch {
  readonly router?: { readonly stack?: readonly { readonly path?: unknown; readonly methods?: unknown }[] }
}

/**
 * Marks a request as seen by leakguard; the first time, checks the app's middleware order and
 * starts watching its server for JSON responses that never pass leakguard (a router registered
 * before it answered them). Node's `http.server.response.finish` diagnostics channel sees every
 * response, whatever the order.
 */
export function markSeen(ctx: Context, middleware: Middleware, guard: Watcher): void {
  ;(ctx.req as Marked)[SEEN] = true
  const server = (ctx.req.socket as { server?: object } | undefined)?.server
  if (server !== undefined && server !== lastServer) {
    lastServer = server
    if (!servers.has(server)) servers.set(server, guard)
  }
  if (!checkedApps.has(ctx.app)) {
    checkedApps.add(ctx.app)
    checkOrder(ctx.app.middleware, middleware, guard)
    registerRoutes(ctx.app.middleware, guard)
  }
  if (subscribed) return
  subscribed = true
  subscribe('http.server.response.finish', onResponseFinish as (message: unknown) => void)
}

/** Tells the route inventory every route of the app's routers (`@koa/router`, prefixes included). */
function registerRoutes(stack: readonly Middleware[], guard: Watcher): void {
  for (const entry of stack) {
    for (const layer of (entry as RouterDispatch).router?.stack ?? []) {
      if (typeof layer.path !== 'string' || !Array.isArray(layer.methods)) continue
      for (const method of layer.methods)
        if (typeof method === 'string') guard.registerRoute(method, layer.path)
    }
  }
}

/** Routers registered before leakguard serve their routes without it: say which, at once. */
function checkOrder(stack: readonly Middleware[], middleware: Middleware, guard: Watcher): void {
  if (guard.ignoresWarning('LEAKGUARD_UNGUARDED_RESPONSE')) return
  const position = stack.indexOf(middleware)
  if (position <= 0) return
  const routes = stack
    .slice(0, position)
    .flatMap((entry) => (entry as RouterDispatch).router?.stack ?? [])
    .map((layer) => {
      const methods = Array.isArray(layer.methods) ? layer.methods.filter((m) => m !== 'HEAD').join(',') : '*'
      return `${methods || '*'} ${String(layer.path)}`
    })
  if (routes.length === 0) return
  const shown = routes.slice(0, 5).join(', ') + (routes.length > 5 ? `, and ${routes.length - 5} more` : '')
  guard.warn(
    'LEAKGUARD_UNGUARDED_RESPONSE',
    `a router registered before app.use(leakguard()) serves ${shown}: leakguard never sees their responses, so nothing of them is filtered. Register leakguard() before your routers; if those routes are meant to be unguarded, acknowledge it with ignoreWarnings: ['LEAKGUARD_UNGUARDED_RESPONSE'].`,
  )
}

function onResponseFinish(message: {
  request: IncomingMessage
  response: ServerResponse
  server: object
}): void {
  const { request, response, server } = message
  if ((request as Marked)[SEEN] === true) return
  const guard = servers.get(server)
  if (guard === undefined || guard.ignoresWarning('LEAKGUARD_UNGUARDED_RESPONSE')) return
  if (!isJsonContentType(response.getHeader('content-type'))) return
  guard.unguardedResponse({
    method: request.method ?? 'GET',
    route: undefined,
    status: response.statusCode,
    mount:
      'a middleware registered before app.use(leakguard()) answered it; register leakguard() before your routers',
  })
}
