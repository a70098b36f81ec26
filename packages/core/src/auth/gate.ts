import { LeakguardAuthError } from '../errors.js'
import { isPromise } from '../lib/promise.js'
import { describe, fail, isPlainObject, oneOf } from '../lib/validate.js'
import { extractBearer, type RequestHeaders } from './bearer.js'
import type { AuthOptions } from './options.js'
import type { Principal } from './principal.js'
import {
  authorize,
  type CompiledRouteAuth,
  OPTIONAL_AUTH,
  PUBLIC_AUTH,
  REQUIRED_AUTH,
} from './route-policy.js'
import { type CachingVerifier, compileVerifier, toAuthError } from './verifier.js'

/** What the request phase learnt about the caller. */
export type AuthOutcome =
  | { readonly principal: Principal | undefined; readonly error?: undefined }
  | { readonly error: LeakguardAuthError; readonly principal?: Principal | undefined }

/** The token of one request, read and verified at most once however many checks ask. */
export interface RequestAuthState {
  verification?: Promise<AuthOutcome> | AuthOutcome
}

/** The request-phase side of token verification, as a guard uses it. */
export interface AuthGate {
  readonly verifier: CachingVerifier
  /** `realm` of challenges, validated. */
  readonly realm: string
  /** Policy of routes that set none (`auth.default`). */
  readonly defaultPolicy: CompiledRouteAuth
  /** Reads and verifies the request's token, then applies `policy`. Never rejects. */
  authenticate(
    headers: RequestHeaders,
    query: string | undefined,
    policy: CompiledRouteAuth,
    state: RequestAuthState,
  ): AuthOutcome | Promise<AuthOutcome>
}

// A quoted-string without quotes or backslashes (RFC 9110 §5.6.4), so it needs no escaping.
const REALM = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/

/** Validates the guard's `auth` options. @throws LeakguardConfigError */
export function compileAuthGate(options: AuthOptions, option: string): AuthGate {
  if (!isPlainObject(options)) fail(option, `expected token verification options, got ${describe(options)}`)
  const verifier = compileVerifier(options, option)
  const raw = options as Record<string, unknown>
  let realm = 'api'
  if (raw.realm !== undefined) {
    if (typeof raw.realm !== 'string' || !REALM.test(raw.realm)) {
      fail(
        `${option}.realm`,
        `expected printable text without quotes or backslashes, got ${describe(raw.realm)}`,
      )
    }
    realm = raw.realm as string
  }
  if (raw.queryToken !== undefined && typeof raw.queryToken !== 'boolean') {
    fail(`${option}.queryToken`, `expected a boolean, got ${describe(raw.queryToken)}`)
  }
  const allowQuery = raw.queryToken === true
  const fallback = oneOf(
    raw.default,
    `${option}.default`,
    ['required', 'optional', 'public'] as const,
    'required',
  )
  const defaultPolicy = { required: REQUIRED_AUTH, optional: OPTIONAL_AUTH, public: PUBLIC_AUTH }[fallback]

  function verifyRequest(
    headers: RequestHeaders,
    query: string | undefined,
  ): AuthOutcome | Promise<AuthOutcome> {
    let token: string | undefined
    try {
      token = extractBearer(headers, query, allowQuery)
    } catch (error) {
      return { error: toAuthError(error) }
    }
    if (token === undefined) return { principal: undefined }
    // A token verified before: no promise, so the request phase can stay synchronous.
    const known = verifier.cached(token)
    if (known !== undefined) return { principal: known }
    return verifier.verify(token).then(
      (principal) => ({ principal }),
      (error: unknown) => ({ error: toAuthError(error) }),
    )
  }

  function apply(outcome: AuthOutcome, policy: CompiledRouteAuth): AuthOutcome | Promise<AuthOutcome> {
    if (outcome.error !== undefined) return outcome
    const { principal } = outcome
    if (principal === undefined) {
      if (policy.mode === 'optional') return outcome
      return { error: new LeakguardAuthError('ERR_LG_AUTH_TOKEN_MISSING') }
    }
    const refusal = authorize(principal, policy)
    if (refusal === undefined) return outcome
    if (!isPromise(refusal)) return { error: refusal, principal }
    return Promise.resolve(refusal).then((error) => (error === undefined ? outcome : { error, principal }))
  }

  return {
    verifier,
    realm,
    defaultPolicy,
    authenticate(headers, query, policy, state) {
      state.verification ??= verifyRequest(headers, query)
      const verification = state.verification
      return isPromise(verification)
        ? verification.then((outcome) => apply(outcome, policy))
        : apply(verification, policy)
    },
  }
}
