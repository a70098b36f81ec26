import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { createShop, listen, shopPolicy } from '@leakguard/example-shop'
import { leakguard } from '@leakguard/koa'
import Koa from 'koa'

/**
 * The example shop API on Koa 3.
 * @param {{ protect?: boolean, onEvent?: (event: import('@leakguard/core').LeakguardEvent) => void }} [options]
 */
export function createApp({ protect = true, onEvent } = {}) {
  const shop = createShop()
  const app = new Koa()
  // leakguard first: it must wrap the error handling below to filter what it sends.
  if (protect) app.use(leakguard({ ...shopPolicy, audit: { onEvent } }))
  // A careless error handler, as many apps have: leakguard's problem view cuts it down.
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      ctx.status = 500
      ctx.body = shop.leakyErrorBody(error)
    }
  })
  // Body parsing after leakguard(), which must see every response; leakguard.body() after the parser
  // answers what a body alone decides (a 422 with onUnknown: 'reject') before any route runs.
  app.use(bodyParser())
  if (protect) app.use(leakguard.body())

  const router = new Router()
  router.get('/health', (ctx) => {
    ctx.body = shop.health()
  })
  router.get('/account', (ctx) => {
    ctx.body = shop.account(ctx.state.leakguard?.principal)
  })
  router.patch('/account', (ctx) => {
    ctx.body = shop.updateAccount(ctx.state.leakguard?.principal, ctx.request.body)
  })
  router.get('/users', (ctx) => {
    ctx.body = shop.listUsers()
  })
  router.get('/users/:id', (ctx) => {
    const user = shop.findUser(ctx.params.id)
    ctx.status = user === undefined ? 404 : 200
    ctx.body = user ?? shop.notFound('no such user')
  })
  router.get('/orders/:id', (ctx) => {
    const order = shop.findOrder(ctx.params.id)
    ctx.status = order === undefined ? 404 : 200
    ctx.body = order ?? shop.notFound('no such order')
  })
  router.get('/tickets/:id', (ctx) => {
    ctx.body = shop.ticket(ctx.params.id)
  })
  router.get('/internal/config', (ctx) => {
    ctx.body = shop.internalConfig()
  })
  router.get('/orders/:id/refund', () => {
    throw shop.refundError()
  })
  app.use(router.routes()).use(router.allowedMethods())
  return app
}

/** Starts the app; resolves once it listens. */
export function start({ port = 0, ...options } = {}) {
  return listen(createApp(options).callback(), port)
}
