import { describe, fail } from '../lib/validate.js'

/** One segment of a route pattern. */
type PatternSegment =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'rest' }

/** A compiled `'METHOD /path/:param'` pattern. */
export interface RoutePattern {
  /** The pattern as written, normalised: `'GET /users/:id'`. Reported as the route in events. */
  readonly source: string
  /** Identity for duplicate detection: `/users/:id` and `/Users/:userId` are the same route. */
  readonly key: string
  /** Upper-case method, or `'*'` for any method. */
  readonly method: string
  readonly segments: readonly PatternSegment[]
}

const METHOD = /^(?:\*|[A-Za-z]+)$/
const PARAM = /^:([A-Za-z_][\w]*)$/
const STATIC = /^[^:*?()[\]{}+]+$/

/** Lower-cased, percent-decoded segments of a request path, empty segments removed. */
export function splitPath(path: string): string[] {
  const q = path.indexOf('?')
  const end = q === -1 ? path.length : q
  const out: string[] = []
  // Slash by slash with indexOf: split() and its iterator cost more than the segments on a path
  // this short, and every request's path is split to be matched.
  let start = 0
  while (start <= end) {
    let slash = path.indexOf('/', start)
    if (slash === -1 || slash > end) slash = end
    if (slash > start) out.push(segmentOf(path.slice(start, slash)))
    start = slash + 1
  }
  return out
}

function segmentOf(part: string): string {
  let segment = part
  if (part.includes('%')) {
    try {
      segment = decodeURIComponent(part)
    } catch {
      segment = part
    }
  }
  return segment.toLowerCase()
}

/**
 * Whether `path` is already what `/` + {@link splitPath}'s segments joined by `/` would make of
 * it: a leading slash, no empty segment, no trailing slash, no query, and nothing that decoding
 * or lower-casing changes (ASCII without `%` or capitals).
 */
export function isCanonicalPath(path: string): boolean {
  const n = path.length
  if (n === 0 || path.charCodeAt(0) !== 47) return false
  if (n === 1) return true
  if (path.charCodeAt(n - 1) === 47) return false
  let previous = 47
  for (let i = 1; i < n; i++) {
    const c = path.charCodeAt(i)
    if (c >= 128 || (c >= 65 && c <= 90) || c === 37 || c === 63 || (c === 47 && previous === 47))
      return false
    previous = c
  }
  return true
}

/**
 * Compiles `'METHOD /path'`: static segments, `:param` (one segment), `*` (one segment, or, as the
 * last segment, everything below). Static segments match case-insensitively and percent-decoded,
 * so a policy cannot be dodged by `/Users/%31`.
 */
export function compilePattern(pattern: string, option: string): RoutePattern {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(pattern)
  if (match === null) {
    fail(
      option,
      `${describe(pattern)} is not a route pattern; write "METHOD /path", e.g. "GET /users/:id"`,
      'ERR_LG_CONFIG_INVALID_ROUTE',
    )
  }
  const [, rawMethod = '', path = ''] = match
  if (!METHOD.test(rawMethod)) {
    fail(
      option,
      `${describe(rawMethod)} is not an HTTP method; use e.g. "GET", "POST" or "*" for any`,
      'ERR_LG_CONFIG_INVALID_ROUTE',
    )
  }
  if (/:\w+\?/.test(path)) {
    fail(
      option,
      `optional parameters are not supported in ${describe(pattern)}; list the route with and without it`,
      'ERR_LG_CONFIG_INVALID_ROUTE',
    )
  }
  if (!path.startsWith('/') || path.includes('?') || path.includes('#')) {
    fail(
      option,
      `path ${describe(path)} must start with "/" and hold no query string`,
      'ERR_LG_CONFIG_INVALID_ROUTE',
    )
  }
  const method = rawMethod.toUpperCase()
  const parts = path.split('/').filter((p) => p !== '')
  const seen = new Set<string>()
  const segments: PatternSegment[] = parts.map((part, i) => {
    if (part === '*') return i === parts.length - 1 ? { kind: 'rest' } : { kind: 'wildcard' }
    const param = PARAM.exec(part)
    if (param !== null) {
      const name = param[1]!
      if (seen.has(name))
        fail(
          option,
          `parameter ":${name}" appears twice in ${describe(pattern)}`,
          'ERR_LG_CONFIG_INVALID_ROUTE',
        )
      seen.add(name)
      return { kind: 'param', name }
    }
    if (!STATIC.test(part)) {
      fail(
        option,
        `segment ${describe(part)} of ${describe(pattern)} is not supported; segments are literal text, ":name" or "*"`,
        'ERR_LG_CONFIG_INVALID_ROUTE',
      )
    }
    return { kind: 'static', value: splitPath(`/${part}`)[0] ?? part.toLowerCase() }
  })
  const source = `${method} /${segments.map((s, i) => (s.kind === 'static' ? parts[i] : s.kind === 'param' ? `:${s.name}` : '*')).join('/')}`
  const key = `${method} /${segments.map((s) => (s.kind === 'static' ? s.value : s.kind === 'param' ? ':' : '*')).join('/')}`
  return { source, key, method, segments }
}

