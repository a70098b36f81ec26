import type { RateLimitStore } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness } from './harness.js'
import { countingScenario, getRoute, ofType, rawRequest } from './helpers.js'
import { AUDIENCE, ISSUER, signToken, testKey } from './tokens.js'

/** Parses `RateLimit`/`RateLimit-Policy` (draft-10) back into items, to check what clients read. */
export function parseRateLimitField(
  value: string | string[] | undefined,
): Record<string, Record<string, number>> {
  const items: Record<string, Record<string, number>> = {}
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '')
  for (const member of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const match = /^"([^"\\]+)"((?:;[a-z]+=\d+)+)$/.exec(member)
    if (match === null) throw new Error(`not a draft-10 list member: ${member}`)
    items[match[1]!] = Object.fromEntries(
      match[2]!
        .slice(1)
        .split(';')
        .map((param) => {
          const [key, number] = param.split('=') as [string, string]
          return [key, Number(number)]
        }),
    )
  }
  return items
}

/** Rate limiting over HTTP: the same on every adapter. */
export function runRateLimitSuite(harness: AdapterHarness): void {
  const scenario = countingScenario(harness)

  describe('rate limiting', () => {
    it('sends RateLimit-Policy and RateLimit, then 429 with Retry-After and a problem body, before the handler', async () => {
      const options = {
        rateLimit: {
          limits: [
            { limit: 3, window: '1m', name: 'minute' },
            { limit: 100, window: '1h', name: 'hour' },
          ],
        },
      }
      const events = await scenario(
        options,
        [getRoute('/items', () => ({ ok: true }))],
        async (url, handled) => {
          for (let i = 0; i < 3; i++) {
            const res = await rawRequest(`${url}/items`)
            expect(res.status).toBe(200)
            expect(parseRateLimitField(res.headers['ratelimit-policy'])).toEqual({
              minute: { q: 3, w: 60 },
              hour: { q: 100, w: 3600 },
            })
            const state = parseRateLimitField(res.headers.ratelimit)
            expect([state.minute!.r, state.hour!.r]).toEqual([2 - i, 99 - i])
          }
          const refused = await rawRequest(`${url}/items`)
          expect(refused.status).toBe(429)
          expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
          expect(JSON.parse(refused.body.toString())).toMatchObject({
            status: 429,
            title: 'Too Many Requests',
          })
          const state = parseRateLimitField(refused.headers.ratelimit)
          expect(state.minute!.r).toBe(0)
          expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(state.minute!.t!)
          expect(state.minute!.t).toBeGreaterThan(0)
          // The refused request charged nothing: the hourly budget still shows 97 left.
          expect(state.hour!.r).toBe(97)
          expect(handled()).toBe(3)
        },
      )
      expect(ofType(events, 'ratelimit.exceeded')).toHaveLength(1)
    })

    it('counts only failures on a failures-only route (login, object lookups)', async () => {
      const routes = {
        'GET /users/:id': { rateLimit: { limits: [{ limit: 3, window: '1m' }], failuresOnly: true } },
      }
      const lookup = getRoute('/users/:id', () => ({ id: 1 }))
      const missing = getRoute('/users/missing/x', () => ({ error: 'not found' }), { status: 404 })
      await scenario(
        { routes: { ...routes, 'GET /users/missing/x': routes['GET /users/:id'] } },
        [lookup, missing],
        async (url) => {
          for (let i = 0; i < 10; i++) expect((await rawRequest(`${url}/users/${i}`)).status).toBe(200)
          for (let i = 0; i < 3; i++) expect((await rawRequest(`${url}/users/missing/x`)).status).toBe(404)
          await new Promise((resolve) => setTimeout(resolve, 20))
          expect((await rawRequest(`${url}/users/missing/x`)).status).toBe(429)
        },
      )
    })

    it("counts leakguard's own 401s on a failures-only limit (credential stuffing)", async () => {
      const key = await testKey('ES256')
      const auth = {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256' as const],
        jwks: { keys: [key.jwk] },
      }
      const options = { auth, rateLimit: { limits: [{ limit: 2, window: '1m' }], failuresOnly: true } }
      await scenario(options, [getRoute('/me', () => ({ ok: true }))], async (url, handled) => {
        const good = await signToken(key)
        expect((await rawRequest(`${url}/me`, { headers: { authorization: `Bearer ${good}` } })).status).toBe(
          200,
        )
        for (let i = 0; i < 2; i++) {
          expect(
            (await rawRequest(`${url}/me`, { headers: { authorization: `Bearer ${good}x` } })).status,
          ).toBe(401)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
        expect((await rawRequest(`${url}/me`, { headers: { authorization: `Bearer ${good}` } })).status).toBe(
          429,
        )
        expect(handled()).toBe(1)
      })
    })

    it('limits per route with route-level options in the framework idiom', async () => {
      const routes = [
        getRoute('/export', () => ({ ok: true }), {
          routeOptions: { rateLimit: [{ limit: 1, window: '1m', name: 'export' }] },
        }),
        getRoute('/free', () => ({ ok: true })),
      ]
      await scenario({}, routes, async (url) => {
        expect((await rawRequest(`${url}/export`)).status).toBe(200)
        const refused = await rawRequest(`${url}/export`)
        expect(refused.status).toBe(429)
        expect(parseRateLimitField(refused.headers['ratelimit-policy'])).toEqual({ export: { q: 1, w: 60 } })
        for (let i = 0; i < 3; i++) {
          const free = await rawRequest(`${url}/free`)
          expect(free.status).toBe(200)
          expect(free.headers.ratelimit).toBeUndefined()
        }
      })
    })

    it("charges nothing anywhere for a request a route limit refuses: the guard's budget stays whole", async () => {
      const options = { rateLimit: { limits: [{ limit: 3, window: '1m', name: 'global' }] } }
      const routes = [
        getRoute('/export', () => ({ ok: true }), {
          routeOptions: { rateLimit: [{ limit: 1, window: '1m', name: 'export' }] },
        }),
        getRoute('/free', () => ({ ok: true })),
      ]
      await scenario(options, routes, async (url, handled) => {
        expect((await rawRequest(`${url}/export`)).status).toBe(200)
        for (let i = 0; i < 3; i++) {
          const refused = await rawRequest(`${url}/export`)
          expect(refused.status).toBe(429)
          expect(parseRateLimitField(refused.headers.ratelimit)).toMatchObject({
            global: { r: 2 },
            export: { r: 0 },
          })
        }
        const remaining = []
        for (let i = 0; i < 2; i++) {
          const free = await rawRequest(`${url}/free`)
          expect(free.status).toBe(200)
          remaining.push(parseRateLimitField(free.headers.ratelimit).global!.r)
        }
        expect(remaining).toEqual([1, 0])
        expect((await rawRequest(`${url}/free`)).status).toBe(429)
        expect(handled()).toBe(3)
      })
    })

    it('forgets counted failures on a success with resetOnSuccess, but never lets a locked-out client through', async () => {
      const options = {
        rateLimit: { limits: [{ limit: 3, window: '15m' }], failuresOnly: true, resetOnSuccess: true },
      }
      const routes = [
        getRoute('/login/wrong', () => ({ error: 'invalid credentials' }), { status: 401 }),
        getRoute('/login/right', () => ({ ok: true })),
      ]
      await scenario(options, routes, async (url) => {
        const attempt = async (which: 'wrong' | 'right') => {
          const { status } = await rawRequest(`${url}/login/${which}`)
          // The adapters report the status when the response finishes: let that land.
          await new Promise((resolve) => setTimeout(resolve, 20))
          return status
        }
        const statuses = []
        for (const which of ['wrong', 'wrong', 'right', 'wrong', 'wrong', 'wrong'] as const) {
          statuses.push(await attempt(which))
        }
        expect(statuses).toEqual([401, 401, 200, 401, 401, 401])
        // Locked out: the right password is refused too, so a lockout never confirms a guess.
        expect(await attempt('right')).toBe(429)
        expect(await attempt('wrong')).toBe(429)
      })
    })

    it('answers 503 when the store is down and fails closed, and serves when it fails open', async () => {
      const down: RateLimitStore = { consume: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6390')) }
      const closed = await scenario(
        { rateLimit: { limits: [{ limit: 9, window: '1s' }], store: down } },
        [getRoute('/x', () => ({ ok: 1 }))],
        async (url, handled) => {
          const res = await rawRequest(`${url}/x`)
          expect(res.status).toBe(503)
          expect(res.headers['retry-after']).toBe('1')
          expect(res.body.toString()).not.toContain('ECONNREFUSED')
          expect(handled()).toBe(0)
        },
      )
      expect(ofType(closed, 'ratelimit.store_error')[0]).toMatchObject({
        failOpen: false,
        reason: { code: 'ERR_LG_RATELIMIT_STORE_FAILED' },
      })
      const open = await scenario(
        { rateLimit: { limits: [{ limit: 9, window: '1s' }], store: down, failOpen: true } },
        [getRoute('/x', () => ({ ok: 1 }))],
        async (url) => {
          expect((await rawRequest(`${url}/x`)).status).toBe(200)
        },
      )
      expect(ofType(open, 'ratelimit.store_error')[0]).toMatchObject({ failOpen: true })
    })

    it('keys by the forwarded client only through trusted proxies', async () => {
      const limits = [{ limit: 1, window: '1m' }]
      await scenario({ rateLimit: { limits } }, [getRoute('/x', () => ({ ok: 1 }))], async (url) => {
        // Spoofed X-Forwarded-For: ignored, so both requests share the socket address's budget.
        expect(
          (await rawRequest(`${url}/x`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status,
        ).toBe(200)
        expect(
          (await rawRequest(`${url}/x`, { headers: { 'x-forwarded-for': '198.51.100.2' } })).status,
        ).toBe(429)
      })
      await scenario(
        { rateLimit: { limits, trustProxy: ['127.0.0.0/8', '::1/128'] } },
        [getRoute('/x', () => ({ ok: 1 }))],
        async (url) => {
          expect(
            (await rawRequest(`${url}/x`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status,
          ).toBe(200)
          expect(
            (await rawRequest(`${url}/x`, { headers: { 'x-forwarded-for': '198.51.100.2' } })).status,
          ).toBe(200)
          expect(
            (await rawRequest(`${url}/x`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status,
          ).toBe(429)
        },
      )
    })
  })
}
