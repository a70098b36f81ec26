import { base64urlText } from '../checksums.js'
import { GATE } from '../features.js'
import type { Detector } from '../types.js'

function jsonObject(part: string): Record<string, unknown> | null {
  const text = base64urlText(part)
  if (text === null) return null
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

export const jwt: Detector = {
  id: 'jwt',
  description:
    'JSON Web Tokens (JWS compact form) whose header (with "alg") and payload decode to JSON objects.',
  set: 'default',
  requires: GATE.DOTS2,
  // `eyJ` holds a capital.
  prefilter: (text, f) => f.dots >= 2 && f.length >= 30 && f.upper >= 1 && text.includes('eyJ'),
  pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![\w-])/g,
  validate(match) {
    const [header = '', payload = ''] = match.split('.')
    const decoded = jsonObject(header)
    return decoded !== null && typeof decoded.alg === 'string' && jsonObject(payload) !== null
  },
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
