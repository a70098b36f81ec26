import { isGuard } from '@leakguard/core'
import type { AdapterHarness } from '@leakguard/test-utils'
import { runConformanceSuite } from '@leakguard/test-utils'
import Fastify from 'fastify'
import { type LeakguardOptions, leakguard } from '../src/index.js'

export const fastifyHarness: AdapterHarness = {
  name: 'fastify 5',
  async start(spec) {
    const app = Fastify()
    const options = isGuard(spec.leakguard) ? { guard: spec.leakguard } : spec.leakguard
    await app.register(leakguard, options as LeakguardOptions)
    await app.register(
      async (scope) => {
        for (const route of spec.routes) {
          scope.route({
            method: route.method,
            url: route.path,
            config: route.routeOptions === undefined ? {} : { leakguard: route.routeOptions },
            handler: async (request, reply) => {
              const body = route.body({ leakguard: request.leakguard })
              reply.code(route.status ?? 200)
              if (typeof body === 'string') reply.type('text/plain')
              return body
            },
          })
        }
      },
      spec.prefix === undefined ? {} : { prefix: spec.prefix },
    )
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    return { url, close: () => app.close() }
  },
}

runConformanceSuite(fastifyHarness)
