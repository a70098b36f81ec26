import { createGuard, type LeakguardEvent, type LeakguardEventOf } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, BodyKind, HeaderBearer } from './harness.js'
import {
  appRunner,
  call,
  decodedBody,
  rawRequest,
  recordingGuard,
  getRoute as route,
  SECRET,
  user,
} from './helpers.js'

const list = () => ({ data: Array.from({ length: 60 }, (_, i) => user(i + 1)), total: 60 })
const VIEW = { 'GET /list': { allow: ['$.data[*].id', '$.data[*].name', '$.total'] } }
const expected = () => ({ data: list().data.map(({ id, name }) => ({ id, name })), total: 60 })
const CARD = '4111111111111111'

const STACK_PAGE = `<!DOCTYPE html><html><body><pre>Error: duplicate key value violates unique constraint "users_pkey" (${SECRET})<br> &nbsp; &nbsp;at Query.run (/srv/app/node_modules/pg/lib/query.js:120:15)<br> &nbsp; &nbsp;at process.processTicksAndRejections (node:internal/process/task_queues:95:5)</pre></body></html>${' '.repeat(2048)}`

/**
 * Mount orders a newcomer (or an app leakguard wraps) gets wrong: compression on the inner side
 * of leakguard, so the engine sees encoded bytes. Every one must filter, never drop the connection.
 */
