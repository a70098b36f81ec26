import type { DetectionContext, Detector, Span, StringFeatures } from './types.js'

/** Appends every match of a global `pattern` in `text` that `validate` accepts, as spans of `id`. */
export function collect(
  pattern: RegExp,
  text: string,
  id: string,
  found: Span[],
  validate?: (match: string, context: DetectionContext, text: string, at: number) => boolean,
  context: DetectionContext = { key: null },
  trim?: (match: string) => number,
  retryFrom?: (match: string) => number,
  verify?: (match: string) => boolean,
): void {
  pattern.lastIndex = 0
  // Where the last match that was retried ended: a match found before it, by retrying, is not
  // retried again (a text made of candidate groups is read about twice, not once per group).
  let retried = -1
  let match = pattern.exec(text)
  while (match !== null) {
    const value = match[0]
    const at = match.index
    if (value === '') pattern.lastIndex++
    else {
      const taken = collectMatch(value, at, id, found, validate, context, trim, verify, text)
      // Trimmed: what the pattern took in past the valid part may start a match of its own
      // (`DE89 ... 00 GB82 WEST ...`: two IBANs one after the other).
      if (taken > 0 && taken < value.length) pattern.lastIndex = at + taken
      else if (taken === 0 && retryFrom !== undefined) {
        if (at >= retried) {
          // Refused whole and in part: a later part of it may start a match of its own.
          const from = retryFrom(value)
          if (from > 0 && from < value.length) {
            retried = at + value.length
            pattern.lastIndex = at + from
          }
        } else if (pattern.lastIndex > retried) {
          // A retry refused too: read on from where the match it retried ended, not past it (the
          // retry may have run into the start of a valid match there).
          pattern.lastIndex = retried
        }
      }
    }
    match = pattern.exec(text)
  }
}

/**
 * Appends `value`, found at `at` in `text`, as a span of `id` when `validate` accepts it, or the
 * part `trim` keeps of it: what {@link collect} does with each match, and a detector with a
 * `whole` test with a string that is all one candidate. The length of the span it appended (0: none).
 */
export function collectMatch(
  value: string,
  at: number,
  id: string,
  found: Span[],
  validate?: (match: string, context: DetectionContext, text: string, at: number) => boolean,
  context: DetectionContext = { key: null },
  trim?: (match: string) => number,
  verify?: (match: string) => boolean,
  text: string = value,
): number {
  if (validate === undefined || validate(value, context, text, at)) {
    const verified = verify?.(value) === true
    found.push({ start: at, end: at + value.length, detector: id, verified })
    return value.length
  }
  if (trim === undefined) return 0
  const length = trim(value)
  if (length === 0) return 0
  found.push({ start: at, end: at + length, detector: id, verified: false })
  return length
}

/**
 * Appends what `detector` finds in `text` (whose features are `features`) to `found`: the whole
 * string when its `whole` test says the pattern would take all of it, else every match.
 */
export function collectDetector(
  detector: Detector,
  text: string,
  features: StringFeatures,
  found: Span[],
  context: DetectionContext,
): void {
  if (detector.whole?.(features) === true)
    collectMatch(text, 0, detector.id, found, detector.validate, context, detector.trim, detector.verify)
  else {
    collect(
      detector.pattern,
      text,
      detector.id,
      found,
      detector.validate,
      context,
      detector.trim,
      detector.retryFrom,
      detector.verify,
    )
    if (detector.also !== undefined) detector.also(text, found)
  }
}
