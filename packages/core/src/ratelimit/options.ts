import type { Principal } from '../auth/principal.js'
import type { Duration } from '../lib/duration.js'
import type { Algorithm } from './algorithms.js'
import type { TrustProxy } from './client-ip.js'
import type { RateLimitProblemOption } from './problem.js'
import type { RateLimitStore } from './store.js'

/** One limit: at most `limit` units of cost per sliding `window`. */
export interface LimitOptions {
  /** Units (requests, with the default cost of 1) allowed per window. */
  limit: number
  /** Length of the sliding window: milliseconds or `'1s'`, `'1m'`, `'1h'`, `'1d'`. At least 1 s. */
  window: Duration
  /**
   * Name in the `RateLimit-Policy` and `RateLimit` headers and in events (letters, digits,
   * `-_.:`). @default `'<limit>-per-<seconds>s'`
   */
  name?: string
  /** Overrides the limiter's algorithm for this limit. */
  algorithm?: Algorithm
}

/** What a key function and a cost function see of a request. */
export interface RateLimitRequest {
  readonly method: string
  readonly path: string
  /** The matched route pattern, if any. */
  readonly route: string | undefined
  /** The client address (IPv6 grouped to `ipv6Subnet`), found as `trustProxy` says. */
  readonly ip: string | undefined
  /** The verified caller; only for limiters keyed after token verification. */
  readonly principal: Principal | undefined
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
}

/**
 * Who shares a budget: `'ip'` (the client address), `'principal'` (the token's `sub`, counted after
 * verification; anonymous callers fall back to their address), `'apiKey'` (the `apiKeyHeader`
 * value, else the address), `'route'` (one budget per route for everyone), or your function
 * (`undefined` falls back to the address). Keys are hashed before a store sees them.
 */
export type RateLimitKey =
  | 'ip'
  | 'principal'
  | 'apiKey'
  | 'route'
  | ((request: RateLimitRequest) => string | undefined)

/** Settings of one limiter: its limits and how it counts. */
export interface LimiterOptions {
  /** Limits enforced together: a request passes only if every one admits it. */
  limits: readonly LimitOptions[]
  /** @default 'ip' */
  key?: RateLimitKey
  /** Units a request costs (weighted endpoints). @default 1 */
  cost?: number | ((request: RateLimitRequest) => number)
  /**
   * Count only responses whose status is in `failureStatuses` (credential stuffing, object
   * enumeration), without limiting normal traffic. Every request is charged before the handler
   * runs and refunded when its response finishes with any other status, so concurrent guesses
   * cannot outrun the limit; a request whose response never finishes (the client went away) stays
   * counted. Once over, every request is refused, a correct password included: a lockout that let
   * the right guess through would tell the attacker which guess was right.
   * @default false
   */
  failuresOnly?: boolean
  /** Statuses counted by `failuresOnly`. @default [401, 403, 404] */
  failureStatuses?: readonly number[]
  /**
   * With `failuresOnly`: a successful response (status below 400 and not in `failureStatuses`)
   * forgets the failures counted for its key, as after a login that finally succeeds. It cannot
   * lift a lockout: once over the limit, requests are refused before any can succeed. Needs a
   * store with `reset` (`MemoryStore`, `RedisStore`).
   * @default false
   */
  resetOnSuccess?: boolean
  /**
   * When the store fails (Redis down, timeout): `true` lets requests through, `false` refuses them
   * with 503. An event is emitted either way. @default false
   */
  failOpen?: boolean
  /** @default 'sliding-window' */
  algorithm?: Algorithm
  /**
   * The RFC 9457 problem document of this limiter's 429s: members set over the defaults
   * (`{ title: 'Slow down', type: 'https://example.com/problems/rate-limited' }`), or a function of
   * the refusal returning them (it never sees the key). `status` stays 429 and the body stays
   * `application/problem+json`. A function that throws or returns an invalid problem gets the
   * default body and a `config.warning` (`ERR_LG_RATELIMIT_PROBLEM_INVALID`).
   * @default undefined: `{ type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Too many requests; retry in <seconds> s' }`
   */
  problem?: RateLimitProblemOption
}

/** Guard-wide rate limiting (`createGuard({ rateLimit })`). */
export interface RateLimitOptions extends Partial<LimiterOptions> {
  /** Where counts live. @default a new MemoryStore() */
  store?: RateLimitStore
  /**
   * How long the store may take to answer a call (milliseconds, or a duration such as `'500ms'`):
   * past it the call fails with `ERR_LG_RATELIMIT_STORE_TIMEOUT` and the limiter's `failOpen`
   * decides, so a store that never answers cannot hold requests open. `RedisStore` has a
   * `timeout` of its own (500 ms): this is the backstop for any store. Also bounds
   * `requests.store` (the enumeration detector, which lets requests through when its store fails).
   * The bound is per call: a request making several store calls in a row can wait for each.
   * @default 2000
   */
  storeTimeout?: number | string
  /**
   * Proxies trusted to report the client address in `X-Forwarded-For`: `false` (the header is
   * ignored; a `config.warning` says so the first time it is seen), a hop count, or CIDR ranges.
   * @default false
   */
  trustProxy?: TrustProxy
  /** IPv6 clients are grouped by this prefix length (one customer usually holds a /56). @default 56 */
  ipv6Subnet?: number
  /** Header holding the API key for `key: 'apiKey'`. @default 'x-api-key' */
  apiKeyHeader?: string
  /** Send `RateLimit-Policy` and `RateLimit` on every limited route. @default true */
  headers?: boolean
}

/** A route's limits: a list (the guard's key and settings), full limiter options, or `false`. */
export type RouteRateLimitOptions = readonly LimitOptions[] | LimiterOptions | false
