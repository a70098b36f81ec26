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
  for (const [from, to, prefixLength, lengths] of ISSUERS) {
    const prefix = Number(digits.slice(0, prefixLength))
    if (prefix >= from && prefix <= to && lengths.includes(digits.length)) return true
  }
  return false
}

export const card: Detector = {
  id: 'card',
  description:
    'Payment card numbers: a known issuer prefix, that issuer’s length, and a valid Luhn check digit.',
  set: 'default',
  prefilter: (_text, f) => f.digitRun >= 12,
  // Digits, optionally in groups split by one space or dash, not inside a longer number.
  pattern: /(?<![\d.-])\d(?:[ -]?\d){11,18}(?![\d-]|\.\d)/g,
  validate(match) {
    const separators = match.replace(/\d/g, '')
    if (separators.length > 0 && new Set(separators).size > 1) return false // mixed separators: not one number
    const digits = match.replace(/\D/g, '')
    return hasIssuer(digits) && luhnValid(digits)
  },
  mask: { operator: 'partial', keepStart: 6, keepEnd: 4 },
}
