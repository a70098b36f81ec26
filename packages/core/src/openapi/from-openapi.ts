import { describe, fail, isPlainObject } from '../lib/validate.js'
import type { RouteOptions } from '../options.js'

/** Options of {@link fromOpenAPI}. */
export interface FromOpenAPIOptions {
  /**
   * Which success status a route's `allow` is derived from: the lowest 2xx with a JSON schema
   * (`'lowest-2xx'`), or the union of every 2xx (`'all-2xx'`). @default 'all-2xx'
   */
  successStatuses?: 'lowest-2xx' | 'all-2xx'
  /** Derive `accept` from request bodies. @default true */
  accept?: boolean
  /** Derive `auth` (scopes, public routes) from `security`. @default true */
  auth?: boolean
}

/** Something of the document that could not become a policy, and how to fix it. */
export interface OpenAPIReportEntry {
  /** The route pattern, `'GET /users/:id'`. */
  readonly route: string
  /** JSON pointer into the document. */
  readonly pointer: string
  readonly message: string
}

/** What {@link fromOpenAPI} derived. */
export interface OpenAPIPolicies {
  /** `routes` for the guard options, one entry per operation. */
  readonly routes: Record<string, RouteOptions>
  /** What could not be derived exactly (free-form objects, unresolvable `$ref`s). */
  readonly report: readonly OpenAPIReportEntry[]
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/
const MAX_DEPTH = 24

type Schema = Record<string, unknown>

const member = (path: string, name: string) =>
  IDENTIFIER.test(name) ? `${path}.${name}` : `${path}['${name.replaceAll("'", "\\'")}']`

/** `/users/{id}/orders/{orderId}` -> `/users/:id/orders/:orderId`. */
function routePath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => `:${name.replace(/[^\w]/g, '_')}`)
}

function isJson(type: string): boolean {
  const base = type.split(';')[0]!.trim().toLowerCase()
  return base === 'application/json' || base.endsWith('+json')
}

/**
 * Turns an OpenAPI 3.0/3.1 document (parsed JSON or YAML, local `$ref`s) into leakguard `routes`:
 * the JSON response schemas of each operation become its `allow` view (members the schema names;
 * `writeOnly` members never), request body schemas become `accept` (`readOnly` members never), and
 * `security` becomes `auth` (the scopes of the first requirement; `security: []` makes a route
 * public). `x-leakguard` on an operation is merged over what was derived (roles views, masks, ...).
 * What a schema leaves open (free-form objects, `additionalProperties`) is kept whole and reported.
 * @throws LeakguardConfigError when `doc` is not an OpenAPI 3 document
 */
