/**
 * Notices routes whose responses carry small, dense integer ids (`1001`, `1002`, ...): anyone can
 * walk them, and they tell a competitor how many orders you take. Each route is reported once.
 * Only the first responses of a route are looked at, so the cost stops there.
 */

/** What is reported of a route (never an id). */
export interface SequentialIdReport {
  /** The route pattern, or the request path with id-like segments as `:n`. */
  readonly route: string
  /** Where the ids were: `$.id`, `$[*].id` or `$.<list>[*].id`. */
  readonly path: string
  /** Distinct ids seen. */
  readonly distinct: number
  /** How many ids the range of those seen holds (highest minus lowest, plus one). */
  readonly span: number
}

/** Distinct ids needed before a route is judged. */
const SAMPLE = 20
/** Responses looked at per route at most. */
const MAX_RESPONSES = 200
/** Routes remembered at most (each costs a small set). */
const MAX_ROUTES = 1024
/** Items of a list looked at per response. */
const MAX_ITEMS = 32
/** Ids at most this large are "small". */
const SMALL = 1_000_000_000
/** The share of the range the ids must fill to be dense. */
const DENSITY = 0.25

interface RouteIds {
  readonly ids: Set<number>
  path: string
  responses: number
  done: boolean
}

function idOf(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value > 0 && value < SMALL ? value : undefined
  if (typeof value === 'string' && value.length <= 9 && /^[1-9]\d*$/.test(value)) return Number(value)
  return undefined
}

/** The `id` members of a body: its own, or its items' (a top-level list or a list member). */
function collect(body: unknown, into: Set<number>): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  if (Array.isArray(body)) return collectItems(body, '$', into)
  const own = idOf((body as Record<string, unknown>).id)
  if (own !== undefined) {
    into.add(own)
    return '$.id'
  }
  const record = body as Record<string, unknown>
  for (const name of Object.keys(record)) {
    const value = record[name]
    if (Array.isArray(value)) {
      const path = collectItems(value, /^[A-Za-z_$][\w$]*$/.test(name) ? `$.${name}` : `$['${name}']`, into)
      if (path !== undefined) return path
    }
  }
  return undefined
}

function collectItems(items: readonly unknown[], at: string, into: Set<number>): string | undefined {
  let found = false
  for (let i = 0; i < items.length && i < MAX_ITEMS; i++) {
    const item = items[i]
    if (typeof item !== 'object' || item === null) return undefined
    const id = idOf((item as Record<string, unknown>).id)
    if (id === undefined) continue
    into.add(id)
    found = true
  }
  return found ? `${at}[*].id` : undefined
}

/**
 * The route a path is counted under when no pattern names it: a segment that does not read as a
 * fixed word (it holds a digit, `@`, `.` or other punctuation, or is over 32 characters: ids, slugs
 * with numbers, emails, tokens) becomes `:n`, so `/orders/1001` and `/orders/1002`, or reset links
 * with different tokens, are one route.
 */
export function routeOfPath(path: string): string {
  let route = ROUTES_OF_PATHS.get(path)
  if (route === undefined) {
    route = path.replace(/\/([^/]*)(?=\/|$)/g, (whole, segment: string) =>
      segment === '' || (segment.length <= 32 && /^[A-Za-z_-]+$/.test(segment)) ? whole : '/:n',
    )
    // Paths repeat (every response of an undeclared route asks): short ones are remembered, a
    // bounded number of them, so a client spraying paths costs a cleared map, not memory.
    if (path.length <= 256) {
      if (ROUTES_OF_PATHS.size >= MAX_PATHS) ROUTES_OF_PATHS.clear()
      ROUTES_OF_PATHS.set(path, route)
    }
  }
  return route
}

/** Paths whose route {@link routeOfPath} remembers at most. */
const MAX_PATHS = 1024
const ROUTES_OF_PATHS = new Map<string, string>()

export function createSequentialIdWatch(report: (found: SequentialIdReport) => void) {
  const routes = new Map<string, RouteIds>()
  return {
    /** Looks at a successful JSON body of `route`; reports the route the first time it qualifies. */
    observe(route: string, body: unknown): void {
      let state = routes.get(route)
      if (state === undefined) {
        // The oldest route makes room: a client spraying paths cannot blind the watch for good.
        if (routes.size >= MAX_ROUTES) routes.delete(routes.keys().next().value!)
        state = { ids: new Set(), path: '', responses: 0, done: false }
        routes.set(route, state)
      }
      if (state.done) return
      if (++state.responses > MAX_RESPONSES) {
        state.done = true
        state.ids.clear()
        return
      }
      const path = collect(body, state.ids)
      if (path !== undefined) state.path = path
      if (state.ids.size < SAMPLE) return
      state.done = true
      let low = Number.POSITIVE_INFINITY
      let high = 0
      for (const id of state.ids) {
        if (id < low) low = id
        if (id > high) high = id
      }
      const span = high - low + 1
      const distinct = state.ids.size
      state.ids.clear()
      if (distinct / span >= DENSITY) report({ route, path: state.path, distinct, span })
    },
  }
}
