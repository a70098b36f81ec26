import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LeakguardConfigError, LeakguardRateLimitError } from '../errors.js'
import { createGuard } from '../guard.js'
import { boundedStore } from './bounded-store.js'
import { createRateLimiter } from './limiter.js'
import { MemoryStore } from './memory-store.js'
import type { RateLimitStore, StoreDecision } from './store.js'

const LIMITS = [{ name: 'l', limit: 1, windowMs: 1000, algorithm: 'sliding-window' }] as never
const DECISION: StoreDecision = { allowed: true, verdicts: [] }

describe('boundedStore', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('passes synchronous answers through, and bounds a MemoryStore subclass that answers late', async () => {
    const sync: RateLimitStore = { consume: () => DECISION }
    expect(boundedStore(sync, 10).consume('k', LIMITS, 1, 'consume')).toBe(DECISION)
    const memory = boundedStore(new MemoryStore(), 10)
    expect(memory.consume('k', LIMITS, 1, 'consume')).toMatchObject({ allowed: true })
    class Instrumented extends MemoryStore {
      override consume(): StoreDecision {
        return new Promise<never>(() => {}) as never
      }
    }
    await expect(
      boundedStore(new Instrumented(), 20).consume('k', LIMITS, 1, 'consume'),
    ).rejects.toMatchObject({
      code: 'ERR_LG_RATELIMIT_STORE_TIMEOUT',
    })
  })

  it('offers exactly the optional methods the store has', () => {
    const bare = boundedStore({ consume: () => DECISION }, 10)
    expect([bare.refund, bare.reset, bare.distinct]).toEqual([undefined, undefined, undefined])
    const full = boundedStore(
      {
        consume: () => DECISION,
        refund: () => undefined,
        reset: () => undefined,
        distinct: () => ({ count: 1, seen: false, resetIn: 5 }),
      },
      10,
    )
    expect(full.distinct!('k', 'm', 1000, 3)).toEqual({ count: 1, seen: false, resetIn: 5 })
    expect(typeof full.refund).toBe('function')
    expect(typeof full.reset).toBe('function')
  })

  it('rejects a call that does not settle in time with ERR_LG_RATELIMIT_STORE_TIMEOUT, and forwards the rest', async () => {
    vi.useFakeTimers()
    const never = new Promise<never>(() => {})
    const store = boundedStore(
      {
        consume: () => never,
        refund: () => Promise.reject(new Error('down')),
        reset: () => Promise.resolve(),
        distinct: () => never,
      },
      250,
    )
    const consumed = store.consume('k', LIMITS, 1, 'consume') as Promise<StoreDecision>
    const counted = store.distinct!('k', 'm', 1000, 3) as Promise<unknown>
    const outcome = Promise.allSettled([consumed, counted])
    await vi.advanceTimersByTimeAsync(249)
    await vi.advanceTimersByTimeAsync(1)
    for (const result of await outcome) {
      expect(result.status).toBe('rejected')
      const reason = (result as PromiseRejectedResult).reason
      expect(reason).toBeInstanceOf(LeakguardRateLimitError)
      expect(reason.code).toBe('ERR_LG_RATELIMIT_STORE_TIMEOUT')
    }
    await expect(store.refund!('k', LIMITS, 1, 0)).rejects.toThrow('down')
    await expect(store.reset!('k', LIMITS)).resolves.toBeUndefined()
    // Settled calls leave no timer behind.
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps a script alive until its store call times out, rather than letting it exit in silence', () => {
    // The built package, as a script would use it (pnpm test builds first).
    const core = new URL('../../dist/index.js', import.meta.url).href
    const script = `
      import { createRateLimiter } from ${JSON.stringify(core)}
      const limiter = createRateLimiter({
        limits: [{ limit: 1, window: '1s' }],
        store: { consume: () => new Promise(() => {}) },
        storeTimeout: 50,
      })
      try { await limiter.consume('k') } catch (error) { console.log(error.code) }`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(out.trim()).toBe('ERR_LG_RATELIMIT_STORE_TIMEOUT')
  })

  it('bounds the guard, the standalone limiter and requests.store; storeTimeout is validated', async () => {
    const never: RateLimitStore = { consume: () => new Promise<never>(() => {}) }
    const limiter = createRateLimiter({
      limits: [{ limit: 1, window: '1s' }],
      store: never,
      storeTimeout: '20ms',
    })
    await expect(limiter.consume('k')).rejects.toMatchObject({ code: 'ERR_LG_RATELIMIT_STORE_TIMEOUT' })
    const open = createRateLimiter({
      limits: [{ limit: 1, window: '1s' }],
      store: never,
      storeTimeout: 20,
      failOpen: true,
    })
    await expect(open.consume('k')).resolves.toMatchObject({ allowed: true })
    const guard = createGuard({
      rateLimit: { limits: [{ limit: 1, window: '1s' }], store: never, storeTimeout: 20 },
    })
    const decision = await guard.checkRequest(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
      headers: {},
    })
    expect(decision).toMatchObject({ allowed: false, status: 503 })
    // The enumeration detector's store is named as such when it times out.
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const enumerating = createGuard({
      requests: { store: { consume: () => DECISION, distinct: () => new Promise<never>(() => {}) } },
      rateLimit: { storeTimeout: 20 },
      routes: { 'GET /orders/:id': { enumeration: { max: 4 } } },
    })
    const order = enumerating.startRequest({ method: 'GET', path: '/orders/7', native: {} })
    expect(enumerating.checkRequest(order, { headers: {} })).toMatchObject({ allowed: true })
    await expect(Promise.resolve(enumerating.checkInput(order, {}))).resolves.toMatchObject({ allowed: true })
    expect(String(warning.mock.calls[0]?.[0])).toContain(
      'the enumeration store (requests.store) did not answer',
    )
    warning.mockRestore()
    for (const storeTimeout of [0, -1, 60_001, '1h', 'soon', Number.NaN]) {
      expect(() => createGuard({ rateLimit: { storeTimeout } as never })).toThrow(LeakguardConfigError)
      expect(() => createGuard({ rateLimit: { storeTimeout } as never })).toThrow('rateLimit.storeTimeout')
    }
  })
})
