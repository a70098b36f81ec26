import { parsePath } from '../allowlist/parse.js'
import { describe, fail, integerOption, isPlainObject, objectOption, oneOf } from '../lib/validate.js'
import type { RouteOptions } from '../options.js'
import { FORBIDDEN_MEMBERS } from '../request/accept.js'
import { compilePattern } from '../routes/pattern.js'

/** Options of {@link fromOpenAPI}. */
export interface FromOpenAPIOptions {
  /**
   * Which success statuses a route's views are derived from: the lowest 2xx with a JSON schema
   * (`'lowest-2xx'`), or every 2xx (`'all-2xx'`): `allow` is then their union, and where statuses
   * describe different bodies (200 a resource, 202 a job) each gets its own `statusViews` entry.
   * @default 'all-2xx'
   */
  successStatuses?: 'lowest-2xx' | 'all-2xx'
  /** Derive `accept` from request bodies. @default true */
  accept?: boolean
  /** Derive `auth` (scopes, public routes) from `security`. @default true */
  auth?: boolean
  /**
   * The most paths one route's `allow` (or `accept`) may list. Schemas are read level by level;
   * the members of the level that would pass this are kept whole, and reported. Large linked
   * schemas (Stripe's expandable objects) name millions of nested members. @default 1000
   */
  maxPaths?: number
}

/** Something of the document that could not become a policy, and how to fix it. */
export interface OpenAPIReportEntry {
  /** The route pattern, `'GET /users/:id'`. */
  readonly route: string
  /** JSON pointer into the document. */
  readonly pointer: string
  readonly message: string
}

/** One operation of the document, and the route whose policy covers it. */
export interface OpenAPIOperation {
  /** Upper-case method, `'GET'`. */
  readonly method: string
  /** The path template as the document writes it, `'/users/{id}/'`. */
  readonly template: string
  /** The key of {@link OpenAPIPolicies.routes} for it, `'GET /users/:id'` (shared by operations the guard cannot tell apart). */
  readonly route: string
  /** JSON pointer to the operation. */
  readonly pointer: string
}

