import { hash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { type Duration, durationOption } from '../lib/duration.js'
import { describe, fail, integerOption, isPlainObject, objectOption } from '../lib/validate.js'

/**
 * Abuse alerts: traffic that looks like scraping or credential stuffing is reported as
 * `abuse.alert` audit events, never blocked. Set a detector to `false` to turn it off.
 */
export interface AbuseOptions {
  /**
   * Request bursts: a client (its principal, else its address) makes at least `min` requests in
   * one `window` and at least `factor` times its own baseline (the running average of its earlier
   * windows). A client with no baseline yet alerts at `min`. `false` disables.
   * @default { window: '10s', min: 100, factor: 5 }
   */
  burst?:
    | false
    | {
        /** Length of a counting window, 1 s to 1 d. @default '10s' */
        window?: Duration
        /** Requests in a window below which no burst is reported. @default 100 */
        min?: number
        /** How many times its baseline a client must reach, more than 1. @default 5 */
        factor?: number
      }
  /**
   * Error-rate bursts: at least `min` responses of one client in a `window` have a status of 400
   * or more, and they are at least `ratio` of its responses in that window. `false` disables.
   * @default { window: '1m', min: 20, ratio: 0.5 }
   */
  errors?:
    | false
    | {
        /** Length of a counting window, 1 s to 1 d. @default '1m' */
        window?: Duration
        /** Failed responses in a window below which nothing is reported. @default 20 */
        min?: number
        /** Share of failed responses that alerts, above 0 and at most 1. @default 0.5 */
        ratio?: number
      }
  /**
   * Many distinct bearer tokens presented from one client address (credential stuffing with
   * stolen tokens). Holds up to `max + 1` fingerprints per address. `false` disables.
   * @default { window: '10m', max: 5 }
   */
  tokensPerAddress?:
    | false
    | {
        /** Length of a counting window, 1 s to 1 d. @default '10m' */
        window?: Duration
        /** Distinct tokens allowed per address and window; one more alerts. 1 to 1000. @default 5 */
        max?: number
      }
  /**
   * One principal (or, without one, one token) used from many addresses (a shared or stolen
   * credential). Holds up to `max + 1` addresses per principal. `false` disables.
   * @default { window: '10m', max: 5 }
   */
  addressesPerToken?:
    | false
    | {
        /** Length of a counting window, 1 s to 1 d. @default '10m' */
        window?: Duration
        /** Distinct addresses allowed per principal and window; one more alerts. 1 to 1000. @default 5 */
        max?: number
      }
  /**
   * Requests outside these hours raise an `off_hours` alert. Off unless given.
   * @default undefined (every hour allowed)
   */
  hours?: {
    /** First allowed minute, `'HH:MM'` (00:00 to 23:59). */
    from: string
    /**
     * First minute no longer allowed, `'HH:MM'`. Earlier than `from` wraps past midnight:
     * `{ from: '22:00', to: '06:00' }` allows the night, and the hours after midnight belong to
     * the day the range started on (for `days`).
     */
    to: string
    /** IANA time zone the hours are read in. @default 'UTC' */
    timeZone?: string
    /** Days the range starts on, 0 = Sunday to 6 = Saturday. @default every day */
    days?: readonly number[]
  }
  /**
   * Most clients (addresses, principals, tokens) tracked per counter; the least recently seen
   * are forgotten. @default 100000
   */
  maxClients?: number
  /** One alert per kind and subject within this time; `0` reports every one. @default '5m' */
  coalesce?: Duration
  /**
   * Alerts emitted per minute at most, all kinds together; the rest are counted and reported as
   * `suppressed` on the next alert emitted. @default 60
   */
  maxAlertsPerMinute?: number
}

/** What an {@link AbuseAlert} reports. */
export type AbuseAlertKind =
  | 'burst'
  | 'error_burst'
  | 'tokens_per_address'
  | 'addresses_per_token'
  | 'off_hours'

/** One abuse finding, emitted by the guard as an `abuse.alert` audit event. */
export interface AbuseAlert {
  readonly kind: AbuseAlertKind
  /**
   * Who: a principal id, a client address, or a token fingerprint (never a token). A fingerprint
   * is reported with kind `'principal'`: it stands for the token's holder.
   */
  readonly subject: { readonly kind: 'principal' | 'address'; readonly id: string }
  /** What was counted in the window (requests, errors, distinct tokens/addresses; 1 for off_hours). */
  readonly count: number
  /** The threshold crossed (min, max, or factor x baseline rounded up). */
  readonly threshold: number
  /** The window, in ms (0 for off_hours). */
  readonly windowMs: number
  /** burst only: the client's baseline (requests per window), when it had one. */
  readonly baseline?: number
  /** Alerts left out by maxAlertsPerMinute since the previous emitted alert. */
  readonly suppressed?: number
}

/** What the monitor sees of a request. */
export interface AbuseRequest {
  /** The client address, if known. */
  readonly address: string | undefined
  /** The verified principal id, if any. */
  readonly principal: string | undefined
  /** A fingerprint of the bearer token presented (never the token), if any. */
  readonly token: string | undefined
}

/** Watches requests and responses and says which alerts to emit; holds bounded memory, no timers. */
export interface AbuseMonitor {
  /** At request start. Returns the alerts to emit now (usually none). Never throws. */
  request(request: AbuseRequest): readonly AbuseAlert[]
  /** When the response status is known. Never throws. */
  response(request: AbuseRequest, status: number): readonly AbuseAlert[]
  /** Entries held by the fullest counter (each holds at most `maxClients`); for tests and metrics. */
  size(): number
}

interface BurstRule {
  readonly windowMs: number
  readonly min: number
  readonly factor: number
}
interface ErrorRule {
  readonly windowMs: number
  readonly min: number
  readonly ratio: number
}
interface DistinctRule {
  readonly windowMs: number
  readonly max: number
}
interface HoursRule {
  /** Minutes after midnight. */
  readonly from: number
  readonly to: number
  readonly days: ReadonlySet<number> | undefined
  readonly formatter: Intl.DateTimeFormat
}
interface AbuseConfig {
  readonly burst: BurstRule | undefined
  readonly errors: ErrorRule | undefined
  readonly tokensPerAddress: DistinctRule | undefined
  readonly addressesPerToken: DistinctRule | undefined
  readonly hours: HoursRule | undefined
  readonly maxClients: number
  readonly coalesceMs: number
  readonly maxAlertsPerMinute: number
}

const OPTION_KEYS = [
  'burst',
  'errors',
  'tokensPerAddress',
  'addressesPerToken',
  'hours',
  'maxClients',
  'coalesce',
  'maxAlertsPerMinute',
] as const
const WINDOW_RANGE = { min: 1000, max: 86_400_000 }
const MINUTE = 60_000
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

/**
 * Validates abuse-alert options once, at startup, and returns a monitor; `undefined` or `false`
 * give no monitor, `true` the defaults (every detector but `hours`).
 * @param options the `abuse` option as given by the user
 * @param option its dotted name, used in error messages (e.g. `'options.abuse'`)
 * @param clock milliseconds since the epoch, for tests. @default Date.now
 * @throws LeakguardConfigError naming the offending option and what would be valid
 */
export function compileAbuse(
  options: unknown,
  option: string,
  clock: () => number = Date.now,
): AbuseMonitor | undefined {
  if (options === undefined || options === false) return undefined
  if (typeof clock !== 'function')
    fail('clock', `expected a function returning milliseconds, got ${describe(clock)}`)
  if (options !== true && !isPlainObject(options)) {
    fail(
      option,
      `expected true, false or an object such as { burst: { min: 100 } }, got ${describe(options)}`,
    )
  }
  const raw = objectOption(options === true ? undefined : options, option, OPTION_KEYS)
  const config: AbuseConfig = {
    burst: compileBurst(raw.burst, `${option}.burst`),
    errors: compileErrors(raw.errors, `${option}.errors`),
    tokensPerAddress: compileDistinct(raw.tokensPerAddress, `${option}.tokensPerAddress`),
    addressesPerToken: compileDistinct(raw.addressesPerToken, `${option}.addressesPerToken`),
    hours: compileHours(raw.hours, `${option}.hours`),
    maxClients: integerOption(raw.maxClients, `${option}.maxClients`, 1, 10_000_000, 100_000),
    coalesceMs: durationOption(raw.coalesce, `${option}.coalesce`, 300_000, { min: 0, max: 86_400_000 }),
    maxAlertsPerMinute: integerOption(
      raw.maxAlertsPerMinute,
      `${option}.maxAlertsPerMinute`,
      1,
      1_000_000,
      60,
    ),
  }
  return new WindowedAbuseMonitor(config, clock)
}

/** A detector's options: `false` (off), or an object of known keys (`undefined` = defaults). */
function detectorOption(
  value: unknown,
  option: string,
  known: readonly string[],
  example: string,
): Record<string, unknown> | undefined {
  if (value === false) return undefined
  if (value !== undefined && !isPlainObject(value)) {
    fail(option, `expected false or an object such as ${example}, got ${describe(value)}`)
  }
  return objectOption(value, option, known)
}

function compileBurst(value: unknown, option: string): BurstRule | undefined {
  const raw = detectorOption(
    value,
    option,
    ['window', 'min', 'factor'],
    "{ window: '10s', min: 100, factor: 5 }",
  )
  if (raw === undefined) return undefined
  let factor = 5
  if (raw.factor !== undefined) {
    if (typeof raw.factor !== 'number' || !(raw.factor > 1 && raw.factor <= 1000)) {
      fail(
        `${option}.factor`,
        `expected a number above 1 and at most 1000 (times the client's usual requests per window), got ${describe(raw.factor)}`,
      )
    }
    factor = raw.factor as number
  }
  return Object.freeze({
    windowMs: durationOption(raw.window, `${option}.window`, 10_000, WINDOW_RANGE),
    min: integerOption(raw.min, `${option}.min`, 1, 1_000_000_000, 100),
    factor,
  })
}

function compileErrors(value: unknown, option: string): ErrorRule | undefined {
  const raw = detectorOption(
    value,
    option,
    ['window', 'min', 'ratio'],
    "{ window: '1m', min: 20, ratio: 0.5 }",
  )
  if (raw === undefined) return undefined
  let ratio = 0.5
  if (raw.ratio !== undefined) {
    if (typeof raw.ratio !== 'number' || !(raw.ratio > 0 && raw.ratio <= 1)) {
      fail(
        `${option}.ratio`,
        `expected a share of responses above 0 and at most 1 (0.5 = half of them failed), got ${describe(raw.ratio)}`,
      )
    }
    ratio = raw.ratio as number
  }
  return Object.freeze({
    windowMs: durationOption(raw.window, `${option}.window`, 60_000, WINDOW_RANGE),
    min: integerOption(raw.min, `${option}.min`, 1, 1_000_000_000, 20),
    ratio,
  })
}

function compileDistinct(value: unknown, option: string): DistinctRule | undefined {
  const raw = detectorOption(value, option, ['window', 'max'], "{ window: '10m', max: 5 }")
  if (raw === undefined) return undefined
  return Object.freeze({
    windowMs: durationOption(raw.window, `${option}.window`, 600_000, WINDOW_RANGE),
    max: integerOption(raw.max, `${option}.max`, 1, 1000, 5),
  })
}

function compileHours(value: unknown, option: string): HoursRule | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) {
    fail(
      option,
      `expected an object such as { from: '08:00', to: '18:00', timeZone: 'Europe/Paris' }, got ${describe(value)}; leave hours out to allow every hour`,
    )
  }
  const raw = objectOption(value, option, ['from', 'to', 'timeZone', 'days'])
  const from = clockTime(raw.from, `${option}.from`)
  const to = clockTime(raw.to, `${option}.to`)
  if (from === to) {
    fail(
      `${option}.to`,
      `equals from (${describe(raw.from)}), which would allow no hour at all; leave hours out to allow every hour`,
    )
  }
  let timeZone = 'UTC'
  if (raw.timeZone !== undefined) {
    if (typeof raw.timeZone !== 'string' || raw.timeZone === '') {
      fail(
        `${option}.timeZone`,
        `expected an IANA time zone such as "Europe/Paris", got ${describe(raw.timeZone)}`,
      )
    }
    timeZone = raw.timeZone as string
  }
  let formatter: Intl.DateTimeFormat
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    })
  } catch {
    return fail(
      `${option}.timeZone`,
      `${describe(timeZone)} is not a time zone this runtime knows; use an IANA name such as "America/New_York", "Europe/Paris" or "UTC"`,
    )
  }
  let days: Set<number> | undefined
  if (raw.days !== undefined) {
    const list = raw.days
    if (!Array.isArray(list) || list.length === 0) {
      fail(
        `${option}.days`,
        `expected a non-empty array of weekdays (0 = Sunday to 6 = Saturday), got ${describe(list)}; leave days out for every day`,
      )
    }
    ;(list as unknown[]).forEach((day, i) => {
      if (typeof day !== 'number' || !Number.isInteger(day) || day < 0 || day > 6) {
        fail(
          `${option}.days[${i}]`,
          `expected a weekday from 0 (Sunday) to 6 (Saturday), got ${describe(day)}`,
        )
      }
    })
    days = new Set(list as number[])
    if (days.size === 7) days = undefined
  }
  return Object.freeze({ from, to, days, formatter })
}

