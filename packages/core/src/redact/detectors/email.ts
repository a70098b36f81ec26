import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const email: Detector = {
  id: 'email',
  description:
    'Email addresses: a local part, "@", and a domain with a top-level domain of letters; internationalized local parts and domains (Unicode or xn-- labels) included.',
  set: 'default',
  requires: GATE.AT,
  prefilter: (_text, f) => f.at,
  pattern:
    /(?<![\p{L}\p{N}_.%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)*\.(?:\p{L}{2,24}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}_-]|:[\p{L}\p{N}_~/])/gu,
  // Not `git@github.com:owner/repo.git` (an SSH location: user, host, path).
  validate: (match) => !match.startsWith('.') && !match.includes('..'),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
