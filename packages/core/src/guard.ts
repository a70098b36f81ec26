import { randomUUID } from 'node:crypto'
import { compileAllowlist, EMPTY, KEEP } from './allowlist/compile.js'
import { createGuardEvents } from './audit/guard-events.js'
import { compileAuditOptions } from './audit/options.js'
import { compileIgnoredWarnings, processWarning } from './audit/warnings.js'
import type { RequestHeaders } from './auth/bearer.js'
import { type AuthGate, compileAuthGate } from './auth/gate.js'
import type { AuthOptions } from './auth/options.js'
import type { Principal } from './auth/principal.js'
import { type Guard, guardBrand, type RequestContext } from './guard-api.js'
import { PROBLEM_CONTENT_TYPE, problemBody } from './http/problem.js'
import { readRequestTarget } from './http/request-target.js'
import { compileTransport } from './http/transport.js'
import { createRouteInventory } from './inventory/routes.js'
import { createSequentialIdWatch, routeOfPath } from './inventory/sequential-ids.js'
import {
  fail as configFail,
  describe,
  fail,
  functionOption,
  integerOption,
  objectOption,
  oneOf,
} from './lib/validate.js'
import type { GuardOptions, RouteOptions } from './options.js'
import { compileRateGate, type RateGate } from './ratelimit/gate.js'
import type { CompiledLimiter } from './ratelimit/limiter.js'
import {
  compileRedactor,
  issuedTokensRedactor,
  type RedactOptions,
  type Redactor,
  type RouteRedactOptions,
  routeRedactor,
} from './redact/engine.js'
import type { AbuseRequest } from './request/abuse.js'
import { checksBody, createInputPhase, hasInputPolicies, type InputState } from './request/input.js'
import { createRequestMonitors } from './request/monitors.js'
import {
  createRequestPhase,
  newRateState,
  type RejectedRequest,
  type RequestDecision,
  type RequestPhaseState,
  rejection,
} from './request-phase.js'
import { createResponsePhase } from './response/phase.js'
import { isCanonicalPath, splitPath } from './routes/pattern.js'
import {
  type CompiledRouteOptions,
  compileRouteOptions,
  isCompiledRouteOptions,
  mergeRouteOptions,
} from './routes/policy.js'
import { compileRouteTable, type RouteEntry } from './routes/table.js'

// The engine's interface to adapters (what a guard is asked and answers) is in guard-api.ts;
// createGuard below builds one by wiring the phases and monitors together.

/** The default problem view of 4xx bodies: RFC 9457 members and those of common framework errors. */
export const DEFAULT_CLIENT_PROBLEM_VIEW: readonly string[] = Object.freeze([
  '$.type',
  '$.title',
  '$.status',
  '$.detail',
  '$.instance',
  '$.error',
  '$.message',
  '$.code',
  '$.statusCode',
])

/**
 * The default problem view of 5xx bodies: no `detail`, `message` or `code`, which describe the
 * server's internals (driver errors, SQL, paths) that the client cannot act on.
 */
export const DEFAULT_SERVER_PROBLEM_VIEW: readonly string[] = Object.freeze([
  '$.type',
  '$.title',
  '$.status',
  '$.instance',
  '$.error',
  '$.statusCode',
])

const GUARD_OPTION_KEYS = [
  'mode',
  'responses',
  'routes',
  'redact',
  'auth',
  'rateLimit',
  'audit',
  'requestId',
  'getRoles',
  'ignoreWarnings',
  'requests',
  'abuse',
  'transport',
] as const
const REQUESTS_OPTION_KEYS = ['maxDepth', 'maxBodyBytes', 'store', 'maxReportedPaths'] as const
const RESPONSES_OPTION_KEYS = [
  'default',
  'problemView',
  'maxDepth',
  'maxReportedPaths',
  'maxBodyBytes',
  'maxBufferedBytes',
] as const
const REQUEST_ID_OPTION_KEYS = ['header', 'responseHeader'] as const

function canonicalPath(path: string): string {
  if (path === '*' || isCanonicalPath(path)) return path
  return `/${splitPath(path).join('/')}`
}

