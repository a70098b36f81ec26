import { describe, expect, it } from 'vitest'
import type { AdapterHarness, BodyKind } from '../harness.js'
import { appRunner, call, getRoute, NO_REDACTION, rawRequest, recordingGuard, SECRET } from '../helpers.js'

const CARD = '4111111111111111'
const TEXT_KINDS: readonly BodyKind[] = ['string', 'buffer', 'stream', 'web-stream', 'web-response']

/**
 * Parser differentials: JSON.parse keeps the last of duplicate members, many clients the first;
 * a byte order mark or bytes that are not UTF-8 are read differently by different decoders. What
 * goes out is the serialization of what leakguard decided on, never the text it parsed.
 */
export function runDuplicateMemberAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: JSON text that clients read otherwise than JSON.parse', () => {
    it.each(TEXT_KINDS)('never sends the first of duplicate members (%s)', async (send) => {
      const { guard } = recordingGuard({ redact: {} })
      const text = `{"id":1,"note":"${CARD}","note":"ok"}`
      const routes = [getRoute('/dup', () => text, { send, contentType: 'application/json' })]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/dup`)
        expect(res.status).toBe(200)
        expect(res.text).toBe('{"id":1,"note":"ok"}')
      })
    })

    it('never sends a duplicate member that the allowlist would keep by name', async () => {
      const { guard } = recordingGuard({
        redact: NO_REDACTION,
        routes: { 'GET /dup': { allow: ['$.id', '$.note'] } },
      })
      const text = `{"id":1,"note":"${SECRET}","note":"ok","hidden":"${SECRET}"}`
      const routes = [getRoute('/dup', () => text, { send: 'string', contentType: 'application/json' })]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/dup`)
        expect(res.text).not.toContain(SECRET)
        expect(res.json).toEqual({ id: 1, note: 'ok' })
      })
    })

    it('sends no byte order mark, which some clients refuse and others read as part of the text', async () => {
      const { guard } = recordingGuard({ redact: NO_REDACTION })
      const routes = [
        getRoute('/bom', () => '\uFEFF{"id":1}', { send: 'buffer', contentType: 'application/json' }),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await rawRequest(`${url}/bom`)
        expect(res.body.toString('utf8')).toBe('{"id":1}')
        expect(Number(res.headers['content-length'])).toBe(res.body.length)
      })
    })

    it('sends a pretty-printed body it did not change exactly as the handler wrote it', async () => {
      const { guard } = recordingGuard({ redact: {} })
      const text = `${JSON.stringify({ id: 1, tags: ['a', 'b'] }, null, 2)}\n`
      const routes = [getRoute('/pretty', () => text, { send: 'string', contentType: 'application/json' })]
      await withApp({ leakguard: guard, routes }, async (url) => {
        expect((await call(`${url}/pretty`)).text).toBe(text)
      })
    })
  })
}
