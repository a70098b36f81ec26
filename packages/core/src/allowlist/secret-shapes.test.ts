import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { createRedactor } from '../redact/index.js'
import { secretShapeOf } from './secret-shapes.js'

const redactor = createRedactor({ knownSecrets: false })
const guard = createGuard({ redact: { knownSecrets: false } })
/** Both walkers: redact() (the projection) and a response (the serializer). */
function both(body: unknown): [unknown, unknown] {
  const context = guard.startRequest({ method: 'GET', path: '/x', native: undefined })
  const written = guard.serializeResponse(context, { status: 200, body })
  return [redactor.redact(body), JSON.parse(String((written as { payload: string }).payload))]
}

describe('objects whose shape says which members are secret', () => {
  it('masks the private members of a JWK, and leaves a public key as it is', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' })
    const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
    for (const out of both({
      keys: [jwk, rsa, { kty: 'oct', k: 'c2VjcmV0LWtleS1tYXRlcmlhbA' }],
      pub: publicJwk,
    })) {
      const text = JSON.stringify(out)
      for (const secret of [jwk.d, rsa.d, rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qi, 'c2VjcmV0LWtleS1tYXRlcmlhbA'])
        expect(text).not.toContain(secret)
      expect((out as { pub: unknown }).pub).toEqual(publicJwk)
      expect(text).toContain(String(jwk.x))
    }
  })

  it('masks the value of a name/value pair named for a secret, in every spelling of the pair', () => {
    const body = {
      env: [
        { name: 'DB_PASSWORD', value: 'Zq9x7Kp2mW9vR4tL' },
        { name: 'PORT', value: '8080' },
        { Name: 'apiToken', Value: 'tok-Zq9x7Kp2mW9vR4tL' },
        { Key: 'Owner', Value: 'ada' },
        { name: 'client_secret', value: { nested: 'Zq9x7Kp2mW9vR4tL-2' } },
        { name: 'password', value: 123456789 },
      ],
    }
    for (const out of both(body)) {
      const text = JSON.stringify(out)
      expect(text).not.toMatch(/Zq9x7Kp2mW9vR4tL|123456789/)
      expect(text).toContain('"8080"')
      expect(text).toContain('"ada"')
    }
  })

  it('reads a shape once per set of names: most objects have none', () => {
    expect(secretShapeOf(['id', 'name', 'email'])).toBeNull()
    expect(secretShapeOf(['kty', 'n', 'e'])).toBeNull()
    expect(secretShapeOf(['kty', 'd'])).toEqual({ jwk: true, nameKey: undefined, valueKey: undefined })
    expect(secretShapeOf(['name', 'value'])).toEqual({ jwk: false, nameKey: 'name', valueKey: 'value' })
    // A record with many members that happens to have both is not a pair.
    expect(secretShapeOf(['id', 'name', 'value', 'a', 'b', 'c', 'd'])).toBeNull()
  })
})