function headerOption(value: unknown, option: string, fallback: string): string | undefined {
  if (value === false) return undefined
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(value)) {
    fail(option, `expected a header name or false, got ${describe(value)}`)
  }
  return (value as string).toLowerCase()
}

/** The default of `responses.maxBodyBytes`: 10 MiB. */
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

/**
 * `responses.maxBodyBytes`, or its former name `responses.maxBufferedBytes` (one limit: what is
 * read into memory is what is filtered). @throws LeakguardConfigError
 */
function bodyLimitOption(maxBodyBytes: unknown, maxBufferedBytes: unknown): number {
  if (maxBodyBytes !== undefined && maxBufferedBytes !== undefined) {
    fail(
      'responses.maxBufferedBytes',
      `is the former name of responses.maxBodyBytes; set only responses.maxBodyBytes (got both: ${describe(maxBodyBytes)} and ${describe(maxBufferedBytes)})`,
    )
  }
  return maxBodyBytes === undefined && maxBufferedBytes !== undefined
    ? integerOption(maxBufferedBytes, 'responses.maxBufferedBytes', 0, 2 ** 31, DEFAULT_MAX_BODY_BYTES)
    : integerOption(maxBodyBytes, 'responses.maxBodyBytes', 0, 2 ** 31, DEFAULT_MAX_BODY_BYTES)
}

/** Whether `value` is a guard made by {@link createGuard}. */
export function isGuard(value: unknown): value is Guard {
  return typeof value === 'object' && value !== null && guardBrand in value
}

interface Context extends RequestContext, RequestPhaseState {
  readonly method: string
  /** The canonical path: lower-case, percent-decoded segments, as every key uses it. */
  readonly path: string
  /** The path of the request target as read, before canonicalisation. */
  readonly targetPath: string
  /** The method as the adapter gave it. */
  readonly rawMethod: string
  /** Why the request target was refused (400), if it was. */
  readonly refused: string | undefined
  /** What the framework routed, when it disagrees with what leakguard decided on. */
  mismatch: { readonly method: string; readonly route: string } | undefined
  /** Whether the mismatch was reported already (one event per request). */
  mismatchReported?: boolean
  /** The query string, without `?`. */
  readonly query: string | undefined
  principal: Principal | undefined
  readonly clientAddress: string | undefined
  readonly native: unknown
  readonly entry: RouteEntry | undefined
  /** What the request-side policies did so far. */
  readonly input: InputState
  /** The request headers, once the request phase has seen them. */
  headers?: RequestHeaders
  /** The route options the input phase ran with (route-level ones merged in). */
  inputPolicy?: CompiledRouteOptions
  /** What the abuse monitor counted of the request, for its response. */
  abuse?: AbuseRequest
  /** Whether the socket was TLS, as the adapter said. */
  readonly secureSocket: boolean | undefined
  /** What the transport check found (`undefined` until it ran). */
  secure?: boolean
  /** The request target as given (path and query), for redirects. */
  readonly target: string
  /** The path as events carry it (see `eventPath`), once an event needed it. */
  eventPath: string | undefined
}

/**
 * Validates `options` once and compiles every allowlist into a projection tree.
 * @throws LeakguardConfigError naming the first invalid option
 */
