import { createGuard, type LeakguardEvent } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import { REQUEST_AUTH, tokenOf } from './conformance-requests.js'
import type { AdapterHarness, HeaderBearer } from './harness.js'
import { countingScenario, getRoute, ofType, rawRequest } from './helpers.js'

/** Transport hygiene over real sockets: HTTPS only, HSTS, no-store, the same on every adapter. */
export function runTransportSuite(harness: AdapterHarness): void {
  const scenario = countingScenario(harness)
  const whoami = getRoute('/me', (request) => ({ sub: request.leakguard?.principal?.sub ?? null }))

  describe('transport', () => {
    it('refuses plain HTTP with 403 before the handler, and reads X-Forwarded-Proto from trusted proxies only', async () => {
      const options = { transport: { requireHttps: true as const }, rateLimit: { trustProxy: 1 } }
      const events = await scenario(options, [whoami], async (url, handled) => {
        const plain = await rawRequest(`${url}/me`)
        expect(plain.status).toBe(403)
        expect(plain.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(plain.headers['strict-transport-security']).toBeUndefined()
        const proxied = await rawRequest(`${url}/me`, { headers: { 'x-forwarded-proto': 'https' } })
        expect(proxied.status).toBe(200)
        expect(proxied.headers['strict-transport-security']).toBe('max-age=15552000')
        expect((await rawRequest(`${url}/me`, { headers: { 'x-forwarded-proto': 'http' } })).status).toBe(403)
        expect(handled()).toBe(1)
      })
      expect(ofType(events, 'transport.insecure')).toMatchObject([
        { action: 'refused' },
        { action: 'refused' },
      ])
    })

    it('redirects GET to HTTPS (308, no-store) and refuses a POST, whose body already crossed', async () => {
      const options = { transport: { requireHttps: 'redirect' as const, redirectHost: 'api.example.test' } }
      const routes = [whoami, { method: 'POST' as const, path: '/me', body: () => ({ ok: true }) }]
      await scenario(options, routes, async (url, handled) => {
        const res = await rawRequest(`${url}/me?tab=2`, { headers: { host: 'evil.test' } })
        expect(res.status).toBe(308)
        expect(res.headers.location).toBe('https://api.example.test/me?tab=2')
        expect(res.headers['cache-control']).toBe('no-store')
        expect((await rawRequest(`${url}/me`, { method: 'POST' })).status).toBe(403)
        expect(handled()).toBe(0)
      })
    })

    it('trusts no X-Forwarded-Proto without trustProxy, and says so once', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        transport: { requireHttps: true },
        audit: { onEvent: (event) => void events.push(event) },
      })
      const server = await harness.start({ leakguard: guard, routes: [whoami] })
      try {
        expect(
          (await rawRequest(`${server.url}/me`, { headers: { 'x-forwarded-proto': 'https' } })).status,
        ).toBe(403)
      } finally {
        await server.close()
      }
      await guard.flush()
      expect(
        events.some(
          (e) => e.type === 'config.warning' && e.warning.code === 'LEAKGUARD_TRANSPORT_PROXY_IGNORED',
        ),
      ).toBe(true)
    })

    it('marks responses to callers with credentials no-store, and sends no HSTS over plain HTTP', async () => {
      const options = { auth: { ...REQUEST_AUTH, default: 'optional' as const }, transport: {} }
      await scenario(options, [whoami], async (url) => {
        const anonymous = await rawRequest(`${url}/me`)
        expect(anonymous.status).toBe(200)
        expect(anonymous.headers['cache-control']).toBeUndefined()
        expect(anonymous.headers['x-content-type-options']).toBe('nosniff')
        // leakguard's own refusals carry them too.
        const refused = await rawRequest(`${url}/me`, { headers: { authorization: 'Bearer not-a-token' } })
        expect(refused.status).toBe(401)
        expect(refused.headers['x-content-type-options']).toBe('nosniff')
        expect(refused.headers['cache-control']).toBe('no-store')
        const caller = await rawRequest(`${url}/me`, { headers: await tokenOf('alice') })
        expect(caller.headers['cache-control']).toBe('no-store')
        expect(caller.headers['strict-transport-security']).toBeUndefined()
        const session = await rawRequest(`${url}/me`, { headers: { cookie: 'sid=abc' } })
        expect(session.headers['cache-control']).toBe('no-store')
      })
    })
  })
}

