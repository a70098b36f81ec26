import { createGuard, type GuardOptions, type LeakguardEvent, type RouteOptions } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, AppSpec, HeaderBearer, RouteSpec } from './harness.js'
import { appRunner, call, countingScenario, ofType } from './helpers.js'
import { AUDIENCE, HS_SECRET, ISSUER, signToken } from './tokens.js'

/** Guard `auth` options for HS256 tokens signed by {@link tokenOf}. */
export const REQUEST_AUTH = {
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['HS256'],
  secret: HS_SECRET,
} as const

/** A bearer header for a caller. */
export async function tokenOf(
  sub: string,
  claims: Record<string, unknown> = {},
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signToken(HS_SECRET, { claims: { sub, ...claims } })}` }
}

/** Sends JSON (or any text with its type) and reads the answer. */
export function send(url: string, method: string, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return call(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: text }),
  })
}

/** A route whose handler answers with what it read of the request, and counts its calls. */
export function echoRoute(
  method: RouteSpec['method'],
  path: string,
  extra: Partial<RouteSpec> = {},
): RouteSpec {
  return {
    method,
    path,
    body: (request) => ({
      body: request.body ?? null,
      query: request.query ?? null,
      params: request.params ?? null,
    }),
    ...extra,
  }
}

/** Runs an app with body parsing as docs/request-protection.md says, and counts handler calls. */
export function requestScenario(harness: AdapterHarness) {
  const scenario = countingScenario(harness)
  return (
    options: GuardOptions<HeaderBearer>,
    routes: readonly RouteSpec[],
    check: (url: string, handled: () => number) => Promise<void>,
    middleware: AppSpec['middleware'] = { bodyParser: true },
  ) => scenario(options, routes, check, middleware)
}

const USERS: RouteOptions = { accept: ['$.name', '$.email', '$.address.*'] }
const ATTEMPT = {
  name: 'Mallory',
  email: 'm@example.test',
  role: 'admin',
  isAdmin: true,
  address: { city: 'Oslo', zip: '0150' },
  account: { balance: 1e9 },
}

/**
 * Request-side protection over real HTTP: `accept` (mass assignment), `acceptQuery`, `owner`,
 * `ownerPath` and the enumeration detector, the same on every adapter.
 */
export function runRequestProtectionSuite(harness: AdapterHarness): void {
  const scenario = requestScenario(harness)

  describe('request protection', () => {
    it.each([true, 'before-leakguard', 'no-checkpoint'] as const)(
      'drops members the route does not accept before the handler reads the body (parser: %s)',
      async (bodyParser) => {
        const events = await scenario(
          { routes: { 'POST /users': USERS } },
          [echoRoute('POST', '/users')],
          async (url) => {
            const res = await send(`${url}/users`, 'POST', ATTEMPT)
            expect(res.status).toBe(200)
            expect((res.json as { body: unknown }).body).toEqual({
              name: 'Mallory',
              email: 'm@example.test',
              address: { city: 'Oslo', zip: '0150' },
            })
          },
          { bodyParser },
        )
        const [dropped] = ofType(events, 'request.member_dropped')
        expect(dropped).toMatchObject({
          source: 'body',
          members: { count: 3, paths: ['$.role', '$.isAdmin', '$.account'], truncated: false },
          request: { method: 'POST', route: 'POST /users' },
        })
        expect(JSON.stringify(events)).not.toContain('1000000000')
      },
    )

    it("answers 422 naming the members (never their values) with onUnknown: 'reject', before the handler", async () => {
      const events = await scenario(
        { routes: { 'POST /users': { ...USERS, onUnknown: 'reject' } } },
        [echoRoute('POST', '/users')],
        async (url, handled) => {
          const res = await send(`${url}/users`, 'POST', ATTEMPT)
          expect(res.status).toBe(422)
          expect(res.contentType).toMatch(/^application\/problem\+json/)
          expect(res.json).toEqual({
            type: 'about:blank',
            title: 'Unprocessable Entity',
            status: 422,
            detail: 'The request body sets members this endpoint does not accept.',
            members: ['$.role', '$.isAdmin', '$.account'],
          })
          expect(res.text).not.toContain('admin"')
          expect(handled()).toBe(0)
          const ok = await send(`${url}/users`, 'POST', { name: 'Ann' })
          expect(ok.status).toBe(200)
          expect(handled()).toBe(1)
        },
      )
      expect(ofType(events, 'request.rejected_members')).toMatchObject([
        { source: 'body', reason: { code: 'ERR_LG_REQUEST_UNKNOWN_MEMBERS' }, members: { count: 3 } },
      ])
    })

    it('takes accept from the route helper and role views from the token', async () => {
      const routes = [
        echoRoute('PATCH', '/users/:id', {
          routeOptions: { accept: ['$.name'], acceptViews: { admin: ['$.name', '$.role'] } },
        }),
      ]
      await scenario({ auth: REQUEST_AUTH }, routes, async (url) => {
        const admin = await send(
          `${url}/users/1`,
          'PATCH',
          { name: 'a', role: 'x', plan: 'free' },
          await tokenOf('a', { roles: ['admin'] }),
        )
        expect((admin.json as { body: unknown }).body).toEqual({ name: 'a', role: 'x' })
        const member = await send(`${url}/users/1`, 'PATCH', { name: 'a', role: 'x' }, await tokenOf('b'))
        expect((member.json as { body: unknown }).body).toEqual({ name: 'a' })
      })
    })

    it('keeps only the accepted query parameters', async () => {
      await scenario(
        { routes: { 'GET /items': { acceptQuery: ['$.page', '$.sort'] } } },
        [echoRoute('GET', '/items')],
        async (url) => {
          const res = await call(`${url}/items?page=2&sort=name&debug=1&role=admin`)
          expect(res.status).toBe(200)
          expect((res.json as { query: unknown }).query).toEqual({ page: '2', sort: 'name' })
        },
      )
    })

    it("denies another caller's object with 404 before the handler (owner), with decoded params", async () => {
      const seen: unknown[] = []
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'GET /orders/:id': {
            owner: (principal: { sub?: string } | undefined, params: Readonly<Record<string, string>>) => {
              seen.push(params.id)
              return params.id!.startsWith(`${principal?.sub}:`)
            },
          },
        },
      }
      const events = await scenario(options, [echoRoute('GET', '/orders/:id')], async (url, handled) => {
        const alice = await tokenOf('alice')
        expect((await call(`${url}/orders/alice:1`, { headers: alice })).status).toBe(200)
        const theirs = await call(`${url}/orders/bob%3A1`, { headers: alice })
        expect(theirs.status).toBe(404)
        expect(theirs.json).toEqual({ type: 'about:blank', title: 'Not Found', status: 404 })
        expect(handled()).toBe(1)
      })
      expect(seen).toEqual(['alice:1', 'bob:1'])
      expect(ofType(events, 'access.denied')).toMatchObject([
        { check: 'owner', status: 404, request: { status: 404 } },
      ])
    })

    it('runs an owner check that reads the body once the body is parsed', async () => {
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'PUT /accounts/:id': {
            accept: ['$.accountId', '$.amount'],
            owner: (principal: { sub?: string } | undefined, _params: unknown, body: unknown) =>
              (body as { accountId?: string } | undefined)?.accountId === principal?.sub,
          },
        },
      }
      await scenario(options, [echoRoute('PUT', '/accounts/:id')], async (url, handled) => {
        const alice = await tokenOf('alice')
        expect(
          (await send(`${url}/accounts/1`, 'PUT', { accountId: 'alice', amount: 5 }, alice)).status,
        ).toBe(200)
        expect((await send(`${url}/accounts/1`, 'PUT', { accountId: 'bob', amount: 5 }, alice)).status).toBe(
          404,
        )
        expect(handled()).toBe(1)
      })
    })

    it("replaces another caller's object with 404 and drops their list items (ownerPath)", async () => {
      const orders = [
        { id: 1, userId: 'alice', total: 3 },
        { id: 2, userId: 'bob', total: 4 },
        { id: 3, userId: 'alice', total: 5 },
      ]
      const routes = [
        {
          method: 'GET' as const,
          path: '/orders/:id',
          body: (r: { params?: Record<string, string> }) => orders[Number(r.params?.id) - 1],
        },
        { method: 'GET' as const, path: '/orders', body: () => ({ orders }) },
      ]
      const options = {
        auth: REQUEST_AUTH,
        routes: {
          'GET /orders/:id': { ownerPath: '$.userId' },
          'GET /orders': { ownerPath: '$.orders[*].userId' },
        },
      }
      const events = await scenario(options, routes, async (url) => {
        const alice = await tokenOf('alice')
        expect((await call(`${url}/orders/1`, { headers: alice })).json).toEqual(orders[0])
        const theirs = await call(`${url}/orders/2`, { headers: alice })
        expect(theirs.status).toBe(404)
        expect(theirs.text).not.toContain('bob')
        const list = await call(`${url}/orders`, { headers: alice })
        expect(list.json).toEqual({ orders: [orders[0], orders[2]] })
      })
      expect(ofType(events, 'access.items_dropped')).toMatchObject([{ path: '$.orders[*].userId', count: 1 }])
      expect(ofType(events, 'access.denied')).toMatchObject([{ check: 'ownerPath', status: 404 }])
    })

    it('stops an id walk past the threshold with 429 and Retry-After, and alerts once', async () => {
      const options = { routes: { 'GET /orders/:id': { enumeration: { max: 5, window: '1m' } } } }
      const events = await scenario(options, [echoRoute('GET', '/orders/:id')], async (url, handled) => {
        const statuses: number[] = []
        let retryAfter: string | null = null
        for (let id = 1001; id <= 1020; id++) {
          const res = await fetch(`${url}/orders/${id}`)
          statuses.push(res.status)
          if (res.status === 429) retryAfter ??= res.headers.get('retry-after')
          await res.arrayBuffer()
        }
        expect(statuses.filter((s) => s === 200)).toHaveLength(5)
        expect(statuses.slice(5).every((s) => s === 429)).toBe(true)
        expect(Number(retryAfter)).toBeGreaterThan(0)
        expect(handled()).toBe(5)
        // An object already read stays served.
        expect((await call(`${url}/orders/1003`)).status).toBe(200)
      })
      expect(ofType(events, 'abuse.enumeration')).toMatchObject([
        { kind: 'distinct_ids', threshold: 5, action: 'throttle', subject: { kind: 'address' } },
      ])
    })

    it('raises abuse alerts (burst, error burst, many tokens from one address), coalesced, never blocking', async () => {
      const options = {
        auth: { ...REQUEST_AUTH, default: 'optional' as const },
        abuse: {
          burst: { min: 6, window: '10s' },
          errors: { min: 3, ratio: 0.5, window: '1m' },
          tokensPerAddress: { max: 2, window: '10m' },
          addressesPerToken: false as const,
        },
      }
      const routes = [
        echoRoute('GET', '/items'),
        { method: 'GET' as const, path: '/missing', status: 404, body: () => ({ title: 'Not Found' }) },
      ]
      const events = await scenario(options, routes, async (url, handled) => {
        for (let i = 0; i < 3; i++) await call(`${url}/missing`)
        for (let i = 0; i < 12; i++) expect((await call(`${url}/items`)).status).toBe(200)
        for (const sub of ['a', 'b', 'c']) await call(`${url}/items`, { headers: await tokenOf(sub) })
        expect(handled()).toBe(18)
      })
      const alerts = ofType(events, 'abuse.alert')
      expect(alerts.filter((a) => a.kind === 'burst')).toMatchObject([
        { subject: { kind: 'address' }, threshold: 6 },
      ])
      expect(alerts.filter((a) => a.kind === 'error_burst')).toHaveLength(1)
      expect(alerts.filter((a) => a.kind === 'tokens_per_address')).toMatchObject([
        { count: 3, threshold: 2 },
      ])
      expect(JSON.stringify(alerts)).not.toMatch(/eyJ/)
    })

    it('warns when a route checks bodies that no parser handed to leakguard', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        routes: { 'POST /users': USERS },
        audit: { onEvent: (event) => void events.push(event) },
      })
      await appRunner(harness)(
        { leakguard: guard, routes: [echoRoute('POST', '/users')], middleware: {} },
        async (url) => {
          const res = await send(`${url}/users`, 'POST', ATTEMPT)
          // Fastify parses bodies itself and checks them; Express and Koa without a parser read nothing.
          if (harness.name.startsWith('fastify'))
            expect((res.json as { body: unknown }).body).not.toHaveProperty('role')
          else expect((res.json as { body: unknown }).body).toBeNull()
        },
      )
      await guard.flush()
      const warned = events.some(
        (e) => e.type === 'config.warning' && e.warning.code === 'LEAKGUARD_BODY_UNCHECKED',
      )
      expect(warned).toBe(!harness.name.startsWith('fastify'))
    })

    it("reports and changes nothing in mode: 'report'", async () => {
      const options = {
        mode: 'report' as const,
        auth: REQUEST_AUTH,
        routes: {
          'POST /users': { ...USERS, onUnknown: 'reject' as const },
          'GET /orders/:id': { owner: () => false, enumeration: { max: 1 } },
        },
      }
      const events = await scenario(
        options,
        [echoRoute('POST', '/users'), echoRoute('GET', '/orders/:id')],
        async (url, handled) => {
          const headers = await tokenOf('alice')
          const res = await send(`${url}/users`, 'POST', ATTEMPT, headers)
          expect(res.status).toBe(200)
          expect((res.json as { body: unknown }).body).toEqual(ATTEMPT)
          for (const id of [1, 2, 3])
            expect((await call(`${url}/orders/${id}`, { headers })).status).toBe(200)
          expect(handled()).toBe(4)
        },
      )
      expect(ofType(events, 'request.rejected_members')).toHaveLength(1)
      expect(ofType(events, 'access.denied')).toHaveLength(3)
      expect(ofType(events, 'abuse.enumeration')).toHaveLength(1)
    })

    it('reports a route whose responses carry sequential ids', async () => {
      const routes = [
        {
          method: 'GET' as const,
          path: '/invoices/:id',
          body: (r: { params?: Record<string, string> }) => ({ id: Number(r.params?.id), total: 1 }),
        },
      ]
      const events = await scenario({}, routes, async (url) => {
        for (let id = 500; id < 521; id++) await call(`${url}/invoices/${id}`)
      })
      expect(ofType(events, 'inventory.sequential_ids')).toMatchObject([
        { route: '/invoices/:n', path: '$.id' },
      ])
    })
  })
}