export function createGuard<TRequest = unknown>(options: GuardOptions<TRequest> = {}): Guard<TRequest> {
  const raw = objectOption(options, 'options', GUARD_OPTION_KEYS)
  const mode = oneOf(raw.mode, 'mode', ['enforce', 'report'] as const, 'enforce')
  const responses = objectOption(raw.responses, 'responses', RESPONSES_OPTION_KEYS)
  const defaultPolicy = oneOf(responses.default, 'responses.default', ['pass', 'deny'] as const, 'pass')
  const defaultTree = defaultPolicy === 'pass' ? KEEP : EMPTY
  const clientProblemView = compileAllowlist(
    responses.problemView ?? DEFAULT_CLIENT_PROBLEM_VIEW,
    'responses.problemView',
  )
  const serverProblemView =
    responses.problemView === undefined
      ? compileAllowlist(DEFAULT_SERVER_PROBLEM_VIEW, 'default')
      : clientProblemView
  const maxBodyBytes = bodyLimitOption(responses.maxBodyBytes, responses.maxBufferedBytes)
  // Streams and encoded bodies are read into memory up to the same limit.
  const _maxBufferedBytes = maxBodyBytes
  const limits = {
    maxDepth: integerOption(responses.maxDepth, 'responses.maxDepth', 1, 10_000, 128),
    maxPaths: integerOption(responses.maxReportedPaths, 'responses.maxReportedPaths', 0, 10_000, 32),
    maxBytes: maxBodyBytes,
  }
  const { dispatcher, fingerprint } = compileAuditOptions(raw.audit)
  const requestIds = objectOption(raw.requestId, 'requestId', REQUEST_ID_OPTION_KEYS)
  const requestIdHeader = headerOption(requestIds.header, 'requestId.header', 'x-request-id')
  const responseIdHeader = headerOption(
    requestIds.responseHeader,
    'requestId.responseHeader',
    requestIdHeader ?? 'x-request-id',
  )
  const redactor = compileRedactor(raw.redact as RedactOptions | undefined, 'redact')
  const routeRedactors = new WeakMap<RouteRedactOptions, Redactor>()
  const issuedTokenRedactors = new WeakMap<Redactor, WeakMap<object, Redactor>>()
  const NO_CLAIMS = {}
  const redactorFor = (policy: CompiledRouteOptions | undefined, status: number): Redactor => {
    const route = policy?.redact
    let built = route === undefined ? redactor : routeRedactors.get(route)
    if (built === undefined) {
      built = routeRedactor(redactor, route!, 'route redact')
      routeRedactors.set(route!, built)
    }
    if (policy?.issuesTokens !== true || status >= 400) return built
    let byClaims = issuedTokenRedactors.get(built)
    if (byClaims === undefined) {
      byClaims = new WeakMap()
      issuedTokenRedactors.set(built, byClaims)
    }
    const claims = policy.issuedTokenClaims
    let issuing = byClaims.get(claims ?? NO_CLAIMS)
    if (issuing === undefined) {
      issuing = issuedTokensRedactor(built, claims)
      byClaims.set(claims ?? NO_CLAIMS, issuing)
    }
    return issuing
  }
  const getRoles = functionOption<(request: TRequest) => unknown>(raw.getRoles, 'getRoles')
  const ignoredWarnings = compileIgnoredWarnings(raw.ignoreWarnings, 'ignoreWarnings')
  const warnedOnce = new Set<string>()
  /** Reports a setup warning the first time `key` (the code by default) comes up in this guard. */
  function warnOnce(_context: Context | undefined, code: string, message: string, key = code): void {
    // Keys can come from what clients send (routes, methods): past the bound, stay quiet rather
    // than warn on every request.
    if (warnedOnce.has(key) || ignoredWarnings.has(code) || warnedOnce.size >= 1024) return
    warnedOnce.add(key)
    guard.warn(code, message)
  }
  const gate: AuthGate | undefined =
    raw.auth === undefined ? undefined : compileAuthGate(raw.auth as AuthOptions, 'auth')
  const table = compileRouteTable(raw.routes)
  for (const entry of table.entries)
    requireGate(entry.policy, `routes[${JSON.stringify(entry.pattern.source)}].auth`)

  /** An `auth` policy without `auth` options could never admit anyone: refused at startup. */
  function requireGate(policy: CompiledRouteOptions, option: string): void {
    if (policy.auth !== undefined && policy.auth.mode !== 'public' && gate === undefined) {
      configFail(
        option,
        'needs token verification: add `auth` options (issuer, audience, algorithms, keys) to the guard',
      )
    }
  }

  const events = createGuardEvents({ dispatcher, mode, redactor, requestIdHeader })
  const { emit, incomingRequestId } = events
  const redactMetadata = events.maskMetadata

  /** The 400 of a request target leakguard will not guess at. */
  function refuseTarget(context: Context): RejectedRequest {
    const message = `invalid request target: ${context.refused}`
    emit('request.invalid_target', 'warn', mode === 'report' ? 'unknown' : 'failure', context, 400, () => ({
      reason: { code: 'ERR_LG_REQUEST_INVALID_TARGET', message },
    }))
    const body = problemBody(400, 'The request target is not a valid path.')
    return {
      allowed: false,
      status: 400,
      headers: {},
      contentType: PROBLEM_CONTENT_TYPE,
      body,
      payload: JSON.stringify(body),
      code: 'ERR_LG_REQUEST_INVALID_TARGET',
    }
  }

  // Rate limiting exists once the guard or a route asks for it (the MemoryStore is not free).
  let rate: RateGate | undefined =
    raw.rateLimit === undefined ? undefined : compileRateGate(raw.rateLimit, 'rateLimit')
  const rateGate = (): RateGate => {
    rate ??= compileRateGate({}, 'rateLimit')
    return rate
  }
  const limiters = new WeakMap<CompiledRouteOptions, CompiledLimiter | false>()
  let helperRoutes = 0
  const limiterOf = (options: CompiledRouteOptions, id?: string): CompiledLimiter | false | undefined => {
    if (options.rateLimit === undefined) return undefined
    let limiter = limiters.get(options)
    if (limiter === undefined) {
      limiter = rateGate().compileRoute(options.rateLimit, 'rateLimit', id ?? `route#${++helperRoutes}`)
      limiters.set(options, limiter)
    }
    return limiter
  }
  for (const entry of table.entries) limiterOf(entry.policy, `route:${entry.pattern.source}`)
  const responsePhase = createResponsePhase<TRequest>({
    mode,
    limits,
    defaultTree,
    clientProblemView,
    serverProblemView,
    getRoles,
    fingerprint,
    headerScan: redactor.headerScan,
    redactorFor,
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    summarizesFindings: dispatcher.wants('response.redacted', 'warn'),
    maskMetadata: (text) => redactMetadata(text),
    warnOnce: (code, message, key) => warnOnce(undefined, code, message, key),
    ignoresWarning: (code) => ignoredWarnings.has(code),
    observeIds: (context, body) => sequentialIds.observe(context.route ?? routeOfPath(context.path), body),
    filtered: (context, dropped, findings) => {
      if (dropped + findings > 0) inventory.filtered(routeKeyOf(context as Context), dropped, findings)
    },
    ownerPending: (context) => {
      const { input, inputPolicy, entry } = context as Context
      return input.ownerPending !== undefined
        ? ((inputPolicy ?? entry?.policy)?.ownerDenied ?? 404)
        : undefined
    },
  })
  const phase = createRequestPhase({
    mode,
    gate,
    rate: () => rate,
    limiterOf,
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    warn: (code, message) => guard.warn(code, message),
  })

  const requests = objectOption(raw.requests, 'requests', REQUESTS_OPTION_KEYS)
  const monitors = createRequestMonitors({
    mode,
    store: requests.store,
    abuse: raw.abuse,
    rate: () => rate,
    events,
    warn: (code, message) => guard.warn(code, message),
    clientIp: (request) => phase.clientIp(request as Context, request.headers ?? {}) ?? 'unknown',
  })
  const inputPhase = createInputPhase({
    mode,
    limits: {
      maxDepth: integerOption(requests.maxDepth, 'requests.maxDepth', 1, 10_000, 32),
      maxPaths: integerOption(requests.maxReportedPaths, 'requests.maxReportedPaths', 0, 10_000, 32),
      maxBytes: integerOption(requests.maxBodyBytes, 'requests.maxBodyBytes', 1, 2 ** 31, 1024 * 1024),
    },
    emit: (type, severity, outcome, context, status, details) =>
      emit(type, severity, outcome, context as Context, status, details),
    mask: (text) => redactMetadata(text).text,
    roles: (context) => rolesOf(context as Context),
    subject: (context, by) => monitors.subjectOf(context as Context, by),
    enumeration: monitors.enumeration,
    detectorFailed: (context, error) =>
      warnOnce(
        context as Context,
        'LEAKGUARD_ENUMERATION_STORE_FAILED',
        `the enumeration detector's store failed, requests go on uncounted: ${(error as Error)?.message ?? error}`,
      ),
  })
  /** The caller's roles for `acceptViews`: `getRoles` when given, else the token's. @throws */
  function rolesOf(context: Context): readonly string[] {
    if (getRoles === undefined) return context.principal?.roles ?? []
    const roles = getRoles(context.native as TRequest)
    if (roles === undefined || roles === null) return []
    if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string'))
      throw new TypeError(`getRoles returned ${describe(roles)}, not an array of strings`)
    return roles as readonly string[]
  }
  const sequentialIds = createSequentialIdWatch((found) =>
    events.emitUnattached('inventory.sequential_ids', 'info', () => found),
  )

  const inventory = createRouteInventory(table.entries.map((entry) => entry.pattern.source))
  /**
   * The inventory's name of a request's route: its pattern, or its path with ids as `:n` and what
   * a detector flags masked (read in the path's own case: keys and tokens are case-sensitive).
   */
  const routeKeyOf = (context: Context): string =>
    context.route ?? redactMetadata(routeOfPath(context.targetPath)).text
  const transport = compileTransport(raw.transport, 'transport')
  /** The transport check of a request, once: its refusal (403, or 308 to HTTPS), if any. */
  function checkTransport(context: Context, headers: RequestHeaders): RejectedRequest | undefined {
    const verdict = transport!.check(
      { method: context.method, target: context.target, secure: context.secureSocket },
      context.clientAddress,
      headers,
      rate?.resolver,
    )
    context.secure = verdict.ok ? verdict.secure : false
    if (verdict.ok) return undefined
    emit(
      'transport.insecure',
      'warn',
      mode === 'report' ? 'unknown' : 'failure',
      context,
      verdict.status,
      () => ({
        action: verdict.status === 308 ? ('redirected' as const) : ('refused' as const),
      }),
    )
    if (verdict.untrustedProxy)
      warnOnce(
        context,
        'LEAKGUARD_TRANSPORT_PROXY_IGNORED',
        'requests carry X-Forwarded-Proto from a proxy rateLimit.trustProxy does not trust, so transport.requireHttps treats them as plain HTTP. Set rateLimit.trustProxy to your proxy hop count or CIDR ranges.',
      )
    if (mode === 'report') return undefined
    return rejection(verdict.status, 'ERR_LG_TRANSPORT_INSECURE', verdict.body, { ...verdict.headers })
  }

  const guard: Guard<TRequest> = {
    [guardBrand]: true,
    mode,
    verifier: gate?.verifier,
    startRequest(request) {
      const q = request.path.indexOf('?')
      const target = readRequestTarget(request.path)
      const entry = target.refused === undefined ? table.match(request.method, target.path) : undefined
      const context: Context = {
        requestId: incomingRequestId(request.requestId) ?? randomUUID(),
        route: entry?.pattern.source,
        method: request.method.toUpperCase(),
        path: canonicalPath(target.path),
        targetPath: target.path,
        rawMethod: request.method,
        refused: target.refused,
        mismatch: undefined,
        query: q === -1 ? undefined : request.path.slice(q + 1),
        clientAddress: request.clientAddress,
        native: request.native,
        entry,
        patternPolicy: entry?.policy,
        input: {},
        secureSocket: request.secure,
        target: request.path,
        eventPath: undefined,
        // Written out, not spread: a spread adding members costs ~0.1-0.6 us on Node 20.
        principal: undefined,
        auth: {},
        rate: newRateState(),
      }
      return context
    },
    checkRequest(requestContext, input) {
      const context = requestContext as Context
      context.headers = input.headers
      if (context.refused !== undefined) return refuseTarget(context)
      if (transport !== undefined && context.secure === undefined) {
        const refusal = checkTransport(context, input.headers)
        if (refusal !== undefined) return refusal
      }
      const decision = phase.checkRequest(context, input.headers, input.routeOptions)
      if (!monitors.watchesAbuse && transport === undefined) return decision
      const observed = (settled: RequestDecision): RequestDecision => {
        monitors.observeAbuse(context)
        if (transport === undefined) return settled
        // leakguard's own refusals (401, 403, 429...) get them too: they are responses like any.
        const extra = transport.headers(
          context.secure === true,
          // Credentials: a verified caller, an Authorization header, or a session cookie.
          (settled.allowed && settled.principal !== undefined) ||
            input.headers.authorization !== undefined ||
            input.headers.cookie !== undefined,
        )
        return Object.keys(extra).length === 0
          ? settled
          : // Merged with Object.assign: two spreads of header maps cost ~0.6 us per request on Node 20.
            { ...settled, headers: Object.assign({}, extra, settled.headers) }
      }
      return decision instanceof Promise ? decision.then(observed) : observed(decision)
    },
    checkInput(requestContext, input) {
      const context = requestContext as Context
      context.inputPolicy = mergeRouteOptions(context.entry?.policy, input.routeOptions)
      return inputPhase.check(context, input)
    },
    filterBody(requestContext, body, routeOptions, inRoute = false) {
      return inputPhase.filterBody(requestContext as Context, body, routeOptions, inRoute)
    },
    inventory: () => inventory.snapshot(),
    registerRoute(method, path) {
      // Parameters become a sample value, so the pattern that would serve the route is found.
      const sample = path.replace(/:[A-Za-z_][\w]*(?:\([^)]*\))?\??/g, 'x').replace(/\*+/g, 'x')
      for (const one of method === '*' || method === 'ALL' ? ['GET'] : [method.toUpperCase()]) {
        if (one === 'HEAD') continue
        const entry = table.match(one, sample)
        // Undeclared routes are counted by path with ids as `:n` when served: registered the same way.
        const served = routeOfPath(path.replace(/:[A-Za-z_][\w]*(?:\([^)]*\))?\??/g, ':n'))
        inventory.register(entry?.pattern.source ?? served, entry !== undefined)
      }
    },
    hasInputPolicies: (context, routeOptions) =>
      hasInputPolicies(mergeRouteOptions((context as Context).entry?.policy, routeOptions)),
    checksBody: (context, routeOptions) =>
      checksBody(mergeRouteOptions((context as Context).entry?.policy, routeOptions)),
    checkRouted(requestContext, framework, status) {
      const context = requestContext as Context
      guard.routed(context, framework)
      return responsePhase.checkAgreement(context, status)
    },
    routed(requestContext, framework) {
      const context = requestContext as Context
      if (context.refused !== undefined || context.mismatch !== undefined) return
      // The common case: the framework routed exactly the path leakguard read, with its method.
      if (framework.path === context.targetPath && framework.method === context.rawMethod) return
      const method = framework.method.toUpperCase()
      const target = readRequestTarget(framework.path)
      const entry = target.refused === undefined ? table.match(method, target.path) : undefined
      if (entry === context.entry && method === context.method) return
      context.mismatch = { method, route: entry?.pattern.source ?? canonicalPath(target.path) }
    },
    endRequest(requestContext, status) {
      const context = requestContext as Context
      phase.endRequest(context, status)
      if (context.refused === undefined) {
        const route = routeKeyOf(context)
        if (
          inventory.finished(route, context.method, status) &&
          dispatcher.wants('inventory.undeclared_route', 'info')
        )
          emit('inventory.undeclared_route', 'info', 'unknown', context, status, () => ({ route }))
      }
      const policy = context.inputPolicy ?? context.entry?.policy
      // The miss-ratio detector counts the answers of every rule that counted the request's id.
      for (const [rule, route] of context.input.enumerationRoutes ?? []) {
        monitors.enumeration().response(route, monitors.subjectOf(context, rule.by), status, rule, context)
      }
      monitors.observeAnswer(context, status)
      // Only for requests that reached the handler: a refusal (401, 429) never needed the body. An
      // owner check still waiting is why a handler's success was denied (404/403): said too.
      const waiting =
        status < 400 || (context.input.ownerPending !== undefined && context.input.refusal === undefined)
          ? inputPhase.waiting(context, policy)
          : undefined
      if (waiting !== undefined)
        warnOnce(
          context,
          'LEAKGUARD_BODY_UNCHECKED',
          `${context.route ?? 'a route'} ${waiting === 'owner' ? 'has an owner check that reads the body, so its responses were denied' : 'checks request bodies (accept)'}, but leakguard never saw the parsed body before the handler: mount leakguard.body() after your body parser (Express: app.use(express.json(), leakguard.body()); Koa: app.use(bodyParser()).use(leakguard.body())), or use the route helper after it.`,
          `LEAKGUARD_BODY_UNCHECKED ${context.route ?? ''}`,
        )
    },
    compileRoute(options, option = 'route options') {
      const compiled = compileRoute(options, option)
      requireGate(compiled, `${option}.auth`)
      limiterOf(compiled)
      return compiled
    },
    filterResponse: (context, response) => responsePhase.filterResponse(context as Context, response),
    serializeResponse: (context, response) => responsePhase.serializeResponse(context as Context, response),
    serializeResponseInTurns: (context, response) =>
      responsePhase.serializeResponseInTurns(context as Context, response),
    filterSerialized: (context, response) => responsePhase.filterSerialized(context as Context, response),
    filterSerializedInTurns: (context, response) =>
      responsePhase.filterSerializedInTurns(context as Context, response),
    filterText: (context, response) => responsePhase.filterText(context as Context, response),
    filterStream: (context, response) => responsePhase.filterStream(context as Context, response),
    block: (context, status, code) => responsePhase.block(context as Context, status, code),
    opaqueBody: (context, response) =>
      responsePhase.opaqueBody(context as Context, response.status, response.routeOptions),
    maxBufferedBytes: responsePhase.maxBufferedBytes,
    flush: () => dispatcher.flush(),
    get droppedEvents() {
      return dispatcher.metrics().dropped
    },
    auditMetrics: () => dispatcher.metrics(),
    warn(code, message) {
      if (ignoredWarnings.has(code)) return
      processWarning(code, message)
      events.emitUnattached('config.warning', 'warn', () => ({ warning: { code, message } }))
    },
    ignoresWarning: (code) => ignoredWarnings.has(code),
    scansHeader: (name) => redactor.headerScan.scans(name),
    filterHeaders: (context, response) => responsePhase.filterHeaders(context as Context, response),
    filterStatusMessage: (context, response) =>
      responsePhase.filterStatusMessage(context as Context, response),
    unguardedResponse({ method, route, status, mount }) {
      const where = route === undefined ? `a ${method} request` : `${method} ${route}`
      warnOnce(
        undefined,
        'LEAKGUARD_UNGUARDED_RESPONSE',
        `${where} sent a JSON response (status ${status}) that never passed leakguard, so nothing of it was filtered: ${mount}. If the route is meant to be unguarded, acknowledge it with ignoreWarnings: ['LEAKGUARD_UNGUARDED_RESPONSE'].`,
        `LEAKGUARD_UNGUARDED_RESPONSE ${method} ${route ?? ''}`,
      )
    },
    latePayload({ method, route, by, fix }) {
      const where = route === undefined ? `a ${method} response` : `the ${method} ${route} response`
      warnOnce(
        undefined,
        'LEAKGUARD_LATE_PAYLOAD',
        `${by} replaced the body of ${where} after leakguard had filtered it; leakguard filtered it again before it went out. ${fix}, so that the body is filtered once and the route's allowlist reads the shape the handler sent.`,
        `LEAKGUARD_LATE_PAYLOAD ${method} ${route ?? ''}`,
      )
    },
    unfilteredResponse: (context, response) => responsePhase.unfiltered(context as Context, response),
    requestIdHeader,
    responseIdHeader,
  }
  return guard
}

