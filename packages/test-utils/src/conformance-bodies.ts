import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, BodyKind } from './harness.js'
import {
  appRunner,
  BLOCKED_BODY,
  call,
  ofType,
  rawRequest,
  recordingGuard,
  getRoute as route,
  SECRET,
  user,
} from './helpers.js'

const list = () => ({ data: Array.from({ length: 80 }, (_, i) => user(i + 1)), total: 80 })
const LIST_VIEW = {
  'GET /list': { allow: ['$.data[*].id', '$.data[*].name', '$.total'], views: { admin: ['$'] } },
}
const listView = (body = list()) => ({
  data: body.data.map(({ id, name }) => ({ id, name })),
  total: body.total,
})

/** Every body kind a response can take, ETag, HEAD, compression and errors: the same on every adapter. */
export function runBodyKindSuite(harness: AdapterHarness): void {
  const withApp = appRunner(harness)
  const json = JSON.stringify(user(1))

  describe('body kinds', () => {
    it.each<[BodyKind, string]>([
      ['string', 'application/json'],
      ['buffer', 'application/json; charset=utf-8'],
      ['stream', 'application/json'],
      ['web-stream', 'application/json'],
      ['string', 'application/vnd.api+json'],
      ['object', 'application/problem+json'],
    ])('filters a %s body sent as %s', async (send, contentType) => {
      const { guard, events } = recordingGuard({ routes: { 'GET /u': { allow: ['$.id', '$.name'] } } })
      const body = () => (send === 'object' ? user(1) : json)
      await withApp({ leakguard: guard, routes: [route('/u', body, { send, contentType })] }, async (url) => {
        const res = await call(`${url}/u`)
        expect(res.status).toBe(200)
        expect(res.contentType?.split(';')[0]).toBe(contentType.split(';')[0])
        expect(res.json).toEqual({ id: 1, name: 'User 1' })
        expect(res.text).not.toContain(SECRET)
      })
      expect(ofType(await events(), 'response.fields_dropped')).toHaveLength(1)
    })

    it.each<[BodyKind, string]>([
      ['string', 'text/html; charset=utf-8'],
      ['string', 'text/plain'],
      ['buffer', 'application/octet-stream'],
      ['stream', 'text/csv'],
      ['web-stream', 'application/octet-stream'],
    ])('leaves a %s body sent as %s untouched, even if it looks like JSON', async (send, contentType) => {
      const { guard, events } = recordingGuard({ responses: { default: 'deny' } })
      await withApp(
        { leakguard: guard, routes: [route('/raw', () => json, { send, contentType })] },
        async (url) => {
          const res = await call(`${url}/raw`)
          expect(res.status).toBe(200)
          expect(res.text).toBe(json)
        },
      )
      expect(await events()).toEqual([])
    })

    it.each<BodyKind>(['object', 'string'])(
      'writes a long list (%s body) exactly as JSON.stringify would, escapes and hostile strings included',
      async (send) => {
        const CARD = '4111 1111 1111 1111'
        // Strings a client can store: quotes, backslashes, controls, a lone surrogate, fullwidth
        // forms, a pair outside the BMP, a UUID that reads like a card; one row in ten holds a card number.
        const notes = [
          'plain words here',
          'a "quoted" word',
          'back\\slash and more words',
          'tab\there, newline\nthere',
          'lone \ud800 surrogate',
          'pair \ud83d\ude00 emoji',
          `card ${CARD} on file`,
          '＂fullwidth＂ ＼ forms',
          `${'long text '.repeat(6)}"with a quote"`,
          // A request id of another service: digits, an issuer and a Luhn digit, but no card.
          '65665997-5285-4527-998c-e9d0d27583a0',
        ]
        // 600 rows: past the length at which arrays are written in chunks (256), twice.
        const rows = Array.from({ length: 600 }, (_, i) => ({
          id: i,
          note: notes[i % notes.length],
          password: SECRET,
        }))
        // The default detectors (recordingGuard turns redaction off unless told).
        const { guard } = recordingGuard({
          redact: {},
          routes: { 'GET /rows': { allow: ['$.rows[*].id', '$.rows[*].note'] } },
        })
        const body = () => (send === 'object' ? { rows } : JSON.stringify({ rows }))
        await withApp(
          { leakguard: guard, routes: [route('/rows', body, { send, contentType: 'application/json' })] },
          async (url) => {
            const res = await call(`${url}/rows`)
            expect(res.status).toBe(200)
            expect(res.text).not.toContain(SECRET)
            expect(res.text).not.toContain(CARD)
            // Well-formed, compact, and escaped the way JSON.stringify escapes.
            expect(res.text).toBe(JSON.stringify(res.json))
            const sent = (res.json as { rows: Array<{ id: number; note: string }> }).rows
            expect(sent).toHaveLength(600)
            sent.forEach((row, i) => {
              expect(Object.keys(row)).toEqual(['id', 'note'])
              expect(row.id).toBe(i)
              if (!notes[i % notes.length]!.includes(CARD)) expect(row.note).toBe(notes[i % notes.length])
            })
          },
        )
      },
    )

    it('blocks a JSON stream larger than responses.maxBufferedBytes', async () => {
      const { guard, events } = recordingGuard({ responses: { maxBufferedBytes: 256 } })
      const big = JSON.stringify(list())
      const routes = [route('/big', () => big, { send: 'stream', contentType: 'application/json' })]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/big`)
        expect([res.status, res.json]).toEqual([500, BLOCKED_BODY])
        expect(res.text).not.toContain(SECRET)
      })
      expect(ofType(await events(), 'response.blocked').map((e) => e.error.code)).toEqual([
        'ERR_LG_RESPONSE_TOO_LARGE',
      ])
    })

    it('blocks a body with a JSON content type that is not JSON', async () => {
      const { guard, events } = recordingGuard()
      const routes = [
        route('/broken', () => `{"secret":"${SECRET}"`, { send: 'string', contentType: 'application/json' }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/broken`)
        expect([res.status, res.json]).toEqual([500, BLOCKED_BODY])
      })
      expect(ofType(await events(), 'response.blocked').map((e) => e.error.code)).toEqual([
        'ERR_LG_RESPONSE_INVALID_JSON',
      ])
    })

    it('sends null and empty JSON bodies without failing', async () => {
      const { guard, events } = recordingGuard({ responses: { default: 'deny' } })
      const routes = [
        route('/null', () => null),
        route('/empty', () => '', { send: 'string', contentType: 'application/json' }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        for (const path of ['/null', '/empty']) {
          const res = await call(`${url}${path}`)
          expect(res.status, path).toBeLessThan(300)
          expect(['', 'null']).toContain(res.text)
        }
      })
      expect(ofType(await events(), 'response.blocked')).toEqual([])
    })
  })

  describe('HTTP semantics on the filtered bytes', () => {
    it('answers HEAD with the headers of GET and no body', async () => {
      const { guard } = recordingGuard({ routes: LIST_VIEW })
      await withApp({ leakguard: guard, routes: [route('/list', list)] }, async (url) => {
        const get = await rawRequest(`${url}/list`)
        const head = await rawRequest(`${url}/list`, { method: 'HEAD' })
        expect(head.status).toBe(200)
        expect(head.body.length).toBe(0)
        expect(head.headers['content-type']).toBe(get.headers['content-type'])
        expect(Number(get.headers['content-length'])).toBe(get.body.length)
        if (head.headers['content-length'] !== undefined) {
          expect(head.headers['content-length']).toBe(get.headers['content-length'])
        }
      })
    })

    it('computes ETag and Content-Length on the filtered body and revalidates with 304', async () => {
      const { guard } = recordingGuard({ routes: LIST_VIEW })
      const app = { leakguard: guard, routes: [route('/list', list)], middleware: { etag: true } }
      await withApp(app, async (url) => {
        const anonymous = await rawRequest(`${url}/list`)
        const admin = await rawRequest(`${url}/list`, { headers: { 'x-roles': 'admin' } })
        expect(JSON.parse(anonymous.body.toString())).toEqual(listView())
        expect(Number(anonymous.headers['content-length'])).toBe(anonymous.body.length)
        const etag = anonymous.headers.etag
        expect(etag).toBeTypeOf('string')
        expect(admin.headers.etag).not.toBe(etag)
        const revalidated = await rawRequest(`${url}/list`, { headers: { 'if-none-match': String(etag) } })
        expect(revalidated.status).toBe(304)
        expect(revalidated.body.length).toBe(0)
        const stale = await rawRequest(`${url}/list`, {
          headers: { 'if-none-match': String(admin.headers.etag) },
        })
        expect(stale.status).toBe(200)
      })
    })

    it('compresses the filtered body, never the original', async () => {
      const { guard } = recordingGuard({ routes: LIST_VIEW })
      const app = {
        leakguard: guard,
        routes: [
          route('/list', list),
          route('/text', () => 'x'.repeat(4096), { send: 'string', contentType: 'text/plain' }),
        ],
        middleware: { compress: true, etag: true },
      }
      await withApp(app, async (url) => {
        const res = await rawRequest(`${url}/list`, { headers: { 'accept-encoding': 'gzip' } })
        expect(res.status).toBe(200)
        expect(res.headers['content-encoding']).toBe('gzip')
        if (res.headers['content-length'] !== undefined)
          expect(Number(res.headers['content-length'])).toBe(res.body.length)
        const body = gunzipSync(res.body).toString()
        expect(JSON.parse(body)).toEqual(listView())
        expect(body).not.toContain(SECRET)
        const identity = await rawRequest(`${url}/list`)
        expect(identity.body.toString()).toBe(body)
        const text = await rawRequest(`${url}/text`, { headers: { 'accept-encoding': 'gzip' } })
        expect(gunzipSync(text.body).toString()).toBe('x'.repeat(4096))
      })
    })
  })

  describe('errors', () => {
    const thrown = (status?: number, expose?: boolean) => () =>
      Object.assign(new Error(`duplicate key for '${SECRET}' in /srv/app/db.js`), {
        ...(status === undefined ? {} : { status, statusCode: status }),
        ...(expose === undefined ? {} : { expose }),
      })

    it('renders a thrown error as a problem document without message, stack, SQL or paths', async () => {
      const { guard } = recordingGuard()
      const app = {
        leakguard: guard,
        routes: [route('/boom', thrown(), { send: 'throw' })],
        middleware: { errorHandler: true },
      }
      await withApp(app, async (url) => {
        const res = await call(`${url}/boom`)
        expect(res.status).toBe(500)
        expect(res.contentType).toMatch(/^application\/problem\+json/)
        expect(res.json).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
        expect(res.text).not.toMatch(/SENTINEL|at |\/srv\//)
      })
    })

    it('keeps the message of a thrown 4xx error as detail, unless it is not to be exposed', async () => {
      const { guard } = recordingGuard()
      const routes = [
        route('/missing', () => Object.assign(new Error('no such order'), { status: 404, statusCode: 404 }), {
          send: 'throw',
        }),
        route('/hidden', thrown(403, false), { send: 'throw' }),
      ]
      await withApp({ leakguard: guard, routes, middleware: { errorHandler: true } }, async (url) => {
        const missing = await call(`${url}/missing`)
        expect([missing.status, missing.json]).toEqual([
          404,
          { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such order' },
        ])
        const hidden = await call(`${url}/hidden`)
        expect([hidden.status, hidden.json]).toEqual([
          403,
          { type: 'about:blank', title: 'Forbidden', status: 403 },
        ])
      })
    })
  })
}
