import { base64urlText } from '../checksums.js'
import { GATE, isAsciiAlnum } from '../features.js'
import { isJsonText } from '../json-text.js'
import type { Detector, Span } from '../types.js'

function jsonObject(part: string): Record<string, unknown> | null {
  const text = base64urlText(part)
  if (text === null || !isJsonText(text)) return null
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
function isToken(c: number): boolean {
  return isAsciiAlnum(c) || c === 95 || c === 45
}

/** Starts decoded in one run of token characters before the rest of it is masked unread. */
const MAX_STARTS = 8

/** base64url's alphabet: each character's 6 bits, -1 for any other character. */
const SEXTETS = new Int8Array(128).fill(-1)
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => {
  SEXTETS[c.charCodeAt(0)] = i
})

/**
 * The last byte base64url text from `start` to `end` decodes to, read from its last group alone;
 * -1 when its length cannot be base64url.
 */
function lastByte(text: string, start: number, end: number): number {
  const rest = (end - start) % 4
  if (rest === 1) return -1
  const group = rest === 0 ? end - 4 : end - rest
  const a = SEXTETS[text.charCodeAt(group)]!
  const b = SEXTETS[text.charCodeAt(group + 1)]!
  if (rest === 2) return ((a << 2) | (b >> 4)) & 255
  const c = SEXTETS[text.charCodeAt(group + 2)]!
  if (rest === 3) return (((b & 15) << 4) | (c >> 2)) & 255
  return (((c & 3) << 6) | SEXTETS[text.charCodeAt(group + 3)]!) & 255
}

/** Whether a header read from this start can end as a JSON object: `}`, or white space after one. */
function mayEndObject(text: string, start: number, end: number): boolean {
  const last = lastByte(text, start, end)
  return last === 125 || last === 32 || last === 10 || last === 13 || last === 9
}

/**
 * JWTs glued after other token characters (`id-eyJ...`, `ghs_x_eyJ...`, `BearereyJ...`), which
 * the pattern leaves to stay linear: each run of token characters ending at a `.` is read as a
 * header once, its payload decoded once, and its `eyJ` starts tried left to right until one
 * decodes to a JSON object with an `alg`. A start whose last byte cannot end an object costs one
 * group; past {@link MAX_STARTS} full decodes refused (a text made to hide a token behind decoys),
 * the rest of the run and the token after it are masked unread: fail closed. The signature's run,
 * and the payload's when a header is refused, are read again as headers (`v1-<jwt>-<jwt>`).
 * `anyPayload`: the payload need not be a JSON object (routes that issue tokens read any payload).
 * Spans of `jwt`, appended to `found`.
 */
export function collectGluedJwts(text: string, found: Span[], anyPayload = false): void {
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
    // Whatever is refused here, the next run may hold a token of its own.
    from = dot
    if (text.charCodeAt(dot) !== 46) continue
    let second = dot + 1
    while (second < n && isToken(text.charCodeAt(second))) second++
    if (second - dot - 1 < 2 || text.charCodeAt(second) !== 46) continue
    let end = second + 1
    while (end < n && isToken(text.charCodeAt(end))) end++
    if (!anyPayload && jsonObject(text.slice(dot + 1, second)) === null) continue
    // Every `eyJ` of the run before the header's last two characters may start the token.
    let taken = -1
    for (
      let start = at, decoded = 0;
      start !== -1 && start + 5 <= dot;
      start = text.indexOf('eyJ', start + 1)
    ) {
      if (!mayEndObject(text, start, dot)) continue
      if (decoded++ === MAX_STARTS) {
        taken = start
        break
      }
      const header = jsonObject(text.slice(start, dot))
      if (header !== null && typeof header.alg === 'string') {
        taken = start
        break
      }
    }
    if (taken === -1) continue
    found.push({ start: taken, end, detector: 'jwt', verified: false })
    // A token glued after this one's signature (`<jwt>-<jwt>`) starts in its run.
    from = second + 1
  }
}

/**
 * How a JWT's header starts in base64url: `eyJ` is `{"`, what every JOSE library writes. A header
 * with white space after its brace (`{ "alg"`, `{\n  "alg"`: `eyA`, `ewo`, `ew0`, `ewk`) or one
 * white-space character before it (`IHs`, `Cns`, `CXs`, `DQp7`) is as valid to a verifier, and
 * is found too. Every start is decoded and must read as a JSON object with an `alg`.
 */
export const JWT_START = '(?:eyJ|eyA|ew[0ko]|IHs|Cns|CXs|DQp7)'
/** Whether text holds a start of {@link JWT_START}. */
export const HAS_JWT_START = new RegExp(JWT_START)

/** Whether `parts` are a JWS: a header with an `alg` and a payload that decode to JSON objects. */
function isJws(header: string, payload: string): boolean {
  const decoded = jsonObject(header)
  return decoded !== null && typeof decoded.alg === 'string' && jsonObject(payload) !== null
}

/**
 * Whether `parts` are a JWE (RFC 7516 compact form: header, encrypted key, IV, ciphertext, tag):
 * a header with `alg` and `enc` that decodes to a JSON object. Its other parts are opaque; the
 * encrypted key is empty under direct encryption (`"alg":"dir"`), the others are not.
 */
function isJwe(parts: readonly string[]): boolean {
  if (parts.length !== 5 || parts[2] === '' || parts[3] === '' || parts[4] === '') return false
  const header = jsonObject(parts[0]!)
  return header !== null && typeof header.alg === 'string' && typeof header.enc === 'string'
}

export const jwt: Detector = {
  id: 'jwt',
  description:
    'JSON Web Tokens: JWS compact form whose header (with "alg") and payload decode to JSON objects, and JWE compact form (five parts) whose header has "alg" and "enc". An encrypted token is still a bearer credential.',
  set: 'default',
  requires: GATE.DOTS2,
  // Every start holds a capital.
  prefilter: (text, f) =>
    f.dots >= 2 && f.length >= 30 && f.upper >= 1 && (text.includes('eyJ') || HAS_JWT_START.test(text)),
  // Five parts (a JWE) first, else three (a JWS); a JWE's encrypted key may be empty.
  pattern: new RegExp(
    `(?<![\\w-])${JWT_START}[A-Za-z0-9_-]{2,}\\.(?:[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}|[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*)(?![\\w-])`,
    'g',
  ),
  validate(match) {
    const parts = match.split('.')
    return parts.length === 5 ? isJwe(parts) : isJws(parts[0]!, parts[1]!)
  },
  // Five parts that are not a JWE may open with a JWS followed by other dotted text.
  trim(match) {
    const parts = match.split('.')
    if (parts.length !== 5 || parts[1] === '' || !isJws(parts[0]!, parts[1]!)) return 0
    return parts[0]!.length + parts[1]!.length + parts[2]!.length + 2
  },
  also: collectGluedJwts,
  mask: { operator: 'replace', with: '[REDACTED:{detector}]' },
}
