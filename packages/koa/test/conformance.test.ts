import Router from '@koa/router'
import { type AdapterHarness, listen, runConformanceSuite } from '@leakguard/test-utils'
import Koa, { type Middleware } from 'koa'
import { type LeakguardOptions, leakguard } from '../src/index.js'

export const koaHarness: AdapterHarness = {
  name: 'koa 3',
  async start(spec) {
    const app = new Koa()
    app.use(leakguard(spec.leakguard as LeakguardOptions))
    const router = new Router(spec.prefix === undefined ? {} : { prefix: spec.prefix })
    for (const route of spec.routes) {
      const handlers: Middleware[] = []
      if (route.routeOptions !== undefined) handlers.push(leakguard.route(route.routeOptions))
      handlers.push((ctx) => {
        const body = route.body({ leakguard: ctx.state.leakguard })
        ctx.status = route.status ?? 200
        if (typeof body === 'string') ctx.type = 'text/plain'
        ctx.body = body
      })
      router.register(route.path, [route.method], handlers)
    }
    app.use(router.routes()).use(router.allowedMethods())
    return listen(app.callback())
  },
}

runConformanceSuite(koaHarness)
