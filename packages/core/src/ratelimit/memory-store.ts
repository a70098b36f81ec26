import { LRUCache } from 'lru-cache'
import { describe, fail, integerOption, objectOption, oneOf } from '../lib/validate.js'
import {
  type ConsumeMode,
  type CounterState,
  type LimitVerdict,
  type LogState,
  newCounter,
  newLog,
  refundLog,
  refundWindow,
  type StoreLimit,
  slidingLog,
  slidingWindow,
} from './algorithms.js'
import type { DistinctResult, RateLimitStore, StoreDecision } from './store.js'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most keys held (clients, API keys, ...). Each costs about 200-300 bytes. Sets of `distinct`
   * are held apart, up to as many again (each about 200 bytes plus its members, at most `cap`).
   * @default 100000
   */
  maxKeys?: number
  /**
   * What happens when `maxKeys` are held and a new key arrives: `'evict'` drops the least
   * recently used key (whose counts then restart from zero: an attacker with many addresses can
   * reset a victim's counter this way, but never block a client), `'refuse'` refuses requests of
   * new keys until old ones expire (no counter is ever reset, but new clients are turned away
   * during a flood). Either way a `ratelimit.store_full` event says so. Sets of `distinct` always
   * evict: a detector that forgets a client's set errs on the side of letting it through.
   * @default 'evict'
   */
  whenFull?: 'evict' | 'refuse'
  /** Clock, for tests. @default Date.now */
  now?: () => number
}

type LimitState = CounterState | LogState
/** A key's states, and when (by the store's clock) its newest charge has left its longest window. */
interface Entry {
  expiresAt: number
  readonly states: Map<number, LimitState>
}
/** A set of `distinct`, and when (by the store's clock) its fixed window ends. */
interface DistinctSet {
  readonly expiresAt: number
  readonly members: Set<string>
}

const OPTION_KEYS = ['maxKeys', 'whenFull', 'now'] as const

/**
 * An in-process store on `lru-cache`: bounded by `maxKeys`, entries expire once their newest
 * charge has left their longest window, no timers. Decisions, refunds and resets are synchronous,
 * and atomic because Node runs one at a time, as is `distinct`, whose sets live in a second cache
 * of up to `maxKeys` sets. Counts are per process: with several instances behind a load balancer,
 * each enforces the limit on its own share (use `RedisStore` for one count across instances).
 */
export class MemoryStore implements RateLimitStore {
  readonly #cache: LRUCache<string, Entry>
  readonly #sets: LRUCache<string, DistinctSet>
  readonly #whenFull: 'evict' | 'refuse'
  readonly #now: () => number
  readonly #maxKeys: number
  #evicted = false
  #lastPurge = Number.NEGATIVE_INFINITY

