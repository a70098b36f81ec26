import { runTour } from '@leakguard/demo'
import { SENTINEL_HASH } from '@leakguard/fixtures'
import { describe, expect, it } from 'vitest'

describe('the demo tour', () => {
  it.each(['express', 'koa', 'fastify'] as const)(
    'shows the sentinel leaking without leakguard and stopped with it on %s',
    async (framework) => {
      const results = await runTour({ framework })
      const userStop = results.find((r) => r.stop.path === '/users/1' && r.stop.role === undefined)
      expect(userStop?.unprotected.text).toContain(SENTINEL_HASH)
      for (const result of results) {
        expect(result.protected.text, result.stop.path).not.toContain(SENTINEL_HASH)
        expect(result.protected.text, result.stop.path).not.toContain('hunter2')
        expect(result.protected.text, result.stop.path).not.toMatch(/refunds_pkey|INSERT INTO|\n\s+at /)
      }
      const ticket = results.find((r) => r.stop.path === '/tickets/7')
      expect(ticket?.unprotected.text).toContain('4111 1111 1111 1111')
      expect(ticket?.protected.text).toContain('4111 11** **** 1111')
      expect(ticket?.protected.text).not.toMatch(/4111 1111 1111 1111|jane\.doe@example\.com|7700 900123/)
      const [anonymous, withToken] = results.filter(
        (r) => r.stop.path === '/account' && r.stop.method === undefined,
      )
      expect(anonymous?.unprotected.text).toContain(SENTINEL_HASH)
      expect(anonymous?.protected.status).toBe(401)
      expect(withToken?.protected.status).toBe(200)
      expect(JSON.parse(withToken!.protected.text)).toMatchObject({ id: 1, name: expect.any(String) })
      expect(anonymous?.events).toEqual([
        expect.objectContaining({
          type: 'auth.failed',
          reason: expect.objectContaining({ code: 'ERR_LG_AUTH_TOKEN_MISSING' }),
        }),
      ])
      const listStop = results.find((r) => r.stop.path === '/users')
      expect(listStop?.unprotected.text).toContain(SENTINEL_HASH)
      expect(listStop?.leaked.length).toBeGreaterThan(400)
      // Users 1 to 40 in a row: the list is also reported, once, for its sequential ids.
      expect(listStop?.events).toEqual([
        expect.objectContaining({
          type: 'inventory.sequential_ids',
          route: 'GET /users',
          path: '$.data[*].id',
        }),
        expect.objectContaining({
          type: 'response.fields_dropped',
          request: expect.objectContaining({ route: 'GET /users' }),
        }),
      ])
    },
  )

  it.each(['express', 'koa', 'fastify'] as const)(
    'shows a client setting its own role, and leakguard dropping the role before the handler on %s',
    async (framework) => {
      const results = await runTour({ framework })
      const patch = results.find((r) => r.stop.method === 'PATCH' && r.stop.path === '/account')
      expect(patch?.stop.body).toEqual({ name: 'Jane Doe', role: 'admin' })
      expect(patch?.unprotected.status).toBe(200)
      expect(JSON.parse(patch!.unprotected.text)).toMatchObject({ id: 1, name: 'Jane Doe', role: 'admin' })
      expect(patch?.protected.status).toBe(200)
      // User 1 of the fixtures is a customer, and stays one; the accepted name is applied.
      expect(JSON.parse(patch!.protected.text)).toEqual({
        id: 1,
        name: 'Jane Doe',
        role: 'customer',
        address: expect.objectContaining({ city: expect.any(String) }),
      })
      expect(patch?.leaked).toContainEqual(['$.role', 'admin'])
      expect(patch?.events).toContainEqual(
        expect.objectContaining({
          type: 'request.member_dropped',
          source: 'body',
          members: { count: 1, paths: ['$.role'], truncated: false },
          request: expect.objectContaining({ route: 'PATCH /account' }),
        }),
      )
    },
  )

  it.each(['express', 'koa', 'fastify'] as const)(
    'serves an id walk whole without leakguard and blocks it after five ids with it on %s',
    async (framework) => {
      const results = await runTour({ framework })
      const walk = results.find((r) => r.stop.walk !== undefined)
      expect(walk?.stop).toMatchObject({ path: '/orders/:id', walk: { from: 1000, count: 10 } })
      expect(walk?.unprotected.statuses).toEqual(Array(10).fill(200))
      expect(walk?.protected.statuses).toEqual([...Array(5).fill(200), ...Array(5).fill(429)])
      expect(walk?.protected.status).toBe(429)
      const enumeration = walk?.events.filter(
        (event) => (event as { type: string }).type === 'abuse.enumeration',
      )
      expect(enumeration).toEqual([
        expect.objectContaining({
          kind: 'distinct_ids',
          count: 6,
          threshold: 5,
          action: 'block',
          request: expect.objectContaining({ route: 'GET /orders/:id' }),
        }),
      ])
    },
  )
})
