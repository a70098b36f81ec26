import type { AuthErrorCode, AuthErrorStage, RequestErrorCode, ResponseErrorCode } from '../errors.js'
import type { DegradeReason } from '../redact/engine.js'
import type { AbuseAlert } from '../request/abuse.js'

/** How much an event matters, named as log levels are. */
export type Severity = 'info' | 'warn' | 'error'

/** Whether the engine did what the event describes (ECS `event.outcome`). */
export type Outcome = 'success' | 'failure' | 'unknown'

/** The request an event is about. Never holds a body, a header value or a query string. */
export interface EventRequest {
  /** Request id shared by every event of the request. */
  readonly id: string
  readonly method: string
  /** The matched route pattern, e.g. `'GET /users/:id'`; absent when no pattern matched. */
  readonly route?: string
  /** Path without the query string. */
  readonly path: string
  /** Status the application sent (before leakguard replaced it, for a blocked response). */
  readonly status?: number
  /** The client's address as the adapter saw it. */
  readonly clientAddress?: string
}

/** Who made the request, once a token was verified. */
export interface EventPrincipal {
  /** The token's subject (`sub`). */
  readonly id: string
}

/** How a response left without passing the engine (the `via` of a `response.unfiltered` event). */
export type UnfilteredVia =
  /** Written to the Node response directly: Fastify `reply.raw`, Koa `ctx.res`, Express through `http.ServerResponse.prototype`. */
  | 'raw'
  /** Fastify `reply.hijack()`: the handler took the response over. */
  | 'hijack'
  /** Koa `ctx.respond = false`. */
  | 'respond-false'
  /** An error thrown inside leakguard was rendered outside it (Koa's `ctx.onerror`, or an error middleware registered before leakguard). */
  | 'error'
  /** Koa: a middleware registered before leakguard replaced the body after leakguard decided on it. */
  | 'replaced'

/** Which allowlist a response was projected through. */
export type ViewKind = 'allow' | 'roles' | 'problem' | 'deny' | 'pass'

/**
 * Event type -> the members specific to it. Adding an event type is adding a member here.
 */
