import type { ConsumeMode, LimitVerdict, StoreLimit } from './algorithms.js'

/** What a store answers for one key: a verdict per limit, in the order given. */
export interface StoreDecision {
  /** Every limit admitted the request (and, with `consume`, every one was charged). */
  readonly allowed: boolean
  readonly verdicts: readonly LimitVerdict[]
  /**
   * The store was full: `'evicted'` when it dropped the least recently used key to make room
   * (that key's counts restart), `'refused'` when it refused this new key (`allowed` is false).
   */
  readonly full?: 'evicted' | 'refused'
  /**
   * When the store charged this request, by the store's own clock (milliseconds): pass it to
   * `refund` to give the charge back. Absent when nothing was charged, or when the store cannot
   * refund.
   */
  readonly chargedAt?: number
}

/**
 * Where counts live. Implement it to bring your own backend; leakguard ships `MemoryStore` and
 * `RedisStore` (`@leakguard/redis`). Keys arrive hashed. A decision covering several limits must be
 * atomic: either every limit admits and (with `consume`) every one is charged, or none is.
 *
 * `refund` and `reset` are optional, so a store written for an older leakguard keeps working:
 * without `refund` (or without `chargedAt` in its decisions), a request refused by another limiter
 * still counts against the limiters that admitted it, and failures-only limiters count successes
 * too (limits still hold; a `config.warning`, `ERR_LG_RATELIMIT_NO_REFUND`, says so once); without
 * `reset`, `resetOnSuccess` is refused at startup.
 */
export interface RateLimitStore {
  /**
   * Applies a request of `cost` units to every limit of `key`.
   * Throw (or reject) when the backend fails: the limiter's outage policy decides then.
   */
  consume(
    key: string,
    limits: readonly StoreLimit[],
    cost: number,
    mode: ConsumeMode,
  ): StoreDecision | Promise<StoreDecision>
  /**
   * Gives back, atomically and to every limit, the `cost` that the decision stamped `chargedAt`
   * charged to `key`, as if that request had never been counted. A charge that has already left a
   * limit's window is not given back twice: nothing happens for that limit.
   */
  refund?(key: string, limits: readonly StoreLimit[], cost: number, chargedAt: number): void | Promise<void>
  /** Forgets everything counted for `key` under `limits` (`resetOnSuccess`). */
  reset?(key: string, limits: readonly StoreLimit[]): void | Promise<void>
}

export function isStore(value: unknown): value is RateLimitStore {
  const store = value as RateLimitStore | null
  return (
    typeof store?.consume === 'function' &&
    (store.refund === undefined || typeof store.refund === 'function') &&
    (store.reset === undefined || typeof store.reset === 'function')
  )
}
