import type { GuardOptions } from './options.js'

/**
 * Writes leakguard options ahead of the call that uses them, typed where they are written. An
 * object literal stored in a plain `const` widens (`mode: 'report'` becomes `mode: string`) and
 * then fails at `leakguard(policy)`; inside `defineLeakguard()` every member is checked against
 * the option types at once: `'report'` stays the literal, and a misspelt option is an error on
 * the line that has it. Returns `options` unchanged; validation still happens when a guard is
 * created. Also exported by `@leakguard/express`, `@leakguard/koa` and `@leakguard/fastify`.
 *
 * `TRequest` is the request type `getRoles` receives: Express `Request`, Koa `Context`, Fastify
 * `FastifyRequest` (or your own type extending one, with what your auth middleware adds). Leave
 * it out when the policy has no `getRoles`: the result then fits every adapter.
 *
 * @example
 * ```ts
 * import { defineLeakguard, leakguard } from '@leakguard/express'
 * import type { Request } from 'express'
 *
 * interface AppRequest extends Request {
 *   user?: { roles: string[] } // set by your session or passport middleware
 * }
 *
 * const policy = defineLeakguard<AppRequest>({
 *   mode: 'report',
 *   routes: { 'GET /users/:id': { allow: ['$.id', '$.name'], views: { support: ['$'] } } },
 *   getRoles: (req) => req.user?.roles,
 * })
 * app.use(leakguard(policy))
 * ```
 */
export function defineLeakguard<TRequest = unknown>(options: GuardOptions<TRequest>): GuardOptions<TRequest> {
  return options
}
