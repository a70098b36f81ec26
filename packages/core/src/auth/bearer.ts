import { LeakguardAuthError } from '../errors.js'

/** Request headers as Node parses them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

// RFC 6750 §2.1: "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i
const SCHEME = /^bearer(?: |$)/i
const QUERY_PARAMETER = 'access_token'

function invalidRequest(description: string): LeakguardAuthError {
  return new LeakguardAuthError('ERR_LG_AUTH_INVALID_REQUEST', { description })
}

/**
 * The bearer token of a request (RFC 6750 §2): from `Authorization: Bearer`, or from the
 * `access_token` query parameter when `allowQuery` is set. `undefined` when none was sent (another
 * scheme, such as `Basic`, counts as none).
 * @throws LeakguardAuthError `invalid_request` when the token was sent twice, in a form that is not
 * a bearer token, or in the query string while that is not allowed
 */
export function extractBearer(
  headers: RequestHeaders,
  query: string | undefined,
  allowQuery: boolean,
): string | undefined {
  let fromHeader: string | undefined
  let authorization = headers.authorization
  if (Array.isArray(authorization)) {
    if (authorization.length > 1) throw invalidRequest('Send one Authorization header')
    authorization = authorization[0]
  }
  if (typeof authorization === 'string' && SCHEME.test(authorization)) {
    const match = BEARER.exec(authorization)
    if (match === null) throw invalidRequest('The Authorization header is not a valid Bearer credential')
    fromHeader = match[1]
  }
  if (query === undefined || query === '' || !query.includes(QUERY_PARAMETER)) return fromHeader
  const values = new URLSearchParams(query).getAll(QUERY_PARAMETER)
  if (values.length === 0) return fromHeader
  if (!allowQuery) throw invalidRequest('Send the access token in the Authorization header, not in the URL')
  if (values.length > 1 || fromHeader !== undefined)
    throw invalidRequest('Send the access token in one place only')
  return values[0]
}
