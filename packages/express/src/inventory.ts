import type { Application } from 'express'

/** Routers nested deeper than this (or sub-apps mounted deeper) are counted as they are served. */
const MAX_DEPTH = 8
/** Layers looked at per app: a huge or generated stack costs a bounded walk. */
const MAX_LAYERS = 10_000
/** Routes registered per app, the route inventory's own bound. */
const MAX_ROUTES = 2048
/** Full prefixes one router is reachable at (arrays of mount paths multiply). */
const MAX_PREFIXES = 64

/** A router of either major: Express 4 `_router`, router 2.x (Express 5), a mounted `Router()`. */
interface RouterLike {
  readonly stack?: unknown
  /** router 2.3+: the routes and mounted routers of this router, with their paths. */
  readonly listRoutes?: unknown
}

interface LayerLike {
  readonly handle?: unknown
  readonly route?: { readonly path?: unknown; readonly methods?: unknown }
  /** Express 4: the compiled mount path, `fast_slash` when it is `/`. */
  readonly regexp?: unknown
  /** Express 4: the parameters of `regexp`, in order. */
  readonly keys?: unknown
  /** router 2.x: mounted at `/`. */
  readonly slash?: unknown
  /** router 2.3+: the mount path as given (arrays flattened). */
  readonly rawPath?: unknown
}

interface MountedApp {
  readonly mountpath?: unknown
  readonly parent?: MountedApp | null
}

/** A route (with its methods) or a mounted router, with the paths it is registered at. */
type Entry =
  | { readonly paths: readonly string[]; readonly methods: readonly string[]; readonly router?: undefined }
  | { readonly paths: readonly string[]; readonly methods?: undefined; readonly router: RouterLike }

/**
 * A path made of fixed segments and `:name` parameters only: the subset Express 4 and 5 read the
 * same way and the core's route table understands. Optional parts, wildcards and groups are not.
 */
const PLAIN_PATH = /^(?:\/(?:[^/\\{}()[\]*+?!:^$|]|:[A-Za-z_]\w*)*)*$/

/** A parameter as Express 4's path-to-regexp 0.1 compiles `/:name` (0.1.10+ and older). */
const EXPRESS4_PARAM = /^(?:\(\?:\\\/\(\[\^\\?\/\]\+\?\)\)|\\\/\(\?:\(\[\^\\?\/\]\+\?\)\))/
/** How Express 4 ends a non-strict mount path: an optional slash, then a segment boundary. */
const EXPRESS4_TAIL = '\\/?(?=\\/|$)'

const registered = new WeakSet<object>()

const isObject = (value: unknown): value is object =>
  (typeof value === 'object' || typeof value === 'function') && value !== null

/** `'/api/'` → `'/api'`, `'/'` → `''`; `undefined` for what is not a plain path. */
function plainPrefix(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined
  const trimmed = path.replace(/\/+$/, '')
  return PLAIN_PATH.test(trimmed) ? trimmed : undefined
}

/** The strings of a path or (nested) array of paths, at most {@link MAX_PREFIXES}. */
function pathStrings(path: unknown): string[] {
  if (typeof path === 'string') return [path]
  if (!Array.isArray(path)) return []
  const out: string[] = []
  const visit = (value: unknown, depth: number): void => {
    if (out.length >= MAX_PREFIXES) return
    if (typeof value === 'string') out.push(value)
    else if (Array.isArray(value) && depth < MAX_DEPTH) for (const item of value) visit(item, depth + 1)
  }
  visit(path, 0)
  return out
}

/** The plain prefixes of a mount path, a path array, or none (a RegExp). */
function prefixesOf(path: unknown): string[] {
  return pathStrings(path).flatMap((one) => plainPrefix(one) ?? [])
}

/** Splits a regexp source at its top-level `|`. */
function alternatives(source: string): string[] {
  const out: string[] = []
  let depth = 0
  let inClass = false
  let start = 0
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (char === '\\') i++
    else if (inClass) inClass = char !== ']'
    else if (char === '[') inClass = true
    else if (char === '(') depth++
    else if (char === ')') depth--
    else if (char === '|' && depth === 0) {
      out.push(source.slice(start, i))
      start = i + 1
    }
  }
  out.push(source.slice(start))
  return out
}

