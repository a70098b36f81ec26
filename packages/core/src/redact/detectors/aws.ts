import { GATE } from '../features.js'
import { keyWords } from '../keys.js'
import type { Detector } from '../types.js'

export const awsAccessKey: Detector = {
  id: 'aws-access-key',
  description: 'AWS access key ids: a known four-letter prefix (AKIA, ASIA, ...) and 16 base-32 characters.',
  set: 'default',
  requires: GATE.UPPER4,
  prefilter: (_text, f) => f.upper >= 4 && f.upper + f.digits >= 20,
  pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}(?![A-Z0-9])/g,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}

/** A member name that says it holds an AWS secret key (`aws_secret_access_key`, `secretAccessKey`). */
function isSecretKeyName(key: string | null): boolean {
  if (key === null) return false
  const words = keyWords(key)
  return words.includes('secret') && (words.includes('aws') || words.includes('access'))
}

export const awsSecretKey: Detector = {
  id: 'aws-secret-key',
  description:
    'AWS secret access keys: 40 base-64 characters, only under a member named like one, or after "aws_secret_access_key=".',
  set: 'default',
  requires: GATE.LENGTH37,
  prefilter: (text, f, context) =>
    f.length >= 40 && (isSecretKeyName(context.key) || /secret_?access_?key/i.test(text)),
  pattern: /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
  validate: (match) => /[A-Z]/.test(match) && /[a-z]/.test(match) && /\d/.test(match),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'medium',
}
