import type { PathRef } from '../allowlist/project.js'
import { REMOVE } from '../allowlist/project.js'
import { X_SECURITY_HEADERS } from '../http/blocked-headers.js'
import { describe, fail, objectOption } from '../lib/validate.js'

/** Which response headers redaction reads (`redact.headers`). */
export interface HeaderRedactOptions {
  /**
   * Headers to scan, lower-case names; `'x-*'` stands for every `X-` header.
   * @default ['location', 'content-location', 'content-disposition', 'link', 'refresh', 'x-*']
   */
  names?: readonly string[]
  /**
   * Also scan `Set-Cookie`. Off by default: the values are the app's own session cookies, which
   * the browser must receive as they are. @default false
   */
  setCookie?: boolean
  /** `false` scans no header at all. @default true */
  enabled?: boolean
}

/** Headers leakguard sets or that never hold anything but fixed tokens: not worth a scan. */
const NEVER_SCANNED = new Set(['x-request-id', 'x-powered-by', 'x-response-time', ...X_SECURITY_HEADERS])
/** Headers holding URLs, whose query and fragment parameters are read as named members. */
const URL_HEADERS = new Set(['location', 'content-location', 'link', 'refresh'])
const DEFAULT_NAMES = ['location', 'content-location', 'content-disposition', 'link', 'refresh', 'x-*']

/** The compiled `redact.headers`. */
export interface HeaderScan {
  /** Whether a response header (lower-case name) is scanned. */
  scans(name: string): boolean
}

