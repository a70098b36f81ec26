import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import {
  createGuard,
  createRateLimiter,
  LeakguardConfigError,
  type LeakguardEvent,
  MemoryStore,
  type RateLimitStore,
} from '../index.js'
import { newCounter, newLog, slidingLog, slidingWindow } from './algorithms.js'
import { clientAddressResolver, ipv6Prefix, normalizeIp } from './client-ip.js'

const random = seededRandom

/** Arrival times: bursts and lulls over `span` ms. */
function traffic(seed: number, count: number, span: number): number[] {
  const next = random(seed)
  const times: number[] = []
  let t = 0
  while (times.length < count && t < span) {
    t += next() < 0.1 ? next() * 2000 : next() * 30
    const burst = next() < 0.05 ? Math.floor(next() * 40) : 1
    for (let i = 0; i < burst; i++) times.push(Math.floor(t))
  }
  return times
}

/** The most admissions in any interval of `length` ms (a sliding check over sorted times). */
function maxInAnyInterval(admitted: readonly number[], length: number): number {
  let best = 0
  let from = 0
  for (let to = 0; to < admitted.length; to++) {
    while (admitted[to]! - admitted[from]! >= length) from++
    best = Math.max(best, to - from + 1)
  }
  return best
}

describe('sliding-window counter against a reference model', () => {
  const W = 1000
  const L = 20
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`never admits more than limit * (1 + d) in any interval of d * window (seed ${seed})`, () => {
      const state = newCounter()
      const admitted = traffic(seed, 20_000, 120_000).filter(
        (t) => slidingWindow(state, t + 10 * W, L, W, 1, 'consume').allowed,
      )
      expect(admitted.length).toBeGreaterThan(L * 20)
      for (const d of [0.01, 0.1, 0.25, 0.5, 1]) {
        expect(maxInAnyInterval(admitted, d * W)).toBeLessThanOrEqual(Math.floor(L * (1 + d)))
      }
    })
  }

  it('lets a boundary burst through once, where a fixed window admits it twice', () => {
    const state = newCounter()
    let fixedCount = 0
    let fixedWindow = -1
    const fixed = (t: number) => {
      const w = Math.floor(t / W)
      if (w !== fixedWindow) {
        fixedWindow = w
        fixedCount = 0
      }
      return fixedCount++ < L
    }
    const burst = [...Array(L).fill(W - 1), ...Array(L).fill(W + 1)] as number[]
    const slidingAdmitted = burst.filter((t) => slidingWindow(state, t, L, W, 1, 'consume').allowed).length
    const fixedAdmitted = burst.filter(fixed).length
    expect(fixedAdmitted).toBe(2 * L)
    expect(slidingAdmitted).toBe(L)
  })

  it('reports remaining, reset and a retry time after which the request passes', () => {
    const state = newCounter()
    for (let i = 0; i < L; i++) slidingWindow(state, 5000, L, W, 1, 'consume')
    const refused = slidingWindow(state, 5000, L, W, 1, 'consume')
    expect(refused).toMatchObject({ allowed: false, remaining: 0 })
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    const copy = { ...state }
    expect(slidingWindow(copy, 5000 + refused.retryAfterMs - 1, L, W, 1, 'check').allowed).toBe(false)
    expect(slidingWindow({ ...state }, 5000 + refused.retryAfterMs, L, W, 1, 'check').allowed).toBe(true)
    // Everything was charged at 5000, so all of it has left the sliding window at 5000 + W.
    expect(slidingWindow({ ...state }, 5000, L, W, 1, 'check').resetMs).toBe(W)
  })

  it('charges nothing on check and always on record', () => {
    const state = newCounter()
    slidingWindow(state, 0, 2, W, 1, 'check')
    expect(state.current).toBe(0)
    for (let i = 0; i < 3; i++) slidingWindow(state, 0, 2, W, 1, 'record')
    expect(state.current).toBe(3)
  })
})

