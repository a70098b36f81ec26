import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import {
  createGuard,
  type GuardOptions,
  type LeakguardEvent,
  MemoryStore,
  type RateLimitStore,
} from '../index.js'

/** Parses `RateLimit` / `RateLimit-Policy` items: `"name";q=1;w=2` -> { name: { q: 1, w: 2 } }. */
function items(field: string | undefined): Record<string, Record<string, number>> {
  const parsed: Record<string, Record<string, number>> = {}
  for (const member of (field ?? '').split(', ').filter(Boolean)) {
    const [name, ...params] = member.split(';')
    parsed[JSON.parse(name!) as string] = Object.fromEntries(
      params.map((param) => [param.split('=')[0]!, Number(param.split('=')[1])]),
    )
  }
  return parsed
}

const random = seededRandom

function recording(options: GuardOptions) {
  const events: LeakguardEvent[] = []
  const guard = createGuard({ ...options, audit: { onEvent: (e) => void events.push(e) } })
  const start = (path: string, clientAddress = '198.51.100.7') =>
    guard.startRequest({ method: 'GET', path, native: {}, clientAddress })
  const check = (path: string, clientAddress?: string) =>
    guard.checkRequest(start(path, clientAddress), { headers: {} })
  const flushed = async () => {
    await guard.flush()
    return events
  }
  return { guard, start, check, events: flushed }
}

describe('RateLimit t and Retry-After through a guard', () => {
  it('shows t no larger than w after one failure on a 900 s window (issue 13 item 8)', async () => {
    // 97 s into a 900 s fixed window: the counter's estimate decays to zero only 1703 s later.
    const store = new MemoryStore({ now: () => 1_000 * 900_000 + 97_000 })
    const { guard } = recording({
      rateLimit: { store },
      routes: {
        'POST /login': {
          rateLimit: { limits: [{ limit: 5, window: '15m', name: 'login' }], failuresOnly: true },
        },
      },
    })
    const login = () =>
      guard.startRequest({ method: 'POST', path: '/login', native: {}, clientAddress: '::1' })
    const failed = login()
    await guard.checkRequest(failed, { headers: {} })
    guard.endRequest(failed, 401)
    const next = await guard.checkRequest(login(), { headers: {} })
    // One failure, and this request's own reservation until its response says otherwise.
    expect(items(next.headers.ratelimit)).toEqual({ login: { r: 3, t: 900 } })
  })

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`keeps t within w, and Retry-After no earlier than any exhausted t, on random traffic (seed ${seed})`, async () => {
      const next = random(seed)
      let now = 1_700_000_000_000
      const { guard } = recording({
        rateLimit: {
          store: new MemoryStore({ now: () => now }),
          limits: [
            { limit: 6, window: '15m', name: 'quarter' },
            { limit: 3, window: '10s', name: 'burst', algorithm: 'sliding-log' },
          ],
        },
        routes: {
          'GET /login': {
            rateLimit: {
              limits: [{ limit: 2, window: '1m', name: 'login' }],
              failuresOnly: true,
              resetOnSuccess: seed % 2 === 0,
            },
          },
          'GET /export': {
            rateLimit: [{ limit: 2, window: '30s', name: 'export', algorithm: 'sliding-log' }],
          },
        },
      })
      let refusals = 0
      for (let i = 0; i < 400; i++) {
        now += next() < 0.1 ? Math.floor(next() * 1_000_000) : Math.floor(next() * 4000)
        const path = ['/login', '/export', '/items'][Math.floor(next() * 3)]!
        const context = guard.startRequest({ method: 'GET', path, native: {}, clientAddress: '203.0.113.9' })
        const decision = await guard.checkRequest(context, { headers: {} })
        const policy = items(decision.headers['ratelimit-policy'])
        const state = items(decision.headers.ratelimit)
        for (const [name, { t }] of Object.entries(state)) expect(t).toBeLessThanOrEqual(policy[name]!.w!)
        if (decision.allowed) {
          guard.endRequest(context, next() < 0.5 ? 401 : 200)
          continue
        }
        refusals++
        const retryAfter = Number(decision.headers['retry-after'])
        for (const { r, t } of Object.values(state))
          if (r === 0) expect(retryAfter).toBeGreaterThanOrEqual(t!)
      }
      expect(refusals).toBeGreaterThan(20)
    })
  }
})

