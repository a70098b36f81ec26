import type { LeakguardAuthError } from '../errors.js'

/**
 * The `WWW-Authenticate` challenge of a failed request (RFC 6750 §3): bare (`Bearer realm="api"`)
 * when no token was sent; with `error`, `error_description` and, for insufficient scope, `scope`
 * otherwise. Every value is leakguard's own or validated at startup: nothing needs escaping.
 */
export function bearerChallenge(realm: string, error: LeakguardAuthError): string {
  let challenge = `Bearer realm="${realm}"`
  if (error.error === undefined) return challenge
  challenge += `, error="${error.error}", error_description="${error.description}"`
  if (error.requiredScopes !== undefined && error.requiredScopes.length > 0) {
    challenge += `, scope="${error.requiredScopes.join(' ')}"`
  }
  return challenge
}
