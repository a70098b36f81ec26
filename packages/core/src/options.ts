import type { AuditSink } from './audit/dispatch.js'
import type { LeakguardEvent, LeakguardEventType, Severity } from './audit/events.js'
import type { WarningCode } from './audit/warnings.js'
import type { AuthOptions, RouteAuthOptions } from './auth/options.js'
import type { TransportOptions } from './http/transport.js'
import type { RateLimitOptions, RouteRateLimitOptions } from './ratelimit/options.js'
import type { RateLimitStore } from './ratelimit/store.js'
import type { RedactOptions, RouteRedactOptions } from './redact/engine.js'
import type { AbuseOptions } from './request/abuse.js'
import type { EnumerationOptions } from './request/enumeration.js'
import type { OwnerCheck } from './request/owner.js'

/**
 * Options of one route: given under `routes['METHOD /path']`, or in a framework's idiom (Fastify
 * `config.leakguard`, the Express and Koa `leakguard.route()` helper), which wins field by field.
 */
export interface RouteOptions {
  /**
   * JSONPath allowlist of the success view for callers with no matching role in {@link views}:
   * only these members leave the server. `['$']` keeps everything; `[]` keeps nothing.
   * Paths take names, `[*]` and array indices: `'$.users[*].email'`, `"$['a key']"`, `'$.items[0]'`.
   * @default undefined: the route follows `responses.default` (or keeps nothing when `views` is set)
   */
  allow?: readonly string[]
  /**
   * Role -> allowlist. A caller with several roles gets the union of their views; a caller with
   * none of these roles gets {@link allow}.
   * @default undefined
   */
  views?: Readonly<Record<string, readonly string[]>>
  /**
   * Status -> allowlist, for routes whose success bodies differ by status (`200` a list, `202` a
   * job, as an OpenAPI document describes them per status): an answer with a status listed here
   * gets its own list instead of {@link allow}; role {@link views} still come first. Keys are
   * statuses from 200 to 399; error bodies take {@link problemView}.
   * @default undefined
   */
  statusViews?: Readonly<Record<string, readonly string[]>>
  /**
   * Allowlist for 4xx/5xx JSON bodies on this route; replaces `responses.problemView`.
   * @default undefined: `responses.problemView`
   */
  problemView?: readonly string[]
  /** Redaction on this route: extra `rules`, detector `overrides`, `errorHygiene`, `enabled`. */
  redact?: RouteRedactOptions
  /**
   * Who may call the route: `{ scopes: ['users:read'] }`, `{ roles: ['admin'] }`, a custom
   * `check`, `{ optional: true }` or `{ public: true }`. Needs the guard's `auth` options; routes
   * without it follow `auth.default` (a token is required).
   */
  auth?: RouteAuthOptions
  /**
   * Limits of this route, on top of the guard's `rateLimit.limits` (`false` exempts the route from
   * those): a list such as `[{ limit: 10, window: '1s' }, { limit: 1000, window: '1h' }]`, or full
   * limiter options (`key`, `cost`, `failuresOnly`, `resetOnSuccess`, `failOpen`, `problem`, ...).
   * Every limit is enforced, all or nothing: a request this route refuses costs nothing of the
   * guard's limits either.
   * @default undefined: only the guard's `rateLimit.limits`
   */
  rateLimit?: RouteRateLimitOptions
  /**
   * The route hands tokens to its caller (a login, an OAuth token endpoint, a session refresh):
   * in its success responses (status below 400) JWTs and members named as tokens (`token`,
   * `accessToken`, `refresh_token`, `id_token`, `sessionId`, ...) are the answer, not a leak, so
   * the `jwt` detector and the member-name rule for token names let them through. Every other
   * detector and rule still applies (a password hash next to the token is masked), and error
   * bodies of the route are filtered as usual.
   * @default false
   */
  issuesTokens?: boolean
  /**
   * On a route that issues tokens: the claims its JWTs may carry (top-level names; the registered
   * claims `iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti` and OpenID Connect's `auth_time`,
   * `nonce`, `acr`, `amr`, `azp`, `at_hash`, `c_hash`, `sid` always may). Tokens in its success
   * bodies are decoded (not verified: the payload is what leaks) and a token with any other claim
   * blocks the response (`ERR_LG_RESPONSE_TOKEN_CLAIM`). Without this list, every claim is read
   * by the detectors and member-name rules instead, and a finding blocks the response: a token
   * cannot be masked without breaking its signature. Setting it implies `issuesTokens: true`.
   */
  issuedTokenClaims?: readonly string[]
  /**
   * The members a request body may set (mass assignment, OWASP API3/API6), in the path syntax of
   * {@link allow}: `['$.name', '$.email', '$.address.*']`. Members not named are dropped before the
   * handler reads the body, or, with `onUnknown: 'reject'`, the request is answered 422 naming
   * them. `__proto__`, `constructor` and `prototype` are never accepted, at any depth. A body that
   * is not parsed data (a string, bytes) is answered 415: its members cannot be checked.
   * @default undefined: bodies are not checked
   */
  accept?: readonly string[]
  /**
   * Role -> members a request body may set, as {@link views} for responses: a caller with several
   * roles gets the union; a caller with none of them gets {@link accept}.
   * @default undefined
   */
  acceptViews?: Readonly<Record<string, readonly string[]>>
  /** The query parameters a request may set: `['$.page', '$.sort']`, as {@link accept}. @default undefined */
  acceptQuery?: readonly string[]
  /**
   * What a request with members that are not accepted gets: `'drop'` (they are removed, the
   * handler runs) or `'reject'` (422, an RFC 9457 problem naming their paths, never their values).
   * @default 'drop'
   */
  onUnknown?: 'drop' | 'reject'
  /**
   * Object-level access (BOLA, OWASP API1), checked before the handler: `(principal, params, body)
   * => boolean | Promise<boolean>`, with the route's path parameters. Anything but `true` (false,
   * a throw, a rejection) answers {@link ownerDenied}.
   * @default undefined
   */
  owner?: OwnerCheck
  /**
   * Where the owner of the response object is (`'$.userId'`), compared with the caller's `sub` (or
   * {@link ownerClaim}): a success response whose object is not the caller's is replaced by
   * {@link ownerDenied}. With a `[*]` (`'$.orders[*].userId'`, `'$[*].userId'`) the items of that
   * list that are not the caller's are dropped and counted.
   * @default undefined
   */
  ownerPath?: string
  /** The claim compared with {@link ownerPath}: `'sub'`, or a dotted path (`'org.id'`); an array claim matches any of its values. @default 'sub' */
  ownerClaim?: string
  /** The status of an owner denial: 404 says nothing about whether the object exists. @default 404 */
  ownerDenied?: 403 | 404
  /**
   * The enumeration detector of the route: distinct object ids (path parameters) one client may
   * read per window, and a 403/404 ratio detector; past them an `abuse.enumeration` alert, and a
   * throttle or a block. `{ max: 50, window: '1m' }`.
   * @default undefined
   */
  enumeration?: EnumerationOptions
}

