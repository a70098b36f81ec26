import { describe, expect, it } from 'vitest'
import { createVerifier } from '../auth/index.js'
import { isLoopbackHost } from './loopback.js'

describe('isLoopbackHost', () => {
  it('knows this machine as URL spells it, and nothing DNS may answer', () => {
    for (const url of [
      'http://localhost',
      'http://127.0.0.1',
      'http://127.9.9.9',
      'http://[::1]',
      'http://[::ffff:127.0.0.1]',
    ])
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(true)
    for (const url of [
      'http://api.localhost',
      'http://localhost.',
      'http://10.0.0.1',
      'http://[::ffff:10.0.0.1]',
      'http://0.0.0.0',
    ])
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(false)
  })

  it('lets a JWKS be fetched over plain http on loopback only', () => {
    const options = { issuer: 'https://issuer.test/', audience: 'api', algorithms: ['ES256' as const] }
    expect(() => createVerifier({ ...options, jwksUri: 'http://127.0.0.1:9/jwks' })).not.toThrow()
    expect(() => createVerifier({ ...options, jwksUri: 'http://[::ffff:127.0.0.1]:9/jwks' })).not.toThrow()
  })
})
