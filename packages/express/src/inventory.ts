import type { Application } from 'express'
import { type Layer, middlewareStack } from './error-handler.js'

const registered = new WeakSet<object>()

/**
 * Tells the route inventory the app's routes once, on its first request (routes are added after
 * `leakguard()`): routes on the app and on routers mounted at `/`; routers under a prefix keep
 * their path only in a compiled matcher, and are counted as they are served.
 */
export function registerAppRoutes(
  app: Application | undefined,
  guard: { registerRoute(method: string, path: string): void },
): void {
  if (app === undefined || registered.has(app)) return
  registered.add(app)
  const walk = (stack: readonly Layer[], depth: number): void => {
    for (const layer of stack) {
      const route = layer.route
      if (
        route !== undefined &&
        typeof route.path === 'string' &&
        typeof route.methods === 'object' &&
        route.methods !== null
      ) {
        for (const method of Object.keys(route.methods))
          guard.registerRoute(method === '_all' ? '*' : method, route.path)
        continue
      }
      const nested = (layer.handle as { stack?: Layer[] } | undefined)?.stack
      if (Array.isArray(nested) && depth < 8 && (layer.regexp?.fast_slash === true || layer.slash === true))
        walk(nested, depth + 1)
    }
  }
  walk(middlewareStack(app), 0)
}