/** The route inventory over real sockets: what is served, declared or not. */
export function runInventorySuite(harness: AdapterHarness): void {
  describe('route inventory', () => {
    it('counts requests per route and reports a route the policy never names, once', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        routes: { 'GET /users/:id': { allow: ['$.id'] }, 'GET /never': { allow: ['$'] } },
        audit: { onEvent: (event) => void events.push(event) },
      })
      const routes = [
        getRoute('/users/:id', () => ({ id: 1, secret: 'x' })),
        getRoute('/internal/debug/:n', () => ({ heap: 1 })),
      ]
      const server = await harness.start({ leakguard: guard, routes })
      try {
        for (const path of ['/users/1', '/users/2', '/internal/debug/1', '/internal/debug/2', '/missing'])
          await rawRequest(`${server.url}${path}`)
        // A reset link with a token in its path: neither the row nor the event holds it.
        await rawRequest(`${server.url}/internal/debug/sk_live_51HabcdefghijklmnopqrstuVWXyz`)
      } finally {
        await server.close()
      }
      await guard.flush()
      expect(events.filter((e) => e.type === 'inventory.undeclared_route')).toMatchObject([
        // The token's segment reads as an id: the reset link is the same route, never a row of its own.
        { route: '/internal/debug/:n', request: { method: 'GET', status: 200 } },
      ])
      expect(JSON.stringify(guard.inventory())).not.toContain('sk_live')
      expect(JSON.stringify(events)).not.toContain('sk_live')
      const inventory = guard.inventory()
      expect(inventory.find((r) => r.route === 'GET /users/:id')).toMatchObject({
        declared: true,
        requests: 2,
        statuses: { '2xx': 2 },
        droppedMembers: 2,
        methods: ['GET'],
      })
      expect(inventory.find((r) => r.route === 'GET /never')).toMatchObject({ declared: true, requests: 0 })
      expect(inventory.find((r) => r.route === '/internal/debug/:n')).toMatchObject({
        declared: false,
        requests: 3,
      })
      expect(inventory.find((r) => r.route === '(unmatched failures)')).toMatchObject({
        statuses: { '4xx': 1 },
      })
      // Routes the framework registered are listed with the pattern covering them (Express: the
      // harness mounts its router under '/', which the stack walk follows).
      expect(inventory.find((r) => r.route === 'GET /users/:id')).toMatchObject({ registered: true })
      expect(inventory.find((r) => r.route === '/internal/debug/:n')).toMatchObject({
        registered: true,
        declared: false,
      })
      expect(inventory.find((r) => r.route === 'GET /never')).toMatchObject({ registered: false })
    })

    it('registers routes mounted under a prefix by their full pattern before any of them is requested', async () => {
      const guard = createGuard<HeaderBearer>({ routes: { 'GET /api/shop/users/:id': { allow: ['$.id'] } } })
      const routes = [getRoute('/users/:id', () => ({ id: 1 })), getRoute('/orders/:id', () => ({ id: 1 }))]
      const server = await harness.start({ leakguard: guard, routes, prefix: '/api/shop' })
      try {
        // Express registers on the first request leakguard sees (routes are added after it).
        await rawRequest(`${server.url}/api/shop/nothing-here`)
      } finally {
        await server.close()
      }
      const inventory = guard.inventory()
      expect(inventory.find((r) => r.route === 'GET /api/shop/users/:id')).toMatchObject({
        declared: true,
        registered: true,
        requests: 0,
      })
      expect(inventory.find((r) => r.route === '/api/shop/orders/:n')).toMatchObject({
        declared: false,
        registered: true,
        requests: 0,
      })
    })
  })
}
