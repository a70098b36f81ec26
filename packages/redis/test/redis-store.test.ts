import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import {
  createGuard,
  createRateLimiter,
  type LeakguardEvent,
  type RateLimitStore,
  type StoreLimit,
} from '@leakguard/core'
import { parseRateLimitField } from '@leakguard/test-utils'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisStore } from '../src/index.js'

const REDIS = { host: '127.0.0.1', port: 6379 }

async function reachable(port: number): Promise<boolean> {
  const client = new Redis({
    ...REDIS,
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  try {
    await client.connect()
    await client.ping()
    return true
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

const available = await reachable(REDIS.port)
if (!available && process.env.CI === 'true') {
  throw new Error(
    'Redis is not answering on 127.0.0.1:6379: .ci/run starts it; the Redis store tests must run under CI',
  )
}
const suite = available ? describe : describe.skip
if (!available)
  console.warn('Redis is not answering on 127.0.0.1:6379: the Redis store tests are skipped (CI would fail).')

const counter = (limit: number, windowMs = 60_000): StoreLimit => ({
  limit,
  windowMs,
  algorithm: 'sliding-window',
})
const log = (limit: number, windowMs = 60_000): StoreLimit => ({ limit, windowMs, algorithm: 'sliding-log' })

/**
 * A client address of its own for each test run: the Redis server outlives runs, and long windows
 * keep what a previous run counted (16 million addresses: two runs never meet).
 */
function freshClient(): string {
  const octet = () => Math.floor(Math.random() * 256)
  return `10.${octet()}.${octet()}.${octet()}`
}

/** Polls (up to 15 s: a loaded CI machine starts redis-server slowly) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after 15 s`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const ready = (client: Redis) => until(() => client.status === 'ready', 'the redis client to be ready')

/** A client of a port nothing listens on, retrying for ever (what a timeout must cut short). */
async function deadClient(): Promise<Redis> {
  const dead = new Redis({
    ...REDIS,
    port: await freePort(),
    lazyConnect: true,
    retryStrategy: () => 50,
    maxRetriesPerRequest: null,
  })
  dead.on('error', () => {})
  return dead
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

suite('RedisStore against a real Redis', () => {
  let io: Redis
  let node: ReturnType<typeof createClient>

  beforeAll(async () => {
    io = new Redis(REDIS)
    node = createClient({ socket: REDIS })
    await node.connect()
  })
  afterAll(async () => {
    await io.quit()
    await node.quit()
  })

  describe.each([
    ['ioredis', () => io],
    ['node-redis', () => node],
  ] as const)('with %s', (_name, client) => {
    it('admits the limit, then refuses, with remaining and retry times', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const decisions = []
      for (let i = 0; i < 4; i++) decisions.push(await store.consume(key, [counter(3)], 1, 'consume'))
      expect(decisions.map((d) => [d.allowed, d.verdicts[0]!.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ])
      expect(decisions[3]!.verdicts[0]!.retryAfterMs).toBeGreaterThan(0)
    })

    it('charges every limit or none, and keeps an exact sliding log', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      for (let i = 0; i < 5; i++) await store.consume(key, [counter(2), log(100, 3_600_000)], 1, 'consume')
      const check = await store.consume(key, [counter(2), log(100, 3_600_000)], 1, 'check')
      expect(check.verdicts.map((v) => v.remaining)).toEqual([0, 98])
      const costly = randomUUID()
      expect((await store.consume(costly, [log(10)], 6, 'consume')).allowed).toBe(true)
      expect((await store.consume(costly, [log(10)], 5, 'consume')).allowed).toBe(false)
      expect((await store.consume(costly, [log(10)], 4, 'consume')).verdicts[0]!.remaining).toBe(0)
    })

    it('counts records whatever the limit, and check charges nothing', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      for (let i = 0; i < 3; i++) await store.consume(key, [counter(2)], 1, 'check')
      expect((await store.consume(key, [counter(2)], 1, 'check')).allowed).toBe(true)
      for (let i = 0; i < 2; i++) await store.consume(key, [counter(2)], 1, 'record')
      expect((await store.consume(key, [counter(2)], 1, 'check')).allowed).toBe(false)
    })
  })

  describe.each([
    ['ioredis', () => io],
    ['node-redis', () => node],
  ] as const)('refunds, resets and reset times with %s', (_name, client) => {
    it('reports t no larger than the window after one failure on a 900 s window (issue 13 item 8)', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const limits = [counter(5, 900_000), log(5, 900_000)]
      const recorded = await store.consume(key, limits, 1, 'record')
      const checked = await store.consume(key, limits, 1, 'check')
      for (const verdict of [...recorded.verdicts, ...checked.verdicts]) {
        expect(verdict.remaining).toBe(4)
        expect(verdict.resetMs).toBeGreaterThan(899_000)
        expect(verdict.resetMs).toBeLessThanOrEqual(900_000)
      }
    })

    it('keeps reset and retry times within the window through charges, refusals and refunds', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const limits = [counter(4, 2000), log(6, 3000)]
      const charges: { cost: number; at: number }[] = []
      for (let i = 0; i < 40; i++) {
        const cost = 1 + (i % 3)
        if (i % 7 === 6 && charges.length > 0) {
          const charge = charges.shift()!
          await store.refund(key, limits, charge.cost, charge.at)
          continue
        }
        const decision = await store.consume(key, limits, cost, i % 5 === 4 ? 'record' : 'consume')
        if (decision.chargedAt !== undefined) charges.push({ cost, at: decision.chargedAt })
        decision.verdicts.forEach((verdict, j) => {
          expect(verdict.resetMs).toBeLessThanOrEqual(limits[j]!.windowMs)
          expect(verdict.retryAfterMs).toBeLessThanOrEqual(limits[j]!.windowMs)
        })
      }
    })

    it('gives a charge back to every limit at once', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const limits = [counter(3), log(5, 3_600_000)]
      await store.consume(key, limits, 1, 'consume')
      const second = await store.consume(key, limits, 2, 'consume')
      expect(second.chargedAt).toBeTypeOf('number')
      expect((await store.consume(key, limits, 1, 'consume')).chargedAt).toBeUndefined()
      await store.refund(key, limits, 2, second.chargedAt!)
      expect((await store.consume(key, limits, 1, 'check')).verdicts.map((v) => v.remaining)).toEqual([2, 4])
      // A charge after a refund gets its own log entry, even within the same millisecond.
      await store.consume(key, limits, 1, 'consume')
      expect((await store.consume(key, limits, 1, 'check')).verdicts.map((v) => v.remaining)).toEqual([1, 3])
    })

    it('never creates a key when it refunds or resets', async () => {
      const store = new RedisStore(client(), { prefix: 'test:rl:' })
      const key = randomUUID()
      const limits = [counter(3), log(3)]
      await store.refund(key, limits, 1, Date.now())
      await store.reset(key, limits)
      expect(await io.exists(...store.keysOf(key, limits))).toBe(0)
    })

    it("forgets a key's counts on reset", async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const limits = [counter(2), log(2)]
      await store.consume(key, limits, 2, 'record')
      expect((await store.consume(key, limits, 1, 'check')).allowed).toBe(false)
      await store.reset(key, limits)
      expect(await io.exists(...store.keysOf(key, limits))).toBe(0)
      expect((await store.consume(key, limits, 2, 'check')).allowed).toBe(true)
    })
  })

  describe('failures-only reservations under concurrency', () => {
    const limits = [counter(3), log(3)]

    it.each([
      ['ioredis', () => io],
      ['node-redis', () => node],
    ] as const)(
      'reserves at most the limit of 100 concurrent requests, and refunds free every slot (%s)',
      async (_name, client) => {
        const store = new RedisStore(client())
        const key = randomUUID()
        const reserve = () =>
          Promise.all(Array.from({ length: 100 }, () => store.consume(key, limits, 1, 'consume')))
        const first = (await reserve()).filter((decision) => decision.allowed)
        expect(first).toHaveLength(3)
        await Promise.all(first.map((decision) => store.refund(key, limits, 1, decision.chargedAt!)))
        // Nothing is counted any more: the key is gone, and the next burst gets the whole limit.
        expect(await io.exists(...store.keysOf(key, limits))).toBe(0)
        expect((await reserve()).filter((decision) => decision.allowed)).toHaveLength(3)
      },
    )

    it('lets 4 instances on their own connections check at most the limit of 100 concurrent guesses', async () => {
      const clients = Array.from({ length: 4 }, () => new Redis(REDIS))
      const refunds: Promise<void>[] = []
      const instances = clients.map((client) => {
        const redis = new RedisStore(client)
        const store: RateLimitStore = {
          consume: (...args) => redis.consume(...args),
          refund: (...args) => {
            const refund = redis.refund(...args)
            refunds.push(refund)
            return refund
          },
        }
        return createGuard({
          rateLimit: { store, limits: [{ limit: 3, window: '15m', name: 'login' }], failuresOnly: true },
        })
      })
      const ip = freshClient()
      const attempt = async (guard: (typeof instances)[number]) => {
        const context = guard.startRequest({ method: 'POST', path: '/login', native: {}, clientAddress: ip })
        return { guard, context, decision: await guard.checkRequest(context, { headers: {} }) }
      }
      const burst = () => Promise.all(Array.from({ length: 100 }, (_, i) => attempt(instances[i % 4]!)))
      try {
        // Successes give their reservations back: the next burst again gets the whole limit.
        const successes = (await burst()).filter(({ decision }) => decision.allowed)
        expect(successes).toHaveLength(3)
        for (const { guard, context } of successes) guard.endRequest(context, 200)
        await until(() => refunds.length === 3, 'the refunds to be sent')
        await Promise.all(refunds)
        const failures = (await burst()).filter(({ decision }) => decision.allowed)
        expect(failures).toHaveLength(3)
        for (const { guard, context } of failures) guard.endRequest(context, 401)
        const after = await burst()
        expect(after.filter(({ decision }) => decision.allowed)).toHaveLength(0)
        expect(after[0]!.decision).toMatchObject({ status: 429 })
        expect(refunds).toHaveLength(3)
      } finally {
        await Promise.all(clients.map((client) => client.quit()))
      }
    })

    it('reports a refund Redis cannot make as a store error, without failing the request', async () => {
      const client = new Redis({ ...REDIS, enableOfflineQueue: false, retryStrategy: () => null })
      client.on('error', () => {})
      await ready(client)
      const events: LeakguardEvent[] = []
      const guard = createGuard({
        rateLimit: {
          store: new RedisStore(client),
          limits: [{ limit: 3, window: '15m' }],
          failuresOnly: true,
        },
        audit: { onEvent: (event) => void events.push(event) },
      })
      const context = guard.startRequest({
        method: 'POST',
        path: '/login',
        native: {},
        clientAddress: freshClient(),
      })
      expect(await guard.checkRequest(context, { headers: {} })).toMatchObject({ allowed: true })
      client.disconnect()
      expect(() => guard.endRequest(context, 200)).not.toThrow()
      await until(
        () => events.some((event) => event.type === 'ratelimit.store_error'),
        'the store error event',
      )
      expect(events.find((event) => event.type === 'ratelimit.store_error')).toMatchObject({
        reason: { code: 'ERR_LG_RATELIMIT_STORE_FAILED' },
        request: { status: 200 },
      })
    })
  })

  it('keeps counting on counters written before the newest-charge field existed', async () => {
    const store = new RedisStore(io)
    const key = randomUUID()
    const [hash] = store.keysOf(key, [counter(5)])
    const index = Math.floor(Date.now() / 60_000)
    await io.hset(hash!, 's', index, 'c', 3, 'p', 0)
    await io.pexpire(hash!, 120_000)
    const decision = await store.consume(key, [counter(5)], 1, 'consume')
    expect(decision.verdicts[0]).toMatchObject({ allowed: true, remaining: 1 })
    expect(decision.verdicts[0]!.resetMs).toBeLessThanOrEqual(60_000)
  })

  it('charges all or nothing across the guard and a route limit, through Redis', async () => {
    const guard = createGuard({
      rateLimit: { limits: [{ limit: 3, window: '1m', name: 'global' }], store: new RedisStore(io) },
      routes: { 'GET /export': { rateLimit: [{ limit: 1, window: '1m', name: 'export' }] } },
    })
    const ip = freshClient()
    const decide = (path: string) =>
      guard.checkRequest(guard.startRequest({ method: 'GET', path, native: {}, clientAddress: ip }), {
        headers: {},
      })
    expect(await decide('/export')).toMatchObject({ allowed: true })
    const refused = await decide('/export')
    expect(refused).toMatchObject({ allowed: false, status: 429 })
    expect(parseRateLimitField(refused.headers.ratelimit).global!.r).toBe(2)
    expect(await decide('/items')).toMatchObject({ allowed: true })
    const last = await decide('/items')
    expect(last.allowed && parseRateLimitField(last.headers.ratelimit).global!.r).toBe(0)
  })

  it('forgets failures on success with resetOnSuccess, through Redis', async () => {
    const guard = createGuard({
      rateLimit: {
        limits: [{ limit: 2, window: '15m' }],
        failuresOnly: true,
        resetOnSuccess: true,
        store: new RedisStore(io),
      },
    })
    const ip = freshClient()
    const attempt = async (status: number) => {
      const context = guard.startRequest({ method: 'POST', path: '/login', native: {}, clientAddress: ip })
      const decision = await guard.checkRequest(context, { headers: {} })
      if (!decision.allowed) return decision.status
      guard.endRequest(context, status)
      // endRequest charges or resets in the background: let Redis answer before the next attempt.
      await io.ping()
      await new Promise((resolve) => setTimeout(resolve, 20))
      return status
    }
    const statuses = []
    for (const status of [401, 200, 401, 401, 401]) statuses.push(await attempt(status))
    expect(statuses).toEqual([401, 200, 401, 401, 429])
  })

  it('hash-tags every key of a client, under the configured prefix, and expires them', async () => {
    const store = new RedisStore(io, { prefix: 'test:rl:' })
    const key = randomUUID()
    const keys = store.keysOf(key, [counter(5, 1000), log(5, 2000)])
    expect(keys).toEqual([`test:rl:{${key}}:w1000`, `test:rl:{${key}}:l2000`])
    await store.consume(key, [counter(5, 1000), log(5, 2000)], 1, 'consume')
    for (const k of keys) {
      const ttl = await io.pttl(k)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(2000)
    }
  })

  it('loads the script again after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const store = new RedisStore(io)
    const key = randomUUID()
    await store.consume(key, [counter(5)], 1, 'consume')
    await io.script('FLUSH')
    const decision = await store.consume(key, [counter(5)], 1, 'consume')
    expect(decision.verdicts[0]!.remaining).toBe(3)
  })

  it('admits exactly the limit across 4 processes hammering one key at once', async () => {
    const key = randomUUID()
    const script = fileURLToPath(new URL('./hammer.mjs', import.meta.url))
    const children: ChildProcess[] = []
    const outputs = Array.from({ length: 4 }, (_, i) => {
      const child = spawn(process.execPath, [script, key, '150', '200'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      })
      children[i] = child
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk
      })
      return new Promise<number>((resolve, reject) => {
        child.on('error', reject)
        child.on('exit', (code) =>
          code === 0 ? resolve(Number(out)) : reject(new Error(`hammer exited ${code}`)),
        )
      })
    })
    // Let every process connect, then start them together.
    await new Promise((resolve) => setTimeout(resolve, 500))
    for (const child of children) child.stdin!.end('go\n')
    const admitted = await Promise.all(outputs)
    // 600 attempts from 4 processes, 200 admitted: not one more, not one less.
    expect(admitted.reduce((a, b) => a + b, 0)).toBe(200)
  }, 30_000)

  describe.each([
    ['ioredis', () => io],
    ['node-redis', () => node],
  ] as const)('distinct members with %s', (_name, client) => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

    it('counts each member once, and says when it has seen one', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const first = await store.distinct(key, '/orders/1001', 60_000, 10)
      expect(first).toMatchObject({ count: 1, seen: false })
      expect(first.resetIn).toBeGreaterThan(59_000)
      expect(first.resetIn).toBeLessThanOrEqual(60_000)
      expect(await store.distinct(key, '/orders/1002', 60_000, 10)).toMatchObject({ count: 2, seen: false })
      expect(await store.distinct(key, '/orders/1001', 60_000, 10)).toMatchObject({ count: 2, seen: true })
      expect(await store.distinct(randomUUID(), '/orders/1001', 60_000, 10)).toMatchObject({
        count: 1,
        seen: false,
      })
    })

    it('holds at most cap members, and still knows the ones it holds once full', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const counts = []
      for (let i = 0; i < 6; i++) counts.push((await store.distinct(key, `id-${i}`, 60_000, 3)).count)
      expect(counts).toEqual([1, 2, 3, 4, 4, 4])
      expect(await store.distinct(key, 'id-0', 60_000, 3)).toMatchObject({ count: 3, seen: true })
      expect(await store.distinct(key, 'id-4', 60_000, 3)).toMatchObject({ count: 4, seen: false })
      expect(await io.scard(store.distinctKeyOf(key))).toBe(3)
    })

    it('only reads with cap 0, and never creates a set', async () => {
      const store = new RedisStore(client(), { prefix: 'test:rl:' })
      const key = randomUUID()
      expect(await store.distinct(key, 'a', 60_000, 0)).toEqual({ count: 0, seen: false, resetIn: 0 })
      expect(await io.exists(store.distinctKeyOf(key))).toBe(0)
      await store.distinct(key, 'a', 60_000, 5)
      const seen = await store.distinct(key, 'a', 60_000, 0)
      expect(seen).toMatchObject({ count: 1, seen: true })
      expect(seen.resetIn).toBeGreaterThan(0)
      expect(await store.distinct(key, 'b', 60_000, 0)).toMatchObject({ count: 1, seen: false })
      expect(await io.scard(store.distinctKeyOf(key))).toBe(1)
    })

    it('keeps a set for a fixed window from its first member, then starts over', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      await store.distinct(key, 'a', 300, 10)
      await sleep(150)
      // Adding late in the window does not extend it: about 150 ms are left, not 300. (Redis and
      // Node read different clocks, and a timer may fire a millisecond early: 151 was seen once.)
      const late = await store.distinct(key, 'b', 300, 10)
      expect(late).toMatchObject({ count: 2, seen: false })
      expect(late.resetIn).toBeLessThanOrEqual(200)
      await sleep(200)
      expect(await store.distinct(key, 'a', 300, 0)).toEqual({ count: 0, seen: false, resetIn: 0 })
      const again = await store.distinct(key, 'a', 300, 10)
      expect(again).toMatchObject({ count: 1, seen: false })
      expect(again.resetIn).toBeGreaterThan(200)
    })

    it('never holds more than cap members under 50 concurrent adds', async () => {
      const store = new RedisStore(client())
      const key = randomUUID()
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.distinct(key, `id-${i}`, 60_000, 10)),
      )
      // Ten were added, each seeing its own count; the other forty found the set full (cap + 1).
      expect(results.map((result) => result.count).sort((a, b) => a - b)).toEqual([
        ...Array.from({ length: 10 }, (_, i) => i + 1),
        ...Array.from({ length: 40 }, () => 11),
      ])
      expect(results.every((result) => !result.seen)).toBe(true)
      expect(await io.scard(store.distinctKeyOf(key))).toBe(10)
    })

    it('keeps its sets apart from the counters, hash-tagged under the prefix, with the window as TTL', async () => {
      const store = new RedisStore(client(), { prefix: 'test:rl:' })
      const key = randomUUID()
      expect(store.distinctKeyOf(key)).toBe(`test:rl:{${key}}:d`)
      await store.consume(key, [counter(5)], 1, 'consume')
      await store.distinct(key, 'a', 2000, 10)
      const ttl = await io.pttl(store.distinctKeyOf(key))
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(2000)
      expect((await store.consume(key, [counter(5)], 1, 'check')).verdicts[0]!.remaining).toBe(4)
    })
  })

  describe('distinct members when Redis misbehaves', () => {
    it('loads its script again after SCRIPT FLUSH (NOSCRIPT)', async () => {
      const store = new RedisStore(io)
      const key = randomUUID()
      await store.distinct(key, 'a', 60_000, 10)
      await io.script('FLUSH')
      expect(await store.distinct(key, 'b', 60_000, 10)).toMatchObject({ count: 2, seen: false })
    })

    it('fails within the timeout when nothing listens, with the code consume uses', async () => {
      const dead = await deadClient()
      try {
        const store = new RedisStore(dead, { timeout: 150 })
        const started = Date.now()
        await expect(store.distinct('k', 'a', 60_000, 10)).rejects.toMatchObject({
          name: 'LeakguardRateLimitError',
          code: 'ERR_LG_RATELIMIT_STORE_TIMEOUT',
        })
        expect(Date.now() - started).toBeLessThan(1000)
      } finally {
        dead.disconnect()
      }
    })

    it('rejects as consume does when the client cannot send', async () => {
      const client = new Redis({ ...REDIS, enableOfflineQueue: false, retryStrategy: () => null })
      client.on('error', () => {})
      await ready(client)
      client.disconnect()
      const store = new RedisStore(client)
      const failure = (work: Promise<unknown>) =>
        work.then(
          () => undefined,
          (error: Error) => ({ name: error.name, message: error.message }),
        )
      const distinct = await failure(store.distinct('k', 'a', 60_000, 10))
      expect(distinct).toBeDefined()
      expect(distinct).toEqual(await failure(store.consume('k', [counter(5)], 1, 'consume')))
    })
  })

  describe('outages', () => {
    it('fails within the timeout when nothing listens, and the guard follows its outage policy', async () => {
      const dead = await deadClient()
      try {
        const store = new RedisStore(dead, { timeout: 150 })
        const started = Date.now()
        await expect(store.consume('k', [counter(5)], 1, 'consume')).rejects.toMatchObject({
          code: 'ERR_LG_RATELIMIT_STORE_TIMEOUT',
        })
        expect(Date.now() - started).toBeLessThan(1000)
        const events: LeakguardEvent[] = []
        const guard = createGuard({
          rateLimit: { limits: [{ limit: 5, window: '1s' }], store },
          audit: { onEvent: (e) => void events.push(e) },
        })
        const context = guard.startRequest({ method: 'GET', path: '/', native: {}, clientAddress: '1.2.3.4' })
        expect(await guard.checkRequest(context, { headers: {} })).toMatchObject({
          allowed: false,
          status: 503,
        })
        const open = createRateLimiter({ limits: [{ limit: 5, window: '1s' }], store, failOpen: true })
        expect(await open.consume('k')).toMatchObject({ allowed: true })
        await guard.flush()
        expect(events.find((e) => e.type === 'ratelimit.store_error')).toMatchObject({
          failOpen: false,
          reason: { code: 'ERR_LG_RATELIMIT_STORE_TIMEOUT' },
        })
      } finally {
        dead.disconnect()
      }
    })

    it('follows the outage policy when its own redis-server stops, and recovers when it is back', async () => {
      const port = await freePort()
      const start = () =>
        spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          {
            stdio: 'ignore',
          },
        )
      let server = start()
      const client = new Redis({ ...REDIS, port, retryStrategy: () => 50, enableOfflineQueue: false })
      client.on('error', () => {})
      try {
        await ready(client)
        const store = new RedisStore(client, { timeout: 200 })
        expect((await store.consume('k', [counter(5)], 1, 'consume')).allowed).toBe(true)
        server.kill('SIGKILL')
        await new Promise((resolve) => server.once('exit', resolve))
        const started = Date.now()
        await expect(store.consume('k', [counter(5)], 1, 'consume')).rejects.toBeDefined()
        expect(Date.now() - started).toBeLessThan(1000)
        // The store's own timeout can fire before ioredis notices the closed socket: wait until it
        // has, or `ready` below would see the stale status of the dead connection.
        await until(() => client.status !== 'ready', 'the client to notice the outage')
        server = start()
        await ready(client)
        expect((await store.consume('k2', [counter(5)], 1, 'consume')).allowed).toBe(true)
      } finally {
        client.disconnect()
        server.kill('SIGKILL')
      }
    })
  })

  it('serves the RateLimit headers from Redis counts through a guard', async () => {
    const guard = createGuard({
      rateLimit: { limits: [{ limit: 2, window: '1m', name: 'm' }], store: new RedisStore(io) },
    })
    const ip = freshClient()
    const decide = () =>
      guard.checkRequest(guard.startRequest({ method: 'GET', path: '/', native: {}, clientAddress: ip }), {
        headers: {},
      })
    const first = await decide()
    expect(first.allowed && parseRateLimitField(first.headers.ratelimit).m!.r).toBe(1)
    await decide()
    expect(await decide()).toMatchObject({ allowed: false, status: 429 })
  })

  describe('the enumeration detector on Redis', () => {
    const walk = async (guard: ReturnType<typeof createGuard>, ip: string, ids: readonly number[]) => {
      const statuses: number[] = []
      for (const id of ids) {
        const context = guard.startRequest({
          method: 'GET',
          path: `/orders/${id}`,
          native: {},
          clientAddress: ip,
        })
        const decision = await guard.checkInput(context, {})
        statuses.push(decision.allowed ? 200 : decision.status)
      }
      return statuses
    }
    const options = (store: RedisStore, events: LeakguardEvent[] = []) => ({
      requests: { store },
      routes: { 'GET /orders/:id': { enumeration: { max: 4, window: '1m' } } },
      audit: { onEvent: (event: LeakguardEvent) => void events.push(event) },
    })

    it('counts distinct ids across instances: two guards, one Redis', async () => {
      const events: LeakguardEvent[] = []
      const a = createGuard(options(new RedisStore(io), events))
      const b = createGuard(options(new RedisStore(node), events))
      const ip = freshClient()
      expect(await walk(a, ip, [1, 2, 3])).toEqual([200, 200, 200])
      // The second instance sees the first one's ids: one more new id, then refusals; old ids served.
      expect(await walk(b, ip, [1, 4, 5, 6, 2])).toEqual([200, 200, 429, 429, 200])
      await Promise.all([a.flush(), b.flush()])
      expect(events.filter((e) => e.type === 'abuse.enumeration')).toHaveLength(1)
      // Nothing of the ids or the address is stored in clear.
      const keys = (await io.call('KEYS', 'leakguard:rl:{enum*')) as string[]
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) {
        expect(key).not.toContain(ip)
        const members = (await io.call('SMEMBERS', key)) as string[]
        for (const member of members) expect(member).not.toMatch(/^\d+$/)
      }
    })

    it('blocks across instances for blockFor, and never serves more than max to a concurrent walk', async () => {
      const blocking = (store: RedisStore) =>
        createGuard({
          requests: { store },
          routes: { 'GET /files/:id': { enumeration: { max: 5, action: 'block' as const, blockFor: '1m' } } },
        })
      const a = blocking(new RedisStore(io))
      const b = blocking(new RedisStore(io))
      const ip = freshClient()
      const decisions = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const guard = i % 2 === 0 ? a : b
          const context = guard.startRequest({
            method: 'GET',
            path: `/files/${i}`,
            native: {},
            clientAddress: ip,
          })
          return guard.checkInput(context, {})
        }),
      )
      expect(decisions.filter((d) => d.allowed).length).toBeLessThanOrEqual(5)
      const again = await b.checkInput(
        b.startRequest({ method: 'GET', path: '/files/0', native: {}, clientAddress: ip }),
        {},
      )
      expect(again).toMatchObject({ allowed: false, status: 429 })
    })

    it('lets requests through when Redis is down, and warns', async () => {
      const dead = new Redis({
        port: await freePort(),
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      })
      const guard = createGuard(options(new RedisStore(dead, { timeout: 100 })))
      expect(await walk(guard, freshClient(), [1, 2, 3, 4, 5, 6])).toEqual([200, 200, 200, 200, 200, 200])
      dead.disconnect()
    })
  })

  it('refuses clients it cannot use and bad options', () => {
    expect(() => new RedisStore({} as never)).toThrow(/ioredis client/)
    expect(() => new RedisStore(io, { prefix: 'a{b}' })).toThrow(/braces/)
    expect(() => new RedisStore(io, { timeout: 0 })).toThrow(/timeout/)
  })
})
