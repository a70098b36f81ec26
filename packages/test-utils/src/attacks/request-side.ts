import { createGuard, type LeakguardEvent, type OwnerCheck } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import { echoRoute, REQUEST_AUTH, requestScenario, send, tokenOf } from '../conformance-requests.js'
import type { AdapterHarness, HeaderBearer, RouteSpec } from '../harness.js'
import { appRunner, call, getRoute, ofType } from '../helpers.js'

/** A handler that merges the body into a fresh object, as careless code does, and says what it got. */
const merging = (path: string): RouteSpec => ({
  method: 'POST',
  path,
  body: (request) => {
    const merged = Object.assign({}, request.body as object)
    const deep: Record<string, unknown> = {}
    for (const [key, value] of Object.entries((request.body as object) ?? {})) deep[key] = value
    return {
      keys: Object.keys((request.body as object) ?? {}),
      polluted:
        ({} as { isAdmin?: unknown }).isAdmin !== undefined ||
        (merged as { isAdmin?: unknown }).isAdmin !== undefined,
      body: request.body ?? null,
    }
  },
})

/**
 * Mass assignment, object-level access and enumeration, as an attacker tries them over real
 * sockets: prototype-polluting names, hostile nesting, huge arrays, duplicate members, bodies that
 * are not JSON, id walks one at a time and all at once.
 */
