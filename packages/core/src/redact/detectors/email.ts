import type { Detector } from '../types.js'

export const email: Detector = {
  id: 'email',
  description: 'Email addresses: a local part, "@", and a domain with a top-level domain of letters.',
  set: 'default',
  prefilter: (_text, f) => f.at,
  pattern:
    /(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/g,
  validate: (match) => !match.startsWith('.') && !match.includes('..'),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
