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
    else if (validate === undefined || validate(value, context)) {
      found.push({ start: match.index, end: match.index + value.length, detector: id, verified: false })
    } else if (trim !== undefined) {
      const length = trim(value)
      if (length > 0)
        found.push({ start: match.index, end: match.index + length, detector: id, verified: false })
    }
    match = pattern.exec(text)
  }
}
