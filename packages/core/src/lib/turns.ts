/**
 * Work split into event-loop turns. A step function is a generator: each `yield` marks where the
 * event loop may serve other requests before the next step runs. {@link atOnce} runs every step
 * now; {@link inTurns} runs one step per turn (through `setImmediate`, so I/O callbacks and timers
 * that are due run in between).
 */

/**
 * Bodies of this many bytes (or UTF-16 code units) or more are filtered in turns where the adapter
 * can wait: parsing, filtering and encoding 1 MiB of JSON takes a few milliseconds each.
 */
export const TURN_BYTES = 1 << 20

/** Runs every step of `steps` now and returns its result. */
export function atOnce<T>(steps: Generator<void, T>): T {
  let step = steps.next()
  while (step.done !== true) step = steps.next()
  return step.value
}

/** Runs one step of `steps` per event-loop turn; resolves with its result. */
export async function inTurns<T>(steps: Generator<void, T>): Promise<T> {
  const step = steps.next()
  return step.done === true ? step.value : remainingTurns(steps)
}

/**
 * Runs `steps` now up to its first `yield`: its result when it has none (no turn is taken, no
 * promise made), else a promise of it, each remaining step in a turn of its own.
 */
export function untilItYields<T>(steps: Generator<void, T>): T | Promise<T> {
  const step = steps.next()
  return step.done === true ? step.value : remainingTurns(steps)
}

/** The steps after a `yield`, one per turn. */
async function remainingTurns<T>(steps: Generator<void, T>): Promise<T> {
  let step: IteratorResult<void, T>
  do {
    await nextTurn()
    step = steps.next()
  } while (step.done !== true)
  return step.value
}

/** Resolves in the next turn of the event loop, after the I/O callbacks that are due. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
