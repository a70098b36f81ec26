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
): void {
  pattern.lastIndex = 0
  let match = pattern.exec(text)
  while (match !== null) {
    const value = match[0]
    if (value === '') pattern.lastIndex++
    else collectMatch(value, match.index, id, found, validate, context, trim)
    match = pattern.exec(text)
  }
}

/**
 * Appends `value`, found at `at`, as a span of `id` when `validate` accepts it, or the part `trim`
 * keeps of it: what {@link collect} does with each match, and a detector with a `whole` test with
 * a string that is all one candidate.
 */
export function collectMatch(
  value: string,
  at: number,
  id: string,
  found: Span[],
  validate?: (match: string, context: DetectionContext) => boolean,
  context: DetectionContext = { key: null },
  trim?: (match: string) => number,
): void {
  if (validate === undefined || validate(value, context)) {
    found.push({ start: at, end: at + value.length, detector: id, verified: false })
  } else if (trim !== undefined) {
    const length = trim(value)
    if (length > 0) found.push({ start: at, end: at + length, detector: id, verified: false })
  }
}
