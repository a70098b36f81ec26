import { LRUCache } from 'lru-cache'
import { sha256Base64url } from '../lib/digest.js'
import { type Duration, durationOption } from '../lib/duration.js'
import { isPromise } from '../lib/promise.js'
import { describe, fail, integerOption, isPlainObject, objectOption, oneOf } from '../lib/validate.js'
import type { DistinctResult, RateLimitStore } from '../ratelimit/store.js'

/** What a route's enumeration detector does once a client crosses its threshold. */
export type EnumerationAction = 'alert' | 'throttle' | 'block'

/**
 * Options of a route's enumeration detector (`routes['GET /orders/:id'].enumeration`): how many
 * distinct objects one client may read in a window, and what happens past it.
 */
export interface EnumerationOptions {
  /** Distinct object ids (path parameter values) one client may request per window. */
  max: number
  /** The window, fixed from the client's first request in it. @default '1m' */
  window?: Duration
  /**
   * The path parameter that names the object (`'id'` of `/orders/:id`).
   * @default every parameter of the route, together
   */
  param?: string
  /**
   * Past `max`: `'alert'` only emits `abuse.enumeration`; `'throttle'` also refuses (429) ids the
   * client has not read yet in this window, while those it read stay served; `'block'` refuses
   * every request of the client on the route for `blockFor`.
   * @default 'throttle'
   */
  action?: EnumerationAction
  /** How long `'block'` lasts. @default the window */
  blockFor?: Duration
  /**
   * The miss-ratio detector: a client whose responses on this route are mostly 403/404 (it guesses
   * ids) gets the same action. `false` turns it off.
   * @default { ratio: 0.5, min: 20 }
   */
  misses?: false | { ratio?: number; min?: number }
  /**
   * Who is counted: the verified caller (`'principal'`), the client address (`'address'`), or the
   * caller when there is one and the address otherwise (`'auto'`).
   * @default 'auto'
   */
  by?: 'principal' | 'address' | 'auto'
}

/** Validated {@link EnumerationOptions}. */
export interface CompiledEnumeration {
  readonly max: number
  readonly windowMs: number
  readonly param: string | undefined
  readonly action: EnumerationAction
  readonly blockForMs: number
  readonly misses: { readonly ratio: number; readonly min: number } | undefined
  readonly by: 'principal' | 'address' | 'auto'
}

const OPTION_KEYS = ['max', 'window', 'param', 'action', 'blockFor', 'misses', 'by'] as const

/** Validates a route's `enumeration`. @throws LeakguardConfigError */
export function compileEnumeration(
  value: unknown,
  option: string,
  params: readonly string[] | undefined,
): CompiledEnumeration {
  const raw = objectOption(value, option, OPTION_KEYS)
  if (raw.max === undefined)
    fail(`${option}.max`, 'is required: the distinct object ids one client may read per window, e.g. 50')
  const max = integerOption(raw.max, `${option}.max`, 1, 10_000, 50)
  const windowMs = durationOption(raw.window, `${option}.window`, 60_000, { min: 1000 })
  let param: string | undefined
  if (raw.param !== undefined) {
    if (typeof raw.param !== 'string' || raw.param === '')
      fail(`${option}.param`, `expected the name of a path parameter, got ${describe(raw.param)}`)
    param = raw.param as string
    if (params !== undefined && !params.includes(param))
      fail(
        `${option}.param`,
        `the route has no parameter ${JSON.stringify(param)}; its parameters: ${params.length === 0 ? 'none' : params.join(', ')}`,
      )
  }
  if (params !== undefined && params.length === 0)
    fail(option, 'the route has no path parameter naming an object (write the pattern as "GET /orders/:id")')
  const action = oneOf(raw.action, `${option}.action`, ['alert', 'throttle', 'block'] as const, 'throttle')
  const blockForMs = durationOption(raw.blockFor, `${option}.blockFor`, windowMs, { min: 1000 })
  if (raw.blockFor !== undefined && action !== 'block')
    fail(`${option}.blockFor`, `applies to action 'block' only (action is '${action}')`)
  let misses: CompiledEnumeration['misses'] = { ratio: 0.5, min: 20 }
  if (raw.misses === false) misses = undefined
  else if (raw.misses !== undefined) {
    if (!isPlainObject(raw.misses))
      fail(`${option}.misses`, `expected { ratio, min } or false, got ${describe(raw.misses)}`)
    const m = objectOption(raw.misses, `${option}.misses`, ['ratio', 'min'] as const)
    const ratio = m.ratio ?? 0.5
    if (typeof ratio !== 'number' || !(ratio > 0 && ratio <= 1))
      fail(
        `${option}.misses.ratio`,
        `expected a share of responses from 0 (excluded) to 1, got ${describe(m.ratio)}`,
      )
    misses = { ratio: ratio as number, min: integerOption(m.min, `${option}.misses.min`, 1, 1_000_000, 20) }
  }
  const by = oneOf(raw.by, `${option}.by`, ['principal', 'address', 'auto'] as const, 'auto')
  return Object.freeze({ max, windowMs, param, action, blockForMs, misses, by })
}

