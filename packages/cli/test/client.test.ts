import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ClientLimits, createClient, urlOf } from '../src/client.js'

const seen: IncomingMessage[] = []
const routes: Record<string, (res: ServerResponse) => void> = {
  '/json': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}'),
  '/broken-json': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":'),
  '/big': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000)),
  '/redirect': (res) => res.writeHead(302, { location: 'http://example.com/' }).end(),
  '/slow': () => {},
}
const server = createServer((req, res) => {
  seen.push(req)
  const route = routes[new URL(req.url!, 'http://x').pathname]
  if (route) route(res)
  else res.writeHead(404).end()
})
let base: URL
beforeAll(async () => {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`)
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const limits: ClientLimits = { maxRequests: 10, rate: 0, timeoutMs: 2000, maxBodyBytes: 1000 }
const client = (overrides: Partial<ClientLimits> = {}, credentials = {}) =>
  createClient({
    base: new URL(base.origin),
    headers: { 'user-agent': 'leakguard-scan' },
    credentials,
    limits: { ...limits, ...overrides },
  })

describe('the scan client', () => {
  it('appends paths to the base URL path', () => {
    expect(urlOf(new URL('http://h/api/'), '/users')).toBe('http://h/api/users')
    expect(urlOf(new URL('http://h'), 'users?a=1')).toBe('http://h/users?a=1')
  })

  it('parses JSON bodies, keeps broken ones as text, and sends credentials only when asked', async () => {
    const c = client({}, { authorization: 'Bearer t' })
    const good = await c.send({ method: 'GET', path: '/json', credentials: true })
    expect(good).toMatchObject({ status: 200, isJson: true, json: { a: 1 }, credentialed: true })
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer t')
    const broken = await c.send({ method: 'GET', path: '/broken-json', credentials: false })
    expect(broken).toMatchObject({ status: 200, isJson: true, json: undefined, body: '{"a":' })
    expect(seen.at(-1)!.headers.authorization).toBeUndefined()
  })

  it('cuts bodies at the limit, never follows redirects, and times out', async () => {
    const c = client({ timeoutMs: 300 })
    const big = await c.send({ method: 'GET', path: '/big', credentials: false })
    expect(big).toMatchObject({ truncated: true })
    expect(big!.body).toHaveLength(1000)
    const redirect = await c.send({ method: 'GET', path: '/redirect', credentials: false })
    expect(redirect).toMatchObject({ status: 302, headers: { location: 'http://example.com/' } })
    const slow = await c.send({ method: 'GET', path: '/slow', credentials: false })
    expect(slow).toMatchObject({ status: 0, error: 'no answer within 300 ms' })
  })

  it('keeps to the request budget, bursts included', async () => {
    const c = client({ maxRequests: 5 })
    expect(await c.send({ method: 'GET', path: '/json', credentials: false })).toBeDefined()
    expect(await c.burst({ method: 'GET', path: '/json', credentials: false }, 10)).toHaveLength(4)
    expect(await c.send({ method: 'GET', path: '/json', credentials: false })).toBeUndefined()
    expect(c.sent).toBe(5)
    expect(c.refused).toBe(2)
  })

  it('paces requests at the rate asked', async () => {
    const c = client({ rate: 50 })
    const started = performance.now()
    for (let i = 0; i < 4; i++) await c.send({ method: 'GET', path: '/json', credentials: false })
    // Three gaps of 20 ms at least: a lower bound, which a busy machine can only lengthen.
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
  })
})
