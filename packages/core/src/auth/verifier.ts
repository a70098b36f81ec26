import { createHash } from 'node:crypto'
import { type JWTPayload, type JWTVerifyOptions, errors as joseErrors, jwtVerify } from 'jose'
import { LRUCache } from 'lru-cache'
import { LeakguardAuthError } from '../errors.js'
import { sha256Base64url } from '../lib/digest.js'
import { durationOption } from '../lib/duration.js'
import {
  describe,
  fail,
  integerOption,
  isPlainObject,
  objectOption,
  oneOf,
  stringArrayOption,
} from '../lib/validate.js'
import { ALGORITHMS, type JwsAlgorithm } from './algorithms.js'
import { decodeJsonSegment, parseCompact } from './compact.js'
import { compileKeys, type IssuerKeys } from './keys.js'
import type { AuthOptions } from './options.js'
import { type Principal, toPrincipal } from './principal.js'

const ISSUER_OPTION_KEYS = [
  'issuer',
  'audience',
  'algorithms',
  'secret',
  'publicKey',
  'jwks',
  'jwksUri',
  'jwksUriOptions',
  'typ',
  'profile',
  'requireExp',
  'requiredClaims',
  'clockTolerance',
  'maxTokenAge',
  'rolesClaim',
] as const
/** Options of `auth` that are about requests, not tokens: `createVerifier` accepts and ignores them. */
export const REQUEST_OPTION_KEYS = ['realm', 'queryToken', 'default'] as const
const AUTH_OPTION_KEYS = [
  ...ISSUER_OPTION_KEYS,
  ...REQUEST_OPTION_KEYS,
  'issuers',
  'cache',
  'maxTokenLength',
] as const
const CACHE_OPTION_KEYS = ['max', 'maxTtl'] as const
const RFC9068_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']

/** Verifies bearer tokens; made by {@link createVerifier}. */
export interface Verifier {
  /**
   * Verifies a compact JWS access token and returns its principal.
   * @throws LeakguardAuthError saying which stage failed (`format`, `key`, `signature`, `claims`)
   */
  verify(token: string): Promise<Principal>
  /**
   * Forgets every cached verification; those in flight are not cached when they finish (call it
   * when you revoke trust: a compromised key, a user logged out everywhere).
   */
  clearCache(): void
  /** Cache counters since creation. */
  cacheStats(): { readonly size: number; readonly hits: number; readonly misses: number }
}

/** The verifier a guard runs: {@link Verifier}, and a synchronous look at its cache. */
export interface CachingVerifier extends Verifier {
  /**
   * The principal of a token verified before and still valid (a cache hit, counted as one), or
   * `undefined`: then call {@link Verifier.verify}, which also explains a refusal. A steady
   * client's request then needs no promise and no microtask.
   */
  cached(token: string): Principal | undefined
}

interface CompiledIssuer {
  readonly issuer: string | undefined
  readonly keys: IssuerKeys
  readonly jose: JWTVerifyOptions
  readonly algorithms: ReadonlySet<string>
  readonly rolesPath: readonly string[]
  readonly clockToleranceMs: number
  readonly maxTokenAgeMs: number | undefined
}

interface CacheEntry {
  readonly principal: Principal
  /** ms since the epoch: the entry is dropped from then on. */
  readonly expiresAt: number
  readonly notBefore: number | undefined
}

function audienceOption(value: unknown, option: string): string | string[] | undefined {
  if (value === false) return undefined
  if (typeof value === 'string' && value !== '') return value
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'string' && item !== '')
  ) {
    return [...value]
  }
  return fail(
    option,
    `expected the audience your API expects (a string or an array of strings), or false to skip the check, got ${describe(value)}`,
  )
}

function algorithmsOption(value: unknown, option: string): JwsAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0) {
    return fail(option, `expected a non-empty array of algorithms such as ["RS256"], got ${describe(value)}`)
  }
  value.forEach((alg, i) => {
    if (!ALGORITHMS.includes(alg as JwsAlgorithm)) {
      fail(`${option}[${i}]`, `unknown or unsafe algorithm ${describe(alg)}; known: ${ALGORITHMS.join(', ')}`)
    }
  })
  return [...new Set(value as JwsAlgorithm[])]
}