export interface LeakguardEventMap {
  /** The allowlist dropped members of a response. */
  'response.fields_dropped': {
    readonly view: ViewKind
    /** The caller's roles that picked the view (empty unless `view` is `'roles'`). */
    readonly roles: readonly string[]
    readonly dropped: {
      /** Members dropped: an object key or an array element each. */
      readonly count: number
      /** Templated JSONPaths, e.g. `$.users[*].password`; never values. */
      readonly paths: readonly string[]
      /** Whether more distinct paths were dropped than `paths` lists. */
      readonly truncated: boolean
    }
  }
  /** Detectors or rules masked values in a response (or would have, in report mode). */
  'response.redacted': {
    /**
     * Templated path, detector or rule id, and how many values; never the values. With
     * `audit.fingerprintKey`, `fingerprints` holds HMAC-SHA256 tokens of the values (16 hex digits
     * each, at most 8) so repeats of the same secret can be correlated without revealing it.
     */
    readonly findings: ReadonlyArray<{
      readonly path: string
      readonly detector: string
      readonly count: number
      /**
       * How sure the detector is (`high`, `medium`, `low`); `high` as well when a provider's
       * checksum verified one of the values. Absent for your own rules and error hygiene.
       */
      readonly confidence?: 'high' | 'medium' | 'low'
      readonly fingerprints?: readonly string[]
    }>
    /** Values masked in all. */
    readonly total: number
    /** Whether more distinct path/detector pairs were found than `findings` lists. */
    readonly truncated: boolean
  }
  /**
   * A response carried a canary (`redact.knownSecrets.canaries`): a value planted where nothing
   * should read it reached a response, so some path leaks it. It was masked; the event names the
   * canaries, never their values. Emitted with `response.redacted`, at most once per response.
   */
  'response.canary': {
    /** Ids of the canaries found (`{ id }` as configured, or `canary-<index>`). */
    readonly canaries: readonly string[]
  }
  /** The engine could not filter a response: the client got a generic 500 (in `'enforce'` mode). */
  'response.blocked': {
    readonly error: {
      readonly code: ResponseErrorCode
      /** leakguard's own fixed description; never the application's error text. */
      readonly message: string
      /** The redaction rule that failed, for `ERR_LG_RESPONSE_RULE_FAILED`. */
      readonly rule?: string
      /**
       * For `ERR_LG_RESPONSE_TOKEN_CLAIM`: the claim of the issued token that may not leave, as a
       * dotted path (`data.password`); never its value.
       */
      readonly claim?: string
    }
  }
  /**
   * A response left without passing the engine's response phase, past every hook leakguard has:
   * nothing of it was filtered. Emitted once per request, when the response ends.
   */
  'response.unfiltered': {
    /** How it left; see {@link UnfilteredVia}. */
    readonly via: UnfilteredVia
  }
  /**
   * Values a client can write were redacted in a weaker mode instead of failing the response:
   * JSON carried in a string that nests too deep, chains JSON in JSON past the parsed levels, or
   * holds numbers a round trip would change, was redacted as text (detectors, pattern rules and
   * member-name rules over its characters). The response went out; nothing was left unscanned.
   */
  'response.degraded': {
    readonly values: ReadonlyArray<{
      /** Templated path of the string (`$.data[*].bio`); never the value. */
      readonly path: string
      readonly reason: DegradeReason
      readonly count: number
    }>
    /** Values degraded in all. */
    readonly total: number
    /** Whether more distinct path/reason pairs were degraded than `values` lists. */
    readonly truncated: boolean
  }
  /** A token was missing, malformed or invalid (RFC 6750 `invalid_request` / `invalid_token`). */
  'auth.failed': {
    readonly reason: {
      readonly code: AuthErrorCode
      /** leakguard's own client-safe description; never the token or a claim value. */
      readonly message: string
      /** Which check failed: `request`, `format`, `key`, `signature` or `claims`. */
      readonly stage: AuthErrorStage
    }
  }
  /** A valid token lacked a scope or role the route requires, or failed its custom check. */
  'auth.forbidden': {
    /** The scopes the route requires, when scopes were missing. */
    readonly required: readonly string[]
    readonly reason: { readonly code: AuthErrorCode; readonly message: string }
  }
  /** A rate limit refused a request. */
  'ratelimit.exceeded': {
    /** The limit that refused (the one with the longest wait when several did). */
    readonly limit: { readonly name: string; readonly quota: number; readonly windowMs: number }
    /** What the budget was keyed by: `ip`, `principal`, `apiKey`, `route` or `custom`; never the key. */
    readonly key: string
    readonly retryAfterMs: number
  }
  /**
   * The memory store was full: it evicted least recently used keys (their counts restarted) or
   * refused new ones. Emitted at most once a second, with how many times it happened.
   */
  'ratelimit.store_full': {
    readonly policy: 'evicted' | 'refused'
    readonly count: number
  }
  /** The rate-limit store failed; `failOpen` says whether the request went through. */
  'ratelimit.store_error': {
    readonly failOpen: boolean
    readonly reason: { readonly code: string; readonly message: string }
  }
  /**
   * A request target that routers would not all read the same way (a dot segment, an encoded
   * slash, `;`, malformed percent-encoding) was refused with 400 before anything else ran.
   */
  'request.invalid_target': {
    readonly reason: { readonly code: 'ERR_LG_REQUEST_INVALID_TARGET'; readonly message: string }
  }
  /**
   * Members of a request body or query that the route does not `accept` were dropped before the
   * handler ran (`onUnknown: 'drop'`). Paths only, never values.
   */
  'request.member_dropped': {
    readonly source: 'body' | 'query'
    readonly members: MemberPaths
  }
  /**
   * A request was answered before the handler for what its body or query holds: members the route
   * does not accept (`onUnknown: 'reject'`, 422), a forbidden name such as `__proto__`, a body
   * nested too deep (400), too large (413) or not parsed data (415).
   */
  'request.rejected_members': {
    readonly source: 'body' | 'query'
    readonly members: MemberPaths
    readonly reason: { readonly code: RequestErrorCode; readonly message: string }
  }
  /**
   * An object-level check denied the caller: the route's `owner` function before the handler, or
   * `ownerPath` on the response. Answered `status` (404 unless `ownerDenied` says 403).
   */
  'access.denied': {
    readonly check: 'owner' | 'ownerPath'
    readonly status: 403 | 404
    readonly reason: { readonly code: string; readonly message: string }
  }
  /** `ownerPath` dropped items of a list that were not the caller's. */
  'access.items_dropped': {
    /** The route's `ownerPath`. */
    readonly path: string
    readonly count: number
  }
  /**
   * A client crossed a route's enumeration threshold: too many distinct object ids in the window
   * (`distinct_ids`), or mostly 403/404 answers (`miss_ratio`). One event per client, route and
   * window, whatever follows.
   */
  'abuse.enumeration': {
    readonly kind: 'distinct_ids' | 'miss_ratio'
    /** Who: the principal id (masked like every principal) or the client address. */
    readonly subject: { readonly kind: 'principal' | 'address'; readonly id: string }
    readonly count: number
    readonly threshold: number
    readonly windowMs: number
    readonly action: 'alert' | 'throttle' | 'block'
  }
  /** Traffic that looks like abuse (the `abuse` options): an alert, nothing was refused. */
  'abuse.alert': AbuseAlert
  /**
   * A route's responses carry small, dense integer ids (the first 20 distinct ones fill at least a
   * quarter of their range): anyone can walk them. Reported once per route per process.
   */
  'inventory.sequential_ids': {
    /** The route pattern, or the path with id-like segments as `:n`. */
    readonly route: string
    /** Where the ids are: `$.id`, `$[*].id`, `$.orders[*].id`. */
    readonly path: string
    readonly distinct: number
    readonly span: number
  }
  /**
   * The app answered a request (below 400) on a route no `routes` pattern names: a shadow
   * endpoint, or one the policy forgot. Once per route (pattern-like: ids as `:n`) per process.
   */
  'inventory.undeclared_route': {
    readonly route: string
  }
  /**
   * A plain-HTTP request met `transport.requireHttps`: refused (403) or redirected to HTTPS (308)
   * before anything else ran.
   */
  'transport.insecure': {
    readonly action: 'refused' | 'redirected'
  }
  /**
   * The framework routed the request elsewhere than the route leakguard decided on (or changed its
   * method, as a method-override middleware mounted after leakguard does): the response was
   * blocked. Both sides are named by route pattern (or canonical path when no pattern matched).
   */
  'engine.route_mismatch': {
    readonly leakguard: { readonly method: string; readonly route: string }
    readonly framework: { readonly method: string; readonly route: string }
  }
  /** A setup problem noticed while serving (a missing error handler, an ignored proxy header). */
  'config.warning': {
    readonly warning: { readonly code: string; readonly message: string }
  }
  /** Delivery recovered after the queue was full: how many events were lost meanwhile. */
  'audit.events_dropped': {
    readonly dropped: number
  }
}

