// Rate-limit decisions: leakguard's MemoryStore against rate-limiter-flexible's RateLimiterMemory
// and express-rate-limit's MemoryStore, and leakguard's RedisStore against RateLimiterRedis, in
// the same run; then memory per million keys. Keys rotate over 10,000 clients, as a busy API's
// would. Run with --expose-gc for the memory figures.
import { setTimeout as sleep } from 'node:timers/promises'
import { createRateLimiter, MemoryStore } from '@leakguard/core'
import { RedisStore } from '@leakguard/redis'
import { MemoryStore as ExpressMemoryStore } from 'express-rate-limit'
import Redis from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible'
import { Bench } from 'tinybench'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TIME = Number(process.env.BENCH_TIME_MS ?? 400)
const CLIENTS = 10_000
const keys = Array.from({ length: CLIENTS }, (_, i) => `203.0.${i >> 8}.${i & 255}`)
// A limit nobody reaches: every decision is an admission, the common case.
const LIMIT = 1_000_000

function rotating(fn) {
  let i = 0
  return () => fn(keys[i++ % CLIENTS])
}

async function compare(setups, batch = 1) {
  const hz = new Map(setups.map((s) => [s.name, []]))
  const ratios = new Map(setups.map((s) => [s.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME, warmup: true, warmupTime: 100 })
    for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
      const one = rotating(s.decide)
      bench.add(s.name, batch === 1 ? one : () => Promise.all(Array.from({ length: batch }, one)))
    }
    await bench.run()
    const ops = (name) => bench.getTask(name).result.throughput.mean * batch
    for (const s of setups) {
      hz.get(s.name).push(ops(s.name))
      ratios.get(s.name).push(ops(s.name) / ops(setups[0].name))
    }
  }
  return setups.map((s) => ({ name: s.name, hz: median(hz.get(s.name)), ratio: median(ratios.get(s.name)) }))
}

const table = (rows, baseline) =>
  [
    `| setup | decisions/s (median) | vs ${baseline} (median of rounds) |`,
    '| --- | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.name} | ${Math.round(r.hz).toLocaleString('en-US')} | ${r.ratio.toFixed(2)}x |`,
    ),
  ].join('\n')

// --- in memory -----------------------------------------------------------------------------------
const leakguardLimiter = createRateLimiter({ limits: [{ limit: LIMIT, window: '1m' }] })
const leakguardStore = new MemoryStore()
const storeLimits = [{ limit: LIMIT, windowMs: 60_000, algorithm: 'sliding-window' }]
const flexible = new RateLimiterMemory({ points: LIMIT, duration: 60 })
const expressStore = new ExpressMemoryStore()
expressStore.init({ windowMs: 60_000 })

// Each must admit, and refuse past its limit, or the comparison is void.
for (const check of [
  async () => (await leakguardLimiter.consume('x')).allowed,
  async () => leakguardStore.consume('x', storeLimits, 1, 'consume').allowed,
  async () => (await flexible.consume('x')).remainingPoints === LIMIT - 1,
  async () => (await expressStore.increment('x')).totalHits === 1,
]) {
  if (!(await check())) throw new Error('a setup does not decide as expected')
}

const memoryRows = await compare([
  { name: 'rate-limiter-flexible RateLimiterMemory (fixed window)', decide: (k) => flexible.consume(k) },
  { name: 'express-rate-limit MemoryStore (fixed window)', decide: (k) => expressStore.increment(k) },
  {
    name: 'leakguard createRateLimiter (sliding window, hashed keys)',
    decide: (k) => leakguardLimiter.consume(k),
  },
  {
    name: 'leakguard MemoryStore.consume (sliding window)',
    decide: (k) => leakguardStore.consume(k, storeLimits, 1, 'consume'),
  },
])
expressStore.shutdown()

// --- Redis ---------------------------------------------------------------------------------------
let redisRows
const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, enableOfflineQueue: false })
try {
  await redis.connect()
  const prefix = `bench:${Date.now()}:`
  const redisStore = new RedisStore(redis, { prefix })
  const leakguardRedis = createRateLimiter({ limits: [{ limit: LIMIT, window: '1m' }], store: redisStore })
  const flexibleRedis = new RateLimiterRedis({
    storeClient: redis,
    points: LIMIT,
    duration: 60,
    keyPrefix: `${prefix}rlf`,
  })
  if (!(await leakguardRedis.consume('x')).allowed) throw new Error('RedisStore does not admit')
  await flexibleRedis.consume('x')
  // 32 decisions in flight, as concurrent requests of one instance would have.
  redisRows = await compare(
    [
      {
        name: 'rate-limiter-flexible RateLimiterRedis (fixed window)',
        decide: (k) => flexibleRedis.consume(k),
      },
      {
        name: 'leakguard RedisStore (sliding window, one Lua call)',
        decide: (k) => leakguardRedis.consume(k),
      },
    ],
    32,
  )
  const stale = await redis.keys(`${prefix}*`)
  for (let i = 0; i < stale.length; i += 500) await redis.del(...stale.slice(i, i + 500))
} catch (error) {
  console.warn(`Redis benchmark skipped: ${error.message}`)
} finally {
  redis.disconnect()
}

// --- memory per million keys ------------------------------------------------------------------------
async function heapFor(fill) {
  if (typeof globalThis.gc !== 'function') return undefined
  globalThis.gc()
  await sleep(50)
  const before = process.memoryUsage().heapUsed
  const held = await fill()
  globalThis.gc()
  await sleep(50)
  const after = process.memoryUsage().heapUsed
  if (held === undefined) throw new Error('unreachable')
  return after - before
}
const MILLION = 1_000_000
const memory = []
memory.push({
  name: 'leakguard MemoryStore (maxKeys 1,000,000)',
  bytes: await heapFor(async () => {
    const store = new MemoryStore({ maxKeys: MILLION })
    for (let i = 0; i < MILLION; i++) store.consume(`k${i}`, storeLimits, 1, 'consume')
    return store
  }),
})
memory.push({
  name: 'rate-limiter-flexible RateLimiterMemory',
  bytes: await heapFor(async () => {
    const limiter = new RateLimiterMemory({ points: LIMIT, duration: 60 })
    for (let i = 0; i < MILLION; i++) await limiter.consume(`k${i}`)
    return limiter
  }),
})
const memoryTable =
  memory[0].bytes === undefined
    ? '_Run with `node --expose-gc` for memory figures._'
    : [
        '| store | heap for 1,000,000 keys | per key |',
        '| --- | ---: | ---: |',
        ...memory.map(
          (m) =>
            `| ${m.name} | ${(m.bytes / 1024 / 1024).toFixed(0)} MB | ${Math.round(m.bytes / MILLION)} B |`,
        ),
      ].join('\n')

const markdown = `## Engine: rate-limit decisions

\`pnpm bench\` (\`bench/engine/ratelimit.js\`), ${ROUNDS} rounds of ${TIME} ms per setup, order alternated.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

Keys rotate over ${CLIENTS.toLocaleString('en-US')} clients; every decision admits (the common case). The peers
use fixed windows, which are cheaper to compute and admit up to twice the limit at a window boundary;
leakguard's sliding window does not. \`createRateLimiter\` also hashes each key (SHA-256) before the
store sees it.

### In memory

${table(memoryRows, memoryRows[0].name)}

### Redis (127.0.0.1:6379, 32 decisions in flight)

${redisRows === undefined ? '_Redis was not reachable: no figures._' : table(redisRows, redisRows[0].name)}

### Memory per million keys

${memoryTable}
`
writeSection('ratelimit', markdown)
console.log(markdown)
