import { start as startExpress } from '@leakguard/example-express-app'
import { start as startFastify } from '@leakguard/example-fastify-app'
import { start as startKoa } from '@leakguard/example-koa-app'
import { demoToken } from '@leakguard/example-shop'

/** The example app of each framework; each serves the same API. */
export const FRAMEWORKS = { express: startExpress, koa: startKoa, fastify: startFastify }

/** The stops of the tour: a request and why it is interesting. */
export const STOPS = [
  { path: '/users/1', why: 'a user record, anonymous caller' },
  { path: '/users/1', role: 'support', why: 'the same record, as the support role' },
  { path: '/orders/1000', why: 'an order carrying the card number and fraud score' },
  { path: '/tickets/7', why: 'free text the allowlist lets through: redaction masks what is in it' },
  { path: '/internal/config', why: 'a route nobody wrote a policy for' },
  { path: '/orders/1000/refund', why: 'an error handler that sends the stack and the SQL' },
  { path: '/users', why: 'the list endpoint (40 users)' },
  { path: '/account', why: 'an account page, asked for without a token' },
  { path: '/account', token: '1', why: "the same page with user 1's access token" },
]

async function fetchText(url, role, token) {
  const headers = {}
  if (role !== undefined) headers['x-demo-role'] = role
  if (token !== undefined) headers.authorization = `Bearer ${demoToken(token)}`
  const response = await fetch(url, { headers })
  return { status: response.status, text: await response.text() }
}

/** Leaf paths of a JSON value with their values: `[['$.card.number', '4157…'], …]`. */
export function leaves(value, path = '$', out = []) {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) leaves(item, `${path}[${i}]`, out)
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) leaves(item, `${path}.${key}`, out)
  } else out.push([path, value])
  return out
}

function parse(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Runs every stop against the unprotected and the protected app of `framework`, in this process.
 * @param {{ framework?: keyof typeof FRAMEWORKS }} [options]
 * @returns {Promise<Array<{ stop: typeof STOPS[number], unprotected: { status: number, text: string }, protected: { status: number, text: string }, leaked: Array<[string, unknown]>, events: unknown[] }>>}
 */
export async function runTour({ framework = 'express' } = {}) {
  const start = FRAMEWORKS[framework]
  if (start === undefined)
    throw new Error(`unknown framework ${framework}; use one of ${Object.keys(FRAMEWORKS).join(', ')}`)
  const events = []
  const bare = await start({ protect: false })
  const guarded = await start({ onEvent: (event) => events.push(event) })
  try {
    const results = []
    for (const stop of STOPS) {
      const before = events.length
      const unprotected = await fetchText(bare.url + stop.path, stop.role, stop.token)
      const protectedResponse = await fetchText(guarded.url + stop.path, stop.role, stop.token)
      await new Promise((resolve) => setImmediate(resolve)) // events are delivered after the response
      // Stopped: members the protected response dropped, and values it masked.
      const kept = new Map(leaves(parse(protectedResponse.text)))
      const leaked = leaves(parse(unprotected.text)).filter(([path, value]) => kept.get(path) !== value)
      results.push({ stop, unprotected, protected: protectedResponse, leaked, events: events.slice(before) })
    }
    return results
  } finally {
    await Promise.all([bare.close(), guarded.close()])
  }
}