export function runRequestSideAttacks(harness: AdapterHarness): void {
  const scenario = requestScenario(harness)
  const withApp = appRunner(harness)

  describe('attack: request-side (mass assignment, BOLA, enumeration)', () => {
    it('never lets __proto__, constructor or prototype through, even under a wildcard', async () => {
      const routes = { 'POST /profile': { accept: ['$.*', '$.settings.*'] } }
      await scenario({ routes }, [merging('/profile')], async (url) => {
        const text =
          '{"name":"x","__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"settings":{"__proto__":{"isAdmin":true},"theme":"dark","prototype":1}}'
        const res = await send(`${url}/profile`, 'POST', text)
        // Fastify's parser refuses `__proto__` itself (400); the others hand it over as a member.
        expect([200, 400]).toContain(res.status)
        if (res.status === 200) {
          const seen = res.json as { keys: string[]; polluted: boolean; body: unknown }
          expect(seen.polluted).toBe(false)
          expect(seen.keys.sort()).toEqual(['name', 'settings'])
          expect(seen.body).toEqual({ name: 'x', settings: { theme: 'dark' } })
        }
        // `prototype` every parser hands over.
        const nested = await send(
          `${url}/profile`,
          'POST',
          '{"name":"x","prototype":{"isAdmin":true},"settings":{"prototype":{"x":1},"theme":"dark"}}',
        )
        expect(nested.status).toBe(200)
        expect((nested.json as { body: unknown }).body).toEqual({ name: 'x', settings: { theme: 'dark' } })
      })
      const rejecting = { 'POST /profile': { accept: ['$.*'], onUnknown: 'reject' as const } }
      const events = await scenario({ routes: rejecting }, [merging('/profile')], async (url, handled) => {
        const res = await send(`${url}/profile`, 'POST', '{"name":"x","prototype":{"isAdmin":true}}')
        expect(res.status).toBe(422)
        expect(handled()).toBe(0)
      })
      expect(ofType(events, 'request.rejected_members')).toMatchObject([
        { reason: { code: 'ERR_LG_REQUEST_FORBIDDEN_MEMBER' }, members: { paths: ['$.prototype'] } },
      ])
    })

    it('answers a body nested past the limit with 400, without a crash', async () => {
      const routes = { 'POST /users': { accept: ['$.name'] } }
      await scenario(
        { routes, requests: { maxDepth: 16 } },
        [echoRoute('POST', '/users')],
        async (url, handled) => {
          const text = `${'{"name":'.repeat(2000)}1${'}'.repeat(2000)}`
          const res = await send(`${url}/users`, 'POST', text)
          expect(res.status).toBe(400)
          expect(res.json).toMatchObject({ status: 400, detail: 'the body is nested too deeply' })
          expect(handled()).toBe(0)
          expect((await send(`${url}/users`, 'POST', { name: 'ok' })).status).toBe(200)
        },
      )
    })

    it('filters every element of a large array and stays up', async () => {
      const routes = { 'POST /batch': { accept: ['$[*].name'] } }
      await scenario({ routes }, [echoRoute('POST', '/batch')], async (url) => {
        const items = Array.from({ length: 3000 }, (_, i) => ({ name: `n${i}`, role: 'admin' }))
        const res = await send(`${url}/batch`, 'POST', items)
        expect(res.status).toBe(200)
        const body = (res.json as { body: { name: string; role?: string }[] }).body
        expect(body).toHaveLength(3000)
        expect(body.some((item) => item.role !== undefined)).toBe(false)
      })
    })

    it('checks the value the handler reads, so duplicate members cannot show leakguard another', async () => {
      const routes = { 'POST /users': { accept: ['$.name'], onUnknown: 'reject' as const } }
      await scenario({ routes }, [echoRoute('POST', '/users')], async (url, handled) => {
        const res = await send(`${url}/users`, 'POST', '{"name":"a","role":"user","role":"admin"}')
        expect(res.status).toBe(422)
        expect(handled()).toBe(0)
      })
      await scenario(
        { routes: { 'POST /users': { accept: ['$.name'] } } },
        [echoRoute('POST', '/users')],
        async (url) => {
          const res = await send(`${url}/users`, 'POST', '{"name":"a","name":"b","role":"admin","role":"x"}')
          expect((res.json as { body: unknown }).body).toEqual({ name: 'b' })
        },
      )
    })

    it('never hands a handler members it cannot check: text, forms and bytes', async () => {
      const routes = { 'POST /users': { accept: ['$.name'] } }
      await scenario({ routes }, [echoRoute('POST', '/users')], async (url) => {
        const attempts: [string, string][] = [
          ['text/plain', '{"name":"x","role":"admin"}'],
          [
            'application/x-www-form-urlencoded',
            'name=x&role=admin&user[isAdmin]=true&__proto__[isAdmin]=true',
          ],
          ['application/octet-stream', '{"role":"admin"}'],
          ['application/json; charset=utf-16', '{"role":"admin"}'],
        ]
        for (const [type, text] of attempts) {
          const res = await call(`${url}/users`, {
            method: 'POST',
            headers: { 'content-type': type },
            body: text,
          })
          expect(res.status, type).toBeLessThan(500)
          if (res.status === 200)
            expect(JSON.stringify((res.json as { body: unknown }).body), type).not.toMatch(/admin|isAdmin/)
        }
      })
    })

    it('serves at most max distinct ids to a concurrent walk, and nothing more to anyone walking as that caller', async () => {
      const options = {
        auth: REQUEST_AUTH,
        routes: { 'GET /orders/:id': { enumeration: { max: 4, action: 'block' as const, blockFor: '1m' } } },
      }
      await scenario(options, [echoRoute('GET', '/orders/:id')], async (url, handled) => {
        const walker = await tokenOf('walker')
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            fetch(`${url}/orders/${5000 + i}`, { headers: walker }).then((r) => r.status),
          ),
        )
        expect(results.filter((status) => status === 200).length).toBeLessThanOrEqual(4)
        expect(handled()).toBeLessThanOrEqual(4)
        // Blocked on the route for blockFor, even for an id it read.
        expect((await call(`${url}/orders/5000`, { headers: walker })).status).toBe(429)
        // Another caller is not.
        expect((await call(`${url}/orders/5000`, { headers: await tokenOf('other') })).status).toBe(200)
      })
    })

    it('answers a guessing client (mostly 404) with the miss-ratio alert', async () => {
      const options = {
        routes: {
          'GET /files/:id': {
            enumeration: { max: 1000, action: 'alert' as const, misses: { ratio: 0.9, min: 8 } },
          },
        },
      }
      const routes = [
        { method: 'GET' as const, path: '/files/:id', status: 404, body: () => ({ title: 'Not Found' }) },
      ]
      const events = await scenario(options, routes, async (url) => {
        for (let i = 0; i < 10; i++) await call(`${url}/files/f${i}`)
      })
      expect(ofType(events, 'abuse.enumeration')).toMatchObject([
        { kind: 'miss_ratio', count: 8, action: 'alert' },
      ])
    })

    it("runs a route's own owner, accept and acceptQuery checks even where a table pattern has its own", async () => {
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'GET /docs/*': { owner: (p: unknown) => p !== undefined, acceptQuery: ['$.page', '$.role'] },
          'POST /profiles/:id': { accept: ['$.name', '$.role'] },
        },
      }
      const routes = [
        echoRoute('GET', '/docs/:id', {
          routeOptions: {
            owner: (p, params) => params.id === p?.sub,
            acceptQuery: ['$.page'],
            onUnknown: 'reject',
          },
        }),
        echoRoute('POST', '/profiles/:id', { routeOptions: { accept: ['$.name'], onUnknown: 'reject' } }),
      ]
      await scenario(options, routes, async (url, handled) => {
        const alice = await tokenOf('alice')
        expect((await call(`${url}/docs/bob`, { headers: alice })).status).toBe(404)
        expect((await call(`${url}/docs/alice?role=admin`, { headers: alice })).status).toBe(422)
        expect((await call(`${url}/docs/alice?page=2`, { headers: alice })).status).toBe(200)
        expect((await send(`${url}/profiles/1`, 'POST', { name: 'x', role: 'admin' }, alice)).status).toBe(
          422,
        )
        expect(handled()).toBe(1)
      })
    })

    it('counts a walk on a route whose enumeration rule is given on the route itself', async () => {
      const routes = [echoRoute('GET', '/orders/:id', { routeOptions: { enumeration: { max: 3 } } })]
      const events = await scenario({}, routes, async (url, handled) => {
        const statuses: number[] = []
        for (let id = 1; id <= 8; id++) statuses.push((await call(`${url}/orders/${id}`)).status)
        expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429])
        expect(handled()).toBe(3)
      })
      expect(ofType(events, 'abuse.enumeration')).toHaveLength(1)
    })

    it('checks a body a parser fills after assigning it', async () => {
      const routes = { 'POST /users': { accept: ['$.name'] } }
      await scenario(
        { routes },
        [echoRoute('POST', '/users')],
        async (url) => {
          const res = await call(`${url}/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'name=bob&role=admin&isAdmin=true',
          })
          expect(res.status).toBe(200)
          expect((res.json as { body: unknown }).body).toEqual({ name: 'bob' })
        },
        { bodyParser: 'filling' },
      )
    })

    it('never runs a handler before an owner check that reads the body, whatever the body type', async () => {
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'POST /accounts/:id/close': {
            owner: (
              p: { sub?: string } | undefined,
              params: Readonly<Record<string, string>>,
              _body: unknown,
            ) => params.id === p?.sub,
          },
        },
      }
      await scenario(options, [echoRoute('POST', '/accounts/:id/close')], async (url, handled) => {
        const alice = await tokenOf('alice')
        for (const type of ['text/plain', 'application/octet-stream', 'application/json']) {
          const res = await call(`${url}/accounts/bob/close`, {
            method: 'POST',
            headers: { ...alice, 'content-type': type },
            body: type === 'application/json' ? '{}' : 'x',
          })
          expect([404, 415], type).toContain(res.status)
        }
        expect(handled()).toBe(0)
      })
    })

    it('waits for the body on an owner check that takes it with a default, a pattern or a rest', async () => {
      // `length` counts none of these parameters: the check must still wait for the body.
      const checks = {
        default: (p: { sub?: string } | undefined, _params: unknown, body: { from?: string } = {}) =>
          body.from === p?.sub,
        pattern: (p: { sub?: string } | undefined, _params: unknown, { from }: { from?: string } = {}) =>
          from === p?.sub,
        rest: (...args: unknown[]) =>
          (args[2] as { from?: string } | undefined)?.from === (args[0] as { sub?: string } | undefined)?.sub,
      } as unknown as Record<string, OwnerCheck>
      for (const [form, owner] of Object.entries(checks)) {
        const options = { auth: REQUEST_AUTH, routes: { 'POST /transfers': { owner } } }
        await scenario(options, [echoRoute('POST', '/transfers')], async (url, handled) => {
          const alice = { ...(await tokenOf('alice')), 'content-type': 'application/json' }
          const theirs = await call(`${url}/transfers`, {
            method: 'POST',
            headers: alice,
            body: JSON.stringify({ from: 'bob', amount: 100 }),
          })
          expect(theirs.status, form).toBe(404)
          expect(handled(), form).toBe(0)
          const mine = await call(`${url}/transfers`, {
            method: 'POST',
            headers: alice,
            body: JSON.stringify({ from: 'alice', amount: 100 }),
          })
          expect(mine.status, form).toBe(200)
          expect((mine.json as { body: unknown }).body, form).toEqual({ from: 'alice', amount: 100 })
        })
      }
    })

    it('denies what a handler answers when no checkpoint ran an owner check that waited for the body, and says why', async () => {
      const read: unknown[] = []
      const route: RouteSpec = {
        method: 'POST',
        path: '/transfers',
        body: (request) => {
          read.push(request.body)
          return { moved: (request.body as { from?: string } | undefined)?.from ?? null }
        },
      }
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'POST /transfers': {
            owner: (p: { sub?: string } | undefined, _params: unknown, body: unknown) =>
              (body as { from?: string } | undefined)?.from === p?.sub,
          },
        },
      }
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        ...options,
        ignoreWarnings: ['LEAKGUARD_NO_ERROR_HANDLER'],
        audit: { onEvent: (event) => void events.push(event) },
      })
      const app = { leakguard: guard, routes: [route], middleware: { bodyParser: 'no-checkpoint' as const } }
      await withApp(app, async (url) => {
        const res = await call(`${url}/transfers`, {
          method: 'POST',
          headers: { ...(await tokenOf('alice')), 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'bob', amount: 100 }),
        })
        expect(res.status).toBe(404)
        expect(res.text).not.toContain('bob')
      })
      await guard.flush()
      // An app-level parser with no checkpoint after it: the handler ran (it reads what the
      // middleware before a checkpoint would read), its answer is denied, and the warning says
      // to mount leakguard.body(). (Fastify parses before its hooks: the check ran there and the
      // handler never did. A parser on the route itself is held: see the adapters' own tests.)
      if (read.length > 0)
        expect(
          events.flatMap((event) => (event.type === 'config.warning' ? [event.warning.code] : [])),
        ).toContain('LEAKGUARD_BODY_UNCHECKED')
    })

    it("denies another caller's object sent as text or bytes on an ownerPath route", async () => {
      const bob = JSON.stringify({ id: 2, userId: 'bob', card: '4111111111111111' })
      const routes = [
        getRoute('/orders/:id', () => bob, { send: 'string', contentType: 'text/plain' }),
        getRoute('/export/:id', () => bob, { send: 'buffer', contentType: 'application/octet-stream' }),
      ]
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'GET /orders/:id': { ownerPath: '$.userId' },
          'GET /export/:id': { ownerPath: '$.userId' },
        },
      }
      await scenario(options, routes, async (url) => {
        const alice = await tokenOf('alice')
        for (const path of ['/orders/2', '/export/2']) {
          const res = await call(`${url}${path}`, { headers: alice })
          expect(res.status, path).toBe(404)
          expect(res.text, path).not.toContain('bob')
        }
      })
    })

    it('fails closed on an owner check that throws, and keeps serving', async () => {
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'GET /docs/:id': {
            owner: (_principal: unknown, params: Readonly<Record<string, string>>) => {
              if (params.id === 'boom') throw new Error('db down')
              return true
            },
          },
        },
      }
      await scenario(options, [echoRoute('GET', '/docs/:id')], async (url, handled) => {
        const headers = await tokenOf('alice')
        expect((await call(`${url}/docs/boom`, { headers })).status).toBe(404)
        expect((await call(`${url}/docs/fine`, { headers })).status).toBe(200)
        expect(handled()).toBe(1)
      })
    })
  })
}
