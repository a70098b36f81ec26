import { leakguard } from '@leakguard/express'
import { createOrders, createUsers } from '@leakguard/fixtures'
import express from 'express'
import { shopPolicy } from './policy.js'

/**
 * The example shop API. Its handlers return whole database rows, as real handlers often do:
 * password hashes, card numbers and internal notes included. leakguard decides what leaves.
 * @param {{ protect?: boolean, onEvent?: (event: import('@leakguard/core').LeakguardEvent) => void }} [options]
 */
export function createApp({ protect = true, onEvent } = {}) {
  const users = createUsers(40)
  const orders = createOrders(users)
  const app = express()
  if (protect) app.use(leakguard({ ...shopPolicy, audit: { onEvent } }))

  app.get('/health', (_req, res) => res.json({ ok: true }))
  app.get('/users', (_req, res) => res.json({ data: users, total: users.length, page: 1 }))
  app.get('/users/:id', (req, res) => {
    const user = users.find((u) => String(u.id) === req.params.id)
    if (user === undefined)
      return res.status(404).json({ title: 'Not Found', status: 404, detail: 'no such user' })
    return res.json(user)
  })
  app.get('/orders/:id', (req, res) => {
    const order = orders.find((o) => String(o.id) === req.params.id)
    if (order === undefined) return res.status(404).json({ title: 'Not Found', status: 404 })
    return res.json(order)
  })
  // A route nobody wrote a policy for: with responses.default 'deny' it sends {}.
  app.get('/internal/config', (_req, res) =>
    res.json({ dbUrl: 'postgres://app:hunter2@db/shop', featureFlags: {} }),
  )
  // An error handler that leaks the stack and the query, as many do.
  app.get('/orders/:id/refund', () => {
    throw Object.assign(new Error('duplicate key value violates unique constraint "refunds_pkey"'), {
      sql: "INSERT INTO refunds (order_id, card) VALUES (1000, '4111111111111111')",
    })
  })
  app.use((error, _req, res, _next) => {
    res
      .status(500)
      .json({ error: 'Internal Server Error', message: error.message, stack: error.stack, sql: error.sql })
  })
  return app
}
