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

/** What {@link RateLimitStore.distinct} answers for one key. */
export interface DistinctResult {
  /**
   * Distinct members the key's live set holds after the call (`cap + 1` when the set was full and `member` not in it): never more than `cap` once the set
   * is full (a member refused for lack of room is not counted), 0 when there is no live set.
   */
  readonly count: number
  /** `member` was already in the live set (nothing changed). */
  readonly seen: boolean
  /** Milliseconds until the live set expires, by the store's clock; 0 when there is none. */
  readonly resetIn: number
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
 * `reset`, `resetOnSuccess` is refused at startup. `distinct` is optional too: without it the
 * enumeration detector of request protection counts in an in-process `MemoryStore` and warns.
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
  /**
   * Adds `member` to the set of `key` and says how many distinct members it holds, atomically
   * (the enumeration detector: distinct object IDs a client asked for on a route).
   *
   * The set lives in a fixed window that starts when its first member is added and lasts
   * `windowMs` milliseconds; then it is gone, and the next add starts a new window. Adding to a live
   * set never extends its window. Sets live apart from the counts of `consume`: the same `key`
   * names two unrelated things.
   *
   * With `cap` of 1 or more:
   * - `member` already in the live set: `{ count: size, seen: true }`, nothing changes;
   * - otherwise, with fewer than `cap` members: `member` is added, `{ count: size + 1, seen: false }`;
   * - otherwise (the set is full): nothing is added, `{ count: cap + 1, seen: false }`: one more
   *   than the set holds, so the caller can tell a member refused from the one that filled the set.
   *
   * So no set ever grows past `cap` members, which bounds the store's memory. With `cap` 0 the call
   * only reads: `{ count: size, seen: member is in the set }`, and `{ count: 0, seen: false,
   * resetIn: 0 }` when there is no live set (none is created). `resetIn` is always the time left
   * in the live set's window (0 when there is none).
   *
   * Throw (or reject) when the backend fails, as for `consume`.
   *
   * @param key The set's key (hashed, like `consume`'s).
   * @param member What to count once (an object ID, a path).
   * @param windowMs Length of a new set's window, in milliseconds (a whole number, 1 or more).
   * @param cap Most members a set holds (a whole number); 0 to read without adding.
   */
  distinct?(
    key: string,
    member: string,
    windowMs: number,
    cap: number,
  ): DistinctResult | Promise<DistinctResult>
}

export function isStore(value: unknown): value is RateLimitStore {
  const store = value as RateLimitStore | null
  return (
    typeof store?.consume === 'function' &&
    (store.refund === undefined || typeof store.refund === 'function') &&
    (store.reset === undefined || typeof store.reset === 'function') &&
    (store.distinct === undefined || typeof store.distinct === 'function')
  )
}