export function fromOpenAPI(doc: unknown, options: FromOpenAPIOptions = {}): OpenAPIPolicies {
  if (!isPlainObject(doc) || typeof doc.openapi !== 'string' || !/^3\.[01]\./.test(doc.openapi))
    fail(
      'fromOpenAPI(doc)',
      `expected an OpenAPI 3.0 or 3.1 document (an object with openapi: '3.x.y'), got ${describe(isPlainObject(doc) ? doc.openapi : doc)}`,
    )
  const report: OpenAPIReportEntry[] = []
  const routes: Record<string, RouteOptions> = {}
  const paths = isPlainObject(doc.paths) ? doc.paths : {}
  const globalSecurity = doc.security

  const resolve = (value: unknown, route: string, pointer: string, seen: Set<string>): Schema | undefined => {
    let schema = value
    while (isPlainObject(schema) && typeof schema.$ref === 'string') {
      const ref = schema.$ref
      if (!ref.startsWith('#/') || seen.has(ref)) {
        if (!ref.startsWith('#/'))
          report.push({
            route,
            pointer,
            message: `$ref ${ref} is not local to the document: bundle it first (kept whole)`,
          })
        return undefined
      }
      seen.add(ref)
      schema = ref
        .slice(2)
        .split('/')
        .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((at, part) => (isPlainObject(at) ? at[part] : undefined), doc)
    }
    return isPlainObject(schema) ? schema : undefined
  }

  /** The allowlist paths a schema names, below `path`. */
  const pathsOf = (
    value: unknown,
    path: string,
    route: string,
    pointer: string,
    skip: 'readOnly' | 'writeOnly',
    seen: Set<string>,
    depth: number,
    out: Set<string>,
  ): void => {
    const schema = resolve(value, route, pointer, new Set(seen))
    if (schema === undefined || depth > MAX_DEPTH) {
      out.add(path)
      return
    }
    const nextSeen = new Set(seen)
    if (typeof value === 'object' && value !== null && typeof (value as Schema).$ref === 'string')
      nextSeen.add((value as Schema).$ref as string)
    let named = false
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const parts = schema[key]
      if (!Array.isArray(parts)) continue
      named = true
      parts.forEach((part, i) => {
        pathsOf(part, path, route, `${pointer}/${key}/${i}`, skip, nextSeen, depth + 1, out)
      })
    }
    const type = schema.type
    const isArray = type === 'array' || (Array.isArray(type) && type.includes('array'))
    if (isArray) {
      if (schema.items === undefined) {
        out.add(path)
        report.push({ route, pointer, message: 'an array without items: kept whole; describe its items' })
      } else pathsOf(schema.items, `${path}[*]`, route, `${pointer}/items`, skip, nextSeen, depth + 1, out)
      return
    }
    const properties = isPlainObject(schema.properties) ? schema.properties : undefined
    if (properties !== undefined) {
      named = true
      for (const [name, property] of Object.entries(properties)) {
        const resolved = resolve(property, route, `${pointer}/properties/${name}`, new Set(nextSeen))
        if (resolved?.[skip] === true) continue
        pathsOf(
          property,
          member(path, name),
          route,
          `${pointer}/properties/${name}`,
          skip,
          nextSeen,
          depth + 1,
          out,
        )
      }
    }
    const extra = schema.additionalProperties
    if (extra === true || isPlainObject(extra)) {
      out.add(path)
      report.push({
        route,
        pointer,
        message:
          'additionalProperties lets any member through: kept whole; name the members, or set additionalProperties: false',
      })
      return
    }
    if (!named) {
      const primitive = typeof type === 'string' && type !== 'object'
      if (!primitive && path !== '$')
        report.push({ route, pointer, message: 'a free-form object: kept whole; describe its properties' })
      out.add(path)
    }
  }

  /** The paths of the JSON schemas of a response or request body (`content` by media type). */
  const contentPaths = (
    owner: Schema | undefined,
    route: string,
    pointer: string,
    skip: 'readOnly' | 'writeOnly',
    out: Set<string>,
  ): void => {
    const content = isPlainObject(owner?.content) ? owner.content : {}
    for (const [type, media] of Object.entries(content)) {
      if (!isJson(type) || !isPlainObject(media) || media.schema === undefined) continue
      const at = `${pointer}/content/${type.replaceAll('~', '~0').replaceAll('/', '~1')}/schema`
      pathsOf(media.schema, '$', route, at, skip, new Set(), 0, out)
    }
  }

  for (const [template, item] of Object.entries(paths)) {
    if (!isPlainObject(item)) continue
    for (const method of METHODS) {
      const operation = item[method]
      if (!isPlainObject(operation)) continue
      const route = `${method.toUpperCase()} ${routePath(template)}`
      const pointer = `#/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}`
      const policy: Record<string, unknown> = {}
      const allow = new Set<string>()
      const responses = isPlainObject(operation.responses) ? operation.responses : {}
      const success = Object.keys(responses)
        .filter((status) => /^2(\d\d|XX)$/i.test(status))
        .sort()
      for (const status of options.successStatuses === 'lowest-2xx' ? success.slice(0, 1) : success) {
        const at = `${pointer}/responses/${status}`
        contentPaths(resolve(responses[status], route, at, new Set()), route, at, 'writeOnly', allow)
      }
      if (allow.size > 0) policy.allow = [...allow]
      if (options.accept !== false && operation.requestBody !== undefined) {
        const at = `${pointer}/requestBody`
        const accept = new Set<string>()
        contentPaths(resolve(operation.requestBody, route, at, new Set()), route, at, 'readOnly', accept)
        if (accept.size > 0) policy.accept = [...accept]
      }
      if (options.auth !== false) {
        const security = operation.security ?? globalSecurity
        if (Array.isArray(security)) {
          if (
            security.length === 0 ||
            security.some(
              (requirement) => isPlainObject(requirement) && Object.keys(requirement).length === 0,
            )
          )
            policy.auth = { public: true }
          else {
            const first = security[0]
            const scopes = isPlainObject(first)
              ? Object.values(first).flatMap((list) => (Array.isArray(list) ? list : []))
              : []
            policy.auth = scopes.length > 0 ? { scopes: [...new Set(scopes.map(String))] } : {}
          }
        }
      }
      const extension = operation['x-leakguard']
      if (extension !== undefined) {
        if (!isPlainObject(extension))
          fail(`${pointer}/x-leakguard`, `expected route options, got ${describe(extension)}`)
        Object.assign(policy, extension)
      }
      routes[route] = policy as RouteOptions
    }
  }
  return { routes, report }
}
