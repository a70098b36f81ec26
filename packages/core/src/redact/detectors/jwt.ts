import { base64urlText } from '../checksums.js'
import { GATE } from '../features.js'
import type { Detector, Span } from '../types.js'

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

/** `A-Z a-z 0-9 _ -`: base64url, what a JWT's parts are made of (the pattern's `[\w-]`). */
const TOKEN = new Uint8Array(128)
for (let c = 48; c <= 57; c++) TOKEN[c] = 1
for (let c = 65; c <= 90; c++) TOKEN[c] = TOKEN[c + 32] = 1
TOKEN[95] = TOKEN[45] = 1

function isToken(c: number): boolean {
  return c < 128 && TOKEN[c] === 1
}

/** Starts tried in one run of token characters before the rest of it is masked unread. */
const MAX_STARTS = 8

/**
 * JWTs glued after other token characters (`id-eyJ...`, `ghs_x_eyJ...`, `BearereyJ...`), which
 * the pattern leaves to stay linear: each run of token characters ending at the header's `.` is
 * read once, its payload decoded once, and its `eyJ` starts tried left to right, a header decoded
 * for each, until one holds an `alg`. Past {@link MAX_STARTS} refused starts (a text made to hide a
 * token behind decoys), the rest of the run and the token after it are masked unread: fail closed.
 * Spans of `jwt`, appended to `found`.
 */
export function collectGluedJwts(text: string, found: Span[]): void {
  const n = text.length
  let from = 0
  for (;;) {
    const at = text.indexOf('eyJ', from)
    if (at === -1) return
    // Not glued: the pattern's own case.
    if (at === 0 || !isToken(text.charCodeAt(at - 1))) {
      from = at + 3
      continue
    }
    // The header runs to the first character that is not a token character: a `.` for a JWT.
    let dot = at + 3
    while (dot < n && isToken(text.charCodeAt(dot))) dot++
    from = dot
    if (text.charCodeAt(dot) !== 46) continue
    let second = dot + 1
    while (second < n && isToken(text.charCodeAt(second))) second++
    if (second - dot - 1 < 2 || text.charCodeAt(second) !== 46) continue
    let end = second + 1
    while (end < n && isToken(text.charCodeAt(end))) end++
    from = end
    if (jsonObject(text.slice(dot + 1, second)) === null) continue
    // Every `eyJ` of the run before the header's last two characters may start the token.
    for (
      let start = at, tried = 0;
      start !== -1 && start + 5 <= dot;
      start = text.indexOf('eyJ', start + 1)
    ) {
      if (tried++ === MAX_STARTS) {
        found.push({ start, end, detector: 'jwt', verified: false })
        break
      }
      const header = jsonObject(text.slice(start, dot))
      if (header !== null && typeof header.alg === 'string') {
        found.push({ start, end, detector: 'jwt', verified: false })
        break
      }
    }
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
  also: collectGluedJwts,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
