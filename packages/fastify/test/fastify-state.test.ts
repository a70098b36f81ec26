import Fastify, { type FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { routeOf, symbolNamed } from '../src/fastify-state.js'

describe('what the adapter reads of Fastify', () => {
  it('falls back to request.routeOptions when the route context is not where it is looked for', () => {
    // A Fastify that named its slot otherwise: the public getter answers (and no slot is cached).
    const request = {
      routeOptions: { config: { url: '/users/:id', leakguard: { allow: ['$.id'] } }, schema: undefined },
    } as unknown as FastifyRequest
    expect(routeOf(request).config?.url).toBe('/users/:id')
    expect(routeOf(request).config?.leakguard).toEqual({ allow: ['$.id'] })
  })

  it('reads the same route as request.routeOptions from the context Fastify keeps on the request', async () => {
    const app = Fastify()
    const seen: Array<{ url: unknown; leakguard: unknown; schema: unknown; public: unknown[] }> = []
    let request0: FastifyRequest | undefined
    const record = (request: FastifyRequest) => {
      request0 ??= request
      const route = routeOf(request)
      const options = request.routeOptions
      seen.push({
        url: route.config?.url,
        leakguard: route.config?.leakguard,
        schema: route.schema?.response,
        public: [options.url, options.config?.leakguard, options.schema?.response],
      })
    }
    app.addHook('onRequest', async (request) => record(request))
    const response = { 200: { type: 'object', properties: { id: { type: 'number' } } } }
    app.get('/users/:id', { config: { leakguard: { allow: ['$.id'] } }, schema: { response } }, async () => ({
      id: 1,
    }))
    await app.inject({ method: 'GET', url: '/users/7' })
    await app.inject({ method: 'GET', url: '/nowhere' })
    // This Fastify keeps it where it is looked for: the fast path, not the fallback, answered.
    expect(symbolNamed(request0!, 'fastify.context')).toBeTypeOf('symbol')
    expect(seen).toHaveLength(2)
    for (const entry of seen) expect([entry.url, entry.leakguard, entry.schema]).toEqual(entry.public)
    expect(seen[0]!.url).toBe('/users/:id')
    expect(seen[1]!.url).toBeUndefined()
    await app.close()
  })
})