describe('all-or-nothing charging across limiters', () => {
  const limits = { rateLimit: { limits: [{ limit: 3, window: '1m', name: 'global' }] } }

  it("gives the guard's budget back when a route limit refuses the request", async () => {
    const { check } = recording({
      ...limits,
      routes: { 'GET /export': { rateLimit: [{ limit: 1, window: '1m', name: 'export' }] } },
    })
    expect(items((await check('/export')).headers.ratelimit).global).toMatchObject({ r: 2 })
    const refused = await check('/export')
    expect(refused).toMatchObject({ allowed: false, status: 429 })
    // The refused request is not counted: the guard's limit still has 2 left.
    expect(items(refused.headers.ratelimit)).toMatchObject({ global: { r: 2 }, export: { r: 0 } })
    expect(await check('/items')).toMatchObject({ allowed: true })
    expect(await check('/items')).toMatchObject({ allowed: true })
    expect(await check('/items')).toMatchObject({ allowed: false, status: 429 })
  })

  it('gives it back when the route limit runs in a later check (the Express and Koa route helpers)', async () => {
    const { guard, start, check } = recording(limits)
    const exportRoute = guard.compileRoute({ rateLimit: [{ limit: 1, window: '1m', name: 'export' }] })
    const viaHelper = async () => {
      const context = start('/export')
      const first = await guard.checkRequest(context, { headers: {} })
      return first.allowed ? guard.checkRequest(context, { headers: {}, routeOptions: exportRoute }) : first
    }
    expect(await viaHelper()).toMatchObject({ allowed: true })
    expect(await viaHelper()).toMatchObject({ allowed: false, status: 429 })
    expect(await viaHelper()).toMatchObject({ allowed: false, status: 429 })
    expect(items((await check('/items')).headers.ratelimit).global).toMatchObject({ r: 1 })
  })

  it('gives it back when the store fails closed, and does not count the refusal as a failure', async () => {
    const failing: RateLimitStore = {
      consume: (key, storeLimits, cost, mode) => {
        if (storeLimits[0]!.limit === 9) throw new Error('down')
        return shared.consume(key, storeLimits, cost, mode)
      },
      refund: (...args) => shared.refund(...args),
    }
    const shared = new MemoryStore()
    const { guard, start, check } = recording({
      rateLimit: {
        store: failing,
        limits: [{ limit: 2, window: '1m', name: 'global' }],
        failuresOnly: true,
        failureStatuses: [401, 503],
      },
      routes: { 'GET /flaky': { rateLimit: { limits: [{ limit: 9, window: '1m' }], failuresOnly: false } } },
    })
    for (let i = 0; i < 3; i++) {
      const context = start('/flaky')
      expect(await guard.checkRequest(context, { headers: {} })).toMatchObject({ status: 503 })
      guard.endRequest(context, 503)
    }
    expect(await check('/items')).toMatchObject({ allowed: true })
  })

  it('warns once, and keeps the charge, when the store cannot refund', async () => {
    const memory = new MemoryStore()
    const legacy: RateLimitStore = { consume: (...args) => memory.consume(...args) }
    const { check, events } = recording({
      rateLimit: { ...limits.rateLimit, store: legacy },
      routes: { 'GET /export': { rateLimit: [{ limit: 1, window: '1m' }] } },
    })
    await check('/export')
    expect(await check('/export')).toMatchObject({ status: 429 })
    expect(await check('/export')).toMatchObject({ status: 429 })
    expect(await check('/items')).toMatchObject({ status: 429 })
    const warnings = (await events()).filter((e) => e.type === 'config.warning')
    expect(warnings).toMatchObject([{ warning: { code: 'ERR_LG_RATELIMIT_NO_REFUND' } }])
  })

  it('stays quiet about a store that cannot refund once ignoreWarnings acknowledges it', async () => {
    const memory = new MemoryStore()
    const legacy: RateLimitStore = { consume: (...args) => memory.consume(...args) }
    const { check, events } = recording({
      rateLimit: { ...limits.rateLimit, store: legacy },
      routes: { 'GET /export': { rateLimit: [{ limit: 1, window: '1m' }] } },
      ignoreWarnings: ['ERR_LG_RATELIMIT_NO_REFUND'],
    })
    await check('/export')
    expect(await check('/export')).toMatchObject({ status: 429 })
    expect((await events()).filter((e) => e.type === 'config.warning')).toEqual([])
  })

  it('reports a refund the store could not make, and still refuses', async () => {
    const memory = new MemoryStore()
    const flaky: RateLimitStore = {
      consume: (...args) => memory.consume(...args),
      refund: () => Promise.reject(new Error('connection reset')),
    }
    const { check, events } = recording({
      rateLimit: { ...limits.rateLimit, store: flaky },
      routes: { 'GET /export': { rateLimit: [{ limit: 1, window: '1m' }] } },
    })
    await check('/export')
    expect(await check('/export')).toMatchObject({ status: 429 })
    expect((await events()).filter((e) => e.type === 'ratelimit.store_error')).toMatchObject([
      { reason: { code: 'ERR_LG_RATELIMIT_STORE_FAILED' } },
    ])
  })
})

