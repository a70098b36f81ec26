import { randomBytes } from 'node:crypto'
import { createSequentialIdWatch, routeOfPath } from '@leakguard/core'
import { type ClientLimits, createClient, type Exchange, type RequestSpec } from './client.js'
import { ScanError } from './errors.js'
import {
  checkResponse,
  count,
  createJudge,
  finding,
  type Judge,
  listed,
  type ScanFinding,
} from './findings.js'
import {
  type Operation,
  olderVersions,
  planFromOpenAPI,
  SHADOW_PATHS,
  type ShadowKind,
  serverPath,
} from './plan.js'
import { RULES, type Rule, SEVERITIES, type Severity } from './rules.js'
import { checkTarget, isLoopback } from './targets.js'

/** What to scan and how hard. */
export interface ScanOptions {
  /** The base URL the documented paths are relative to: `http://127.0.0.1:3000/api`. */
  readonly target: string
  /** A parsed, bundled OpenAPI 3 document (`loadOpenAPI`): routes to walk and what they may return. */
  readonly openapi?: Record<string, unknown>
  /** Where the document came from (a path or URL), for the report. */
  readonly openapiSource?: string
  /** Credential headers (`Authorization`, an API key...): sent on the walk, left out to test auth. */
  readonly credentials?: Readonly<Record<string, string>>
  /** Values of path and query parameters by name, over the document's examples. */
  readonly params?: Readonly<Record<string, string>>
  /** More paths to GET (and check) besides the document's. */
  readonly paths?: readonly string[]
  /** Hosts besides loopback that may be scanned. */
  readonly allowHosts?: readonly string[]
  readonly limits?: Partial<ClientLimits>
  /** Requests of the rate-limit burst (0: no burst). @default 30 */
  readonly burst?: number
  /** Malformed path parameters on GET routes. @default true */
  readonly probes?: boolean
  /** Malformed JSON bodies to documented write operations (their handlers could run). @default false */
  readonly probeWrites?: boolean
  /** Well-known shadow paths and older API versions. @default true */
  readonly shadow?: boolean
  /** Called before each request, with the requests sent and planned. */
  readonly onProgress?: (sent: number, planned: number, label: string) => void
  readonly signal?: AbortSignal
}

/** The status of each route walked. */
export interface RouteResult {
  readonly route: string
  readonly method: string
  readonly path: string
  /** `0`: no answer (see the notes). */
  readonly status: number
  readonly findings: number
}

export interface ScanReport {
  readonly target: string
  readonly openapi?: string
  readonly startedAt: string
  readonly finishedAt: string
  /** Requests sent. */
  readonly requests: number
  /** Planned requests the budget (`--max-requests`) did not allow. */
  readonly skipped: number
  readonly routes: readonly RouteResult[]
  /** Sorted: most severe first, then by route. */
  readonly findings: readonly ScanFinding[]
  /** What the scan could not check, and why. */
  readonly notes: readonly string[]
  /**
   * `false` when the scan could not judge what it set out to: it was stopped, the budget ran out
   * before every documented route was requested, or most routes did not answer. The CLI then
   * prints the report and exits with 2 (`ERR_LG_SCAN_INCOMPLETE`): an empty report must not pass
   * a gate.
   */
  readonly complete: boolean
}

export const DEFAULT_LIMITS: ClientLimits = {
  maxRequests: 300,
  rate: 20,
  timeoutMs: 5000,
  maxBodyBytes: 1024 * 1024,
}

const RATE_LIMIT_HEADERS = [
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'x-ratelimit-limit',
  'x-rate-limit-limit',
  'retry-after',
]

/** Path parameter values that make a careless handler throw: quotes, and a number beyond any id. */
const PROBE_VALUES = [`'"`, '99999999999999999999999']
/** What a write probe sends: JSON cut short. */
const MALFORMED_JSON = '{"leakguard-scan": '

const SHADOW_NOTE: Record<ShadowKind, string> = {
  internals: ' (configuration or debug output)',
  description: ' (an API description: fine if it is meant to be public)',
  api: '',
}

