import { describe, expect, it } from 'vitest'
import type { AdapterHarness } from '../harness.js'
import { appRunner, call, getRoute, ofType, recordingGuard, user } from '../helpers.js'

/**
 * Bodies written past the framework (Fastify `reply.hijack()`/`reply.raw`, Koa
 * `ctx.respond = false`, Express through `http.ServerResponse.prototype`) cannot be filtered: every
 * adapter reports each as a `response.unfiltered` event, and nothing else as one.
 */
export function runRawPathAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: bodies written past the framework', () => {
    it('reports a body written to the raw Node response as response.unfiltered', async () => {
      const { guard, events } = recordingGuard({ routes: { 'GET /raw': { allow: ['$.id'] } } })
      const routes = [
        getRoute('/raw', () => JSON.stringify(user(1)), {
          send: 'raw',
          status: 202,
          contentType: 'application/json',
        }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        expect((await call(`${url}/raw`)).status).toBe(202)
      })
      const unfiltered = ofType(await events(), 'response.unfiltered')
      expect(unfiltered).toHaveLength(1)
      expect(unfiltered[0]).toMatchObject({
        severity: 'warn',
        outcome: 'unknown',
        request: { method: 'GET', route: 'GET /raw', path: '/raw', status: 202 },
      })
      expect(['raw', 'hijack', 'respond-false']).toContain(unfiltered[0]?.via)
    })

    it('reports nothing for responses that passed the engine, bodies or not', async () => {
      const { guard, events } = recordingGuard()
      const routes = [
        getRoute('/json', () => user(1)),
        getRoute('/text', () => 'plain'),
        getRoute('/empty', () => '', { status: 204 }),
        getRoute('/missing', () => ({ error: 'Not Found' }), { status: 404 }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        for (const path of ['/json', '/text', '/empty', '/missing', '/nowhere']) await call(`${url}${path}`)
        await call(`${url}/json`, { method: 'HEAD' })
      })
      expect(ofType(await events(), 'response.unfiltered')).toEqual([])
    })
  })
}
