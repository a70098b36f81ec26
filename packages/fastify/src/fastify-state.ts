import type { RouteOptions as LeakguardRouteOptions } from '@leakguard/core'
import type { FastifyRequest } from 'fastify'

// What the adapter reads of Fastify's own state, in one place: the matched route's context and
// the internal symbols found by their descriptions (each with a public fallback or a safe default
// when a Fastify version names them otherwise).

/** What leakguard reads of the route Fastify matched for a request. */
export interface MatchedRoute {
  /** The route's config, with Fastify's `url` (the pattern) and `leakguard` (route options). */
  readonly config?: {
    readonly url?: string
    readonly leakguard?: LeakguardRouteOptions
  }
  readonly schema?: { readonly response?: unknown }
  /** The onSend hooks Fastify runs for the route, bound to their instances (read as it runs them). */
  readonly onSend?: unknown
}

/** Fastify's slot of a request's route context (`fastify.context`), once found. */
let routeSlot: symbol | undefined

/**
 * The route Fastify matched for `request`, read live (a `reply.callNotFound()` moves the request
 * to the not-found route). `request.routeOptions` says the same but is a getter that builds a
 * twelve-member object on every read (and asks the server about its constraint strategies):
 * about 0.3 us each, five or six reads per request. Read from the route context Fastify keeps on
 * the request when it is found there, through `routeOptions` otherwise (a Fastify that names its
 * slot otherwise).
 */
export function routeOf(request: FastifyRequest): MatchedRoute {
  routeSlot ??= symbolNamed(request, 'fastify.context')
  const context =
    routeSlot === undefined
      ? undefined
      : (request as unknown as Record<symbol, MatchedRoute | undefined>)[routeSlot]
  if (typeof context === 'object' && context !== null) return context
  const options = request.routeOptions
  return {
    config: options.config as MatchedRoute['config'],
    schema: options.schema as MatchedRoute['schema'],
  }
}

/** A Fastify-internal symbol on `target` or its prototypes, found by its description. */
export function symbolNamed(target: object, description: string): symbol | undefined {
  for (let at: object | null = target; at !== null; at = Object.getPrototypeOf(at)) {
    const found = Object.getOwnPropertySymbols(at).find((symbol) => symbol.description === description)
    if (found !== undefined) return found
  }
  return undefined
}
