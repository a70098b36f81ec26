import { nhsCheckValid } from '../checksums.js'
import { digitGroups, GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { Detector } from '../types.js'

/** Prefixes HMRC has never allocated and will not (HMRC National Insurance Manual NIM39110). */
const UNALLOCATED_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'])

export const ukNino: Detector = {
  id: 'uk-nino',
  description:
    'UK National Insurance numbers: two prefix letters HMRC allocates, six digits and a suffix A-D, in either case, compact or spaced between every pair (AB123456C, AB 12 34 56 C), or in capitals spaced between some pairs only (AB 123456 C).',
  set: 'default',
  requires: GATE.RUN6,
  // Two prefix letters and a suffix letter around the digits.
  prefilter: (_text, f) => f.digitRun >= 6 && f.length >= 9 && f.upper + f.lower >= 3,
  // Written in upper case by HMRC, in either case by people.
  // First letter not D F I Q U V; second not D F I O Q U V; optional single spaces between the pairs.
  pattern: /(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/gi,
  // Spaces only between the pairs (the pattern's places): AB 12 34 56 C as HMRC prints it and
  // AB123456C in either case; spaced between some pairs only (AB 123456 C, PR 123612C) in capitals,
  // as forms write it: in lower case that is English (`rose by 120000 a year`).
  validate: (match) =>
    !UNALLOCATED_PREFIXES.has(match.slice(0, 2).toUpperCase()) &&
    (match.length === 9 || match.length === 13 || match === match.toUpperCase()),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

/** Runs of 3 (twice) and 4 digits: 943 476 5919. */
const NHS_GROUPS = digitGroups(3, 4)
/** A run of 10 digits: an NHS number written bare. */
const TEN = digitGroups(10)

function isNhsKey(key: string | null): boolean {
  return key !== null && keyWords(key).includes('nhs')
}

export const ukNhs: Detector = {
  id: 'uk-nhs',
  description:
    'NHS numbers (England, Wales, Isle of Man): 10 digits with a mod-11 check digit, written 3-3-4 with spaces as the NHS displays them; bare or dashed (as US phone numbers are written) only under a member named like nhsNumber.',
  set: 'default',
  requires: GATE.RUN8,
  // Written 3-3-4 with spaces, unless the member is named for it.
  prefilter: (_text, f, context) =>
    f.digitRun >= 10 &&
    ((f.groups & NHS_GROUPS) === NHS_GROUPS || (f.groups & TEN) !== 0) &&
    (f.spaces >= 2 || isNhsKey(context.key)),
  pattern: /(?<![\w.-])\d{3}([ -]?)\d{3}\1\d{4}(?![\w-]|\.\d)/g,
  validate(match, context) {
    // A bare 10-digit run is as often a timestamp or an id, a dashed one a US phone number, and
    // ~9% of those pass mod 11.
    if ((match.length === 10 || match.includes('-')) && !isNhsKey(context.key)) return false
    return nhsCheckValid(match.replace(/\D/g, ''))
  },
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
