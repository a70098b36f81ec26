import type { Detector } from '../types.js'

const DATE = /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$|^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4}$/

export const phone: Detector = {
  id: 'phone',
  description:
    'Phone numbers: E.164 (+ and 8-15 digits) or national formats of 10-11 digits in groups; never a bare run of digits.',
  set: 'default',
  prefilter: (_text, f) => f.digitRun >= 8 && (f.plus || f.digitRun >= 10),
  pattern:
    /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}(?![\w-]|\.\d)/g,
  validate(match) {
    const digits = match.replace(/\D/g, '')
    if (DATE.test(match)) return false
    if (match.startsWith('+')) return digits.length >= 8 && digits.length <= 15
    // National: needs grouping (a bare run never gets here) and 10-11 digits; no dotted quads (IPs, versions).
    if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(match)) return false
    return digits.length >= 10 && digits.length <= 11
  },
  mask: { operator: 'partial', keepStart: 0, keepEnd: 2 },
}
