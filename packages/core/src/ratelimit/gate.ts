import { LeakguardRateLimitError } from '../errors.js'
import { isPromise } from '../lib/promise.js'
import { describe, fail, integerOption, isPlainObject, objectOption } from '../lib/validate.js'
import { boundedStore, storeTimeoutOption } from './bounded-store.js'
import { type ClientAddressResolver, clientAddressResolver } from './client-ip.js'
import {
  type CompiledLimiter,
  compileLimiter,
  LIMITER_KEYS,
  type RateLimitResult,
  storeKey,
  toResult,
} from './limiter.js'
import { MemoryStore } from './memory-store.js'
import type { RateLimitRequest } from './options.js'
import { isStore, type RateLimitStore, type StoreDecision } from './store.js'

const GUARD_KEYS = [
  ...LIMITER_KEYS,
  'store',
  'storeTimeout',
  'trustProxy',
  'ipv6Subnet',
  'apiKeyHeader',
  'headers',
] as const

/** The request-phase side of rate limiting, as a guard uses it. */
export interface RateGate {
  /** The limiter every request goes through (`rateLimit.limits`), if any. */
  readonly global: CompiledLimiter | undefined
  /** The configured store, every call bounded by {@link storeTimeoutMs}. */
  readonly store: RateLimitStore
  readonly storeTimeoutMs: number
  readonly resolver: ClientAddressResolver
  readonly headers: boolean
  /** Compiles a route's `rateLimit` with the guard's settings as defaults. */
  compileRoute(raw: unknown, option: string, id: string): CompiledLimiter | false
  /**
   * Charges a request to one limiter when every limit admits it (a failures-only limiter too: its
   * charge is a reservation, refunded once the response is known to be no failure). Never rejects.
   */
  run(limiter: CompiledLimiter, request: RateLimitRequest): LimiterRun | Promise<LimiterRun>
  /** The key and cost a limiter counts a request under. */
  keyOf(limiter: CompiledLimiter, request: RateLimitRequest): { key: string; cost: number }
  /** Gives a charge back. Never rejects: resolves to the store's failure, if any. */
  refund(charge: Charge): Promise<LeakguardRateLimitError | undefined>
  /** Forgets what a limiter counted for a request's key. Never rejects, like `refund`. */
  reset(limiter: CompiledLimiter, request: RateLimitRequest): Promise<LeakguardRateLimitError | undefined>
}

/** What one limiter charged for one request: enough to give it back. */
export interface Charge {
  readonly limiter: CompiledLimiter
  readonly key: string
  readonly cost: number
  /** The store's `chargedAt`. */
  readonly at: number
}

/** The outcome of one limiter on one request. */
export type LimiterRun =
  | {
      readonly ok: true
      readonly result: RateLimitResult
      readonly full: StoreDecision['full']
      /** Present when the store charged the request and can give the charge back. */
      readonly charge: Charge | undefined
    }
  | { readonly ok: false; readonly error: LeakguardRateLimitError }

/** Validates the route-level `rateLimit` shape with built-in defaults (the guard recompiles it). */
export function validateRouteRateLimit(raw: unknown, option: string): unknown {
  if (raw === false) return false
  if (Array.isArray(raw)) {
    compileLimiter({ limits: raw }, option, 'check')
    return raw
  }
  if (!isPlainObject(raw))
    return fail(option, `expected a list of limits, limiter options or false, got ${describe(raw)}`)
  compileLimiter(objectOption(raw, option, LIMITER_KEYS), option, 'check')
  return raw
}

