import { createHash, createPublicKey, type JsonWebKey, type KeyObject, type webcrypto } from 'node:crypto'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose'
import { LeakguardAuthError } from '../errors.js'
import { durationOption } from '../lib/duration.js'
import { isLoopbackHost } from '../lib/loopback.js'
import { describe, fail, isPlainObject, objectOption, secretKeyOption } from '../lib/validate.js'
import { ALGORITHM_KEYS, type JwsAlgorithm, MIN_RSA_BITS } from './algorithms.js'

type GetKey = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<webcrypto.CryptoKey | KeyObject | Uint8Array>

/** The keys of one issuer, ready for `jose`. */
export interface IssuerKeys {
  /** What `jwtVerify` gets: a key, or a function that picks one by the token's `kid` and `alg`. */
  readonly key: Uint8Array | KeyObject | GetKey
  /** Identifies the key material (a digest, never the secret) for the cache fingerprint. */
  readonly id: string
  /** Algorithms this key source may verify (a JWK's own `alg` narrows the configured list). */
  readonly algorithms: readonly JwsAlgorithm[]
}

const REMOTE_OPTION_KEYS = ['cooldown', 'cacheMaxAge', 'timeout', 'headers'] as const

function digest(...parts: string[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part).update('\0')
  return hash.digest('base64url').slice(0, 22)
}

/** Checks that an asymmetric key fits every algorithm it may verify. @throws LeakguardConfigError */
function checkPublicKey(key: KeyObject, algorithms: readonly JwsAlgorithm[], option: string): void {
  const type = key.asymmetricKeyType ?? 'unknown'
  for (const alg of algorithms) {
    const need = ALGORITHM_KEYS[alg]
    if (!need.nodeTypes.includes(type)) {
      fail(
        option,
        `a ${type} key cannot verify ${alg}; list only algorithms of this key type`,
        'ERR_LG_CONFIG_INVALID_KEY',
      )
    }
    if (need.curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== need.curve) {
      fail(
        option,
        `${alg} needs an EC key on curve ${need.curve}, got ${key.asymmetricKeyDetails?.namedCurve ?? 'none'}`,
        'ERR_LG_CONFIG_INVALID_KEY',
      )
    }
  }
  const bits = key.asymmetricKeyDetails?.modulusLength
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    fail(option, `RSA keys must have at least ${MIN_RSA_BITS} bits, got ${bits}`, 'ERR_LG_CONFIG_INVALID_KEY')
  }
}

