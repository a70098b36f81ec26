import {
  type CompiledRouteOptions,
  compileRoute,
  createGuard,
  type Guard,
  type GuardOptions,
  isGuard,
  type LeakguardRequestState,
  PROBLEM_CONTENT_TYPE,
  problemBody,
  type RequestContext,
  type RouteOptions,
} from '@leakguard/core'
import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** leakguard options of this route; they win over the pattern's, field by field. */
    leakguard?: RouteOptions
  }
  interface FastifyRequest {
    /** Set by leakguard on every request. */
    leakguard: LeakguardRequestState
  }
}

/** Options of the plugin: the core guard options (`getRoles` receives Fastify's `request`), or a guard. */
export type LeakguardOptions = GuardOptions<FastifyRequest> | { guard: Guard<FastifyRequest> }

// Options Fastify's `register` itself understands; they are not leakguard's.
const REGISTER_KEYS = new Set(['prefix', 'logLevel', 'logSerializers'])

function guardFrom(options: LeakguardOptions): Guard<FastifyRequest> {
  if (isGuard(options)) return options as Guard<FastifyRequest>
  if ('guard' in options) {
    if (!isGuard(options.guard)) throw new TypeError('leakguard: options.guard must be made by createGuard()')
    return options.guard
  }
  const guardOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !REGISTER_KEYS.has(key)))
  return createGuard(guardOptions as GuardOptions<FastifyRequest>)
}

const plugin: FastifyPluginCallback<LeakguardOptions> = (fastify, options, done) => {
  const guard = guardFrom(options)
  const contexts = new WeakMap<FastifyRequest, RequestContext>()
  const compiled = new WeakMap<RouteOptions, CompiledRouteOptions>()

  const compiledFor = (routeOptions: RouteOptions, where: string): CompiledRouteOptions => {
    let entry = compiled.get(routeOptions)
    if (entry === undefined) {
      entry = compileRoute(routeOptions, where)
      compiled.set(routeOptions, entry)
    }
    return entry
  }

  const start = (request: FastifyRequest): RequestContext => {
    const context = guard.startRequest({
      method: request.method,
      path: request.url,
      clientAddress: request.socket.remoteAddress,
      native: request,
    })
    contexts.set(request, context)
    request.leakguard = { requestId: context.requestId }
    return context
  }

  fastify.decorateRequest('leakguard', undefined as unknown as LeakguardRequestState)

  // Validate every route's options at startup, not on its first request.
  fastify.addHook('onRoute', (route) => {
    const routeOptions = route.config?.leakguard
    if (routeOptions !== undefined) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method
      compiledFor(routeOptions, `config.leakguard of ${methods} ${route.url}`)
    }
  })

  fastify.addHook('onRequest', (request, _reply, next) => {
    start(request)
    next()
  })

  fastify.addHook('preSerialization', (request, reply, payload, next) => {
    const context = contexts.get(request) ?? start(request)
    const routeOptions = request.routeOptions.config?.leakguard
    let compiledRoute: CompiledRouteOptions | undefined
    try {
      // Compiled in onRoute already, unless the route was added before the plugin.
      compiledRoute = routeOptions === undefined ? undefined : compiledFor(routeOptions, 'config.leakguard')
    } catch {
      reply.code(500).type(PROBLEM_CONTENT_TYPE)
      next(null, problemBody(500))
      return
    }
    const decision = guard.filterResponse(context, {
      status: reply.statusCode,
      body: payload,
      routeOptions: compiledRoute,
    })
    if (decision.blocked) {
      reply.code(decision.status).type(decision.contentType)
    }
    next(null, decision.body)
  })

  done()
}

/**
 * Fastify plugin for leakguard: filters every object payload before serialization. Register it
 * before your routes; per-route options go in `config: { leakguard: { ... } }`.
 */
export const leakguard = fp(plugin, { fastify: '5.x', name: '@leakguard/fastify' })

export type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'