/** Request-side protection settings shared by every route (docs/request-protection.md). */
export interface RequestsOptions {
  /** Deepest nesting of request bodies and queries checked by `accept`; deeper is answered 400. @default 32 */
  maxDepth?: number
  /** Largest body `accept` walks, as characters of its JSON text; larger is answered 413. @default 1048576 */
  maxBodyBytes?: number
  /**
   * Where the enumeration detector counts: any store with `distinct` (a `RedisStore` counts across
   * instances). @default `rateLimit.store` when it has `distinct`, else an in-process MemoryStore
   */
  store?: RateLimitStore
  /** How many member paths a 422 and a `request.*` event name (the count is exact). @default 32 */
  maxReportedPaths?: number
}

/** How responses are filtered. */
export interface ResponsesOptions {
  /**
   * What routes without an allowlist send: `'pass'` keeps their fields; `'deny'` sends an empty
   * value (`{}` for objects, `[]` for arrays). `'pass'` means `leakguard()` with no options never
   * blanks an app's responses.
   * @default 'pass'
   */
  default?: 'pass' | 'deny'
  /**
   * Allowlist applied to every 4xx/5xx JSON body instead of the success view. The default keeps,
   * for 4xx, the RFC 9457 members and those of common framework errors (`type`, `title`,
   * `status`, `detail`, `instance`, `error`, `message`, `code`, `statusCode`); for 5xx the same
   * without `detail`, `message` and `code`, which describe the server's internals. Setting it
   * applies one view to both.
   * @default DEFAULT_CLIENT_PROBLEM_VIEW for 4xx, DEFAULT_SERVER_PROBLEM_VIEW for 5xx
   */
  problemView?: readonly string[]
  /**
   * Deepest nesting of objects and arrays a response may have; deeper responses are blocked
   * (a generic 500 and a `response.blocked` event). JSON carried inside string values is not
   * counted: past its own limit it is redacted as text, never blocked (docs/redaction.md).
   * @default 128
   */
  maxDepth?: number
  /**
   * Largest body leakguard filters, in bytes; a larger one is blocked (a generic 500 and a
   * `response.blocked` event with `ERR_LG_RESPONSE_TOO_LARGE`) before any work is done on it, so
   * no body can stall the event loop for longer than filtering this many bytes takes. Counted as
   * UTF-8 bytes for JSON and text bodies given as strings or Buffers; as bytes read for streams
   * (a Node stream, a `ReadableStream`, a `Blob`, a `Response`, Express `sendFile`), which are
   * never buffered past it; as decoded bytes for compressed bodies; as the length of the JSON text
   * of what is walked for objects. Bodies with other content types are never read.
   * @default 10485760 (10 MiB)
   */
  maxBodyBytes?: number
  /**
   * @deprecated The former name of {@link maxBodyBytes}, which now bounds every body, not only
   * streams. Still accepted; setting both is an error.
   */
  maxBufferedBytes?: number
  /**
   * How many distinct dropped paths a `response.fields_dropped` event lists (the count is exact).
   * @default 32
   */
  maxReportedPaths?: number
}