/**
 * Express 4 keeps a mount path only compiled (`layer.regexp`, parameters in `layer.keys`): reads
 * back the alternatives made of fixed text and `/:name`, each checked by matching a sample path
 * with it. Stops at the first alternative it cannot read (a RegExp, `*`, `:name?`), whose
 * captures would shift the parameter names of the next.
 */
function express4Prefixes(regexp: RegExp, keys: unknown): string[] {
  const names = Array.isArray(keys) ? keys : []
  const out: string[] = []
  let key = 0
  for (const alternative of alternatives(regexp.source)) {
    if (!alternative.startsWith('^') || !alternative.endsWith(EXPRESS4_TAIL)) break
    let body = alternative.slice(1, -EXPRESS4_TAIL.length)
    let path = ''
    const samples: string[] = []
    while (body !== '') {
      const param = EXPRESS4_PARAM.exec(body)
      if (param !== null) {
        const name = (names[key] as { name?: unknown; optional?: unknown } | undefined)?.name
        if (typeof name !== 'string' || (names[key] as { optional?: unknown }).optional === true) return out
        path += `/:${name}`
        samples.push(`lg${key}`)
        key++
        body = body.slice(param[0].length)
      } else if (body[0] === '\\' && body.length > 1 && !/\w/.test(body[1]!)) {
        path += body[1]
        body = body.slice(2)
      } else if (/[\\^$.*+?()[\]{}|/]/.test(body[0]!)) {
        return out
      } else {
        path += body[0]
        body = body.slice(1)
      }
    }
    const prefix = plainPrefix(path)
    if (prefix === undefined) return out
    let index = 0
    const sample = prefix.replace(/:[A-Za-z_]\w*/g, () => samples[index++] ?? '')
    const match = new RegExp(alternative, regexp.flags).exec(`${sample}/lg`)
    const captured = match?.slice(1).filter((value) => value !== undefined)
    if (match?.[0] !== sample || captured?.join('/') !== samples.join('/')) return out
    out.push(prefix)
  }
  return out
}

/** The prefixes a mounted router's layer is reachable at, as far as they can be read exactly. */
function layerPrefixes(layer: LayerLike): string[] {
  const regexp = layer.regexp
  if (layer.slash === true || (regexp as { fast_slash?: unknown } | undefined)?.fast_slash === true)
    return ['']
  if (layer.rawPath !== undefined) return prefixesOf(layer.rawPath)
  if (regexp instanceof RegExp) return express4Prefixes(regexp, layer.keys)
  // router 2.0-2.2 keeps only matcher functions.
  return []
}

/** A route or mounted router of a stack layer; `undefined` for middleware (or a layer it cannot read). */
function entryOf(layer: LayerLike): Entry | undefined {
  try {
    const route = layer.route
    if (isObject(route)) {
      if (!isObject(route.methods)) return undefined
      const methods = Object.keys(route.methods).map((method) =>
        method === '_all' ? '*' : method.toUpperCase(),
      )
      return { paths: pathStrings(route.path), methods }
    }
    const handle = layer.handle
    // A sub-app mounted here is hidden in Express's `mounted_app` closure: it is not a router.
    if (isObject(handle) && Array.isArray((handle as RouterLike).stack))
      return { paths: layerPrefixes(layer), router: handle as RouterLike }
  } catch {
    // A getter that throws, a foreign layer: skipped, the rest of the stack still counts.
  }
  return undefined
}

/** The routes of `router.listRoutes()` (router 2.3+), or `undefined` when it has none or it throws. */
function listedEntries(router: RouterLike, budget: { layers: number }): Entry[] | undefined {
  if (typeof router.listRoutes !== 'function') return undefined
  let listed: unknown
  try {
    listed = router.listRoutes()
  } catch {
    return undefined
  }
  if (!Array.isArray(listed)) return undefined
  const entries: Entry[] = []
  for (const item of listed as { path?: unknown; methods?: unknown; router?: unknown }[]) {
    if (--budget.layers < 0) break
    if (!isObject(item)) continue
    if (isObject(item.router)) entries.push({ paths: prefixesOf(item.path), router: item.router })
    else if (Array.isArray(item.methods))
      entries.push({ paths: pathStrings(item.path), methods: item.methods.map(String) })
  }
  return entries
}

