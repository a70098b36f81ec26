import type { KeyObject } from 'node:crypto'
import type { JSONWebKeySet, JWK } from 'jose'
import type { Duration } from '../lib/duration.js'
import type { JwsAlgorithm } from './algorithms.js'
import type { Principal } from './principal.js'

/** Settings of a remote JWKS, passed to `jose`'s `createRemoteJWKSet`. */
export interface RemoteJwksOptions {
  /**
   * Least time between two fetches: a token with an unknown `kid` triggers a refetch only after
   * it. It also bounds how long an outage makes leakguard wait: after a failed fetch the last key
   * set is used for this long before trying again.
   * @default '30s'
   */
  cooldown?: Duration
  /** Age after which the key set is fetched again before use. @default '10m' */
  cacheMaxAge?: Duration
  /** Time a fetch may take. @default '5s' */
  timeout?: Duration
  /** Extra request headers for the fetch (e.g. an API gateway key). */
  headers?: Readonly<Record<string, string>>
}

/** How tokens of one issuer are verified. */
export interface IssuerOptions {
  /**
   * Expected `iss`, compared exactly. Required: pass `false` to accept any issuer (only possible
   * with a single issuer).
   */
  issuer: string | false
  /**
   * Expected `aud`: the token must name one of these. Required: pass `false` to skip the check
   * (then any service accepting tokens of this issuer accepts yours).
   */
  audience: string | readonly string[] | false
  /**
   * Algorithms accepted, checked against the key type at startup (`HS*` need `secret`; `RS*`,
   * `PS*` RSA keys of 2048 bits or more; `ES256/384/512` EC keys on P-256/P-384/P-521;
   * `EdDSA`/`Ed25519` Ed25519 keys). `none` does not exist here.
   */
  algorithms: readonly JwsAlgorithm[]
  /** Shared secret for `HS*` tokens: at least 32 bytes (48 for HS384, 64 for HS512). */
  secret?: string | Uint8Array
  /** Public key: a PEM string (SPKI or certificate), a JWK, or a `KeyObject`. */
  publicKey?: string | JWK | KeyObject
  /** A JSON Web Key Set held in the application; keys are picked by `kid`, `alg` and `kty`. */
  jwks?: JSONWebKeySet
  /**
   * Address of the issuer's JWKS (https, or http on loopback). Keys are only ever fetched from
   * here: never from an address a token names (`jku`, `x5u`).
   */
  jwksUri?: string | URL
  /** Settings of the `jwksUri` fetch. */
  jwksUriOptions?: RemoteJwksOptions
  /**
   * Required `typ` header, e.g. `'at+jwt'` for RFC 9068 access tokens (`application/at+jwt`
   * matches too). Stops ID tokens (`typ: JWT`) being used as access tokens.
   */
  typ?: string
  /**
   * `'rfc9068'` requires the JWT access-token profile: `typ: at+jwt` and the claims `iss`, `exp`,
   * `aud`, `sub`, `client_id`, `iat` and `jti`.
   */
  profile?: 'rfc9068'
  /** Require an `exp` claim. @default true */
  requireExp?: boolean
  /** Claims that must be present. */
  requiredClaims?: readonly string[]
  /** Allowed clock skew for `exp`, `nbf` and `iat`. @default '5s' */
  clockTolerance?: Duration
  /** Oldest token accepted, by its `iat` (which becomes required). */
  maxTokenAge?: Duration
  /**
   * Claim holding the caller's roles: an array of strings or a space-separated string. A dotted
   * path reaches nested claims (Keycloak: `'realm_access.roles'`). The roles pick the allowlist
   * views of responses.
   * @default 'roles'
   */
  rolesClaim?: string
}

/** Cache of verified tokens. */
export interface TokenCacheOptions {
  /** Most tokens held. @default 10000 */
  max?: number
  /** Longest an entry lives; it also ends at the token's `exp`. @default '60s' */
  maxTtl?: Duration
}

/**
 * Token verification (`createGuard({ auth })` and `createVerifier()`): one issuer given inline,
 * or several under `issuers`.
 */
export interface AuthOptions extends Partial<IssuerOptions> {
  /**
   * Several trusted issuers, each with its own keys. A token's issuer is picked by exact match of
   * its `iss` against this list before anything is fetched; a token naming another issuer fails.
   */
  issuers?: readonly (IssuerOptions & { issuer: string })[]
  /** Verified-token cache; `false` verifies every request. */
  cache?: TokenCacheOptions | false
  /** Longest token accepted, in characters. @default 8192 */
  maxTokenLength?: number
  /** `realm` of `WWW-Authenticate` challenges. @default 'api' */
  realm?: string
  /**
   * Accept the token from the `access_token` query parameter (RFC 6750 §2.3). Tokens in URLs end
   * up in logs and `Referer` headers: leave it off unless a client cannot send headers.
   * @default false
   */
  queryToken?: boolean
  /**
   * Whether routes without their own `auth` policy need a token: `'required'` (the default: a
   * route is public only when it says so), `'optional'` (verified when sent) or `'public'`.
   * @default 'required'
   */
  default?: 'required' | 'optional' | 'public'
}

/** The `auth` policy of a route. */
export interface RouteAuthOptions {
  /** No token needed, none read: the route is open to everyone. */
  public?: boolean
  /** A token is verified when sent (an invalid one is refused); without one the caller is anonymous. */
  optional?: boolean
  /** Scopes the token must hold (from `scope` or `scp`). */
  scopes?: readonly string[]
  /** Whether `scopes` are all required or any one suffices. @default 'all' */
  scopeMatch?: 'all' | 'any'
  /** Roles of which the caller must hold at least one. */
  roles?: readonly string[]
  /**
   * Custom check on the verified principal; `false` (or a throw) answers 403. It runs on every
   * request, never cached.
   */
  check?: (principal: Principal) => boolean | Promise<boolean>
}