/** Bodies that say nothing: a route that answers with one exists, but sends no data. */
const EMPTY_BODIES = new Set(['', '{}', '[]', 'null'])

const success = (status: number) => status >= 200 && status < 300

/** Whether a response shows a rate limit: a 429, or a RateLimit (or X-RateLimit) header. */
const advertisesLimit = (exchange: Exchange) =>
  exchange.status === 429 || RATE_LIMIT_HEADERS.some((name) => name in exchange.headers)

/** A finding about the whole API, not one request. */
function apiWideFinding(
  rule: Rule,
  severity: Severity,
  message: string,
  where: readonly string[],
): ScanFinding {
  return { ruleId: rule.id, rule: rule.name, severity, route: '*', method: '*', path: '*', message, where }
}

/**
 * Scans a running API: walks the documented GET routes (with and without credentials), probes
 * well-known shadow paths and malformed input, bursts one route to see a rate limit, and judges
 * every response with leakguard's detectors, its error hygiene and the document's schemas.
 * Bounded: `limits.maxRequests` requests at `limits.rate` per second, bodies cut at
 * `limits.maxBodyBytes`, loopback targets only unless `allowHosts` names the host.
 * @throws ScanError for an invalid or unreachable target
 */
export async function scanApi(options: ScanOptions): Promise<ScanReport> {
  const startedAt = new Date().toISOString()
  let base = checkTarget(options.target, options.allowHosts ?? [])
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const notes: string[] = []
  // A bare origin (`http://127.0.0.1:3000`) and a document whose paths live under its server's
  // path (`servers: [{ url: '/api/v3' }]`): the paths are walked under it, and the report says so.
  const prefix = options.openapi !== undefined && base.pathname === '/' ? serverPath(options.openapi) : ''
  if (prefix !== '') {
    base = new URL(`${base.origin}${prefix}/`)
    notes.push(
      `the document's paths are walked under its server path ${prefix} (give the base URL with a path to choose another)`,
    )
  }
  const credentials = options.credentials ?? {}
  const hasCredentials = Object.keys(credentials).length > 0
  // The values the scan was given, bearer tokens also without their scheme: never printed.
  const judge = createJudge(
    Object.values(credentials).flatMap((value) => [value, value.replace(/^\S+\s+/, '')]),
  )
  const findings: ScanFinding[] = []
  const routes: RouteResult[] = []

  const plan =
    options.openapi !== undefined ? planFromOpenAPI(options.openapi, options.params ?? {}) : undefined
  if (plan !== undefined && plan.report.length > 0)
    notes.push(
      `${count(plan.report.length, 'part')} of the document leave${plan.report.length === 1 ? 's' : ''} members open (free-form objects, additionalProperties): members below them are not checked for exposure`,
    )
  const documented = plan?.operations ?? []
  const extra: Operation[] = (options.paths ?? []).map((path) => ({
    method: 'GET',
    template: path,
    route: `GET ${routeOfPath(path.split('?')[0]!)}`,
    path,
    pathParams: [],
    requiresAuth: undefined,
    allow: undefined,
    jsonBody: false,
  }))
  const walk = [...documented.filter((op) => op.method === 'GET'), ...extra]
  // Without a document, the API's root is a route too.
  if (plan === undefined && !extra.some((op) => op.path === '/')) walk.unshift(rootOperation())
  const documentedPaths = new Set(documented.map((op) => op.path.split('?')[0]!))
  const probes = options.probes === false ? [] : walk.filter((op) => op.pathParams.length > 0)
  const writes =
    options.probeWrites === true ? documented.filter((op) => op.method !== 'GET' && op.jsonBody) : []
  const shadows =
    options.shadow === false
      ? []
      : [
          ...SHADOW_PATHS.filter(({ path }) => !documentedPaths.has(path)),
          ...olderVersions([...documentedPaths], 5).map((path) => ({ path, kind: 'api' as const })),
        ]
  // Under a base path, the site's own configuration and debug paths are probed at its root too.
  const rootShadows =
    options.shadow === false || base.pathname === '/'
      ? []
      : SHADOW_PATHS.filter(({ kind }) => kind === 'internals')
  const burst = Math.max(0, options.burst ?? 30)
  const wanted =
    2 +
    walk.length +
    (hasCredentials ? walk.filter((op) => op.requiresAuth === true).length : 0) +
    probes.length * PROBE_VALUES.length +
    writes.length +
    shadows.length +
    (rootShadows.length > 0 ? rootShadows.length + 2 : 0) +
    burst
  const planned = Math.min(limits.maxRequests, wanted)

  const client = createClient({
    base,
    headers: { 'user-agent': 'leakguard-scan', accept: 'application/json, */*;q=0.5' },
    credentials,
    limits,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    onRequest: (spec: RequestSpec, sent: number) =>
      options.onProgress?.(sent, planned, `${spec.method} ${spec.path}`),
  })
  const report = (exchange: Exchange, route: string, allow?: readonly string[]) => {
    findings.push(...checkResponse(judge, exchange, route, allow))
  }

  // A path no API serves: whether the target answers at all, and what its "not found" looks like
  // (an app that answers 200 to everything must not make every shadow path a finding).
  const randomPath = () => `/leakguard-scan-${randomBytes(6).toString('hex')}`
  const baseline = await client.send({ method: 'GET', path: randomPath(), credentials: false })
  if (baseline === undefined || baseline.status === 0)
    throw new ScanError(
      'ERR_LG_SCAN_UNREACHABLE',
      `${base.href} did not answer (${baseline?.error ?? 'no request allowed'}): start the API, or check the URL and --timeout`,
    )
  report(baseline, `GET ${baseline.path}`)
  // A second unknown path: an app whose "not found" varies (it echoes the path, a request id, the
  // time) is compared by status and type only.
  const second = success(baseline.status)
    ? await client.send({ method: 'GET', path: randomPath(), credentials: false })
    : undefined
  const varies = second !== undefined && unlike(second, baseline)

  const ids = createSequentialIdWatch((found) => {
    findings.push({
      ruleId: RULES.sequentialIds.id,
      rule: RULES.sequentialIds.name,
      severity: RULES.sequentialIds.severity,
      route: found.route,
      method: 'GET',
      path: found.route.replace(/^GET /, ''),
      message: `${found.distinct} distinct ids at ${judge.place(found.path)} fill ${Math.round((100 * found.distinct) / found.span)}% of their range: the next one is easy to guess`,
      where: [judge.place(found.path)],
    })
  })
  /** Exchanges that carried credentials to a route that needs them: one caller's answers. */
  const credentialed: Exchange[] = []
  const walked: Array<{ op: Operation; exchange: Exchange }> = []
  const allExchanges: Exchange[] = [baseline]
  const send = async (spec: RequestSpec) => {
    const exchange = await client.send(spec)
    if (exchange !== undefined) allExchanges.push(exchange)
    return exchange
  }

  for (const op of walk) {
    const exchange = await send({ method: 'GET', path: op.path, credentials: hasCredentials })
    if (exchange === undefined) break
    report(exchange, op.route, op.allow)
    walked.push({ op, exchange })
    if (exchange.error !== undefined) notes.push(`${op.route}: ${exchange.error}`)
    if (exchange.credentialed && (op.requiresAuth === true || plan === undefined)) credentialed.push(exchange)
    if (success(exchange.status) && exchange.json !== undefined) ids.observe(op.route, exchange.json)
    let anonymous = exchange.credentialed ? undefined : exchange
    if (op.requiresAuth === true && hasCredentials) {
      anonymous = await send({ method: 'GET', path: op.path, credentials: false })
      if (anonymous !== undefined) report(anonymous, op.route, op.allow)
    }
    if (op.requiresAuth === true && anonymous !== undefined && success(anonymous.status))
      findings.push(
        finding(RULES.missingAuth, anonymous, op.route, {
          message: `the document asks for credentials (security), but a request without any got ${anonymous.status}`,
        }),
      )
    routes.push({
      route: op.route,
      method: 'GET',
      path: op.path,
      status: exchange.status,
      findings: 0,
    })
  }

  const walkStatus = new Map(walked.map(({ op, exchange }) => [op.route, exchange.status]))
  for (const op of probes) {
    // A route that fails with its documented example too fails for another reason than bad input.
    if ((walkStatus.get(op.route) ?? 0) >= 500) continue
    const name = op.pathParams[0]!
    const failed: string[] = []
    let last: Exchange | undefined
    for (const value of PROBE_VALUES) {
      const exchange = await send({
        method: 'GET',
        path: probePath(op, name, value),
        credentials: hasCredentials,
      })
      if (exchange === undefined) break
      report(exchange, op.route)
      if (exchange.status >= 500) {
        failed.push(JSON.stringify(value))
        last = exchange
      }
    }
    if (last !== undefined)
      findings.push(
        finding(RULES.serverError, last, op.route, {
          message: `the path parameter ${name} = ${failed.join(' or ')} got ${last.status}`,
        }),
      )
  }

  for (const op of writes) {
    const exchange = await send({
      method: op.method,
      path: op.path,
      credentials: hasCredentials,
      body: MALFORMED_JSON,
      contentType: 'application/json',
    })
    if (exchange === undefined) break
    report(exchange, op.route)
    if (exchange.status >= 500)
      findings.push(
        finding(RULES.serverError, exchange, op.route, {
          message: `a JSON body cut short got ${exchange.status}`,
        }),
      )
  }

  /** Requests `list` (under the base URL, or the origin) and reports what answers unlike `notFound`. */
  const probeShadows = async (
    list: ReadonlyArray<{ readonly path: string; readonly kind: ShadowKind }>,
    notFound: Exchange,
    notFoundVaries: boolean,
    atOrigin: boolean,
  ): Promise<boolean> => {
    const looksLikeNotFound = (exchange: Exchange) =>
      notFoundVaries
        ? exchange.status === notFound.status &&
          exchange.headers['content-type'] === notFound.headers['content-type']
        : !unlike(exchange, notFound)
    for (const shadow of list) {
      const exchange = await send({ method: 'GET', path: shadow.path, credentials: false, atOrigin })
      if (exchange === undefined) return false
      const route = atOrigin ? `GET ${shadow.path} (at ${base.origin})` : `GET ${shadow.path}`
      const before = findings.length
      report(exchange, route)
      if (!success(exchange.status) || looksLikeNotFound(exchange)) continue
      const leaks = findings.length > before
      // Without a document only what is dangerous on its own is a finding: anything may be an API part.
      if ((plan === undefined || atOrigin) && shadow.kind !== 'internals' && !leaks) continue
      const empty = EMPTY_BODIES.has(exchange.body.trim())
      findings.push(
        finding(RULES.shadowEndpoint, exchange, route, {
          severity: leaks
            ? 'high'
            : empty || shadow.kind === 'description'
              ? empty
                ? 'low'
                : 'info'
              : shadow.kind === 'internals'
                ? 'high'
                : 'medium',
          message: `${plan === undefined || atOrigin ? 'a well-known path' : 'not in the document, yet it'} answers ${exchange.status}${SHADOW_NOTE[shadow.kind]}${leaks ? ', and its body holds findings' : empty ? ', with an empty body' : ''}`,
        }),
      )
    }
    return true
  }
  const budgetLeft = await probeShadows(shadows, baseline, varies, false)
  // An API under a path of a larger site (`/api`): configuration and debug files live at the
  // site's root, whose "not found" is its own (a single-page app answers 200 everywhere there).
  if (budgetLeft && rootShadows.length > 0) {
    const rootNotFound = await client.send({
      method: 'GET',
      path: randomPath(),
      credentials: false,
      atOrigin: true,
    })
    const rootSecond =
      rootNotFound !== undefined && success(rootNotFound.status)
        ? await client.send({ method: 'GET', path: randomPath(), credentials: false, atOrigin: true })
        : undefined
    if (rootNotFound !== undefined && rootNotFound.status !== 0)
      await probeShadows(
        rootShadows,
        rootNotFound,
        rootSecond !== undefined && unlike(rootSecond, rootNotFound),
        true,
      )
  }

  // The burst goes to a route that advertised a limit on the walk (a health check is often left
  // out of limiting on purpose), else to the first route that takes no parameter and no token.
  const limitedRoutes = walked.filter(({ exchange }) => advertisesLimit(exchange))
  const unlimited = walked.filter(({ exchange }) => exchange.status !== 0 && !advertisesLimit(exchange))
  if (limitedRoutes.length > 0 && unlimited.length > 0)
    findings.push(
      apiWideFinding(
        RULES.missingRateLimit,
        'low',
        `${count(unlimited.length, 'route')} answer${unlimited.length === 1 ? 's' : ''} without RateLimit headers while others have them (left out of the limit?): ${listed(unlimited.map(({ op }) => op.route))}`,
        unlimited.map(({ op }) => op.route),
      ),
    )
  if (burst > 0) {
    const target =
      limitedRoutes.find(({ op }) => op.pathParams.length === 0)?.op ??
      walk.find((op) => op.pathParams.length === 0 && op.requiresAuth !== true) ??
      walk[0] ??
      rootOperation()
    const answers = await client.burst(
      { method: 'GET', path: target.path, credentials: hasCredentials },
      burst,
    )
    allExchanges.push(...answers)
    const failed = answers.filter((exchange) => exchange.status === 0).length
    const limited = answers.some(advertisesLimit)
    if (answers.length < burst)
      notes.push(`rate limit: the budget allowed ${answers.length} of ${burst} burst requests`)
    if (failed > 0) notes.push(`rate limit: ${failed} of ${answers.length} burst requests got no answer`)
    else if (!limited && answers.length > 0)
      findings.push(
        finding(RULES.missingRateLimit, answers[0]!, target.route, {
          message: `${answers.length} requests at once were all answered (${[...new Set(answers.map((a) => a.status))].join(', ')}), none 429, no RateLimit headers`,
        }),
      )
  }

  findings.push(...transportFindings(base, allExchanges, credentialed, findings))
  const skipped = Math.max(0, wanted - client.sent)
  if (client.refused > 0)
    notes.push(
      `the budget of ${limits.maxRequests} requests ran out: about ${skipped} planned requests were not sent (raise --max-requests)`,
    )
  const unanswered = walked.filter(({ exchange }) => exchange.status === 0).length
  const incomplete: string[] = []
  if (options.signal?.aborted === true) incomplete.push('the scan was stopped')
  if (walked.length < walk.length)
    incomplete.push(`${walk.length - walked.length} of ${walk.length} routes were never requested`)
  if (walked.length > 0 && unanswered * 2 > walked.length)
    incomplete.push(`${unanswered} of ${walked.length} routes did not answer`)
  notes.push(...incomplete.map((reason) => `incomplete: ${reason}`))

  const unique = dedupe(findings).map((f) => maskFinding(judge, f))
  const counts = new Map<string, number>()
  for (const f of unique) counts.set(`${f.route}\n${f.path}`, (counts.get(`${f.route}\n${f.path}`) ?? 0) + 1)
  return {
    target: base.href,
    ...(options.openapiSource !== undefined ? { openapi: options.openapiSource } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
    requests: client.sent,
    skipped,
    routes: routes.map((r) => ({
      ...r,
      path: judge.mask(r.path),
      findings: counts.get(`${r.route}\n${r.path}`) ?? 0,
    })),
    findings: unique,
    notes: notes.map(judge.mask),
    complete: incomplete.length === 0,
  }
}

/**
 * Whether two answers differ beyond the path they were asked for: an app that echoes the path in
 * its "not found" page must not make every shadow path look served.
 */
function unlike(a: Exchange, b: Exchange): boolean {
  if (a.status !== b.status || a.headers['content-type'] !== b.headers['content-type']) return true
  const strip = (exchange: Exchange) => {
    let body = exchange.body
    for (const form of new Set([
      exchange.path,
      encodeURI(exchange.path),
      JSON.stringify(exchange.path).slice(1, -1),
    ]))
      body = body.replaceAll(form, '')
    return body
  }
  return strip(a) !== strip(b)
}

/** The report's strings with the scan's credentials masked, wherever the API put them. */
function maskFinding(judge: Judge, f: ScanFinding): ScanFinding {
  return {
    ...f,
    route: judge.mask(f.route),
    path: judge.mask(f.path),
    message: judge.mask(f.message),
    ...(f.where !== undefined ? { where: f.where.map(judge.mask) } : {}),
  }
}

function rootOperation(): Operation {
  return {
    method: 'GET',
    template: '/',
    route: 'GET /',
    path: '/',
    pathParams: [],
    requiresAuth: undefined,
    allow: undefined,
    jsonBody: false,
  }
}

/** `op.path` with parameter `name` set to `value` (the template tells where it sits). */
function probePath(op: Operation, name: string, value: string): string {
  let index = 0
  const at = op.pathParams.indexOf(name)
  const query = op.path.includes('?') ? op.path.slice(op.path.indexOf('?')) : ''
  const concrete = op.path.split('?')[0]!.split('/')
  const template = op.template.split('/')
  return (
    template
      .map((segment, i) => {
        if (!/\{[^}]+\}/.test(segment)) return concrete[i] ?? segment
        return index++ === at ? encodeURIComponent(value) : (concrete[i] ?? segment)
      })
      .join('/') + query
  )
}

