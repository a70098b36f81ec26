/**
 * What the app serves, as leakguard sees it: requests, answers, dropped members and findings per
 * route, and routes the app serves that the policy never names (shadow endpoints).
 */

/** One route of {@link RouteInventory.snapshot}. */
export interface InventoryRoute {
  /** The route pattern of the policy, or the path with id-like segments as `:n`. */
  readonly route: string
  /** Whether a `routes` pattern names it. */
  readonly declared: boolean
  /** Whether the framework registered it (Fastify `onRoute`, the Express and Koa route stacks). */
  readonly registered: boolean
  /** Requests seen (that finished). */
  readonly requests: number
  /** Requests by status class: `2xx`, `3xx`, `4xx`, `5xx`. */
  readonly statuses: Readonly<Record<'2xx' | '3xx' | '4xx' | '5xx', number>>
  /** Response members the allowlist dropped, in all. */
  readonly droppedMembers: number
  /** Values redaction masked, in all. */
  readonly findings: number
  /** Methods seen. */
  readonly methods: readonly string[]
  /** When it was last seen (ISO 8601), or `undefined` for a declared route never requested. */
  readonly lastSeen: string | undefined
}

interface Counts {
  declared: boolean
  registered: boolean
  requests: number
  statuses: Record<'2xx' | '3xx' | '4xx' | '5xx', number>
  droppedMembers: number
  findings: number
  methods: Set<string>
  lastSeen: number | undefined
}

/** Routes counted at most: past it the oldest one seen only in traffic makes room. */
const MAX_ROUTES = 2048
/** The row of failed requests to paths no route is known for. */
export const UNMATCHED = '(unmatched failures)'

const fresh = (declared: boolean): Counts => ({
  declared,
  registered: false,
  requests: 0,
  statuses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
  droppedMembers: 0,
  findings: 0,
  methods: new Set(),
  lastSeen: undefined,
})

/** The inventory of one guard: declared patterns up front, the rest as they are served. */
export function createRouteInventory(declared: readonly string[], now: () => number = Date.now) {
  const routes = new Map<string, Counts>()
  for (const pattern of declared) routes.set(pattern, fresh(true))
  const countsOf = (route: string): { counts: Counts; added: boolean } => {
    let counts = routes.get(route)
    if (counts !== undefined) return { counts, added: false }
    if (routes.size >= MAX_ROUTES) {
      // The oldest route seen only in traffic makes room; declared and registered ones stay.
      for (const [key, value] of routes) {
        if (!value.declared && !value.registered && key !== UNMATCHED) {
          routes.delete(key)
          break
        }
      }
    }
    counts = fresh(false)
    routes.set(route, counts)
    return { counts, added: true }
  }
  return {
    /**
     * Counts a finished request; `true` the first time an undeclared route is served with a
     * success (the caller reports it).
     */
    finished(route: string, method: string, status: number): boolean {
      // A path no one knows that only fails (a scan, a typo) gets no row of its own: one row counts them all.
      const known = routes.has(route)
      const { counts, added } = countsOf(known || status < 400 ? route : UNMATCHED)
      counts.requests++
      const group = status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx'
      counts.statuses[group]++
      if (counts.methods.size < 16) counts.methods.add(method)
      counts.lastSeen = now()
      return (
        !counts.declared && status < 400 && (added || counts.statuses['2xx'] + counts.statuses['3xx'] === 1)
      )
    },
    /** Records a route the framework registered, under its policy pattern when one names it. */
    register(route: string, declared: boolean): void {
      const { counts } = countsOf(route)
      counts.registered = true
      if (declared) counts.declared = true
    },
    /** Adds what a response phase dropped and masked. */
    filtered(route: string, droppedMembers: number, findings: number): void {
      const counts = routes.get(route)
      if (counts === undefined) return
      counts.droppedMembers += droppedMembers
      counts.findings += findings
    },
    /** Every route, declared first, then by requests. */
    snapshot(): InventoryRoute[] {
      return [...routes]
        .map(([route, c]) => ({
          route,
          declared: c.declared,
          registered: c.registered,
          requests: c.requests,
          statuses: { ...c.statuses },
          droppedMembers: c.droppedMembers,
          findings: c.findings,
          methods: [...c.methods].sort(),
          lastSeen: c.lastSeen === undefined ? undefined : new Date(c.lastSeen).toISOString(),
        }))
        .sort((a, b) => Number(b.declared) - Number(a.declared) || b.requests - a.requests)
    },
  }
}