describe('sliding log against a reference model', () => {
  const W = 1000
  const L = 20
  for (const seed of [11, 12, 13]) {
    it(`is exact: never more than limit in any window, and admits whenever the window has room (seed ${seed})`, () => {
      const state = newLog()
      const admitted: number[] = []
      for (const t of traffic(seed, 10_000, 60_000)) {
        const inWindow = admitted.filter((a) => a > t - W).length
        const verdict = slidingLog(state, t, L, W, 1, 'consume')
        expect(verdict.allowed).toBe(inWindow < L)
        if (verdict.allowed) admitted.push(t)
      }
      expect(maxInAnyInterval(admitted, W)).toBe(L)
    })
  }

  it('weights requests by cost and waits for enough old entries to leave', () => {
    const state = newLog()
    expect(slidingLog(state, 0, 10, W, 6, 'consume').allowed).toBe(true)
    expect(slidingLog(state, 100, 10, W, 3, 'consume').allowed).toBe(true)
    const refused = slidingLog(state, 200, 10, W, 5, 'consume')
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 800, remaining: 1 })
    expect(slidingLog(state, 1000, 10, W, 5, 'consume').allowed).toBe(true)
  })
})

describe('MemoryStore', () => {
  const limits = [{ limit: 5, windowMs: 1000, algorithm: 'sliding-window' as const }]

  it('stays bounded under a flood of unique keys, evicting the least recent', () => {
    const store = new MemoryStore({ maxKeys: 1000 })
    let evictions = 0
    for (let i = 0; i < 50_000; i++)
      if (store.consume(`k${i}`, limits, 1, 'consume').full === 'evicted') evictions++
    expect(store.size).toBe(1000)
    expect(evictions).toBe(49_000)
  })

  it('refuses new keys when full with whenFull: refuse, and never resets a counter', () => {
    let now = 0
    const store = new MemoryStore({ maxKeys: 2, whenFull: 'refuse', now: () => now })
    for (let i = 0; i < 5; i++) store.consume('victim', limits, 1, 'consume')
    store.consume('other', limits, 1, 'consume')
    expect(store.consume('attacker', limits, 1, 'consume')).toMatchObject({ allowed: false, full: 'refused' })
    expect(store.consume('victim', limits, 1, 'consume').allowed).toBe(false)
    now = 5000 // both keys expired: room again
    expect(store.consume('newcomer', limits, 1, 'consume').allowed).toBe(true)
  })

  it('charges every limit or none', () => {
    const store = new MemoryStore({ now: () => 0 })
    const two = [
      { limit: 2, windowMs: 1000, algorithm: 'sliding-window' as const },
      { limit: 100, windowMs: 3_600_000, algorithm: 'sliding-log' as const },
    ]
    for (let i = 0; i < 5; i++) store.consume('k', two, 1, 'consume')
    const decision = store.consume('k', two, 1, 'check')
    expect(decision.verdicts.map((v) => v.remaining)).toEqual([0, 98])
  })

  it('validates its options', () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(/maxKeys/)
    expect(() => new MemoryStore({ whenFull: 'drop' as never })).toThrow(/whenFull/)
  })
})