/** Transport headers over every response: HSTS, no-store on credentialed answers, nosniff. */
function transportFindings(
  base: URL,
  exchanges: readonly Exchange[],
  credentialed: readonly Exchange[],
  found: readonly ScanFinding[],
): ScanFinding[] {
  const out: ScanFinding[] = []
  const answered = exchanges.filter((exchange) => exchange.status !== 0)
  const apiWide = (severity: Severity, message: string, where: readonly string[]) =>
    out.push(apiWideFinding(RULES.transport, severity, message, where))
  const routesOf = (list: readonly Exchange[]) => [...new Set(list.map((e) => `${e.method} ${e.path}`))]
  if (base.protocol === 'http:' && !isLoopback(base.hostname))
    apiWide('high', 'the API answers over plain HTTP: credentials and data cross the network in clear', [
      base.origin,
    ])
  if (base.protocol === 'https:') {
    const missing = answered.filter((e) => !('strict-transport-security' in e.headers))
    if (missing.length > 0)
      apiWide(
        'medium',
        `${count(missing.length, 'HTTPS response')} without Strict-Transport-Security: ${listed(routesOf(missing))}`,
        routesOf(missing),
      )
  }
  const sensitive = new Set(found.filter((f) => f.rule === RULES.sensitiveData.name).map((f) => f.path))
  const storable = answered.filter(
    (e) =>
      success(e.status) &&
      (credentialed.includes(e) || sensitive.has(e.path)) &&
      !/\bno-store\b/i.test(e.headers['cache-control'] ?? ''),
  )
  if (storable.length > 0)
    apiWide(
      'medium',
      `${count(routesOf(storable).length, 'response')} to credentialed requests or with sensitive data may be stored by caches (no Cache-Control: no-store): ${listed(routesOf(storable))}`,
      routesOf(storable),
    )
  const sniffable = answered.filter(
    (e) => e.isJson && (e.headers['x-content-type-options'] ?? '').toLowerCase() !== 'nosniff',
  )
  if (sniffable.length > 0)
    apiWide(
      'low',
      `${count(routesOf(sniffable).length, 'JSON response')} without X-Content-Type-Options: nosniff: ${listed(routesOf(sniffable))}`,
      routesOf(sniffable),
    )
  const powered = answered.find((e) => 'x-powered-by' in e.headers)
  if (powered !== undefined)
    apiWide('info', 'responses name the server framework (X-Powered-By)', ['x-powered-by'])
  return out
}

/** One finding per rule, route and place; most severe first. */
function dedupe(findings: readonly ScanFinding[]): ScanFinding[] {
  const seen = new Map<string, ScanFinding>()
  for (const f of findings) {
    const key = `${f.ruleId}\n${f.route}\n${f.message}`
    if (!seen.has(key)) seen.set(key, f)
  }
  return [...seen.values()].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.route.localeCompare(b.route),
  )
}
