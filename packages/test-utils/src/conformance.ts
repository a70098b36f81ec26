import type { GuardOptions } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import { runAvailabilityAttacks } from './attacks/availability.js'
import { runBruteForceAttacks } from './attacks/brute-force.js'
import { runDetectionEvasionAttacks } from './attacks/detection-evasion.js'
import { runDuplicateMemberAttacks } from './attacks/duplicate-members.js'
import { runHeaderAttacks } from './attacks/headers.js'
import { runHostileNameAttacks } from './attacks/hostile-names.js'
import { runLateRewriteAttacks } from './attacks/late-rewrites.js'
import { runRawPathAttacks } from './attacks/raw-paths.js'
import { runRequestSideAttacks } from './attacks/request-side.js'
import { runRequestTargetAttacks } from './attacks/request-target.js'
import { runRouteAgreementAttacks } from './attacks/route-agreement.js'
import { runUntypedTextAttacks } from './attacks/untyped-text.js'
import { runWebResponseAttacks } from './attacks/web-response.js'
import { runAuditSuite } from './conformance-audit.js'
import { runAuthSuite } from './conformance-auth.js'
import { runBodyKindSuite } from './conformance-bodies.js'
import { runPlacementSuite } from './conformance-placement.js'
import { runRateLimitSuite } from './conformance-ratelimit.js'
import { runRedactionSuite } from './conformance-redaction.js'
import { runRequestProtectionSuite } from './conformance-requests.js'
import { runInventorySuite, runTransportSuite } from './conformance-transport.js'
import type { AdapterHarness, HeaderBearer } from './harness.js'
import { appRunner, call, getRoute as get, ofType, recordingGuard, SECRET, user } from './helpers.js'

/**
 * The behaviour every adapter must share, over real sockets. A scenario that differs between
 * adapters is a bug in an adapter.
 */
