/**
 * Whether `value` is a promise or any thenable: what the maybe-synchronous paths (request phase,
 * stores, route checks) wait for; anything else is an answer at hand.
 */
export function isPromise<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function'
}

/**
 * `f(value)`, now if `value` is at hand, once it settles if it is a promise: a path stays
 * synchronous (no promise, no microtask) for as long as everything it calls is. A thenable that is
 * not a native promise is adopted as one: what comes out is a value or a native promise.
 */
export function andThen<T, U>(
  value: T | PromiseLike<T>,
  f: (settled: T) => U | PromiseLike<U>,
): U | Promise<U> {
  return isPromise(value) ? Promise.resolve(value).then(f) : (f(value) as U | Promise<U>)
}
