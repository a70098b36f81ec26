import { hash } from 'node:crypto'
import { LeakguardRateLimitError } from '../errors.js'
import { durationOption } from '../lib/duration.js'
import { describe, fail, isPlainObject, objectOption, oneOf } from '../lib/validate.js'
import type { Algorithm, StoreLimit } from './algorithms.js'
import { boundedStore, storeTimeoutOption } from './bounded-store.js'
import { MemoryStore } from './memory-store.js'
import type { LimiterOptions, RateLimitKey, RateLimitRequest } from './options.js'
import { compileProblem, type ProblemBuilder } from './problem.js'
import { isStore, type RateLimitStore, type StoreDecision } from './store.js'

/** A limit, validated. */
export interface CompiledLimit extends StoreLimit {
  readonly name: string
}

/** A limiter, validated. */
export interface CompiledLimiter {
  /** Scopes its keys: `'global'`, or the route. */
  readonly id: string
  readonly limits: readonly CompiledLimit[]
  readonly key: RateLimitKey
  readonly cost: number | ((request: RateLimitRequest) => number)
  readonly failuresOnly: boolean
  readonly failureStatuses: ReadonlySet<number>
  /** A successful response forgets the key's counted failures (failures-only limiters). */
  readonly resetOnSuccess: boolean
  readonly failOpen: boolean
  /** The 429 body, when the limiter customises it. */
  readonly problem: ProblemBuilder | undefined
}

/** One limit's state after a decision. Times in milliseconds from now. */
export interface LimitState {
  readonly name: string
  readonly limit: number
  readonly windowMs: number
  readonly remaining: number
  readonly resetMs: number
  readonly retryAfterMs: number
  readonly allowed: boolean
}

/** What `consume()` resolves to. With several limits, the most restrictive one speaks. */
export interface RateLimitResult {
  readonly allowed: boolean
  /** Quota of the most restrictive limit. */
  readonly limit: number
  /** Units left under the most restrictive limit. */
  readonly remaining: number
  /** Until the most restrictive limit's quota is whole again. */
  readonly resetMs: number
  /** Until the request would be admitted (0 when it was). */
  readonly retryAfterMs: number
  /** Every limit's state, in the order given. */
  readonly limits: readonly LimitState[]
}

const LIMIT_KEYS = ['limit', 'window', 'name', 'algorithm'] as const
export const LIMITER_KEYS = [
  'limits',
  'key',
  'cost',
  'failuresOnly',
  'failureStatuses',
  'resetOnSuccess',
  'failOpen',
  'algorithm',
  'problem',
] as const
const ALGORITHMS = ['sliding-window', 'sliding-log'] as const
const KEY_KINDS = ['ip', 'principal', 'apiKey', 'route'] as const
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/

function compileLimit(raw: unknown, option: string, algorithm: Algorithm): CompiledLimit {
  const limit = objectOption(raw, option, LIMIT_KEYS)
  if (!isPlainObject(raw)) fail(option, `expected { limit, window }, got ${describe(raw)}`)
  if (
    typeof limit.limit !== 'number' ||
    !Number.isInteger(limit.limit) ||
    limit.limit < 1 ||
    limit.limit > 1e9
  ) {
    fail(`${option}.limit`, `expected a whole number of requests from 1 to 1e9, got ${describe(limit.limit)}`)
  }
  if (limit.window === undefined)
    fail(`${option}.window`, 'is required: a duration such as "1s", "1m" or 60000')
  const windowMs = durationOption(limit.window, `${option}.window`, 0, { min: 1000, max: 30 * 86_400_000 })
  const q = limit.limit as number
  let name = `${q}-per-${Math.ceil(windowMs / 1000)}s`
  if (limit.name !== undefined) {
    if (typeof limit.name !== 'string' || !NAME.test(limit.name)) {
      fail(`${option}.name`, `expected 1-64 letters, digits or "-_.:", got ${describe(limit.name)}`)
    }
    name = limit.name as string
  }
  const own = oneOf(limit.algorithm, `${option}.algorithm`, ALGORITHMS, algorithm)
  if (own === 'sliding-log' && q > 100_000) {
    fail(
      `${option}.limit`,
      'a sliding log keeps one entry per request: use the sliding-window counter above 100000',
    )
  }
  return Object.freeze({ name, limit: q, windowMs, algorithm: own })
}

/** Validates a list of limits. @throws LeakguardConfigError */
export function compileLimits(raw: unknown, option: string, algorithm: Algorithm): CompiledLimit[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    return fail(
      option,
      `expected a non-empty array of limits such as [{ limit: 100, window: "1m" }], got ${describe(raw)}`,
    )
  }
  const limits = raw.map((entry, i) => compileLimit(entry, `${option}[${i}]`, algorithm))
  const names = new Set<string>()
  limits.forEach((limit, i) => {
    if (names.has(limit.name))
      fail(`${option}[${i}].name`, `${describe(limit.name)} is used twice; give each limit its own name`)
    names.add(limit.name)
  })
  return limits
}

