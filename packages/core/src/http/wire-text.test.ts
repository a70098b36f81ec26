import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { LeakguardEvent } from '../audit/events.js'
import { createGuard } from '../guard.js'
import { decodeBody } from './content-encoding.js'
import { decodeText, encodeText, sameText, serializeLike, textCharset } from './wire-text.js'

const CARD = '4111111111111111'

describe('serializeLike', () => {
  it('keeps the layout of the original: compact, indented, final newline', () => {
    const value = { a: [1, { b: 'x' }] }
    expect(serializeLike(value, '{"a":[]}')).toBe('{"a":[1,{"b":"x"}]}')
    expect(serializeLike(value, '{\n  "a": []\n}\n')).toBe(`${JSON.stringify(value, null, 2)}\n`)
    expect(serializeLike(value, '{\n\t"a": []\n}')).toBe(JSON.stringify(value, null, '\t'))
    expect(serializeLike([1], '[\n    1\n]')).toBe('[\n    1\n]')
  })

  it('serializes what JSON.parse read: the last duplicate member, doubles, no byte order mark', () => {
    expect(serializeLike(JSON.parse('{"n":"a","n":"b"}'), '{"n":"a","n":"b"}')).toBe('{"n":"b"}')
    expect(serializeLike(JSON.parse('{"id":12345678901234567890}'), '')).toBe('{"id":12345678901234567000}')
    expect(serializeLike(JSON.parse('"\\ud800"'), '')).toBe('"\\ud800"')
  })
})

describe('sameText', () => {
  it('accepts the original only when it is exactly the decided text and decoded losslessly', () => {
    expect(sameText('{"a":1}', '{"a":1}', '{"a":1}')).toBe(true)
    expect(sameText('{"a":1,"a":1}', '{"a":1,"a":1}', '{"a":1}')).toBe(false)
    const lossy = Buffer.from([0x22, 0xff, 0x22])
    const text = lossy.toString('utf8')
    expect(sameText(lossy, text, text)).toBe(false)
    expect(sameText(text, text, text)).toBe(true)
  })
})

describe('textCharset', () => {
  it('reads a byte order mark before the declared charset, as browsers do', () => {
    expect(textCharset(Buffer.from([0xff, 0xfe, 0x41, 0]), 'text/plain; charset=utf-8')).toBe('utf16le')
    expect(textCharset(Buffer.from([0xfe, 0xff, 0, 0x41]), 'text/plain')).toBe('utf16be')
    expect(textCharset(Buffer.from([0xef, 0xbb, 0xbf, 0x41]), 'text/plain; charset=utf-16')).toBe('utf8')
  })

  it('reads the charset parameter when there is no byte order mark', () => {
    expect(textCharset(Buffer.from('ab'), 'text/html; charset="UTF-16LE"')).toBe('utf16le')
    expect(textCharset(Buffer.from('ab'), 'text/html;charset=utf-16be')).toBe('utf16be')
    // Every other charset is read as UTF-8 (a windows-1252 reading needs its own table for
    // 0x80-0x9F, and writing back in it must never turn a mask's character into a quote).
    expect(textCharset(Buffer.from('ab'), 'text/html; charset=iso-8859-1')).toBe('utf8')
    expect(textCharset(Buffer.from('ab'), 'text/html; charset=shift_jis')).toBe('utf8')
    expect(textCharset(Buffer.from('ab'), undefined)).toBe('utf8')
  })

  it('reads the charset parameter as a browser parses a MIME type (a red-team pass)', () => {
    const utf8 = Buffer.from('ab')
    // Not a parameter named `charset`: a space before its `=`, or the text of a quoted value.
    expect(textCharset(utf8, 'text/plain; charset =utf-16')).toBe('utf8')
    expect(textCharset(utf8, 'text/plain; x="; charset=utf-16"')).toBe('utf8')
    expect(textCharset(utf8, 'text/plain; x="a\\"; charset=utf-16"')).toBe('utf8')
    // The first charset wins; a space after the `;` and case do not matter; a quoted one is read.
    expect(textCharset(utf8, 'text/plain; charset=utf-8; charset=utf-16')).toBe('utf8')
    expect(textCharset(utf8, 'text/plain;   CHARSET="utf-16" ; x=1')).toBe('utf16le')
    expect(textCharset(utf8, 'text/plain; x="y"; charset=utf-16be')).toBe('utf16be')
    // A label's white space is trimmed, as a browser trims it.
    expect(textCharset(utf8, 'text/plain; charset= utf-16le')).toBe('utf16le')
    expect(textCharset(utf8, 'text/plain; charset="utf-16le "')).toBe('utf16le')
    // A type that does not parse has no charset.
    expect(textCharset(utf8, 'text; charset=utf-16')).toBe('utf8')
    expect(textCharset(utf8, 'te xt/plain; charset=utf-16')).toBe('utf8')
  })

  it('round-trips UTF-16 text in both byte orders', () => {
    for (const charset of ['utf16le', 'utf16be'] as const) {
      const text = '\uFEFFcard é'
      expect(decodeText(encodeText(text, charset) as Buffer, charset)).toBe(text)
    }
  })
})

