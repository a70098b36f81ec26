import { type AdapterHarness, listen, runConformanceSuite } from '@leakguard/test-utils'
import express, { type Request, type RequestHandler, type Response } from 'express'
import { type LeakguardOptions, leakguard } from '../src/index.js'

export const expressHarness: AdapterHarness = {
  name: 'express 5',
  async start(spec) {
    const app = express()
    app.use(leakguard(spec.leakguard as LeakguardOptions))
    const router = express.Router()
    for (const route of spec.routes) {
      const handlers: RequestHandler[] = []
      if (route.routeOptions !== undefined) handlers.push(leakguard.route(route.routeOptions))
      handlers.push((req: Request, res: Response) => {
        const body = route.body({ leakguard: req.leakguard })
        res.status(route.status ?? 200)
        if (typeof body === 'string') res.type('text/plain').send(body)
        else res.json(body)
      })
      router[route.method === 'DELETE' ? 'delete' : (route.method.toLowerCase() as 'get' | 'post' | 'put')](
        route.path,
        ...handlers,
      )
    }
    app.use(spec.prefix ?? '/', router)
    return listen(app)
  },
}

runConformanceSuite(expressHarness)
