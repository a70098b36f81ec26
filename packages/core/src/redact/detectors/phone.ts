import { GATE } from '../features.js'
import type { Detector } from '../types.js'

const DATE = /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$|^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4}$/

export const phone: Detector = {
  id: 'phone',
  description:
    'Phone numbers: E.164 (+ and 8-15 digits, grouped or not) or national formats of 10-11 digits in groups; never a bare run of digits.',
  set: 'default',
  // Without a +, digits in groups: at least one space, dot or dash between them.
  requires: GATE.RUN8,
  prefilter: (_text, f) =>
    f.digitRun >= 8 && (f.plus || (f.digitRun >= 10 && f.spaces + f.dots + f.dashes > 0)),
  pattern:
    /(?<![\w+.-])(?:\+\d{7,15}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,6}(?:[ .-]\d{1,8}){1,5})(?![\w-]|\.\d)/g,
  validate(match) {
    const digits = match.replace(/\D/g, '')
    if (match.startsWith('+')) return digits.length >= 8 && digits.length <= 15
    // A date, or a date and the hour of a timestamp (`2024-05-17 10:01:05,123` in a log line).
    if (DATE.test(match) || /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}$/.test(match)) return false
    // National: grouped (a bare run never gets here), 10-11 digits; not a decimal, dotted quad or version.
    if (/^[\d.]+$/.test(match)) return false
    return digits.length >= 10 && digits.length <= 11
  },
  mask: { operator: 'partial', keepStart: 0, keepEnd: 2 },
  confidence: 'medium',
}