/** Who a count belongs to. */
export interface EnumerationSubject {
  readonly kind: 'principal' | 'address'
  readonly id: string
}

/** What the detector decided for one request. */
export type EnumerationVerdict =
  | { readonly refused: false }
  | { readonly refused: true; readonly retryAfterMs: number }

/** An alert of the detector, emitted as `abuse.enumeration`. */
export interface EnumerationAlert {
  readonly kind: 'distinct_ids' | 'miss_ratio'
  readonly subject: EnumerationSubject
  readonly count: number
  readonly threshold: number
  readonly windowMs: number
  readonly action: EnumerationAction
}

const ALLOWED: EnumerationVerdict = Object.freeze({ refused: false })

/**
 * A short SHA-256 form of a key or an object id: stores hold no id or address in clear (an id
 * from a small space can still be found by trying them: the digest is for privacy at rest, not a
 * secret).
 */
const digest = (value: string): string => sha256Base64url(value).slice(0, 22)

/** Counts of one client on one route for the miss-ratio detector (per process). */
interface MissWindow {
  start: number
  total: number
  misses: number
  alerted: boolean
}

/**
 * The enumeration detectors of a guard: distinct ids per client per route per window on a store
 * (`distinct`, so Redis counts across instances), 403/404 ratios per process, and the blocks
 * both set.
 */
