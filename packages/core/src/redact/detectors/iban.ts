import { ibanValid } from '../checksums.js'
import { GATE, isDigit } from '../features.js'
import type { Detector } from '../types.js'

/** IBAN length per country (SWIFT IBAN registry). */
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
}

/** A valid IBAN, written in capitals (as printed) or in lower case (as typed into a form). */
function valid(match: string): boolean {
  // The country's length first, counted without building a string (trim and retries call this
  // on every candidate of a text made of groups).
  const length = LENGTHS[match.slice(0, 2).toUpperCase()]
  if (length === undefined || compactLength(match) !== length) return false
  if (match.includes('-') && !dashedInFours(match)) return false
  // (The pattern takes one case only: capitals or lower case.)
  return ibanValid(match.replace(/[ -]/g, '').toUpperCase())
}

/** Characters of `text` but separators (spaces and dashes). */
function compactLength(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) if (!isSeparator(text.charCodeAt(i))) n++
  return n
}

/**
 * An IBAN written with dashes is in groups of four, the last of one to four, and no spaces:
 * `AL47-2121-1009-...-8741`. A UUID (8-4-4-4-12) holds no such run long enough for a country, where
 * groups of any length let one in a hundred read as a valid IBAN of some country.
 */
function dashedInFours(match: string): boolean {
  let group = 0
  for (let i = 0; i < match.length; i++) {
    const code = match.charCodeAt(i)
    if (code === 32) return false
    if (code !== 45) group++
    else if (group !== 4) return false
    else group = 0
  }
  return group >= 1 && group <= 4
}

/** A space or a dash: what an IBAN's groups are split by (the print form, and forms that use dashes). */
function isSeparator(code: number): boolean {
  return code === 32 || code === 45
}

/** Where the last separator before `before` is, or -1. */
function lastSeparator(text: string, before: number): number {
  for (let i = before - 1; i >= 0; i--) if (isSeparator(text.charCodeAt(i))) return i
  return -1
}

/** Where the first separator from `from` on is, or -1. */
function nextSeparator(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (isSeparator(text.charCodeAt(i))) return i
  return -1
}

/** Whether the group at `at` can start an IBAN: a country's code and two digits, in one case. */
function startsIban(match: string, at: number): boolean {
  const a = match.charCodeAt(at)
  const b = match.charCodeAt(at + 1)
  const upper = a >= 65 && a <= 90 && b >= 65 && b <= 90
  const lower = a >= 97 && a <= 122 && b >= 97 && b <= 122
  if (!(upper || lower) || !isDigit(match.charCodeAt(at + 2)) || !isDigit(match.charCodeAt(at + 3)))
    return false
  return LENGTHS[match.slice(at, at + 2).toUpperCase()] !== undefined
}

export const iban: Detector = {
  id: 'iban',
  description:
    'IBANs, in capitals or in lower case, compact or in groups split by spaces or dashes: a country code, that country’s length, and a valid ISO 13616 mod-97 check.',
  set: 'default',
  requires: GATE.DIGITS8,
  prefilter: (_text, f) => f.ibanShape && f.digits >= 8 && f.length >= 15,
  // In capitals or in lower case, never both: a word in the other case ends a match (`fy24 refund
  // to DE89 ...`), which a mixed-case run would have taken in.
  // Groups split by single spaces (ISO 13616's print form) or dashes (`AL47-2121-1009-...`).
  pattern: /\b(?:[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}|[a-z]{2}\d{2}(?:[ -]?[a-z0-9]){11,30})\b/g,
  validate: (match) => valid(match),
  // A word after a grouped IBAN (`... 0130 00 BIC`, `... 8901 X in a sentence`) reads as one more
  // group: the IBAN is the longest run of its groups that is valid.
  trim(match) {
    for (let end = lastSeparator(match, match.length); end > 4; end = lastSeparator(match, end))
      if (valid(match.slice(0, end))) return end
    return 0
  },
  // `AB12 GB82 WEST ...`: refused from its first group, the match is read again from the first
  // later group that can start one (a country's code and two digits). Once: collect() does not
  // retry a match it found by retrying, so a text of groups is read at most about twice.
  retryFrom(match) {
    for (let at = nextSeparator(match, 0) + 1; at > 0; at = nextSeparator(match, at) + 1)
      if (startsIban(match, at)) return at
    return 0
  },
  mask: { operator: 'partial', keepStart: 4, keepEnd: 4 },
}
