import type { LeakguardEventMap, Outcome, Severity } from './audit/events.js'
import type { RequestHeaders } from './auth/bearer.js'
import { bearerChallenge } from './auth/challenge.js'
import type { AuthGate, AuthOutcome, RequestAuthState } from './auth/gate.js'
import type { Principal } from './auth/principal.js'
import type { CompiledRouteAuth } from './auth/route-policy.js'
import { toAuthError } from './auth/verifier.js'
import { LeakguardAuthError, type LeakguardRateLimitError } from './errors.js'
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemBody } from './http/problem.js'
import { andThen, isPromise } from './lib/promise.js'
import { type Charge, type LimiterRun, policyHeader, type RateGate, stateHeader } from './ratelimit/gate.js'
import { type CompiledLimiter, type RateLimitResult, withoutCharge } from './ratelimit/limiter.js'
import type { RateLimitRequest } from './ratelimit/options.js'
import type { RateLimitRefusal } from './ratelimit/problem.js'
import type { CompiledRouteOptions } from './routes/policy.js'

/** leakguard's own answer to a request it refuses before the handler: send exactly this. */
export interface RejectedRequest<Status extends number = 308 | 400 | 401 | 403 | 429 | 503> {
  readonly allowed: false
  /**
   * 400/401/403 (tokens, RFC 6750), 429 (rate limit) or 503 (rate-limit store down, fail closed),
   * 403 or 308 (to HTTPS, with `location`) for plain HTTP under `transport.requireHttps`;
   * for request-side policies ({@link InputRejection}) 404/403 (owner), 413, 415 and 422 (accept),
   * 429 (enumeration), 500 when the caller's roles could not be read.
   */
  readonly status: Status
  /** Headers to set, lower-case names (`www-authenticate`, `retry-after`, `ratelimit`, ...). */
  readonly headers: Readonly<Record<string, string>>
  readonly contentType: typeof PROBLEM_CONTENT_TYPE
  readonly body: ProblemDocument
  /** `body` serialized. */
  readonly payload: string
  /** The stable code of the refusal, e.g. `ERR_LG_TOKEN_EXPIRED`. */
  readonly code: string
}

/** leakguard's answer to a request a request-side policy (`accept`, `owner`, `enumeration`) refused. */
export type InputRejection = RejectedRequest<400 | 403 | 404 | 413 | 415 | 422 | 429 | 500>

/** The handler may run: who the caller is, and headers to add to the response. */
export interface AllowedRequest {
  readonly allowed: true
  readonly principal: Principal | undefined
  /** `RateLimit-Policy` and `RateLimit` of the limited routes; set them on the response. */
  readonly headers: Readonly<Record<string, string>>
}

/** Whether the handler may run. */
export type RequestDecision = AllowedRequest | RejectedRequest

/** leakguard's own refusal: the problem `body`, never cached (`Cache-Control: no-store`). */
export function rejection<S extends number>(
  status: S,
  code: string,
  body: ProblemDocument,
  headers: Record<string, string> = {},
): RejectedRequest<S> {
  return {
    allowed: false,
    status,
    headers: { ...headers, 'cache-control': 'no-store' },
    contentType: PROBLEM_CONTENT_TYPE,
    body,
    payload: JSON.stringify(body),
    code,
  }
}

/** What the request phase keeps of one request. */
export interface RequestPhaseState {
  readonly method: string
  readonly path: string
  readonly query: string | undefined
  readonly clientAddress: string | undefined
  readonly route: string | undefined
  readonly patternPolicy: CompiledRouteOptions | undefined
  principal: Principal | undefined
  readonly auth: RequestAuthState
  readonly rate: {
    ip?: string | undefined
    readonly ran: Set<string>
    /** What each limiter answered, for the `RateLimit` headers. */
    readonly reported: { limiter: CompiledLimiter; result: RateLimitResult }[]
    /** What admitting limiters charged: given back if another limiter refuses the request. */
    readonly charges: Charge[]
    /** A limiter charged the request but its store cannot give the charge back. */
    unrefundable: boolean
    /** Failures-only limiters whose verdict waits for the response status. */
    readonly pending: PendingFailure[]
  }
}

/**
 * A failures-only limiter that admitted a request: it was charged up front (`reserved`), and the
 * charge stays if the response fails, or is given back (`charge`) if it does not.
 */
interface PendingFailure {
  readonly limiter: CompiledLimiter
  readonly request: RateLimitRequest
  readonly reserved: boolean
  readonly charge: Charge | undefined
}