/** Validates limiter options (`limits`, `key`, `cost`, failures-only, outage policy). */
export function compileLimiter(
  raw: Record<string, unknown>,
  option: string,
  id: string,
  defaults: Partial<CompiledLimiter> & { algorithm?: Algorithm } = {},
): CompiledLimiter {
  const algorithm = oneOf(
    raw.algorithm,
    `${option}.algorithm`,
    ALGORITHMS,
    defaults.algorithm ?? 'sliding-window',
  )
  const limits = compileLimits(raw.limits, `${option}.limits`, algorithm)
  let key: RateLimitKey = defaults.key ?? 'ip'
  if (raw.key !== undefined) {
    if (typeof raw.key !== 'function' && !KEY_KINDS.includes(raw.key as never)) {
      fail(
        `${option}.key`,
        `expected ${KEY_KINDS.map((k) => `"${k}"`).join(', ')} or a function, got ${describe(raw.key)}`,
      )
    }
    key = raw.key as RateLimitKey
  }
  let cost: CompiledLimiter['cost'] = defaults.cost ?? 1
  if (raw.cost !== undefined) {
    if (
      typeof raw.cost !== 'function' &&
      !(typeof raw.cost === 'number' && Number.isInteger(raw.cost) && raw.cost >= 1)
    ) {
      fail(
        `${option}.cost`,
        `expected a whole number of units from 1, or a function, got ${describe(raw.cost)}`,
      )
    }
    cost = raw.cost as CompiledLimiter['cost']
  }
  if (typeof cost === 'number' && limits.some((limit) => cost > limit.limit)) {
    fail(
      `${option}.cost`,
      `a request costing ${cost} could never pass a limit of ${Math.min(...limits.map((l) => l.limit))}`,
    )
  }
  const bool = (value: unknown, name: string, fallback: boolean): boolean => {
    if (value === undefined) return fallback
    if (typeof value !== 'boolean') fail(`${option}.${name}`, `expected a boolean, got ${describe(value)}`)
    return value as boolean
  }
  let failureStatuses = defaults.failureStatuses ?? new Set([401, 403, 404])
  if (raw.failureStatuses !== undefined) {
    const list = raw.failureStatuses
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      list.some((s) => !Number.isInteger(s) || s < 100 || s > 599)
    ) {
      fail(`${option}.failureStatuses`, `expected a non-empty array of HTTP statuses, got ${describe(list)}`)
    }
    failureStatuses = new Set(list as number[])
  }
  const failuresOnly = bool(raw.failuresOnly, 'failuresOnly', defaults.failuresOnly ?? false)
  const resetOnSuccess = bool(raw.resetOnSuccess, 'resetOnSuccess', defaults.resetOnSuccess ?? false)
  if (resetOnSuccess && !failuresOnly) {
    fail(
      `${option}.resetOnSuccess`,
      'clears counted failures, so it needs failuresOnly: true on the same limiter (set both, or drop resetOnSuccess)',
    )
  }
  return Object.freeze({
    id,
    limits,
    key,
    cost,
    failuresOnly,
    failureStatuses,
    resetOnSuccess,
    failOpen: bool(raw.failOpen, 'failOpen', defaults.failOpen ?? false),
    problem: raw.problem === undefined ? defaults.problem : compileProblem(raw.problem, `${option}.problem`),
  })
}

// Recent clients come back: their hashed keys are remembered, by limiter, kind and value (no key
// string is built to look one up; bounded per limiter and kind, cleared when full).
const hashedKeys = new Map<string, Map<string, Map<string, string>>>()
const MAX_HASHED_KEYS = 16_384
const MAX_LIMITERS = 1024

/** A key as stores see it: hashed (SHA-256), scoped to the limiter and the kind of key. */
export function storeKey(limiterId: string, kind: string, value: string): string {
  let kinds = hashedKeys.get(limiterId)
  if (kinds === undefined) {
    kinds = new Map()
    // Limiters are few (one per route policy); an app that makes them by the thousand clears them.
    if (hashedKeys.size >= MAX_LIMITERS) hashedKeys.clear()
    hashedKeys.set(limiterId, kinds)
  }
  let values = kinds.get(kind)
  if (values === undefined) {
    values = new Map()
    kinds.set(kind, values)
  }
  let hashed = values.get(value)
  if (hashed === undefined) {
    hashed = hash('sha256', `${limiterId}\0${kind}\0${value}`, 'base64url').slice(0, 27)
    if (values.size >= MAX_HASHED_KEYS) values.clear()
    values.set(value, hashed)
  }
  return hashed
}

