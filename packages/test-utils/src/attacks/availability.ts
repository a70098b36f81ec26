import { createGuard, type RateLimitStore } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, BodyKind } from '../harness.js'
import {
  appRunner,
  BLOCKED_BODY,
  call,
  type Fetched,
  getRoute,
  ofType,
  recordingGuard,
  recordTurns,
  SECRET,
  user,
} from '../helpers.js'

const EMAIL = 'victim@example.com'

/** Profile text a client wrote: JSON nested `levels` deep, holding an email and a password. */
function deepProfileText(levels: number): string {
  const inner = `{"email":"${EMAIL}","password":"${SECRET}"}`
  return `${'['.repeat(levels - 1)}${inner}${']'.repeat(levels - 1)}`
}

/** The same list sent as each body kind: an object, JSON text, a Buffer, a stream. */
const SENT_AS: ReadonlyArray<readonly [BodyKind, string | undefined]> = [
  ['object', undefined],
  ['string', 'application/json'],
  ['buffer', 'application/json'],
  ['stream', 'application/json'],
]

/**
 * Availability: failing closed must never become failing for everyone. Content a client can write
 * degrades per value (redacted as text, reported) instead of failing the response it sits in, and
 * a body too large to filter without stalling the server fails closed alone, on every adapter.
 */
