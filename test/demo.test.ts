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
      const [anonymous, withToken] = results.filter((r) => r.stop.path === '/account')
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
      expect(listStop?.events).toEqual([
        expect.objectContaining({
          type: 'response.fields_dropped',
          request: expect.objectContaining({ route: 'GET /users' }),
        }),
      ])
    },
  )
})
