import { createGuard, type LeakguardEvent, type LeakguardEventOf } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, HeaderBearer } from '../harness.js'
import { appRunner, SECRET } from '../helpers.js'
import { HS_AUTH } from '../tokens.js'

/**
 * Route agreement: when the framework serves another route (or method) than the one leakguard
 * decided on, the response fails closed and says so, on every adapter.
 */
export function runRouteAgreementAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: the framework serves another route than leakguard decided on', () => {
    it('fails closed when a method override mounted after leakguard changes the method', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        routes: {
          'POST /items/:id': { allow: ['$.ok'] },
          'DELETE /items/:id': { allow: ['$.deleted'] },
        },
        audit: { onEvent: (event) => void events.push(event) },
      })
      let deletes = 0
      const routes = [
        { method: 'POST' as const, path: '/items/:id', body: () => ({ ok: true }) },
        {
          method: 'DELETE' as const,
          path: '/items/:id',
          body: () => {
            deletes++
            return { deleted: true, audit: SECRET }
          },
        },
      ]
      const spec = { leakguard: guard, routes, middleware: { methodOverride: true } }
      await withApp(spec, async (url) => {
        const res = await fetch(`${url}/items/7`, {
          method: 'POST',
          headers: { 'x-http-method-override': 'DELETE' },
        })
        const text = await res.text()
        expect(text).not.toContain(SECRET)
        // Express and Koa ran the DELETE handler on a POST decision: the answer is the generic 500.
        if (deletes > 0) expect(res.status).toBe(500)
        else expect(JSON.parse(text)).toEqual({ ok: true })
      })
      await guard.flush()
      const mismatches = events.filter(
        (event): event is LeakguardEventOf<'engine.route_mismatch'> => event.type === 'engine.route_mismatch',
      )
      if (deletes > 0) {
        expect(mismatches).toHaveLength(1)
        expect(mismatches[0]).toMatchObject({
          leakguard: { method: 'POST', route: 'POST /items/:id' },
          framework: { method: 'DELETE', route: 'DELETE /items/:id' },
        })
      } else expect(mismatches).toEqual([])
    })

    it('fails closed for bodiless and binary answers served on another method too', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        auth: { ...HS_AUTH, default: 'public' },
        routes: { 'DELETE /admin/*': { auth: {} } },
        audit: { onEvent: (event) => void events.push(event) },
      })
      const routes = [
        { method: 'POST' as const, path: '/admin/users/:id', body: () => ({ ok: true }) },
        {
          method: 'DELETE' as const,
          path: '/admin/users/:id',
          status: 204,
          body: () => '',
          send: 'string' as const,
        },
        {
          method: 'DELETE' as const,
          path: '/admin/avatars/:id',
          body: () => SECRET,
          send: 'buffer' as const,
          contentType: 'image/png',
        },
      ]
      await withApp({ leakguard: guard, routes, middleware: { methodOverride: true } }, async (url) => {
        for (const path of ['/admin/users/1', '/admin/avatars/1']) {
          const res = await fetch(`${url}${path}`, {
            method: 'POST',
            headers: { 'x-http-method-override': 'DELETE' },
          })
          const text = await res.text()
          expect(text, path).not.toContain(SECRET)
          expect([200, 404, 500], path).toContain(res.status)
        }
      })
      await guard.flush()
      // Express and Koa served DELETE on a POST decision: each answer was blocked and reported.
      const served = events.filter((event) => event.type === 'engine.route_mismatch').length
      expect([0, 2]).toContain(served)
    })

    it('decides on the target after a rewrite mounted before leakguard', async () => {
      const guard = createGuard<HeaderBearer>({
        auth: { ...HS_AUTH, default: 'public' },
        routes: { 'GET /me': { auth: {} }, 'GET /me/*': { auth: {} } },
      })
      const routes = [
        { method: 'GET' as const, path: '/me', body: () => ({ ssn: SECRET }) },
        {
          method: 'GET' as const,
          path: '/me/avatar',
          body: () => SECRET,
          send: 'buffer' as const,
          contentType: 'image/png',
        },
      ]
      await withApp({ leakguard: guard, routes, middleware: { stripPrefix: '/v1' } }, async (url) => {
        for (const path of ['/v1/me', '/v1/me/avatar', '/me', '/me/avatar']) {
          const res = await fetch(`${url}${path}`)
          expect(res.status, path).toBe(401)
          expect(await res.text(), path).not.toContain(SECRET)
        }
      })
    })
  })
}
