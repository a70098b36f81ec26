import { luhnValidDigits } from '../checksums.js'
import { GATE, isDigit, namesIdOrCode } from '../features.js'
import type { Detector } from '../types.js'

/** Issuer prefix ranges and the lengths each issues (ISO/IEC 7812 IINs as published by the networks; exported for tests). */
export const ISSUERS: ReadonlyArray<
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
  [5019, 5019, 4, [16]], // Dankort
  [5018, 5018, 4, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
  [5020, 5020, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [5038, 5038, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [5893, 5893, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [6304, 6304, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [6759, 6759, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
  [6761, 6763, 4, [12, 13, 14, 15, 16, 17, 18, 19]],
]

/** The digits of the match being validated (a match holds at most 19). */
const DIGITS = new Uint8Array(32)

/** {@link ISSUERS} flattened: from, to, prefix length, and the lengths issued as bits (1 << length). */
const ISSUER_TABLE = Int32Array.from(
  ISSUERS.flatMap(([from, to, prefixLength, lengths]) => [
    from,
    to,
    prefixLength,
    lengths.reduce((bits, length) => bits | (1 << length), 0),
  ]),
)

/** Whether `length` digits in {@link DIGITS} start with a known issuer prefix that issues that length. */
function hasIssuer(length: number): boolean {
  const p1 = DIGITS[0]!
  const p2 = p1 * 10 + DIGITS[1]!
  const p3 = p2 * 10 + DIGITS[2]!
  const p4 = p3 * 10 + DIGITS[3]!
  const bit = 1 << length
  const table = ISSUER_TABLE
  for (let i = 0; i < table.length; i += 4) {
    if ((table[i + 3]! & bit) === 0) continue
    const prefixLength = table[i + 2]!
    const prefix = prefixLength === 1 ? p1 : prefixLength === 2 ? p2 : prefixLength === 3 ? p3 : p4
    if (prefix >= table[i]! && prefix <= table[i + 1]!) return true
  }
  return false
}

/**
 * A card number written as digits only (12 to 19 of them: a card alone in its member), read in
 * one pass that also takes its digits: 1 when it is valid, 0 when it is not, -1 when `text` holds
 * anything but digits (read otherwise by the caller). What {@link validCard} answers for such text.
 */
export function digitsOnlyCard(text: string, length: number): number {
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return -1
    DIGITS[i] = code - 48
  }
  return hasIssuer(length) && luhnValidDigits(DIGITS, length) ? 1 : 0
}

/**
 * A card number as the pattern matched it: its digits (into {@link DIGITS}) with one kind of
 * separator at most, a known issuer and length, and a valid Luhn check digit. One pass, no strings.
 */
function validCard(match: string): boolean {
  let length = 0
  let separator = 0
  let group = 0
  let longest = 0
  for (let i = 0; i < match.length; i++) {
    const code = match.charCodeAt(i)
    if (code >= 48 && code <= 57) {
      if (length === DIGITS.length) return false
      DIGITS[length++] = code - 48
      if (++group > longest) longest = group
      continue
    }
    // Cards written in groups start with four digits (4-4-4-4, 4-6-5, 4-3-3-3): two phone numbers
    // side by side (`391 847 7567 102 343 6383`) do not.
    if (separator === 0 && group !== 4) return false
    group = 0
    if (separator === 0) separator = code
    // Mixed separators: not one number.
    else if (code !== separator) return false
  }
  // Groups are 4 to 6 digits long (4-4-4-4, 4-6-5); a UUID's first groups are 8-4-4.
  if (separator !== 0 && longest > 6) return false
  return length >= 12 && hasIssuer(length) && luhnValidDigits(DIGITS, length)
}

function cardRetryFrom(match: string): number {
  // A group, a separator, then twelve digits in groups: 16 characters at least (a phone number's
  // 14, refused, ends here).
  if (match.length < 16) return 0
  let digits = 0
  for (let i = 0; i < match.length; i++) if (isDigit(match.charCodeAt(i))) digits++
  let seen = 0
  let start = 0
  for (let i = 0; i <= match.length; i++) {
    if (i < match.length && isDigit(match.charCodeAt(i))) {
      seen++
      continue
    }
    // A group ends at i: it is the start to retry from when it is a later group of four digits
    // that leaves enough for a card.
    const group = i - start
    if (start > 0 && ((group === 4 && digits - seen + group >= 12) || group >= 12)) return start
    start = i + 1
  }
  return 0
}

/** The longest start of a refused match that ends with a group and is a card, or 0. */
function cardTrim(match: string): number {
  for (let end = match.length - 1; end >= 12; end--) {
    if (
      !isDigit(match.charCodeAt(end)) &&
      isDigit(match.charCodeAt(end - 1)) &&
      validCard(match.slice(0, end))
    )
      return end
  }
  return 0
}

export const card: Detector = {
  id: 'card',
  description:
    'Payment card numbers: a known issuer prefix, that issuer’s length, and a valid Luhn check digit.',
  set: 'default',
  requires: GATE.RUN8,
  // A string of digits only under an id or a product code's name (`orderId`, `gtin`) is that id
  // or code, as a number there is (see namesIdOrCode).
  prefilter: (text, f, context) =>
    f.digitRun >= 12 && !(f.digits === f.length && namesIdOrCode(context.key, text)),
  // 12 to 19 digits and nothing else: the pattern takes them all or nothing.
  whole: (f) => f.digits === f.length && f.length >= 12 && f.length <= 19,
  // Digits, optionally in groups split by one space, two spaces, a tab or a dash (one kind in a
  // number, checked by validCard), not inside a longer number.
  // Not inside a longer number, nor glued to letters (`TL38 0080 0123 ...` is an IBAN, `AB4111...` an
  // id); after a `-` or `_` it may be (`statement-4111111111111111.pdf`), and after the `%B` that
  // starts a magnetic stripe's track 1 (`%B4111111111111111^DOE/JOHN^...`).
  // Glued to letters only after a word that names a card (`PAN4111111111111111`,
  // `card4111111111111111exp`, `ccnumber4111...`, `visa4111...`), as one run of 13 to 19 digits:
  // after any letters, one id in ten of the form `p` + 16 digits starting with 4 would pass the
  // checks below. (Case-insensitive: the pattern has no other letters.)
  // Not right after the head of an IBAN (`RS35 2600 0560 ...`: two letters and two digits).
  // Not where the rest of a UUID starts (after four hex digits and a dash, groups of four up to a
  // last group of twelve): one UUID in 8,000 holds a run such as `84f79e28-4039-4589-8612-6a73...`
  // that passes every check. After a label or a number (`card-`, `ORD-2024-`, `statement-`) it is
  // read. A dash after the number may start a word (`4111111111111111-receipt.pdf`).
  pattern:
    /(?<![\d.])(?<!(?<!%)[a-z])(?<!(?<![a-z\d])[a-z]{2}\d{2}[ -]?)(?!(?<=[\da-f]{4}-)(?:[\da-f]{4}-){0,3}[\da-f]{12}(?![\da-f]))\d(?:(?:[ \t-]| {2})?\d){11,18}(?!\d|-\d|\.\d)|(?<=(?:card|cc|pan)(?:n|no|nr|num|number)?|visa|amex|mc|jcb|discover|maestro|diners|unionpay)\d{13,19}(?!\d|-\d|\.\d)/gi,
  validate: validCard,
  // A refused run of groups may start with a card (`4111 1111 1111 1111 12/27 123`: the longest
  // valid start ending with a group is kept), or end with one (`2024-12-06-4111-1111-1111-1111`,
  // `user-42-4111-...`, `12:01:33 4111111111111111`): read again from its first later group of
  // four digits that leaves twelve or more, or of 12 to 19 digits.
  trim: cardTrim,
  retryFrom: cardRetryFrom,
  mask: { operator: 'partial', keepStart: 6, keepEnd: 4 },
}