/** `'HH:MM'` as minutes after midnight. */
function clockTime(value: unknown, option: string): number {
  const match = typeof value === 'string' ? HH_MM.exec(value) : null
  if (match === null) {
    return fail(
      option,
      `expected a time "HH:MM" from "00:00" to "23:59", such as "08:30", got ${describe(value)}`,
    )
  }
  return Number(match[1]) * 60 + Number(match[2])
}

/** Requests of a subject in its current window, and its running baseline. */
interface BurstState {
  start: number
  count: number
  baseline: number | undefined
  alerted: boolean
}
interface ErrorState {
  start: number
  responses: number
  failures: number
  alerted: boolean
}
interface DistinctState {
  start: number
  readonly values: Set<string>
  alerted: boolean
}
interface Subject {
  readonly kind: 'principal' | 'address'
  readonly id: string
  /** Map key: kind-prefixed, so a principal and an address of the same name stay apart. */
  readonly key: string
}

const NONE: readonly AbuseAlert[] = Object.freeze([])
/** Weight of the newest window in a baseline. */
const EWMA_ALPHA = 0.3
/** Empty windows folded into a baseline at most: 0.7^8 leaves under 6% of it. */
const MAX_EMPTY_WINDOWS = 8
/** Ids longer than this are keyed by their hash, so a long principal cannot inflate memory. */
const MAX_KEY_LENGTH = 128