export function createEnumerationDetector(deps: {
  readonly store: RateLimitStore & Required<Pick<RateLimitStore, 'distinct'>>
  /** Emits an alert; `origin` is what the caller passed to `check` or `response` (its request). */
  readonly alert: (origin: unknown, alert: EnumerationAlert) => void
  readonly now?: () => number
  readonly maxClients?: number
}) {
  const { store, alert } = deps
  const now = deps.now ?? Date.now
  const maxClients = deps.maxClients ?? 100_000
  const misses = new LRUCache<string, MissWindow>({ max: maxClients })
  // One alert per client, route and window: a walk past the threshold is one event, not one per id.
  const alerted = new LRUCache<string, true>({ max: maxClients, ttlAutopurge: false })

  // The same clients come back: their keys are remembered, per route (bounded; forgotten all at
  // once when full).
  const keys = new Map<string, Map<string, string>>()
  let remembered = 0
  const keyOf = (route: string, subject: EnumerationSubject): string => {
    let byClient = keys.get(route)
    if (byClient === undefined) {
      byClient = new Map()
      keys.set(route, byClient)
    }
    const client = subject.kind === 'principal' ? `p:${subject.id}` : subject.id
    let key = byClient.get(client)
    if (key === undefined) {
      key = digest(`${route}\u0000${subject.kind}\u0000${subject.id}`)
      if (++remembered > 4096) {
        keys.clear()
        remembered = 0
      }
      byClient.set(client, key)
    }
    return key
  }

  function block(key: string, policy: CompiledEnumeration): DistinctResult | Promise<DistinctResult> {
    return store.distinct(`enum-block:${key}`, 'b', policy.blockForMs, 1)
  }

  function raise(origin: unknown, key: string, windowLeft: number, alertOf: EnumerationAlert): void {
    const id = `${alertOf.kind}:${key}`
    if (alerted.has(id)) return
    alerted.set(id, true, { ttl: Math.max(1, windowLeft) })
    alert(origin, alertOf)
  }

  function verdictOf(
    origin: unknown,
    key: string,
    subject: EnumerationSubject,
    policy: CompiledEnumeration,
    result: DistinctResult,
  ): EnumerationVerdict | Promise<EnumerationVerdict> {
    if (result.count <= policy.max || result.seen) return ALLOWED
    raise(origin, key, result.resetIn, {
      kind: 'distinct_ids',
      subject,
      count: result.count,
      threshold: policy.max,
      windowMs: policy.windowMs,
      action: policy.action,
    })
    if (policy.action === 'alert') return ALLOWED
    if (policy.action === 'throttle') return { refused: true, retryAfterMs: result.resetIn }
    const refused = { refused: true, retryAfterMs: policy.blockForMs } as const
    const blocking = block(key, policy)
    return isPromise(blocking) ? blocking.then(() => refused) : refused
  }

  return {
    /**
     * Counts `id` for `subject` on `route` and decides. Store failures are thrown (the guard lets the
     * request through and reports them: a detector outage must not become an API outage).
     */
    check(
      route: string,
      subject: EnumerationSubject,
      id: string,
      policy: CompiledEnumeration,
      origin?: unknown,
    ): EnumerationVerdict | Promise<EnumerationVerdict> {
      const key = keyOf(route, subject)
      const count = (): EnumerationVerdict | Promise<EnumerationVerdict> => {
        // At most `max` ids are held; a full set answers max + 1 for an id it does not hold.
        const result = store.distinct(`enum:${key}`, digest(id), policy.windowMs, policy.max)
        return isPromise(result)
          ? result.then((settled) => verdictOf(origin, key, subject, policy, settled))
          : verdictOf(origin, key, subject, policy, result)
      }
      // A block set by either detector (the miss-ratio one also blocks when throttling).
      if (policy.action === 'alert' || (policy.action === 'throttle' && policy.misses === undefined))
        return count()
      const blocked = store.distinct(`enum-block:${key}`, '', policy.blockForMs, 0)
      const afterBlock = (state: DistinctResult) =>
        state.count > 0 ? ({ refused: true, retryAfterMs: state.resetIn } as const) : count()
      return isPromise(blocked) ? blocked.then(afterBlock) : afterBlock(blocked)
    },
    /** Counts a response of `subject` on `route` for the miss-ratio detector. Never throws. */
    response(
      route: string,
      subject: EnumerationSubject,
      status: number,
      policy: CompiledEnumeration,
      origin?: unknown,
    ): void {
      const rule = policy.misses
      if (rule === undefined) return
      const key = keyOf(route, subject)
      const at = now()
      let window = misses.get(key)
      if (window === undefined || at - window.start >= policy.windowMs) {
        window = { start: at, total: 0, misses: 0, alerted: false }
        misses.set(key, window)
      }
      window.total++
      if (status === 403 || status === 404) window.misses++
      if (window.alerted || window.misses < rule.min || window.misses / window.total < rule.ratio) return
      window.alerted = true
      raise(origin, key, window.start + policy.windowMs - at, {
        kind: 'miss_ratio',
        subject,
        count: window.misses,
        threshold: rule.min,
        windowMs: policy.windowMs,
        action: policy.action,
      })
      if (policy.action === 'alert') return
      // Throttling a guesser means refusing what it has not seen: every further id, for the window.
      const blockFor = policy.action === 'block' ? policy : { ...policy, blockForMs: policy.windowMs }
      try {
        const blocking = block(key, blockFor)
        if (isPromise(blocking)) blocking.catch(() => undefined)
      } catch {
        // A store outage leaves the client unblocked; the alert went out.
      }
    },
  }
}

export type EnumerationDetector = ReturnType<typeof createEnumerationDetector>