/** Validates `redact.headers`. @throws LeakguardConfigError */
export function compileHeaderScan(value: unknown, option: string): HeaderScan {
  const raw = objectOption(value, option, ['names', 'setCookie', 'enabled'] as const)
  if (raw.enabled === false) return { scans: () => false }
  if (raw.enabled !== undefined && raw.enabled !== true)
    fail(`${option}.enabled`, `expected true or false, got ${describe(raw.enabled)}`)
  if (raw.setCookie !== undefined && typeof raw.setCookie !== 'boolean')
    fail(`${option}.setCookie`, `expected true or false, got ${describe(raw.setCookie)}`)
  const names = raw.names ?? DEFAULT_NAMES
  if (
    !Array.isArray(names) ||
    names.some((name) => typeof name !== 'string' || !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
  ) {
    fail(`${option}.names`, `expected lower-case header names (or 'x-*'), got ${describe(names)}`)
  }
  const exact = new Set((names as string[]).filter((name) => name !== 'x-*'))
  const allX = (names as string[]).includes('x-*')
  if (raw.setCookie === true) exact.add('set-cookie')
  return {
    scans: (name) => exact.has(name) || (allX && name.startsWith('x-') && !NEVER_SCANNED.has(name)),
  }
}

/** The path of a header in events: `$headers.location`, `$headers.location?token`. */
function headerPath(name: string, param?: string): PathRef {
  const template = `$headers.${name}${param === undefined ? '' : `?${param}`}`
  return {
    template: () => template,
    concrete: () => template,
    keys: () => [param ?? name],
    lastKey: (above = 0) =>
      above === 0 ? (param ?? name) : above === 1 && param !== undefined ? name : null,
  }
}

const REASON_PATH: PathRef = {
  template: () => '$status',
  concrete: () => '$status',
  keys: () => [],
  lastKey: () => null,
}

/**
 * The reason phrase of the status line (`HTTP/1.1 502 <reason>`), read as free text: a handler
 * sets it (`res.statusMessage`, `ctx.message`), and Koa writes it as the body of a response that
 * has none. Findings are reported at `$status`.
 */
export function redactReasonPhrase(value: string, session: HeaderSession): string {
  return asText(session.value(value, null, REASON_PATH))
}

/** What a header scan needs of a redaction session. */
export interface HeaderSession {
  value(value: string, key: string | null, at: PathRef): unknown
}

const asText = (out: unknown): string => (out === REMOVE ? '' : String(out))

const MAX_NESTED_URLS = 3

/** Percent-decodes a query component, or keeps it as written when it is not valid encoding. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/**
 * Masks the parameters of a query, a fragment or a path segment (`a=1&token=...`, `;` separated
 * too) read as named members. A value that is itself a URL or a query (an OAuth `redirect_uri`,
 * `state` or `returnTo`) is read the same way, a few levels deep.
 */
function redactParams(params: string, name: string, session: HeaderSession, depth: number): string {
  return params
    .split(/([&;])/)
    .map((pair, i) => {
      if (i % 2 === 1) return pair // a separator
      const eq = pair.indexOf('=')
      if (eq === -1) return pair
      const key = decodeComponent(pair.slice(0, eq))
      const value = decodeComponent(pair.slice(eq + 1))
      let masked = asText(session.value(value, key, headerPath(name, key)))
      if (masked === value && depth < MAX_NESTED_URLS && /[?#=]/.test(value)) {
        masked =
          value.includes('?') || value.includes('#')
            ? redactUrl(value, name, session, depth + 1)
            : redactParams(value, name, session, depth + 1)
      }
      return masked === value ? pair : `${pair.slice(0, eq + 1)}${encodeURIComponent(masked)}`
    })
    .join('')
}

/** A URL with its path parameters (`;k=v`), query and fragment parameters masked as named members. */
function redactUrl(url: string, name: string, session: HeaderSession, depth = 0): string {
  const hash = url.indexOf('#')
  const base = hash === -1 ? url : url.slice(0, hash)
  const fragment = hash === -1 ? undefined : url.slice(hash + 1)
  const q = base.indexOf('?')
  const path = q === -1 ? base : base.slice(0, q)
  const query = q === -1 ? undefined : base.slice(q + 1)
  const semi = path.indexOf(';')
  const head =
    semi === -1 ? path : path.slice(0, semi + 1) + redactParams(path.slice(semi + 1), name, session, depth)
  return (
    head +
    (query === undefined ? '' : `?${redactParams(query, name, session, depth)}`) +
    (fragment === undefined
      ? ''
      : `#${fragment.includes('=') ? redactParams(fragment, name, session, depth) : fragment}`)
  )
}

/** A `Set-Cookie` value: the cookie's value read as a member named after the cookie. */
function redactCookie(value: string, session: HeaderSession): string {
  const semi = value.indexOf(';')
  const pair = semi === -1 ? value : value.slice(0, semi)
  const eq = pair.indexOf('=')
  if (eq === -1) return value
  const name = pair.slice(0, eq).trim()
  const cookie = pair.slice(eq + 1)
  const masked = asText(session.value(cookie, name, headerPath('set-cookie', name)))
  return masked === cookie
    ? value
    : `${pair.slice(0, eq + 1)}${masked}${semi === -1 ? '' : value.slice(semi)}`
}

/** A URL's start: a scheme and `//`, or a path's `/`. */
const URL_START = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|\/)/

/**
 * Whether a header value starts as a URL and has parameters before its first blank: a `?`, `#` or
 * `;`, and an `=` after it. (As a pattern, `[^\s]*[?#;][^\s]*=` read a value of thousands of `#`
 * once from each of them.)
 */
function looksLikeUrlWithParameters(value: string): boolean {
  if (!URL_START.test(value)) return false
  let blank = value.search(/\s/)
  if (blank === -1) blank = value.length
  let mark = -1
  for (let i = 0; i < blank; i++) {
    const c = value.charCodeAt(i)
    if (c === 63 || c === 35 || c === 59) {
      mark = i
      break
    }
  }
  return mark !== -1 && value.lastIndexOf('=', blank - 1) > mark
}

/**
 * One header value with what redaction finds in it masked. Headers holding URLs have every query
 * and fragment parameter read as a member of its own name first (a redirect to
 * `/cb?access_token=...`); a cookie's value is read under the cookie's name; then the detectors
 * and rules read the whole value, under the header's name (`X-Api-Key` is a secret by name).
 */
export function redactHeaderValue(name: string, value: string, session: HeaderSession): string {
  if (name === 'set-cookie') return redactCookie(value, session)
  let out = value
  if (URL_HEADERS.has(name) && /[?#;]/.test(value)) {
    if (name === 'link') {
      // (`[^<>]`: a URL holds no `<`; with `[^>]`, each `<` of a value with no `>` read to its end.)
      out = value.replace(/<([^<>]*)>/g, (_, url: string) => `<${redactUrl(url, name, session)}>`)
    } else if (name === 'refresh') {
      out = value.replace(
        /(url\s*=\s*['"]?)([^'"\s]+)/i,
        (_, lead: string, url: string) => lead + redactUrl(url, name, session),
      )
    } else {
      out = redactUrl(value, name, session)
    }
  } else if (looksLikeUrlWithParameters(value)) {
    out = redactUrl(value, name, session) // a URL in a custom header (`X-Redirect-To`)
  }
  return asText(session.value(out, name, headerPath(name)))
}