class WindowedAbuseMonitor implements AbuseMonitor {
  readonly #config: AbuseConfig
  readonly #clock: () => number
  readonly #burst: LRUCache<string, BurstState> | undefined
  readonly #errors: LRUCache<string, ErrorState> | undefined
  readonly #tokensPerAddress: LRUCache<string, DistinctState> | undefined
  readonly #addressesPerToken: LRUCache<string, DistinctState> | undefined
  readonly #coalesce: LRUCache<string, number> | undefined
  #minute = Number.NaN
  #emittedThisMinute = 0
  #suppressed = 0
  #hoursMinute = Number.NaN
  #insideHours = true

  constructor(config: AbuseConfig, clock: () => number) {
    this.#config = config
    this.#clock = clock
    const cache = <V extends {}>(on: unknown) =>
      on === undefined ? undefined : new LRUCache<string, V>({ max: config.maxClients })
    this.#burst = cache<BurstState>(config.burst)
    this.#errors = cache<ErrorState>(config.errors)
    this.#tokensPerAddress = cache<DistinctState>(config.tokensPerAddress)
    this.#addressesPerToken = cache<DistinctState>(config.addressesPerToken)
    this.#coalesce =
      config.coalesceMs > 0 ? new LRUCache<string, number>({ max: config.maxClients }) : undefined
  }

