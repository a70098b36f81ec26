import type { EventSource, GuardEvents } from '../audit/guard-events.js'
import type { RequestHeaders } from '../auth/bearer.js'
import type { Principal } from '../auth/principal.js'
import { sha256Base64url } from '../lib/digest.js'
import { describe, fail } from '../lib/validate.js'
import { boundedStore, DEFAULT_STORE_TIMEOUT_MS } from '../ratelimit/bounded-store.js'
import type { RateGate } from '../ratelimit/gate.js'
import { MemoryStore } from '../ratelimit/memory-store.js'
import { isStore, type RateLimitStore } from '../ratelimit/store.js'
import { type AbuseAlert, type AbuseRequest, compileAbuse } from './abuse.js'
import {
  createEnumerationDetector,
  type EnumerationDetector,
  type EnumerationSubject,
} from './enumeration.js'

/** What the monitors read of a request, and where the abuse monitor keeps what it counted. */
export interface MonitoredRequest extends EventSource {
  readonly principal: Principal | undefined
  readonly headers?: RequestHeaders | undefined
  /** What the abuse monitor counted of the request, for its response. */
  abuse?: AbuseRequest
}

/**
 * The monitors a guard runs beside its request phases: the enumeration detector (how many
 * distinct object ids a client asks for, and how many of its answers are misses) and the abuse
 * monitor (addresses, principals and tokens seen together), with the events they raise.
 */
export interface RequestMonitors {
  /** The enumeration detector, made on first use: its store is `requests.store` or the rate limit's. */
  enumeration(): EnumerationDetector
  /** Who the enumeration detector counts: the caller, or its address. */
  subjectOf(request: MonitoredRequest, by: 'principal' | 'address' | 'auto'): EnumerationSubject
  /** Whether the abuse monitor is on (`abuse` options). */
  readonly watchesAbuse: boolean
  /** Counts a request for the abuse monitor, once. */
  observeAbuse(request: MonitoredRequest): void
  /** What the abuse monitor makes of the answer to a request it counted. */
  observeAnswer(request: MonitoredRequest, status: number): void
}

/** A short one-way form of a bearer token: the abuse monitor counts tokens, never holds them. */
function tokenFingerprint(authorization: string): string {
  return sha256Base64url(authorization).slice(0, 16)
}

/**
 * Validates the monitors' options (`requests.store`, `abuse`) once, at startup.
 * @throws LeakguardConfigError
 */
export function createRequestMonitors(options: {
  readonly mode: 'enforce' | 'report'
  /** `requests.store`: a store with `distinct()`, for counting across instances. */
  readonly store: unknown
  /** `abuse` options. */
  readonly abuse: unknown
  /** The guard's rate-limit gate, once something asked for it. */
  readonly rate: () => RateGate | undefined
  readonly events: Pick<GuardEvents, 'emit' | 'principalId'>
  readonly warn: (code: string, message: string) => void
  /** The client's address as the rate limit reads it (its proxy settings), or `'unknown'`. */
  readonly clientIp: (request: MonitoredRequest) => string
}): RequestMonitors {
  const { mode, events, clientIp } = options
  const configured = options.store
  if (configured !== undefined && !(isStore(configured) && typeof configured.distinct === 'function')) {
    fail(
      'requests.store',
      `expected a store with a distinct() method, such as new MemoryStore() or new RedisStore(client), got ${describe(configured)}`,
    )
  }
  const principalSubject = (subject: EnumerationSubject): EnumerationSubject =>
    subject.kind === 'principal' ? { kind: 'principal', id: events.principalId(subject.id) } : subject
  let detector: EnumerationDetector | undefined
  const enumeration = (): EnumerationDetector => {
    if (detector !== undefined) return detector
    const rate = options.rate()
    // requests.store is bounded like the rate-limit store (which the gate bounded already).
    const chosen =
      configured === undefined
        ? rate?.store
        : boundedStore(
            configured as RateLimitStore,
            rate?.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
            'the enumeration store (requests.store)',
          )
    const store = typeof chosen?.distinct === 'function' ? chosen : new MemoryStore()
    if (configured === undefined && rate?.store !== undefined && store !== rate.store) {
      options.warn(
        'LEAKGUARD_ENUMERATION_LOCAL',
        'the rate-limit store has no distinct() method, so the enumeration detector counts in this process only; pass requests.store (a RedisStore counts across instances)',
      )
    }
    detector = createEnumerationDetector({
      store: store as RateLimitStore & Required<Pick<RateLimitStore, 'distinct'>>,
      alert: (origin, alert) => {
        events.emit(
          'abuse.enumeration',
          'warn',
          mode === 'report' ? 'unknown' : 'failure',
          origin as MonitoredRequest,
          0,
          () => ({ ...alert, subject: principalSubject(alert.subject) }),
        )
      },
    })
    return detector
  }
  const abuse = compileAbuse(options.abuse, 'abuse')
  const emitAlerts = (request: MonitoredRequest, alerts: readonly AbuseAlert[], status: number): void => {
    for (const alert of alerts) {
      events.emit('abuse.alert', 'warn', 'unknown', request, status, () => ({
        ...alert,
        subject: principalSubject(alert.subject),
      }))
    }
  }
  return {
    enumeration,
    subjectOf(request, by) {
      const { sub, issuer } = request.principal ?? {}
      // With several issuers, one `sub` can name two people: the issuer is part of who counts.
      if (by === 'address' || sub === undefined) return { kind: 'address', id: clientIp(request) }
      return { kind: 'principal', id: issuer === undefined ? sub : `${sub} (${issuer})` }
    },
    watchesAbuse: abuse !== undefined,
    observeAbuse(request) {
      if (abuse === undefined || request.abuse !== undefined) return
      const authorization = request.headers?.authorization
      const token = typeof authorization === 'string' && authorization.length > 7 ? authorization : undefined
      request.abuse = {
        address: clientIp(request),
        principal: request.principal?.sub,
        token: token === undefined ? undefined : tokenFingerprint(token),
      }
      emitAlerts(request, abuse.request(request.abuse), 0)
    },
    observeAnswer(request, status) {
      if (abuse !== undefined && request.abuse !== undefined)
        emitAlerts(request, abuse.response(request.abuse, status), status)
    },
  }
}
