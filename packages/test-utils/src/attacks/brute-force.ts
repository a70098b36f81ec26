import { request as httpRequest } from 'node:http'
import type { GuardOptions } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import { parseRateLimitField } from '../conformance-ratelimit.js'
import type { AdapterHarness, HeaderBearer, RouteSpec } from '../harness.js'
import { appRunner, type RawResponse, rawRequest, recordingGuard } from '../helpers.js'
import { AUDIENCE, ISSUER, signToken, testKey } from '../tokens.js'

const LIMIT = 3
const BURST = 100
const LOGIN_LIMIT = { limits: [{ limit: LIMIT, window: '15m', name: 'login' }], failuresOnly: true }

/**
 * Larger than what the loopback socket buffers absorb: a response streaming it cannot finish
 * while the client reads nothing past the status line, nor once the client has gone.
 */
let heldBody: string | undefined
const HELD_BODY = () => (heldBody ??= 'x'.repeat(12 * 1024 * 1024))

/**
 * A login route whose handler counts the guesses it was asked to check. A `held` route streams
 * {@link HELD_BODY}, so its answer stays unfinished for as long as the client wants.
 */
function loginRoute(path: string, status: number, extra: Partial<RouteSpec> & { held?: boolean } = {}) {
  let checked = 0
  const { held = false, ...spec } = extra
  const route: RouteSpec = {
    method: 'POST',
    path,
    status,
    body: () => {
      checked++
      if (held) return HELD_BODY()
      return status < 400 ? { ok: true } : { error: 'invalid credentials' }
    },
    ...(held ? { send: 'stream' as const, contentType: 'application/octet-stream' } : {}),
    ...spec,
  }
  return { route, checked: () => checked }
}

const post = (url: string, headers: Record<string, string> = {}) =>
  rawRequest(url, { method: 'POST', headers: { 'content-length': '0', ...headers } })

/** Sends `count` requests at once, each on its own connection. */
function burst(count: number, send: (i: number) => Promise<RawResponse>): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => (await send(i)).status))
}

const tally = (statuses: readonly number[]) => {
  const counts: Record<number, number> = {}
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
  return counts
}

/** An answer whose status line has arrived and whose body the client leaves unread. */
interface HeldAnswer {
  readonly status: number
  /** Drops the connection: the response, if still being sent, never finishes. */
  abandon(): void
}

function postAndHold(url: string): Promise<HeldAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-length': '0' }, agent: false },
      (res) => resolve({ status: res.statusCode ?? 0, abandon: () => req.destroy() }),
    )
    req.on('error', reject)
    req.end()
  })
}

/**
 * Brute force against failures-only limits (issue 14, section 2), over real sockets: guesses sent
 * in parallel, guesses hidden among successes, guesses whose answer is read and then abandoned.
 * Whatever the client does, the handler checks at most `limit` guesses.
 */
