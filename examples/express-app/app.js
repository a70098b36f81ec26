import { createShop, listen, shopPolicy } from '@leakguard/example-shop'
import { leakguard } from '@leakguard/express'
import express from 'express'

/**
 * The example shop API on Express 5.
 * @param {{ protect?: boolean, onEvent?: (event: import('@leakguard/core').LeakguardEvent) => void }} [options]
 */
export function createApp({ protect = true, onEvent } = {}) {
  const shop = createShop()
  const app = express()
  if (protect) app.use(leakguard({ ...shopPolicy, audit: { onEvent } }))
  // Body parsing after leakguard(), which must see every response; leakguard.body() after the parser
  // answers what a body alone decides (a 422 with onUnknown: 'reject') before any route runs.
  app.use(express.json())
  if (protect) app.use(leakguard.body())

  app.get('/health', (_req, res) => res.json(shop.health()))
  app.get('/account', (req, res) => res.json(shop.account(req.leakguard?.principal)))
  app.patch('/account', (req, res) => res.json(shop.updateAccount(req.leakguard?.principal, req.body)))
  app.get('/users', (_req, res) => res.json(shop.listUsers()))
  app.get('/users/:id', (req, res) => {
    const user = shop.findUser(req.params.id)
    return user === undefined ? res.status(404).json(shop.notFound('no such user')) : res.json(user)
  })
  app.get('/orders/:id', (req, res) => {
    const order = shop.findOrder(req.params.id)
    return order === undefined ? res.status(404).json(shop.notFound('no such order')) : res.json(order)
  })
  app.get('/tickets/:id', (req, res) => res.json(shop.ticket(req.params.id)))
  app.get('/internal/config', (_req, res) => res.json(shop.internalConfig()))
  app.get('/orders/:id/refund', () => {
    throw shop.refundError()
  })
  // A careless error handler, as many apps have: leakguard's problem view cuts it down.
  app.use((error, _req, res, _next) => res.status(500).json(shop.leakyErrorBody(error)))
  return app
}

/** Starts the app; resolves once it listens. */
export function start({ port = 0, ...options } = {}) {
  return listen(createApp(options), port)
}