describe('client addresses', () => {
  it.each([
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::FFFF:cb00:7109', '203.0.113.9'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['not an ip', undefined],
  ])('normalizes %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected)
  })

  it('groups IPv6 clients by prefix', () => {
    expect(ipv6Prefix('2001:db8:abcd:12ff:1:2:3:4', 56)).toBe('2001:db8:abcd:1200::/56')
    expect(ipv6Prefix('2001:db8:abcd:12ff:1:2:3:4', 64)).toBe('2001:db8:abcd:12ff::/64')
    const resolver = clientAddressResolver(false, 56, 'x')
    expect(resolver.resolve('2001:db8:abcd:1201::9', undefined)).toBe(
      resolver.resolve('2001:db8:abcd:12ff::1', undefined),
    )
    expect(resolver.resolve('2001:db8:abcd:1301::9', undefined)).not.toBe(
      resolver.resolve('2001:db8:abcd:12ff::1', undefined),
    )
  })

  it('ignores X-Forwarded-For without trusted proxies', () => {
    const resolver = clientAddressResolver(false, 56, 'x')
    expect(resolver.ignoresForwardedFor).toBe(true)
    expect(resolver.resolve('10.0.0.1', '198.51.100.7')).toBe('10.0.0.1')
  })

  it('takes the address the configured number of hops left of the peer', () => {
    const resolver = clientAddressResolver(1, 56, 'x')
    expect(resolver.resolve('10.0.0.1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7')
    expect(resolver.resolve('10.0.0.1', undefined)).toBe('10.0.0.1')
    expect(clientAddressResolver(2, 56, 'x').resolve('10.0.0.1', '198.51.100.7, 10.0.0.2')).toBe(
      '198.51.100.7',
    )
  })

  it('walks trusted CIDR ranges right to left and stops at the first untrusted hop', () => {
    const resolver = clientAddressResolver(['10.0.0.0/8', 'fd00::/8'], 56, 'x')
    expect(resolver.resolve('10.1.2.3', '6.6.6.6, 198.51.100.7, 10.9.9.9')).toBe('198.51.100.7')
    expect(resolver.resolve('::ffff:10.1.2.3', '198.51.100.7')).toBe('198.51.100.7')
    // A spoofed header from an untrusted peer is ignored.
    expect(resolver.resolve('203.0.113.5', '198.51.100.7')).toBe('203.0.113.5')
    // Garbage stops the walk at the last real hop.
    expect(resolver.resolve('10.1.2.3', '198.51.100.7, <script>')).toBe('10.1.2.3')
  })

  it('refuses bad trustProxy values', () => {
    expect(() => clientAddressResolver(['10.0.0.0/33'], 56, 'rateLimit.trustProxy')).toThrow(
      /trustProxy\[0\]/,
    )
    expect(() => clientAddressResolver(true, 56, 'rateLimit.trustProxy')).toThrow(/hop count/)
  })
})

describe('createRateLimiter', () => {
  it('charges every limit and answers with the most restrictive', async () => {
    const limiter = createRateLimiter({
      limits: [
        { limit: 3, window: '1s' },
        { limit: 5, window: '1h', name: 'hourly' },
      ],
    })
    const results = []
    for (let i = 0; i < 4; i++) results.push(await limiter.consume('client-1'))
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ])
    expect(results[3]!.retryAfterMs).toBeGreaterThan(0)
    expect(results[3]!.limits.map((l) => l.name)).toEqual(['3-per-1s', 'hourly'])
    expect((await limiter.consume('client-2', 3)).remaining).toBe(0)
  })

  it('follows the outage policy when the store fails', async () => {
    const broken: RateLimitStore = {
      consume: () => Promise.reject(new Error('ECONNREFUSED')),
    }
    const closed = createRateLimiter({ limits: [{ limit: 1, window: '1s' }], store: broken })
    await expect(closed.consume('k')).rejects.toMatchObject({ code: 'ERR_LG_RATELIMIT_STORE_FAILED' })
    const open = createRateLimiter({ limits: [{ limit: 1, window: '1s' }], store: broken, failOpen: true })
    await expect(open.consume('k')).resolves.toMatchObject({ allowed: true })
  })

  it.each([
    [{ limits: [] }, 'options.limits'],
    [{ limits: [{ limit: 0, window: '1s' }] }, 'options.limits[0].limit'],
    [{ limits: [{ limit: 1, window: '10ms' }] }, 'options.limits[0].window'],
    [{ limits: [{ limit: 1 }] }, 'options.limits[0].window'],
    [{ limits: [{ limit: 1, window: '1s', name: 'a b' }] }, 'options.limits[0].name'],
    [
      {
        limits: [
          { limit: 1, window: '1s' },
          { limit: 2, window: '1s', name: '1-per-1s' },
        ],
      },
      'used twice',
    ],
    [{ limits: [{ limit: 1, window: '1s' }], store: {} }, 'options.store'],
    [{ limits: [{ limit: 1, window: '1s' }], algorithm: 'fixed' }, 'options.algorithm'],
  ])('refuses %j', (options, message) => {
    expect(() => createRateLimiter(options as never)).toThrow(LeakguardConfigError)
    expect(() => createRateLimiter(options as never)).toThrow(message)
  })
})

