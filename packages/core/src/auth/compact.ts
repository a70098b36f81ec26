import { LeakguardAuthError } from '../errors.js'

/** The decoded protected header of a compact JWS, as far as leakguard reads it. */
export interface TokenHeader {
  readonly alg: string
  readonly kid?: string
  readonly typ?: string
  readonly [member: string]: unknown
}

/** A token that passed the strict compact-serialization check. */
export interface CompactToken {
  readonly header: TokenHeader
  /** The payload segment, still encoded: decoded only when an issuer must be picked. */
  readonly payload: string
}

/**
 * Header parameters that carry or point to a key (RFC 7515 §4.1). A verifier that used them would
 * let the token choose the key that verifies it; leakguard never does, and refuses tokens that
 * carry them rather than silently ignoring an attacker's hint.
 */
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const

const BASE64URL = /^[A-Za-z0-9_-]+$/
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Whether `segment` is canonical unpadded base64url (RFC 7515 §2): only the URL-safe alphabet, no
 * `=`, no impossible length, and zero bits after the last whole byte. Node's decoder accepts all of
 * these quietly, so two different strings could verify as the same token.
 */
export function isCanonicalBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false
  const rest = segment.length % 4
  if (rest === 1) return false
  if (rest === 0) return true
  const last = BASE64URL_ALPHABET.indexOf(segment[segment.length - 1]!)
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0
}

function malformed(description?: string): LeakguardAuthError {
  return new LeakguardAuthError('ERR_LG_TOKEN_MALFORMED', description === undefined ? {} : { description })
}

/** Decodes a canonical base64url segment holding a JSON object. @throws LeakguardAuthError */
export function decodeJsonSegment(segment: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')))
  } catch {
    throw malformed()
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed()
  return value as Record<string, unknown>
}

/**
 * Checks the compact serialization before `jose` sees the token: exactly three canonical base64url
 * segments (only the payload may be empty), a JSON object header with a string `alg` from `algorithms`, no key-carrying
 * header (`jwk`, `jku`, `x5u`, `x5c`), no `crit` (leakguard understands no extension) and no `b64`.
 * @throws LeakguardAuthError at the `format` stage
 */
export function parseCompact(token: string, algorithms: ReadonlySet<string>): CompactToken {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1 || token.indexOf('.', second + 1) !== -1) throw malformed()
  const headerSegment = token.slice(0, first)
  const payload = token.slice(first + 1, second)
  const signature = token.slice(second + 1)
  if (
    !isCanonicalBase64url(headerSegment) ||
    // An empty payload is a valid JWS (RFC 7515 §7.1); as a JWT it fails at the claims stage.
    (payload !== '' && !isCanonicalBase64url(payload)) ||
    !isCanonicalBase64url(signature)
  ) {
    throw malformed()
  }
  const header = decodeJsonSegment(headerSegment)
  if (typeof header.alg !== 'string') throw malformed()
  if (!algorithms.has(header.alg)) throw new LeakguardAuthError('ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED')
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header) throw new LeakguardAuthError('ERR_LG_TOKEN_HEADER_FORBIDDEN')
  }
  if ('crit' in header || 'b64' in header) throw new LeakguardAuthError('ERR_LG_TOKEN_HEADER_FORBIDDEN')
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > 1024)) {
    throw malformed()
  }
  if (header.typ !== undefined && typeof header.typ !== 'string') throw malformed()
  return { header: header as TokenHeader, payload }
}