export function runPlacementSuite(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('compression mounted on the wrong side of leakguard', () => {
    const kinds: BodyKind[] = ['object', 'string', 'stream']
    const codings = ['gzip', 'br', 'deflate']
    it.each(kinds.flatMap((kind) => codings.map((coding) => [kind, coding] as const)))(
      'filters a large %s JSON body the client accepts as %s',
      async (send, coding) => {
        const { guard, events } = recordingGuard({ routes: VIEW })
        const text = JSON.stringify(list())
        const body = () => (send === 'object' ? list() : text)
        const app = {
          leakguard: guard,
          routes: [route('/list', body, { send, contentType: 'application/json' })],
          middleware: { compress: 'misplaced' as const },
        }
        await withApp(app, async (url) => {
          const res = await rawRequest(`${url}/list`, { headers: { 'accept-encoding': coding } })
          expect(res.status).toBe(200)
          if (res.headers['content-length'] !== undefined)
            expect(Number(res.headers['content-length'])).toBe(res.body.length)
          const out = decodedBody(res)
          expect(JSON.parse(out)).toEqual(expected())
          expect(out).not.toContain(SECRET)
        })
        const seen = await events()
        expect(seen.filter((event) => event.type === 'response.blocked')).toEqual([])
        expect(seen.filter((event) => event.type === 'response.fields_dropped')).toHaveLength(1)
      },
    )

    it.each<BodyKind>(['string', 'stream'])(
      'cleans a %s error page with a stack trace the client accepts compressed',
      async (send) => {
        const { guard } = recordingGuard({ redact: { detectors: 'default' } })
        const app = {
          leakguard: guard,
          routes: [
            route('/boom', () => STACK_PAGE, { send, status: 500, contentType: 'text/html; charset=utf-8' }),
          ],
          middleware: { compress: 'misplaced' as const },
        }
        await withApp(app, async (url) => {
          const res = await rawRequest(`${url}/boom`, { headers: { 'accept-encoding': 'gzip' } })
          expect(res.status).toBe(500)
          const out = decodedBody(res)
          expect(out).not.toContain(SECRET)
          expect(out).not.toMatch(/users_pkey|\/srv\/app|processTicksAndRejections/)
        })
      },
    )

    it.each(['text/plain; charset=utf-8', 'text/html; charset=utf-8'])(
      'masks a success sent as a %s string that compression inside leakguard made a stream',
      async (contentType) => {
        // A red-team pass: koa-compress registered inside leakguard turns text past its 1 KiB
        // threshold into a gzip stream, which went out unread.
        const { guard } = recordingGuard({ redact: { detectors: 'default' } })
        const page = `<p>card ${CARD} for ada@example.com</p>${' '.repeat(1500)}`
        const app = {
          leakguard: guard,
          routes: [route('/page', () => page, { send: 'string', contentType })],
          middleware: { compress: 'misplaced' as const },
        }
        await withApp(app, async (url) => {
          const res = await rawRequest(`${url}/page`, { headers: { 'accept-encoding': 'gzip' } })
          expect(res.status).toBe(200)
          const out = decodedBody(res)
          expect(out).toContain('<p>card ')
          expect(out).not.toContain(CARD)
          expect(out).not.toContain('ada@example.com')
        })
      },
    )
  })

  describe('leakguard mounted after the routes', () => {
    it('either filters what those routes send or says at once that it cannot', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        routes: { 'GET /users/:id': { allow: ['$.id', '$.name'] } },
        audit: { onEvent: (event) => void events.push(event) },
      })
      const app = {
        leakguard: guard,
        routes: [route('/users/:id', () => user(1))],
        order: 'routes-first' as const,
      }
      const bodies: string[] = []
      await withApp(app, async (url) => {
        bodies.push((await call(`${url}/users/1`)).text)
        await call(`${url}/nothing-here`) // a request that does reach leakguard, wherever it sits
        bodies.push((await call(`${url}/users/2`)).text)
      })
      await guard.flush()
      const warnings = events.filter(
        (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_UNGUARDED_RESPONSE',
      )
      const filtered = bodies.every((body) => !body.includes(SECRET))
      if (!filtered) {
        expect(warnings.length).toBeGreaterThan(0)
        for (const warning of warnings) {
          const { message } = (warning as LeakguardEventOf<'config.warning'>).warning
          expect(message).toMatch(/before (app\.use\()?leakguard\(\)/)
          expect(message).not.toContain(SECRET)
        }
      }
    })

    it('stays quiet when leakguard is mounted first, or when the warning is acknowledged', async () => {
      for (const [order, ignoreWarnings] of [
        ['leakguard-first', []],
        ['routes-first', ['LEAKGUARD_UNGUARDED_RESPONSE']],
      ] as const) {
        const events: LeakguardEvent[] = []
        const guard = createGuard<HeaderBearer>({
          ignoreWarnings,
          audit: { onEvent: (event) => void events.push(event) },
        })
        await withApp(
          { leakguard: guard, routes: [route('/users/:id', () => user(1))], order },
          async (url) => {
            await call(`${url}/users/1`)
            await call(`${url}/nothing-here`)
            await call(`${url}/users/2`)
          },
        )
        await guard.flush()
        expect(
          events.filter(
            (event) =>
              event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_UNGUARDED_RESPONSE',
          ),
          order,
        ).toEqual([])
      }
    })
  })

  describe('routes that issue tokens (a login)', () => {
    const TOKEN =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZW1haWwiOiJhZG1pbkBqdWljZS1zaC5vcCIsImlhdCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1oZXJl'
    const login = () => ({
      authentication: { token: TOKEN, refresh_token: 'rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0', bid: 1 },
      user: { id: 1, passwordHash: `$2b$12$${SECRET}` },
    })
    const loginRoute = { method: 'POST' as const, path: '/rest/user/login', body: login }

    it('masks the token with zero configuration, and says which route option fixes a login', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({ audit: { onEvent: (event) => void events.push(event) } })
      await withApp({ leakguard: guard, routes: [loginRoute] }, async (url) => {
        for (let i = 0; i < 3; i++) {
          const res = await call(`${url}/rest/user/login`, { method: 'POST' })
          expect(res.status).toBe(200)
          expect(res.text).not.toContain(TOKEN)
          expect(res.text).not.toContain(SECRET)
        }
      })
      await guard.flush()
      const hints = events.filter(
        (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_TOKEN_MASKED',
      ) as LeakguardEventOf<'config.warning'>[]
      expect(hints).toHaveLength(1)
      expect(hints[0]!.warning.message).toContain('issuesTokens: true')
      expect(hints[0]!.warning.message).not.toContain(TOKEN)
    })

    it('lets the issued tokens through with issuedTokenClaims, and masks everything else', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        // The token carries the user's email: listed, it may leave (unlisted, it blocks the login).
        routes: { 'POST /rest/user/login': { issuedTokenClaims: ['email'] } },
        audit: { onEvent: (event) => void events.push(event) },
      })
      const leaky = route('/rest/user/whoami', () => ({ token: TOKEN }))
      await withApp({ leakguard: guard, routes: [loginRoute, leaky] }, async (url) => {
        const res = await call(`${url}/rest/user/login`, { method: 'POST' })
        expect(res.status).toBe(200)
        const body = res.json as ReturnType<typeof login>
        expect(body.authentication).toEqual(login().authentication)
        expect(res.text).not.toContain(SECRET)
        // Only the declared route: the same token elsewhere is still masked.
        expect((await call(`${url}/rest/user/whoami`)).text).not.toContain(TOKEN)
      })
      await guard.flush()
      const hints = events.filter(
        (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_TOKEN_MASKED',
      )
      expect(hints).toEqual([])
    })
  })
}
