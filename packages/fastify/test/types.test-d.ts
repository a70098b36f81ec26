import type { LeakguardRequestState } from '@leakguard/core'
import Fastify from 'fastify'
import { describe, expectTypeOf, it } from 'vitest'
import { leakguard } from '../src/index.js'

describe('fastify declaration merging', () => {
  it('types config.leakguard and request.leakguard', async () => {
    const app = Fastify()
    await app.register(leakguard, {
      routes: { 'GET /x': { allow: ['$.id'] } },
      getRoles: (request) => [request.method],
    })
    app.get(
      '/users/:id',
      { config: { leakguard: { allow: ['$.id'], views: { admin: ['$'] } } } },
      async (request) => {
        expectTypeOf(request.leakguard).toEqualTypeOf<LeakguardRequestState>()
        expectTypeOf(request.leakguard.principal?.roles).toEqualTypeOf<readonly string[] | undefined>()
        return { id: 1 }
      },
    )
    // @ts-expect-error allow takes an array
    app.get('/bad', { config: { leakguard: { allow: '$.id' } } }, async () => ({}))
  })
})
