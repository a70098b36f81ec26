import { generateKeyPairSync } from 'node:crypto'
import {
  AUDIENCE,
  forgeToken,
  HS_SECRET,
  ISSUER,
  signToken,
  startJwksServer,
  testKey,
} from '@leakguard/test-utils'
import { SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type AuthOptions, createVerifier, LeakguardAuthError, LeakguardConfigError } from '../src/index.js'

const es = await testKey('ES256')
const rs = await testKey('RS256')
const ed = await testKey('EdDSA')

const base = { issuer: ISSUER, audience: AUDIENCE } as const
const esVerifier = (extra: Partial<AuthOptions> = {}) =>
  createVerifier({ ...base, algorithms: ['ES256'], publicKey: es.jwk, ...extra })

async function failure(promise: Promise<unknown>): Promise<LeakguardAuthError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(LeakguardAuthError)
  return error as LeakguardAuthError
}

function configError(options: unknown): LeakguardConfigError {
  try {
    createVerifier(options as AuthOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(LeakguardConfigError)
    return error as LeakguardConfigError
  }
  throw new Error('expected a configuration error')
}

afterEach(() => {
  vi.useRealTimers()
})

describe('createVerifier: options', () => {
  it.each([
    [{ ...base, algorithms: ['HS256'], secret: 'too short' }, 'auth.secret', 'at least 32 bytes'],
    [{ ...base, algorithms: ['HS384'], secret: HS_SECRET }, 'auth.secret', 'at least 48 bytes'],
    [{ ...base, algorithms: ['RS256'], secret: HS_SECRET }, 'auth.secret', 'cannot verify RS256'],
    [{ ...base, algorithms: ['RS256', 'HS256'], publicKey: rs.jwk }, 'auth.publicKey', 'RS256" only'],
    [{ ...base, algorithms: ['HS256'], publicKey: rs.publicKey }, 'auth.publicKey', 'cannot verify HS256'],
    [{ ...base, algorithms: ['ES384'], publicKey: es.publicKey }, 'auth.publicKey', 'secp384r1'],
    [{ ...base, algorithms: ['HS256'], jwks: { keys: [] } }, 'auth.algorithms', 'must not hold'],
    [
      { ...base, algorithms: ['RS256'], jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] } },
      'auth.jwks.keys[0]',
      'shared secrets',
    ],
    [{ ...base, algorithms: ['none'], secret: HS_SECRET }, 'auth.algorithms[0]', 'unknown or unsafe'],
    [{ ...base, algorithms: [], secret: HS_SECRET }, 'auth.algorithms', 'non-empty'],
    [{ audience: AUDIENCE, algorithms: ['HS256'], secret: HS_SECRET }, 'auth.issuer', 'or false'],
    [{ issuer: ISSUER, algorithms: ['HS256'], secret: HS_SECRET }, 'auth.audience', 'false to skip'],
    [{ ...base, algorithms: ['ES256'] }, 'auth', 'needs a key'],
    [
      { ...base, algorithms: ['ES256'], publicKey: es.jwk, jwks: { keys: [es.jwk] } },
      'auth',
      'one key source',
    ],
    [{ ...base, algorithms: ['ES256'], jwksUri: 'http://idp.example.com/jwks' }, 'auth.jwksUri', 'https'],
    // Plain http only on this machine: a name DNS may answer is not loopback.
    [{ ...base, algorithms: ['ES256'], jwksUri: 'http://idp.localhost/jwks' }, 'auth.jwksUri', 'https'],
    [{ ...base, algorithms: ['ES256'], jwksUri: 'not a url' }, 'auth.jwksUri', 'absolute URL'],
    [
      { ...base, algorithms: ['ES256'], publicKey: es.jwk, clockTolerance: '5 minutes' },
      'auth.clockTolerance',
      'duration',
    ],
    [
      { ...base, algorithms: ['ES256'], publicKey: es.jwk, rolesClaim: 'a..b' },
      'auth.rolesClaim',
      'dotted path',
    ],
    [
      { issuers: [{ ...base, algorithms: ['ES256'], publicKey: es.jwk }], audience: AUDIENCE },
      'auth.audience',
      'inside each entry',
    ],
    [
      {
        issuers: [
          { ...base, algorithms: ['ES256'], publicKey: es.jwk },
          { ...base, algorithms: ['RS256'], publicKey: rs.jwk },
        ],
      },
      'auth.issuers[1].issuer',
      'listed twice',
    ],
    [
      { issuers: [{ issuer: false, audience: AUDIENCE, algorithms: ['ES256'], publicKey: es.jwk }] },
      'auth.issuers[0].issuer',
      'exact',
    ],
  ])('refuses invalid options (%#) naming %s', (options, option, message) => {
    const error = configError(options)
    expect(error.option).toBe(option)
    expect(error.message).toContain(message)
  })

  it('refuses RSA keys under 2048 bits, inline or in a JWKS', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    expect(configError({ ...base, algorithms: ['RS256'], publicKey }).message).toContain('at least 2048 bits')
    const jwk = publicKey.export({ format: 'jwk' })
    expect(configError({ ...base, algorithms: ['RS256'], jwks: { keys: [jwk] } }).option).toBe(
      'auth.jwks.keys[0]',
    )
  })

  it('accepts PEM strings, JWKs and KeyObjects, and derives the public part of a private key', async () => {
    const pem = rs.publicKey.export({ type: 'spki', format: 'pem' }) as string
    for (const publicKey of [pem, rs.jwk, rs.publicKey, rs.privateKey]) {
      const verifier = createVerifier({ ...base, algorithms: ['RS256'], publicKey })
      await expect(verifier.verify(await signToken(rs))).resolves.toMatchObject({ sub: 'user-1' })
    }
  })
})

