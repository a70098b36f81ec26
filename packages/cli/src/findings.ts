import {
  allowlist,
  type CompiledAllowlist,
  type CompiledRedactor,
  createRedactor,
  internalDetails,
  LeakguardResponseError,
  listDetectors,
} from '@leakguard/core'
import type { Exchange } from './client.js'
import { RULES, type Rule, SEVERITIES, type Severity } from './rules.js'

/** One thing the scan found. Never carries a value it found: paths, detector ids and statuses only. */
export interface ScanFinding {
  /** The rule's stable id, `LG101`. */
  readonly ruleId: string
  /** The rule's name, `sensitive-data`. */
  readonly rule: string
  readonly severity: Severity
  /** The route pattern (`GET /users/:id`), a probed path (`GET /.env`), or `*` for the whole API. */
  readonly route: string
  /** The request that showed it. */
  readonly method: string
  readonly path: string
  /** The status it got (absent for API-wide findings). */
  readonly status?: number
  readonly message: string
  /** Where: templated JSONPaths (`$.data[*].email`), header names, or route keys. */
  readonly where?: readonly string[]
  /** Detector ids, for `sensitive-data`. */
  readonly detectors?: readonly string[]
}

/** Items listed in one finding at most; the message counts the rest. */
const MAX_LISTED = 10

/** Characters of one place (a JSONPath, a header name) printed at most: the API chose its names. */
const MAX_PLACE = 200

/** `1 route`, `2 routes`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** `a, b, c and 4 more`. */
export function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ')
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown
}

const worst = (a: Severity, b: Severity): Severity => (SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b)

/**
 * How bad a detector's finding is in a response: credentials (provider tokens, keys, values
 * assigned to secret names), keys and regulated identifiers are `high`; contact details (`email`, `phone`), which many APIs send on purpose, `medium`; weak
 * detectors keep their own confidence. Ids of no built-in detector (member-name rules, custom
 * rules) are `high`: someone declared them secret.
 */
const detectorSeverity: ReadonlyMap<string, Severity> = new Map(
  listDetectors().map(({ id, kind, confidence }) => [
    id,
    id === 'email' || id === 'phone' ? 'medium' : kind !== 'pattern' ? 'high' : confidence,
  ]),
)

export function severityOf(detector: string): Severity {
  return detectorSeverity.get(detector) ?? 'high'
}

function finding(
  rule: Rule,
  exchange: Exchange,
  route: string,
  fields: { severity?: Severity; message: string; where?: readonly string[]; detectors?: readonly string[] },
): ScanFinding {
  return {
    ruleId: rule.id,
    rule: rule.name,
    severity: fields.severity ?? rule.severity,
    route,
    method: exchange.method,
    path: exchange.path,
    status: exchange.status,
    message: fields.message,
    ...(fields.where !== undefined ? { where: fields.where } : {}),
    ...(fields.detectors !== undefined ? { detectors: fields.detectors } : {}),
  }
}

/** Response headers that carry framework data, never an application's values. */
const PROTOCOL_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'date',
  'etag',
  'vary',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'set-cookie',
  'location',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'cache-control',
  'strict-transport-security',
])

/** Detectors of contact details: sent on purpose by many APIs, where the document says so. */
const CONTACT = new Set(['email', 'phone'])

/**
 * Detector findings in a body (parsed JSON, or text) and in application headers. Contact details
 * at members the document names (`documented`) are `low`: the API means to send them. A JSON body
 * the engine refuses (nested past its depth limit) is scanned as text, and that is a finding too:
 * an API can hide its members from any checker that way.
 */
function sensitiveData(
  judge: Judge,
  exchange: Exchange,
  route: string,
  documented: (path: string) => boolean,
): ScanFinding[] {
  const found = new Map<string, Set<string>>()
  const add = (path: string, detector: string) => {
    const paths = found.get(detector) ?? new Set<string>()
    found.set(detector, paths.add(path))
  }
  const out: ScanFinding[] = []
  const asText = () => {
    for (const { detector } of judge.redactor.scan(exchange.body)) add('(body text)', detector)
  }
  if (exchange.json !== undefined)
    try {
      for (const { path, detector } of judge.redactor.scan(exchange.json)) add(judge.place(path), detector)
    } catch (error) {
      if (!(error instanceof LeakguardResponseError)) throw error
      out.push(
        finding(RULES.sensitiveData, exchange, route, {
          severity: 'medium',
          message: `the JSON body was not judged member by member (${error.message}): scanned as text only`,
        }),
      )
      found.clear()
      asText()
    }
  else if (exchange.body !== '') asText()
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(exchange.headers))
    if (!PROTOCOL_HEADERS.has(name)) headers[name] = value
  for (const { path, detector } of judge.redactor.scan(headers))
    add(`header ${judge.place(path.replace(/^\$\.?/, ''))}`, detector)
  if (found.size === 0) return out
  const detectors = [...found.keys()].sort()
  const where = [...new Set([...found.values()].flatMap((paths) => [...paths]))]
  const severity = [...found]
    .map(([detector, paths]) =>
      CONTACT.has(detector) && [...paths].every(documented) ? 'low' : severityOf(detector),
    )
    .reduce(worst)
  const places = [...found.values()].reduce((sum, paths) => sum + paths.size, 0)
  out.push(
    finding(RULES.sensitiveData, exchange, route, {
      severity,
      message: `${places === 1 ? '1 place holds' : `${places} places hold`} what ${listed(detectors)} recognise${detectors.length === 1 ? 's' : ''}: ${listed(where)}`,
      where,
      detectors,
    }),
  )
  return out
}

