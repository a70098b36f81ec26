/**
 * The two rate-limit algorithms as pure functions over a small state, shared by the MemoryStore;
 * the Redis store runs the same arithmetic in Lua (packages/redis/src/script.lua).
 *
 * - Sliding-window counter (default): two fixed buckets, the previous one weighted by how much of
 *   it still overlaps the sliding window. O(1) state per key. In any interval of length d * window
 *   (0 < d <= 1) it admits at most limit * (1 + d): a burst at a window boundary gets through once,
 *   never twice, whereas a fixed window admits 2 * limit in an instant.
 * - Sliding log: one entry per admitted request, exact: never more than `limit` in any window.
 *   O(limit) state per key.
 */

export type Algorithm = 'sliding-window' | 'sliding-log'

/**
 * `consume` charges `cost` when it fits; `check` only looks (failures-only limiters, before the
 * response); `record` charges whatever the count (failures-only limiters, after the response).
 */
export type ConsumeMode = 'consume' | 'check' | 'record'

/** One limit as a store applies it. */
export interface StoreLimit {
  readonly limit: number
  readonly windowMs: number
  readonly algorithm: Algorithm
}

/** A limit's verdict. Times are milliseconds from now. */
export interface LimitVerdict {
  readonly allowed: boolean
  /** Units still available after this request. */
  readonly remaining: number
  /** Until the whole quota is available again. */
  readonly resetMs: number
  /** Until a request of this cost would be admitted (0 when it was). */
  readonly retryAfterMs: number
}

/** State of a sliding-window counter. */
export interface CounterState {
  /** Index of the current fixed window (`floor(now / windowMs)`). */
  start: number
  current: number
  previous: number
}

/** State of a sliding log: admission times and costs, oldest first. */
export interface LogState {
  times: number[]
  costs: number[]
}

/** Time from `elapsed` into the current window until the counter's estimate is at most `target`. */
function counterWait(
  previous: number,
  current: number,
  elapsed: number,
  windowMs: number,
  target: number,
): number {
  const goal = Math.max(0, target)
  if (current <= goal) {
    if (previous <= 0) return 0
    const at = windowMs * (1 - (goal - current) / previous)
    return Math.max(0, Math.ceil(at - elapsed))
  }
  // The current bucket alone is over: wait for it to become the previous one and decay.
  return Math.ceil(windowMs - elapsed + windowMs * (1 - goal / current))
}

/** Applies a request to a sliding-window counter; `state` is updated in place. */
export function slidingWindow(
  state: CounterState,
  now: number,
  limit: number,
  windowMs: number,
  cost: number,
  mode: ConsumeMode,
): LimitVerdict {
  const index = Math.floor(now / windowMs)
  if (state.start !== index) {
    state.previous = state.start === index - 1 ? state.current : 0
    state.current = 0
    state.start = index
  }
  const elapsed = now - index * windowMs
  const weight = (windowMs - elapsed) / windowMs
  const used = state.previous * weight + state.current
  const allowed = mode === 'record' || used + cost <= limit
  if (mode === 'record' || (mode === 'consume' && allowed)) state.current += cost
  const after = state.previous * weight + state.current
  return {
    allowed,
    remaining: Math.max(0, Math.floor(limit - after)),
    resetMs: counterWait(state.previous, state.current, elapsed, windowMs, 0),
    retryAfterMs: allowed ? 0 : counterWait(state.previous, state.current, elapsed, windowMs, limit - cost),
  }
}

/** Applies a request to a sliding log; `state` is updated in place. */
export function slidingLog(
  state: LogState,
  now: number,
  limit: number,
  windowMs: number,
  cost: number,
  mode: ConsumeMode,
): LimitVerdict {
  const { times, costs } = state
  let expired = 0
  while (expired < times.length && times[expired]! <= now - windowMs) expired++
  if (expired > 0) {
    times.splice(0, expired)
    costs.splice(0, expired)
  }
  let used = 0
  for (const c of costs) used += c
  const allowed = mode === 'record' || used + cost <= limit
  if (mode === 'record' || (mode === 'consume' && allowed)) {
    times.push(now)
    costs.push(cost)
    used += cost
  }
  let retryAfterMs = 0
  if (!allowed) {
    // Oldest entries leave first: wait until enough of them have.
    let freed = used
    let i = 0
    while (i < times.length && freed + cost > limit) freed -= costs[i++]!
    retryAfterMs = freed + cost > limit ? windowMs : Math.max(0, times[i - 1]! + windowMs - now)
  }
  return {
    allowed,
    remaining: Math.max(0, limit - used),
    resetMs: times.length === 0 ? 0 : Math.max(0, times[times.length - 1]! + windowMs - now),
    retryAfterMs,
  }
}
