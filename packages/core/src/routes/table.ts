import { describe, fail, isPlainObject } from '../lib/validate.js'
import type { RouteOptions } from '../options.js'
import {
  compareSpecificity,
  compilePattern,
  matchesPattern,
  paramNames,
  type RoutePattern,
  splitPath,
} from './pattern.js'
import { type CompiledRouteOptions, compileRouteOptions } from './policy.js'

/** A route pattern with its compiled policy. */
export interface RouteEntry {
  readonly pattern: RoutePattern
  readonly policy: CompiledRouteOptions
}

/** The routes of a guard, most specific first. */
export interface RouteTable {
  /** The policy of the most specific pattern matching the request, if any. */
  match(method: string, path: string): RouteEntry | undefined
  /** Every entry, most specific first. */
  readonly entries: readonly RouteEntry[]
}

/** Validates and compiles `routes`. @throws LeakguardConfigError */
export function compileRouteTable(routes: unknown): RouteTable {
  if (routes === undefined) return { match: () => undefined, entries: [] }
  if (!isPlainObject(routes))
    fail('routes', `expected an object of "METHOD /path" -> route options, got ${describe(routes)}`)
  const entries: RouteEntry[] = []
  const byKey = new Map<string, string>()
  for (const [source, options] of Object.entries(routes)) {
    const option = `routes[${JSON.stringify(source)}]`
    const pattern = compilePattern(source, option)
    const previous = byKey.get(pattern.key)
    if (previous !== undefined) {
      fail(
        option,
        `matches exactly what routes[${JSON.stringify(previous)}] matches; merge the two`,
        'ERR_LG_CONFIG_DUPLICATE_ROUTE',
      )
    }
    byKey.set(pattern.key, source)
    entries.push({
      pattern,
      policy: compileRouteOptions(options as RouteOptions, option, paramNames(pattern)),
    })
  }
  entries.sort((a, b) => compareSpecificity(a.pattern, b.pattern))
  return {
    entries,
    match(method, path) {
      if (entries.length === 0) return undefined
      const upper = method.toUpperCase()
      const segments = splitPath(path)
      for (const entry of entries) {
        if (matchesPattern(entry.pattern, upper, segments)) return entry
      }
      return undefined
    },
  }
}