function isKeyObject(value: unknown): value is KeyObject {
  return (value as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'KeyObject'
}

/** A public key from a PEM string, a JWK or a `KeyObject`. @throws LeakguardConfigError */
function publicKeyOption(value: unknown, option: string): { key: KeyObject; alg: string | undefined } {
  try {
    if (typeof value === 'string') return { key: createPublicKey(value), alg: undefined }
    if (isKeyObject(value)) {
      if (value.type === 'secret')
        fail(option, 'a secret KeyObject is not a public key; use `secret`', 'ERR_LG_CONFIG_INVALID_KEY')
      return { key: value.type === 'private' ? createPublicKey(value) : value, alg: undefined }
    }
    if (isPlainObject(value) && typeof value.kty === 'string') {
      if (value.kty === 'oct')
        fail(option, 'an "oct" JWK is a shared secret; use `secret`', 'ERR_LG_CONFIG_INVALID_KEY')
      const { d: _private, ...publicPart } = value
      const alg = typeof value.alg === 'string' ? value.alg : undefined
      return { key: createPublicKey({ key: publicPart as JsonWebKey, format: 'jwk' }), alg }
    }
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_LG_')) throw error
    return fail(
      option,
      `is not a usable public key (${(error as Error).message})`,
      'ERR_LG_CONFIG_INVALID_KEY',
    )
  }
  return fail(
    option,
    `expected a PEM string, a JWK or a KeyObject, got ${describe(value)}`,
    'ERR_LG_CONFIG_INVALID_KEY',
  )
}

function asymmetricOnly(algorithms: readonly JwsAlgorithm[], option: string): void {
  const secret = algorithms.find((alg) => ALGORITHM_KEYS[alg].kty === 'oct')
  if (secret !== undefined) {
    fail(
      option,
      `${secret} needs a shared secret, which a JWKS must not hold; use \`secret\` for HMAC tokens`,
      'ERR_LG_CONFIG_INVALID_KEY',
    )
  }
}

/** Validates a local JWKS: public asymmetric keys only, RSA keys of 2048 bits or more. */
function localJwksOption(value: unknown, option: string): JSONWebKeySet {
  if (!isPlainObject(value) || !Array.isArray(value.keys)) {
    return fail(
      option,
      `expected a JSON Web Key Set ({ keys: [...] }), got ${describe(value)}`,
      'ERR_LG_CONFIG_INVALID_KEY',
    )
  }
  ;(value.keys as unknown[]).forEach((jwk, i) => {
    const where = `${option}.keys[${i}]`
    if (!isPlainObject(jwk) || typeof jwk.kty !== 'string')
      fail(where, `expected a JWK, got ${describe(jwk)}`, 'ERR_LG_CONFIG_INVALID_KEY')
    if (jwk.kty === 'oct')
      fail(where, 'a JWKS must not hold shared secrets; use `secret`', 'ERR_LG_CONFIG_INVALID_KEY')
    if ('d' in jwk)
      fail(
        where,
        'is a private key; a JWKS for verification holds public keys only',
        'ERR_LG_CONFIG_INVALID_KEY',
      )
    let key: KeyObject | undefined
    try {
      key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    } catch {
      // jose refuses what Node cannot read too: such a key never matches a token.
    }
    const bits = key?.asymmetricKeyDetails?.modulusLength
    if (bits !== undefined && bits < MIN_RSA_BITS) {
      fail(
        where,
        `RSA keys must have at least ${MIN_RSA_BITS} bits, got ${bits}`,
        'ERR_LG_CONFIG_INVALID_KEY',
      )
    }
  })
  return value as unknown as JSONWebKeySet
}

/** A remote JWKS address: https, or http on loopback only. */
function jwksUrlOption(value: unknown, option: string): URL {
  let url: URL | undefined
  try {
    url = value instanceof URL ? new URL(value.href) : typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  if (url === undefined) return fail(option, `expected an absolute URL, got ${describe(value)}`)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    fail(option, `must be an https: URL (http: only on loopback), got ${describe(url.href)}`)
  }
  return url
}

/** Events of a remote key set that the verifier reacts to. */
export interface KeySetListener {
  /** A fetch returned a key set different from the previous one: cached verifications end. */
  onKeysChanged(): void
}

/**
 * A remote JWKS through `jose`'s `createRemoteJWKSet` (cooldown, cache age and timeout as
 * configured), with two additions: a changed key set is reported, and when the endpoint fails the
 * last key set fetched keeps verifying tokens (stale-if-error) while new fetches back off for the
 * cooldown, so an outage neither turns into 500s nor makes every request wait for the timeout.
 */
function remoteKeys(url: URL, rawOptions: unknown, option: string, listener: KeySetListener): GetKey {
  const options = objectOption(rawOptions, `${option}Options`, REMOTE_OPTION_KEYS)
  const cooldown = durationOption(options.cooldown, `${option}Options.cooldown`, 30_000)
  const cacheMaxAge = durationOption(options.cacheMaxAge, `${option}Options.cacheMaxAge`, 600_000)
  const timeout = durationOption(options.timeout, `${option}Options.timeout`, 5_000, { min: 1, max: 60_000 })
  let headers: Record<string, string> | undefined
  if (options.headers !== undefined) {
    if (
      !isPlainObject(options.headers) ||
      Object.values(options.headers).some((v) => typeof v !== 'string')
    ) {
      fail(
        `${option}Options.headers`,
        `expected an object of header name -> string, got ${describe(options.headers)}`,
      )
    }
    headers = options.headers as Record<string, string>
  }
  let lastText: string | undefined
  let lastGood: ReturnType<typeof createLocalJWKSet> | undefined
  let failedAt = Number.NEGATIVE_INFINITY

  const fetchJwks = async (input: string | URL, init: RequestInit): Promise<Response> => {
    const response = await fetch(input, init)
    if (response.status !== 200) return response
    const text = await response.text()
    if (text !== lastText) {
      try {
        lastGood = createLocalJWKSet(JSON.parse(text) as JSONWebKeySet)
        if (lastText !== undefined) listener.onKeysChanged()
        lastText = text
      } catch {
        // jose reports the malformed set; the last good one stays.
      }
    }
    return new Response(text, { status: 200, headers: response.headers })
  }
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: cooldown,
    cacheMaxAge,
    timeoutDuration: timeout,
    ...(headers === undefined ? {} : { headers }),
    [customFetch]: fetchJwks,
  })

  return async (header, token) => {
    if (Date.now() - failedAt < cooldown) {
      // The endpoint failed a moment ago: do not make this request wait for it again.
      if (lastGood === undefined) throw new LeakguardAuthError('ERR_LG_TOKEN_KEYS_UNAVAILABLE')
      return stale(header, token)
    }
    try {
      return await remote(header, token)
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
        throw error
      failedAt = Date.now()
      if (lastGood === undefined)
        throw new LeakguardAuthError('ERR_LG_TOKEN_KEYS_UNAVAILABLE', { cause: error })
      return stale(header, token)
    }
  }

  function stale(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    return lastGood!(header, token)
  }
}

