import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { createRedactor } from '../redact/index.js'
import { isByteView, redactedBytes } from './byte-views.js'

const GITHUB = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'

/** The JSON text of `body` through both walkers: the compiled serializer and the projection. */
function bothWalkers(body: unknown, options: Parameters<typeof createGuard>[0] = {}) {
  const guard = createGuard({ redact: { knownSecrets: false }, ...options })
  const context = () => guard.startRequest({ method: 'GET', path: '/files', native: undefined })
  const written = guard.serializeResponse(context(), { status: 200, body })
  const projected = guard.filterResponse(context(), { status: 200, body })
  if (written.blocked || projected.blocked) throw new Error('blocked')
  return { written: written.payload, projected: JSON.stringify(projected.body) }
}

const latin1 = (json: { type?: string; data?: number[] } & Record<string, number>) =>
  Buffer.from(
    json.type === 'Buffer' ? json.data! : Object.values(json).map((n) => Number(n) & 0xff),
  ).toString('latin1')

describe('byte views in a body', () => {
  it('reads a Buffer, a Uint8Array, an Int8Array and a Uint8ClampedArray as text, in both walkers', () => {
    const body = {
      buffer: Buffer.from(`key ${GITHUB}`),
      uint8: new Uint8Array(Buffer.from('mail ada@example.com')),
      int8: new Int8Array(Buffer.from(GITHUB)),
      clamped: new Uint8ClampedArray(Buffer.from('card 4111 1111 1111 1111')),
      list: [Buffer.from(GITHUB), 'text'],
    }
    const { written, projected } = bothWalkers(body)
    expect(written).toBe(projected)
    const out = JSON.parse(written)
    expect(out.buffer.type).toBe('Buffer')
    expect(latin1(out.buffer)).toBe('key [REDACTED:github-token]')
    expect(latin1(out.uint8)).toBe('mail [REDACTED:email]')
    expect(latin1(out.int8)).toBe('[REDACTED:github-token]')
    expect(latin1(out.clamped)).toBe('card 4111 11** **** 1111')
    expect(latin1(out.list[0])).toBe('[REDACTED:github-token]')
    expect(out.list[1]).toBe('text')
  })

  it('writes bytes that hold nothing exactly as JSON.stringify does, the same object kept', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff])
    const body = { png, id: new Uint8Array([1, 2, 3]), text: Buffer.from('plain words only') }
    const { written, projected } = bothWalkers(body)
    expect(written).toBe(JSON.stringify(body))
    expect(projected).toBe(JSON.stringify(body))
    expect(redactedBytes(png, (text) => text)).toBe(png)
  })

  it('reads a body that is itself bytes, and bytes under a secret name or an allowlisted path', () => {
    expect(latin1(JSON.parse(bothWalkers(Buffer.from('ada@example.com')).written))).toBe('[REDACTED:email]')
    // Under a secret name, the bytes are the mask's: read once, still bytes a client decodes.
    for (const walker of Object.values(bothWalkers({ password: Buffer.from('hunter2hunter2') }))) {
      const secret = JSON.parse(walker)
      expect(secret.password.type).toBe('Buffer')
      expect(latin1(secret.password)).toBe('[REDACTED]')
    }
    const inList = bothWalkers({
      headers: [['authorization', new Uint8Array(Buffer.from('Bearer abcdefghijklmnop1234'))]],
    })
    expect(inList.written).toBe(inList.projected)
    expect(latin1(JSON.parse(inList.written).headers[0][1])).toBe('Bearer [REDACTED]')
    const allowed = bothWalkers(
      { id: 1, file: Buffer.from(`token ${GITHUB}`), other: Buffer.from('dropped') },
      { routes: { 'GET /files': { allow: ['$.id', '$.file'] } } },
    )
    expect(allowed.written).toBe(allowed.projected)
    expect(Object.keys(JSON.parse(allowed.written))).toEqual(['id', 'file'])
    expect(latin1(JSON.parse(allowed.written).file)).toBe('token [REDACTED:github-token]')
  })

  it('drops bytes a mask removes, and writes a mask in the encoding the bytes were read in', () => {
    const removed = bothWalkers(
      { file: Buffer.from('ada@example.com'), id: 1, list: [Buffer.from('ada@example.com'), 2] },
      { redact: { knownSecrets: false, overrides: { email: { mask: 'remove' } } } },
    )
    expect(removed.written).toBe(removed.projected)
    expect(JSON.parse(removed.written)).toEqual({ id: 1, list: [2] })
    const bullets = bothWalkers(
      { file: Buffer.from('mail ada@example.com') },
      { redact: { knownSecrets: false, overrides: { email: { mask: () => '•••' } } } },
    )
    // Read as UTF-8, the mask is written in UTF-8; read one character per byte, past latin1 as ?.
    expect(Buffer.from(JSON.parse(bullets.written).file.data).toString('utf8')).toBe('mail •••')
    const binary = bothWalkers(
      { file: Buffer.concat([Buffer.from('mail ada@example.com '), Buffer.from([0xff])]) },
      { redact: { knownSecrets: false, overrides: { email: { mask: () => '•••' } } } },
    )
    expect(latin1(JSON.parse(binary.written).file)).toBe('mail ??? \xff')
  })

  it('reads UTF-8 text as UTF-8: what redaction rewrites keeps its other characters', () => {
    const text =
      '{"password":"hunter2","name":"Jos\\u00e9 \\u20ac \\ud83d\\ude00"} and Zoë € 😀 ada@example.com'
    const { written, projected } = bothWalkers({ a: Buffer.from(text) })
    expect(written).toBe(projected)
    const out = Buffer.from(JSON.parse(written).a.data).toString('utf8')
    expect(out).toBe(
      '{"password":"[REDACTED]","name":"Jos\\u00e9 \\u20ac \\ud83d\\ude00"} and Zoë € 😀 [REDACTED:email]',
    )
    // Bytes that are not UTF-8 are read one character per byte, and written back the same way.
    const binary = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x00]),
      Buffer.from(' ada@example.com '),
      Buffer.from([0x80]),
    ])
    const back = Buffer.from(JSON.parse(bothWalkers({ b: binary }).written).b.data)
    expect([...back.subarray(0, 3)]).toEqual([0xff, 0xfe, 0x00])
    expect(back.subarray(3).toString('latin1')).toBe(' [REDACTED:email] \x80')
  })

  it('reads what JSON writes: views of another realm or subclass, through the view itself; no view, no throw', () => {
    const foreign = runInNewContext('new Uint8Array(bytes)', { bytes: [...Buffer.from('ada@example.com')] })
    class Short extends Uint8Array {
      override get byteLength(): number {
        return 3
      }
    }
    const short = new Short(Buffer.from('ada@example.com'))
    const detached = new Uint8Array(8)
    structuredClone(detached.buffer, { transfer: [detached.buffer] })
    const body = { foreign, short, detached, ok: 1 }
    const { written, projected } = bothWalkers(body)
    expect(written).toBe(projected)
    const out = JSON.parse(written)
    expect(latin1(out.foreign)).toBe('[REDACTED:email]')
    expect(latin1(out.short)).toBe('[REDACTED:email]')
    expect(out.detached).toEqual({})
    expect(out.ok).toBe(1)
  })

  it('reads a Buffer already written as JSON: read back from a cache, or in JSON text sent as it is', () => {
    const cached = JSON.parse(
      JSON.stringify({ file: Buffer.from(`key ${GITHUB}`), list: [Buffer.from(GITHUB)] }),
    )
    const { written, projected } = bothWalkers(cached)
    expect(written).toBe(projected)
    const out = JSON.parse(written)
    expect(latin1(out.file)).toBe('key [REDACTED:github-token]')
    expect(latin1(out.list[0])).toBe('[REDACTED:github-token]')
    const guard = createGuard({ redact: { knownSecrets: false } })
    const context = guard.startRequest({ method: 'GET', path: '/files', native: undefined })
    const text = guard.filterSerialized(context, { status: 200, payload: JSON.stringify(cached) })
    if (text.blocked) throw new Error('blocked')
    expect(latin1(JSON.parse(String(text.payload)).file)).toBe('key [REDACTED:github-token]')
    // Members in the other order (a store that sorts them), and under a secret name: the mask's
    // bytes, once.
    const sorted = bothWalkers({ file: { data: [...Buffer.from('ada@example.com')], type: 'Buffer' } })
    expect(sorted.written).toBe(sorted.projected)
    expect(latin1(JSON.parse(sorted.written).file)).toBe('[REDACTED:email]')
    for (const body of [
      JSON.parse(JSON.stringify({ password: Buffer.from('hunter2'), u: 1 })),
      {
        list: [
          ['password', JSON.parse(JSON.stringify(Buffer.from('hunter2')))],
          ['x', 'y'],
        ],
      },
    ]) {
      const secret = bothWalkers(body)
      expect(secret.written).toBe(secret.projected)
      expect(secret.written).not.toContain('"[REDACTED]"')
      expect(secret.written).toContain([...Buffer.from('[REDACTED]')].join(','))
    }
    for (const look of [
      { type: 'Buffer', data: [300, 1] },
      { type: 'Buffer', data: 'plain words' },
      { type: 'Blob', data: [...Buffer.from('ada@example.com')] },
      { type: 'Buffer', data: [...Buffer.from('ada@example.com')], encoding: 'utf8' },
    ])
      expect(bothWalkers({ look }).written).toBe(JSON.stringify({ look }))
  })

  it('reads bytes in redact() as in responses: the value comes back as JSON has it', () => {
    const out = createRedactor({ knownSecrets: false }).redact({ k: Buffer.from(`x ${GITHUB}`) })
    expect(out).toEqual({ k: { type: 'Buffer', data: [...Buffer.from('x [REDACTED:github-token]')] } })
  })

  it('reads only byte views: wider typed arrays and DataViews are written as JSON writes them', () => {
    expect(isByteView(Buffer.from('x'))).toBe(true)
    expect(isByteView(new Uint16Array(2))).toBe(false)
    expect(isByteView(new DataView(new ArrayBuffer(2)))).toBe(false)
    expect(isByteView([1, 2])).toBe(false)
    const wide = { codes: new Uint16Array([...'ada@example.com'].map((c) => c.charCodeAt(0))) }
    expect(bothWalkers(wide).written).toBe(JSON.stringify(wide))
  })
})
