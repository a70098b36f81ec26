import type { RequestHeaders } from '../auth/bearer.js'

/**
 * Whether a request carries a body, by its headers: a `Transfer-Encoding`, or a `Content-Length`
 * other than 0 (the test of `type-is`, which body parsers use to decide whether to read).
 */
export function hasRequestBody(headers: RequestHeaders): boolean {
  const length = headers['content-length']
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}