export function runAvailabilityAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  /** A large body at /big fetched together with a small one at /small, which must be served too. */
  async function bigBesideSmall(
    guard: Parameters<typeof withApp>[0]['leakguard'],
    send: BodyKind,
    type: string | undefined,
    body: () => unknown,
  ): Promise<Fetched> {
    const routes = [
      getRoute('/big', body, { send, contentType: type }),
      getRoute('/small', () => (send === 'object' ? { id: 1 } : '{"id":1}'), { send, contentType: type }),
    ]
    let big: Fetched | undefined
    await withApp({ leakguard: guard, routes }, async (url) => {
      const [large, small] = await Promise.all([call(`${url}/big`), call(`${url}/small`)])
      expect([small.status, small.json]).toEqual([200, { id: 1 }])
      expect(large.status).toBe(200)
      big = large
    })
    return big!
  }

  describe('attack: content that takes a list endpoint down for everyone', () => {
    for (const levels of [129, 200]) {
      it.each(SENT_AS)(
        `serves a list whose one item holds ${levels}-level JSON text (%s)`,
        async (send, type) => {
          const { guard, events } = recordingGuard({
            redact: {},
            routes: { 'GET /users': { allow: ['$[*].id', '$[*].name', '$[*].email', '$[*].bio'] } },
          })
          const list = [
            { ...user(1), bio: 'hello' },
            { ...user(2), bio: deepProfileText(levels) },
            { ...user(3), bio: 'hi' },
          ]
          const body = () => (send === 'object' ? list : JSON.stringify(list))
          await withApp(
            { leakguard: guard, routes: [getRoute('/users', body, { send, contentType: type })] },
            async (url) => {
              const res = await call(`${url}/users`)
              expect(res.status).toBe(200)
              expect(res.text).not.toContain(SECRET)
              expect(res.text).not.toContain(EMAIL)
              const rows = res.json as Array<{ id: number; name: string; email: string; bio: string }>
              expect(rows.map((row) => [row.id, row.name])).toEqual([
                [1, 'User 1'],
                [2, 'User 2'],
                [3, 'User 3'],
              ])
              // Filtered as usual: dropped members gone, detectors applied.
              expect(rows[0]).toEqual({ id: 1, name: 'User 1', email: '[REDACTED:email]', bio: 'hello' })
              // The deep text is kept as text, with what the detectors and member-name rule find masked.
              expect(rows[1]!.bio.startsWith('['.repeat(levels - 1))).toBe(true)
              expect(rows[1]!.bio).toContain('{"email":"[REDACTED:email]","password":"[REDACTED]"}')
            },
          )
          const recorded = await events()
          expect(ofType(recorded, 'response.blocked')).toEqual([])
          expect(ofType(recorded, 'response.degraded').map((event) => event.values)).toEqual([
            [{ path: '$[*].bio', reason: 'nested-json-too-deep', count: 1 }],
          ])
        },
      )
    }
  })

  describe('attack: a body too large to filter without stalling the server', () => {
    it.each(SENT_AS)(
      'fails closed on a %s body over responses.maxBodyBytes and keeps serving',
      async (send, type) => {
        const { guard, events } = recordingGuard({ responses: { maxBodyBytes: 4096 } })
        const list = Array.from({ length: 100 }, (_, i) => user(i))
        const body = () => (send === 'object' ? list : JSON.stringify(list))
        const routes = [
          getRoute('/big', body, { send, contentType: type }),
          getRoute('/small', () => (send === 'object' ? { id: 1 } : '{"id":1}'), { send, contentType: type }),
        ]
        await withApp({ leakguard: guard, routes }, async (url) => {
          const big = await call(`${url}/big`)
          expect([big.status, big.json]).toEqual([500, BLOCKED_BODY])
          expect(big.text).not.toContain(SECRET)
          const small = await call(`${url}/small`)
          expect([small.status, small.json]).toEqual([200, { id: 1 }])
        })
        const blocked = ofType(await events(), 'response.blocked')
        expect(blocked.map((event) => [event.request?.path, event.error.code])).toEqual([
          ['/big', 'ERR_LG_RESPONSE_TOO_LARGE'],
        ])
      },
    )

    it.each(SENT_AS)(
      'filters a %s body of several MiB under the limit whole, with duplicate members, while serving others',
      async (send, type) => {
        // Over 1 MiB: JSON text is filtered in event-loop turns on every adapter.
        const { guard, events } = recordingGuard({
          redact: {},
          routes: { 'GET /big': { allow: ['$.note', '$.list[*].id', '$.list[*].email', '$.list[*].name'] } },
        })
        const list = Array.from({ length: 12_000 }, (_, i) => user(i))
        const text = `{"note":"${SECRET}","note":"ok","list":${JSON.stringify(list)}}`
        expect(text.length).toBeGreaterThan(2 << 20)
        const big = await bigBesideSmall(guard, send, type, () =>
          send === 'object' ? { note: 'ok', list } : text,
        )
        // Booleans, not toContain: a failure would print megabytes.
        expect(big.text.includes(SECRET)).toBe(false)
        expect(big.text.includes('@example.com')).toBe(false)
        const sent = big.json as { note: string; list: Array<Record<string, unknown>> }
        expect(sent.note).toBe('ok')
        expect(sent.list).toHaveLength(12_000)
        expect(sent.list[11_999]).toEqual({ id: 11_999, name: 'User 11999', email: '[REDACTED:email]' })
        expect(ofType(await events(), 'response.blocked')).toEqual([])
      },
    )

    // A list of objects, and an object of objects keyed by ids: both are written in slices.
    const LARGE_SHAPES = {
      list: () => Array.from({ length: 12_000 }, (_, i) => user(i)),
      'map keyed by id': () =>
        Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`user-${i}`, user(i)])),
    }
    it.each(
      SENT_AS.flatMap(([send, type]) =>
        Object.keys(LARGE_SHAPES).map((shape) => [send, type, shape] as const),
      ),
    )(
      'writes a %s body of several MiB (%s, %s) in event-loop turns, exactly as at once, while serving others',
      async (send, type, shape) => {
        // No allowlist, the default detectors: the most work per element. The list or map is
        // written about 1 MiB of output per turn (object bodies on every adapter, JSON text and
        // bytes as well; streams are read whole first).
        const options = { redact: {} }
        const { guard, events } = recordingGuard(options)
        const promised = recordTurns(guard)
        const body = LARGE_SHAPES[shape as keyof typeof LARGE_SHAPES]()
        const reference = createGuard(options)
        const expected = reference.serializeResponse(
          reference.startRequest({ method: 'GET', path: '/big', native: {} }),
          { status: 200, body },
        )
        if (expected.blocked) throw new Error('the body was blocked at once')
        expect(expected.payload.length).toBeGreaterThan(2 << 20)
        const big = await bigBesideSmall(guard, send, type, () =>
          send === 'object' ? body : JSON.stringify(body),
        )
        // Booleans, not toBe: a failure would print megabytes.
        expect(big.text === expected.payload).toBe(true)
        expect(big.text.includes('@example.com')).toBe(false)
        // The body was decided over several turns (streams: read first, then in turns).
        if (send !== 'stream') expect(promised).toContain(true)
        expect(ofType(await events(), 'response.blocked')).toEqual([])
        expect(ofType(await events(), 'response.redacted')).toHaveLength(1)
      },
    )

    it.each(SENT_AS)(
      'answers an error, and keeps serving, when a %s body decided later meets a header Node refuses',
      async (send, type) => {
        // A handler reflecting a client value into a header Node refuses at writeHead (Fastify
        // checks it only when sending): bodies decided in a later turn (1 MiB or more, streams)
        // must surface the throw as an error response, never as an unhandled rejection.
        const { guard } = recordingGuard({ redact: {} })
        const list = { list: Array.from({ length: 12_000 }, (_, i) => user(i)) }
        const big = JSON.stringify(list)
        const headers = { 'x-search-term': '\u{1F600}' }
        const as = (value: unknown, text: string) => () => (send === 'object' ? value : text)
        const routes = [
          getRoute('/big', as(list, big), { send, contentType: type, headers }),
          getRoute('/small', as({ id: 1 }, '{"id":1}'), { send, contentType: type, headers }),
          getRoute('/ok', as({ id: 1 }, '{"id":1}'), { send, contentType: type }),
        ]
        await withApp({ leakguard: guard, routes }, async (url) => {
          for (const path of ['/big', '/small']) {
            const res = await call(`${url}${path}`)
            expect(res.status, path).toBe(500)
            expect(res.text.includes(SECRET)).toBe(false)
          }
          const ok = await call(`${url}/ok`)
          expect([ok.status, ok.json]).toEqual([200, { id: 1 }])
        })
      },
    )

    describe('a rate-limit store that never answers (a partitioned backend, a store with a bug)', () => {
      const hanging = (): RateLimitStore & { calls: number } => {
        const store = {
          calls: 0,
          consume: () => {
            store.calls++
            return new Promise<never>(() => {})
          },
          refund: () => new Promise<never>(() => {}),
          distinct: () => new Promise<never>(() => {}),
        }
        return store
      }

      it('answers 503 after storeTimeout, never holding the request open, and serves when it fails open', async () => {
        for (const failOpen of [false, true]) {
          const store = hanging()
          const { guard, events } = recordingGuard({
            rateLimit: { limits: [{ limit: 5, window: '1m' }], store, storeTimeout: 100, failOpen },
          })
          await withApp({ leakguard: guard, routes: [getRoute('/x', () => ({ ok: 1 }))] }, async (url) => {
            const started = Date.now()
            const answers = await Promise.all([call(`${url}/x`), call(`${url}/x`)])
            expect(answers.map((res) => res.status)).toEqual(failOpen ? [200, 200] : [503, 503])
            // Bounded by the timeout, not by the client giving up (generous for a loaded machine).
            expect(Date.now() - started).toBeLessThan(5000)
          })
          expect(store.calls).toBe(2)
          expect(ofType(await events(), 'ratelimit.store_error')[0]).toMatchObject({
            failOpen,
            reason: { code: 'ERR_LG_RATELIMIT_STORE_TIMEOUT' },
          })
        }
      })

      it('lets requests through when the enumeration store never answers (requests.store)', async () => {
        const { guard } = recordingGuard({
          requests: { store: hanging() },
          rateLimit: { limits: [{ limit: 100, window: '1m' }], storeTimeout: 100 },
          routes: { 'GET /orders/:id': { enumeration: { max: 4, action: 'block', blockFor: '1m' } } },
        })
        await withApp(
          { leakguard: guard, routes: [getRoute('/orders/:id', () => ({ ok: 1 }))] },
          async (url) => {
            expect((await call(`${url}/orders/7`)).status).toBe(200)
          },
        )
      })
    })

    it('counts member names, numbers and booleans of an object body against responses.maxBodyBytes', async () => {
      const { guard } = recordingGuard({ responses: { maxBodyBytes: 4096 } })
      const wide: Record<string, unknown> = {}
      for (let i = 0; i < 100; i++)
        wide[`${'k'.repeat(200)}${i}`] = i % 2 === 0 ? 1.234567890123456e-300 : true
      const routes = [
        getRoute('/wide', () => wide),
        getRoute('/numbers', () => ({ list: Array.from({ length: 1000 }, () => 1e-300) })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        for (const path of ['/wide', '/numbers']) {
          const res = await call(`${url}${path}`)
          expect([res.status, res.json]).toEqual([500, BLOCKED_BODY])
        }
      })
    })
  })
}
