import type { DetectionContext, Span } from './types.js'

/** Appends every match of a global `pattern` in `text` that `validate` accepts, as spans of `id`. */
export function collect(
  pattern: RegExp,
  text: string,
  id: string,
  found: Span[],
  validate?: (match: string, context: DetectionContext) => boolean,
  context: DetectionContext = { key: null },
  trim?: (match: string) => number,
  retryFrom?: (match: string) => number,
): void {
  pattern.lastIndex = 0
  // Where the last match that was retried ended: a match found before it, by retrying, is not
  // retried again (a text made of candidate groups is read about twice, not once per group).
  let retried = -1
  let match = pattern.exec(text)
  while (match !== null) {
    const value = match[0]
    if (value === '') pattern.lastIndex++
    else if (
      !collectMatch(value, match.index, id, found, validate, context, trim) &&
      retryFrom !== undefined &&
      match.index >= retried
    ) {
      // Refused whole and in part: a later part of it may start a match of its own.
      const from = retryFrom(value)
      if (from > 0 && from < value.length) {
        retried = match.index + value.length
        pattern.lastIndex = match.index + from
      }
    }
    match = pattern.exec(text)
  }
}

/**
 * Appends `value`, found at `at`, as a span of `id` when `validate` accepts it, or the part `trim`
 * keeps of it: what {@link collect} does with each match, and a detector with a `whole` test with
 * a string that is all one candidate. Whether it appended one.
 */
export function collectMatch(
  value: string,
  at: number,
  id: string,
  found: Span[],
  validate?: (match: string, context: DetectionContext) => boolean,
  context: DetectionContext = { key: null },
  trim?: (match: string) => number,
): boolean {
  if (validate === undefined || validate(value, context)) {
    found.push({ start: at, end: at + value.length, detector: id, verified: false })
    return true
  }
  if (trim === undefined) return false
  const length = trim(value)
  if (length === 0) return false
  found.push({ start: at, end: at + length, detector: id, verified: false })
  return true
}