const SEGMENT_WEIGHT = { static: 4, param: 3, wildcard: 2, rest: 0 } as const
const END_WEIGHT = 1 // a pattern that ends here beats a trailing "*" that also matches nothing

function methodWeight(method: string): number {
  return method === '*' ? 0 : method === 'GET' ? 1 : 2 // HEAD patterns beat GET for HEAD requests
}

/**
 * Orders patterns most specific first: segment by segment, literal text before `:param` before `*`
 * before a trailing `*`; then an exact method before `GET` (which also serves HEAD) before `*`.
 */
export function compareSpecificity(a: RoutePattern, b: RoutePattern): number {
  const length = Math.max(a.segments.length, b.segments.length)
  for (let i = 0; i < length; i++) {
    const sa = a.segments[i]
    const sb = b.segments[i]
    const wa = sa === undefined ? END_WEIGHT : SEGMENT_WEIGHT[sa.kind]
    const wb = sb === undefined ? END_WEIGHT : SEGMENT_WEIGHT[sb.kind]
    if (wa !== wb) return wb - wa
  }
  return methodWeight(b.method) - methodWeight(a.method)
}

/** Whether `pattern` matches the request's method and path segments (from {@link splitPath}). */
export function matchesPattern(pattern: RoutePattern, method: string, segments: readonly string[]): boolean {
  if (
    pattern.method !== '*' &&
    pattern.method !== method &&
    !(method === 'HEAD' && pattern.method === 'GET')
  ) {
    return false
  }
  const expected = pattern.segments
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!
    if (want.kind === 'rest') return true
    const got = segments[i]
    if (got === undefined) return false
    if (want.kind === 'static' && want.value !== got) return false
  }
  return segments.length === expected.length
}

/** The names of a pattern's `:params`, in order. */
export function paramNames(pattern: RoutePattern): string[] {
  return pattern.segments.flatMap((segment) => (segment.kind === 'param' ? [segment.name] : []))
}

/**
 * The values of a pattern's `:params` in a request path it matched: percent-decoded, case kept
 * (ids are case-sensitive), as the framework's router hands them to the handler.
 */
export function paramsOf(pattern: RoutePattern, path: string): Record<string, string> {
  const q = path.indexOf('?')
  const parts = (q === -1 ? path : path.slice(0, q)).split('/').filter((part) => part !== '')
  const params: Record<string, string> = Object.create(null)
  pattern.segments.forEach((segment, i) => {
    if (segment.kind !== 'param' || parts[i] === undefined) return
    let value = parts[i]!
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value)
      } catch {
        // kept as sent: the target reader refuses malformed encoding before this runs
      }
    }
    params[segment.name] = value
  })
  return params
}