export function runConformanceSuite(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe(`${harness.name} conformance`, () => {
    runBodyKindSuite(harness)
    runPlacementSuite(harness)
    runRedactionSuite(harness)
    runAuditSuite(harness)
    runAuthSuite(harness)
    runRateLimitSuite(harness)
    runAvailabilityAttacks(harness)
    runBruteForceAttacks(harness)
    runRequestTargetAttacks(harness)
    runRouteAgreementAttacks(harness)
    runDuplicateMemberAttacks(harness)
    runWebResponseAttacks(harness)
    runLateRewriteAttacks(harness)
    runHostileNameAttacks(harness)
    runRawPathAttacks(harness)
    runUntypedTextAttacks(harness)
    runHeaderAttacks(harness)
    runDetectionEvasionAttacks(harness)
    runRequestProtectionSuite(harness)
    runRequestSideAttacks(harness)
    runTransportSuite(harness)
    runInventorySuite(harness)

    it('keeps only allowlisted members of nested objects and reports what it dropped', async () => {
      const { guard, events } = recordingGuard({
        routes: { 'GET /users/:id': { allow: ['$.id', '$.name', '$.profile.address.city'] } },
      })
      await withApp({ leakguard: guard, routes: [get('/users/:id', () => user(7))] }, async (url) => {
        const res = await call(`${url}/users/7`)
        expect(res.status).toBe(200)
        expect(res.contentType).toMatch(/^application\/json/)
        expect(res.json).toEqual({ id: 7, name: 'User 7', profile: { address: { city: 'Lyon' } } })
        expect(res.text).not.toContain(SECRET)
      })
      const [dropped, ...rest] = ofType(await events(), 'response.fields_dropped')
      expect(rest).toHaveLength(0)
      expect(dropped).toMatchObject({
        severity: 'info',
        outcome: 'success',
        mode: 'enforce',
        view: 'allow',
        request: { method: 'GET', route: 'GET /users/:id', path: '/users/7', status: 200 },
        dropped: { count: 5, truncated: false },
      })
      expect([...(dropped?.dropped.paths ?? [])].sort()).toEqual([
        '$.email',
        '$.passwordHash',
        '$.profile.address.street',
        '$.profile.bio',
        '$.profile.ssn',
      ])
      expect(JSON.stringify(dropped)).not.toContain(SECRET)
    })

    it('projects every element of arrays of objects, at the root and nested', async () => {
      const { guard } = recordingGuard({
        routes: {
          'GET /users': { allow: ['$[*].id', '$[*].email'] },
          'GET /teams/:id': { allow: ['$.name', '$.members[*].id', '$.members[*].profile.address.city'] },
        },
      })
      const routes = [
        get('/users', () => [user(1), user(2)]),
        get('/teams/:id', () => ({ name: 'core', budget: SECRET, members: [user(3), user(4)] })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const list = await call(`${url}/users`)
        expect(list.json).toEqual([
          { id: 1, email: 'user1@example.com' },
          { id: 2, email: 'user2@example.com' },
        ])
        const team = await call(`${url}/teams/1`)
        expect(team.json).toEqual({
          name: 'core',
          members: [
            { id: 3, profile: { address: { city: 'Lyon' } } },
            { id: 4, profile: { address: { city: 'Lyon' } } },
          ],
        })
        expect(list.text + team.text).not.toContain(SECRET)
      })
    })

    it('gives each caller the view of its role, the union for several roles, and allow for none', async () => {
      const { guard, events } = recordingGuard({
        routes: {
          'GET /users/:id': {
            allow: ['$.id'],
            views: { support: ['$.id', '$.email'], billing: ['$.id', '$.name'], admin: ['$'] },
          },
        },
      })
      await withApp({ leakguard: guard, routes: [get('/users/:id', () => user(5))] }, async (url) => {
        const as = (roles: string) => call(`${url}/users/5`, { headers: { 'x-roles': roles } })
        expect((await as('')).json).toEqual({ id: 5 })
        expect((await as('guest')).json).toEqual({ id: 5 })
        expect((await as('support')).json).toEqual({ id: 5, email: 'user5@example.com' })
        expect((await as('support,billing')).json).toEqual({
          id: 5,
          email: 'user5@example.com',
          name: 'User 5',
        })
        expect((await as('admin')).json).toEqual(user(5))
      })
      const views = ofType(await events(), 'response.fields_dropped').map((e) => [e.view, e.roles])
      expect(views).toEqual([
        ['allow', []],
        ['allow', []],
        ['roles', ['support']],
        ['roles', ['billing', 'support']],
      ])
    })

    it('gives an answer the view of its status where statusViews names it, allow otherwise', async () => {
      const { guard } = recordingGuard({
        routes: {
          'GET /jobs/:id': {
            allow: ['$.id', '$.state'],
            statusViews: { '202': ['$.id', '$.retryAfter'] },
            views: { admin: ['$'] },
          },
        },
      })
      const job = (id: number) => ({ id, state: 'done', retryAfter: 5, owner: 'ops@example.com' })
      const routes = [
        get('/jobs/1', () => job(1)),
        get('/jobs/2', () => job(2), { status: 202 }),
        get('/jobs/3', () => job(3), { status: 201 }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        expect((await call(`${url}/jobs/1`)).json).toEqual({ id: 1, state: 'done' })
        expect((await call(`${url}/jobs/2`)).json).toEqual({ id: 2, retryAfter: 5 })
        expect((await call(`${url}/jobs/3`)).json).toEqual({ id: 3, state: 'done' })
        // Role views come first, whatever the status.
        const admin = await call(`${url}/jobs/2`, { headers: { 'x-roles': 'admin' } })
        expect(admin.json).toMatchObject({ id: 2, state: 'done', retryAfter: 5 })
      })
    })

    it('sends an empty value on routes without an allowlist when responses.default is deny', async () => {
      const { guard, events } = recordingGuard({
        responses: { default: 'deny' },
        routes: { 'GET /open': { allow: ['$'] } },
      })
      const routes = [
        get('/secret', () => user(1)),
        get('/list', () => [user(1)]),
        get('/open', () => ({ ok: true })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        expect((await call(`${url}/secret`)).json).toEqual({})
        expect((await call(`${url}/list`)).json).toEqual([])
        expect((await call(`${url}/open`)).json).toEqual({ ok: true })
      })
      expect(ofType(await events(), 'response.fields_dropped').map((e) => [e.view, e.dropped.count])).toEqual(
        [
          ['deny', 5],
          ['deny', 1],
        ],
      )
    })

    it('passes routes without an allowlist unchanged by default, with no event', async () => {
      const { guard, events } = recordingGuard({ routes: { 'GET /other': { allow: ['$.id'] } } })
      await withApp({ leakguard: guard, routes: [get('/users/:id', () => user(9))] }, async (url) => {
        expect((await call(`${url}/users/9`)).json).toEqual(user(9))
      })
      expect(await events()).toEqual([])
    })

    it('accepts plain options as well as a guard, and serves JSON with no options at all', async () => {
      const routes = [get('/users/:id', () => user(2))]
      await withApp(
        { leakguard: { routes: { 'GET /users/:id': { allow: ['$.id'] } } }, routes },
        async (url) => {
          expect((await call(`${url}/users/2`)).json).toEqual({ id: 2 })
        },
      )
      // No options: every member kept, secrets and personal data masked by the default detectors.
      await withApp({ leakguard: {}, routes }, async (url) => {
        const res = await call(`${url}/users/2`)
        const expected = user(2)
        expect(res.json).toEqual({
          ...expected,
          email: '[REDACTED:email]',
          passwordHash: '[REDACTED]',
          profile: { ...expected.profile, ssn: '[REDACTED]' },
        })
        expect(res.text).toContain(SECRET) // the street holds a marker no detector knows
      })
    })

    it('sends the original body in report mode and still reports what it would drop', async () => {
      const { guard, events } = recordingGuard({
        mode: 'report',
        routes: { 'GET /users/:id': { allow: ['$.id'] } },
      })
      await withApp({ leakguard: guard, routes: [get('/users/:id', () => user(3))] }, async (url) => {
        expect((await call(`${url}/users/3`)).json).toEqual(user(3))
      })
      const [dropped] = ofType(await events(), 'response.fields_dropped')
      expect(dropped).toMatchObject({ mode: 'report', dropped: { count: 4 } })
    })

    it('filters 4xx and 5xx bodies through the problem view, not the success view', async () => {
      const { guard, events } = recordingGuard({
        routes: {
          'GET /users/:id': { allow: ['$.id', '$.stack'] },
          'GET /orders/:id': { problemView: ['$.title', '$.status', '$.errors[*].field'] },
        },
      })
      const failure = {
        type: 'https://example.com/not-found',
        title: 'Not Found',
        status: 404,
        detail: 'no such user',
        stack: `Error: boom\n    at /srv/app/${SECRET}.js:1:1`,
        sql: `SELECT * FROM users WHERE token = '${SECRET}'`,
      }
      const routes = [
        get('/users/:id', () => failure, { status: 404 }),
        get('/crash', () => ({ error: 'Internal Server Error', message: 'failed', stack: SECRET }), {
          status: 500,
        }),
        get(
          '/orders/:id',
          () => ({
            title: 'Invalid',
            status: 422,
            errors: [{ field: 'qty', value: SECRET }],
            detail: SECRET,
          }),
          { status: 422 },
        ),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const notFound = await call(`${url}/users/1`)
        expect(notFound.status).toBe(404)
        expect(notFound.json).toEqual({
          type: 'https://example.com/not-found',
          title: 'Not Found',
          status: 404,
          detail: 'no such user',
        })
        const crash = await call(`${url}/crash`)
        expect(crash.status).toBe(500)
        expect(crash.json).toEqual({ error: 'Internal Server Error' })
        const invalid = await call(`${url}/orders/1`)
        expect(invalid.status).toBe(422)
        expect(invalid.json).toEqual({ title: 'Invalid', status: 422, errors: [{ field: 'qty' }] })
        expect(notFound.text + crash.text + invalid.text).not.toContain(SECRET)
      })
      expect(ofType(await events(), 'response.fields_dropped').every((e) => e.view === 'problem')).toBe(true)
    })

    it('fails closed with a generic 500 problem and a response.blocked event when the engine throws', async () => {
      const { guard, events } = recordingGuard({
        routes: { 'GET /big': { allow: ['$.id', '$.amount'] } },
        getRoles: () => {
          throw new Error(`roles backend down ${SECRET}`)
        },
      })
      const withViews = { views: { admin: ['$'] } }
      const routes = [
        get('/big', () => ({ id: 1, amount: 10n, secret: SECRET })),
        get('/roles', () => ({ secret: SECRET }), { routeOptions: withViews }),
        // A getter or a Proxy that throws where the body is looked over for a list to write in
        // slices (a re-attack pass: the adapters' handler got the throw, not leakguard's answer).
        get('/getter', () => ({
          secret: SECRET,
          nested: {
            get boom(): string {
              throw new Error(`getter ${SECRET}`)
            },
          },
        })),
        get('/proxy', () => ({
          secret: SECRET,
          list: new Proxy([], {
            get(target, property) {
              if (property === 'length') throw new Error(`trap ${SECRET}`)
              return Reflect.get(target, property)
            },
          }),
        })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        for (const path of ['/big', '/roles', '/getter', '/proxy']) {
          const res = await call(`${url}${path}`)
          expect(res.status).toBe(500)
          expect(res.contentType).toMatch(/^application\/problem\+json/)
          expect(res.json).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
          expect(res.text).not.toContain(SECRET)
        }
      })
      const blocked = ofType(await events(), 'response.blocked')
      expect(blocked.map((e) => e.error.code).slice(0, 2)).toEqual([
        'ERR_LG_RESPONSE_UNSERIALIZABLE',
        'ERR_LG_RESPONSE_ROLES_FAILED',
      ])
      expect(blocked).toHaveLength(4)
      expect(blocked[0]).toMatchObject({ severity: 'error', outcome: 'failure', request: { status: 200 } })
      expect(JSON.stringify(blocked)).not.toContain(SECRET)
    })

    it('never mutates the object the handler sent', async () => {
      const shared = { id: 1, users: [user(1), user(2)], meta: { total: 2, secret: SECRET } }
      const snapshot = structuredClone(shared)
      const { guard } = recordingGuard({ routes: { 'GET /shared': { allow: ['$.id', '$.users[*].id'] } } })
      await withApp({ leakguard: guard, routes: [get('/shared', () => shared)] }, async (url) => {
        expect((await call(`${url}/shared`)).json).toEqual({ id: 1, users: [{ id: 1 }, { id: 2 }] })
        expect((await call(`${url}/shared`)).json).toEqual({ id: 1, users: [{ id: 1 }, { id: 2 }] })
      })
      expect(shared).toEqual(snapshot)
    })

    it('applies the most specific pattern and merges route-level options over it field by field', async () => {
      const { guard } = recordingGuard({
        routes: {
          'GET /users/*': { allow: ['$.id'] },
          'GET /users/:id': { allow: ['$.id', '$.name'], views: { support: ['$.email'] } },
          'GET /users/me': { allow: ['$.id', '$.email'] },
        },
      })
      const routes = [
        get('/users/me', () => user(1)),
        get('/users/:id', () => user(2), { routeOptions: { allow: ['$.name'] } }),
        get('/users/:id/orders', () => ({ id: 3, orders: [SECRET] })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        expect((await call(`${url}/users/me`)).json).toEqual({ id: 1, email: 'user1@example.com' })
        expect((await call(`${url}/users/2`)).json).toEqual({ name: 'User 2' })
        const support = await call(`${url}/users/2`, { headers: { 'x-roles': 'support' } })
        expect(support.json).toEqual({ email: 'user2@example.com' })
        expect((await call(`${url}/users/2/orders`)).json).toEqual({ id: 3 })
      })
    })

    it('matches patterns against the full path, including the mount prefix, and ignores the query', async () => {
      const { guard, events } = recordingGuard({ routes: { 'GET /api/v1/users/:id': { allow: ['$.id'] } } })
      const app = { leakguard: guard, prefix: '/api/v1', routes: [get('/users/:id', () => user(4))] }
      await withApp(app, async (url) => {
        expect((await call(`${url}/api/v1/users/4?fields=email`)).json).toEqual({ id: 4 })
      })
      const [dropped] = ofType(await events(), 'response.fields_dropped')
      expect(dropped?.request).toMatchObject({ route: 'GET /api/v1/users/:id', path: '/api/v1/users/4' })
    })

    it('exposes the request id to handlers, the same one its events carry', async () => {
      const { guard, events } = recordingGuard({ routes: { 'GET /whoami': { allow: ['$.requestId'] } } })
      const routes = [get('/whoami', ({ leakguard }) => ({ requestId: leakguard?.requestId, drop: 1 }))]
      let requestId: unknown
      await withApp({ leakguard: guard, routes }, async (url) => {
        requestId = ((await call(`${url}/whoami`)).json as { requestId?: unknown }).requestId
      })
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect((await events())[0]?.request?.id).toBe(requestId)
    })

    it('serializes values with toJSON as JSON would, and drops undefined and functions', async () => {
      const { guard } = recordingGuard()
      const body = () => ({
        at: new Date(0),
        nested: { toJSON: () => ({ safe: true }) },
        gone: undefined,
        fn: () => 1,
      })
      await withApp({ leakguard: guard, routes: [get('/time', body)] }, async (url) => {
        expect((await call(`${url}/time`)).json).toEqual({
          at: '1970-01-01T00:00:00.000Z',
          nested: { safe: true },
        })
      })
    })

    it('passes text bodies through unchanged, even with responses.default deny', async () => {
      const { guard, events } = recordingGuard({ responses: { default: 'deny' } })
      await withApp({ leakguard: guard, routes: [get('/text', () => 'plain text')] }, async (url) => {
        const res = await call(`${url}/text`)
        expect(res.status).toBe(200)
        expect(res.contentType).toMatch(/^text\/plain/)
        expect(res.text).toBe('plain text')
      })
      expect(await events()).toEqual([])
    })

    describe('bad input', () => {
      const blockedRoute = async (
        body: () => unknown,
        code: string,
        options: GuardOptions<HeaderBearer> = {},
      ) => {
        const { guard, events } = recordingGuard(options)
        await withApp({ leakguard: guard, routes: [get('/bad', body)] }, async (url) => {
          const res = await call(`${url}/bad`)
          expect(res.status).toBe(500)
          expect(res.json).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
          expect(res.text).not.toContain(SECRET)
        })
        expect(ofType(await events(), 'response.blocked').map((e) => e.error.code)).toEqual([code])
      }

      it('blocks a body nested 10,000 levels deep, and the server keeps serving', async () => {
        const deep = () => {
          let value: Record<string, unknown> = { secret: SECRET }
          for (let i = 0; i < 10_000; i++) value = { child: value }
          return value
        }
        await blockedRoute(deep, 'ERR_LG_RESPONSE_TOO_DEEP')
      })

      it('blocks a cyclic body', async () => {
        const cyclic = () => {
          const value: Record<string, unknown> = { secret: SECRET }
          value.self = value
          return value
        }
        await blockedRoute(cyclic, 'ERR_LG_RESPONSE_CYCLE')
      })

      it('blocks a BigInt the allowlist keeps', async () => {
        await blockedRoute(() => ({ id: 1n, secret: SECRET }), 'ERR_LG_RESPONSE_UNSERIALIZABLE')
      })

      it('filters a 1,000,000-element array', async () => {
        const { guard } = recordingGuard({ routes: { 'GET /many': { allow: ['$.items[*].v'] } } })
        const body = () => ({ items: Array.from({ length: 1_000_000 }, (_, i) => ({ v: i % 10, s: 1 })) })
        await withApp({ leakguard: guard, routes: [get('/many', body)] }, async (url) => {
          const res = await call(`${url}/many`)
          const items = (res.json as { items: unknown[] }).items
          expect(items).toHaveLength(1_000_000)
          expect(items[999_999]).toEqual({ v: 9 })
        })
      })

      it('treats __proto__, constructor and prototype keys as plain data, polluting nothing', async () => {
        const { guard } = recordingGuard({
          routes: {
            'GET /proto': { allow: ['$.id', "$['__proto__'].isAdmin", '$.constructor', '$.nested[*]'] },
          },
        })
        const hostile = () =>
          JSON.parse(
            `{"id":1,"__proto__":{"isAdmin":true,"x":"${SECRET}"},"constructor":{"prototype":{"polluted":true}},"nested":[{"__proto__":{"polluted":true}}],"prototype":"${SECRET}"}`,
          )
        await withApp({ leakguard: guard, routes: [get('/proto', hostile)] }, async (url) => {
          const res = await call(`${url}/proto`)
          expect(res.status).toBe(200)
          expect(res.text).toBe(
            '{"id":1,"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"nested":[{"__proto__":{"polluted":true}}]}',
          )
        })
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
      })

      it('keeps serving after blocked responses', async () => {
        const { guard } = recordingGuard()
        const routes = [get('/bad', () => ({ n: 1n })), get('/good', () => ({ ok: true }))]
        await withApp({ leakguard: guard, routes }, async (url) => {
          for (let i = 0; i < 3; i++) {
            const bad = await call(`${url}/bad`)
            expect([bad.status, bad.json]).toEqual([
              500,
              { type: 'about:blank', title: 'Internal Server Error', status: 500 },
            ])
            expect((await call(`${url}/good`)).json).toEqual({ ok: true })
          }
        })
      })
    })
  })
}
