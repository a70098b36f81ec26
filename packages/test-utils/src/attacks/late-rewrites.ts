import { createGuard, type LeakguardEvent } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import { type AdapterHarness, ENVELOPE_EXTRA, type HeaderBearer } from '../harness.js'
import { appRunner, call, getRoute, ofType, user } from '../helpers.js'

const { token: TOKEN, password: PASSWORD } = ENVELOPE_EXTRA.debug

/** A guard that keeps every event, setup warnings included. */
function guardWithWarnings(options: Parameters<typeof createGuard<HeaderBearer>>[0] = {}) {
  const events: LeakguardEvent[] = []
  const guard = createGuard<HeaderBearer>({
    ...options,
    audit: { onEvent: (event) => void events.push(event) },
  })
  const latePayloadWarnings = async () => {
    await guard.flush()
    return ofType(events, 'config.warning').filter((event) => event.warning.code === 'LEAKGUARD_LATE_PAYLOAD')
  }
  return { guard, latePayloadWarnings }
}

/**
 * Code that runs after leakguard filtered a body and replaces it (an envelope that adds a debug
 * member: Express, a `res.send` wrapper mounted before leakguard; Koa, a middleware registered
 * before it; Fastify, an onSend hook registered after it) does not get its body past the engine:
 * the body that goes out is filtered again, and a `LEAKGUARD_LATE_PAYLOAD` warning names the route
 * once, on every adapter.
 */
export function runLateRewriteAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: a body rewritten after leakguard filtered it', () => {
    it('masks what an envelope added to an object body and to JSON text, and warns once per route', async () => {
      const { guard, latePayloadWarnings } = guardWithWarnings({ redact: {} })
      const routes = [
        getRoute('/users/:id', () => ({ id: 1, email: 'ada@example.com' })),
        getRoute('/text', () => JSON.stringify({ id: 2, email: 'grace@example.com' }), {
          contentType: 'application/json',
        }),
      ]
      await withApp({ leakguard: guard, routes, middleware: { envelope: true } }, async (url) => {
        for (const path of ['/users/1', '/users/2', '/text']) {
          const res = await call(`${url}${path}`)
          expect(res.status).toBe(200)
          expect(res.text).not.toContain(TOKEN)
          expect(res.text).not.toContain(PASSWORD)
          expect(res.text).not.toMatch(/(ada|grace)@example\.com/)
          // The envelope is there, filtered: its harmless member kept.
          const body = res.json as { debug?: { build?: string } }
          expect(body.debug?.build).toBe('b-1042')
        }
      })
      const warnings = await latePayloadWarnings()
      expect(warnings).toHaveLength(2)
      for (const warning of warnings) {
        expect(warning.warning.message).toMatch(/filtered it again/)
        expect(warning.warning.message).not.toContain(TOKEN)
        expect(warning.warning.message).not.toMatch(/\/users\/1|\/users\/2/)
      }
    })

    it("applies the route's allowlist to what the envelope sent: nothing it names is left", async () => {
      const { guard } = guardWithWarnings({ routes: { 'GET /users/:id': { allow: ['$.id', '$.name'] } } })
      const routes = [getRoute('/users/:id', () => user(1))]
      await withApp({ leakguard: guard, routes, middleware: { envelope: true } }, async (url) => {
        const res = await call(`${url}/users/1`)
        expect(res.status).toBe(200)
        expect(res.json).toEqual({})
        expect(res.text).not.toContain(TOKEN)
      })
    })

    it('leaves a body no later code rewrote as leakguard filtered it, with no warning', async () => {
      const { guard, latePayloadWarnings } = guardWithWarnings({ redact: {} })
      const routes = [getRoute('/notes', () => 'call ada@example.com', { contentType: 'text/plain' })]
      await withApp({ leakguard: guard, routes, middleware: { envelope: true } }, async (url) => {
        const res = await call(`${url}/notes`)
        expect(res.status).toBe(200)
        expect(res.text).toBe('call [REDACTED:email]')
      })
      expect(await latePayloadWarnings()).toHaveLength(0)
    })
  })
}
