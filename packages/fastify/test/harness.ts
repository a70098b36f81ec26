import compress from '@fastify/compress'
import etag from '@fastify/etag'
import { isGuard } from '@leakguard/core'
import { type AdapterHarness, bodyKind, envelope, materialize, webResponse } from '@leakguard/test-utils'
import Fastify from 'fastify'
import { type LeakguardOptions, leakguard } from '../src/index.js'

export const fastifyHarness: AdapterHarness = {
  name: 'fastify 5',
  async start(spec) {
    const strip = spec.middleware?.stripPrefix
    const app = Fastify(
      strip === undefined
        ? {}
        : {
            rewriteUrl: (req) =>
              req.url?.startsWith(`${strip}/`) ? req.url.slice(strip.length) : (req.url ?? '/'),
          },
    )
    const options = isGuard(spec.leakguard) ? { guard: spec.leakguard } : spec.leakguard
    const registerRoutes = async (): Promise<void> => {
      await app.register(
        async (scope) => {
          for (const route of spec.routes) {
            scope.route({
              method: route.method,
              url: route.path,
              config: route.routeOptions === undefined ? {} : { leakguard: route.routeOptions },
              handler: async (request, reply) => {
                const body = route.body({
                  leakguard: request.leakguard,
                  body: request.body,
                  query: request.query,
                  params: request.params as Record<string, string>,
                })
                const { kind, contentType } = bodyKind(route, body)
                if (kind === 'throw') {
                  // Headers set before the throw: what an error handler must not send along.
                  if (route.headers !== undefined) reply.headers(route.headers)
                  if (route.statusMessage !== undefined) reply.raw.statusMessage = route.statusMessage
                  throw body
                }
                if (kind === 'web-response') return webResponse(route, body)
                if (kind === 'raw') {
                  reply.hijack()
                  const head = contentType === undefined ? {} : { 'content-type': contentType }
                  reply.raw.writeHead(route.status ?? 200, head).end(body as string)
                  return reply
                }
                reply.code(route.status ?? 200)
                if (route.headers !== undefined) reply.headers(route.headers)
                if (route.statusMessage !== undefined) reply.raw.statusMessage = route.statusMessage
                if (contentType !== undefined) reply.type(contentType)
                if (kind === 'redirect') return reply.redirect(body as string, route.status ?? 302)
                return kind === 'object' ? body : materialize(body as string, kind)
              },
            })
          }
        },
        spec.prefix === undefined ? {} : { prefix: spec.prefix },
      )
    }
    if (spec.order === 'routes-first') await registerRoutes()
    if (spec.middleware?.compress === 'misplaced') await app.register(compress, { threshold: 0 })
    await app.register(leakguard, options as LeakguardOptions)
    // Registered after leakguard: their instance-level onSend hooks run after its own.
    if (spec.middleware?.etag) await app.register(etag)
    if (spec.middleware?.compress === true) await app.register(compress)
    if (spec.middleware?.errorHandler) app.setErrorHandler(leakguard.errorHandler())
    if (spec.middleware?.envelope) {
      // Registered after leakguard: it wraps the JSON text leakguard's onSend handed on.
      app.addHook('onSend', async (_request, _reply, payload) =>
        typeof payload === 'string' ? (envelope(payload) ?? payload) : payload,
      )
    }
    if (spec.middleware?.bodyParser === 'filling') {
      // Forms parsed as text, then a preValidation hook after leakguard's sets the body, as
      // @fastify/multipart's attachFieldsToBody does.
      const forms = new WeakMap<object, string>()
      app.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (req, text, done) => {
          forms.set(req, text as string)
          done(null, undefined)
        },
      )
      app.addHook('preValidation', async (request) => {
        const text = forms.get(request)
        if (text !== undefined) request.body = Object.fromEntries(new URLSearchParams(text))
      })
    }
    if (spec.order !== 'routes-first') await registerRoutes()
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    return { url, close: () => app.close() }
  },
}
