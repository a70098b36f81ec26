import { errorPageHeaders, PROBLEM_CONTENT_TYPE, problemForError } from '@leakguard/core'
import type { Application, ErrorRequestHandler, NextFunction, Request, Response } from 'express'

/** What `onError` learns about an error that `leakguard.errorHandler()` renders. */
export interface ErrorInfo {
  readonly req: Request
  readonly res: Response
  /** The status the problem document goes out with. */
  readonly status: number
  /** leakguard's request id (the one in audit events and the `X-Request-Id` response header). */
  readonly requestId: string | undefined
}

/** Options of `leakguard.errorHandler()`. */
export interface ErrorHandlerOptions {
  /**
   * Called with every error the handler renders, before the response is sent: log it, count it,
   * report it. `false` logs nothing. It must not send a response; if it throws, that is ignored.
   * @default logs `[leakguard] <requestId> <METHOD> <path without query>: <stack>` with `console.error`, for
   * every error, unless the app's `env` setting is `'test'` (what Express's own handler does)
   */
  onError?: ((error: unknown, info: ErrorInfo) => void) | false
}

const errorHandlers = new WeakSet<object>()

function stackOf(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  return String(error)
}

/** Express's own handler logs every error with its stack unless `env` is `test`: so does this one. */
function logError(error: unknown, { req, requestId }: ErrorInfo): void {
  if (req.app?.get('env') === 'test') return
  // The path without its query string, which can carry tokens.
  const path = req.originalUrl.split('?', 1)[0]
  console.error(`[leakguard] ${requestId ?? '-'} ${req.method} ${path}: ${stackOf(error)}`)
}

/**
 * Error handler to mount last: renders errors as RFC 9457 problem documents, in every environment,
 * and logs them (see {@link ErrorHandlerOptions.onError}). A 5xx says only its status (never the
 * message, stack, SQL or paths); a 4xx keeps its message as `detail` unless the error has
 * `expose: false`. Without it, Express's own error page shows stack traces outside production.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  const { onError = logError } = options
  if (onError !== false && typeof onError !== 'function') {
    throw new TypeError(
      `leakguard.errorHandler(): options.onError must be a function or false, got ${typeof onError}`,
    )
  }
  const handler = function leakguardErrorHandler(
    error: unknown,
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    if (res.headersSent) {
      next(error) // Express closes the connection: nothing safe can be added to a started body.
      return
    }
    const problem = problemForError(error)
    if (onError !== false) {
      try {
        onError(error, { req, res, status: problem.status, requestId: req.leakguard?.requestId })
      } catch {
        // A logging hook must not decide what the client gets.
      }
    }
    // A generic 5xx carries nothing of what the handler set before it threw (a session cookie, a
    // public Cache-Control); the headers the error carries go out. Its status text is the status'.
    const { drop, set } = errorPageHeaders(problem, res.getHeaders(), req.leakguard?.requestId)
    for (const name of drop) res.removeHeader(name)
    for (const [name, value] of Object.entries(set)) res.setHeader(name, value)
    res.statusMessage = ''
    res.status(problem.status).set('Content-Type', PROBLEM_CONTENT_TYPE).json(problem.body)
  }
  errorHandlers.add(handler)
  return handler
}

export interface Layer {
  readonly handle?: unknown
  readonly route?: { readonly path?: unknown; readonly methods?: unknown }
  /** Express 4: a layer mounted at `/` matches everything below it. */
  readonly regexp?: { readonly fast_slash?: boolean }
  /** Express 5 (router 2): the same. */
  readonly slash?: boolean
}

/** The middleware stack of an app: Express 4 `_router`, Express 5 `router`. */
export function middlewareStack(app: Application): readonly Layer[] {
  const router = app as unknown as { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } }
  return router._router?.stack ?? router.router?.stack ?? []
}

/**
 * Whether errors of `app` are rendered by an error handler rather than Express's own page:
 * `leakguard.errorHandler()`, or any error-handling middleware of the app's own (four parameters),
 * whose `res.json()`/`res.send()` leakguard filters like any other response.
 */
function hasErrorHandler(app: Application): boolean {
  return middlewareStack(app).some(
    (layer) =>
      typeof layer.handle === 'function' && (errorHandlers.has(layer.handle) || layer.handle.length === 4),
  )
}

const checked = new WeakSet<object>()

/**
 * Warns once per app when no error handler renders its errors: Express's own error page writes
 * around `res.send` and shows stack traces outside production.
 */
export function warnWithoutErrorHandler(
  app: Application | undefined,
  guard: { warn(code: string, message: string): void; ignoresWarning(code: string): boolean },
): void {
  if (app === undefined || checked.has(app)) return
  checked.add(app)
  if (guard.ignoresWarning('LEAKGUARD_NO_ERROR_HANDLER') || hasErrorHandler(app)) return
  guard.warn(
    'LEAKGUARD_NO_ERROR_HANDLER',
    "no error handler is mounted on this Express app, so Express's own page renders uncaught errors (with stack traces outside production). Add app.use(leakguard.errorHandler()) after your routes, or acknowledge it with ignoreWarnings: ['LEAKGUARD_NO_ERROR_HANDLER'].",
  )
}