/** Where audit events go, and which. */
export interface AuditOptions {
  /**
   * Receives every kept event, after the response is on its way: it never delays a response. A
   * hook that throws or rejects is isolated (counted, and reported once as a process warning).
   * @default undefined
   */
  onEvent?: (event: LeakguardEvent) => void | Promise<void>
  /** More destinations: `pinoSink(logger)`, `jsonLinesSink(stream)`, `openTelemetrySink()`, `countersSink()`. @default [] */
  sinks?: readonly AuditSink[]
  /** Only these event types are kept. @default every type */
  types?: readonly LeakguardEventType[]
  /** Events below this severity are not kept. @default 'info' */
  minSeverity?: Severity
  /**
   * Keep this fraction (0 to 1) of the events of a type, for high-volume types:
   * `{ 'response.fields_dropped': 0.1 }`. @default {} (keep all)
   */
  sample?: Readonly<Partial<Record<LeakguardEventType, number>>>
  /**
   * Events held for delivery at most; when full, the oldest is dropped and counted, and an
   * `audit.events_dropped` event follows once delivery catches up.
   * @default 1024
   */
  maxQueue?: number
  /**
   * Key (32+ bytes) for HMAC-SHA256 fingerprints of redacted values in `response.redacted`
   * findings: the same secret gives the same fingerprint, so repeats can be correlated; the value
   * cannot be recovered. @default undefined (no fingerprints)
   */
  fingerprintKey?: string | Uint8Array
}

