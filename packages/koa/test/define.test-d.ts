import Koa, { type Context } from 'koa'
import { describe, expectTypeOf, it } from 'vitest'
import { defineLeakguard, type LeakguardOptions, type LeakguardState, leakguard } from '../src/index.js'

describe('a policy written ahead of leakguard()', () => {
  const app = new Koa<LeakguardState>()

  it('type-checks through defineLeakguard(), with no request type when getRoles is absent', () => {
    const policy = defineLeakguard({
      mode: 'report',
      routes: { 'GET /users/:id': { allow: ['$.id', '$.name'], views: { support: ['$'] } } },
    })
    app.use(leakguard(policy))
  })

  it('types getRoles with Koa context', () => {
    const policy = defineLeakguard<Context>({
      getRoles: (ctx) => {
        expectTypeOf(ctx.get('x-request-id')).toBeString()
        return ctx.state.user?.roles
      },
    })
    app.use(leakguard(policy))
  })

  it('type-checks with satisfies LeakguardOptions', () => {
    const policy = {
      mode: 'enforce',
      responses: { default: 'deny' },
      getRoles: (ctx) => (ctx.get('x-role') === 'admin' ? ['admin'] : []),
    } satisfies LeakguardOptions
    expectTypeOf(policy.mode).toEqualTypeOf<'enforce'>()
    app.use(leakguard(policy))
  })
})