  request(request: AbuseRequest): readonly AbuseAlert[] {
    try {
      const now = this.#clock()
      let alerts: AbuseAlert[] | undefined
      const { burst, hours, tokensPerAddress, addressesPerToken } = this.#config
      if (burst !== undefined || hours !== undefined) {
        const subject = clientSubject(request)
        if (burst !== undefined) alerts = append(alerts, this.#countBurst(burst, subject, now))
        if (hours !== undefined && !this.#inside(hours, now)) {
          alerts = append(alerts, this.#alert('off_hours', subject, now, 1, 0, 0))
        }
      }
      const address = present(request.address) ? request.address : undefined
      if (tokensPerAddress !== undefined && address !== undefined && present(request.token)) {
        const subject = makeSubject('address', address)
        alerts = append(
          alerts,
          this.#countDistinct(
            this.#tokensPerAddress!,
            tokensPerAddress,
            'tokens_per_address',
            subject,
            request.token,
            now,
          ),
        )
      }
      if (addressesPerToken !== undefined && address !== undefined) {
        const holder = present(request.principal)
          ? makeSubject('principal', request.principal)
          : present(request.token)
            ? makeSubject('principal', request.token, 't')
            : undefined
        if (holder !== undefined) {
          alerts = append(
            alerts,
            this.#countDistinct(
              this.#addressesPerToken!,
              addressesPerToken,
              'addresses_per_token',
              holder,
              address,
              now,
            ),
          )
        }
      }
      return alerts ?? NONE
    } catch {
      return NONE
    }
  }

