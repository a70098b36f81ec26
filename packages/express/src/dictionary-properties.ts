/**
 * On Node 20 and 22, Express gives every `req` and `res` a hidden class of its own: measured on
 * Express 4 and 5 under real HTTP, no two consecutive requests (or responses) share one (V8's
 * `%HaveSameMap`). No property access on them can be cached, and every property added to one
 * allocates a new hidden class and descriptor array: about 3 us per property on the benchmark
 * machine, while leakguard adds nine per request (its per-request state on `req`; `json`,
 * `jsonp`, `send`, `writeHead`, `write` and `end` on `res`, which must be own properties: a
 * mounted sub-app swaps the prototype).
 *
 * In dictionary mode, adding a property is a hash-table insert and no hidden class is made: the
 * same request through Express then costs less than the bare framework's, leakguard's additions
 * included (docs/benchmarks.md, "Express: objects without a shape"). Deleting a property other
 * than the last one added is what switches V8 to dictionary mode: the object's own `_events` is
 * deleted and set again, or, on an object without it as a plain data property, two markers are
 * added and removed again, so nothing of this is visible on the object. Semantics are unchanged
 * whatever the engine does: at worst this costs two additions and two deletions.
 *
 * On Node 24 (V8 13) the objects keep one hidden class and the switch would only slow their
 * property accesses: it is done only on V8 12 and older.
 */
const FIRST: unique symbol = Symbol('leakguard.dictionary')
const SECOND: unique symbol = Symbol('leakguard.dictionary')

/** Whether this V8 gives Express's objects no stable shape (V8 12 and older: Node 20 and 22). */
const SHAPELESS = Number.parseInt(process.versions.v8, 10) < 13

/** Switches `target` to dictionary-mode properties where that pays (see the module comment). */
export function useDictionaryProperties(target: object): void {
  if (!SHAPELESS) return
  // Deleting a property that is not the last one added is what makes the switch: `_events`, which
  // every request and response has had since their EventEmitter constructor ran, is deleted and
  // set again to the same value, with the same attributes. Adding properties to an object with a
  // hidden class of its own is the cost this module avoids, so no marker is added first: a third
  // of the markers' cost (3.7 us against 10.1 us a request, req and res together, Express 5 on
  // Node 20). Only the order of the object's own names changes (`_events` comes last).
  const own = Object.getOwnPropertyDescriptor(target, '_events')
  if (own?.configurable === true && own.enumerable === true && own.writable === true) {
    const emitter = target as { _events?: unknown }
    const events = emitter._events
    delete emitter._events
    emitter._events = events
    return
  }
  const markers = target as { [FIRST]?: undefined; [SECOND]?: undefined }
  markers[FIRST] = undefined
  markers[SECOND] = undefined
  delete markers[FIRST]
  delete markers[SECOND]
}
