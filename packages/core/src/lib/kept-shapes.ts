/**
 * Objects kept for the life of the process so that V8 keeps their shapes.
 *
 * Optimized code refers weakly to the hidden classes (maps) it was specialized for. The engine's
 * per-response objects (a serializer's writer, a redaction session, the places of dropped
 * members) all die with their response, and their maps with them once no instance is left: a full
 * garbage collection that runs while no response is being written then throws away the optimized
 * code of the whole response pipeline ("weak objects" in `--trace-deopt`), and the next responses
 * run in the interpreter until V8 compiles it again. The first 8 MiB body after such a collection
 * took twice as long as the next one. One instance of each, holding no response data, keeps
 * their maps alive.
 */
const kept: object[] = []

/** Keeps `instance` (made with no response data) alive, and with it its map. */
export function keepShape(instance: object): void {
  kept.push(instance)
}

/** How many instances are kept (for tests). */
export function keptShapes(): number {
  return kept.length
}
