import { abaCheckValid } from '../checksums.js'
import { digitGroups, GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { Detector } from '../types.js'
import { SSN_GROUPS } from './ssn.js'

/** A run of 9 digits: an ITIN written bare. */
const NINE = digitGroups(9)

/** IRS ITIN group (middle two digits) ranges: 50-65, 70-88, 90-92, 94-99. */
function itinGroupValid(group: number): boolean {
  return (
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    group >= 94
  )
}

function isItinKey(key: string | null): boolean {
  if (key === null) return false
  const words = keyWords(key)
  return words.includes('itin') || words.includes('tin')
}

export const usItin: Detector = {
  id: 'us-itin',
  description:
    'US Individual Taxpayer Identification Numbers: 9XX-GG-XXXX (dashes or spaces) with an IRS group (50-65, 70-88, 90-92, 94-99); 9 bare digits only under a member named like itin.',
  set: 'default',
  requires: GATE.RUN8,
  // Dashes or spaces between the groups, unless the member is named for it.
  prefilter: (_text, f, context) =>
    f.digitRun >= 9 &&
    ((f.groups & SSN_GROUPS) === SSN_GROUPS || (f.groups & NINE) !== 0) &&
    (f.dashes >= 2 || f.spaces >= 2 || isItinKey(context.key)),
  pattern: /(?<![\w.-])9\d{2}([- ]?)\d{2}\1\d{4}(?![\w-]|\.\d)/g,
  validate(match, context) {
    if (match.length === 9 && !isItinKey(context.key)) return false
    return itinGroupValid(Number(match.replace(/\D/g, '').slice(3, 5)))
  },
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

const ROUTING_WORDS = new Set(['routing', 'aba', 'rtn'])

function isRoutingKey(key: string | null): boolean {
  return key !== null && keyWords(key).some((word) => ROUTING_WORDS.has(word))
}

/** "routing", "ABA" or "RTN", maybe "number" or "no", a few separators, then 9 digits. */
const ROUTING_MENTION = /\b(?:routing|aba|rtn)(?:[ _-]?(?:number|num|no))?[\s:#=.()-]{0,4}\d{9}(?!\d)/i

/**
 * Federal Reserve routing symbol prefixes: 00 (US government), 01-12 (Federal Reserve districts),
 * 21-32 (thrifts), 61-72 (electronic transactions), 80 (traveller's cheques).
 */
function routingPrefixValid(prefix: number): boolean {
  return prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80
}

export const abaRouting: Detector = {
  id: 'aba-routing',
  description:
    'US ABA routing numbers: 9 digits with the 3-7-1 checksum and a Federal Reserve prefix, only under a member named like routingNumber or just after "routing (number)", "ABA" or "RTN".',
  set: 'default',
  requires: GATE.RUN8,
  prefilter: (text, f, context) =>
    f.digitRun >= 9 && (isRoutingKey(context.key) || (f.upper + f.lower >= 3 && ROUTING_MENTION.test(text))),
  // At the start of the value (a member named for it), or after the word.
  pattern: /(?<=^|\b(?:routing|aba|rtn)(?:[ _-]?(?:number|num|no))?[\s:#=.()-]{0,4})\d{9}(?![\w-]|\.\d)/gi,
  validate: (match) => routingPrefixValid(Number(match.slice(0, 2))) && abaCheckValid(match),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'medium',
}
