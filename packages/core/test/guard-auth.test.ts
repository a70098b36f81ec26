import { AUDIENCE, ISSUER, signToken, tamperSignature, testKey } from '@leakguard/test-utils'
import { describe, expect, it } from 'vitest'
import { createGuard, LeakguardConfigError, type LeakguardEvent } from '../src/index.js'

const key = await testKey('ES256')
const auth = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256' as const], publicKey: key.jwk }
const request = (path = '/users/1') => ({ method: 'GET', path, native: {} })
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })

describe('guard.checkRequest', () => {
  it('decides synchronously when there is nothing to verify', () => {
    const guard = createGuard()
    const decision = guard.checkRequest(guard.startRequest(request()), { headers: {} })
    expect(decision).toEqual({ allowed: true, principal: undefined, headers: {} })
    const open = createGuard({ auth, routes: { 'GET /health': { auth: { public: true } } } })
    expect(open.checkRequest(open.startRequest(request('/health')), { headers: {} })).toEqual({
      allowed: true,
      principal: undefined,
      headers: {},
    })
  })

  it('decides synchronously for a token the cache holds, rate limited by a MemoryStore; asynchronously for a new one', async () => {
    const guard = createGuard({ auth, rateLimit: { limits: [{ limit: 100, window: '1m' }] } })
    const token = await signToken(key, { claims: { scope: 'users:read' } })
    const first = guard.checkRequest(guard.startRequest(request()), bearer(token))
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toMatchObject({ allowed: true, principal: { sub: 'user-1' } })
    const again = guard.checkRequest(guard.startRequest(request()), bearer(token))
    expect(again).not.toBeInstanceOf(Promise)
    expect(again).toMatchObject({ allowed: true, principal: { sub: 'user-1' } })
    expect((again as { headers: Record<string, string> }).headers.ratelimit).toMatch(/;r=98;/)
    // A forged token is never answered from the cache.
    const forged = guard.checkRequest(guard.startRequest(request()), bearer(tamperSignature(token)))
    expect(forged).toBeInstanceOf(Promise)
    expect(await forged).toMatchObject({ allowed: false, status: 401 })
    expect(guard.verifier?.cacheStats()).toMatchObject({ hits: 1, misses: 2 })
  })

  it('settles a route check that returns a thenable as a promise: Bluebird-like, bare, or refusing', async () => {
    const token = await signToken(key, { claims: { scope: 'users:read' } })
    // Thenables, not native promises: a library's promise, and one whose then returns nothing.
    const thenable = (value: boolean) => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
      then(resolve: (v: boolean) => void) {
        resolve(value)
      },
    })
    for (const [verdict, allowed] of [
      [true, true],
      [false, false],
    ] as const) {
      const guard = createGuard({
        auth,
        routes: { 'GET /users/:id': { auth: { check: () => thenable(verdict) as never } } },
      })
      await guard.checkRequest(guard.startRequest(request()), bearer(token)) // now in the cache
      const decision = guard.checkRequest(guard.startRequest(request()), bearer(token))
      expect(decision).toBeInstanceOf(Promise)
      expect(await decision).toMatchObject(allowed ? { allowed: true } : { allowed: false, status: 403 })
    }
  })

  it('never throws to its caller, even when an audit sink throws while an event is built', async () => {
    const guard = createGuard({
      auth,
      rateLimit: { limits: [{ limit: 1, window: '1m' }] },
      audit: {
        sinks: [
          {
            write: () => {},
            capture: () => {
              throw new Error('capture failed')
            },
          },
        ],
      },
    })
    const token = await signToken(key, { claims: { scope: 'users:read' } })
    expect(await guard.checkRequest(guard.startRequest(request()), bearer(token))).toMatchObject({
      allowed: true,
    })
    // Refused by the limiter (an event whose sink throws); answered, not thrown.
    const refused = guard.checkRequest(guard.startRequest(request()), bearer(token))
    expect(await refused).toMatchObject({ allowed: false, status: 429 })
  })

  it('verifies a token once per request however many checks ask, and keeps the principal on the context', async () => {
    const guard = createGuard({ auth, routes: { 'GET /users/:id': { auth: { scopes: ['users:read'] } } } })
    const context = guard.startRequest(request())
    const token = await signToken(key, { claims: { scope: 'users:read users:delete' } })
    const first = await guard.checkRequest(context, bearer(token))
    expect(first).toMatchObject({ allowed: true, principal: { sub: 'user-1' } })
    const routeLevel = guard.compileRoute({ auth: { scopes: ['users:delete'] } })
    const second = await guard.checkRequest(context, { ...bearer('ignored-now'), routeOptions: routeLevel })
    expect(second).toMatchObject({ allowed: true })
    expect(context.principal?.sub).toBe('user-1')
    expect(guard.verifier?.cacheStats().misses).toBe(1)
  })

  it('refuses route auth policies at startup when the guard has no auth options', () => {
    expect(() => createGuard({ routes: { 'GET /x': { auth: { scopes: ['a'] } } } })).toThrow(
      LeakguardConfigError,
    )
    expect(() => createGuard({ routes: { 'GET /x': { auth: { scopes: ['a'] } } } })).toThrow(
      /routes\["GET \/x"\]\.auth: needs token verification/,
    )
    expect(() => createGuard({ routes: { 'GET /x': { auth: { public: true } } } })).not.toThrow()
    expect(() => createGuard().compileRoute({ auth: { roles: ['a'] } }, 'r')).toThrow(/r\.auth/)
  })

  it.each([
    [{ public: true, scopes: ['a'] }, 'drop `public`'],
    [{ optional: true, roles: ['a'] }, 'drop `optional`'],
    [{ scopes: [] }, 'non-empty'],
    [{ scopes: ['a"b'] }, 'scopes[0]'],
    [{ scopeMatch: 'some' }, 'scopeMatch'],
    [{ check: 'yes' }, 'check'],
    [{ admin: true }, 'not an option here'],
  ])('refuses route auth %j', (routeAuth, message) => {
    expect(() => createGuard({ auth, routes: { 'GET /x': { auth: routeAuth as never } } })).toThrow(message)
  })

  it.each([
    [{ realm: 'a"b' }, 'auth.realm'],
    [{ queryToken: 'yes' }, 'auth.queryToken'],
    [{ default: 'open' }, 'auth.default'],
    [{ cache: { max: 0 } }, 'auth.cache.max'],
    [{ cache: { ttl: 5 } }, 'auth.cache.ttl'],
  ])('refuses auth option %j', (extra, option) => {
    expect(() => createGuard({ auth: { ...auth, ...extra } as never })).toThrow(option)
  })

  it('uses the realm in challenges, and masks a sub that is an email in events', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      auth: { ...auth, realm: 'shop api' },
      routes: { 'GET /users/:id': { auth: { roles: ['admin'] } } },
      audit: { onEvent: (event) => void events.push(event) },
    })
    const missing = await guard.checkRequest(guard.startRequest(request()), { headers: {} })
    expect(missing).toMatchObject({
      allowed: false,
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="shop api"' },
    })
    const token = await signToken(key, { claims: { sub: 'jane.doe@example.com' } })
    const denied = await guard.checkRequest(guard.startRequest(request()), bearer(token))
    expect(denied).toMatchObject({ allowed: false, status: 403, code: 'ERR_LG_AUTH_FORBIDDEN' })
    await guard.flush()
    const forbidden = events.find((event) => event.type === 'auth.forbidden')
    expect(forbidden?.principal?.id).not.toContain('jane.doe@example.com')
    expect(JSON.stringify(events)).not.toContain('jane.doe')
  })

  it("lets getRoles override the token's roles for response views", async () => {
    const guard = createGuard({
      auth,
      getRoles: () => ['auditor'],
      routes: { 'GET /users/:id': { allow: ['$.id'], views: { admin: ['$'], auditor: ['$.log'] } } },
    })
    const context = guard.startRequest(request())
    await guard.checkRequest(context, bearer(await signToken(key, { claims: { roles: ['admin'] } })))
    expect(guard.filterResponse(context, { status: 200, body: { id: 1, log: 'l', secret: 's' } })).toEqual({
      blocked: false,
      body: { log: 'l' },
    })
  })
})
