import { LeakguardAuthError } from '../errors.js'
import { describe, fail, functionOption, isPlainObject, objectOption, oneOf } from '../lib/validate.js'
import type { RouteAuthOptions } from './options.js'
import type { Principal } from './principal.js'

const ROUTE_AUTH_KEYS = ['public', 'optional', 'scopes', 'scopeMatch', 'roles', 'check'] as const
// RFC 6749 §3.3 scope-token: no space, quote or backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** A route's `auth` policy, validated. */
export interface CompiledRouteAuth {
  /** `required`: no token, no request; `optional`: verified when sent; `public`: never read. */
  readonly mode: 'required' | 'optional' | 'public'
  readonly scopes: readonly string[]
  readonly scopeMatch: 'all' | 'any'
  readonly roles: readonly string[]
  readonly check: ((principal: Principal) => boolean | Promise<boolean>) | undefined
}

export const PUBLIC_AUTH: CompiledRouteAuth = Object.freeze({
  mode: 'public',
  scopes: [],
  scopeMatch: 'all',
  roles: [],
  check: undefined,
})
export const REQUIRED_AUTH: CompiledRouteAuth = Object.freeze({ ...PUBLIC_AUTH, mode: 'required' })
export const OPTIONAL_AUTH: CompiledRouteAuth = Object.freeze({ ...PUBLIC_AUTH, mode: 'optional' })

function tokenList(value: unknown, option: string, pattern: RegExp, what: string): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length === 0)
    fail(option, `expected a non-empty array of ${what}, got ${describe(value)}`)
  ;(value as unknown[]).forEach((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item)) {
      fail(
        `${option}[${i}]`,
        `expected a ${what.replace(/s$/, '')} (no spaces, quotes or backslashes), got ${describe(item)}`,
      )
    }
  })
  return Object.freeze([...new Set(value as string[])])
}

function flag(value: unknown, option: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') fail(option, `expected a boolean, got ${describe(value)}`)
  return value as boolean
}

/** Validates a route's `auth` option. @throws LeakguardConfigError */
export function compileRouteAuth(value: RouteAuthOptions | undefined, option: string): CompiledRouteAuth {
  if (!isPlainObject(value))
    return fail(
      option,
      `expected an object such as { scopes: ["users:read"] } or { public: true }, got ${describe(value)}`,
    )
  const raw = objectOption(value, option, ROUTE_AUTH_KEYS)
  const isPublic = flag(raw.public, `${option}.public`)
  const optional = flag(raw.optional, `${option}.optional`)
  const scopes = tokenList(raw.scopes, `${option}.scopes`, SCOPE_TOKEN, 'scopes')
  const roles = tokenList(raw.roles, `${option}.roles`, /^\S+$/, 'roles')
  const check = functionOption<CompiledRouteAuth['check']>(raw.check, `${option}.check`)
  const scopeMatch = oneOf(raw.scopeMatch, `${option}.scopeMatch`, ['all', 'any'] as const, 'all')
  const requirements = scopes.length > 0 || roles.length > 0 || check !== undefined
  if (isPublic && (optional || requirements)) {
    fail(option, 'a public route reads no token: drop `public` or the other auth options')
  }
  if (optional && requirements) {
    fail(
      option,
      '`optional` routes admit anonymous callers, so scopes, roles and checks would not apply; drop `optional`',
    )
  }
  return Object.freeze({
    mode: isPublic ? 'public' : optional ? 'optional' : 'required',
    scopes,
    scopeMatch,
    roles,
    check,
  })
}

function forbidden(
  code: 'ERR_LG_AUTH_INSUFFICIENT_SCOPE' | 'ERR_LG_AUTH_FORBIDDEN',
  requiredScopes?: readonly string[],
  cause?: unknown,
) {
  return new LeakguardAuthError(code, {
    ...(requiredScopes === undefined ? {} : { requiredScopes }),
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Checks a verified principal against a route's policy: scopes, then roles, then the custom check.
 * Resolves to the refusal, or `undefined` when the caller may proceed. Never rejects.
 */
export function authorize(
  principal: Principal,
  policy: CompiledRouteAuth,
): LeakguardAuthError | undefined | Promise<LeakguardAuthError | undefined> {
  if (policy.scopes.length > 0) {
    const held = principal.scopes
    const ok =
      policy.scopeMatch === 'all'
        ? policy.scopes.every((scope) => held.includes(scope))
        : policy.scopes.some((scope) => held.includes(scope))
    if (!ok) return forbidden('ERR_LG_AUTH_INSUFFICIENT_SCOPE', policy.scopes)
  }
  if (policy.roles.length > 0 && !policy.roles.some((role) => principal.roles.includes(role))) {
    return forbidden('ERR_LG_AUTH_FORBIDDEN')
  }
  if (policy.check === undefined) return undefined
  let verdict: boolean | Promise<boolean>
  try {
    verdict = policy.check(principal)
  } catch (error) {
    return forbidden('ERR_LG_AUTH_FORBIDDEN', undefined, error)
  }
  if (verdict === true) return undefined
  if (typeof (verdict as Promise<boolean>)?.then !== 'function') return forbidden('ERR_LG_AUTH_FORBIDDEN')
  // Adopted as a native promise: a thenable (Bluebird, or one whose then returns nothing) is
  // settled by its own then, and what comes out is always a promise of the refusal or undefined.
  return Promise.resolve(verdict as PromiseLike<boolean>).then(
    (result) => (result === true ? undefined : forbidden('ERR_LG_AUTH_FORBIDDEN')),
    (error: unknown) => forbidden('ERR_LG_AUTH_FORBIDDEN', undefined, error),
  )
}
