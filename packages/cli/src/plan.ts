import {
  fromOpenAPI,
  isJsonContentType,
  LeakguardConfigError,
  type OpenAPIReportEntry,
} from '@leakguard/core'
import { ScanError } from './errors.js'

/** One documented operation, made concrete enough to request. */
export interface Operation {
  /** `GET` */
  readonly method: string
  /** The document's path template, `/users/{id}`. */
  readonly template: string
  /** leakguard's route key, `GET /users/:id`. */
  readonly route: string
  /** A concrete path and query: `/users/1?page=1`. */
  readonly path: string
  /** The names of the path parameters, in order. */
  readonly pathParams: readonly string[]
  /**
   * `true` when `security` asks for credentials, `false` when it makes the operation public
   * (`security: []`), `undefined` when the document says nothing.
   */
  readonly requiresAuth: boolean | undefined
  /** What the 2xx JSON response schemas name, as allowlist paths; `undefined`: not described. */
  readonly allow: readonly string[] | undefined
  /** Whether the operation takes a JSON request body. */
  readonly jsonBody: boolean
}

export interface Plan {
  readonly operations: readonly Operation[]
  /** What the document left open (free-form objects...): not checked for exposure there. */
  readonly report: readonly OpenAPIReportEntry[]
}

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A local `$ref` followed (bounded); anything else returned as is. */
function deref(doc: Json, value: unknown): unknown {
  let at = value
  for (let hops = 0; hops < 16 && isObject(at) && typeof at.$ref === 'string'; hops++) {
    const ref = at.$ref
    if (!ref.startsWith('#/')) return undefined
    at = ref
      .slice(2)
      .split('/')
      .map((part) => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, part) => (isObject(node) ? node[part] : undefined), doc)
  }
  return at
}

/** A value for a parameter: an example from the document, else one its schema allows. */
function sampleValue(doc: Json, parameter: Json): string {
  const schema = deref(doc, parameter.schema)
  const candidates: unknown[] = [parameter.example]
  const examples = parameter.examples
  if (isObject(examples)) {
    const first = deref(doc, Object.values(examples)[0])
    if (isObject(first)) candidates.push(first.value)
  }
  if (isObject(schema)) {
    candidates.push(schema.example)
    if (Array.isArray(schema.examples)) candidates.push(schema.examples[0])
    candidates.push(schema.default)
    if (Array.isArray(schema.enum)) candidates.push(schema.enum[0])
  }
  for (const candidate of candidates)
    if (typeof candidate === 'string' || typeof candidate === 'number' || typeof candidate === 'boolean')
      return String(candidate)
  const type = isObject(schema) ? schema.type : undefined
  const format = isObject(schema) ? schema.format : undefined
  if (format === 'uuid') return '00000000-0000-4000-8000-000000000001'
  if (type === 'boolean') return 'true'
  return '1'
}

/**
 * The operations of an OpenAPI 3 document, each with a concrete path: path and required query
 * parameters take `--param` values first, then the document's examples, then a value their
 * schema allows. The allowlist and auth of each come from `fromOpenAPI`, so the scan judges a
 * response by exactly what leakguard would let through.
 */
