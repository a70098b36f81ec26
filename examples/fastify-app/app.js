import { createShop, shopPolicy } from '@leakguard/example-shop'
import { leakguard } from '@leakguard/fastify'
import Fastify from 'fastify'

/**
 * The example shop API on Fastify 5.
 * @param {{ protect?: boolean, onEvent?: (event: import('@leakguard/core').LeakguardEvent) => void }} [options]
 */
export async function createApp({ protect = true, onEvent } = {}) {
  const shop = createShop()
  const app = Fastify()
  if (protect) await app.register(leakguard, { ...shopPolicy, audit: { onEvent } })
  // A careless error handler, as many apps have: leakguard's problem view cuts it down.
  app.setErrorHandler((error, _request, reply) => reply.code(500).send(shop.leakyErrorBody(error)))

  app.get('/health', async () => shop.health())
  app.get('/account', async (request) => shop.account(request.leakguard?.principal))
  // Fastify parses JSON bodies itself, before the hook where leakguard checks them: nothing to mount.
  app.patch('/account', async (request) => shop.updateAccount(request.leakguard?.principal, request.body))
  app.get('/users', async () => shop.listUsers())
  app.get('/users/:id', async (request, reply) => {
    const user = shop.findUser(request.params.id)
    return user ?? reply.code(404).send(shop.notFound('no such user'))
  })
  app.get('/orders/:id', async (request, reply) => {
    const order = shop.findOrder(request.params.id)
    return order ?? reply.code(404).send(shop.notFound('no such order'))
  })
  app.get('/tickets/:id', async (request) => shop.ticket(request.params.id))
  app.get('/internal/config', async () => shop.internalConfig())
  app.get('/orders/:id/refund', async () => {
    throw shop.refundError()
  })
  return app
}

/** Starts the app; resolves once it listens. */
export async function start({ port = 0, ...options } = {}) {
  const app = await createApp(options)
  const url = await app.listen({ port, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}
