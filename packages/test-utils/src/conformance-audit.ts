import { createGuard, type LeakguardEvent, scan } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, HeaderBearer } from './harness.js'
import { appRunner, call, rawRequest, getRoute as route } from './helpers.js'

const CARD = '4111 1111 1111 1111'
const EMAIL = 'jane.doe@example.com'
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
const STRIPE = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'

/** The audit stream over HTTP: the same on every adapter. */
export function runAuditSuite(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('audit', () => {
    it('takes a plain x-request-id, echoes it, and shares it with the handler and every event', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        responses: { default: 'deny' },
        audit: { onEvent: (e) => void events.push(e) },
      })
      const routes = [route('/r', ({ leakguard }) => ({ seen: leakguard?.requestId }))]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const given = await rawRequest(`${url}/r`, { headers: { 'x-request-id': 'trace-42.a_b:c' } })
        expect(given.headers['x-request-id']).toBe('trace-42.a_b:c')
        const hostile = await rawRequest(`${url}/r`, { headers: { 'x-request-id': `<img src=x> ${EMAIL}` } })
        expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
      })
      await guard.flush()
      const decisions = events.filter(
        (e) => e.request !== undefined && e.type !== 'inventory.undeclared_route',
      )
      expect(decisions.map((e) => e.request?.id)).toEqual([
        'trace-42.a_b:c',
        expect.stringMatching(/^[0-9a-f-]{36}$/),
      ])
      // The route inventory's first sighting of /r carries the request id of the request that showed it.
      expect(events.find((e) => e.type === 'inventory.undeclared_route')).toMatchObject({
        route: '/r',
        request: { id: 'trace-42.a_b:c' },
      })
    })

    it('sends the same response when a hook throws', async () => {
      const routes = [route('/u', () => ({ id: 1, note: `card ${CARD}`, drop: true }))]
      const options = { routes: { 'GET /u': { allow: ['$.id', '$.note'] } } }
      const bodies: string[] = []
      for (const onEvent of [
        undefined,
        () => {
          throw new Error('hook bug')
        },
      ]) {
        const guard = createGuard<HeaderBearer>({
          ...options,
          audit: onEvent === undefined ? {} : { onEvent },
        })
        await withApp({ leakguard: guard, routes }, async (url) => {
          const res = await call(`${url}/u`)
          expect(res.status).toBe(200)
          bodies.push(res.text)
        })
      }
      expect(bodies[1]).toBe(bodies[0])
    })

    it('delivers the whole response while a hook is still pending, and never waits for it', async () => {
      let called: () => void = () => {}
      const hookCalled = new Promise<void>((resolve) => {
        called = resolve
      })
      const guard = createGuard<HeaderBearer>({
        routes: { 'GET /u': { allow: ['$.id'] } },
        audit: {
          onEvent: () => {
            called()
            return new Promise<void>(() => {}) // never settles
          },
        },
      })
      await withApp(
        { leakguard: guard, routes: [route('/u', () => ({ id: 1, secret: 's' }))] },
        async (url) => {
          const first = await call(`${url}/u`)
          await hookCalled
          const second = await call(`${url}/u`) // the pending hook holds nothing up
          expect([first.json, second.json]).toEqual([{ id: 1 }, { id: 1 }])
        },
      )
    })

    it('never puts a value a detector would flag into an event', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        routes: { 'GET /users/:id': { allow: ['$.id', '$.note', '$.profile'] } },
        audit: { onEvent: (e) => void events.push(e) },
      })
      const leaky = () => ({
        id: 1,
        note: `card ${CARD}, mail ${EMAIL}`,
        profile: { token: STRIPE, [EMAIL]: 'key is an email' },
        password: 'hunter2',
        [JWT]: 'a member named by a token',
        session: JWT,
      })
      const routes = [
        route('/users/:id', leaky),
        route(
          '/boom',
          () => ({ title: 'Error', detail: `SELECT * FROM users WHERE email = '${EMAIL}'`, token: JWT }),
          { status: 500 },
        ),
        route('/big', () => ({ id: 1n, note: CARD })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const headers = { authorization: `Bearer ${JWT}`, cookie: `sid=${STRIPE}`, 'x-request-id': JWT }
        await call(
          `${url}/users/${encodeURIComponent(EMAIL)}?token=${STRIPE}&card=${encodeURIComponent(CARD)}`,
          { headers },
        )
        await call(`${url}/users/${STRIPE}`, { headers })
        await call(`${url}/boom?email=${EMAIL}`, { headers })
        await call(`${url}/big`, { headers })
      })
      await guard.flush()
      const types = new Set(events.map((e) => e.type).filter((type) => type !== 'config.warning'))
      expect(types).toEqual(new Set(['response.fields_dropped', 'response.redacted', 'response.blocked']))
      const stream = JSON.stringify(events)
      // Event and request ids are random UUIDs the engine made: a run of their digits can pass the
      // card detector's Luhn check by chance (about one UUID in ten with such a run), which says
      // nothing about what the events carry. Everything else, other ids included, is scanned.
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
      const withoutIds = JSON.parse(stream, (key, value) =>
        key === 'id' && typeof value === 'string' && uuid.test(value) ? undefined : value,
      )
      expect(scan(withoutIds)).toEqual([])
      for (const secret of [CARD, EMAIL, JWT, STRIPE, 'hunter2']) expect(stream).not.toContain(secret)
    })
  })
}