export function runBruteForceAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  async function attack(
    options: GuardOptions<HeaderBearer>,
    routes: readonly RouteSpec[],
    run: (url: string) => Promise<void>,
  ) {
    const recorder = recordingGuard({ getRoles: undefined, ...options })
    await withApp({ leakguard: recorder.guard, routes }, run)
    return recorder.events()
  }

  describe('attack: brute force on failures-only limits', () => {
    it(`checks ${LIMIT} of ${BURST} concurrent failing guesses and refuses the rest before the handler`, async () => {
      const wrong = loginRoute('/login', 401)
      const events = await attack(
        { routes: { 'POST /login': { rateLimit: LOGIN_LIMIT } } },
        [wrong.route],
        async (url) => {
          const statuses = await burst(BURST, () => post(`${url}/login`))
          expect(wrong.checked()).toBe(LIMIT)
          expect(tally(statuses)).toEqual({ 401: LIMIT, 429: BURST - LIMIT })
          expect((await post(`${url}/login`)).status).toBe(429)
        },
      )
      expect(events.filter((event) => event.type === 'ratelimit.exceeded')).toHaveLength(BURST - LIMIT + 1)
    })

    it(`checks ${LIMIT} of ${BURST} concurrent guesses whose answers are all still being sent`, async () => {
      // No response can finish before every guess has been decided: a limiter that counted
      // failures when responses finish would let all of them reach the handler.
      const wrong = loginRoute('/login', 401, { held: true })
      await attack({ routes: { 'POST /login': { rateLimit: LOGIN_LIMIT } } }, [wrong.route], async (url) => {
        const answers = await Promise.all(Array.from({ length: BURST }, () => postAndHold(`${url}/login`)))
        expect(wrong.checked()).toBe(LIMIT)
        expect(tally(answers.map((answer) => answer.status))).toEqual({ 401: LIMIT, 429: BURST - LIMIT })
        for (const answer of answers) answer.abandon()
        expect((await post(`${url}/login`)).status).toBe(429)
      })
    })

    it('counts a guess whose answer the client read and then abandoned before the body ended', async () => {
      const wrong = loginRoute('/login', 401, { held: true })
      await attack({ routes: { 'POST /login': { rateLimit: LOGIN_LIMIT } } }, [wrong.route], async (url) => {
        for (let i = 0; i < LIMIT; i++) {
          const answer = await postAndHold(`${url}/login`)
          answer.abandon()
          expect(answer.status).toBe(401)
        }
        for (let i = 0; i < 3; i++) expect((await post(`${url}/login`)).status).toBe(429)
        expect(wrong.checked()).toBe(LIMIT)
      })
    })

    it('holds the limit when it is given in the route options of the framework', async () => {
      const wrong = loginRoute('/login', 401, { held: true, routeOptions: { rateLimit: LOGIN_LIMIT } })
      await attack({}, [wrong.route], async (url) => {
        const answers = await Promise.all(Array.from({ length: BURST }, () => postAndHold(`${url}/login`)))
        for (const answer of answers) answer.abandon()
        expect(wrong.checked()).toBe(LIMIT)
        expect(tally(answers.map((answer) => answer.status))).toEqual({ 401: LIMIT, 429: BURST - LIMIT })
      })
    })

    it(`verifies at most ${LIMIT} of ${BURST} concurrent forged tokens (leakguard's own 401s)`, async () => {
      const key = await testKey('ES256')
      const auth = {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256' as const],
        jwks: { keys: [key.jwk] },
      }
      const me = loginRoute('/me', 200)
      const forged = `Bearer ${await signToken(key)}x`
      const events = await attack({ auth, rateLimit: LOGIN_LIMIT }, [me.route], async (url) => {
        const statuses = await burst(BURST, () => post(`${url}/me`, { authorization: forged }))
        expect(tally(statuses)).toEqual({ 401: LIMIT, 429: BURST - LIMIT })
        expect(me.checked()).toBe(0)
      })
      expect(events.filter((event) => event.type === 'auth.failed')).toHaveLength(LIMIT)
    })

    it('checks at most the limit of guesses hidden among concurrent successful requests', async () => {
      const wrong = loginRoute('/login/wrong', 401, { held: true })
      const right = loginRoute('/login/right', 200)
      const limit = 5
      const options = { rateLimit: { ...LOGIN_LIMIT, limits: [{ limit, window: '15m', name: 'login' }] } }
      await attack(options, [wrong.route, right.route], async (url) => {
        // Successes alone: at least `limit` pass even when sent at once, and each gives its
        // reservation back when it finishes.
        const successes = tally(await burst(BURST, () => post(`${url}/login/right`)))
        expect(successes[200]).toBeGreaterThanOrEqual(limit)
        expect(successes[200]! + (successes[429] ?? 0)).toBe(BURST)
        const after = await post(`${url}/login/right`)
        expect(after.status).toBe(200)
        // Only this request's own reservation is held.
        expect(parseRateLimitField(after.headers.ratelimit).login!.r).toBe(limit - 1)
        // Half guesses, half successes, at once, the guesses' answers held open.
        const answers = await Promise.all(
          Array.from({ length: BURST }, (_, i) =>
            i % 2 === 0 ? postAndHold(`${url}/login/wrong`) : post(`${url}/login/right`),
          ),
        )
        for (const answer of answers) if ('abandon' in answer) answer.abandon()
        const counts = tally(answers.map((answer) => answer.status))
        expect(wrong.checked()).toBeLessThanOrEqual(limit)
        expect(counts[401] ?? 0).toBe(wrong.checked())
        expect(counts[200] ?? 0).toBe(right.checked() - successes[200]! - 1)
        expect((counts[200] ?? 0) + (counts[401] ?? 0) + (counts[429] ?? 0)).toBe(BURST)
      })
    })
  })
}
