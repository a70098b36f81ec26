import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness } from '../harness.js'
import { appRunner, call, getRoute, ofType, recordingGuard, SECRET, user } from '../helpers.js'
import { listen } from '../listen.js'

const CARD = '4111111111111111'
const STACK_PAGE = `<pre>Error: ER_DUP_ENTRY for ${CARD}\n    at Query.run (/srv/upstream/node_modules/mysql/lib/query.js:12:7)\n</pre>`

/** A loopback upstream, as the service a proxy route forwards to. */
function upstream(request: IncomingMessage, response: ServerResponse): void {
  if (request.url === '/user') {
    response.writeHead(200, { 'content-type': 'application/json', etag: '"upstream"' })
    response.end(JSON.stringify(user(1)))
    return
  }
  response.writeHead(502, { 'content-type': 'text/html; charset=utf-8' })
  response.end(STACK_PAGE)
}

/**
 * Web `Response` bodies (a handler's `new Response()`, a proxy returning `fetch(upstream)`) are
 * filtered like every other body kind, with the status and headers the Response carries.
 */
export function runWebResponseAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: Web Response bodies', () => {
    it('filters a JSON Response by the status and Content-Type it carries', async () => {
      const { guard, events } = recordingGuard({ routes: { 'GET /made': { allow: ['$.id', '$.name'] } } })
      const routes = [
        getRoute('/made', () => JSON.stringify(user(1)), {
          send: 'web-response',
          status: 201,
          contentType: 'application/json',
        }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/made`)
        expect(res.status).toBe(201)
        expect(res.contentType).toMatch(/^application\/json/)
        expect(res.json).toEqual({ id: 1, name: 'User 1' })
        expect(res.text).not.toContain(SECRET)
      })
      expect(ofType(await events(), 'response.fields_dropped')).toHaveLength(1)
    })

    it('filters what a proxy forwards from fetch(): the JSON body and the upstream error page', async () => {
      const origin = await listen(upstream)
      try {
        const { guard } = recordingGuard({
          redact: {},
          routes: { 'GET /proxy/user': { allow: ['$.id', '$.name'] } },
        })
        const routes = [
          getRoute('/proxy/user', () => fetch(`${origin.url}/user`), { send: 'web-response' }),
          getRoute('/proxy/error', () => fetch(`${origin.url}/error`), { send: 'web-response' }),
        ]
        await withApp({ leakguard: guard, routes }, async (url) => {
          const proxied = await fetch(`${url}/proxy/user`)
          const text = await proxied.text()
          expect(JSON.parse(text)).toEqual({ id: 1, name: 'User 1' })
          expect(proxied.headers.get('etag')).not.toBe('"upstream"')
          expect(Number(proxied.headers.get('content-length') ?? Buffer.byteLength(text))).toBe(
            Buffer.byteLength(text),
          )
          const page = await call(`${url}/proxy/error`)
          expect(page.status).toBe(502)
          expect(page.text).not.toMatch(/4111111111111111|\/srv\/upstream|at Query\.run/)
        })
      } finally {
        await origin.close()
      }
    })

    it('streams a Response of another type untouched', async () => {
      const { guard, events } = recordingGuard({ responses: { default: 'deny' } })
      const csv = `id,secret\n1,${SECRET}\n`
      const routes = [getRoute('/export', () => csv, { send: 'web-response', contentType: 'text/csv' })]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/export`)
        expect([res.status, res.text]).toEqual([200, csv])
        expect(res.contentType).toMatch(/^text\/csv/)
      })
      expect(await events()).toEqual([])
    })
  })
}