/** Folds a store decision into one result: the most restrictive limit speaks. */
export function toResult(limits: readonly CompiledLimit[], decision: StoreDecision): RateLimitResult {
  const states: LimitState[] = limits.map((limit, i) => {
    const verdict = decision.verdicts[i]!
    return {
      name: limit.name,
      limit: limit.limit,
      windowMs: limit.windowMs,
      remaining: verdict.remaining,
      resetMs: verdict.resetMs,
      retryAfterMs: verdict.retryAfterMs,
      allowed: verdict.allowed,
    }
  })
  let worst = states[0]!
  for (const state of states) {
    if (!state.allowed && (worst.allowed || state.retryAfterMs > worst.retryAfterMs)) worst = state
    else if (worst.allowed && state.allowed && state.remaining < worst.remaining) worst = state
  }
  const retryAfterMs = decision.allowed ? 0 : Math.max(1, ...states.map((state) => state.retryAfterMs))
  return {
    allowed: decision.allowed,
    limit: worst.limit,
    remaining: decision.allowed ? worst.remaining : 0,
    resetMs: worst.resetMs,
    retryAfterMs,
    limits: states,
  }
}

/**
 * A result as it reads once its charge of `cost` was given back (another limiter refused the
 * request): the units are available again; reset times stay upper bounds.
 */
export function withoutCharge(result: RateLimitResult, cost: number): RateLimitResult {
  const limits = result.limits.map((state) => {
    const remaining = Math.min(state.limit, state.remaining + cost)
    return { ...state, remaining, resetMs: remaining === state.limit ? 0 : state.resetMs }
  })
  const remaining = Math.min(result.limit, result.remaining + cost)
  return { ...result, remaining, resetMs: remaining === result.limit ? 0 : result.resetMs, limits }
}

/** A rate limiter usable without any framework; made by {@link createRateLimiter}. */
export interface RateLimiter {
  /**
   * Charges `cost` (default 1) to `key` under every limit when all of them admit it, and resolves
   * to the most restrictive result. With `failOpen`, a store failure resolves as allowed.
   * @throws LeakguardRateLimitError when the store fails and `failOpen` is false
   */
  consume(key: string, cost?: number): Promise<RateLimitResult>
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions
  extends Omit<
    LimiterOptions,
    'key' | 'cost' | 'failuresOnly' | 'failureStatuses' | 'resetOnSuccess' | 'problem'
  > {
  /** @default a new MemoryStore() */
  store?: RateLimitStore
  /**
   * How long the store may take to answer (milliseconds or a duration such as `'500ms'`): past it
   * the call fails with `ERR_LG_RATELIMIT_STORE_TIMEOUT` and `failOpen` decides. @default 2000
   */
  storeTimeout?: number | string
}

/**
 * Validates `options` once and returns a limiter over `options.store` (a new `MemoryStore` by
 * default). Keys are hashed before the store sees them.
 * @throws LeakguardConfigError naming the first invalid option
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const raw = objectOption(options, 'options', ['limits', 'store', 'storeTimeout', 'failOpen', 'algorithm'])
  const limiter = compileLimiter(raw, 'options', 'standalone')
  if (raw.store !== undefined && !isStore(raw.store))
    fail('options.store', `expected a store such as new MemoryStore(), got ${describe(raw.store)}`)
  const store = boundedStore(
    (raw.store as RateLimitStore | undefined) ?? new MemoryStore(),
    storeTimeoutOption(raw.storeTimeout, 'options.storeTimeout'),
  )
  return {
    async consume(key, cost = 1) {
      if (typeof key !== 'string') throw new TypeError('consume(key): key must be a string')
      if (!Number.isInteger(cost) || cost < 1)
        throw new TypeError('consume(key, cost): cost must be a whole number from 1')
      let decision: StoreDecision
      try {
        const pending = store.consume(storeKey(limiter.id, 'custom', key), limiter.limits, cost, 'consume')
        // A synchronous store (MemoryStore) needs no extra turn of the microtask queue.
        decision = pending instanceof Promise ? await pending : pending
      } catch (error) {
        const failure = LeakguardRateLimitError.from(error)
        if (!limiter.failOpen) throw failure
        return toResult(limiter.limits, {
          allowed: true,
          verdicts: limiter.limits.map((l) => ({
            allowed: true,
            remaining: l.limit,
            resetMs: 0,
            retryAfterMs: 0,
          })),
        })
      }
      return toResult(limiter.limits, decision)
    },
  }
}
