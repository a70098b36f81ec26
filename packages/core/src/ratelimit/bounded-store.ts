import { LeakguardRateLimitError } from '../errors.js'
import { durationOption } from '../lib/duration.js'
import { isPromise } from '../lib/promise.js'
import type { RateLimitStore } from './store.js'

/** How long a store may take to answer unless `rateLimit.storeTimeout` says otherwise. */
export const DEFAULT_STORE_TIMEOUT_MS = 2000

/** Validates `storeTimeout`: a duration from 1 ms to 60 s. @throws LeakguardConfigError */
export function storeTimeoutOption(value: unknown, option: string): number {
  return durationOption(value, option, DEFAULT_STORE_TIMEOUT_MS, { min: 1, max: 60_000 })
}

/**
 * `store` with every call that returns a promise bounded by `timeoutMs`: past it, the call rejects
 * with `ERR_LG_RATELIMIT_STORE_TIMEOUT` and the caller's outage policy applies, so a store that
 * never answers (a partitioned backend, a bug in a store of your own) cannot hold requests open
 * forever. Synchronous answers (`MemoryStore`'s) pass as they are, with no timer. What a store
 * does after its timeout (a late charge) is not undone.
 */
export function boundedStore(
  store: RateLimitStore,
  timeoutMs: number,
  /** How errors name the store. */
  name = 'the rate-limit store',
): RateLimitStore {
  const bound = <T>(result: T | Promise<T>): T | Promise<T> =>
    isPromise(result) ? withTimeout(result, timeoutMs, name) : result
  const wrapped: RateLimitStore = {
    consume: (key, limits, cost, mode) => bound(store.consume(key, limits, cost, mode)),
  }
  if (store.refund !== undefined)
    wrapped.refund = (key, limits, cost, chargedAt) => bound(store.refund!(key, limits, cost, chargedAt))
  if (store.reset !== undefined) wrapped.reset = (key, limits) => bound(store.reset!(key, limits))
  if (store.distinct !== undefined)
    wrapped.distinct = (key, member, windowMs, cap) => bound(store.distinct!(key, member, windowMs, cap))
  return wrapped
}

function withTimeout<T>(work: PromiseLike<T>, timeoutMs: number, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new LeakguardRateLimitError(
          'ERR_LG_RATELIMIT_STORE_TIMEOUT',
          `${name} did not answer within ${timeoutMs} ms`,
        ),
      )
    }, timeoutMs)
    // Not unref()'d: a script whose only work is this call must see it fail, not exit silently.
    Promise.resolve(work).then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
