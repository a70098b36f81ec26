import type { JWTPayload } from 'jose'

/** The verified caller: what handlers read as `req.leakguard.principal` and its kin. */
export interface Principal {
  /** The token's `sub`, if it has one. */
  readonly sub: string | undefined
  /** The token's `iss`. */
  readonly issuer: string | undefined
  /** Scopes from `scope` (space-separated) and `scp` (array or string). */
  readonly scopes: readonly string[]
  /** Roles from the configured `rolesClaim`. */
  readonly roles: readonly string[]
  /** Every claim of the token, frozen. */
  readonly claims: Readonly<JWTPayload>
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((word) => word !== '')
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  return []
}

/** Reads a dotted claim path (`realm_access.roles`); own members only. */
function claimAt(claims: JWTPayload, path: readonly string[]): unknown {
  let value: unknown = claims
  for (const name of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, name)) return undefined
    value = (value as Record<string, unknown>)[name]
  }
  return value
}

/** Builds the principal of verified claims. Principals are shared by cache hits: all frozen. */
export function toPrincipal(claims: JWTPayload, rolesPath: readonly string[]): Principal {
  const scopes = [...new Set([...words(claims.scope), ...words(claims.scp)])]
  return deepFreeze({
    sub: typeof claims.sub === 'string' ? claims.sub : undefined,
    issuer: typeof claims.iss === 'string' ? claims.iss : undefined,
    scopes,
    roles: [...new Set(words(claimAt(claims, rolesPath)))],
    claims,
  })
}
