import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { exportJWK, type JWK, type JWTPayload, SignJWT } from 'jose'
import type { RunningApp } from './harness.js'
import { listen } from './listen.js'

export const ISSUER = 'https://issuer.test/'
export const AUDIENCE = 'https://api.test'
/** A 32-byte HS256 secret for tests. */
export const HS_SECRET = 'test-secret-of-thirty-two-bytes!!'

/** Guard `auth` options that verify tokens signed with {@link HS_SECRET} by {@link signToken}. */
export const HS_AUTH = {
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['HS256'],
  secret: HS_SECRET,
} as const

/** A signing key of a test issuer and its public JWK (with `kid` and `alg`). */
export interface TestKey {
  readonly alg: 'RS256' | 'ES256' | 'EdDSA' | 'PS256'
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  readonly jwk: JWK
}

const keyCache = new Map<string, TestKey>()

/** A key pair, generated once per process per `kid` (RSA generation is slow). */
export async function testKey(
  alg: TestKey['alg'] = 'ES256',
  kid = `${alg.toLowerCase()}-1`,
): Promise<TestKey> {
  const cached = keyCache.get(kid)
  if (cached !== undefined) return cached
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' }
  const key = { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk }
  keyCache.set(kid, key)
  return key
}

export interface SignOptions {
  /** Claims; `iss`, `aud`, `sub`, `iat` and `exp` (in an hour) are filled in unless given (`undefined` removes one). */
  readonly claims?: JWTPayload
  /** Protected header members added to `alg`/`kid` (`typ`, ...). */
  readonly header?: Record<string, unknown>
}

/** Signs an access token with `key`, valid by default for the test issuer and audience. */
export async function signToken(
  key: TestKey | Uint8Array | string,
  options: SignOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const claims: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now,
    exp: now + 3600,
    ...options.claims,
  }
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name]
  const secret =
    typeof key === 'string' ? new TextEncoder().encode(key) : key instanceof Uint8Array ? key : undefined
  const header = {
    alg: secret === undefined ? (key as TestKey).alg : 'HS256',
    ...(secret === undefined ? { kid: (key as TestKey).kid } : {}),
    ...options.header,
  }
  return new SignJWT(claims)
    .setProtectedHeader(header as { alg: string })
    .sign(secret ?? (key as TestKey).privateKey)
}

/** Builds a compact token from raw parts, for tokens no library would sign. */
export function forgeToken(header: unknown, payload: unknown, signature = ''): string {
  const encode = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
  return `${encode(header)}.${encode(payload)}.${signature}`
}

/**
 * `token` with one character of its signature changed, so that the signature no longer verifies.
 * The changed character is at the start of the signature, where every base64url character carries
 * six bits: changing the last ones can leave the decoded signature as it was (the last character
 * of a 32-byte signature carries four bits, and decoders ignore the other two), which made a test
 * built on `token.slice(0, -2) + 'AA'` pass one run in a thousand with a valid token.
 */
export function tamperSignature(token: string): string {
  const at = token.lastIndexOf('.') + 1
  if (at === 0 || at >= token.length) throw new Error('tamperSignature: not a signed compact token')
  const changed = token[at] === 'A' ? 'B' : 'A'
  return `${token.slice(0, at)}${changed}${token.slice(at + 1)}`
}

/** A JWKS endpoint on a real loopback socket, whose keys and health a test controls. */
export interface JwksServer extends RunningApp {
  /** The JWKS address to configure as `jwksUri`. */
  readonly jwksUri: string
  /** Keys served from now on. */
  setKeys(keys: readonly JWK[]): void
  /** `true`: every request fails with 503 (or never answers with `'hang'`). */
  setDown(down: boolean | 'hang'): void
  /** Requests served so far. */
  readonly requests: number
}

export async function startJwksServer(keys: readonly JWK[]): Promise<JwksServer> {
  let current = keys
  let down: boolean | 'hang' = false
  let requests = 0
  const app = await listen((_req, res) => {
    requests++
    if (down === 'hang') return // the client's timeout ends it
    if (down) {
      res.writeHead(503).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: current }))
  })
  return {
    ...app,
    jwksUri: `${app.url}/.well-known/jwks.json`,
    setKeys: (next) => {
      current = next
    },
    setDown: (value) => {
      down = value
    },
    get requests() {
      return requests
    },
  }
}