/** Member paths of a request, as events carry them (never values). */
export interface MemberPaths {
  readonly count: number
  /** Templated paths (`$.role`, `$.items[*].price`), at most `requests.maxReportedPaths`. */
  readonly paths: readonly string[]
  readonly truncated: boolean
}

/** Every event type. */
export type LeakguardEventType = keyof LeakguardEventMap

/** Members every event carries. */
export interface BaseEvent<T extends keyof LeakguardEventMap = keyof LeakguardEventMap> {
  /** The discriminant. */
  readonly type: T
  /** Unique id of this event. */
  readonly id: string
  /** ISO 8601 time the engine made the decision. */
  readonly time: string
  readonly severity: Severity
  readonly outcome: Outcome
  /** `'report'` when the decision was only reported, not applied. */
  readonly mode: 'enforce' | 'report'
  /** The request the decision is about; absent for events about leakguard itself. */
  readonly request?: EventRequest
  /** The verified caller, when there is one. */
  readonly principal?: EventPrincipal
}

/** Every audit event, discriminated by `type`. */
export type LeakguardEvent = {
  [T in keyof LeakguardEventMap]: BaseEvent<T> & LeakguardEventMap[T]
}[keyof LeakguardEventMap]

/** The event of one type. */
export type LeakguardEventOf<T extends keyof LeakguardEventMap> = Extract<LeakguardEvent, { type: T }>