/** The routes and mounted routers of `router`, at most `budget.layers` of them in all. */
function entriesOf(router: RouterLike, budget: { layers: number }): Entry[] {
  const listed = listedEntries(router, budget)
  if (listed !== undefined) return listed
  const stack = router.stack
  if (!Array.isArray(stack)) return []
  const entries: Entry[] = []
  for (const layer of stack as unknown[]) {
    if (--budget.layers < 0) break
    const entry = isObject(layer) ? entryOf(layer as LayerLike) : undefined
    if (entry !== undefined) entries.push(entry)
  }
  return entries
}

/** Every full prefix of `app`: the mount paths of it and of the apps above it; `[]` if unknown. */
function appPrefixes(app: MountedApp): string[] {
  let prefixes = ['']
  let current = app
  for (let depth = 0; isObject(current.parent); depth++) {
    if (depth >= MAX_DEPTH) return []
    const own = prefixesOf(current.mountpath)
    prefixes = own.flatMap((outer) => prefixes.map((inner) => outer + inner)).slice(0, MAX_PREFIXES)
    current = current.parent
  }
  return prefixes
}

/** `prefix` + `path`, where a route at `/` under a prefix is the prefix itself. */
const joinPath = (prefix: string, path: string): string =>
  prefix === '' ? path : path === '/' ? prefix : prefix + path

/**
 * Tells the route inventory the app's routes once, on its first request (routes are added after
 * `leakguard()`), with their full patterns: routes on the app and on the routers mounted on it,
 * at `/`, under a prefix (`app.use('/api', router)`), nested (`router.use('/v1', sub)`), with
 * parameters (`app.use('/orgs/:org', router)`) or at an array of paths. When `app` is a sub-app
 * running `leakguard()` itself, its routes are registered under its mount path (and those of the
 * apps above it).
 *
 * The prefixes are read exactly or not at all: router 2.3+ (Express 5) lists them
 * (`router.listRoutes()`, else `layer.rawPath`); Express 4 keeps them compiled in `layer.regexp`,
 * read back for fixed text and `/:name` parameters and checked by matching a sample path. Not
 * registered here, and counted as they are served instead:
 * - routers mounted at a RegExp, or at a path with optional parts, wildcards or groups;
 * - routers under a prefix on router 2.0-2.2 (Express 5 before it), which keeps only matchers;
 * - sub-apps mounted below the app that runs `leakguard()`: Express hides them in a closure
 *   (`mounted_app`), and reaching them would mean running them; the adapter calls this again
 *   with `req.app` when a response finishes, so a sub-app is registered when it first answers;
 * - an app mounted through a `Router()` rather than `app.use()`, whose `mountpath` stays `/`;
 * - routers nested deeper than 8, past 10,000 layers, or past 2,048 routes.
 *
 * Never throws (the inventory is advisory), and registers each method and pattern once.
 */
export function registerAppRoutes(
  app: Application | undefined,
  guard: { registerRoute(method: string, path: string): void },
): void {
  if (app === undefined || registered.has(app)) return
  registered.add(app)
  try {
    const holder = app as unknown as { _router?: RouterLike; router?: RouterLike }
    // Express 4's `app.router` getter throws: its router is `_router`.
    const router = holder._router ?? ('_router' in holder ? undefined : holder.router)
    if (!isObject(router)) return
    const seen = new Set<string>()
    const budget = { layers: MAX_LAYERS }
    const ancestors = new Set<object>([router])
    const walk = (current: RouterLike, prefixes: readonly string[], depth: number): void => {
      for (const entry of entriesOf(current, budget)) {
        if (entry.router !== undefined) {
          if (depth >= MAX_DEPTH || ancestors.has(entry.router)) continue
          const nested = prefixes
            .flatMap((outer) => entry.paths.map((inner) => outer + inner))
            .slice(0, MAX_PREFIXES)
          if (nested.length === 0) continue
          ancestors.add(entry.router)
          walk(entry.router, nested, depth + 1)
          ancestors.delete(entry.router)
          continue
        }
        for (const prefix of prefixes) {
          for (const path of entry.paths) {
            const full = joinPath(prefix, path)
            for (const method of entry.methods) {
              const key = `${method} ${full}`
              if (seen.has(key)) continue
              if (seen.size >= MAX_ROUTES) return
              seen.add(key)
              guard.registerRoute(method, full)
            }
          }
        }
      }
    }
    walk(router, appPrefixes(app as unknown as MountedApp), 0)
  } catch {
    // An odd stack (a getter that throws, a foreign router): the routes join as they are served.
  }
}
