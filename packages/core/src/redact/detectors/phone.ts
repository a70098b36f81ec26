import { GATE } from '../features.js'
import type { DetectionContext, Detector } from '../types.js'
import { namesPhone } from './phone-names.js'

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

/**
 * Whether a whole value is written as a phone number: digits, blanks, `+`, `-`, `.`, `/` and brackets
 * only, from a digit, `+` or `(` to a digit, 8 to 15 digits, not a date, and dotted only in the
 * layouts phones are written in (`+91-9876543210`, `(415) 5552671`, `+7(916)1234567`,
 * `415/555/2671`). Read under a phone's name, where the detector's pattern would take only its
 * last groups.
 */
export function isPhoneValue(text: string): boolean {
  const length = text.length
  if (length < 8 || length > 40) return false
  const lead = text.charCodeAt(0)
  const tail = text.charCodeAt(length - 1)
  if (!((lead >= 48 && lead <= 57) || lead === 43 || lead === 40) || tail < 48 || tail > 57) return false
  let digits = 0
  let dots = 0
  let onlyDots = true
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) digits++
    else if (c === 46) dots++
    else if (c === 32 || c === 45 || c === 47 || c === 40 || c === 41 || (c === 43 && i === 0))
      onlyDots = false
    else return false
  }
  if (digits < 8 || digits > 15) return false
  // A date (and hour) has 8 to 10 digits and starts with one.
  if (digits <= 10 && length <= 13 && lead !== 43 && lead !== 40 && (DATE.test(text) || DATE_HOUR.test(text)))
    return false
  return dots === 0 || !onlyDots || dottedPhone(text)
}

/** Whether digits split by dots alone are in a phone's layout (not a version, an address or a decimal). */
function dottedPhone(match: string): boolean {
  return DOTTED_PHONE.has(
    match
      .split('.')
      .map((group) => group.length)
      .join('.'),
  )
}

/** A phone's name in text, anywhere: what lets a bare run of digits be read as one (see phoneWordBefore). */
const PHONE_WORD = /phone|tel|mobile|cell|fax|whats ?app|msisdn|sms/i

/**
 * A phone's name written just before a number in text, as a label or a parameter: `phone:`,
 * `Tel.`, `mobile number =`, `?phone=`, `"fax": "`. Not a longer word that ends in one (`hotel`,
 * `cartel`) nor a name that says something else about the phone (`phone_id=`, `phones:`).
 */
const PHONE_WORD_BEFORE =
  /(?:^|[^\p{L}\p{N}])(?:(?:tele|smart|cell|mobile |home |work )?phone|tel|mobile|cell|fax|whats ?app|msisdn|sms|telefon|t[eé]l[eé]phone|handy)(?:[ _-]?(?:number|num|no|nr|#))?\.?[ \t]{0,2}[:=#]?[ \t]{0,2}["']?$/iu

/** Whether a phone's name stands right before `at` in `text` (within 40 characters). */
function phoneWordBefore(text: string, at: number): boolean {
  return at > 0 && PHONE_WORD_BEFORE.test(text.slice(Math.max(0, at - 40), at))
}

export const phone: Detector = {
  id: 'phone',
  description:
    "Phone numbers: E.164 (+ and 8-15 digits, grouped or not) or national formats of 10-11 digits in groups (split by a space, two spaces, a tab, a dot or a dash); a bare run of digits only under a member named for a phone (`phone`, `mobileNumber`, `tel`: 8-15 digits, grouped or not) or right after a phone's name in text (`phone: 4155552671`, `?tel=4155552671`).",
  set: 'default',
  requires: GATE.RUN8,
  // Without a +, digits in groups: at least one space, dot or dash between them; under a phone's
  // name, any digits.
  prefilter: (text, f, context) =>
    f.digitRun >= 8 &&
    (f.plus ||
      (f.digitRun >= 10 && f.spaces + f.dots + f.dashes > 0) ||
      namesPhone(context.key) ||
      (f.digitRun <= 15 && PHONE_WORD.test(text))),
  // E.164 unbroken; a national or international number in groups; a bare run (its member's name decides).
  pattern:
    /(?<![\w+.-])(?:\+\d{7,15}|(?:\+\d{1,3}(?:[ \t.-]| {2})?)?(?:\(\d{1,4}\)(?:[ \t.-]| {2})?)?\d{1,6}(?:(?:[ \t.-]| {2})\d{1,8}){1,5}|\d{8,15})(?![\w-]|\.\d)/g,
  validate(match, context?: DetectionContext, text?: string, at?: number) {
    let digits = 0
    let digitsAndDots = true
    for (let i = 0; i < match.length; i++) {
      const code = match.charCodeAt(i)
      if (code >= 48 && code <= 57) digits++
      else if (code !== 46) digitsAndDots = false
    }
    if (match.charCodeAt(0) === 43) return digits >= 8 && digits <= 15 // +
    // Under a phone's name (`{"phone": "07700900123"}`), or after one in text (`phone: 4155552671`,
    // `?tel=...`), 8 to 15 digits in any grouping but a date's, dotted only in a phone's layout
    // (not an address, a version or a decimal).
    if (
      (context !== undefined && namesPhone(context.key)) ||
      (text !== undefined && at !== undefined && phoneWordBefore(text, at))
    )
      return (
        digits >= 8 &&
        digits <= 15 &&
        !DATE.test(match) &&
        !DATE_HOUR.test(match) &&
        (!digitsAndDots || !match.includes('.') || dottedPhone(match))
      )
    // National formats: 10 or 11 digits in groups, neither a dotted number nor a date.
    if (digits < 10 || digits > 11) return false
    // Dotted numbers are versions, addresses and decimals, but in the layouts phones are written
    // in: 415.555.2671, 1.415.555.2671 (North America), 01.23.45.67.89 (France); a bare run of
    // digits (no group) is none of them.
    // Numbers with a dot on each side of a space are decimals side by side (`EUR/USD 1.0850
    // 1.0852`, coordinates `48.8584 2.2945`: a red-team pass), not one number; `1 415.555.2671`
    // and `(415) 555.2671` are phones.
    if (!digitsAndDots && decimalsSideBySide(match)) return false
    if (digitsAndDots) return dottedPhone(match)
    return !DATE.test(match) && !DATE_HOUR.test(match)
  },
  mask: { operator: 'partial', keepStart: 0, keepEnd: 2 },
  confidence: 'medium',
}