/**
 * Validates one issuer's key source (exactly one of `secret`, `publicKey`, `jwks`, `jwksUri`)
 * against its algorithms and builds what `jose` verifies with.
 * @throws LeakguardConfigError
 */
export function compileKeys(
  raw: Record<string, unknown>,
  algorithms: readonly JwsAlgorithm[],
  option: string,
  listener: KeySetListener,
): IssuerKeys {
  const sources = (['secret', 'publicKey', 'jwks', 'jwksUri'] as const).filter(
    (name) => raw[name] !== undefined,
  )
  if (sources.length !== 1) {
    fail(
      option,
      sources.length === 0
        ? 'needs a key: one of `secret`, `publicKey`, `jwks` or `jwksUri`'
        : `takes one key source, got ${sources.map((s) => `\`${s}\``).join(' and ')}`,
      'ERR_LG_CONFIG_INVALID_KEY',
    )
  }
  if (raw.jwksUriOptions !== undefined && raw.jwksUri === undefined) {
    fail(`${option}.jwksUriOptions`, 'applies only with `jwksUri`')
  }
  const source = sources[0]!
  const where = `${option}.${source}`
  if (source === 'secret') {
    const secret = secretKeyOption(raw.secret, where)
    for (const alg of algorithms) {
      const need = ALGORITHM_KEYS[alg]
      if (need.kty !== 'oct')
        fail(
          where,
          `a shared secret cannot verify ${alg}; list HS256, HS384 or HS512`,
          'ERR_LG_CONFIG_INVALID_KEY',
        )
      if (secret.length < need.minSecretBytes!) {
        fail(
          where,
          `${alg} needs a secret of at least ${need.minSecretBytes} bytes, got ${secret.length}`,
          'ERR_LG_CONFIG_INVALID_KEY',
        )
      }
    }
    return { key: new Uint8Array(secret), id: digest('secret', secret.toString('base64')), algorithms }
  }
  if (source === 'publicKey') {
    const { key, alg } = publicKeyOption(raw.publicKey, where)
    let usable = algorithms
    if (alg !== undefined) {
      if (algorithms.length !== 1 || algorithms[0] !== alg) {
        fail(
          where,
          `the JWK is for ${JSON.stringify(alg)} only: set algorithms to [${JSON.stringify(alg)}]`,
          'ERR_LG_CONFIG_INVALID_KEY',
        )
      }
      usable = [alg as JwsAlgorithm]
    }
    checkPublicKey(key, usable, where)
    const spki = key.export({ type: 'spki', format: 'der' }).toString('base64')
    return { key, id: digest('publicKey', spki), algorithms: usable }
  }
  asymmetricOnly(algorithms, `${option}.algorithms`)
  if (source === 'jwks') {
    const jwks = localJwksOption(raw.jwks, where)
    return { key: createLocalJWKSet(jwks), id: digest('jwks', JSON.stringify(jwks)), algorithms }
  }
  const url = jwksUrlOption(raw.jwksUri, where)
  return {
    key: remoteKeys(url, raw.jwksUriOptions, where, listener),
    id: digest('jwksUri', url.href),
    algorithms,
  }
}
