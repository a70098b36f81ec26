import { GATE } from '../features.js'
import type { Detector } from '../types.js'

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / text.length
    bits -= p * Math.log2(p)
  }
  return bits
}

export const highEntropy: Detector = {
  id: 'high-entropy',
  description:
    'Generic secrets: runs of 24+ token characters mixing cases and digits with at least 4 bits of entropy per character. Strict set only.',
  set: 'strict',
  requires: GATE.LENGTH24,
  prefilter: (_text, f) => f.length >= 24,
  pattern: /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{24,512}(?![A-Za-z0-9+/_=-])/g,
  validate: (match) => /[a-z]/.test(match) && /[A-Z]/.test(match) && /\d/.test(match) && entropy(match) >= 4,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'low',
}
