import type { RequestHeaders } from '../auth/bearer.js'
import { type Duration, durationOption } from '../lib/duration.js'
import { describe, fail, isPlainObject, objectOption } from '../lib/validate.js'
import type { ClientAddressResolver } from '../ratelimit/client-ip.js'
import { type ProblemDocument, problemBody } from './problem.js'

/** Transport hygiene (`transport`): HTTPS only, HSTS, responses that caches must not keep. */
export interface TransportOptions {
  /**
   * Plain-HTTP requests are refused (`true`: 403) or redirected to HTTPS (`'redirect'`: 308 for
   * GET and HEAD, 403 for the rest, whose body would already have crossed in clear). Behind a
   * proxy that ends TLS, `X-Forwarded-Proto` is read from the proxies `rateLimit.trustProxy`
   * trusts, and only from them. @default false
   */
  requireHttps?: boolean | 'redirect'
  /**
   * `Strict-Transport-Security` on responses to HTTPS requests (never on plain HTTP, RFC 6797):
   * `{ maxAge: '180d', includeSubDomains, preload }`, or `false`.
   * @default { maxAge: '180d' } when `requireHttps` is set, else false
   */
  hsts?: false | { maxAge?: Duration; includeSubDomains?: boolean; preload?: boolean }
  /**
   * `Cache-Control: no-store` on responses of routes that need a token (their bodies are one
   * caller's), so no shared cache or browser history keeps them. The handler can set its own.
   * @default true
   */
  noStore?: boolean
  /**
   * `X-Content-Type-Options: nosniff` on every response: a browser must not read a JSON body (or a
   * text one holding markup) as HTML or script because it looks like one (OWASP REST Security).
   * The handler can set its own. @default true
   */
  nosniff?: boolean
  /**
   * The host redirects go to (`'api.example.com'`), instead of the request's `Host` header, which
   * the client chooses. @default the request's Host, when it is a plain host name
   */
  redirectHost?: string
}

/** What the transport check decided for a request. */
export type TransportVerdict =
  | { readonly ok: true; readonly secure: boolean }
  | {
      readonly ok: false
      readonly status: 403 | 308
      readonly headers: Readonly<Record<string, string>>
      readonly body: ProblemDocument
      /** The request said it came through a proxy that is not trusted (a setup problem). */
      readonly untrustedProxy: boolean
    }

const OPTION_KEYS = ['requireHttps', 'hsts', 'noStore', 'nosniff', 'redirectHost'] as const
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/

/** A compiled `transport`. */
export interface TransportGate {
  /** Whether a request is secure enough, and what to answer when it is not. */
  check(
    request: { readonly method: string; readonly target: string; readonly secure: boolean | undefined },
    clientAddress: string | undefined,
    headers: RequestHeaders,
    resolver: ClientAddressResolver | undefined,
  ): TransportVerdict
  /** Headers every allowed response gets: nosniff, HSTS when secure, `no-store` for callers with credentials. */
  headers(secure: boolean, authenticated: boolean): Readonly<Record<string, string>>
}

function last(value: string | readonly string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[value.length - 1] : (value as string | undefined)
  if (text === undefined) return undefined
  const parts = text.split(',')
  return parts[parts.length - 1]!.trim().toLowerCase()
}