describe('JSON text through the guard', () => {
  const setup = (options: Parameters<typeof createGuard>[0] = {}) => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ ...options, audit: { onEvent: (event) => void events.push(event) } })
    const context = guard.startRequest({ method: 'GET', path: '/u', native: {} })
    return { guard, context, events }
  }
  const sent = (decision: ReturnType<ReturnType<typeof createGuard>['filterSerialized']>) => {
    if (decision.blocked) throw new Error('blocked')
    return Buffer.from(decision.payload).toString('utf8')
  }

  it('never forwards the first of duplicate members, as a string or a Buffer', () => {
    const { guard, context } = setup()
    const text = `{"note":"${CARD}","note":"ok"}`
    for (const payload of [text, Buffer.from(text)]) {
      expect(sent(guard.filterSerialized(context, { status: 200, payload }))).toBe('{"note":"ok"}')
    }
  })

  it('redacts the last duplicate member and sends only it', () => {
    const { guard, context } = setup()
    const out = sent(guard.filterSerialized(context, { status: 200, payload: `{"n":"ok","n":"${CARD}"}` }))
    expect(Object.keys(JSON.parse(out))).toEqual(['n'])
    expect(out).not.toContain(CARD)
  })

  it('drops a byte order mark and bytes that are not UTF-8, sending what the detectors read', () => {
    const { guard, context } = setup()
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])
    expect(sent(guard.filterSerialized(context, { status: 200, payload: bom }))).toBe('{"a":1}')
    const split = Buffer.concat([
      Buffer.from('{"a":"4111 1111'),
      Buffer.from([0xc0]),
      Buffer.from(' 1111 1111"}'),
    ])
    const out = guard.filterSerialized(context, { status: 200, payload: split })
    expect(out.blocked).toBe(false)
    expect(out.blocked || out.payload).not.toBe(split)
    expect(sent(out)).toBe('{"a":"4111 1111\uFFFD 1111 1111"}')
  })

  it('sends numbers as JSON.parse read them, and __proto__ members as plain data', () => {
    const { guard, context } = setup()
    expect(
      sent(guard.filterSerialized(context, { status: 200, payload: '{"id":4111111111111111111}' })),
    ).toBe('{"id":4111111111111111000}')
    const proto = '{"__proto__":{"admin":true},"a":1}'
    expect(sent(guard.filterSerialized(context, { status: 200, payload: proto }))).toBe(proto)
    expect(({} as { admin?: unknown }).admin).toBeUndefined()
  })

  it('keeps the very payload (and its compressed bytes) when it already is the decided text', () => {
    const { guard, context } = setup()
    const pretty = Buffer.from(`${JSON.stringify({ id: 1, list: [1, 2] }, null, 2)}\n`)
    expect(guard.filterSerialized(context, { status: 200, payload: pretty })).toEqual({
      blocked: false,
      payload: pretty,
    })
    const gzipped = gzipSync('{"id":1}')
    const decision = guard.filterSerialized(context, {
      status: 200,
      payload: gzipped,
      contentEncoding: 'gzip',
    })
    expect(decision.blocked || decision.payload).toBe(gzipped)
    const dup = gzipSync(`{"id":"${CARD}","id":1}`)
    const reencoded = guard.filterSerialized(context, { status: 200, payload: dup, contentEncoding: 'gzip' })
    if (reencoded.blocked) throw new Error('blocked')
    expect(decodeBody(reencoded.payload as Buffer, ['gzip'], 1 << 20).toString()).toBe('{"id":1}')
  })

  it('re-serializes a changed pretty body in its own indentation', () => {
    const { guard, context } = setup({ routes: { 'GET /u': { allow: ['$.id'] } } })
    const pretty = JSON.stringify({ id: 1, secret: 's' }, null, 2)
    expect(sent(guard.filterSerialized(context, { status: 200, payload: pretty }))).toBe('{\n  "id": 1\n}')
  })

  it('sends the original text in report mode, where nothing may change', () => {
    const { guard, context } = setup({ mode: 'report' })
    const text = `{"note":"${CARD}","note":"ok"}`
    expect(guard.filterSerialized(context, { status: 200, payload: text })).toEqual({
      blocked: false,
      payload: text,
    })
  })
})

describe('text bodies through the guard', () => {
  const guard = createGuard()
  const context = guard.startRequest({ method: 'GET', path: '/t', native: {} })

  it('reads UTF-16 text (by byte order mark or charset) and sends it back as UTF-16', () => {
    for (const [charset, contentType, bom] of [
      ['utf16le', 'text/html; charset=utf-8', '\uFEFF'],
      ['utf16be', 'text/plain; charset=utf-16be', ''],
    ] as const) {
      const payload = encodeText(`${bom}card ${CARD}`, charset) as Buffer
      const decision = guard.filterText(context, { status: 200, payload, contentType })
      if (decision.blocked) throw new Error('blocked')
      const out = decodeText(decision.payload as Buffer, charset)
      expect(out.startsWith(`${bom}card `)).toBe(true)
      expect(out).not.toContain(CARD)
    }
  })

  it('gives a 5xx text body error hygiene', () => {
    const page = `Error: boom ${CARD}\n    at Query.run (/srv/app/node_modules/pg/lib/query.js:1:1)\n`
    const decision = guard.filterText(context, { status: 500, payload: page, contentType: 'text/html' })
    if (decision.blocked) throw new Error('blocked')
    expect(String(decision.payload)).not.toMatch(/\/srv\/app|4111111111111111/)
  })
})

describe('unfilteredResponse', () => {
  it('emits one response.unfiltered event per request, naming how the body left', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ audit: { onEvent: (event) => void events.push(event) } })
    const context = guard.startRequest({ method: 'GET', path: '/raw', native: {} })
    guard.unfilteredResponse(context, { status: 200, via: 'hijack' })
    guard.unfilteredResponse(context, { status: 200, via: 'raw' })
    await guard.flush()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      type: 'response.unfiltered',
      severity: 'warn',
      outcome: 'unknown',
      via: 'hijack',
      request: { method: 'GET', path: '/raw', status: 200 },
    })
  })

  it('is a known event type for audit.types', () => {
    expect(() => createGuard({ audit: { types: ['response.unfiltered'] } })).not.toThrow()
  })
})