  constructor(options: MemoryStoreOptions = {}) {
    const raw = objectOption(options, 'MemoryStore options', OPTION_KEYS)
    this.#maxKeys = integerOption(raw.maxKeys, 'MemoryStore options.maxKeys', 1, 100_000_000, 100_000)
    this.#whenFull = oneOf(
      raw.whenFull,
      'MemoryStore options.whenFull',
      ['evict', 'refuse'] as const,
      'evict',
    )
    if (raw.now !== undefined && typeof raw.now !== 'function') {
      fail('MemoryStore options.now', `expected a function returning milliseconds, got ${describe(raw.now)}`)
    }
    this.#now = (raw.now as () => number) ?? Date.now
    // Expiry is checked against this store's clock on use (no lru-cache TTL: it keeps its own
    // clock, and no timers either way).
    this.#cache = new LRUCache<string, Entry>({
      max: this.#maxKeys,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.#evicted = true
      },
    })
    this.#sets = new LRUCache<string, DistinctSet>({ max: this.#maxKeys })
  }

  /** Keys held now (expired ones included until they are touched or evicted). */
  get size(): number {
    return this.#cache.size
  }

  consume(key: string, limits: readonly StoreLimit[], cost: number, mode: ConsumeMode): StoreDecision {
    const now = this.#now()
    let entry = this.#cache.get(key)
    if (entry !== undefined && entry.expiresAt <= now) {
      this.#cache.delete(key)
      entry = undefined
    }
    const fresh = entry === undefined
    if (entry === undefined) {
      if (mode === 'check') return unknownKey(limits, cost)
      if (this.#whenFull === 'refuse' && this.#cache.size >= this.#maxKeys && !this.#makeRoom(now)) {
        return { allowed: false, verdicts: limits.map(refused), full: 'refused' }
      }
      entry = { expiresAt: 0, states: new Map() }
    }
    const held = entry.states
    let verdicts: LimitVerdict[]
    let allowed = true
    if (limits.length === 1) {
      // The common case: one limit, decided and charged in one step.
      const limit = limits[0]!
      let state = held.get(stateId(limit))
      if (state === undefined) state = initial(limit)
      const verdict = apply(state, limit, now, cost, mode)
      allowed = verdict.allowed
      verdicts = [verdict]
      if (mode !== 'check' && (allowed || mode === 'record' || !fresh)) held.set(stateId(limit), state)
    } else {
      const states: LimitState[] = []
      for (const limit of limits) states.push(held.get(stateId(limit)) ?? initial(limit))
      if (mode === 'record') {
        verdicts = limits.map((limit, i) => apply(states[i]!, limit, now, cost, 'record'))
      } else {
        // Several limits: plan on copies, then charge every one or none.
        verdicts = limits.map((limit, i) => apply(copy(states[i]!), limit, now, cost, 'check'))
        for (const verdict of verdicts) if (!verdict.allowed) allowed = false
        if (mode === 'consume' && allowed) {
          verdicts = limits.map((limit, i) => apply(states[i]!, limit, now, cost, 'consume'))
        }
      }
      if (mode !== 'check' && (allowed || mode === 'record' || !fresh)) {
        for (let i = 0; i < limits.length; i++) held.set(stateId(limits[i]!), states[i]!)
      }
    }
    if (mode === 'check' || held.size === 0) return { allowed, verdicts }
    let longest = 0
    for (const limit of limits) longest = Math.max(longest, limit.windowMs)
    if (now + longest > entry.expiresAt) entry.expiresAt = now + longest
    const chargedAt = mode === 'record' || allowed ? now : undefined
    if (!fresh) return { allowed, verdicts, chargedAt } // get() already made it the most recent
    this.#evicted = false
    this.#cache.set(key, entry)
    return { allowed, verdicts, chargedAt, full: this.#evicted ? 'evicted' : undefined }
  }

  refund(key: string, limits: readonly StoreLimit[], cost: number, chargedAt: number): void {
    const now = this.#now()
    const held = this.#live(key, now)?.states
    if (held === undefined) return
    for (const limit of limits) {
      const state = held.get(stateId(limit))
      if (state === undefined) continue
      if ('times' in state) refundLog(state, now, limit.windowMs, cost, chargedAt)
      else refundWindow(state, now, limit.windowMs, cost, chargedAt)
    }
    // Failures-only limiters refund every success: a key that counts nothing gives its slot back.
    for (const state of held.values()) if (!isEmpty(state)) return
    this.#cache.delete(key)
  }

  reset(key: string, limits: readonly StoreLimit[]): void {
    const held = this.#live(key, this.#now())?.states
    if (held === undefined) return
    for (const limit of limits) held.delete(stateId(limit))
    if (held.size === 0) this.#cache.delete(key)
  }

  /**
   * Counts `member` once in the set of `key`, as {@link RateLimitStore.distinct} says. When
   * `maxKeys` sets are held, a new set evicts the least recently used one, whatever `whenFull`.
   */
  distinct(key: string, member: string, windowMs: number, cap: number): DistinctResult {
    const now = this.#now()
    // Reading (cap 0) leaves the set's recency alone; adding makes it the most recent.
    let set = cap === 0 ? this.#sets.peek(key) : this.#sets.get(key)
    if (set !== undefined && set.expiresAt <= now) {
      this.#sets.delete(key)
      set = undefined
    }
    if (set === undefined) {
      if (cap === 0) return { count: 0, seen: false, resetIn: 0 }
      this.#sets.set(key, { expiresAt: now + windowMs, members: new Set([member]) })
      return { count: 1, seen: false, resetIn: windowMs }
    }
    const { members } = set
    const resetIn = set.expiresAt - now
    if (members.has(member)) return { count: members.size, seen: true, resetIn }
    if (cap === 0) return { count: members.size, seen: false, resetIn }
    if (members.size >= cap) return { count: cap + 1, seen: false, resetIn }
    members.add(member)
    return { count: members.size, seen: false, resetIn }
  }

  /** The entry of `key` unless it has expired; does not make it the most recent. */
  #live(key: string, now: number): Entry | undefined {
    const entry = this.#cache.peek(key)
    return entry !== undefined && entry.expiresAt > now ? entry : undefined
  }

  /** Drops expired keys, at most once a second; whether a key can now be added. */
  #makeRoom(now: number): boolean {
    if (now - this.#lastPurge >= 1000) {
      this.#lastPurge = now
      for (const [key, entry] of this.#cache.entries()) if (entry.expiresAt <= now) this.#cache.delete(key)
    }
    return this.#cache.size < this.#maxKeys
  }
}

function refused(limit: StoreLimit): LimitVerdict {
  return { allowed: false, remaining: 0, resetMs: limit.windowMs, retryAfterMs: 1000 }
}

/** A key never seen (or expired) under `check`: nothing is stored for it. */
function unknownKey(limits: readonly StoreLimit[], cost: number): StoreDecision {
  const verdicts = limits.map((limit) => {
    const allowed = cost <= limit.limit
    return { allowed, remaining: limit.limit, resetMs: 0, retryAfterMs: allowed ? 0 : limit.windowMs }
  })
  return { allowed: verdicts.every((verdict) => verdict.allowed), verdicts }
}

/** A limit's slot in a key's states: its window, and which algorithm (even: counter, odd: log). */
const stateId = (limit: StoreLimit): number =>
  limit.windowMs * 2 + (limit.algorithm === 'sliding-log' ? 1 : 0)

function initial(limit: StoreLimit): LimitState {
  return limit.algorithm === 'sliding-window' ? newCounter() : newLog()
}

function isEmpty(state: LimitState): boolean {
  return 'times' in state ? state.times.length === 0 : state.current === 0 && state.previous === 0
}

function copy(state: LimitState): LimitState {
  return 'times' in state ? { times: [...state.times], costs: [...state.costs] } : { ...state }
}

function apply(
  state: LimitState,
  limit: StoreLimit,
  now: number,
  cost: number,
  mode: ConsumeMode,
): LimitVerdict {
  return limit.algorithm === 'sliding-window'
    ? slidingWindow(state as CounterState, now, limit.limit, limit.windowMs, cost, mode)
    : slidingLog(state as LogState, now, limit.limit, limit.windowMs, cost, mode)
}
