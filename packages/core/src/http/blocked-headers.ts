/** The `X-` security headers helmet sets on every response: fixed tokens, never data. */
export const X_SECURITY_HEADERS: readonly string[] = [
  'x-content-type-options',
  'x-frame-options',
  'x-xss-protection',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
]

/**
 * Headers a blocked response keeps. A blocked response is leakguard's generic problem document,
 * "nothing of the original": the handler's cookies, validators (`ETag`, `Last-Modified`), caching,
 * `Location`, `Content-Disposition`, `Link` and custom headers describe (or carry) what was
 * blocked. What stays is what the problem document needs on the way out: its own type and length,
 * the connection, CORS (so a browser app can read the error), the security headers an app sets
 * on every response (helmet's), rate-limit state, and the request id.
 */
const KEPT = new Set([
  'content-type',
  'content-length',
  'connection',
  'keep-alive',
  'date',
  'vary',
  'timing-allow-origin',
  'strict-transport-security',
  'content-security-policy',
  'content-security-policy-report-only',
  ...X_SECURITY_HEADERS,
  'referrer-policy',
  'permissions-policy',
  'origin-agent-cluster',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
])

/** What a blocked response sends as `Cache-Control`: a problem document is never cached. */
export const BLOCKED_CACHE_CONTROL = 'no-store'

/**
 * The names among `names` (response headers set so far) that a blocked response must not send.
 * `requestIdHeader` is leakguard's own request id header, kept.
 */
export function headersToDropOnBlock(names: Iterable<string>, requestIdHeader: string | undefined): string[] {
  const id = requestIdHeader?.toLowerCase()
  const dropped: string[] = []
  for (const name of names) {
    const lower = name.toLowerCase()
    if (
      KEPT.has(lower) ||
      lower === id ||
      lower.startsWith('access-control-') ||
      lower.startsWith('x-ratelimit-')
    )
      continue
    dropped.push(name)
  }
  return dropped
}

/**
 * {@link headersToDropOnBlock} for a generic 5xx problem document rendered outside the guard (the
 * adapters' `errorHandler()`), which knows the request id but not the name of its header: the
 * header that holds the id is kept.
 */
export function headersToDropOnError(
  headers: Readonly<Record<string, unknown>>,
  requestId: string | undefined,
): string[] {
  const names = Object.keys(headers)
  const idHeader = requestId === undefined ? undefined : names.find((name) => headers[name] === requestId)
  return headersToDropOnBlock(names, idHeader)
}
