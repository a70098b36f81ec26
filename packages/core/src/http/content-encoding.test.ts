import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { contentCodings, decodeBody, encodeBody, SUPPORTED_CONTENT_CODINGS } from './content-encoding.js'

const text = JSON.stringify({ id: 1, note: 'x'.repeat(2000) })

describe('contentCodings', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['identity', []],
    ['GZIP', ['gzip']],
    ['deflate, br', ['deflate', 'br']],
    [['gzip', ' identity '], ['gzip']],
  ])('reads %j as %j', (header, codings) => {
    expect(contentCodings(header as never)).toEqual(codings)
  })
})

describe('decodeBody and encodeBody', () => {
  it.each([
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    ['br', brotliCompressSync(text)],
  ])('decodes %s', (coding, bytes) => {
    expect(decodeBody(bytes, [coding], 1 << 20).toString()).toBe(text)
  })

  it('reads raw deflate too, which some servers send as deflate', () => {
    expect(decodeBody(deflateRawSync(text), ['deflate'], 1 << 20).toString()).toBe(text)
  })

  it('undoes several codings last applied first, and applies them again in order', () => {
    const twice = encodeBody(text, ['gzip', 'br'])
    expect(decodeBody(twice, ['gzip', 'br'], 1 << 20).toString()).toBe(text)
  })

  it.each(SUPPORTED_CONTENT_CODINGS)('round-trips %s', (coding) => {
    expect(decodeBody(encodeBody(text, [coding]), [coding], 1 << 20).toString()).toBe(text)
  })

  it('stops a decompression bomb at the cap', () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(100 * 1024)
    expect(() => decodeBody(bomb, ['gzip'], 1024 * 1024)).toThrow(
      expect.objectContaining({ code: 'ERR_LG_RESPONSE_TOO_LARGE' }),
    )
  })

  it('refuses a coding it cannot read, and bytes that are not what they claim', () => {
    expect(() => decodeBody(Buffer.from(text), ['compress'], 1 << 20)).toThrow(
      expect.objectContaining({ code: 'ERR_LG_RESPONSE_ENCODING' }),
    )
    expect(() => decodeBody(Buffer.from(text), ['gzip'], 1 << 20)).toThrow(
      expect.objectContaining({ code: 'ERR_LG_RESPONSE_ENCODING' }),
    )
  })
})

describe('encoded bodies through the guard', () => {
  const secret = { id: 1, name: 'Ada', apiKey: 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr' }
  const guard = () => {
    const events: unknown[] = []
    const g = createGuard({
      routes: { 'GET /u': { allow: ['$.id', '$.name'] } },
      audit: { onEvent: (event) => void events.push(event) },
    })
    return { g, events, context: g.startRequest({ method: 'GET', path: '/u', native: {} }) }
  }

  it('filters a gzip JSON body and sends it gzip again', () => {
    const { g, context } = guard()
    const decision = g.filterSerialized(context, {
      status: 200,
      payload: gzipSync(JSON.stringify(secret)),
      contentEncoding: 'gzip',
    })
    expect(decision.blocked).toBe(false)
    const out = decodeBody(
      decision.blocked ? Buffer.alloc(0) : (decision.payload as Buffer),
      ['gzip'],
      1 << 20,
    )
    expect(JSON.parse(out.toString())).toEqual({ id: 1, name: 'Ada' })
  })

  it('sends the original bytes when nothing changes', () => {
    const { g, context } = guard()
    const payload = gzipSync(JSON.stringify({ id: 1, name: 'Ada' }))
    const decision = g.filterSerialized(context, { status: 200, payload, contentEncoding: 'gzip' })
    expect(decision).toEqual({ blocked: false, payload })
  })

  it('blocks what it cannot decode, with an event naming the reason', async () => {
    const { g, context, events } = guard()
    const decision = g.filterSerialized(context, {
      status: 200,
      payload: Buffer.from(JSON.stringify(secret)),
      contentEncoding: 'compress',
    })
    expect(decision.blocked).toBe(true)
    await g.flush()
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'response.blocked',
        error: expect.objectContaining({ code: 'ERR_LG_RESPONSE_ENCODING' }),
      }),
    )
  })

  it('redacts an encoded text error page and encodes it again', () => {
    const { g, context } = guard()
    const page = `Error: boom\n    at Query.run (/srv/app/node_modules/pg/lib/query.js:1:1)\n`
    const decision = g.filterText(context, {
      status: 500,
      payload: brotliCompressSync(page),
      contentEncoding: 'br',
    })
    expect(decision.blocked).toBe(false)
    const out = decodeBody(decision.blocked ? Buffer.alloc(0) : (decision.payload as Buffer), ['br'], 1 << 20)
    expect(out.toString()).not.toContain('/srv/app')
  })
})
