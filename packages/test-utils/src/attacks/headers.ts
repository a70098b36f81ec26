import { createGuard, type LeakguardEvent } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, HeaderBearer } from '../harness.js'
import { appRunner, rawRequest, getRoute as route, SECRET } from '../helpers.js'

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1oZXJl'
const CARD = '4111111111111111'

/**
 * Secrets in response headers: a token in a redirect's `Location` query or fragment, a card
 * number in a custom `X-` header, a secret-named header, a personal file name. Masked on every
 * adapter; `Set-Cookie` left to the app unless asked.
 */
export function runHeaderAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: secrets in response headers', () => {
    it('sends nothing of the original with a blocked response: no handler cookie, validator or custom header', async () => {
      const guard = createGuard<HeaderBearer>({ routes: { 'GET /session': { allow: ['$.id', '$.big'] } } })
      const headers = {
        'Set-Cookie': `sid=${SECRET}; HttpOnly`,
        'Cache-Control': 'public, max-age=3600',
        ETag: '"original"',
        'Last-Modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
        'Content-Disposition': 'attachment; filename="export.json"',
        'X-Custom': 'kept by the handler',
        'X-Content-Type-Options': 'nosniff',
        'Access-Control-Allow-Origin': 'https://app.example',
      }
      // A BigInt on an allowed path: the response cannot be written, it is blocked.
      const routes = [
        route('/session', () => ({ id: 1, big: 1n }), { headers, statusMessage: `user ${SECRET}` }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await rawRequest(`${url}/session`)
        expect(res.status).toBe(500)
        expect(res.body.toString()).not.toContain(SECRET)
        for (const name of ['set-cookie', 'last-modified', 'content-disposition', 'x-custom'])
          expect(res.headers[name], name).toBeUndefined()
        // Express computes the problem document's own ETag; the original's never goes out.
        expect(res.headers.etag).not.toBe('"original"')
        expect(res.headers['cache-control']).toBe('no-store')
        expect(res.statusMessage).toBe('Internal Server Error')
        // What the problem document needs on the way out stays: security headers, CORS, the id.
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['access-control-allow-origin']).toBe('https://app.example')
        expect(res.headers['x-request-id']).toMatch(/./)
      })
    })

    it('drops the validators of a JSON stream (a file) once filtering changed it', async () => {
      // A static-file plugin (koa-send, @fastify/static, send) sets the file's own validators: its
      // weak ETag holds the file's size, which the filtered body must not give away.
      const guard = createGuard<HeaderBearer>({ routes: { 'GET /file': { allow: ['$.id'] } } })
      const headers = { ETag: 'W/"6c-1a2487fb6e7"', 'Last-Modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }
      const routes = [
        route('/file', () => JSON.stringify({ id: 1, name: 'Ada', ssn: SECRET }), {
          send: 'stream',
          contentType: 'application/json',
          headers,
        }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await rawRequest(`${url}/file`)
        expect([res.status, JSON.parse(res.body.toString())]).toEqual([200, { id: 1 }])
        expect(res.headers.etag).not.toBe(headers.ETag)
        expect(res.headers['last-modified']).toBeUndefined()
      })
    })

    it('renders a thrown 5xx through errorHandler() without the headers the handler set before it threw', async () => {
      const guard = createGuard<HeaderBearer>({})
      const headers = {
        'Set-Cookie': `sid=${SECRET}; HttpOnly`,
        'Cache-Control': 'public, max-age=3600',
        'X-Custom': 'set before the throw',
        'X-Content-Type-Options': 'nosniff',
      }
      const routes = [
        route('/boom', () => new Error(`db down ${SECRET}`), { send: 'throw', headers }),
        route('/teapot', () => Object.assign(new Error('short and stout'), { status: 418 }), {
          send: 'throw',
          headers: { 'X-Custom': 'kept on a 4xx' },
        }),
        // Headers an error carries (http-errors): sent as the frameworks' own handlers send them.
        route(
          '/allow',
          () => Object.assign(new Error('no'), { status: 405, headers: { Allow: 'GET, HEAD' } }),
          {
            send: 'throw',
          },
        ),
        route(
          '/busy',
          () =>
            Object.assign(new Error('db down'), {
              status: 503,
              headers: { 'Retry-After': '30', 'Set-Cookie': `sid=${SECRET}` },
            }),
          { send: 'throw' },
        ),
      ]
      await withApp({ leakguard: guard, routes, middleware: { errorHandler: true } }, async (url) => {
        const res = await rawRequest(`${url}/boom`)
        expect(res.status).toBe(500)
        expect(res.body.toString()).not.toContain(SECRET)
        for (const name of ['set-cookie', 'x-custom']) expect(res.headers[name], name).toBeUndefined()
        expect(res.headers['cache-control']).toBe('no-store')
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['x-request-id']).toMatch(/./)
        // A 4xx keeps what the handler set (an Allow, a Retry-After, a WWW-Authenticate).
        const teapot = await rawRequest(`${url}/teapot`)
        expect(teapot.status).toBe(418)
        expect(teapot.headers['x-custom']).toBe('kept on a 4xx')
        const allow = await rawRequest(`${url}/allow`)
        expect([allow.status, allow.headers.allow]).toEqual([405, 'GET, HEAD'])
        const busy = await rawRequest(`${url}/busy`)
        expect([busy.status, busy.headers['retry-after'], busy.headers['set-cookie']]).toEqual([
          503,
          '30',
          undefined,
        ])
      })
    })

    it('masks tokens in redirects and secrets in free-text headers, whatever the body', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({ audit: { onEvent: (event) => void events.push(event) } })
      const headers = {
        Location: `https://app.example/callback?state=s1&access_token=${SECRET}&id_token=${JWT}`,
        'X-Debug-Card': `card ${CARD}`,
        'X-Api-Key': SECRET,
        'Content-Disposition': 'attachment; filename="jane.doe@example.com.pdf"',
        'Set-Cookie': `session=${SECRET}; HttpOnly`,
      }
      const routes = [
        route('/redirect', () => ({ ok: true }), { status: 302, headers }),
        route('/text', () => 'moved', { status: 303, headers: { Location: `/next#access_token=${SECRET}` } }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await rawRequest(`${url}/redirect`)
        expect(res.status).toBe(302)
        expect(res.headers.location).toBe(
          'https://app.example/callback?state=s1&access_token=%5BREDACTED%5D&id_token=%5BREDACTED%5D',
        )
        expect(res.headers['x-debug-card']).not.toContain(CARD)
        expect(res.headers['x-api-key']).toBe('[REDACTED]')
        expect(res.headers['content-disposition']).not.toContain('jane.doe@example.com')
        // The app's own session cookie: left as it is unless redact.headers.setCookie is set.
        expect(String(res.headers['set-cookie'])).toContain(SECRET)
        const text = await rawRequest(`${url}/text`)
        expect(text.headers.location).toBe('/next#access_token=%5BREDACTED%5D')
      })
      await guard.flush()
      expect(events.some((event) => event.type === 'response.redacted')).toBe(true)
      expect(JSON.stringify(events)).not.toContain(SECRET)
    })

    it('masks the page a redirect writes as it masks its Location', async () => {
      // Express's res.redirect repeats the URL in a text or HTML page it writes with res.end;
      // Koa's ctx.redirect in its body; Fastify writes none.
      const guard = createGuard<HeaderBearer>({})
      const routes = [route('/go', () => `/home?aws=AKIAIOSFODNN7EXAMPLE&card=${CARD}`, { send: 'redirect' })]
      await withApp({ leakguard: guard, routes }, async (url) => {
        for (const accept of ['text/plain', 'text/html']) {
          const res = await rawRequest(`${url}/go`, { headers: { accept } })
          expect(res.status).toBe(302)
          expect(String(res.headers.location)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|4111111111111111/)
          expect(res.body.toString()).not.toMatch(/AKIAIOSFODNN7EXAMPLE|4111111111111111/)
          expect(Number(res.headers['content-length'] ?? res.body.length)).toBe(res.body.length)
        }
      })
    })

    it('reads the status text a handler sets as free text', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({ audit: { onEvent: (event) => void events.push(event) } })
      const routes = [
        route('/upstream', () => ({ error: 'bad gateway' }), {
          status: 502,
          statusMessage: `upstream refused key AKIAIOSFODNN7EXAMPLE card ${CARD}`,
        }),
        route('/fine', () => ({ ok: true }), { status: 200, statusMessage: 'All Good' }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await rawRequest(`${url}/upstream`)
        expect(res.status).toBe(502)
        expect(res.statusMessage).toBe('Bad Gateway')
        expect(res.body.toString()).not.toMatch(/AKIAIOSFODNN7EXAMPLE|4111111111111111/)
        // A phrase with nothing to find goes as the handler set it.
        expect((await rawRequest(`${url}/fine`)).statusMessage).toBe('All Good')
      })
      await guard.flush()
      expect(events.some((event) => event.type === 'response.redacted')).toBe(true)
      expect(JSON.stringify(events)).not.toContain('AKIAIOSFODNN7EXAMPLE')
    })

    it('masks provider tokens behind escapes in headers: encoded twice, after a dash in a file name', async () => {
      const token = 'glpat-Zk3Xq9Lm2Np7Rt5Vw8Yb'
      const guard = createGuard<HeaderBearer>({ redact: { knownSecrets: false } })
      const headers = {
        Location: `/login?next=${encodeURIComponent(encodeURIComponent(`/cb?token=${token}`))}`,
        'Content-Disposition': `attachment; filename="backup-${token}.txt"`,
        'X-Debug': `curl -H "Authorization: Bearer ${SECRET}"`,
      }
      await withApp(
        { leakguard: guard, routes: [route('/moved', () => ({ ok: true }), { status: 302, headers })] },
        async (url) => {
          const res = await rawRequest(`${url}/moved`)
          expect(res.status).toBe(302)
          const all = JSON.stringify(res.headers)
          expect(all).not.toContain('Zk3Xq9Lm2Np7')
          expect(all).not.toContain(SECRET)
        },
      )
    })
  })
}
