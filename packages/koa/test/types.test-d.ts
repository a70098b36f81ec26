import Koa from 'koa'
import { describe, expectTypeOf, it } from 'vitest'
import { type LeakguardState, leakguard } from '../src/index.js'

describe('koa types', () => {
  it('types ctx.state.leakguard through LeakguardState', () => {
    const app = new Koa<LeakguardState>()
    app.use(leakguard({ getRoles: (ctx) => [ctx.method] }))
    app.use((ctx) => {
      expectTypeOf(ctx.state.leakguard.requestId).toBeString()
      expectTypeOf(ctx.state.leakguard.principal?.scopes).toEqualTypeOf<readonly string[] | undefined>()
    })
  })
})
