import { GATE } from '../features.js'
import type { Detector } from '../types.js'

export const facebookAppToken: Detector = {
  id: 'facebook-app-token',
  description:
    'Facebook app access tokens and client tokens: an app id of 15-16 digits, "|", and the secret part.',
  set: 'default',
  requires: GATE.DIGITS8,
  prefilter: (text, f) => f.digits >= 15 && text.includes('|'),
  pattern: /(?<![\w|])\d{15,16}\|[A-Za-z0-9_-]{27,32}(?![\w-])/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'medium',
}
