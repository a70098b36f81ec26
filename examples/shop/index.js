// The example shop, framework-free: what every example app serves. Handlers return whole rows,
// as real handlers often do: password hashes, card numbers and internal notes included.
import { once } from 'node:events'
import { createServer } from 'node:http'
import { createOrders, createUsers } from '@leakguard/fixtures'
import { demoToken } from './auth.js'

export { demoToken, shopAuth } from './auth.js'
export { demoRoles, shopPolicy } from './policy.js'

export function createShop() {
  const users = createUsers(40)
  const orders = createOrders(users)
  /**
   * The caller's own record, by the token's subject. Without leakguard nothing checks who is
   * asking, so this naive handler falls back to user 1: anyone gets someone's whole row.
   * @param {{ sub?: string } | undefined} principal
   */
  const account = (principal) => users.find((u) => String(u.id) === String(principal?.sub ?? 1))
  return {
    health: () => ({ ok: true }),
    account,
    /**
     * An account update, merged the classic vulnerable way: every member of the body lands on the
     * record, `role` included (mass assignment). Returned, never stored: the unprotected and the
     * protected app share these records.
     * @param {{ sub?: string } | undefined} principal
     * @param {object} body
     */
    updateAccount: (principal, body) => {
      const user = account(principal)
      return user === undefined ? undefined : { ...user, ...body }
    },
    listUsers: () => ({ data: users, total: users.length, page: 1 }),
    /** @returns {object | undefined} */
    findUser: (id) => users.find((u) => String(u.id) === String(id)),
    /** @returns {object | undefined} */
    findOrder: (id) => orders.find((o) => String(o.id) === String(id)),
    /** A support ticket: free text where customers paste what they should not. */
    ticket: (id) => ({
      id: Number(id),
      subject: 'Charged twice',
      text: 'Hi, this is jane.doe@example.com, my card 4111 1111 1111 1111 was charged twice. Call me on +44 7700 900123.',
      assignee: 'agent-7',
    }),
    notFound: (detail) => ({ title: 'Not Found', status: 404, detail }),
    /** A route nobody wrote a policy for. */
    internalConfig: () => ({ dbUrl: 'postgres://app:hunter2@db/shop', featureFlags: {} }),
    /** What a refund of an order throws: a driver error carrying SQL. */
    refundError: () =>
      Object.assign(new Error('duplicate key value violates unique constraint "refunds_pkey"'), {
        sql: "INSERT INTO refunds (order_id, card) VALUES (1000, '4111111111111111')",
      }),
    /** The body a careless error handler sends: message, stack and SQL. */
    leakyErrorBody: (error) => ({
      error: 'Internal Server Error',
      message: error.message,
      stack: error.stack,
      sql: error.sql,
    }),
  }
}

/** Listens on 127.0.0.1 with a Node server (Express and Koa apps); resolves to its URL and a close(). */
export async function listen(listener, port = 0) {
  const server = createServer(listener).listen(port, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  }
}

/** Prints what the example listens on. */
export function printUsage(name, url, { protect = true } = {}) {
  console.log(`Example shop API (${name}) ${protect ? 'with' : 'WITHOUT'} leakguard on ${url}`)
  console.log(`  pnpm exec leakguard scan ${url} --openapi examples/shop/openapi.json`)
  console.log(`  curl ${url}/users/1`)
  console.log(`  curl -H 'x-demo-role: support' ${url}/users/1`)
  console.log(`  curl ${url}/internal/config`)
  console.log(`  curl ${url}/orders/1000/refund`)
  console.log(`  curl ${url}/account                      # 401: a token is required`)
  console.log(`  curl -H 'authorization: Bearer ${demoToken('2')}' ${url}/account`)
  console.log(
    `  curl -X PATCH -H 'authorization: Bearer ${demoToken('2')}' -H 'content-type: application/json' -d '{"name":"Ada","role":"admin"}' ${url}/account`,
  )
}
