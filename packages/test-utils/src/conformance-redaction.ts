import { describe, expect, it } from 'vitest'
import type { AdapterHarness } from './harness.js'
import { appRunner, BLOCKED_BODY, call, ofType, recordingGuard, getRoute as route } from './helpers.js'

const CARD = '4111 1111 1111 1111'
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
const DEFAULT_REDACTION = { redact: {} }

/** Sensitive-pattern redaction over HTTP: the same on every adapter. */
export function runRedactionSuite(harness: AdapterHarness): void {
  const withApp = appRunner(harness)
  const order = () => ({
    id: 7,
    note: `paid with ${CARD}, receipt to jane@example.com`,
    session: JWT,
    password: 'hunter2',
    lines: [{ sku: 'A-1', comment: 'call +44 7700 900123' }],
  })

  describe('redaction', () => {
    it('masks what the detectors and member-name rules find, and reports paths, never values', async () => {
      const { guard, events } = recordingGuard(DEFAULT_REDACTION)
      await withApp({ leakguard: guard, routes: [route('/orders/:id', order)] }, async (url) => {
        const res = await call(`${url}/orders/7`)
        expect(res.json).toEqual({
          id: 7,
          note: 'paid with 4111 11** **** 1111, receipt to [REDACTED:email]',
          session: '[REDACTED:jwt]',
          password: '[REDACTED]',
          lines: [{ sku: 'A-1', comment: 'call +** **** ****23' }],
        })
      })
      const [redacted, ...rest] = ofType(await events(), 'response.redacted')
      expect(rest).toEqual([])
      expect(redacted).toMatchObject({ severity: 'warn', total: 5, truncated: false })
      expect(redacted?.findings).toEqual(
        expect.arrayContaining([
          { path: '$.note', detector: 'card', count: 1, confidence: 'high' },
          { path: '$.note', detector: 'email', count: 1, confidence: 'high' },
          { path: '$.session', detector: 'jwt', count: 1, confidence: 'high' },
          { path: '$.password', detector: 'key-name', count: 1, confidence: 'medium' },
          { path: '$.lines[*].comment', detector: 'phone', count: 1, confidence: 'medium' },
        ]),
      )
      expect(JSON.stringify(redacted)).not.toMatch(/4111 1111|jane@|hunter2|eyJhbGci|7700 900123/)
    })

    it.each([
      ['text/plain', 'string'],
      ['text/html; charset=utf-8', 'string'],
      ['text/plain', 'buffer'],
      ['application/json', 'string'],
    ] as const)('masks a %s %s body', async (contentType, send) => {
      const { guard } = recordingGuard(DEFAULT_REDACTION)
      const text =
        contentType === 'application/json' ? JSON.stringify({ note: `card ${CARD}` }) : `<p>card ${CARD}</p>`
      await withApp(
        { leakguard: guard, routes: [route('/t', () => text, { send, contentType })] },
        async (url) => {
          const res = await call(`${url}/t`)
          expect(res.status).toBe(200)
          expect(res.text).toContain('4111 11** **** 1111')
          expect(res.text).not.toContain(CARD)
        },
      )
    })

    it('replaces stack traces, SQL and paths in error bodies by a generic message with the request id', async () => {
      const { guard } = recordingGuard(DEFAULT_REDACTION)
      const routes = [
        route(
          '/bad',
          () => ({
            title: 'Bad Request',
            status: 400,
            detail: 'syntax error at or near "FROM" in SELECT * FROM users',
          }),
          {
            status: 400,
          },
        ),
        route('/page', () => 'TypeError: x is undefined\n    at handler (/srv/app/routes.js:12:7)\n', {
          status: 500,
          contentType: 'text/plain',
        }),
        route('/id', ({ leakguard }) => ({ id: leakguard?.requestId })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const bad = await call(`${url}/bad`)
        expect(bad.status).toBe(400)
        const detail = (bad.json as { detail: string }).detail
        expect(detail).toMatch(/^An internal error occurred\. Reference: [0-9a-f-]{36}$/)
        const page = await call(`${url}/page`)
        expect(page.status).toBe(500)
        expect(page.text).toMatch(/^An internal error occurred\. Reference: [0-9a-f-]{36}$/)
        expect(bad.text + page.text).not.toMatch(/SELECT|\/srv\/|at handler/)
      })
    })

    it('reports findings in report mode and sends the body unchanged', async () => {
      const { guard, events } = recordingGuard({ ...DEFAULT_REDACTION, mode: 'report' })
      await withApp({ leakguard: guard, routes: [route('/orders/:id', order)] }, async (url) => {
        expect((await call(`${url}/orders/7`)).json).toEqual(order())
      })
      expect(ofType(await events(), 'response.redacted')[0]).toMatchObject({ mode: 'report', total: 5 })
    })

    it('fails closed when a custom rule throws, naming the rule in the event', async () => {
      const { guard, events } = recordingGuard({
        redact: {
          rules: [
            {
              id: 'broken-rule',
              match: () => {
                throw new Error('bug')
              },
            },
          ],
        },
      })
      await withApp({ leakguard: guard, routes: [route('/orders/:id', order)] }, async (url) => {
        const res = await call(`${url}/orders/7`)
        expect([res.status, res.json]).toEqual([500, BLOCKED_BODY])
      })
      expect(ofType(await events(), 'response.blocked').map((e) => e.error)).toEqual([
        {
          code: 'ERR_LG_RESPONSE_RULE_FAILED',
          message: 'redact rule "broken-rule" threw',
          rule: 'broken-rule',
        },
      ])
    })

    it('applies route-level redaction options given in the framework idiom', async () => {
      const { guard } = recordingGuard(DEFAULT_REDACTION)
      const routes = [
        route('/support', () => ({ email: 'jane@example.com', password: 'p' }), {
          routeOptions: { redact: { overrides: { email: false } } },
        }),
        route('/plain', () => ({ email: 'jane@example.com', password: 'p' })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        expect((await call(`${url}/support`)).json).toEqual({
          email: 'jane@example.com',
          password: '[REDACTED]',
        })
        expect((await call(`${url}/plain`)).json).toEqual({
          email: '[REDACTED:email]',
          password: '[REDACTED]',
        })
      })
    })
  })
}
