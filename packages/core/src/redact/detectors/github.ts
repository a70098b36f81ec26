import { base62, crc32 } from '../checksums.js'
import { GATE } from '../features.js'
import type { Detector } from '../types.js'

/** `gh?_` tokens end with a base-62 CRC-32 of their 30 random characters. */
export function githubChecksumValid(token: string): boolean {
  const body = token.slice(4)
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30)
}

export const github: Detector = {
  id: 'github-token',
  description:
    'GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ with a valid CRC-32 checksum, and fine-grained github_pat_ tokens.',
  set: 'default',
  requires: GATE.UNDERSCORE,
  prefilter: (text, f) => f.underscore && (text.includes('gh') || text.includes('github_pat_')),
  pattern:
    /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
  validate: (match) => match.startsWith('github_pat_') || githubChecksumValid(match),
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
