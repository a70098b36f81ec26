import Fastify, { type FastifyRequest } from 'fastify'
import { describe, expectTypeOf, it } from 'vitest'
import { defineLeakguard, type LeakguardOptions, leakguard } from '../src/index.js'

// What an app's auth plugin (e.g. @fastify/jwt) adds to the request.
interface AppRequest extends FastifyRequest {
  user?: { roles: string[] }
}

describe('a policy written ahead of app.register()', () => {
  const app = Fastify()

  it('type-checks through defineLeakguard(), with no request type when getRoles is absent', async () => {
    const policy = defineLeakguard({
      mode: 'report',
      routes: { 'GET /users/:id': { allow: ['$.id', '$.name'], views: { support: ['$'] } } },
    })
    await app.register(leakguard, policy)
  })

  it('types getRoles with the app request type', async () => {
    const policy = defineLeakguard<AppRequest>({
      getRoles: (request) => {
        expectTypeOf(request.user).toEqualTypeOf<{ roles: string[] } | undefined>()
        return request.user?.roles
      },
    })
    await app.register(leakguard, policy)
  })

  it('type-checks with satisfies LeakguardOptions', async () => {
    const policy = {
      mode: 'enforce',
      responses: { default: 'deny' },
      getRoles: (request) => (request.headers['x-role'] === 'admin' ? ['admin'] : []),
    } satisfies LeakguardOptions
    expectTypeOf(policy.mode).toEqualTypeOf<'enforce'>()
    await app.register(leakguard, policy)
  })
})