/**
 * Validates and compiles route-level options once, at startup: what the framework route helpers
 * (`leakguard.route()`, Fastify `config.leakguard`) call. Compiled options pass through unchanged.
 * @param option the name used in error messages, e.g. `config.leakguard of GET /users`
 * @throws LeakguardConfigError
 */
export function compileRoute(
  options: RouteOptions | CompiledRouteOptions,
  option = 'route options',
): CompiledRouteOptions {
  if (isCompiledRouteOptions(options)) return options
  return compileRouteOptions(options, option)
}

/**
 * Compiles the options of a route helper that runs after the request phase has started (Express
 * and Koa `leakguard.route()`): `leakguard()` checked the token before the router picked the route,
 * so the helper can add requirements (scopes, roles, a check, limits) but cannot make a route public
 * or optional.
 * @throws LeakguardConfigError
 */
export function compileRouteHelper(
  options: RouteOptions,
  option = 'leakguard.route() options',
): CompiledRouteOptions {
  const compiled = compileRoute(options, option)
  if (compiled.auth !== undefined && compiled.auth.mode !== 'required') {
    configFail(
      `${option}.auth`,
      "public and optional routes must be declared in the guard's routes ({ routes: { 'GET /path': { auth: { public: true } } } }): leakguard() checks the token before the router reaches the route",
    )
  }
  return compiled
}
