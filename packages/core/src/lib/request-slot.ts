/**
 * A value an adapter keeps per request, on the request object itself under a symbol of its own:
 * what a `WeakMap` keyed by the request would hold, without what such a map costs per request.
 *
 * Why not a `WeakMap`: an entry whose value refers back to its key (a request context holding the
 * request, a state whose closures capture it) keeps the key alive through every young-generation
 * collection of V8 (ephemerons are resolved only by a full mark-compact). Each request and all it
 * allocated was then copied and promoted to the old generation, to die there: scavenges 5-15x
 * longer than the bare framework's, measured with `--trace-gc-nvp` under load (see
 * docs/benchmarks.md). A property dies with the request.
 *
 * A symbol key keeps it out of `Object.keys`, `for...in` and `JSON.stringify`; a spread or
 * `Object.assign` copies it (the copy reaches the same state) and `util.inspect` shows it. It is a
 * plain property on purpose: `Object.defineProperty` to hide it made each request measurably
 * slower on Express. Make one slot per owner (a plugin instance, a module), never share the
 * symbol.
 */
export interface RequestSlot<T> {
  /** The value stored on `request`, or `undefined`. */
  get(request: object): T | undefined
  set(request: object, value: T): void
}

/** A {@link RequestSlot} under a new symbol; `name` is its description (seen in a debugger). */
export function requestSlot<T>(name: string): RequestSlot<T> {
  const key = Symbol(name)
  return {
    get: (request) => (request as { [key]?: T })[key],
    set: (request, value) => {
      ;(request as { [key]?: T })[key] = value
    },
  }
}
