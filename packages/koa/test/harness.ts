import { bodyParser } from '@koa/bodyparser'
import etag from '@koa/etag'
import Router from '@koa/router'
import {
  type AdapterHarness,
  bodyKind,
  envelope,
  listen,
  materialize,
  webResponse,
} from '@leakguard/test-utils'
import Koa, { type Middleware } from 'koa'
import compress from 'koa-compress'
import conditional from 'koa-conditional-get'
import { type LeakguardOptions, leakguard } from '../src/index.js'

export const koaHarness: AdapterHarness = {
  name: 'koa 3',
  async start(spec) {
    const app = new Koa()
    app.silent = true
    // Conditional GET, ETag and compression wrap leakguard, so they see the filtered body.
    if (spec.middleware?.etag) app.use(conditional()).use(etag())
    if (spec.middleware?.compress === true) app.use(compress())
    const strip = spec.middleware?.stripPrefix
    if (strip !== undefined) {
      app.use((ctx, next) => {
        if (ctx.url.startsWith(`${strip}/`)) ctx.url = ctx.url.slice(strip.length)
        return next()
      })
    }
    if (spec.middleware?.envelope) {
      // Registered before leakguard: it wraps the JSON text leakguard left in ctx.body.
      app.use(async (ctx, next) => {
        await next()
        const body: unknown = ctx.body
        const wrapped =
          typeof body === 'string' || Buffer.isBuffer(body) ? envelope(body.toString()) : undefined
        if (wrapped !== undefined) ctx.body = wrapped
      })
    }
    const guard = leakguard(spec.leakguard as LeakguardOptions)
    const parse = spec.middleware?.bodyParser
    if (parse === 'before-leakguard') app.use(bodyParser())
    if (spec.order !== 'routes-first') app.use(guard)
    if (parse === true) app.use(bodyParser()).use(leakguard.body())
    if (parse === 'no-checkpoint') app.use(bodyParser())
    if (parse === 'filling') {
      app.use(async (ctx, next) => {
        let text = ''
        for await (const chunk of ctx.req) text += chunk
        const request = ctx.request as { body?: Record<string, string> }
        request.body = {} // assigned first, filled as fields arrive (multer)
        for (const [name, value] of new URLSearchParams(text)) request.body[name] = value
        await next()
      })
      app.use(leakguard.body())
    }
    if (spec.middleware?.compress === 'misplaced') app.use(compress({ threshold: 0 }))
    if (spec.middleware?.methodOverride) {
      app.use((ctx, next) => {
        const override = ctx.get('x-http-method-override')
        if (override !== '') ctx.method = override.toUpperCase()
        return next()
      })
    }
    if (spec.middleware?.errorHandler) app.use(leakguard.errorHandler())
    const router = new Router(spec.prefix === undefined ? {} : { prefix: spec.prefix })
    for (const route of spec.routes) {
      const handlers: Middleware[] = []
      if (route.routeOptions !== undefined) handlers.push(leakguard.route(route.routeOptions))
      handlers.push(async (ctx) => {
        const body = route.body({
          leakguard: ctx.state.leakguard,
          body: (ctx.request as { body?: unknown }).body,
          query: ctx.query,
          params: ctx.params,
        })
        const { kind, contentType } = bodyKind(route, body)
        if (kind === 'throw') {
          // Headers set before the throw: what an error handler must not send along.
          if (route.headers !== undefined) ctx.set(route.headers)
          if (route.statusMessage !== undefined) ctx.message = route.statusMessage
          throw body
        }
        if (kind === 'web-response') {
          ctx.body = await webResponse(route, body)
          return
        }
        if (kind === 'raw') {
          ctx.respond = false
          const head = contentType === undefined ? {} : { 'content-type': contentType }
          return void ctx.res.writeHead(route.status ?? 200, head).end(body as string)
        }
        ctx.status = route.status ?? (kind === 'redirect' ? 302 : 200)
        if (route.headers !== undefined) ctx.set(route.headers)
        if (route.statusMessage !== undefined) ctx.message = route.statusMessage
        if (contentType !== undefined) ctx.type = contentType
        if (kind === 'redirect') return ctx.redirect(body as string)
        // No body: Koa writes the status text as the body.
        if (body === undefined) return
        ctx.body = kind === 'object' ? body : materialize(body as string, kind)
      })
      router.register(route.path, [route.method], handlers)
    }
    app.use(router.routes()).use(router.allowedMethods())
    if (spec.order === 'routes-first') app.use(guard)
    return listen(app.callback())
  },
}
