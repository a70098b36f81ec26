import { shopAuth } from './auth.js'

// The leakguard policy of the example shop API, shared by the Express, Koa and Fastify examples.

/**
 * Demo only: the caller's role comes from an `x-demo-role` header. A real app takes roles from
 * its verified token or session, never from a header the client controls.
 * @param {{ headers: Record<string, string | string[] | undefined> }} request
 */
export function demoRoles(request) {
  const role = request.headers['x-demo-role']
  return typeof role === 'string' ? role.split(',') : []
}

/** @satisfies {import('@leakguard/core').GuardOptions<{ headers: Record<string, string | string[] | undefined> }>} */
export const shopPolicy = {
  // Bearer tokens are verified where a route asks for a caller (GET and PATCH /account).
  auth: shopAuth,
  // Routes without an allowlist send nothing: new endpoints are closed until someone allows fields.
  responses: { default: 'deny' },
  // Every client: 300 requests a minute, sliding; RateLimit headers on every response.
  rateLimit: { limits: [{ limit: 300, window: '1m' }] },
  // Answers to a caller with a token are that caller's: Cache-Control: no-store keeps them out of
  // shared caches. (Behind TLS, add requireHttps: true and HSTS: docs/transport.md.)
  transport: { noStore: true },
  routes: {
    'GET /health': { allow: ['$'], rateLimit: false },
    // The caller's own record: a token with the account:read scope, and only what an account page shows.
    'GET /account': {
      auth: { scopes: ['account:read'] },
      redact: { overrides: { email: false, phone: false } },
      allow: ['$.id', '$.name', '$.email', '$.phone', '$.address'],
    },
    // The account form: a caller may change its name and address, never its role (mass assignment).
    'PATCH /account': {
      auth: { scopes: ['account:read'] },
      accept: ['$.name', '$.address.*'],
      redact: { overrides: { email: false, phone: false } },
      // The role is shown so that a caller sees it did not change.
      allow: ['$.id', '$.name', '$.role', '$.address'],
    },
    'GET /users': {
      // Support sees contact details on purpose: let them through redaction on this route.
      redact: { overrides: { email: false, phone: false } },
      allow: ['$.data[*].id', '$.data[*].name', '$.data[*].address.city', '$.total', '$.page'],
      views: {
        support: [
          '$.data[*].id',
          '$.data[*].name',
          '$.data[*].email',
          '$.data[*].phone',
          '$.total',
          '$.page',
        ],
      },
    },
    'GET /users/:id': {
      // Support sees contact details on purpose: let them through redaction on this route.
      redact: { overrides: { email: false, phone: false } },
      allow: ['$.id', '$.name', '$.address.city'],
      views: {
        support: ['$.id', '$.name', '$.email', '$.phone', '$.address', '$.notes'],
        admin: [
          '$.id',
          '$.username',
          '$.name',
          '$.email',
          '$.phone',
          '$.role',
          '$.address',
          '$.notes',
          '$.createdAt',
        ],
      },
    },
    // Free text is allowed, so redaction is what protects it.
    'GET /tickets/:id': { allow: ['$.id', '$.subject', '$.text'] },
    'GET /orders/:id': {
      // Guessing: a client asking for order ids that do not exist gets 20 misses a minute, then 429s.
      rateLimit: { limits: [{ limit: 20, window: '1m', name: 'order-misses' }], failuresOnly: true },
      // An id walk: a client reading more than 5 distinct orders a minute is a scraper, blocked for 5 minutes.
      enumeration: { max: 5, window: '1m', action: 'block', blockFor: '5m' },
      allow: ['$.id', '$.status', '$.total', '$.shippingAddress.city'],
      views: { support: ['$.id', '$.userId', '$.status', '$.total', '$.shippingAddress'] },
    },
  },
  getRoles: demoRoles,
}