  response(request: AbuseRequest, status: number): readonly AbuseAlert[] {
    try {
      const rule = this.#config.errors
      if (rule === undefined) return NONE
      const now = this.#clock()
      const subject = clientSubject(request)
      const counters = this.#errors!
      let state = counters.get(subject.key)
      if (state === undefined) {
        state = { start: now, responses: 0, failures: 0, alerted: false }
        counters.set(subject.key, state)
      } else if (now >= state.start + rule.windowMs) {
        state.start = now
        state.responses = 0
        state.failures = 0
        state.alerted = false
      }
      state.responses++
      if (status >= 400) state.failures++
      if (state.alerted || state.failures < rule.min || state.failures / state.responses < rule.ratio)
        return NONE
      state.alerted = true
      const alert = this.#alert('error_burst', subject, now, state.failures, rule.min, rule.windowMs)
      return alert === undefined ? NONE : [alert]
    } catch {
      return NONE
    }
  }

  size(): number {
    let most = 0
    for (const cache of [
      this.#burst,
      this.#errors,
      this.#tokensPerAddress,
      this.#addressesPerToken,
      this.#coalesce,
    ]) {
      if (cache !== undefined && cache.size > most) most = cache.size
    }
    return most
  }

  #countBurst(rule: BurstRule, subject: Subject, now: number): AbuseAlert | undefined {
    const counters = this.#burst!
    let state = counters.get(subject.key)
    if (state === undefined) {
      state = { start: now, count: 0, baseline: undefined, alerted: false }
      counters.set(subject.key, state)
    } else {
      const end = state.start + rule.windowMs
      if (now >= end) {
        let baseline = fold(state.baseline, state.count)
        const empty = Math.min(Math.floor((now - end) / rule.windowMs), MAX_EMPTY_WINDOWS)
        for (let i = 0; i < empty; i++) baseline = fold(baseline, 0)
        state.baseline = baseline
        state.start = now
        state.count = 0
        state.alerted = false
      }
    }
    state.count++
    if (state.alerted || state.count < rule.min) return undefined
    const threshold =
      state.baseline === undefined ? rule.min : Math.max(rule.min, Math.ceil(rule.factor * state.baseline))
    if (state.count < threshold) return undefined
    state.alerted = true
    return this.#alert('burst', subject, now, state.count, threshold, rule.windowMs, state.baseline)
  }

  #countDistinct(
    counters: LRUCache<string, DistinctState>,
    rule: DistinctRule,
    kind: 'tokens_per_address' | 'addresses_per_token',
    subject: Subject,
    value: string,
    now: number,
  ): AbuseAlert | undefined {
    let state = counters.get(subject.key)
    if (state === undefined) {
      state = { start: now, values: new Set(), alerted: false }
      counters.set(subject.key, state)
    } else if (now >= state.start + rule.windowMs) {
      state.start = now
      state.values.clear()
      state.alerted = false
    }
    // Past max + 1 values the answer is known: holding more would only cost memory.
    if (state.values.size <= rule.max) state.values.add(keyOf(value))
    if (state.alerted || state.values.size <= rule.max) return undefined
    state.alerted = true
    return this.#alert(kind, subject, now, state.values.size, rule.max, rule.windowMs)
  }

  /** Whether `now` falls in the allowed hours; Intl is asked once per minute at most. */
  #inside(hours: HoursRule, now: number): boolean {
    const minute = Math.floor(now / MINUTE)
    if (minute === this.#hoursMinute) return this.#insideHours
    let day = -1
    let hour = 0
    let min = 0
    for (const part of hours.formatter.formatToParts(now)) {
      if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? -1
      else if (part.type === 'hour') hour = Number(part.value)
      else if (part.type === 'minute') min = Number(part.value)
    }
    const at = hour * 60 + min
    const startsOn = (d: number) => hours.days === undefined || hours.days.has(d)
    let inside: boolean
    if (hours.from < hours.to) inside = at >= hours.from && at < hours.to && startsOn(day)
    else if (at >= hours.from) inside = startsOn(day)
    else inside = at < hours.to && startsOn((day + 6) % 7) // after midnight: the previous day's range
    this.#hoursMinute = minute
    this.#insideHours = inside
    return inside
  }

  /** Applies coalescing and the per-minute cap; the alert to emit, or undefined when left out. */
  #alert(
    kind: AbuseAlertKind,
    subject: Subject,
    now: number,
    count: number,
    threshold: number,
    windowMs: number,
    baseline?: number,
  ): AbuseAlert | undefined {
    if (this.#coalesce !== undefined) {
      const key = `${kind}\u0000${subject.key}`
      const last = this.#coalesce.get(key)
      // A clock that stepped back must not silence a subject for good.
      if (last !== undefined && now >= last && now - last < this.#config.coalesceMs) return undefined
      this.#coalesce.set(key, now)
    }
    const minute = Math.floor(now / MINUTE)
    if (minute !== this.#minute) {
      this.#minute = minute
      this.#emittedThisMinute = 0
    }
    if (this.#emittedThisMinute >= this.#config.maxAlertsPerMinute) {
      this.#suppressed++
      return undefined
    }
    this.#emittedThisMinute++
    const alert: {
      -readonly [K in keyof AbuseAlert]: AbuseAlert[K]
    } = { kind, subject: { kind: subject.kind, id: subject.id }, count, threshold, windowMs }
    if (baseline !== undefined) alert.baseline = Math.round(baseline * 100) / 100
    if (this.#suppressed > 0) {
      alert.suppressed = this.#suppressed
      this.#suppressed = 0
    }
    return alert
  }
}

/** Adds an alert to a list made only when there is one: most requests raise none. */
function append(list: AbuseAlert[] | undefined, alert: AbuseAlert | undefined): AbuseAlert[] | undefined {
  if (alert === undefined) return list
  if (list === undefined) return [alert]
  list.push(alert)
  return list
}

function fold(baseline: number | undefined, count: number): number {
  return baseline === undefined ? count : EWMA_ALPHA * count + (1 - EWMA_ALPHA) * baseline
}

function present(value: string | undefined): value is string {
  return typeof value === 'string' && value !== ''
}

function keyOf(id: string): string {
  return id.length > MAX_KEY_LENGTH ? `#${hash('sha256', id, 'base64url')}` : id
}

function makeSubject(kind: 'principal' | 'address', id: string, prefix: string = kind[0]!): Subject {
  return { kind, id, key: `${prefix}:${keyOf(id)}` }
}

/** The subject of burst, error and hours alerts: the principal, else the address, else `'unknown'`. */
function clientSubject(request: AbuseRequest): Subject {
  if (present(request.principal)) return makeSubject('principal', request.principal)
  return makeSubject('address', present(request.address) ? request.address : 'unknown')
}
