/**
 * The two rate-limit algorithms as pure functions over a small state, shared by the MemoryStore;
 * the Redis store runs the same arithmetic in Lua (packages/redis/src/script.ts).
 *
 * - Sliding-window counter (default): two fixed buckets, the previous one weighted by how much of
 *   it still overlaps the sliding window. O(1) state per key. In any interval of length d * window
 *   (0 < d <= 1) it admits at most limit * (1 + d): a burst at a window boundary gets through once,
 *   never twice, whereas a fixed window admits 2 * limit in an instant. It also remembers its
 *   newest charge: once that is a whole window old, nothing it counted can still be in the sliding
 *   window, so it starts over. That keeps every reset and retry time within one window.
 * - Sliding log: one entry per admitted request, exact: never more than `limit` in any window.
 *   O(limit) state per key.
 */

export type Algorithm = 'sliding-window' | 'sliding-log'

/**
 * `consume` charges `cost` when it fits (every limiter of a guard, failures-only ones included:
 * they reserve up front and refund); `check` only looks; `record` charges whatever the count, for
 * events that have already happened.
 */
export type ConsumeMode = 'consume' | 'check' | 'record'

/** One limit as a store applies it. */
export interface StoreLimit {
  readonly limit: number
  readonly windowMs: number
  readonly algorithm: Algorithm
}

/** A limit's verdict. Times are milliseconds from now, never more than the window. */
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
  /** When the newest charge was made (0 before any). */
  newest: number
}

/** State of a sliding log: admission times and costs, oldest first. */
export interface LogState {
  times: number[]
  costs: number[]
}

export function newCounter(): CounterState {
  return { start: 0, current: 0, previous: 0, newest: 0 }
}

export function newLog(): LogState {
  return { times: [], costs: [] }
}

/** Brings a counter to the fixed window holding `now`; returns how far into that window `now` is. */
function rollCounter(state: CounterState, now: number, windowMs: number): number {
  const index = Math.floor(now / windowMs)
  if (now - state.newest >= windowMs) {
    // Every counted unit was charged at least a window ago: none is in the sliding window now.
    state.previous = 0
    state.current = 0
  } else if (state.start !== index) {
    state.previous = state.start === index - 1 ? state.current : 0
    state.current = 0
  }
  state.start = index
  return now - index * windowMs
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
  // One division each, so that a whole millisecond stays whole (1 - 2/3 would not).
  if (current <= goal) {
    if (previous <= 0) return 0
    const at = (windowMs * (previous - goal + current)) / previous
    return Math.max(0, Math.ceil(at - elapsed))
  }
  // The current bucket alone is over: wait for it to become the previous one and decay.
  return Math.ceil(2 * windowMs - elapsed - (windowMs * goal) / current)
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
  const elapsed = rollCounter(state, now, windowMs)
  const weight = (windowMs - elapsed) / windowMs
  const used = state.previous * weight + state.current
  const allowed = mode === 'record' || used + cost <= limit
  if (mode === 'record' || (mode === 'consume' && allowed)) {
    state.current += cost
    state.newest = Math.max(state.newest, now)
  }
  const after = state.previous * weight + state.current
  // The weighted estimate decays over up to two windows; the newest charge leaves within one.
  const forgotten = after > 0 ? Math.min(windowMs, state.newest + windowMs - now) : 0
  const wait = (target: number) =>
    Math.min(forgotten, counterWait(state.previous, state.current, elapsed, windowMs, target))
  return {
    allowed,
    remaining: Math.max(0, Math.floor(limit - after)),
    resetMs: wait(0),
    retryAfterMs: allowed ? 0 : wait(limit - cost),
  }
}

/** Gives back `cost` charged at `chargedAt` (by the same clock) to a counter, if still counted. */
export function refundWindow(
  state: CounterState,
  now: number,
  windowMs: number,
  cost: number,
  chargedAt: number,
): void {
  rollCounter(state, now, windowMs)
  const index = Math.floor(chargedAt / windowMs)
  if (index === state.start) state.current = Math.max(0, state.current - cost)
  else if (index === state.start - 1) state.previous = Math.max(0, state.previous - cost)
}

/** Drops the entries of a sliding log that have left the window ending at `now`. */
function pruneLog(state: LogState, now: number, windowMs: number): void {
  const { times, costs } = state
  let expired = 0
  while (expired < times.length && times[expired]! <= now - windowMs) expired++
  if (expired > 0) {
    times.splice(0, expired)
    costs.splice(0, expired)
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
  pruneLog(state, now, windowMs)
  const { times, costs } = state
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

/** Gives back the entry of `cost` charged at `chargedAt` to a sliding log, if still in it. */
export function refundLog(
  state: LogState,
  now: number,
  windowMs: number,
  cost: number,
  chargedAt: number,
): void {
  pruneLog(state, now, windowMs)
  const { times, costs } = state
  for (let i = times.length - 1; i >= 0; i--) {
    if (times[i] === chargedAt && costs[i] === cost) {
      times.splice(i, 1)
      costs.splice(i, 1)
      return
    }
  }
}