/** Validates `transport`. @throws LeakguardConfigError */
export function compileTransport(value: unknown, option: string): TransportGate | undefined {
  if (value === undefined) return undefined
  const raw = objectOption(value, option, OPTION_KEYS)
  const require = raw.requireHttps ?? false
  if (require !== true && require !== false && require !== 'redirect')
    fail(`${option}.requireHttps`, `expected true, false or 'redirect', got ${describe(require)}`)
  let hsts: string | undefined
  const hstsRaw = raw.hsts ?? (require === false ? false : {})
  if (hstsRaw !== false) {
    if (!isPlainObject(hstsRaw))
      fail(
        `${option}.hsts`,
        `expected { maxAge, includeSubDomains, preload } or false, got ${describe(hstsRaw)}`,
      )
    const h = objectOption(hstsRaw, `${option}.hsts`, ['maxAge', 'includeSubDomains', 'preload'] as const)
    const maxAge = durationOption(h.maxAge, `${option}.hsts.maxAge`, 180 * 86_400_000, {
      min: 0,
      max: 2 * 365 * 86_400_000,
    })
    for (const flag of ['includeSubDomains', 'preload'] as const) {
      if (h[flag] !== undefined && typeof h[flag] !== 'boolean')
        fail(`${option}.hsts.${flag}`, `expected true or false, got ${describe(h[flag])}`)
    }
    if (h.preload === true && (h.includeSubDomains !== true || maxAge < 365 * 86_400_000))
      fail(
        `${option}.hsts.preload`,
        "browsers' preload lists require includeSubDomains: true and a maxAge of at least '365d'",
      )
    hsts = `max-age=${Math.floor(maxAge / 1000)}${h.includeSubDomains === true ? '; includeSubDomains' : ''}${h.preload === true ? '; preload' : ''}`
  }
  if (raw.noStore !== undefined && typeof raw.noStore !== 'boolean')
    fail(`${option}.noStore`, `expected true or false, got ${describe(raw.noStore)}`)
  const noStore = raw.noStore !== false
  if (raw.nosniff !== undefined && typeof raw.nosniff !== 'boolean')
    fail(`${option}.nosniff`, `expected true or false, got ${describe(raw.nosniff)}`)
  const always: Record<string, string> = raw.nosniff === false ? {} : { 'x-content-type-options': 'nosniff' }
  let redirectHost: string | undefined
  if (raw.redirectHost !== undefined) {
    if (typeof raw.redirectHost !== 'string' || !HOST.test(raw.redirectHost))
      fail(
        `${option}.redirectHost`,
        `expected a host name such as 'api.example.com', got ${describe(raw.redirectHost)}`,
      )
    redirectHost = raw.redirectHost as string
  }
  const secureHeaders: Record<string, string> = {
    ...always,
    ...(hsts === undefined ? {} : { 'strict-transport-security': hsts }),
  }
  const headerSets = {
    plain: Object.freeze({ ...always }),
    plainAuth: Object.freeze({ ...always, ...(noStore ? { 'cache-control': 'no-store' } : {}) }),
    secure: Object.freeze({ ...secureHeaders }),
    secureAuth: Object.freeze({ ...secureHeaders, ...(noStore ? { 'cache-control': 'no-store' } : {}) }),
  }
  const refused = (
    status: 403 | 308,
    headers: Record<string, string>,
    untrustedProxy: boolean,
  ): TransportVerdict => ({
    ok: false,
    status,
    headers: { ...headers, 'cache-control': 'no-store' },
    body: problemBody(status, 'This API is served over HTTPS only.'),
    untrustedProxy,
  })
  return {
    check(request, clientAddress, headers, resolver) {
      const forwarded = headers['x-forwarded-proto']
      const viaProxy = forwarded !== undefined && resolver?.trustsPeer(clientAddress) === true
      const secure = request.secure === true || (viaProxy && last(forwarded) === 'https')
      if (secure || require === false) return { ok: true, secure }
      const untrustedProxy = forwarded !== undefined && !viaProxy
      if (require === 'redirect' && (request.method === 'GET' || request.method === 'HEAD')) {
        const host =
          redirectHost ??
          (typeof headers.host === 'string' && HOST.test(headers.host) ? headers.host : undefined)
        const target = request.target.startsWith('/') ? request.target : '/'
        if (host !== undefined) return refused(308, { location: `https://${host}${target}` }, untrustedProxy)
      }
      return refused(403, {}, untrustedProxy)
    },
    headers(secure, authenticated) {
      if (secure) return authenticated ? headerSets.secureAuth : headerSets.secure
      return authenticated ? headerSets.plainAuth : headerSets.plain
    },
  }
}