function compileIssuer(
  raw: Record<string, unknown>,
  option: string,
  allowAnyIssuer: boolean,
  onKeysChanged: () => void,
): CompiledIssuer {
  let issuer: string | undefined
  if (raw.issuer === false && allowAnyIssuer) issuer = undefined
  else if (typeof raw.issuer === 'string' && raw.issuer !== '') issuer = raw.issuer
  else {
    fail(
      `${option}.issuer`,
      allowAnyIssuer
        ? `expected the issuer your tokens name in "iss", or false to accept any, got ${describe(raw.issuer)}`
        : `expected the exact "iss" of this issuer, got ${describe(raw.issuer)}`,
    )
  }
  const audience = audienceOption(raw.audience, `${option}.audience`)
  const algorithms = algorithmsOption(raw.algorithms, `${option}.algorithms`)
  const keys = compileKeys(raw, algorithms, option, { onKeysChanged })
  const profile =
    raw.profile === undefined
      ? undefined
      : oneOf(raw.profile, `${option}.profile`, ['rfc9068'] as const, 'rfc9068')
  let typ: string | undefined
  if (raw.typ !== undefined) {
    if (typeof raw.typ !== 'string' || raw.typ === '')
      fail(`${option}.typ`, `expected a media type such as "at+jwt", got ${describe(raw.typ)}`)
    typ = raw.typ as string
  }
  if (profile === 'rfc9068') {
    if (typ !== undefined && typ.replace(/^application\//i, '').toLowerCase() !== 'at+jwt') {
      fail(`${option}.typ`, `profile "rfc9068" requires typ "at+jwt", got ${describe(typ)}`)
    }
    typ = 'at+jwt'
  }
  if (raw.requireExp !== undefined && typeof raw.requireExp !== 'boolean') {
    fail(`${option}.requireExp`, `expected a boolean, got ${describe(raw.requireExp)}`)
  }
  const required = new Set(stringArrayOption(raw.requiredClaims, `${option}.requiredClaims`) ?? [])
  if (raw.requireExp !== false) required.add('exp')
  if (profile === 'rfc9068') for (const claim of RFC9068_CLAIMS) required.add(claim)
  const clockToleranceMs = durationOption(raw.clockTolerance, `${option}.clockTolerance`, 5_000, {
    max: 3_600_000,
  })
  const maxTokenAgeMs =
    raw.maxTokenAge === undefined
      ? undefined
      : durationOption(raw.maxTokenAge, `${option}.maxTokenAge`, 0, { min: 1000 })
  let rolesClaim = 'roles'
  if (raw.rolesClaim !== undefined) {
    if (
      typeof raw.rolesClaim !== 'string' ||
      raw.rolesClaim === '' ||
      raw.rolesClaim.split('.').includes('')
    ) {
      fail(
        `${option}.rolesClaim`,
        `expected a claim name or dotted path such as "realm_access.roles", got ${describe(raw.rolesClaim)}`,
      )
    }
    rolesClaim = raw.rolesClaim as string
  }
  return {
    issuer,
    keys,
    algorithms: new Set(keys.algorithms),
    rolesPath: rolesClaim.split('.'),
    clockToleranceMs,
    maxTokenAgeMs,
    jose: {
      algorithms: [...keys.algorithms],
      ...(issuer === undefined ? {} : { issuer }),
      ...(audience === undefined ? {} : { audience }),
      ...(typ === undefined ? {} : { typ }),
      requiredClaims: [...required],
      clockTolerance: clockToleranceMs / 1000,
      ...(maxTokenAgeMs === undefined ? {} : { maxTokenAge: maxTokenAgeMs / 1000 }),
    },
  }
}

/** Maps what `jose` throws to leakguard's stable codes; nothing escapes as a plain error. */
export function toAuthError(error: unknown): LeakguardAuthError {
  if (error instanceof LeakguardAuthError) return error
  const cause = { cause: error }
  if (error instanceof joseErrors.JWTExpired)
    return new LeakguardAuthError('ERR_LG_TOKEN_EXPIRED', { ...cause, claim: 'exp' })
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = error.claim
    if (claim === 'nbf') return new LeakguardAuthError('ERR_LG_TOKEN_NOT_YET_VALID', { ...cause, claim })
    if (claim === 'typ') return new LeakguardAuthError('ERR_LG_TOKEN_TYPE_INVALID', { ...cause, claim })
    return new LeakguardAuthError('ERR_LG_TOKEN_CLAIM_INVALID', { ...cause, claim })
  }
  if (error instanceof joseErrors.JWTInvalid)
    return new LeakguardAuthError('ERR_LG_TOKEN_CLAIM_INVALID', cause)
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new LeakguardAuthError('ERR_LG_TOKEN_SIGNATURE_INVALID', cause)
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new LeakguardAuthError('ERR_LG_TOKEN_KEY_NOT_FOUND', cause)
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return new LeakguardAuthError('ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED', cause)
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JOSENotSupported) {
    return new LeakguardAuthError('ERR_LG_TOKEN_MALFORMED', cause)
  }
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
    return new LeakguardAuthError('ERR_LG_TOKEN_KEYS_UNAVAILABLE', cause)
  }
  // jose throws plain TypeErrors (and WebCrypto DOMExceptions) when a key does not fit the token's
  // algorithm, or an RSA key is too short: a key failure, never a 500.
  return new LeakguardAuthError('ERR_LG_TOKEN_KEY_UNUSABLE', cause)
}