/** The rate-limit state of a new request: nothing run, reported or charged yet. */
export function newRateState(): RequestPhaseState['rate'] {
  return { ran: new Set(), reported: [], charges: [], unrefundable: false, pending: [] }
}

/** A limiter's refusal, answered once what the request was charged has been given back. */
interface LimiterRefusal {
  readonly status: 429 | 503
  readonly code: string
  readonly detail: string
  readonly retryAfter: number
  /** The 429 body a limiter's `problem` option asks for. */
  readonly body?: ProblemDocument
}

type Emit = <T extends keyof LeakguardEventMap>(
  type: T,
  severity: Severity,
  outcome: Outcome,
  context: RequestPhaseState,
  status: number,
  details: () => LeakguardEventMap[T],
) => void

interface Dependencies {
  readonly mode: 'enforce' | 'report'
  readonly gate: AuthGate | undefined
  readonly rate: () => RateGate | undefined
  /** The limiter of a route's options (cached), `false` when the route opts out. */
  readonly limiterOf: (options: CompiledRouteOptions) => CompiledLimiter | false | undefined
  readonly emit: Emit
  readonly warn: (code: string, message: string) => void
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})

/** The request phase of a guard: token verification and rate limits, before the handler. */
export function createRequestPhase(deps: Dependencies) {
  const { mode, gate, emit } = deps
  const failure: Outcome = mode === 'report' ? 'unknown' : 'failure'
  let warnedForwardedFor = false
  let fullCount = 0
  let fullSince = Number.NEGATIVE_INFINITY
  let fullPolicy: 'evicted' | 'refused' = 'evicted'
  let warnedNoRefund = false
  let warnedProblem = false

  function reject(
    status: RejectedRequest['status'],
    code: string,
    detail: string,
    headers: Record<string, string>,
    body: ProblemDocument = problemBody(status, detail),
  ): RejectedRequest {
    return rejection(status, code, body, headers)
  }

  function rateHeaders(context: RequestPhaseState): Record<string, string> {
    const { reported } = context.rate
    if (reported.length === 0) return {}
    // One limiter (most routes): its policy text is fixed; only the state is written per request.
    if (reported.length === 1) {
      const { limiter, result } = reported[0]!
      return { 'ratelimit-policy': policyHeader(limiter), ratelimit: stateHeader(result) }
    }
    return {
      'ratelimit-policy': reported.map(({ limiter }) => policyHeader(limiter)).join(', '),
      ratelimit: reported.map(({ result }) => stateHeader(result)).join(', '),
    }
  }

  function allowed(context: RequestPhaseState): AllowedRequest {
    const headers = context.rate.reported.length === 0 ? NO_HEADERS : rateHeaders(context)
    return { allowed: true, principal: context.principal, headers }
  }

  /** Reports an auth failure and builds its answer. */
  function refuseAuth(context: RequestPhaseState, error: LeakguardAuthError): RejectedRequest {
    if (error.stage === 'policy') {
      emit('auth.forbidden', 'warn', failure, context, error.status, () => ({
        required: error.requiredScopes ?? [],
        reason: { code: error.code, message: error.description },
      }))
    } else {
      emit('auth.failed', 'warn', failure, context, error.status, () => ({
        reason: { code: error.code, message: error.description, stage: error.stage },
      }))
    }
    return reject(error.status, error.code, error.description, {
      ...rateHeaders(context),
      'www-authenticate': bearerChallenge(gate?.realm ?? 'api', error),
    })
  }

  function afterAuth(context: RequestPhaseState, outcome: AuthOutcome): RejectedRequest | undefined {
    context.principal = outcome.principal
    if (outcome.error === undefined) return undefined
    const rejected = refuseAuth(context, outcome.error)
    return mode === 'report' ? undefined : rejected
  }

  function clientIp(context: RequestPhaseState, headers: RequestHeaders, rate: RateGate): string | undefined {
    if ('ip' in context.rate) return context.rate.ip
    const forwarded = headers['x-forwarded-for']
    if (forwarded !== undefined && rate.resolver.ignoresForwardedFor && !warnedForwardedFor) {
      warnedForwardedFor = true
      deps.warn(
        'ERR_LG_RATELIMIT_PROXY_IGNORED',
        'requests carry X-Forwarded-For but rateLimit.trustProxy is not set: clients are keyed by the socket address (your proxy). Set trustProxy to your proxy hop count or CIDR ranges.',
      )
    }
    context.rate.ip = rate.resolver.resolve(context.clientAddress, forwarded)
    return context.rate.ip
  }

  function reportFull(context: RequestPhaseState, policy: 'evicted' | 'refused'): void {
    fullCount++
    fullPolicy = policy
    const now = Date.now()
    if (now - fullSince < 1000) return
    fullSince = now
    const count = fullCount
    fullCount = 0
    emit('ratelimit.store_full', 'warn', 'unknown', context, 0, () => ({ policy: fullPolicy, count }))
  }

  function storeFailed(
    context: RequestPhaseState,
    limiter: CompiledLimiter,
    error: LeakguardRateLimitError,
    status: number,
  ) {
    emit('ratelimit.store_error', 'error', limiter.failOpen ? 'success' : failure, context, status, () => ({
      failOpen: limiter.failOpen,
      reason: { code: error.code, message: error.message },
    }))
  }

  /** The body of a limiter's 429: its `problem` option, else (or when that fails) the default. */
  function tooManyRequestsBody(limiter: CompiledLimiter, refusal: RateLimitRefusal, detail: string) {
    if (limiter.problem === undefined) return undefined
    try {
      return limiter.problem(refusal, detail)
    } catch (error) {
      if (!warnedProblem) {
        warnedProblem = true
        deps.warn(
          'ERR_LG_RATELIMIT_PROBLEM_INVALID',
          `the rateLimit problem function failed, so 429s carry the default body: ${(error as Error)?.message}`,
        )
      }
      return undefined
    }
  }

  function tooManyRequests(
    context: RequestPhaseState,
    limiter: CompiledLimiter,
    code: RateLimitRefusal['code'],
    limit: { readonly name: string; readonly limit: number; readonly windowMs: number },
    retryAfter: number,
    detail: string,
  ): LimiterRefusal {
    const refusal: RateLimitRefusal = {
      code,
      limit: { name: limit.name, quota: limit.limit, windowMs: limit.windowMs },
      retryAfter,
      key: typeof limiter.key === 'function' ? 'custom' : limiter.key,
      method: context.method,
      route: context.route,
    }
    return { status: 429, code, detail, retryAfter, body: tooManyRequestsBody(limiter, refusal, detail) }
  }

  /** Applies one limiter's run; the refusal to send, if any. */
  function afterLimiter(
    context: RequestPhaseState,
    limiter: CompiledLimiter,
    request: RateLimitRequest,
    run: LimiterRun,
    rate: RateGate,
  ): LimiterRefusal | undefined {
    if (!run.ok) {
      storeFailed(context, limiter, run.error, limiter.failOpen ? 200 : 503)
      if (limiter.failOpen || mode === 'report') return undefined
      return {
        status: 503,
        code: run.error.code,
        detail: 'Rate limiting is unavailable; try again shortly',
        retryAfter: 1,
      }
    }
    if (run.full !== undefined) reportFull(context, run.full)
    const { result } = run
    if (run.charge !== undefined) context.rate.charges.push(run.charge)
    else if (result.allowed) context.rate.unrefundable = true
    if (limiter.failuresOnly) {
      context.rate.pending.push({ limiter, request, reserved: result.allowed, charge: run.charge })
    }
    if (rate.headers) context.rate.reported.push({ limiter, result })
    if (result.allowed) return undefined
    if (run.full === 'refused') {
      // A MemoryStore with whenFull: 'refuse' turned a new client away (store_full reports it).
      if (mode === 'report') return undefined
      const code = 'ERR_LG_RATELIMIT_STORE_FULL'
      return tooManyRequests(
        context,
        limiter,
        code,
        result.limits[0]!,
        1,
        'Too many clients right now; retry in 1 s',
      )
    }
    const refused = result.limits.reduce((worst, state) =>
      !state.allowed && state.retryAfterMs >= worst.retryAfterMs ? state : worst,
    )
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000))
    emit('ratelimit.exceeded', 'warn', failure, context, 429, () => ({
      limit: { name: refused.name, quota: refused.limit, windowMs: refused.windowMs },
      key: typeof limiter.key === 'function' ? 'custom' : limiter.key,
      retryAfterMs: result.retryAfterMs,
    }))
    if (mode === 'report') return undefined
    const detail = `Too many requests; retry in ${seconds} s`
    return tooManyRequests(context, limiter, 'ERR_LG_RATELIMIT_EXCEEDED', refused, seconds, detail)
  }

  /** Says once that the store keeps charges leakguard would give back. */
  function warnNoRefund(): void {
    if (warnedNoRefund) return
    warnedNoRefund = true
    deps.warn(
      'ERR_LG_RATELIMIT_NO_REFUND',
      'the rate-limit store cannot give charges back (it has no refund(), or its consume() returns no chargedAt): requests refused by one limit still count against the limits that admitted them, and failures-only limits count every request, successes included. See "Writing a store" in docs/rate-limiting.md.',
    )
  }

  /**
   * A refused request consumes no budget anywhere: gives back what the limiters that admitted it
   * charged (in this call or an earlier one: Express and Koa run route limits in the route helper),
   * failures-only reservations included.
   */
  async function giveBack(context: RequestPhaseState, rate: RateGate, status: number): Promise<void> {
    context.rate.pending.length = 0
    if (context.rate.unrefundable) warnNoRefund()
    const charges = context.rate.charges.splice(0)
    if (charges.length === 0) return
    const failures = await Promise.all(charges.map((charge) => rate.refund(charge)))
    charges.forEach((charge, i) => {
      const error = failures[i]
      if (error !== undefined) {
        storeFailed(context, charge.limiter, error, status)
        return
      }
      for (const entry of context.rate.reported) {
        if (entry.limiter === charge.limiter) entry.result = withoutCharge(entry.result, charge.cost)
      }
    })
  }

  /**
   * Charges the request to each limiter in turn, from `from`; the first refusal gives back what
   * was charged and answers. Synchronous while the store is (MemoryStore); a store's promise is
   * awaited where it appears, and the rest goes on after it.
   */
  function runLimiters(
    context: RequestPhaseState,
    limiters: readonly CompiledLimiter[],
    headers: RequestHeaders,
    rate: RateGate,
    from = 0,
  ): RejectedRequest | undefined | Promise<RejectedRequest | undefined> {
    for (let i = from; i < limiters.length; i++) {
      const limiter = limiters[i]!
      context.rate.ran.add(limiter.id)
      const request: RateLimitRequest = {
        method: context.method,
        path: context.path,
        route: context.route,
        ip: clientIp(context, headers, rate),
        principal: context.principal,
        headers,
      }
      const run = rate.run(limiter, request)
      if (isPromise(run)) {
        return run.then((settled) => {
          const refusal = afterLimiter(context, limiter, request, settled, rate)
          return refusal === undefined
            ? runLimiters(context, limiters, headers, rate, i + 1)
            : refuseLimited(context, rate, refusal)
        })
      }
      const refusal = afterLimiter(context, limiter, request, run, rate)
      if (refusal !== undefined) return refuseLimited(context, rate, refusal)
    }
    return undefined
  }

  /** A limiter's refusal, once what the request was charged has been given back. */
  async function refuseLimited(
    context: RequestPhaseState,
    rate: RateGate,
    refusal: LimiterRefusal,
  ): Promise<RejectedRequest> {
    await giveBack(context, rate, refusal.status)
    const retryAfter = { 'retry-after': String(refusal.retryAfter) }
    return reject(
      refusal.status,
      refusal.code,
      refusal.detail,
      refusal.status === 429 ? { ...rateHeaders(context), ...retryAfter } : retryAfter,
      refusal.body,
    )
  }

  function limitersFor(
    context: RequestPhaseState,
    routeOptions: CompiledRouteOptions | undefined,
  ): CompiledLimiter[] {
    const rate = deps.rate()
    const route = routeOptions?.rateLimit !== undefined ? routeOptions : context.patternPolicy
    const own = route?.rateLimit === undefined ? undefined : deps.limiterOf(route)
    const list: CompiledLimiter[] = []
    if (own !== false && rate?.global !== undefined && !context.rate.ran.has(rate.global.id))
      list.push(rate.global)
    if (own !== undefined && own !== false && !context.rate.ran.has(own.id)) list.push(own)
    return list
  }

  /**
   * Limits keyed by address, API key or route count before the token is verified (brute force
   * costs the attacker, not our CPU); limits keyed by principal count after it. Synchronous while
   * every step is (a MemoryStore, a token the verifier's cache holds).
   */
  function check(
    context: RequestPhaseState,
    headers: RequestHeaders,
    authPolicy: CompiledRouteAuth | undefined,
    limiters: readonly CompiledLimiter[],
  ): RequestDecision | Promise<RequestDecision> {
    const rate = deps.rate()
    const before =
      rate === undefined
        ? undefined
        : runLimiters(
            context,
            limiters.filter((l) => l.key !== 'principal'),
            headers,
            rate,
          )
    return andThen(before, (refused) => {
      if (refused !== undefined) return refused
      return andThen(authenticate(context, headers, authPolicy), (denied) => {
        if (denied !== undefined) return denied
        const after =
          rate === undefined
            ? undefined
            : runLimiters(
                context,
                limiters.filter((l) => l.key === 'principal'),
                headers,
                rate,
              )
        return andThen(after, (limited): RequestDecision => limited ?? allowed(context))
      })
    })
  }

  /** Verifies the token against the route's policy: the refusal, or `undefined` to go on. */
  function authenticate(
    context: RequestPhaseState,
    headers: RequestHeaders,
    authPolicy: CompiledRouteAuth | undefined,
  ): RejectedRequest | undefined | Promise<RejectedRequest | undefined> {
    if (authPolicy === undefined || authPolicy.mode === 'public') return undefined
    if (gate === undefined) {
      // Route-level options of Express/Koa helpers are only seen while serving: fail closed.
      deps.warn(
        'ERR_LG_CONFIG_INVALID_OPTION',
        'a route has an `auth` policy but the guard has no `auth` options',
      )
      return afterAuth(context, { error: new LeakguardAuthError('ERR_LG_AUTH_FORBIDDEN') })
    }
    let pending: AuthOutcome | Promise<AuthOutcome>
    try {
      pending = gate.authenticate(headers, context.query, authPolicy, context.auth)
    } catch (error) {
      return afterAuth(context, { error: toAuthError(error) })
    }
    if (!isPromise(pending)) return afterAuth(context, pending)
    return Promise.resolve(pending).then(
      (outcome) => afterAuth(context, outcome),
      (error: unknown) => afterAuth(context, { error: toAuthError(error) }),
    )
  }

  return {
    /**
     * The client's address as the rate limiter keys it (`rateLimit.trustProxy` applied), or the
     * socket's address when nothing is rate limited.
     */
    clientIp(context: RequestPhaseState, headers: RequestHeaders): string | undefined {
      const rate = deps.rate()
      return rate === undefined ? context.clientAddress : clientIp(context, headers, rate)
    },
    /** See `Guard.checkRequest`. Synchronous when there is nothing to verify or count. */
    checkRequest(
      context: RequestPhaseState,
      headers: RequestHeaders,
      routeOptions: CompiledRouteOptions | undefined,
    ): RequestDecision | Promise<RequestDecision> {
      const authPolicy = routeOptions?.auth ?? context.patternPolicy?.auth ?? gate?.defaultPolicy
      const limiters = limitersFor(context, routeOptions)
      if (limiters.length === 0 && (authPolicy === undefined || authPolicy.mode === 'public'))
        return allowed(context)
      // Nothing in check throws by design; should it, refuse rather than let the request through.
      const failed = (error: unknown): RejectedRequest => {
        try {
          deps.warn('ERR_LG_REQUEST_INTERNAL', `request check failed: ${(error as Error)?.message}`)
        } catch {
          // The refusal goes out whatever the warning's sinks do.
        }
        return reject(503, 'ERR_LG_REQUEST_INTERNAL', 'The request could not be checked; try again shortly', {
          'retry-after': '1',
        })
      }
      let decision: RequestDecision | Promise<RequestDecision>
      try {
        decision = check(context, headers, authPolicy, limiters)
      } catch (error) {
        return failed(error)
      }
      return isPromise(decision) ? Promise.resolve(decision).catch(failed) : decision
    },
    /**
     * Settles failures-only limiters once the response has finished: a failure (a status in
     * `failureStatuses`) keeps the charge made before the handler; any other status gives it back,
     * and a success (below 400) forgets the key's failures with `resetOnSuccess`. Never called for
     * a response that did not finish (the client went away): its charge stays, as a failure's.
     */
    endRequest(context: RequestPhaseState, status: number): void {
      const rate = deps.rate()
      if (rate === undefined || context.rate.pending.length === 0) return
      for (const { limiter, request, reserved, charge } of context.rate.pending.splice(0)) {
        if (limiter.failureStatuses.has(status)) continue
        if (limiter.resetOnSuccess && status < 400) {
          // Forgetting every count of the key gives this request's charge back too.
          void rate.reset(limiter, request).then((error) => {
            if (error !== undefined) storeFailed(context, limiter, error, status)
          })
        } else if (charge !== undefined) {
          void rate.refund(charge).then((error) => {
            if (error !== undefined) storeFailed(context, limiter, error, status)
          })
        } else if (reserved) {
          warnNoRefund()
        }
      }
    },
  }
}
