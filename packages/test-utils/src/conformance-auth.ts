import { generateKeyPairSync } from 'node:crypto'
import type { AuthOptions } from '@leakguard/core'
import { SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AdapterHarness } from './harness.js'
import { countingScenario, getRoute, ofType, rawRequest } from './helpers.js'
import {
  AUDIENCE,
  forgeToken,
  ISSUER,
  signToken,
  startJwksServer,
  type TestKey,
  tamperSignature,
  testKey,
} from './tokens.js'

interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly text: string
  readonly json: unknown
}

async function send(
  url: string,
  token?: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  const res = await rawRequest(url, {
    method,
    headers: token === undefined ? headers : { authorization: `Bearer ${token}`, ...headers },
  })
  const text = res.body.toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** Who the handler saw: what the conformance routes answer. */
const whoami = getRoute('/me', ({ leakguard }) => ({
  sub: leakguard?.principal?.sub ?? null,
  scopes: leakguard?.principal?.scopes ?? null,
  roles: leakguard?.principal?.roles ?? null,
}))

/**
 * Token verification over HTTP: RFC 6750 answers, the attack suite, route policies, the principal
 * in the framework's idiom, JWKS outage, events. The same on every adapter.
 */
export function runAuthSuite(harness: AdapterHarness): void {
  let key: TestKey
  let auth: AuthOptions

  beforeAll(async () => {
    key = await testKey('ES256')
    auth = {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      jwks: { keys: [key.jwk] },
      typ: 'at+jwt',
    }
  })
  const token = (options: Parameters<typeof signToken>[1] = {}) =>
    signToken(key, { ...options, header: { typ: 'at+jwt', ...options.header } })

  const scenario = countingScenario(harness)

  describe('auth', () => {
    it('answers a request without a token with 401 and a bare Bearer challenge, before the handler', async () => {
      const events = await scenario({ auth }, [whoami], async (url, handled) => {
        for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
          const res = await send(`${url}/me`, undefined, headers)
          expect(res.status).toBe(401)
          expect(res.headers['www-authenticate']).toBe('Bearer realm="api"')
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
          expect(res.headers['cache-control']).toBe('no-store')
          expect(res.json).toEqual({
            type: 'about:blank',
            title: 'Unauthorized',
            status: 401,
            detail: 'An access token is required',
          })
        }
        expect(handled()).toBe(0)
      })
      const failed = ofType(events, 'auth.failed')
      expect(failed.map((e) => [e.reason.code, e.reason.stage, e.request?.status])).toEqual([
        ['ERR_LG_AUTH_TOKEN_MISSING', 'request', 401],
        ['ERR_LG_AUTH_TOKEN_MISSING', 'request', 401],
      ])
      expect(events.filter((e) => e.type.startsWith('response.'))).toEqual([])
    })

    it('gives the handler the verified principal, and events its id but never the token', async () => {
      const sent = await token({ claims: { sub: 'alice', scope: 'users:read', roles: ['admin'] } })
      const events = await scenario(
        {
          auth,
          routes: { 'GET /me': { allow: ['$.sub', '$.scopes', '$.roles'] } },
          responses: { default: 'pass' },
        },
        [whoami, getRoute('/boom', () => ({ password: 'x', id: 1 }))],
        async (url) => {
          const res = await send(`${url}/me`, sent)
          expect(res.status).toBe(200)
          expect(res.json).toEqual({ sub: 'alice', scopes: ['users:read'], roles: ['admin'] })
          // Scheme in any casing, spaces around the token.
          expect((await send(`${url}/me`, undefined, { authorization: `bEaReR   ${sent} ` })).status).toBe(
            200,
          )
          await send(`${url}/me`, `${sent}x`)
        },
      )
      const failed = ofType(events, 'auth.failed')
      expect(failed).toHaveLength(1)
      expect(JSON.stringify(events)).not.toContain(sent.split('.')[2])
      expect(JSON.stringify(events)).not.toContain(sent.split('.')[1])
    })

    it('refuses every attack token with 401 invalid_token, never a 500 and never the handler', async () => {
      const now = Math.floor(Date.now() / 1000)
      const valid = await token()
      const [h, p, s] = valid.split('.') as [string, string, string]
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string
      const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const embedded = (header: Record<string, unknown>) =>
        new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 600 })
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header })
          .sign(attacker.privateKey)
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const attacks: Record<string, string> = {
        'alg none': forgeToken(
          { alg: 'none', typ: 'at+jwt' },
          { iss: ISSUER, aud: AUDIENCE, exp: now + 600 },
          s,
        ),
        'alg NONE': forgeToken(
          { alg: 'NONE', typ: 'at+jwt' },
          { iss: ISSUER, aud: AUDIENCE, exp: now + 600 },
          s,
        ),
        'alg nOnE': forgeToken(
          { alg: 'nOnE', typ: 'at+jwt' },
          { iss: ISSUER, aud: AUDIENCE, exp: now + 600 },
          s,
        ),
        'HS256 signed with a public key': await signToken(new TextEncoder().encode(pem), {
          header: { typ: 'at+jwt' },
        }),
        'embedded jwk': await embedded({ jwk: attacker.publicKey.export({ format: 'jwk' }) }),
        'jku header': await embedded({ jku: 'https://attacker.test/jwks.json' }),
        'x5u header': await embedded({ x5u: 'https://attacker.test/cert.pem' }),
        truncated: `${h}.${p}`,
        'extra segment': `${valid}.${s}`,
        'padded base64url': `${valid}==`,
        'non-canonical base64url': `${h}.${p}.${s.slice(0, -1)}${alphabet[alphabet.indexOf(s.at(-1)!) + 1]}`,
        'unknown crit': forgeToken(
          { alg: 'ES256', typ: 'at+jwt', crit: ['urn:x'], 'urn:x': 1 },
          { exp: now + 600 },
          s,
        ),
        'tampered payload': `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now + 600 })).toString('base64url')}.${s}`,
        expired: await token({ claims: { exp: now - 60 } }),
        'not yet valid': await token({ claims: { nbf: now + 600 } }),
        'issued in the future': await token({ claims: { iat: now + 600 } }),
        'wrong iss': await token({ claims: { iss: 'https://evil.test/' } }),
        'wrong aud': await token({ claims: { aud: 'https://other.test' } }),
        'missing exp': await token({ claims: { exp: undefined } }),
        'ID token (typ JWT)': await token({ header: { typ: 'JWT' } }),
        'kid path traversal': await token({ header: { kid: '../../../../etc/passwd' } }),
        'attacker key and kid': await embedded({ kid: key.kid }),
      }
      const events = await scenario({ auth }, [whoami], async (url, handled) => {
        for (const [name, attack] of Object.entries(attacks)) {
          const res = await send(`${url}/me`, attack)
          expect([name, res.status]).toEqual([name, 401])
          expect(res.headers['www-authenticate']).toMatch(
            /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/,
          )
          expect((res.json as { detail: string }).detail).not.toMatch(/jose|claim timestamp|JWS/i)
        }
        expect(handled()).toBe(0)
      })
      const stages = new Set(ofType(events, 'auth.failed').map((e) => e.reason.stage))
      expect(stages).toEqual(new Set(['format', 'signature', 'key', 'claims']))
    })

    it('answers 400 invalid_request for a token in the URL, or in two places', async () => {
      const sent = await token()
      await scenario({ auth }, [whoami], async (url) => {
        const query = await send(`${url}/me?access_token=${sent}`)
        expect(query.status).toBe(400)
        expect(query.headers['www-authenticate']).toMatch(/error="invalid_request"/)
        expect((await send(`${url}/me`, undefined, { authorization: 'Bearer a b' })).status).toBe(400)
      })
      await scenario({ auth: { ...auth, queryToken: true } }, [whoami], async (url) => {
        expect((await send(`${url}/me?access_token=${sent}`)).status).toBe(200)
        expect((await send(`${url}/me?access_token=${sent}`, sent)).status).toBe(400)
        expect((await send(`${url}/me?access_token=${sent}&access_token=${sent}`)).status).toBe(400)
      })
    })

    it('enforces scopes (all or any), roles and custom checks per route with 403 insufficient_scope', async () => {
      const reader = await token({ claims: { scope: 'users:read', roles: ['support'] } })
      const writer = await token({
        claims: { scp: ['users:read', 'users:write'], roles: ['admin'], tenant: 'acme' },
      })
      const routes = {
        'GET /read': { auth: { scopes: ['users:read'] } },
        'GET /write': { auth: { scopes: ['users:read', 'users:write'] } },
        'GET /either': { auth: { scopes: ['users:write', 'users:read'], scopeMatch: 'any' as const } },
        'GET /admin': { auth: { roles: ['admin'] } },
        'GET /acme': {
          auth: { check: async (p: { claims: Record<string, unknown> }) => p.claims.tenant === 'acme' },
        },
        'GET /throws': {
          auth: {
            check: () => {
              throw new Error('policy bug')
            },
          },
        },
      }
      const paths = ['/read', '/write', '/either', '/admin', '/acme', '/throws']
      const events = await scenario(
        { auth, routes },
        paths.map((path) => getRoute(path, () => ({ ok: true }))),
        async (url) => {
          const statuses = async (sent: string) =>
            Promise.all(paths.map(async (path) => (await send(`${url}${path}`, sent)).status))
          expect(await statuses(reader)).toEqual([200, 403, 200, 403, 403, 403])
          expect(await statuses(writer)).toEqual([200, 200, 200, 200, 200, 403])
          const denied = await send(`${url}/write`, reader)
          expect(denied.headers['www-authenticate']).toBe(
            'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this request requires", scope="users:read users:write"',
          )
          expect(denied.json).toMatchObject({ status: 403, title: 'Forbidden' })
        },
      )
      const forbidden = ofType(events, 'auth.forbidden')
      expect(forbidden).toHaveLength(6)
      // Requests ran in parallel: events come in any order.
      expect(forbidden.find((e) => e.reason.code === 'ERR_LG_AUTH_INSUFFICIENT_SCOPE')).toMatchObject({
        required: ['users:read', 'users:write'],
        principal: { id: 'user-1' },
        reason: { code: 'ERR_LG_AUTH_INSUFFICIENT_SCOPE' },
      })
    })

    it('answers a token its cache holds as the first time, and settles route checks that return thenables', async () => {
      const sent = await token({ claims: { scope: 'users:read' } })
      // Not native promises: a library's promise, settled through its own then.
      const thenable = (verdict: boolean) => ({
        // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
        then(resolve: (value: boolean) => void) {
          resolve(verdict)
        },
      })
      const routes = {
        'GET /yes': { auth: { check: () => thenable(true) as unknown as boolean } },
        'GET /no': { auth: { check: () => thenable(false) as unknown as boolean } },
      }
      await scenario(
        { auth, routes },
        [getRoute('/yes', () => ({ ok: true })), getRoute('/no', () => ({ ok: true }))],
        async (url, handled) => {
          // The first request verifies the token; the next ones are served from the verifier's
          // cache, which the request phase reads without a promise.
          for (let round = 0; round < 3; round++) {
            const yes = await send(`${url}/yes`, sent)
            expect([yes.status, yes.json]).toEqual([200, { ok: true }])
            expect((await send(`${url}/no`, sent)).status).toBe(403)
          }
          expect(handled()).toBe(3)
          // A token differing by its signature is never answered from the cache.
          expect((await send(`${url}/yes`, tamperSignature(sent))).status).toBe(401)
          expect(handled()).toBe(3)
        },
      )
    })

    it('applies route-level auth given in the framework idiom', async () => {
      const reader = await token({ claims: { scope: 'users:read' } })
      const admin = await token({ claims: { scope: 'users:read users:delete' } })
      const routes = [
        getRoute('/delete', () => ({ deleted: true }), {
          routeOptions: { auth: { scopes: ['users:delete'] } },
        }),
      ]
      await scenario({ auth }, routes, async (url, handled) => {
        expect((await send(`${url}/delete`, reader)).status).toBe(403)
        expect((await send(`${url}/delete`)).status).toBe(401)
        expect(handled()).toBe(0)
        expect((await send(`${url}/delete`, admin)).status).toBe(200)
      })
    })

    it('serves public routes without a token and optional routes to anonymous callers', async () => {
      const routes = { 'GET /health': { auth: { public: true } }, 'GET /me': { auth: { optional: true } } }
      const sent = await token()
      await scenario({ auth, routes }, [whoami, getRoute('/health', () => ({ ok: true }))], async (url) => {
        expect((await send(`${url}/health`)).status).toBe(200)
        expect((await send(`${url}/health`, 'garbage')).status).toBe(200)
        expect((await send(`${url}/me`)).json).toEqual({ sub: null, scopes: null, roles: null })
        expect((await send(`${url}/me`, sent)).json).toMatchObject({ sub: 'user-1' })
        expect((await send(`${url}/me`, `${sent}x`)).status).toBe(401)
      })
      await scenario({ auth: { ...auth, default: 'public' } }, [whoami], async (url) => {
        expect((await send(`${url}/me`)).status).toBe(200)
      })
    })

    it("picks the response view from the token's roles", async () => {
      const routes = { 'GET /u': { allow: ['$.id'], views: { admin: ['$.id', '$.email'] } } }
      const admin = await token({ claims: { roles: ['admin'] } })
      const plain = await token()
      await scenario(
        { auth, routes },
        [getRoute('/u', () => ({ id: 1, email: 'a@b.test', hash: 'x' }))],
        async (url) => {
          expect((await send(`${url}/u`, admin)).json).toEqual({ id: 1, email: 'a@b.test' })
          expect((await send(`${url}/u`, plain)).json).toEqual({ id: 1 })
        },
      )
    })

    it('only reports refusals in report mode', async () => {
      const events = await scenario({ auth, mode: 'report' }, [whoami], async (url, handled) => {
        expect((await send(`${url}/me`)).status).toBe(200)
        expect((await send(`${url}/me`, 'not-a-token')).status).toBe(200)
        expect(handled()).toBe(2)
      })
      expect(ofType(events, 'auth.failed').map((e) => e.outcome)).toEqual(['unknown', 'unknown'])
    })

    it('answers HEAD with the status and challenge, without a body', async () => {
      await scenario({ auth }, [whoami], async (url) => {
        const res = await send(`${url}/me`, undefined, {}, 'HEAD')
        expect(res.status).toBe(401)
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"')
        expect(res.text).toBe('')
      })
    })

    it('keeps serving known keys through a JWKS outage; unknown kids get 401, not 500', async () => {
      const server = await startJwksServer([key.jwk])
      try {
        const remote: AuthOptions = {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['ES256'],
          jwksUri: server.jwksUri,
          jwksUriOptions: { cacheMaxAge: 1, cooldown: 1, timeout: 200 },
          cache: false,
        }
        await scenario({ auth: remote }, [whoami], async (url) => {
          expect((await send(`${url}/me`, await signToken(key))).status).toBe(200)
          server.setDown(true)
          await new Promise((resolve) => setTimeout(resolve, 5))
          expect((await send(`${url}/me`, await signToken(key))).status).toBe(200)
          const unknown = await send(`${url}/me`, await signToken(key, { header: { kid: 'rotated-away' } }))
          expect(unknown.status).toBe(401)
          expect(unknown.headers['www-authenticate']).toMatch(/invalid_token/)
        })
      } finally {
        await server.close()
      }
    })
  })
}
