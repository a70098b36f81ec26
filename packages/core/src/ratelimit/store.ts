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
}

/**
 * Where counts live. Implement it to bring your own backend; leakguard ships `MemoryStore` and
 * `RedisStore` (`@leakguard/redis`). Keys arrive hashed. A decision covering several limits must be
 * atomic: either every limit admits and (with `consume`) every one is charged, or none is.
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
}

export function isStore(value: unknown): value is RateLimitStore {
  return typeof (value as RateLimitStore | null)?.consume === 'function'
}