/** What {@link fromOpenAPI} derived. */
export interface OpenAPIPolicies {
  /** `routes` for the guard options, one entry per operation (merged where the guard cannot tell two apart). */
  readonly routes: Record<string, RouteOptions>
  /** Every operation, in document order, with its route: path templates do not map to routes one to one. */
  readonly operations: readonly OpenAPIOperation[]
  /** What could not be derived exactly (free-form objects, unresolvable `$ref`s). */
  readonly report: readonly OpenAPIReportEntry[]
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const
const OPTION_KEYS = ['successStatuses', 'accept', 'auth', 'maxPaths'] as const
/** Deepest JSON nesting read; deeper members are kept whole and reported. */
const MAX_DEPTH = 24
const IDENTIFIER = /^[A-Za-z_][\w]*$/
const PRIMITIVE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null'])
/** Keywords that describe a scalar value when a schema has no `type`. */
const SCALAR_HINTS = [
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'nullable',
] as const
const COMPOSITION = ['allOf', 'oneOf', 'anyOf'] as const
/** Characters a literal route segment cannot hold as such (`compilePattern` reads them as syntax). */
const SEGMENT_SYNTAX = /[\s:*?()[\]{}+#]/g

type Schema = Record<string, unknown>
type Skip = 'readOnly' | 'writeOnly'

/** A schema as written (maybe a `$ref`) and its JSON pointer in the document. */
interface At {
  readonly value: unknown
  readonly pointer: string
}

/** One JSON location of a body: the schemas that describe it, and the way down to it. */
interface BodyNode {
  readonly path: string
  readonly schemas: readonly At[]
  readonly lineage: Lineage | undefined
}

/** The schemas whose members led to each ancestor location: a linked list, shared, never copied. */
interface Lineage {
  readonly schemas: ReadonlySet<Schema>
  readonly parent: Lineage | undefined
}

/** Where a location lets anything through: a schema `{}` or `true`, or a `$ref` that does not resolve. */
interface Openness {
  any: string | undefined
  unresolved: boolean
}

/** What one location of a body becomes. */
type Shape =
  | { readonly kind: 'skip' }
  | { readonly kind: 'leaf' }
  | { readonly kind: 'children'; readonly children: readonly BodyNode[] }

const escapePointer = (token: string) =>
  token.includes('~') || token.includes('/') ? token.replaceAll('~', '~0').replaceAll('/', '~1') : token

/** The spelling of member `name` in an allowlist path that the guard reads back exactly, if any. */
function memberSegment(name: string): string | undefined {
  const quoted = [`['${name}']`, `["${name}"]`]
  for (const candidate of IDENTIFIER.test(name) ? [`.${name}`, ...quoted] : [...quoted, `.${name}`]) {
    try {
      const parsed = parsePath(`$${candidate}`, 'member')
      if (parsed.length === 1 && parsed[0]!.kind === 'name' && parsed[0]!.name === name) return candidate
    } catch {
      // not this spelling
    }
  }
  return undefined
}

const percentEncode = (char: string) => {
  const encoded = encodeURIComponent(char)
  return encoded === char ? `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encoded
}

/**
 * `/users/{id}/orders/{orderId}` -> `/users/:id/orders/:orderId`; a segment mixing text and
 * parameters (`{base}...{head}`) becomes one parameter, and syntax characters in literal text are
 * percent-encoded (the guard decodes request paths before matching).
 */
function routePath(template: string): { path: string; mixed: boolean } {
  const names = new Set<string>()
  const param = (raw: string) => {
    let name = raw.replace(/\W/g, '_')
    if (!/^[A-Za-z_]/.test(name)) name = `_${name}`
    let unique = name
    for (let i = 2; names.has(unique); i++) unique = `${name}_${i}`
    names.add(unique)
    return `:${unique}`
  }
  let mixed = false
  const segments = template
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const params = [...segment.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!)
      if (params.length === 0) return segment.replace(SEGMENT_SYNTAX, percentEncode)
      if (params.length > 1 || segment !== `{${params[0]}}`) mixed = true
      return param(params.join('_'))
    })
  return { path: `/${segments.join('/')}`, mixed }
}

/** Whether a media type carries JSON (`*\/*` too: code-first generators write it for JSON). */
function isJson(type: string): boolean {
  const base = type.split(';')[0]!.trim().toLowerCase()
  return base === 'application/json' || base.endsWith('+json') || base === '*/*'
}

/**
 * Turns an OpenAPI 3.0/3.1 document (parsed JSON or YAML, local `$ref`s) into leakguard `routes`:
 * the JSON response schemas of each operation become its `allow` view (members the schema names;
 * `writeOnly` members never), request body schemas become `accept` (`readOnly` members never), and
 * `security` becomes `auth` (the scopes of the first requirement; `security: []` makes a route
 * public, an empty requirement among others makes it optional). `x-leakguard` on an operation is
 * merged over what was derived (roles views, masks, ...). What a schema leaves open (free-form
 * objects, `additionalProperties`, recursion, more than `maxPaths` members) is kept whole and
 * reported. Operations the guard cannot tell apart (`/users` and `/users/`) share one route.
 * @throws LeakguardConfigError when `doc` is not an OpenAPI 3 document, or an option is invalid
 */
export function fromOpenAPI(doc: unknown, options: FromOpenAPIOptions = {}): OpenAPIPolicies {
  if (!isPlainObject(doc) || typeof doc.openapi !== 'string' || !/^3\.[01]\./.test(doc.openapi))
    fail(
      'fromOpenAPI(doc)',
      `expected an OpenAPI 3.0 or 3.1 document (an object with openapi: '3.x.y'), got ${describe(isPlainObject(doc) ? doc.openapi : doc)}`,
    )
  objectOption(options, 'fromOpenAPI(options)', OPTION_KEYS)
  const successStatuses = oneOf(
    options.successStatuses,
    'fromOpenAPI(options).successStatuses',
    ['lowest-2xx', 'all-2xx'],
    'all-2xx',
  )
  const maxPaths = integerOption(options.maxPaths, 'fromOpenAPI(options).maxPaths', 1, 1_000_000, 1000)
  const report: OpenAPIReportEntry[] = []
  const reported = new Set<string>()
  const note = (route: string, pointer: string, message: string) => {
    const key = `${route}\n${pointer}\n${message}`
    if (reported.has(key)) return
    reported.add(key)
    report.push({ route, pointer, message })
  }

  const segments = new Map<string, string | undefined>()
  const targets = new Map<string, unknown>()
  /** The value a local `$ref` names (`#/a~1b/%7Bid%7D`), or undefined. */
  const lookup = (ref: string): unknown => {
    if (targets.has(ref)) return targets.get(ref)
    let at: unknown = doc
    for (const raw of ref.slice(2).split('/')) {
      let token = raw
      try {
        token = decodeURIComponent(raw)
      } catch {
        // a lone '%' is literal text
      }
      token = token.replaceAll('~1', '/').replaceAll('~0', '~')
      at = isPlainObject(at) || Array.isArray(at) ? (at as Record<string, unknown>)[token] : undefined
    }
    targets.set(ref, at)
    return at
  }

  /** Follows `$ref`s: the object a value stands for, and its pointer; undefined when unresolved. */
  const resolve = (at: At, route: string, path: string): { schema: Schema; pointer: string } | undefined => {
    let { value, pointer } = at
    for (let hops = 0; isPlainObject(value) && typeof value.$ref === 'string'; hops++) {
      const ref = value.$ref
      if (!ref.startsWith('#')) {
        note(
          route,
          pointer,
          `${path}: $ref ${ref} is not local to the document: bundle it first (kept whole)`,
        )
        return undefined
      }
      const target = ref === '#' ? doc : lookup(ref)
      if (target === undefined || hops > 64) {
        const why = target === undefined ? 'points at nothing in the document' : 'is a loop of $refs'
        note(route, pointer, `${path}: $ref ${ref} ${why} (kept whole)`)
        return undefined
      }
      value = target
      pointer = ref
    }
    return isPlainObject(value) ? { schema: value, pointer } : undefined
  }

  /**
   * The schema objects that describe one JSON location: through `$ref` (with its 3.1 siblings) and
   * `allOf`/`oneOf`/`anyOf`. `open` is set when something there lets any value through.
   */
  const flatten = (at: At, route: string, path: string, into: Map<Schema, string>, open: Openness): void => {
    const visit = (value: unknown, pointer: string): void => {
      if (value === true || (isPlainObject(value) && Object.keys(value).length === 0)) {
        open.any ??= pointer
        return
      }
      if (!isPlainObject(value) || into.has(value)) return
      into.set(value, pointer)
      if (typeof value.$ref === 'string') {
        const target = resolve({ value: { $ref: value.$ref }, pointer }, route, path)
        if (target === undefined) open.unresolved = true
        else visit(target.schema, target.pointer)
      }
      for (const key of COMPOSITION) {
        const parts = value[key]
        if (!Array.isArray(parts)) continue
        parts.forEach((part, i) => {
          visit(part, `${pointer}/${key}/${i}`)
        })
      }
    }
    visit(at.value, at.pointer)
  }

  /** What the location `node` becomes: left out, a leaf (kept whole), or its members and items. */
  const shape = (node: BodyNode, route: string, skip: Skip, accept: boolean): Shape => {
    const found = new Map<Schema, string>()
    const open: Openness = { any: undefined, unresolved: false }
    for (const at of node.schemas) flatten(at, route, node.path, found, open)
    const schemas = [...found.keys()]
    if (schemas.some((schema) => schema[skip] === true)) return { kind: 'skip' }
    if (open.any !== undefined) {
      note(route, open.any, `${node.path}: a schema that allows any value: kept whole; describe it`)
      return { kind: 'leaf' }
    }
    if (open.unresolved) return { kind: 'leaf' } // reported by resolve()
    if (found.size === 0) return { kind: 'skip' }
    const where = found.values().next().value as string
    for (let parent = node.lineage; parent !== undefined; parent = parent.parent) {
      const again = schemas.find((schema) => parent.schemas.has(schema))
      if (again !== undefined) {
        note(
          route,
          found.get(again)!,
          `${node.path}: the schema contains itself: kept whole below this member; list the members it may hold with x-leakguard allow`,
        )
        return { kind: 'leaf' }
      }
    }
    const members = new Map<string, { schemas: At[]; owners: Set<Schema> }>()
    const items: At[] = []
    const itemOwners = new Set<Schema>()
    let array = false
    let scalar = false
    let freeForm: string | undefined
    for (const [schema, pointer] of found) {
      const types = Array.isArray(schema.type)
        ? schema.type.map(String)
        : schema.type === undefined
          ? []
          : [String(schema.type)]
      if (types.length > 0 && types.every((type) => PRIMITIVE_TYPES.has(type))) {
        scalar = true
        continue
      }
      const hint = types.length === 0 && SCALAR_HINTS.some((key) => schema[key] !== undefined)
      if (hint) scalar = true
      const arrayish =
        types.includes('array') || schema.items !== undefined || schema.prefixItems !== undefined
      if (arrayish) {
        array = true
        if (isPlainObject(schema.items) || schema.items === true)
          items.push({ value: schema.items, pointer: `${pointer}/items` })
        if (Array.isArray(schema.prefixItems))
          schema.prefixItems.forEach((item, i) => {
            items.push({ value: item, pointer: `${pointer}/prefixItems/${i}` })
          })
        if (items.length > 0) itemOwners.add(schema)
      }
      const properties = isPlainObject(schema.properties) ? schema.properties : undefined
      for (const [name, value] of Object.entries(properties ?? {})) {
        const member = members.get(name) ?? { schemas: [], owners: new Set<Schema>() }
        members.set(name, member)
        member.schemas.push({ value, pointer: `${pointer}/properties/${escapePointer(name)}` })
        member.owners.add(schema)
      }
      for (const key of ['additionalProperties', 'unevaluatedProperties'] as const) {
        const extra = schema[key]
        if (extra === true || isPlainObject(extra)) {
          note(
            route,
            pointer,
            `${node.path}: ${key} lets any member through: kept whole; name the members, or set ${key}: false`,
          )
          return { kind: 'leaf' }
        }
      }
      if (isPlainObject(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0) {
        note(
          route,
          pointer,
          `${node.path}: patternProperties lets members through by name pattern: kept whole; name them`,
        )
        return { kind: 'leaf' }
      }
      const wrapper = schema.$ref !== undefined || COMPOSITION.some((key) => Array.isArray(schema[key]))
      if (!wrapper && !arrayish && properties === undefined && !hint) freeForm ??= pointer
    }
    if (array && items.length === 0) {
      note(route, where, `${node.path}: an array without items: kept whole; describe its items`)
      return { kind: 'leaf' }
    }
    if (
      !array &&
      members.size === 0 &&
      ![...found.keys()].some((schema) => isPlainObject(schema.properties))
    ) {
      if (freeForm !== undefined || !scalar)
        note(
          route,
          freeForm ?? where,
          `${node.path}: a free-form object: kept whole; describe its properties`,
        )
      return { kind: 'leaf' }
    }
    // Recursion is a schema met again below a member it owns: a mixin reused elsewhere is not.
    const children: BodyNode[] = []
    if (items.length > 0)
      children.push({
        path: `${node.path}[*]`,
        schemas: items,
        lineage: { schemas: itemOwners, parent: node.lineage },
      })
    for (const [name, member] of members) {
      const pointer = member.schemas[0]!.pointer
      if (accept && FORBIDDEN_MEMBERS.has(name)) {
        note(
          route,
          pointer,
          `${node.path}: the member ${JSON.stringify(name)} is never accepted in a request body: left out`,
        )
        continue
      }
      if (!segments.has(name)) segments.set(name, memberSegment(name))
      const segment = segments.get(name)
      if (segment === undefined) {
        note(
          route,
          pointer,
          `${node.path}: the member name ${JSON.stringify(name)} cannot be written as an allowlist path: left out; rename it, or add the member with x-leakguard`,
        )
        continue
      }
      children.push({
        path: `${node.path}${segment}`,
        schemas: member.schemas,
        lineage: { schemas: member.owners, parent: node.lineage },
      })
    }
    return { kind: 'children', children }
  }

  /** Adds the allowlist paths of a body (its schemas by media type) to `out`, level by level. */
  const bodyPaths = (roots: readonly At[], route: string, skip: Skip, out: Set<string>): void => {
    if (roots.length === 0) return
    const accept = skip === 'readOnly'
    let level: BodyNode[] = [{ path: '$', schemas: roots, lineage: undefined }]
    for (let depth = 0; level.length > 0; depth++) {
      const next: BodyNode[] = []
      const parents: string[] = []
      for (const node of level) {
        const result = shape(node, route, skip, accept)
        if (result.kind === 'leaf') out.add(node.path)
        else if (result.kind === 'children' && result.children.length > 0) {
          parents.push(node.path)
          next.push(...result.children)
        }
      }
      if (next.length === 0) return
      if (depth + 1 > MAX_DEPTH || out.size + next.length > maxPaths) {
        for (const path of parents) out.add(path)
        note(
          route,
          roots[0]!.pointer,
          depth + 1 > MAX_DEPTH
            ? `the schema nests deeper than ${MAX_DEPTH} levels: ${parents.length} members at that depth kept whole (${parents.slice(0, 3).join(', ')}...)`
            : `the schema names more than ${maxPaths} members (maxPaths): ${parents.length} members at depth ${depth} kept whole (${parents.slice(0, 3).join(', ')}${parents.length > 3 ? ', ...' : ''}); list the members you return with x-leakguard allow, or raise maxPaths`,
        )
        return
      }
      level = next
    }
  }

  /** The JSON schemas of a response or request body (`content` by media type). */
  const contentSchemas = (owner: At, route: string, out: At[]): void => {
    const resolved = resolve(owner, route, '$')
    if (resolved === undefined) return
    const content = isPlainObject(resolved.schema.content) ? resolved.schema.content : {}
    for (const [type, media] of Object.entries(content)) {
      if (!isJson(type) || !isPlainObject(media) || media.schema === undefined) continue
      out.push({ value: media.schema, pointer: `${resolved.pointer}/content/${escapePointer(type)}/schema` })
    }
  }

  const authOf = (security: unknown): RouteOptions['auth'] | undefined => {
    if (!Array.isArray(security)) return undefined
    const requirements = security.filter(isPlainObject)
    const open = requirements.filter((requirement) => Object.keys(requirement).length === 0)
    if (requirements.length === 0 || open.length === requirements.length) return { public: true }
    if (open.length > 0) return { optional: true }
    const scopes = Object.values(requirements[0]!).flatMap((list) => (Array.isArray(list) ? list : []))
    return scopes.length > 0 ? { scopes: [...new Set(scopes.map(String))] } : {}
  }

  const routes: Record<string, RouteOptions> = {}
  const operations: OpenAPIOperation[] = []
  const byKey = new Map<string, string>()
  const paths = isPlainObject(doc.paths) ? doc.paths : {}
  for (const [template, rawItem] of Object.entries(paths)) {
    const { path, mixed } = routePath(template)
    const item = resolve({ value: rawItem, pointer: `#/paths/${escapePointer(template)}` }, `* ${path}`, '$')
    if (item === undefined) continue
    for (const method of METHODS) {
      const operation = item.schema[method]
      if (!isPlainObject(operation)) continue
      const pointer = `${item.pointer}/${method}`
      const key = compilePattern(`${method.toUpperCase()} ${path}`, pointer).key
      const same = byKey.get(key)
      const route = same ?? `${method.toUpperCase()} ${path}`
      operations.push({ method: method.toUpperCase(), template, route, pointer })
      if (same === undefined) byKey.set(key, route)
      else
        note(
          route,
          pointer,
          `${method.toUpperCase()} ${template} is the same route as ${same} for the guard (case, trailing slashes and parameter names do not count): their policies are merged`,
        )
      if (mixed)
        note(
          route,
          pointer,
          `the path ${template} mixes parameters and text in one segment: matched as one parameter, so the route also matches other values there`,
        )
      const policy: Record<string, unknown> = {}
      const allow = new Set<string>()
      const responses = isPlainObject(operation.responses) ? operation.responses : {}
      const success = Object.keys(responses)
        .filter((status) => /^2(\d\d|XX)$/i.test(status))
        .sort()
      const responseSchemas: At[] = []
      const byStatus = new Map<string, At[]>()
      for (const status of success) {
        const before = responseSchemas.length
        contentSchemas(
          { value: responses[status], pointer: `${pointer}/responses/${status}` },
          route,
          responseSchemas,
        )
        if (responseSchemas.length > before && /^\d+$/.test(status))
          byStatus.set(status, responseSchemas.slice(before))
        if (successStatuses === 'lowest-2xx' && responseSchemas.length > before) break
      }
      bodyPaths(responseSchemas, route, 'writeOnly', allow)
      if (allow.size > 0) policy.allow = [...allow]
      // Bodies that differ by status (200 a resource, 202 a job): each status its own view, the
      // union in `allow` for the statuses the document leaves to a range (`2XX`) or does not list.
      if (byStatus.size > 1) {
        const views: Record<string, string[]> = {}
        for (const [status, schemas] of byStatus) {
          const paths = new Set<string>()
          bodyPaths(schemas, route, 'writeOnly', paths)
          views[status] = [...paths]
        }
        const lists = Object.values(views).map((paths) => [...paths].sort().join('\n'))
        if (new Set(lists).size > 1) policy.statusViews = views
      }
      if (options.accept !== false && operation.requestBody !== undefined) {
        const accept = new Set<string>()
        const requestSchemas: At[] = []
        contentSchemas(
          { value: operation.requestBody, pointer: `${pointer}/requestBody` },
          route,
          requestSchemas,
        )
        bodyPaths(requestSchemas, route, 'readOnly', accept)
        if (accept.size > 0) policy.accept = [...accept]
      }
      if (options.auth !== false) {
        const auth = authOf(operation.security ?? doc.security)
        if (auth !== undefined) policy.auth = auth
      }
      const extension = operation['x-leakguard']
      if (extension !== undefined) {
        if (!isPlainObject(extension))
          fail(`${pointer}/x-leakguard`, `expected route options, got ${describe(extension)}`)
        Object.assign(policy, extension)
      }
      routes[route] =
        same === undefined
          ? (policy as RouteOptions)
          : mergePolicies(routes[route] as Record<string, unknown>, policy, (message) =>
              note(route, pointer, message),
            )
    }
  }
  return { routes, operations, report }
}

/** One policy for two operations the guard cannot tell apart: the union of what each lets through. */
function mergePolicies(
  first: Record<string, unknown>,
  second: Record<string, unknown>,
  warn: (message: string) => void,
): RouteOptions {
  const merged: Record<string, unknown> = { ...first, ...second }
  for (const key of ['allow', 'accept'] as const) {
    const a = first[key]
    const b = second[key]
    if (Array.isArray(a) && Array.isArray(b)) merged[key] = [...new Set([...a, ...b])]
    else merged[key] = a ?? b
    if (merged[key] === undefined) delete merged[key]
  }
  const authA = first.auth as Record<string, unknown> | undefined
  const authB = second.auth as Record<string, unknown> | undefined
  if (JSON.stringify(authA) !== JSON.stringify(authB)) {
    // The stricter requirement wins: a token, without scopes the other operation does not ask.
    const open = (auth: Record<string, unknown> | undefined) =>
      auth?.public === true || auth?.optional === true
    merged.auth = open(authA) ? authB : open(authB) ? authA : {}
    if (merged.auth === undefined) delete merged.auth
    warn(
      'their security requirements differ: the merged route requires a token; set x-leakguard auth to be exact',
    )
  }
  return merged as RouteOptions
}