/** How requests are identified across events and logs. */
export interface RequestIdOptions {
  /**
   * Request header carrying an id set by a proxy or the client; used when it is 1-128 characters of
   * `A-Z a-z 0-9 . _ : -` and holds nothing a detector flags, otherwise an id is generated.
   * `false`: always generate. @default 'x-request-id'
   */
  header?: string | false
  /** Response header echoing the id. `false`: none. @default the same as `header`, or 'x-request-id' */
  responseHeader?: string | false
}

/** Options of {@link createGuard}. `TRequest` is the framework's request type, seen by `getRoles`. */
export interface GuardOptions<TRequest = unknown> {
  /**
   * `'enforce'` rewrites responses; `'report'` runs every step and emits the same events but sends
   * the original body, to roll out a policy safely.
   * @default 'enforce'
   */
  mode?: 'enforce' | 'report'
  /** How responses are filtered. @default {} */
  responses?: ResponsesOptions
  /**
   * Policies by route pattern: `'METHOD /path/:param'`, `*` for one segment (a trailing `*` for
   * everything below), `*` as the method for any method. The most specific pattern wins; HEAD is
   * served by GET policies.
   * @default {}
   */
  routes?: Readonly<Record<string, RouteOptions>>
  /**
   * Sensitive-pattern redaction of what the allowlist keeps: detectors, member-name rules, your own
   * rules, masks. On by default with the `'default'` detectors (docs/redaction.md).
   * @default { detectors: 'default' }
   */
  redact?: RedactOptions
  /**
   * Bearer token verification before the handler runs (docs/auth.md): keys, algorithms, issuer,
   * audience, the verified-token cache. Without it no token is read.
   * @default undefined
   */
  auth?: AuthOptions
  /**
   * Sliding-window rate limiting before the handler (docs/rate-limiting.md): `limits` every request
   * goes through, the key, the store (a bounded MemoryStore by default), trusted proxies, and the
   * defaults of route limits (failures-only counting, `resetOnSuccess`, the 429 `problem` body).
   * @default undefined: only routes with their own `rateLimit` are limited
   */
  rateLimit?: RateLimitOptions
  /** Audit event delivery. @default {} */
  audit?: AuditOptions
  /**
   * Request-side protection settings: body limits of `accept` checks and the store of the
   * enumeration detector (docs/request-protection.md). The policies themselves are per route.
   * @default {}
   */
  requests?: RequestsOptions
  /**
   * Abuse alerts (audit events, not blocks): request and error bursts per client, many tokens
   * from one address, one token from many addresses, requests outside business hours. `true`
   * turns on the defaults. @default undefined (off)
   */
  abuse?: AbuseOptions | boolean
  /**
   * Transport hygiene (docs/transport.md): plain-HTTP requests refused or redirected
   * (`requireHttps`), `Strict-Transport-Security` on HTTPS responses, `Cache-Control: no-store`
   * on responses to callers with credentials. `X-Forwarded-Proto` counts from the proxies
   * `rateLimit.trustProxy` trusts. @default undefined (off)
   */
  transport?: TransportOptions
  /** Request ids: taken from a header or generated, echoed in a response header. @default {} */
  requestId?: RequestIdOptions
  /**
   * The caller's roles, which pick the role views of a route, instead of the roles of the verified
   * token (`auth.rolesClaim`). Called at most once per response, with the framework's request
   * (Express `req`, Koa `ctx`, Fastify `request`). Must be synchronous; if it throws, the response
   * is blocked (fail closed).
   * @default undefined: the token's roles, or none
   */
  getRoles?: (request: TRequest) => readonly string[] | null | undefined
  /**
   * Setup warnings you have acknowledged (docs/audit.md lists the codes): they are neither
   * reported as `config.warning` events nor printed as process warnings. For example
   * `['LEAKGUARD_NO_ERROR_HANDLER']` when your own Express error handler is mounted elsewhere.
   * @default []
   */
  ignoreWarnings?: readonly WarningCode[]
}
