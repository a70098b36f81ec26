import { GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { Detector } from '../types.js'
import { ssnValid } from './ssn.js'

function isSsnKey(key: string | null): boolean {
  if (key === null) return false
  const words = keyWords(key)
  return words.includes('ssn') || words.join(' ').includes('social security')
}

/** "SSN" or "social security (number|no)", a few separators, then 9 digits. */
const SSN_MENTION = /\b(?:ssn|social security(?: number| no)?)[\s:#=._-]{0,4}\d{9}(?!\d)/i

export const usSsnBare: Detector = {
  id: 'us-ssn-bare',
  description:
    'US Social Security numbers written as 9 bare digits, only under a member named like ssn or socialSecurityNumber, or just after "SSN". Strict set only.',
  set: 'strict',
  requires: GATE.RUN8,
  prefilter: (text, f, context) => f.digitRun >= 9 && (isSsnKey(context.key) || SSN_MENTION.test(text)),
  // At the start of the value (a member named for it), or just after the word.
  pattern: /(?<=^|\b(?:ssn|social security(?: number| no)?)[\s:#=._-]{0,4})\d{9}(?![\w-]|\.\d)/gi,
  validate: (match) => ssnValid(match),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'medium',
}

export const usSsnDotted: Detector = {
  id: 'us-ssn-dotted',
  description:
    'US Social Security numbers written AAA.GG.SSSS, valid by SSA area/group/serial rules. Strict set only.',
  set: 'strict',
  requires: GATE.RUN8,
  prefilter: (_text, f) => f.dots >= 2 && f.digitRun >= 9,
  pattern: /(?<![\w.-])\d{3}\.\d{2}\.\d{4}(?![\w-]|\.\d)/g,
  validate: (match) => ssnValid(match.replace(/\D/g, '')),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'medium',
}
