import type { PathRef } from '../allowlist/project.js'
import { REMOVE } from '../allowlist/project.js'
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
const NEVER_SCANNED = new Set([
  'x-request-id',
  'x-powered-by',
  'x-content-type-options',
  'x-frame-options',
  'x-xss-protection',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-response-time',
])
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
  return { template: () => template, concrete: () => template, keys: () => [param ?? name] }
}

/** What a header scan needs of a redaction session. */
export interface HeaderSession {
  value(value: string, key: string | null, at: PathRef): unknown
}

const asText = (out: unknown): string => (out === REMOVE ? '' : String(out))

/** Masks the parameters of a query or fragment (`a=1&token=...`) read as named members. */
function redactParams(params: string, name: string, session: HeaderSession): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq === -1) return pair
      let key: string
      let value: string
      try {
        key = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' '))
        value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '))
      } catch {
        return pair // not percent-encoded text: the detectors still read it with the whole value
      }
      const masked = asText(session.value(value, key, headerPath(name, key)))
      return masked === value ? pair : `${pair.slice(0, eq + 1)}${encodeURIComponent(masked)}`
    })
    .join('&')
}

/** A URL with its query and fragment parameters masked as named members. */
function redactUrl(url: string, name: string, session: HeaderSession): string {
  const hash = url.indexOf('#')
  const base = hash === -1 ? url : url.slice(0, hash)
  const fragment = hash === -1 ? undefined : url.slice(hash + 1)
  const q = base.indexOf('?')
  const head = q === -1 ? base : base.slice(0, q)
  const query = q === -1 ? undefined : base.slice(q + 1)
  return (
    head +
    (query === undefined ? '' : `?${redactParams(query, name, session)}`) +
    (fragment === undefined
      ? ''
      : `#${fragment.includes('=') ? redactParams(fragment, name, session) : fragment}`)
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

/**
 * One header value with what redaction finds in it masked. Headers holding URLs have every query
 * and fragment parameter read as a member of its own name first (a redirect to
 * `/cb?access_token=...`); a cookie's value is read under the cookie's name; then the detectors
 * and rules read the whole value, under the header's name (`X-Api-Key` is a secret by name).
 */
export function redactHeaderValue(name: string, value: string, session: HeaderSession): string {
  if (name === 'set-cookie') return redactCookie(value, session)
  let out = value
  if (URL_HEADERS.has(name) && /[?#]/.test(value)) {
    if (name === 'link') {
      out = value.replace(/<([^>]*)>/g, (_, url: string) => `<${redactUrl(url, name, session)}>`)
    } else if (name === 'refresh') {
      out = value.replace(
        /(url\s*=\s*)(\S+)/i,
        (_, lead: string, url: string) => lead + redactUrl(url, name, session),
      )
    } else {
      out = redactUrl(value, name, session)
    }
  }
  return asText(session.value(out, name, headerPath(name)))
}
