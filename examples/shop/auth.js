// Token verification of the example shop. Demo only: the shop signs its own HS256 tokens with a
// secret made at startup, so the examples run without an identity provider. A real app verifies
// its provider's tokens through a JWKS (docs/auth.md has recipes for Auth0, Okta and Keycloak).
import { createHmac, randomBytes } from 'node:crypto'

const DEMO_SECRET = randomBytes(32)

/** The `auth` options of the shop: the issuer and audience its demo tokens carry. */
export const shopAuth = {
  issuer: 'https://shop.example/demo-issuer',
  audience: 'shop-api',
  algorithms: ['HS256'],
  secret: DEMO_SECRET,
  // Most of the shop is public; routes that need a caller say so.
  default: 'public',
}

const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * Signs a demo access token for user `sub` (HS256, valid for an hour).
 * @param {string} sub
 * @param {{ scope?: string, roles?: string[] }} [claims]
 */
export function demoToken(sub, claims = {}) {
  const now = Math.floor(Date.now() / 1000)
  const header = encode({ alg: 'HS256', typ: 'at+jwt' })
  const payload = encode({
    iss: shopAuth.issuer,
    aud: shopAuth.audience,
    sub,
    iat: now,
    exp: now + 3600,
    scope: 'account:read',
    ...claims,
  })
  const signature = createHmac('sha256', DEMO_SECRET).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}