describe('verify: valid tokens', () => {
  it.each([
    ['ES256', es],
    ['RS256', rs],
    ['EdDSA', ed],
  ] as const)('verifies %s and returns the principal', async (alg, key) => {
    const verifier = createVerifier({ ...base, algorithms: [alg], jwks: { keys: [key.jwk] } })
    const token = await signToken(key, {
      claims: { scope: 'users:read users:write', roles: ['admin', 'admin'] },
    })
    const principal = await verifier.verify(token)
    expect(principal).toMatchObject({
      sub: 'user-1',
      issuer: ISSUER,
      scopes: ['users:read', 'users:write'],
      roles: ['admin'],
    })
    expect(principal.claims.aud).toBe(AUDIENCE)
  })

  it('verifies HS256 with a shared secret', async () => {
    const verifier = createVerifier({ ...base, algorithms: ['HS256'], secret: HS_SECRET })
    await expect(verifier.verify(await signToken(HS_SECRET))).resolves.toMatchObject({ sub: 'user-1' })
  })

  it('reads scopes from scp arrays and roles from a dotted claim path', async () => {
    const verifier = esVerifier({ rolesClaim: 'realm_access.roles' })
    const token = await signToken(es, {
      claims: { scp: ['a', 'b'], scope: 'c', realm_access: { roles: 'x y' } },
    })
    expect(await verifier.verify(token)).toMatchObject({ scopes: ['c', 'a', 'b'], roles: ['x', 'y'] })
  })

  it('freezes the principal, which cache hits share', async () => {
    const principal = await esVerifier().verify(await signToken(es, { claims: { nested: { a: [1] } } }))
    expect(Object.isFrozen(principal)).toBe(true)
    expect(Object.isFrozen(principal.claims.nested)).toBe(true)
    expect(Object.isFrozen(principal.scopes)).toBe(true)
  })

  it('accepts at+jwt (and application/at+jwt) where it is required', async () => {
    const verifier = esVerifier({ typ: 'at+jwt' })
    for (const typ of ['at+jwt', 'application/at+jwt']) {
      await expect(verifier.verify(await signToken(es, { header: { typ } }))).resolves.toBeDefined()
    }
  })
})