/** Validates the guard's `rateLimit` options. @throws LeakguardConfigError */
export function compileRateGate(options: unknown, option: string): RateGate {
  const raw = objectOption(options, option, GUARD_KEYS)
  if (raw.store !== undefined && !isStore(raw.store)) {
    fail(
      `${option}.store`,
      `expected a store such as new MemoryStore() or new RedisStore(client), got ${describe(raw.store)}`,
    )
  }
  const storeTimeoutMs = storeTimeoutOption(raw.storeTimeout, `${option}.storeTimeout`)
  const store = boundedStore((raw.store as RateLimitStore | undefined) ?? new MemoryStore(), storeTimeoutMs)
  const canRefund = typeof store.refund === 'function'
  const ipv6Subnet = integerOption(raw.ipv6Subnet, `${option}.ipv6Subnet`, 8, 128, 56)
  const resolver = clientAddressResolver(raw.trustProxy, ipv6Subnet, `${option}.trustProxy`)
  let apiKeyHeader = 'x-api-key'
  if (raw.apiKeyHeader !== undefined) {
    if (typeof raw.apiKeyHeader !== 'string' || !/^[A-Za-z0-9-]+$/.test(raw.apiKeyHeader)) {
      fail(`${option}.apiKeyHeader`, `expected a header name, got ${describe(raw.apiKeyHeader)}`)
    }
    apiKeyHeader = (raw.apiKeyHeader as string).toLowerCase()
  }
  if (raw.headers !== undefined && typeof raw.headers !== 'boolean') {
    fail(`${option}.headers`, `expected a boolean, got ${describe(raw.headers)}`)
  }
  const resettable = (limiter: CompiledLimiter, limiterOption: string): CompiledLimiter => {
    if (limiter.resetOnSuccess && store.reset === undefined) {
      fail(
        `${limiterOption}.resetOnSuccess`,
        'needs a store with a reset(key, limits) method, such as MemoryStore or RedisStore; this store has none',
      )
    }
    return limiter
  }
  // The guard-level limiter settings are the defaults of route limiters.
  const settings = { ...raw, limits: raw.limits ?? [{ limit: 1, window: 1000 }] }
  const defaults = resettable(compileLimiter(settings, option, 'global'), option)
  const global = raw.limits === undefined ? undefined : defaults
  const algorithm = raw.algorithm as 'sliding-window' | 'sliding-log' | undefined

  function keyOf(limiter: CompiledLimiter, request: RateLimitRequest): { key: string; cost: number } {
    const ip = request.ip ?? 'unknown'
    let kind: string = typeof limiter.key === 'function' ? 'custom' : limiter.key
    let value: string | undefined
    switch (limiter.key) {
      case 'ip':
        value = ip
        break
      case 'principal':
        value = request.principal?.sub
        break
      case 'apiKey': {
        const header = request.headers[apiKeyHeader]
        value = typeof header === 'string' && header !== '' ? header : undefined
        break
      }
      case 'route':
        value = `${request.method} ${request.route ?? request.path}`
        break
      default:
        try {
          const custom = limiter.key(request)
          value = typeof custom === 'string' && custom !== '' ? custom : undefined
        } catch {
          value = undefined
        }
    }
    if (value === undefined) {
      kind = 'ip'
      value = ip
    }
    let cost = 1
    if (typeof limiter.cost === 'number') cost = limiter.cost
    else {
      try {
        const computed = limiter.cost(request)
        if (Number.isInteger(computed) && computed >= 1) cost = computed
      } catch {
        // A failing cost function counts the request once.
      }
    }
    return { key: storeKey(limiter.id, kind, value), cost }
  }

  return {
    global,
    store,
    storeTimeoutMs,
    resolver,
    headers: raw.headers !== false,
    compileRoute(routeRaw, routeOption, id) {
      if (routeRaw === false) return false
      const limiterRaw = Array.isArray(routeRaw)
        ? { limits: routeRaw }
        : (routeRaw as Record<string, unknown>)
      const limiter = compileLimiter(limiterRaw, routeOption, id, {
        ...defaults,
        ...(algorithm === undefined ? {} : { algorithm }),
      })
      // Routes of the table are compiled with ids 'route:<pattern>': name them as users wrote them.
      const named = id.startsWith('route:')
        ? `routes[${JSON.stringify(id.slice(6))}].${routeOption}`
        : routeOption
      return resettable(limiter, named)
    },
    keyOf,
    run(limiter, request) {
      const { key, cost } = keyOf(limiter, request)
      const failed = (error: unknown): LimiterRun => ({
        ok: false,
        error: LeakguardRateLimitError.from(error),
      })
      const settle = (decision: StoreDecision): LimiterRun => {
        const charge =
          decision.chargedAt === undefined || !canRefund
            ? undefined
            : { limiter, key, cost, at: decision.chargedAt }
        return { ok: true, result: toResult(limiter.limits, decision), full: decision.full, charge }
      }
      try {
        // Counted before the handler runs, failures-only limiters included: concurrent requests
        // then cannot all pass a check made before any of them has failed. A synchronous store
        // (MemoryStore) is answered without a promise.
        const pending = store.consume(key, limiter.limits, cost, 'consume')
        if (isPromise(pending)) {
          return Promise.resolve(pending).then((decision) => {
            try {
              return settle(decision)
            } catch (error) {
              return failed(error)
            }
          }, failed)
        }
        return settle(pending as StoreDecision)
      } catch (error) {
        return failed(error)
      }
    },
    async refund(charge) {
      try {
        await store.refund?.(charge.key, charge.limiter.limits, charge.cost, charge.at)
        return undefined
      } catch (error) {
        return LeakguardRateLimitError.from(error)
      }
    },
    async reset(limiter, request) {
      try {
        await store.reset?.(keyOf(limiter, request).key, limiter.limits)
        return undefined
      } catch (error) {
        return LeakguardRateLimitError.from(error)
      }
    },
  }
}

/** `RateLimit-Policy` items of a limiter (draft-ietf-httpapi-ratelimit-headers-10). */
const policyCache = new WeakMap<CompiledLimiter, string>()

/** The `RateLimit-Policy` text of a limiter: the same on every response, built once. */
export function policyHeader(limiter: CompiledLimiter): string {
  let text = policyCache.get(limiter)
  if (text === undefined) {
    text = limiter.limits
      .map((limit) => `"${limit.name}";q=${limit.limit};w=${Math.ceil(limit.windowMs / 1000)}`)
      .join(', ')
    policyCache.set(limiter, text)
  }
  return text
}

/** The `RateLimit` text of a result: on refusal, `t` is when the request would pass (= Retry-After). */
export function stateHeader(result: RateLimitResult): string {
  let text = ''
  for (const state of result.limits) {
    const t = Math.ceil((state.allowed ? state.resetMs : state.retryAfterMs) / 1000)
    const item = `"${state.name}";r=${state.allowed ? state.remaining : 0};t=${t}`
    text = text === '' ? item : `${text}, ${item}`
  }
  return text
}