describe('guard rate limiting', () => {
  const request = (guard: ReturnType<typeof createGuard>, extra: { clientAddress?: string } = {}) =>
    guard.startRequest({ method: 'GET', path: '/login', native: {}, clientAddress: '198.51.100.7', ...extra })

  function recording(options: Parameters<typeof createGuard>[0]) {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ ...options, audit: { onEvent: (e) => void events.push(e) } })
    return { guard, events: async () => (await guard.flush(), events) }
  }

  it('answers 429 with Retry-After no earlier than the RateLimit t, and headers parsed back', async () => {
    const { guard, events } = recording({
      rateLimit: { limits: [{ limit: 2, window: '10s', name: 'burst' }] },
    })
    const first = await guard.checkRequest(request(guard), { headers: {} })
    expect(first).toMatchObject({ allowed: true, headers: { 'ratelimit-policy': '"burst";q=2;w=10' } })
    if (!first.allowed) return
    // t: until the whole quota is back, when the request has left the 10 s sliding window.
    expect(first.headers.ratelimit).toBe('"burst";r=1;t=10')
    await guard.checkRequest(request(guard), { headers: {} })
    const refused = await guard.checkRequest(request(guard), { headers: {} })
    expect(refused).toMatchObject({ allowed: false, status: 429, code: 'ERR_LG_RATELIMIT_EXCEEDED' })
    if (refused.allowed) return
    const t = Number(/;t=(\d+)/.exec(refused.headers.ratelimit!)![1])
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(t)
    expect(refused.headers.ratelimit).toMatch(/^"burst";r=0;t=\d+$/)
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' })
    const exceeded = (await events()).filter((e) => e.type === 'ratelimit.exceeded')
    expect(exceeded).toMatchObject([{ limit: { name: 'burst', quota: 2, windowMs: 10_000 }, key: 'ip' }])
    expect(JSON.stringify(exceeded)).not.toContain('198.51.100.7'.replace(/\./g, '\\.'))
  })

  it('counts only failures with failuresOnly, then refuses everything', async () => {
    const guard = createGuard({
      routes: { 'GET /login': { rateLimit: { limits: [{ limit: 2, window: '1m' }], failuresOnly: true } } },
    })
    for (let i = 0; i < 5; i++) {
      const context = request(guard)
      expect(await guard.checkRequest(context, { headers: {} })).toMatchObject({ allowed: true })
      guard.endRequest(context, 200)
    }
    for (let i = 0; i < 2; i++) {
      const context = request(guard)
      await guard.checkRequest(context, { headers: {} })
      guard.endRequest(context, 401)
    }
    await new Promise((resolve) => setImmediate(resolve))
    expect(await guard.checkRequest(request(guard), { headers: {} })).toMatchObject({
      allowed: false,
      status: 429,
    })
  })

  it('fails closed with 503 or open, with an event either way, when the store fails', async () => {
    const broken: RateLimitStore = {
      consume: () => {
        throw new Error('down')
      },
    }
    const closed = recording({ rateLimit: { limits: [{ limit: 5, window: '1s' }], store: broken } })
    expect(await closed.guard.checkRequest(request(closed.guard), { headers: {} })).toMatchObject({
      allowed: false,
      status: 503,
      headers: { 'retry-after': '1' },
    })
    const open = recording({
      rateLimit: { limits: [{ limit: 5, window: '1s' }], store: broken, failOpen: true },
    })
    expect(await open.guard.checkRequest(request(open.guard), { headers: {} })).toMatchObject({
      allowed: true,
    })
    expect((await closed.events()).map((e) => e.type)).toContain('ratelimit.store_error')
    expect((await open.events()).find((e) => e.type === 'ratelimit.store_error')).toMatchObject({
      failOpen: true,
    })
  })

  it('warns once when X-Forwarded-For arrives without trusted proxies', async () => {
    const { guard, events } = recording({ rateLimit: { limits: [{ limit: 5, window: '1s' }] } })
    for (let i = 0; i < 3; i++)
      await guard.checkRequest(request(guard), { headers: { 'x-forwarded-for': '6.6.6.6' } })
    const warnings = (await events()).filter((e) => e.type === 'config.warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ warning: { code: 'ERR_LG_RATELIMIT_PROXY_IGNORED' } })
  })

  it('exempts routes with rateLimit: false and keys by route, API key or principal', async () => {
    const guard = createGuard({
      rateLimit: { limits: [{ limit: 1, window: '1m' }] },
      routes: {
        'GET /health': { rateLimit: false },
        'GET /search': { rateLimit: { limits: [{ limit: 2, window: '1m' }], key: 'apiKey' } },
      },
    })
    const at = (path: string, clientAddress: string) =>
      guard.startRequest({ method: 'GET', path, native: {}, clientAddress })
    for (let i = 0; i < 3; i++)
      expect(await guard.checkRequest(at('/health', '1.1.1.1'), { headers: {} })).toMatchObject({
        allowed: true,
      })
    // /search goes through the global limit (per address) and its own (per API key).
    expect(
      await guard.checkRequest(at('/search', '2.2.2.2'), { headers: { 'x-api-key': 'k1' } }),
    ).toMatchObject({ allowed: true })
    expect(
      await guard.checkRequest(at('/search', '3.3.3.3'), { headers: { 'x-api-key': 'k1' } }),
    ).toMatchObject({ allowed: true })
    expect(
      await guard.checkRequest(at('/search', '4.4.4.4'), { headers: { 'x-api-key': 'k1' } }),
    ).toMatchObject({ status: 429 })
  })

  it('validates rateLimit options at startup', () => {
    expect(() => createGuard({ rateLimit: { limits: [{ limit: 1, window: 'soon' as never }] } })).toThrow(
      /rateLimit\.limits\[0\]\.window/,
    )
    expect(() => createGuard({ routes: { 'GET /x': { rateLimit: [{ limit: -1, window: '1s' }] } } })).toThrow(
      /routes\["GET \/x"\]\.rateLimit/,
    )
    expect(() => createGuard({ rateLimit: { key: 'cookie' as never } })).toThrow(/rateLimit\.key/)
    expect(() => createGuard({ rateLimit: { limits: [{ limit: 2, window: '1s' }], cost: 3 } })).toThrow(
      /never pass/,
    )
    expect(() => createGuard({ rateLimit: { trustProxy: ['x'] } })).toThrow(/trustProxy\[0\]/)
  })
})

describe('a full MemoryStore through a guard', () => {
  it('answers new clients 429 ERR_LG_RATELIMIT_STORE_FULL with whenFull: refuse, and reports it once a second', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      rateLimit: {
        limits: [{ limit: 5, window: '1m' }],
        store: new MemoryStore({ maxKeys: 2, whenFull: 'refuse' }),
      },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const from = (clientAddress: string) =>
      guard.checkRequest(guard.startRequest({ method: 'GET', path: '/', native: {}, clientAddress }), {
        headers: {},
      })
    expect(await from('1.1.1.1')).toMatchObject({ allowed: true })
    expect(await from('2.2.2.2')).toMatchObject({ allowed: true })
    for (const ip of ['3.3.3.3', '4.4.4.4', '5.5.5.5']) {
      expect(await from(ip)).toMatchObject({
        allowed: false,
        status: 429,
        code: 'ERR_LG_RATELIMIT_STORE_FULL',
      })
    }
    expect(await from('1.1.1.1')).toMatchObject({ allowed: true })
    await guard.flush()
    expect(events.filter((e) => e.type === 'ratelimit.store_full')).toMatchObject([
      { policy: 'refused', count: 1 },
    ])
  })
})
