import express, { type Request } from 'express'
import { describe, expectTypeOf, it } from 'vitest'
import { defineLeakguard, type LeakguardOptions, leakguard } from '../src/index.js'

// What an app's session or passport middleware adds to the request.
interface AppRequest extends Request {
  user?: { roles: string[] }
}

describe('a policy written ahead of leakguard()', () => {
  const app = express()

  it('type-checks through defineLeakguard(), with no request type when getRoles is absent', () => {
    const policy = defineLeakguard({
      mode: 'report',
      routes: { 'GET /users/:id': { allow: ['$.id', '$.name'], views: { support: ['$'] } } },
    })
    app.use(leakguard(policy))
  })

  it('types getRoles with the app request type', () => {
    const policy = defineLeakguard<AppRequest>({
      getRoles: (req) => {
        expectTypeOf(req.user).toEqualTypeOf<{ roles: string[] } | undefined>()
        expectTypeOf(req.get('x-request-id')).toEqualTypeOf<string | undefined>()
        return req.user?.roles
      },
    })
    app.use(leakguard(policy))
  })

  it('type-checks with satisfies LeakguardOptions', () => {
    const policy = {
      mode: 'enforce',
      responses: { default: 'deny' },
      getRoles: (req) => (req.get('x-role') === 'admin' ? ['admin'] : []),
    } satisfies LeakguardOptions
    expectTypeOf(policy.mode).toEqualTypeOf<'enforce'>()
    app.use(leakguard(policy))
  })

  it('does not let req.user through on a bare Express request', () => {
    // @ts-expect-error Express's Request has no `user`: type it (AppRequest above)
    defineLeakguard<Request>({ getRoles: (req) => req.user?.roles })
  })
})