export function planFromOpenAPI(doc: Json, params: Readonly<Record<string, string>>): Plan {
  let derived: ReturnType<typeof fromOpenAPI>
  try {
    derived = fromOpenAPI(doc)
  } catch (error) {
    if (!(error instanceof LeakguardConfigError)) throw error
    throw new ScanError('ERR_LG_SCAN_OPENAPI', `the document cannot become a policy: ${error.message}`, {
      cause: error,
    })
  }
  const { routes, operations: described, report } = derived
  const operations: Operation[] = []
  const paths = isObject(doc.paths) ? doc.paths : {}
  for (const { method, template, route } of described) {
    const item = deref(doc, paths[template])
    const operation = isObject(item) ? item[method.toLowerCase()] : undefined
    if (!isObject(item) || !isObject(operation)) continue
    const parameters = [
      ...(Array.isArray(item.parameters) ? item.parameters : []),
      ...(Array.isArray(operation.parameters) ? operation.parameters : []),
    ]
      .map((parameter) => deref(doc, parameter))
      .filter(isObject)
    const valueFor = (parameter: Json) => params[String(parameter.name)] ?? sampleValue(doc, parameter)
    const pathParams: string[] = []
    const path = template.replace(/\{([^}]*)\}/g, (_, name: string) => {
      pathParams.push(name)
      const parameter = parameters.find((p) => p.in === 'path' && p.name === name)
      return encodeURIComponent(params[name] ?? (parameter ? sampleValue(doc, parameter) : '1'))
    })
    const query = parameters
      .filter((p) => p.in === 'query' && p.required === true && typeof p.name === 'string')
      .map((p) => `${encodeURIComponent(String(p.name))}=${encodeURIComponent(valueFor(p))}`)
    const policy = routes[route]
    const auth = policy?.auth as { public?: boolean; optional?: boolean } | undefined
    const body = deref(doc, operation.requestBody)
    const content = isObject(body) && isObject(body.content) ? Object.keys(body.content) : []
    operations.push({
      method,
      template,
      route,
      path: query.length > 0 ? `${path}?${query.join('&')}` : path,
      pathParams,
      // `security: []` makes an operation public; `[{}, {...}]` makes credentials optional.
      requiresAuth: auth === undefined ? undefined : auth.public !== true && auth.optional !== true,
      // `x-leakguard` can set anything: only a list of paths is a view the scan can judge by.
      allow:
        Array.isArray(policy?.allow) && policy.allow.every((path) => typeof path === 'string')
          ? policy.allow
          : undefined,
      jsonBody: content.some(isJsonContentType),
    })
  }
  return { operations, report }
}

/**
 * The path the document's first `servers` entry puts before every path (`/api/v3` of
 * `https://petstore3.swagger.io/api/v3` or of a relative `/api/v3`), server variables at their
 * defaults; `''` when there is none.
 */
export function serverPath(doc: Json): string {
  const server = Array.isArray(doc.servers) ? doc.servers[0] : undefined
  if (!isObject(server) || typeof server.url !== 'string') return ''
  const variables = isObject(server.variables) ? server.variables : {}
  const url = server.url.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const variable = variables[name]
    return isObject(variable) && typeof variable.default === 'string' ? variable.default : ''
  })
  let path: string
  try {
    path = new URL(url, 'http://server.invalid').pathname
  } catch {
    return ''
  }
  path = path.replace(/\/+$/, '')
  return /^(?:\/[\w.~%!$&'()*+,;=:@-]+)+$/.test(path) ? path : ''
}

/** What a shadow path is: configuration or debug output (`internals`), an API description, or an API part. */
export type ShadowKind = 'internals' | 'description' | 'api'

/**
 * Paths that APIs serve by accident or keep from development: configuration and source-control
 * files, framework debug and management endpoints, API descriptions, and API parts often left
 * undocumented. Versions an API moved on from are added from the document ({@link olderVersions}).
 */
export const SHADOW_PATHS: ReadonlyArray<{ readonly path: string; readonly kind: ShadowKind }> = [
  ...['/.env', '/.env.local', '/.git/config', '/config.json', '/config', '/internal/config'].map((path) => ({
    path,
    kind: 'internals' as const,
  })),
  ...['/actuator', '/actuator/env', '/actuator/heapdump', '/debug', '/debug/vars', '/debug/pprof/'].map(
    (path) => ({ path, kind: 'internals' as const }),
  ),
  ...['/server-status', '/phpinfo.php', '/metrics'].map((path) => ({ path, kind: 'internals' as const })),
  ...['/swagger.json', '/openapi.json', '/v2/api-docs', '/api-docs'].map((path) => ({
    path,
    kind: 'description' as const,
  })),
  ...['/admin', '/internal', '/graphql', '/api/v1', '/api/internal'].map((path) => ({
    path,
    kind: 'api' as const,
  })),
]

/**
 * Older versions of documented paths (`/v3/users` -> `/v2/users`, `/v1/users`): retired
 * versions that still answer are the classic shadow API. At most `max` paths.
 */
export function olderVersions(paths: readonly string[], max: number): string[] {
  const out = new Set<string>()
  for (const path of paths) {
    const match = /\/v(\d{1,2})(?=\/|$)/.exec(path)
    if (match === null) continue
    for (let version = Number(match[1]) - 1; version >= 1 && out.size < max; version--)
      out.add(`${path.slice(0, match.index)}/v${version}${path.slice(match.index + match[0].length)}`)
  }
  return [...out].filter((path) => !paths.includes(path))
}