describe('verify: attacks and bad tokens', () => {
  const stage = async (promise: Promise<unknown>) => {
    const error = await failure(promise)
    return [error.stage, error.code]
  }

  it.each(['none', 'None', 'NONE', 'nOnE', 'NoNe'])('refuses alg %j', async (alg) => {
    const token = forgeToken({ alg, kid: es.kid }, { iss: ISSUER, aud: AUDIENCE, exp: 4e9 })
    // Without a signature the token is not even a well-formed JWS...
    expect(await stage(esVerifier().verify(token))).toEqual(['format', 'ERR_LG_TOKEN_MALFORMED'])
    // ...and with one, its algorithm is refused before any key is looked up.
    expect(await stage(esVerifier().verify(`${token}c2ln`))).toEqual([
      'format',
      'ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED',
    ])
  })

  it('refuses an HS256 token signed with the RSA public key (key confusion)', async () => {
    const pem = rs.publicKey.export({ type: 'spki', format: 'pem' }) as string
    const verifier = createVerifier({ ...base, algorithms: ['RS256'], publicKey: pem })
    const token = await signToken(new TextEncoder().encode(pem))
    expect(await stage(verifier.verify(token))).toEqual(['format', 'ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED'])
  })

  it('refuses tokens carrying their own key or a key address: jwk, jku, x5u, x5c', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = attacker.publicKey.export({ format: 'jwk' })
    const headers = [
      { jwk },
      { jku: 'https://attacker.test/jwks' },
      { x5u: 'https://attacker.test/cert' },
      { x5c: ['MIIB'] },
    ]
    for (const header of headers) {
      const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: 4e9 })
        .setProtectedHeader({ alg: 'ES256', ...header })
        .sign(attacker.privateKey)
      expect(await stage(esVerifier().verify(token))).toEqual(['format', 'ERR_LG_TOKEN_HEADER_FORBIDDEN'])
    }
  })

  it('refuses an unknown crit extension and b64', async () => {
    const crit = await signToken(es, { header: { crit: ['urn:example:ext'], 'urn:example:ext': 1 } }).catch(
      () => forgeToken({ alg: 'ES256', crit: ['urn:example:ext'] }, { exp: 4e9 }, 'c2ln'),
    )
    expect(await stage(esVerifier().verify(crit))).toEqual(['format', 'ERR_LG_TOKEN_HEADER_FORBIDDEN'])
    const b64 = forgeToken({ alg: 'ES256', b64: false, crit: ['b64'] }, 'x', 'c2ln')
    expect(await stage(esVerifier().verify(b64))).toEqual(['format', 'ERR_LG_TOKEN_HEADER_FORBIDDEN'])
  })

  it('refuses truncated tokens, extra segments and JSON serialization', async () => {
    const token = await signToken(es)
    const [h, p, s] = token.split('.')
    for (const bad of [
      `${h}.${p}`,
      h!,
      `${h}.${p}.${s}.${s}`,
      `${h}.${p}.`,
      `.${p}.${s}`,
      `{"payload":"${p}"}`,
      '',
      ' ',
    ]) {
      expect(await stage(esVerifier().verify(bad))).toEqual(['format', 'ERR_LG_TOKEN_MALFORMED'])
    }
  })

  it('refuses non-canonical base64url that Node would decode to the same bytes', async () => {
    const token = await signToken(es)
    const [h, p, s] = token.split('.') as [string, string, string]
    // ES256 signatures are 64 bytes: 86 characters, whose last one has 4 unused bits.
    expect(s.length % 4).toBe(2)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const sibling = s.slice(0, -1) + alphabet[alphabet.indexOf(s.at(-1)!) + 1]
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(s, 'base64url'))
    for (const bad of [
      `${h}.${p}.${sibling}`,
      `${h}.${p}.${s}==`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}x`,
    ]) {
      expect(await stage(esVerifier().verify(bad))).toEqual(['format', 'ERR_LG_TOKEN_MALFORMED'])
    }
  })

  it('refuses a tampered payload at the signature stage', async () => {
    const token = await signToken(es)
    const [h, , s] = token.split('.')
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: 4e9 }),
    ).toString('base64url')
    expect(await stage(esVerifier().verify(`${h}.${payload}.${s}`))).toEqual([
      'signature',
      'ERR_LG_TOKEN_SIGNATURE_INVALID',
    ])
  })

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }, 'ERR_LG_TOKEN_EXPIRED', 'exp'],
    ['not yet valid', { nbf: Math.floor(Date.now() / 1000) + 600 }, 'ERR_LG_TOKEN_NOT_YET_VALID', 'nbf'],
    [
      'issued in the future',
      { iat: Math.floor(Date.now() / 1000) + 600 },
      'ERR_LG_TOKEN_CLAIM_INVALID',
      'iat',
    ],
    ['of another issuer', { iss: 'https://evil.test/' }, 'ERR_LG_TOKEN_CLAIM_INVALID', 'iss'],
    ['for another audience', { aud: 'https://other-api.test' }, 'ERR_LG_TOKEN_CLAIM_INVALID', 'aud'],
    ['without exp', { exp: undefined }, 'ERR_LG_TOKEN_CLAIM_INVALID', 'exp'],
  ])('refuses a token %s at the claims stage', async (_name, claims, code, claim) => {
    const error = await failure(esVerifier().verify(await signToken(es, { claims })))
    expect([error.stage, error.code, error.claim]).toEqual(['claims', code, claim])
    expect(error.status).toBe(401)
    expect(error.error).toBe('invalid_token')
  })

  it('tolerates clock skew within clockTolerance only', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await signToken(es, { claims: { exp: now - 20 } })
    await expect(esVerifier({ clockTolerance: '1m' }).verify(token)).resolves.toBeDefined()
    await failure(esVerifier({ clockTolerance: '5s' }).verify(token))
  })

  it('refuses tokens older than maxTokenAge, and requires iat then', async () => {
    const now = Math.floor(Date.now() / 1000)
    const old = await signToken(es, { claims: { iat: now - 7200 } })
    expect((await failure(esVerifier({ maxTokenAge: '1h' }).verify(old))).code).toBe('ERR_LG_TOKEN_EXPIRED')
    const noIat = await signToken(es, { claims: { iat: undefined } })
    expect((await failure(esVerifier({ maxTokenAge: '1h' }).verify(noIat))).claim).toBe('iat')
    await expect(
      esVerifier({ requireExp: false }).verify(await signToken(es, { claims: { exp: undefined } })),
    ).resolves.toBeDefined()
  })

  it('refuses an ID token (typ JWT) where at+jwt is required', async () => {
    for (const header of [{ typ: 'JWT' }, {}]) {
      const error = await failure(esVerifier({ typ: 'at+jwt' }).verify(await signToken(es, { header })))
      expect([error.stage, error.code]).toEqual(['claims', 'ERR_LG_TOKEN_TYPE_INVALID'])
    }
  })

  it('requires the RFC 9068 claims with profile rfc9068', async () => {
    const verifier = esVerifier({ profile: 'rfc9068' })
    const token = await signToken(es, { header: { typ: 'at+jwt' }, claims: { jti: 'j' } })
    const error = await failure(verifier.verify(token))
    expect([error.code, error.claim]).toEqual(['ERR_LG_TOKEN_CLAIM_INVALID', 'client_id'])
    const full = await signToken(es, { header: { typ: 'at+jwt' }, claims: { client_id: 'c', jti: 'j' } })
    await expect(verifier.verify(full)).resolves.toBeDefined()
  })

  it('treats kid values as names only: path traversal finds no key', async () => {
    const verifier = createVerifier({ ...base, algorithms: ['ES256'], jwks: { keys: [es.jwk] } })
    for (const kid of ['../../../../etc/passwd', '/dev/null', "' OR 1=1 --", es.kid.toUpperCase()]) {
      const token = await signToken(es, { header: { kid } })
      expect(await stage(verifier.verify(token))).toEqual(['key', 'ERR_LG_TOKEN_KEY_NOT_FOUND'])
    }
  })

  it('maps a key that does not fit the token to a key error, never a plain TypeError', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const small = { ...publicKey.export({ format: 'jwk' }), kid: 'small', alg: 'RS256' }
    const server = await startJwksServer([small])
    try {
      const verifier = createVerifier({ ...base, algorithms: ['RS256'], jwksUri: server.jwksUri })
      const token = forgeToken(
        { alg: 'RS256', kid: 'small' },
        { iss: ISSUER, aud: AUDIENCE, exp: 4e9 },
        'c2ln',
      )
      expect(await stage(verifier.verify(token))).toEqual(['key', 'ERR_LG_TOKEN_KEY_UNUSABLE'])
    } finally {
      await server.close()
    }
  })

  it('refuses non-strings, empty strings and tokens over maxTokenLength', async () => {
    for (const token of [undefined, 42, '', 'a'.repeat(9000)]) {
      expect(await stage(esVerifier().verify(token as string))).toEqual(['format', 'ERR_LG_TOKEN_MALFORMED'])
    }
  })

  it('gives client-safe messages: never the token, a claim value or jose text', async () => {
    const token = await signToken(es, { claims: { iss: 'https://evil.test/secret-issuer' } })
    const error = await failure(esVerifier().verify(token))
    expect(error.message).toBe('The access token claims are invalid')
    expect(error.cause).toBeDefined()
  })
})

describe('several issuers', () => {
  const other = 'https://other-issuer.test/'
  it('picks the issuer by exact iss before verifying, and fetches nothing for unknown ones', async () => {
    const server = await startJwksServer([rs.jwk])
    try {
      const verifier = createVerifier({
        issuers: [
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks: { keys: [es.jwk] } },
          { issuer: other, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: server.jwksUri },
        ],
      })
      await expect(verifier.verify(await signToken(es))).resolves.toMatchObject({ issuer: ISSUER })
      await expect(verifier.verify(await signToken(rs, { claims: { iss: other } }))).resolves.toMatchObject({
        issuer: other,
      })
      const before = server.requests
      for (const iss of ['https://attacker.test/', `${other}x`, other.toUpperCase(), undefined]) {
        const error = await failure(verifier.verify(await signToken(rs, { claims: { iss } })))
        expect(error.code).toBe('ERR_LG_TOKEN_ISSUER_UNKNOWN')
      }
      expect(server.requests).toBe(before)
      // An ES256 token claiming the RS256 issuer: that issuer's algorithms apply.
      const crossed = await signToken(es, { claims: { iss: other } })
      expect((await failure(verifier.verify(crossed))).code).toBe('ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED')
    } finally {
      await server.close()
    }
  })
})

describe('verified-token cache', () => {
  it('serves repeated tokens from the cache and re-verifies other ones', async () => {
    const verifier = esVerifier()
    const token = await signToken(es)
    const first = await verifier.verify(token)
    expect(await verifier.verify(token)).toBe(first)
    expect(verifier.cacheStats()).toEqual({ size: 1, hits: 1, misses: 1 })
    await verifier.verify(await signToken(es, { claims: { sub: 'user-2' } }))
    expect(verifier.cacheStats()).toMatchObject({ size: 2, misses: 2 })
  })

  it('never caches failures', async () => {
    const verifier = esVerifier()
    const expired = await signToken(es, { claims: { exp: Math.floor(Date.now() / 1000) - 60 } })
    await failure(verifier.verify(expired))
    await failure(verifier.verify(expired))
    expect(verifier.cacheStats()).toEqual({ size: 0, hits: 0, misses: 2 })
  })

  it('ends an entry at the token exp, then the full check refuses it', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] })
    const verifier = esVerifier({ clockTolerance: 0 })
    const token = await signToken(es, { claims: { exp: Math.floor(Date.now() / 1000) + 30 } })
    await verifier.verify(token)
    vi.setSystemTime(Date.now() + 29_000)
    await verifier.verify(token)
    expect(verifier.cacheStats().hits).toBe(1)
    vi.setSystemTime(Date.now() + 2_000)
    expect((await failure(verifier.verify(token))).code).toBe('ERR_LG_TOKEN_EXPIRED')
  })

  it('ends an entry after maxTtl even when exp is far, and re-checks nbf on hits', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] })
    const verifier = esVerifier({ cache: { maxTtl: '10s' } })
    const token = await signToken(es)
    await verifier.verify(token)
    vi.setSystemTime(Date.now() + 11_000)
    await verifier.verify(token)
    expect(verifier.cacheStats()).toMatchObject({ hits: 0, misses: 2 })
  })

  it('keeps at most cache.max tokens, and cache: false verifies every time', async () => {
    const small = esVerifier({ cache: { max: 2 } })
    for (const sub of ['a', 'b', 'c']) await small.verify(await signToken(es, { claims: { sub } }))
    expect(small.cacheStats().size).toBe(2)
    const none = esVerifier({ cache: false })
    const token = await signToken(es)
    await none.verify(token)
    await none.verify(token)
    expect(none.cacheStats()).toEqual({ size: 0, hits: 0, misses: 0 })
  })

  it('clearCache() forgets every verification', async () => {
    const verifier = esVerifier()
    await verifier.verify(await signToken(es))
    verifier.clearCache()
    expect(verifier.cacheStats().size).toBe(0)
  })

  it('does not cache a verification that was in flight when the cache was cleared', async () => {
    const verifier = esVerifier()
    const token = await signToken(es)
    const inFlight = verifier.verify(token)
    // Keys rotated (or an operator revoked trust) while it was being verified.
    verifier.clearCache()
    await expect(inFlight).resolves.toMatchObject({ sub: 'user-1' })
    expect(verifier.cacheStats()).toMatchObject({ size: 0, misses: 1 })
    // The next request verifies again, on the keys of now, and is cached.
    await verifier.verify(token)
    expect(verifier.cacheStats()).toMatchObject({ size: 1, misses: 2 })
  })
})

describe('remote JWKS over HTTP', () => {
  it('picks up a rotated key after the cooldown, and clears the cache when the key set changes', async () => {
    const next = await testKey('ES256', 'es256-2')
    const server = await startJwksServer([es.jwk])
    try {
      const verifier = createVerifier({
        ...base,
        algorithms: ['ES256'],
        jwksUri: server.jwksUri,
        jwksUriOptions: { cooldown: 200 },
      })
      await verifier.verify(await signToken(es))
      expect(verifier.cacheStats().size).toBe(1)
      server.setKeys([es.jwk, next.jwk])
      const rotated = await signToken(next)
      // Within the cooldown an unknown kid does not make leakguard fetch again.
      expect((await failure(verifier.verify(rotated))).code).toBe('ERR_LG_TOKEN_KEY_NOT_FOUND')
      expect(server.requests).toBe(1)
      await new Promise((resolve) => setTimeout(resolve, 250))
      await expect(verifier.verify(rotated)).resolves.toMatchObject({ sub: 'user-1' })
      expect(server.requests).toBe(2)
      // The key set changed: the first token's entry went, the rotated one's is new.
      expect(verifier.cacheStats().size).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('keeps verifying with the last keys during an outage; unknown kids fail with a key error', async () => {
    const server = await startJwksServer([es.jwk])
    try {
      const verifier = createVerifier({
        ...base,
        algorithms: ['ES256'],
        jwksUri: server.jwksUri,
        jwksUriOptions: { cacheMaxAge: 1, cooldown: 1, timeout: 200 },
        cache: false,
      })
      await verifier.verify(await signToken(es))
      for (const down of [true, 'hang'] as const) {
        server.setDown(down)
        await new Promise((resolve) => setTimeout(resolve, 5))
        const started = Date.now()
        await expect(verifier.verify(await signToken(es))).resolves.toMatchObject({ sub: 'user-1' })
        const unknown = await signToken(es, { header: { kid: 'unknown' } })
        expect((await failure(verifier.verify(unknown))).code).toBe('ERR_LG_TOKEN_KEY_NOT_FOUND')
        expect(Date.now() - started).toBeLessThan(5_000)
      }
    } finally {
      await server.close()
    }
  })

  it('answers KEYS_UNAVAILABLE when the JWKS was never reachable, without asking again during the cooldown', async () => {
    const server = await startJwksServer([es.jwk])
    server.setDown(true)
    try {
      const verifier = createVerifier({ ...base, algorithms: ['ES256'], jwksUri: server.jwksUri })
      const error = await failure(verifier.verify(await signToken(es)))
      expect([error.stage, error.code, error.status]).toEqual(['key', 'ERR_LG_TOKEN_KEYS_UNAVAILABLE', 401])
      const asked = server.requests
      expect((await failure(verifier.verify(await signToken(es)))).code).toBe('ERR_LG_TOKEN_KEYS_UNAVAILABLE')
      expect(server.requests).toBe(asked)
    } finally {
      await server.close()
    }
  })

  it('never fetches from an address the token names', async () => {
    const server = await startJwksServer([es.jwk])
    const attacker = await startJwksServer([es.jwk])
    try {
      const verifier = createVerifier({ ...base, algorithms: ['ES256'], jwksUri: server.jwksUri })
      const token = await signToken(es, { header: { jku: attacker.jwksUri } })
      expect((await failure(verifier.verify(token))).code).toBe('ERR_LG_TOKEN_HEADER_FORBIDDEN')
      expect(attacker.requests).toBe(0)
    } finally {
      await server.close()
      await attacker.close()
    }
  })
})
