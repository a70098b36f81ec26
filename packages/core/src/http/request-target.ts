/**
 * The one request path everything keys on (route policy, rate-limit keys, audit), computed from
 * the request target the way the routers of Express, Koa and Fastify read it, or a refusal for a
 * target they would not all route the same way.
 */
export type RequestTarget =
  | { readonly path: string; readonly refused?: undefined }
  | { readonly path: string; readonly refused: string }

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/
/**
 * The schemes of an absolute-form target a server reads (RFC 9112, 3.2.2). `url.parse` reads
 * others its own way (`javascript://private/x` has no host there: the path is `//private/x`).
 */
const HTTP_SCHEME = /^https?:/i
/**
 * An origin-form target `url.parse` reads as `//user@host` then a path: it looks for the `@`
 * before the first `/` only, past a `?` or a `#` too.
 */
const USERINFO_AFTER_SLASHES = /^\/\/[^/]*@/
/**
 * The authority every router reads the same way: a host of DNS name characters or a bracketed
 * IPv6 address, then a port of digits. `url.parse` (Express and Koa, through parseurl) moves what
 * follows any other host character, or a port that is not digits, into the path
 * (`http://h:acme/x` is routed as `/:acme/x`, `http://h%41/x` as `%41/x`), and throws on
 * malformed percent-encoding in user information, which RFC 9110 (4.2.4) says to treat as an
 * error in an http(s) URI anyway: none is accepted.
 */
const PLAIN_AUTHORITY = /^(?:[A-Za-z0-9._~-]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/
const HEX = /^[0-9A-Fa-f]{2}$/

function refuse(reason: string): RequestTarget {
  return { path: '/', refused: reason }
}

/** Whether a segment, raw or percent-decoded, is a dot segment (`.`, `..`, `%2e%2E`). */
function isDotSegment(segment: string): boolean {
  const decoded = segment.replace(/%2e/gi, '.')
  return decoded === '.' || decoded === '..'
}

/**
 * Reads a request target (`req.url`: origin-form `/a/b?q`, or absolute-form
 * `http://host/a/b`, which every router reads by its path) into its path, without the query or a
 * fragment (which routers cut as they cut the query). Refused, because routers and the proxies in
 * front of them disagree on what they mean: dot segments (`/a/../admin`, `%2e%2e`), encoded
 * slashes, backslashes and NUL (`%2F`, `%5C`, `%00`), `;` (a path-parameter delimiter to some
 * routers, a literal to others), malformed percent-encoding, and control characters or spaces.
 */
export function readRequestTarget(target: string): RequestTarget {
  // The common case: an origin-form path of plain characters (no `%`, `.`, `;`, `\\`, fragment).
  // (`//`: the long way too, for `//user@host` below.)
  if (target.charCodeAt(0) === 0x2f && target.charCodeAt(1) !== 0x2f) {
    let i = 1
    for (; i < target.length; i++) {
      const code = target.charCodeAt(i)
      if (code === 0x3f) break // `?`
      if (
        code <= 0x20 ||
        code === 0x23 ||
        code === 0x25 ||
        code === 0x2e ||
        code === 0x3b ||
        code === 0x5c ||
        code >= 0x7f
      ) {
        i = -1 // `%` `.` `#` `;` `\\`, spaces, controls, non-ASCII: read it the long way
        break
      }
    }
    if (i !== -1) return { path: i === target.length ? target : target.slice(0, i) }
  }
  // A backslash in the authority of an absolute-form target is read as a path separator by
  // url.parse (Express, Koa) and as part of the host by WHATWG parsers: refused anywhere.
  if (target.includes('\\')) return refuse('the request target holds a backslash')
  let rest = target
  const absolute = ABSOLUTE_FORM.exec(rest)
  // `//user@host/x`: url.parse reads it as an authority and a path (`/x`), and parseurl hands
  // such a target to url.parse as soon as it holds a `#` (or throws when the host is no host).
  if (absolute === null && USERINFO_AFTER_SLASHES.test(rest))
    return refuse('the request target starts with //user@host, which routers read as an authority')
  if (absolute !== null) {
    if (!HTTP_SCHEME.test(rest))
      return refuse('the request target is an absolute URL of another scheme than http(s)')
    if (!PLAIN_AUTHORITY.test(absolute[1]!))
      return refuse('the request target has an authority that routers read as part of the path')
    rest = rest.slice(absolute[0].length)
  }
  if (rest === '' || rest[0] === '?' || rest[0] === '#') rest = `/${rest}`
  if (rest === '*') return { path: '*' } // OPTIONS *: no route of any router
  if (rest[0] !== '/') return refuse('the request target is neither a path nor an absolute URL')
  let end = rest.length
  for (let i = 0; i < rest.length; i++) {
    const code = rest.charCodeAt(i)
    if (code === 0x3f || code === 0x23) {
      end = i // `?` or `#`
      break
    }
    if (code <= 0x20 || code === 0x7f) return refuse('the request path holds a control character or a space')
    if (code === 0x5c) return refuse('the request path holds a backslash')
    if (code === 0x3b) return refuse('the request path holds ";", which routers read differently')
  }
  const path = rest.slice(0, end)
  for (const segment of path.split('/')) {
    if (isDotSegment(segment)) return refuse('the request path holds a dot segment')
    if (!segment.includes('%')) continue
    const parts = segment.split('%')
    for (let i = 1; i < parts.length; i++) {
      const hex = parts[i]!.slice(0, 2)
      if (!HEX.test(hex)) return refuse('the request path holds malformed percent-encoding')
      const byte = Number.parseInt(hex, 16)
      if (byte === 0x2f || byte === 0x5c || byte === 0x3b || byte < 0x20 || byte === 0x7f) {
        return refuse('the request path holds an encoded slash, backslash, ";" or control character')
      }
    }
    try {
      decodeURIComponent(segment)
    } catch {
      return refuse('the request path holds percent-encoding that is not UTF-8')
    }
  }
  return { path }
}
