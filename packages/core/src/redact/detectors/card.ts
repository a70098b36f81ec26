import { luhnValid } from '../checksums.js'
import type { Detector } from '../types.js'

/** Issuer prefix ranges and the lengths each issues (ISO/IEC 7812 IINs as published by the networks). */
const ISSUERS: ReadonlyArray<
  readonly [from: number, to: number, prefixLength: number, lengths: readonly number[]]
> = [
  [4, 4, 1, [13, 16, 19]], // Visa
  [51, 55, 2, [16]], // Mastercard
  [2221, 2720, 4, [16]], // Mastercard 2-series
  [34, 34, 2, [15]], // American Express
  [37, 37, 2, [15]],
  [6011, 6011, 4, [16, 17, 18, 19]], // Discover
  [644, 649, 3, [16, 17, 18, 19]],
  [65, 65, 2, [16, 17, 18, 19]],
  [300, 305, 3, [14, 15, 16, 17, 18, 19]], // Diners Club
  [36, 36, 2, [14, 15, 16, 17, 18, 19]],
  [38, 39, 2, [14, 15, 16, 17, 18, 19]],
  [3528, 3589, 4, [16, 17, 18, 19]], // JCB
  [62, 62, 2, [16, 17, 18, 19]], // UnionPay
  [2200, 2204, 4, [16, 17, 18, 19]], // Mir
  [5018, 5018, 4, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
  [5020, 5020, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [5038, 5038, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [5893, 5893, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [6304, 6304, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [6759, 6759, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [6761, 6763, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
]

/** Whether a digit string starts with a known issuer prefix and has a length that issuer uses. */
export function hasIssuer(digits: string): boolean {
  // The 1- to 4-digit prefixes, computed once (this runs for every card-shaped number).
  const prefixes = [0, 0, 0, 0, 0]
  for (let i = 0; i < 4 && i < digits.length; i++)
    prefixes[i + 1] = prefixes[i]! * 10 + digits.charCodeAt(i) - 48
  for (const [from, to, prefixLength, lengths] of ISSUERS) {
    const prefix = prefixes[prefixLength]!
    if (prefix >= from && prefix <= to && lengths.includes(digits.length)) return true
  }
  return false
}

/** The digits of a match, or `undefined` when it mixes separators (then it is not one number). */
function cardDigits(match: string): string | undefined {
  let digits = ''
  let separator = 0
  for (let i = 0; i < match.length; i++) {
    const code = match.charCodeAt(i)
    if (code >= 48 && code <= 57) digits += match[i]
    else if (separator === 0) separator = code
    else if (code !== separator) return undefined
  }
  return digits
}

export const card: Detector = {
  id: 'card',
  description:
    'Payment card numbers: a known issuer prefix, that issuer’s length, and a valid Luhn check digit.',
  set: 'default',
  prefilter: (_text, f) => f.digitRun >= 12,
  // Digits, optionally in groups split by one space or dash, not inside a longer number.
  // Not inside a longer number, nor glued to letters (`TL38 0080 0123 ...` is an IBAN, `AB4111...` an id).
  pattern: /(?<![A-Za-z\d.-])\d(?:[ -]?\d){11,18}(?![\d-]|\.\d)/g,
  validate(match) {
    const digits = cardDigits(match)
    return digits !== undefined && hasIssuer(digits) && luhnValid(digits)
  },
  mask: { operator: 'partial', keepStart: 6, keepEnd: 4 },
}
