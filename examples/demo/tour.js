import { start as startExpress } from '@leakguard/example-express-app'
import { start as startFastify } from '@leakguard/example-fastify-app'
import { start as startKoa } from '@leakguard/example-koa-app'
import { demoToken } from '@leakguard/example-shop'

/** The example app of each framework; each serves the same API. */
export const FRAMEWORKS = { express: startExpress, koa: startKoa, fastify: startFastify }

/**
 * The stops of the tour: a request and why it is interesting. A stop is a GET unless it names a
 * `method` (and a JSON `body`); a `walk` requests `path` with `:id` from `walk.from`, `count` times.
 */
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
  {
    method: 'PATCH',
    path: '/account',
    token: '1',
    body: { name: 'Jane Doe', role: 'admin' },
    why: 'mass assignment: the client sends its own role',
  },
  // The shop has ten orders, 1000 to 1009: the walk reads them all.
  {
    path: '/orders/:id',
    walk: { from: 1000, count: 10 },
    why: 'an id walk: ten orders in a row, as a scraper would',
  },
]

async function fetchText(url, { method = 'GET', role, token, body }) {
  const headers = {}
  if (role !== undefined) headers['x-demo-role'] = role
  if (token !== undefined) headers.authorization = `Bearer ${demoToken(token)}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, text: await response.text() }
}

/** The paths a stop requests: its path, or each id of its walk. */
function pathsOf(stop) {
  if (stop.walk === undefined) return [stop.path]
  const { from, count } = stop.walk
  return Array.from({ length: count }, (_, i) => stop.path.replace(':id', String(from + i)))
}

/** Requests every path of `stop` from `baseUrl`, one after the other. */
async function requestAll(baseUrl, stop) {
  const responses = []
  for (const path of pathsOf(stop)) responses.push({ path, ...(await fetchText(baseUrl + path, stop)) })
  return responses
}

/** What a result shows of one app: its last response, and for a walk every status in order. */
function summary(stop, responses) {
  const { status, text } = responses.at(-1)
  return stop.walk === undefined
    ? { status, text }
    : { status, text, statuses: responses.map((r) => r.status) }
}

/**
 * Stopped: members the protected responses dropped, and values they masked or refused. The paths
 * of a walk start with the path requested (`/orders/1005 $.payment.card`).
 */
function stopped(stop, unprotected, guarded) {
  return unprotected.flatMap((response, i) => {
    const root = stop.walk === undefined ? '$' : `${response.path} $`
    const kept = new Map(leaves(parse(guarded[i].text), root))
    return leaves(parse(response.text), root).filter(([path, value]) => kept.get(path) !== value)
  })
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
 * Each side of a walk carries `statuses`, its responses' in order; its `leaked` paths start with
 * the path requested (`/orders/1005 $.payment.card`).
 * @param {{ framework?: keyof typeof FRAMEWORKS }} [options]
 * @returns {Promise<Array<{ stop: typeof STOPS[number], unprotected: { status: number, text: string, statuses?: number[] }, protected: { status: number, text: string, statuses?: number[] }, leaked: Array<[string, unknown]>, events: unknown[] }>>}
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
      const unprotected = await requestAll(bare.url, stop)
      const protectedResponses = await requestAll(guarded.url, stop)
      await new Promise((resolve) => setImmediate(resolve)) // events are delivered after the response
      results.push({
        stop,
        unprotected: summary(stop, unprotected),
        protected: summary(stop, protectedResponses),
        leaked: stopped(stop, unprotected, protectedResponses),
        events: events.slice(before),
      })
    }
    return results
  } finally {
    await Promise.all([bare.close(), guarded.close()])
  }
}
