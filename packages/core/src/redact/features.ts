import type { StringFeatures } from './types.js'

const SEPARATORS = new Set([32, 45, 46, 47, 40, 41]) // space - . / ( )

/** One pass over the string: the facts every prefilter reads. */
export function stringFeatures(text: string): StringFeatures {
  let digits = 0
  let digitRun = 0
  let run = 0
  let gap = 0
  let upper = 0
  let dots = 0
  let dashes = 0
  let colons = 0
  let at = false
  let dollar = false
  let underscore = false
  let plus = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      digits++
      run++
      gap = 0
      if (run > digitRun) digitRun = run
      continue
    }
    if (SEPARATORS.has(c)) {
      if (++gap > 2) run = 0
      if (c === 46) dots++
      else if (c === 45) dashes++
      continue
    }
    run = 0
    gap = 0
    if (c >= 65 && c <= 90) upper++
    else if (c === 64) at = true
    else if (c === 36) dollar = true
    else if (c === 95) underscore = true
    else if (c === 43) plus = true
    else if (c === 58) colons++
  }
  return { length: text.length, digits, digitRun, upper, dots, dashes, colons, at, dollar, underscore, plus }
}
