import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { type AdapterHarness, bodyKind, listen, materialize } from '@leakguard/test-utils'
import compression from 'compression'
import type express from 'express'
import type { Request, RequestHandler, Response } from 'express'
import { type LeakguardOptions, leakguard } from '../src/index.js'

/** The conformance harness for one Express major (4 and 5 share the API the harness uses). */
export function expressHarness(name: string, createExpress: typeof express): AdapterHarness {
  return {
    name,
    async start(spec) {
      const app = createExpress()
      if (spec.middleware?.compress === true) app.use(compression())
      const guard = leakguard(spec.leakguard as LeakguardOptions)
      if (spec.order !== 'routes-first') app.use(guard)
      if (spec.middleware?.compress === 'misplaced') app.use(compression({ threshold: 0 }))
      const router = createExpress.Router()
      for (const route of spec.routes) {
        const handlers: RequestHandler[] = []
        if (route.routeOptions !== undefined) handlers.push(leakguard.route(route.routeOptions))
        handlers.push((req: Request, res: Response) => {
          const body = route.body({ leakguard: req.leakguard })
          const { kind, contentType } = bodyKind(route, body)
          if (kind === 'throw') throw body
          res.status(route.status ?? 200)
          if (contentType !== undefined) res.type(contentType)
          if (kind === 'object') return void res.json(body)
          const sent = materialize(body as string, kind)
          if (kind === 'stream') return void (sent as Readable).pipe(res)
          if (kind === 'web-stream') return void Readable.fromWeb(sent as WebReadableStream).pipe(res)
          res.send(sent)
        })
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'
        router[method](route.path, ...handlers)
      }
      app.use(spec.prefix ?? '/', router)
      if (spec.order === 'routes-first') app.use(guard)
      if (spec.middleware?.errorHandler) app.use(leakguard.errorHandler())
      return listen(app)
    },
  }
}
