import { digitGroups, GATE } from '../features.js'
import type { Detector } from '../types.js'

/** Numbers the SSA never issues, or that were published in advertising and are known fakes. */
const PUBLISHED = new Set(['078051120', '219099999'])

/** SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000. */
export function ssnValid(digits: string): boolean {
  const area = Number(digits.slice(0, 3))
  return (
    digits.length === 9 &&
    area !== 0 &&
    area !== 666 &&
    area < 900 &&
    digits.slice(3, 5) !== '00' &&
    digits.slice(5) !== '0000' &&
    !PUBLISHED.has(digits)
  )
}

/** Runs of 3, 2 and 4 digits: AAA-GG-SSSS. */
export const SSN_GROUPS = digitGroups(3, 2, 4)

export const ssn: Detector = {
  id: 'us-ssn',
  description:
    'US Social Security numbers written AAA-GG-SSSS (or with spaces), valid by SSA area/group/serial rules.',
  set: 'default',
  requires: GATE.RUN8,
  // Two dashes or two spaces between the groups.
  prefilter: (_text, f) =>
    f.digitRun >= 9 && (f.dashes >= 2 || f.spaces >= 2) && (f.groups & SSN_GROUPS) === SSN_GROUPS,
  pattern: /(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])/g,
  validate: (match) => ssnValid(match.replace(/\D/g, '')),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