describe('resetOnSuccess', () => {
  const login = (resetOnSuccess: boolean) =>
    recording({
      routes: {
        'GET /login': {
          rateLimit: { limits: [{ limit: 3, window: '15m' }], failuresOnly: true, resetOnSuccess },
        },
      },
    })

  async function attempt(guard: ReturnType<typeof login>['guard'], status: number) {
    const context = guard.startRequest({
      method: 'GET',
      path: '/login',
      native: {},
      clientAddress: '192.0.2.1',
    })
    const decision = await guard.checkRequest(context, { headers: {} })
    if (decision.allowed) guard.endRequest(context, status)
    return decision.allowed ? status : decision.status
  }

  it('forgets the failures counted for the key when a response succeeds', async () => {
    const { guard } = login(true)
    const statuses = []
    for (const status of [401, 401, 200, 401, 401, 401, 401]) statuses.push(await attempt(guard, status))
    expect(statuses).toEqual([401, 401, 200, 401, 401, 401, 429])
  })

  it('keeps counting across successes without it', async () => {
    const { guard } = login(false)
    const statuses = []
    for (const status of [401, 401, 200, 401, 401]) statuses.push(await attempt(guard, status))
    expect(statuses).toEqual([401, 401, 200, 401, 429])
  })

  it('refuses a correct password once the limit is hit, and a 5xx forgets nothing', async () => {
    const { guard } = login(true)
    for (const status of [401, 401, 500]) await attempt(guard, status)
    expect(await attempt(guard, 401)).toBe(401)
    expect(await attempt(guard, 200)).toBe(429)
  })

  it('is validated at startup', () => {
    const limits = [{ limit: 3, window: '1m' }]
    expect(() => createGuard({ rateLimit: { limits, resetOnSuccess: true } })).toThrow(
      /rateLimit\.resetOnSuccess: .*needs failuresOnly: true/,
    )
    expect(() =>
      createGuard({ rateLimit: { limits, failuresOnly: true, resetOnSuccess: 'yes' as never } }),
    ).toThrow(/rateLimit\.resetOnSuccess: expected a boolean/)
    const legacy: RateLimitStore = { consume: () => ({ allowed: true, verdicts: [] }) }
    expect(() =>
      createGuard({
        rateLimit: { store: legacy },
        routes: { 'GET /login': { rateLimit: { limits, failuresOnly: true, resetOnSuccess: true } } },
      }),
    ).toThrow(/routes\["GET \/login"\]\.rateLimit\.resetOnSuccess: needs a store with a reset/)
  })
})