const INTERNALS: Readonly<Record<string, string>> = {
  'stack-trace': 'a stack trace',
  sql: 'SQL',
  'driver-error': 'a database or network driver error',
  'file-path': 'a server file path',
}

/** The string values of a JSON body, decoded (a stack in `"stack": "..."` has real line breaks). */
function stringsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') out.push(value)
  else if (typeof value === 'object' && value !== null && depth < 64 && out.length < 10_000)
    for (const item of Array.isArray(value) ? value : Object.values(value)) stringsOf(item, out, depth + 1)
  return out
}

function errorDisclosure(exchange: Exchange, route: string): ScanFinding[] {
  const text = exchange.json === undefined ? exchange.body : stringsOf(exchange.json).join('\n')
  const kinds = text === '' ? [] : internalDetails(text)
  if (kinds.length === 0) return []
  return [
    finding(RULES.errorDisclosure, exchange, route, {
      message: `the ${exchange.status} body shows ${listed(kinds.map((kind) => INTERNALS[kind] ?? kind))}`,
      where: kinds,
    }),
  ]
}

/** Members of a 2xx JSON body that `allow` does not name (templated paths); `undefined`: not judged. */
function undocumented(
  judge: Judge,
  exchange: Exchange,
  allow: readonly string[] | undefined,
): readonly string[] | undefined {
  if (allow === undefined || exchange.json === undefined || exchange.status < 200 || exchange.status >= 300)
    return undefined
  const key = allow.join('\n')
  let view = judge.views.get(key)
  if (view === undefined) {
    try {
      view = allowlist(allow, { maxPaths: 100 })
    } catch {
      view = null // a path leakguard cannot compile: the startup report of fromOpenAPI names it
    }
    judge.views.set(key, view)
  }
  if (view === null) return undefined
  try {
    return view.dropped(exchange.json).map(judge.place)
  } catch (error) {
    if (error instanceof LeakguardResponseError) return undefined
    throw error
  }
}

function excessiveExposure(exchange: Exchange, route: string, dropped: readonly string[]): ScanFinding[] {
  if (dropped.length === 0) return []
  return [
    finding(RULES.excessiveExposure, exchange, route, {
      message: `${count(dropped.length, 'member')} the response schema does not name: ${listed(dropped)}`,
      where: dropped,
    }),
  ]
}

/** Lone surrogates (from member names) as U+FFFD: reports are read by tools that encode UTF-8. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

/** How one scan judges responses and prints places; see {@link createJudge}. */
export interface Judge {
  readonly redactor: CompiledRedactor
  readonly views: Map<string, CompiledAllowlist | null>
  /**
   * A place as the report prints it: `$.data[3].email` -> `$.data[*].email` (one finding per place,
   * not per item), a name holding a secret or a credential of the scan masked (`{"AKIA...": 1}`,
   * an API that echoes the token it got), cut at 200 characters, well-formed Unicode.
   */
  place(path: string): string
  /** Any text of the report with the scan's own credentials masked (whatever their length). */
  mask(text: string): string
}

/**
 * The detectors of one scan: leakguard's defaults, plus the scan's own credentials as known
 * secrets, so an API that echoes them is reported and a report never repeats them. The scanner's
 * environment is not the API's: its variables are not known secrets here.
 */
export function createJudge(credentials: readonly string[]): Judge {
  const secrets = [...new Set(credentials.filter((value) => value.length >= 4))].sort(
    (a, b) => b.length - a.length,
  )
  const redactor = createRedactor({
    knownSecrets: { env: false, values: secrets.filter((value) => value.length >= 8) },
  })
  const mask = (text: string) => {
    let out = text
    for (const secret of secrets) out = out.replaceAll(secret, '[REDACTED:credential]')
    return out
  }
  return {
    redactor,
    views: new Map(),
    mask,
    place(path) {
      const masked = wellFormed(mask(redactor.redact(path.replace(/\[\d+\]/g, '[*]'))))
      return masked.length > MAX_PLACE ? `${masked.slice(0, MAX_PLACE - 1)}…` : masked
    },
  }
}

/**
 * What one response shows on its own: detector findings, internals in the body, and, when the
 * document describes the response (`allow`, from its schemas), members it does not name.
 */
export function checkResponse(
  judge: Judge,
  exchange: Exchange,
  route: string,
  allow: readonly string[] | undefined,
): ScanFinding[] {
  if (exchange.status === 0) return []
  const dropped = undocumented(judge, exchange, allow)
  const documented = (path: string) =>
    dropped !== undefined &&
    path.startsWith('$') &&
    !dropped.some((d) => path === d || path.startsWith(`${d}.`) || path.startsWith(`${d}[`))
  return [
    ...sensitiveData(judge, exchange, route, documented),
    ...errorDisclosure(exchange, route),
    ...(dropped !== undefined ? excessiveExposure(exchange, route, dropped) : []),
  ]
}

export { finding }
