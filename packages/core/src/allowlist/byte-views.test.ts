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
    const secret = JSON.parse(bothWalkers({ password: Buffer.from('hunter2hunter2') }).written)
    expect(JSON.stringify(secret)).not.toContain([...Buffer.from('hunter2')].join(','))
    const allowed = bothWalkers(
      { id: 1, file: Buffer.from(`token ${GITHUB}`), other: Buffer.from('dropped') },
      { routes: { 'GET /files': { allow: ['$.id', '$.file'] } } },
    )
    expect(allowed.written).toBe(allowed.projected)
    expect(Object.keys(JSON.parse(allowed.written))).toEqual(['id', 'file'])
    expect(latin1(JSON.parse(allowed.written).file)).toBe('token [REDACTED:github-token]')
  })

  it('drops bytes a mask removes, and writes a mask past latin1 as ?', () => {
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
    expect(latin1(JSON.parse(bullets.written).file)).toBe('mail ???')
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