describe('failures-only limits under concurrency: count before, refund after', () => {
  const login = (extra: Record<string, unknown> = {}) => ({
    routes: {
      'POST /login': {
        rateLimit: { limits: [{ limit: 3, window: '15m', name: 'login' }], failuresOnly: true, ...extra },
      },
    },
  })

  /** A MemoryStore that answers on a later turn of the event loop, as a networked store does. */
  function remote(memory = new MemoryStore()): RateLimitStore {
    const later = <T>(answer: () => T) => new Promise<T>((resolve) => setImmediate(() => resolve(answer())))
    return {
      consume: (...args) => later(() => memory.consume(...args)),
      refund: (...args) => later(() => memory.refund(...args)),
      reset: (...args) => later(() => memory.reset(...args)),
    }
  }

  function attempts(options: GuardOptions) {
    const recorder = recording(options)
    const open = async (clientAddress = '203.0.113.5') => {
      const context = recorder.guard.startRequest({
        method: 'POST',
        path: '/login',
        native: {},
        clientAddress,
      })
      return { context, decision: await recorder.guard.checkRequest(context, { headers: {} }) }
    }
    return { ...recorder, open }
  }

  /** Lets the refunds and resets endRequest starts in the background land. */
  const settled = () => new Promise((resolve) => setTimeout(resolve, 5))

  for (const [name, store] of [
    ['MemoryStore', () => new MemoryStore()],
    ['an asynchronous store', () => remote()],
  ] as const) {
    it(`admits at most the limit of 100 concurrent failing attempts (${name})`, async () => {
      const { guard, open } = attempts({ rateLimit: { store: store() }, ...login() })
      const burst = await Promise.all(Array.from({ length: 100 }, () => open()))
      const admitted = burst.filter(({ decision }) => decision.allowed)
      expect(admitted).toHaveLength(3)
      for (const { context } of admitted) guard.endRequest(context, 401)
      expect(burst.filter(({ decision }) => !decision.allowed && decision.status === 429)).toHaveLength(97)
      expect((await open()).decision).toMatchObject({ allowed: false, status: 429 })
    })

    it(`gives a success's reservation back, so normal traffic is never limited (${name})`, async () => {
      const { guard, open } = attempts({ rateLimit: { store: store() }, ...login() })
      for (let round = 0; round < 5; round++) {
        const burst = await Promise.all(Array.from({ length: 10 }, () => open()))
        expect(burst.filter(({ decision }) => decision.allowed)).toHaveLength(3)
        for (const { context, decision } of burst) if (decision.allowed) guard.endRequest(context, 200)
        await settled()
      }
      const failures = await Promise.all(Array.from({ length: 3 }, () => open()))
      for (const { context } of failures) guard.endRequest(context, 404)
      expect((await open()).decision).toMatchObject({ allowed: false, status: 429 })
    })
  }

  it('counts a request whose response never finishes (an aborted guess) as a failure', async () => {
    const { guard, open } = attempts(login())
    const aborted = await Promise.all([open(), open(), open()])
    expect(aborted.every(({ decision }) => decision.allowed)).toBe(true)
    // The adapters call endRequest only for a finished response: these three never finish.
    await settled()
    expect((await open()).decision).toMatchObject({ allowed: false, status: 429 })
    const { context } = aborted[0]!
    guard.endRequest(context, 200)
    await settled()
    expect((await open()).decision).toMatchObject({ allowed: true })
  })

  it('refunds a status outside failureStatuses (a 500) without forgetting earlier failures', async () => {
    const { guard, open } = attempts(login({ resetOnSuccess: true }))
    for (const status of [401, 401, 500, 503]) {
      const { context, decision } = await open()
      expect(decision.allowed).toBe(true)
      guard.endRequest(context, status)
    }
    await settled()
    expect((await open()).decision).toMatchObject({ allowed: true })
    expect((await open()).decision).toMatchObject({ allowed: false, status: 429 })
  })

  it('counts only the statuses of failureStatuses, a 2xx listed there included', async () => {
    const { guard, open } = attempts(login({ failureStatuses: [200] }))
    for (const status of [401, 403, 404]) guard.endRequest((await open()).context, status)
    await settled()
    for (let i = 0; i < 3; i++) guard.endRequest((await open()).context, 200)
    expect((await open()).decision).toMatchObject({ allowed: false, status: 429 })
  })

  it('shows the reservation in RateLimit, and a refunded request leaves the budget whole', async () => {
    const { guard, open } = attempts(login())
    const first = await open()
    expect(items(first.decision.headers.ratelimit).login).toMatchObject({ r: 2 })
    guard.endRequest(first.context, 200)
    await settled()
    const second = await open()
    expect(items(second.decision.headers.ratelimit).login).toMatchObject({ r: 2 })
    guard.endRequest(second.context, 401)
    expect(items((await open()).decision.headers.ratelimit).login).toMatchObject({ r: 1 })
  })

  it('reserves and refunds what a cost function says a request costs', async () => {
    const { guard, open } = attempts(
      login({ cost: () => 2, limits: [{ limit: 5, window: '1m', name: 'login' }] }),
    )
    const burst = await Promise.all(Array.from({ length: 10 }, () => open()))
    const admitted = burst.filter(({ decision }) => decision.allowed)
    expect(admitted).toHaveLength(2)
    for (const { context } of admitted) guard.endRequest(context, 204)
    await settled()
    expect(
      (await Promise.all(Array.from({ length: 10 }, () => open()))).filter((a) => a.decision.allowed),
    ).toHaveLength(2)
  })

  it('gives a failures-only reservation back when another limiter refuses the request', async () => {
    const { guard, open } = attempts({
      rateLimit: { limits: [{ limit: 2, window: '1m', name: 'failures' }], failuresOnly: true },
      routes: {
        'POST /login': {
          rateLimit: { limits: [{ limit: 1, window: '1m', name: 'route' }], failuresOnly: false },
        },
      },
    })
    guard.endRequest((await open()).context, 401)
    for (let i = 0; i < 3; i++) {
      const refused = await open()
      expect(refused.decision).toMatchObject({ allowed: false, status: 429 })
      expect(items(refused.decision.headers.ratelimit)).toMatchObject({ failures: { r: 1 }, route: { r: 0 } })
    }
  })

  it('reports a refund the store could not make as a store error, and keeps serving', async () => {
    const memory = new MemoryStore()
    const { guard, open, events } = attempts({
      rateLimit: {
        store: {
          consume: (...args) => memory.consume(...args),
          refund: () => Promise.reject(new Error('connection reset')),
        },
      },
      ...login(),
    })
    const { context } = await open()
    expect(() => guard.endRequest(context, 200)).not.toThrow()
    await settled()
    expect((await events()).filter((e) => e.type === 'ratelimit.store_error')).toMatchObject([
      { reason: { code: 'ERR_LG_RATELIMIT_STORE_FAILED' }, request: { status: 200 } },
    ])
    // The success stays counted: the store kept it.
    expect(items((await open()).decision.headers.ratelimit).login).toMatchObject({ r: 1 })
  })

  it('counts every request on a store that cannot refund, and says so once', async () => {
    const memory = new MemoryStore()
    const legacy: RateLimitStore = { consume: (...args) => memory.consume(...args) }
    const { guard, open, events } = attempts({ rateLimit: { store: legacy }, ...login() })
    const burst = await Promise.all(Array.from({ length: 20 }, () => open()))
    const admitted = burst.filter(({ decision }) => decision.allowed)
    expect(admitted).toHaveLength(3)
    for (const { context } of admitted) guard.endRequest(context, 200)
    await settled()
    expect((await open()).decision).toMatchObject({ allowed: false, status: 429 })
    const warnings = (await events()).filter((e) => e.type === 'config.warning')
    expect(warnings).toMatchObject([{ warning: { code: 'ERR_LG_RATELIMIT_NO_REFUND' } }])
  })

  it("refuses nothing in mode 'report', reports what it would refuse, and never counts past the limit", async () => {
    const { guard, open, events } = attempts({ mode: 'report', ...login() })
    const burst = await Promise.all(Array.from({ length: 100 }, () => open()))
    expect(burst.every(({ decision }) => decision.allowed)).toBe(true)
    for (const { context } of burst) guard.endRequest(context, 401)
    expect((await events()).filter((e) => e.type === 'ratelimit.exceeded')).toHaveLength(97)
    expect(items((await open()).decision.headers.ratelimit).login).toMatchObject({ r: 0 })
  })
})
