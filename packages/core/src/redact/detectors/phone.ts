import { GATE } from '../features.js'
import type { Detector } from '../types.js'

const DATE = /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$|^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4}$/
/** Group lengths of dotted phone numbers: North America's 3.3.4 (and 1.3.3.4), France's 2.2.2.2.2. */
const DOTTED_PHONE = new Set(['3.3.4', '1.3.3.4', '2.2.2.2.2'])
const DATE_HOUR = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}$/

/** Whether the first and the last blank-separated parts of a match both hold a dot. */
function decimalsSideBySide(match: string): boolean {
  const first = match.search(/[ \t]/)
  if (first === -1) return false
  const last = Math.max(match.lastIndexOf(' '), match.lastIndexOf('\t'))
  return match.slice(0, first).includes('.') && match.slice(last + 1).includes('.')
}

export const phone: Detector = {
  id: 'phone',
  description:
    'Phone numbers: E.164 (+ and 8-15 digits, grouped or not) or national formats of 10-11 digits in groups (split by a space, two spaces, a tab, a dot or a dash); never a bare run of digits.',
  set: 'default',
  requires: GATE.RUN8,
  // Without a +, digits in groups: at least one space, dot or dash between them.
  prefilter: (_text, f) =>
    f.digitRun >= 8 && (f.plus || (f.digitRun >= 10 && f.spaces + f.dots + f.dashes > 0)),
  pattern:
    /(?<![\w+.-])(?:\+\d{7,15}|(?:\+\d{1,3}(?:[ \t.-]| {2})?)?(?:\(\d{1,4}\)(?:[ \t.-]| {2})?)?\d{1,6}(?:(?:[ \t.-]| {2})\d{1,8}){1,5})(?![\w-]|\.\d)/g,
  validate(match) {
    let digits = 0
    let digitsAndDots = true
    for (let i = 0; i < match.length; i++) {
      const code = match.charCodeAt(i)
      if (code >= 48 && code <= 57) digits++
      else if (code !== 46) digitsAndDots = false
    }
    if (match.charCodeAt(0) === 43) return digits >= 8 && digits <= 15 // +
    // National formats: 10 or 11 digits in groups, neither a dotted number nor a date.
    if (digits < 10 || digits > 11) return false
    // Dotted numbers are versions, addresses and decimals, but in the layouts phones are written
    // in: 415.555.2671, 1.415.555.2671 (North America), 01.23.45.67.89 (France).
    // Numbers with a dot on each side of a space are decimals side by side (`EUR/USD 1.0850
    // 1.0852`, coordinates `48.8584 2.2945`: a red-team pass), not one number; `1 415.555.2671`
    // and `(415) 555.2671` are phones.
    if (!digitsAndDots && decimalsSideBySide(match)) return false
    if (digitsAndDots)
      return DOTTED_PHONE.has(
        match
          .split('.')
          .map((group) => group.length)
          .join('.'),
      )
    return !DATE.test(match) && !DATE_HOUR.test(match)
  },
  mask: { operator: 'partial', keepStart: 0, keepEnd: 2 },
  confidence: 'medium',
}