/**
 * Validates `options` once and returns a verifier of bearer tokens, usable without any framework.
 * @throws LeakguardConfigError naming the first invalid option
 */
export function createVerifier(options: AuthOptions): Verifier {
  return compileVerifier(options, 'auth')
}

/** {@link createVerifier}, with the option name used in messages. */
export function compileVerifier(options: AuthOptions, option: string): CachingVerifier {
  if (options === undefined) fail(option, 'expected token verification options')
  const raw = objectOption(options, option, AUTH_OPTION_KEYS)
  const maxTokenLength = integerOption(raw.maxTokenLength, `${option}.maxTokenLength`, 256, 1_048_576, 8192)
  let cacheOptions: Record<string, unknown> | false = {}
  if (raw.cache === false) cacheOptions = false
  else cacheOptions = objectOption(raw.cache, `${option}.cache`, CACHE_OPTION_KEYS)
  const cache =
    cacheOptions === false
      ? undefined
      : new LRUCache<string, CacheEntry>({
          max: integerOption(cacheOptions.max, `${option}.cache.max`, 1, 10_000_000, 10_000),
        })
  const maxTtl =
    cacheOptions === false
      ? 0
      : durationOption(cacheOptions.maxTtl, `${option}.cache.maxTtl`, 60_000, { min: 1 })
  const onKeysChanged = (): void => cache?.clear()
  // Bumped by clearCache(): a verification that was in flight then does not cache its result,
  // decided on the trust the call withdrew. (A key set refreshed by a verification, which then
  // uses the new keys, clears the cache without it.)
  let generation = 0
  const clearCache = (): void => {
    generation++
    onKeysChanged()
  }

  const issuers: CompiledIssuer[] = []
  if (raw.issuers !== undefined) {
    const inline = ISSUER_OPTION_KEYS.filter(
      (key) => raw[key] !== undefined && key !== 'rolesClaim' && key !== 'clockTolerance',
    )
    if (inline.length > 0) {
      fail(`${option}.${inline[0]}`, 'goes inside each entry of `issuers` when `issuers` is given')
    }
    if (!Array.isArray(raw.issuers) || raw.issuers.length === 0) {
      fail(`${option}.issuers`, `expected a non-empty array of issuer options, got ${describe(raw.issuers)}`)
    }
    ;(raw.issuers as unknown[]).forEach((entry, i) => {
      const where = `${option}.issuers[${i}]`
      if (!isPlainObject(entry)) fail(where, `expected issuer options, got ${describe(entry)}`)
      const merged = {
        rolesClaim: raw.rolesClaim,
        clockTolerance: raw.clockTolerance,
        ...objectOption(entry, where, ISSUER_OPTION_KEYS),
      }
      issuers.push(compileIssuer(merged, where, false, onKeysChanged))
    })
  } else {
    issuers.push(compileIssuer(raw, option, true, onKeysChanged))
  }
  const byIssuer = new Map<string, CompiledIssuer>()
  issuers.forEach((entry, i) => {
    if (byIssuer.has(entry.issuer!))
      fail(`${option}.issuers[${i}].issuer`, `${describe(entry.issuer)} is listed twice`)
    byIssuer.set(entry.issuer!, entry)
  })
  const single = raw.issuers === undefined ? issuers[0] : undefined
  const allAlgorithms = new Set(issuers.flatMap((entry) => [...entry.algorithms]))
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(issuers.map((entry) => [entry.keys.id, entry.jose, entry.rolesPath])))
    .digest('base64url')

  let hits = 0
  let misses = 0

  function pickIssuer(payload: string): CompiledIssuer {
    if (single !== undefined) return single
    const iss = decodeJsonSegment(payload).iss
    const entry = typeof iss === 'string' ? byIssuer.get(iss) : undefined
    if (entry === undefined) throw new LeakguardAuthError('ERR_LG_TOKEN_ISSUER_UNKNOWN', { claim: 'iss' })
    return entry
  }

  function cacheEntry(principal: Principal, issuer: CompiledIssuer, now: number): CacheEntry | undefined {
    const { exp, nbf, iat } = principal.claims as JWTPayload
    let expiresAt = now + maxTtl
    if (typeof exp === 'number') expiresAt = Math.min(expiresAt, exp * 1000)
    if (issuer.maxTokenAgeMs !== undefined && typeof iat === 'number') {
      expiresAt = Math.min(expiresAt, iat * 1000 + issuer.maxTokenAgeMs)
    }
    if (!(expiresAt > now)) return undefined
    return {
      principal,
      expiresAt,
      notBefore: typeof nbf === 'number' ? nbf * 1000 - issuer.clockToleranceMs : undefined,
    }
  }

  async function verifyFully(token: string): Promise<{ principal: Principal; issuer: CompiledIssuer }> {
    const compact = parseCompact(token, allAlgorithms)
    const issuer = pickIssuer(compact.payload)
    if (!issuer.algorithms.has(compact.header.alg))
      throw new LeakguardAuthError('ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED')
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, issuer.keys.key as Parameters<typeof jwtVerify>[1], issuer.jose))
    } catch (error) {
      throw toAuthError(error)
    }
    // jose checks that `iat` is not in the future only with maxTokenAge: a token minted with a
    // clock far ahead (or forged to outlive a revocation) is refused here in every case.
    if (typeof payload.iat === 'number' && payload.iat * 1000 > Date.now() + issuer.clockToleranceMs) {
      throw new LeakguardAuthError('ERR_LG_TOKEN_CLAIM_INVALID', { claim: 'iat' })
    }
    return { principal: toPrincipal(payload, issuer.rolesPath), issuer }
  }

  /** The cached principal under `key` if still valid now; an expired entry is dropped. */
  function lookup(key: string): Principal | undefined {
    const hit = cache?.get(key)
    if (hit === undefined) return undefined
    const now = Date.now()
    if (now < hit.expiresAt && (hit.notBefore === undefined || hit.notBefore <= now)) {
      hits++
      return hit.principal
    }
    cache?.delete(key)
    return undefined
  }

  const wellFormed = (token: unknown): token is string =>
    typeof token === 'string' && token.length > 0 && token.length <= maxTokenLength

  // The key cached() computed for a token it missed: verify() of the same token, next, reuses it
  // (a fresh forged token costs one SHA-256, not two).
  let missedToken: string | undefined
  let missedKey = ''
  const cacheKey = (token: string): string => {
    const key = token === missedToken ? missedKey : sha256Base64url(fingerprint + token)
    missedToken = undefined // no token is held past the verification that follows its miss
    return key
  }

  return {
    cached(token) {
      if (cache === undefined || !wellFormed(token)) return undefined
      const key = sha256Base64url(fingerprint + token)
      const principal = lookup(key)
      if (principal === undefined) {
        missedToken = token
        missedKey = key
      }
      return principal
    },
    async verify(token) {
      if (!wellFormed(token)) throw new LeakguardAuthError('ERR_LG_TOKEN_MALFORMED')
      if (cache === undefined) return (await verifyFully(token)).principal
      const key = cacheKey(token)
      const known = lookup(key)
      if (known !== undefined) return known
      misses++
      const started = generation
      const { principal, issuer } = await verifyFully(token)
      const entry = cacheEntry(principal, issuer, Date.now())
      if (entry !== undefined && generation === started) cache.set(key, entry)
      return principal
    },
    clearCache,
    cacheStats: () => ({ size: cache?.size ?? 0, hits, misses }),
  }
}
