import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { createRedactor } from './index.js'

const redactor = createRedactor({ knownSecrets: false })
/** The same body through the compiled serializer (what adapters run) and through redact(). */
function both(body: unknown): [unknown, unknown] {
  const guard = createGuard({ redact: { knownSecrets: false } })
  const context = guard.startRequest({ method: 'GET', path: '/x', native: undefined })
  const written = guard.serializeResponse(context, { status: 200, body }) as { payload: string }
  return [JSON.parse(String(written.payload)), redactor.redact(body)]
}

describe('containers under secret names', () => {
  it('are masked whole, shape kept, on both paths', () => {
    const body = {
      passwords: ['a1b2c3d4', ['x9y8z7w6']],
      secrets: { db: 'p4ss', n: 7 },
      tokens: [{ v: 't0k3n-1' }],
    }
    const expected = {
      passwords: ['[REDACTED]', ['[REDACTED]']],
      secrets: { db: '[REDACTED]', n: '[REDACTED]' },
      tokens: [{ v: '[REDACTED]' }],
    }
    expect(both(body)).toEqual([expected, expected])
  })

  it('keep the members that describe the secret: OpenAPI schemes and schemas, a status', () => {
    const body = {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      properties: { password: { type: 'string', format: 'password', minLength: 8 } },
      secret_scanning: { status: 'disabled' },
      credentials: { user: 'ada', type: 'basic', expiresAt: '2030-01-01T00:00:00Z' },
      auth: {
        provider: 'oidc',
        issuer: 'https://id.example',
        audience: 'api',
        scopes: ['read'],
        jwksUri: 'https://id.example/jwks',
      },
    }
    const expected = {
      ...body,
      credentials: { user: '[REDACTED]', type: 'basic', expiresAt: '2030-01-01T00:00:00Z' },
    }
    expect(both(body)).toEqual([expected, expected])
  })

  it('still read describing members with the detectors', () => {
    const body = { credentials: { url: 'postgres://app:s3cr3tPass@db.internal:5432/app' } }
    for (const out of both(body)) expect(JSON.stringify(out)).not.toContain('s3cr3tPass')
  })
})
