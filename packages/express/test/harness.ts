import { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import {
  type AdapterHarness,
  bodyKind,
  envelope,
  listen,
  materialize,
  webResponse,
} from '@leakguard/test-utils'
import compression from 'compression'
import type express from 'express'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { type LeakguardOptions, leakguard } from '../src/index.js'

/** Sends a Web Response the way an Express app proxying `fetch()` does: status, headers, body. */
async function sendWebResponse(res: Response, pending: Promise<globalThis.Response>): Promise<void> {
  const response = await pending
  res.status(response.status)
  response.headers.forEach((value, name) => void res.setHeader(name, value))
  if (response.body === null) return void res.end()
  Readable.fromWeb(response.body as WebReadableStream).pipe(res)
}

/** The conformance harness for one Express major (4 and 5 share the API the harness uses). */
export function expressHarness(name: string, createExpress: typeof express): AdapterHarness {
  return {
    name,
    async start(spec) {
      const app = createExpress()
      if (spec.middleware?.compress === true) app.use(compression())
      const strip = spec.middleware?.stripPrefix
      if (strip !== undefined) {
        app.use((req: Request, _res: Response, next: () => void) => {
          if (req.url.startsWith(`${strip}/`)) req.url = req.url.slice(strip.length)
          next()
        })
      }
      if (spec.middleware?.envelope) {
        // A res.send wrapper mounted before leakguard: it wraps the JSON text leakguard sends.
        app.use((_req: Request, res: Response, next: NextFunction) => {
          const send = res.send
          res.send = function (this: Response, body?: unknown) {
            const wrapped = typeof body === 'string' ? envelope(body) : undefined
            return send.call(this, wrapped ?? body)
          } as Response['send']
          next()
        })
      }
      const guard = leakguard(spec.leakguard as LeakguardOptions)
      const parsers = [createExpress.json(), createExpress.urlencoded({ extended: true })]
      const parse = spec.middleware?.bodyParser
      if (parse === 'before-leakguard') app.use(...parsers)
      if (spec.order !== 'routes-first') app.use(guard)
      if (parse === true) app.use(...parsers, leakguard.body())
      if (parse === 'no-checkpoint') app.use(...parsers)
      if (parse === 'filling') {
        app.use((req: Request, _res: Response, next: NextFunction) => {
          let text = ''
          req.setEncoding('utf8')
          req.on('data', (chunk: string) => {
            text += chunk
          })
          req.on('end', () => {
            req.body = {} // assigned first, filled as fields arrive (multer)
            for (const [name, value] of new URLSearchParams(text))
              (req.body as Record<string, string>)[name] = value
            next()
          })
        }, leakguard.body())
      }
      if (spec.middleware?.compress === 'misplaced') app.use(compression({ threshold: 0 }))
      if (spec.middleware?.methodOverride) {
        app.use((req: Request, _res: Response, next: () => void) => {
          const override = req.headers['x-http-method-override']
          if (typeof override === 'string') req.method = override.toUpperCase()
          next()
        })
      }
      const router = createExpress.Router()
      for (const route of spec.routes) {
        const handlers: RequestHandler[] = []
        if (route.routeOptions !== undefined) handlers.push(leakguard.route(route.routeOptions))
        handlers.push((req: Request, res: Response, next: NextFunction) => {
          const body = route.body({
            leakguard: req.leakguard,
            body: req.body,
            query: req.query,
            params: req.params as Record<string, string>,
          })
          const { kind, contentType } = bodyKind(route, body)
          if (kind === 'throw') {
            // Headers set before the throw: what an error handler must not send along.
            if (route.headers !== undefined) res.set(route.headers)
            throw body
          }
          if (kind === 'web-response') return void sendWebResponse(res, webResponse(route, body)).catch(next)
          if (kind === 'raw') {
            // Past every own-property patch, as code holding http.ServerResponse.prototype can.
            const head = contentType === undefined ? {} : { 'content-type': contentType }
            ServerResponse.prototype.writeHead.call(res, route.status ?? 200, head)
            return void ServerResponse.prototype.end.call(res, body as string, 'utf8')
          }
          res.status(route.status ?? 200)
          if (route.headers !== undefined) res.set(route.headers)
          if (route.statusMessage !== undefined) res.statusMessage = route.statusMessage
          if (contentType !== undefined) res.type(contentType)
          if (kind === 'redirect') return void res.redirect(route.status ?? 302, body as string)
          if (kind === 'object') return void res.json(body)
          const sent = materialize(body as string, kind)
          if (kind === 'stream') return void (sent as Readable).pipe(res)
          if (kind === 'web-stream') return void Readable.fromWeb(sent as WebReadableStream).pipe(res)
          res.send(sent)
        })
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
        router[method](route.path, ...handlers)
      }
      app.use(spec.prefix ?? '/', router)
      if (spec.order === 'routes-first') app.use(guard)
      if (spec.middleware?.errorHandler) app.use(leakguard.errorHandler())
      return listen(app)
    },
  }
}
