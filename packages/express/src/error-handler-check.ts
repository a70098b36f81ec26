import type { Application } from 'express'

const errorHandlers = new WeakSet<object>()

/** Marks a function made by `leakguard.errorHandler()`. */
export function markErrorHandler<F extends object>(handler: F): F {
  errorHandlers.add(handler)
  return handler
}

interface Layer {
  readonly handle?: unknown
}

/** Whether `app` (Express 4 `_router` or Express 5 `router`) has a leakguard error handler mounted. */
function hasErrorHandler(app: Application): boolean {
  const router = app as unknown as { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } }
  const stack = router._router?.stack ?? router.router?.stack ?? []
  return stack.some((layer) => typeof layer.handle === 'function' && errorHandlers.has(layer.handle))
}

const warned = new WeakSet<object>()

/**
 * Warns once per app when no `leakguard.errorHandler()` is mounted on it: Express's own error page
 * writes around `res.send` and shows stack traces outside production.
 */
export function warnWithoutErrorHandler(
  app: Application | undefined,
  guard: { warn(code: string, message: string): void },
): void {
  if (app === undefined || warned.has(app)) return
  warned.add(app)
  if (hasErrorHandler(app)) return
  const message =
    'no leakguard.errorHandler() is mounted on this Express app; Express renders uncaught errors with stack traces outside production. Add app.use(leakguard.errorHandler()) after your routes.'
  process.emitWarning(`leakguard: ${message}`, { code: 'LEAKGUARD_NO_ERROR_HANDLER' })
  guard.warn('LEAKGUARD_NO_ERROR_HANDLER', message)
}
