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
 * What the error page `leakguard.errorHandler()` renders does to the headers set so far
 * (`current`): headers to remove and headers to set. A generic 5xx drops what a blocked response
 * drops ({@link headersToDropOnBlock}; the header that holds the request id stays, found by its
 * value since the handler does not know its name) and is not cached; any status gets the headers
 * the error carries (`problem.headers`, see `problemForError`).
 */
export function errorPageHeaders(
  problem: { readonly status: number; readonly headers: Readonly<Record<string, string>> },
  current: Readonly<Record<string, unknown>>,
  requestId: string | undefined,
): { drop: string[]; set: Record<string, string> } {
  if (problem.status < 500) return { drop: [], set: { ...problem.headers } }
  const names = Object.keys(current)
  const idHeader = requestId === undefined ? undefined : names.find((name) => current[name] === requestId)
  return {
    drop: headersToDropOnBlock(names, idHeader),
    set: { ...problem.headers, 'Cache-Control': BLOCKED_CACHE_CONTROL },
  }
}
