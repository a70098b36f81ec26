import { base62, crc32 } from '../checksums.js'
import { GATE, isAsciiAlnum } from '../features.js'
import type { Detector, Span } from '../types.js'

/** `gh?_` tokens end with a base-62 CRC-32 of their 30 random characters. */
export function githubChecksumValid(token: string): boolean {
  const body = token.slice(4)
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30)
}

/** Letters, digits and `_`: what may not stand right before or after a token the pattern reads. */
function isWord(c: number): boolean {
  return isAsciiAlnum(c) || c === 95
}

/**
 * `gh?_` tokens glued to other letters or digits (`12345ghp_...`, `idghs_...`, `ghp_...xyz`), which
 * the pattern leaves: a word may end in `gh` (`laughs_`), so only where the token's CRC-32 holds,
 * the 40 characters from the prefix on. Spans appended to `found`, verified.
 */
function collectGluedGithub(text: string, found: Span[]): void {
  for (let at = text.indexOf('gh', 0); at !== -1; at = text.indexOf('gh', at + 1)) {
    const kind = text.charCodeAt(at + 2)
    // p, o, u, s, r, then `_`
    if (!(kind === 112 || kind === 111 || kind === 117 || kind === 115 || kind === 114)) continue
    if (text.charCodeAt(at + 3) !== 95 || at + 40 > text.length) continue
    const glued =
      (at > 0 && isWord(text.charCodeAt(at - 1))) ||
      (at + 40 < text.length && isWord(text.charCodeAt(at + 40)))
    if (!glued) continue // the pattern's own case
    let body = true
    for (let i = at + 4; i < at + 40 && body; i++) body = isAsciiAlnum(text.charCodeAt(i))
    if (!body) continue
    const token = text.slice(at, at + 40)
    if (githubChecksumValid(token))
      found.push({ start: at, end: at + 40, detector: 'github-token', verified: true })
  }
}

export const github: Detector = {
  id: 'github-token',
  description:
    'GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ and 36 letters and digits (confidence high when their CRC-32 checksum holds; glued to other letters or digits, only then), and fine-grained github_pat_ tokens.',
  set: 'default',
  requires: GATE.UNDERSCORE,
  prefilter: (text, f) => f.underscore && (text.includes('gh') || text.includes('github_pat_')),
  // A fine-grained token's prefix and lengths are its own boundary: glued to anything, it is one.
  pattern:
    /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}/g,
  // A fine-grained token's 22 + 59 characters are its own proof; a classic one's is its checksum.
  verify: (match) => match.startsWith('github_pat_') || githubChecksumValid(match),
  also: collectGluedGithub,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
  confidence: 'medium',
}
