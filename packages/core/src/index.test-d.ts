import { describe, expectTypeOf, it } from 'vitest'
import {
  type AuthErrorCode,
  createGuard,
  createRateLimiter,
  createVerifier,
  type Guard,
  type GuardOptions,
  type LeakguardEvent,
  type LeakguardEventOf,
  type Principal,
  type RateLimitResult,
  type ResponseErrorCode,
  type ResponsesOptions,
  type RouteOptions,
} from './index.js'

describe('public types', () => {
  it('types getRoles with the request type of the guard', () => {
    const guard = createGuard<{ user: { roles: string[] } }>({ getRoles: (req) => req.user.roles })
    expectTypeOf(guard).toEqualTypeOf<Guard<{ user: { roles: string[] } }>>()
  })

  it('refuses misspelt or mistyped options at compile time', () => {
    // @ts-expect-error mode is 'enforce' | 'report'
    createGuard({ mode: 'audit' })
    // @ts-expect-error allow takes an array of paths
    const route: RouteOptions = { allow: '$.id' }
    void route
    // @ts-expect-error unknown option
    createGuard({ routs: {} })
    expectTypeOf<GuardOptions['responses']>().toEqualTypeOf<ResponsesOptions | undefined>()
    expectTypeOf<ResponsesOptions['default']>().toEqualTypeOf<'pass' | 'deny' | undefined>()
  })

  it('types token verification, rate limits and the principal', async () => {
    const guard = createGuard({
      auth: { issuer: 'https://i/', audience: 'a', algorithms: ['RS256'], jwksUri: 'https://i/jwks' },
      rateLimit: { limits: [{ limit: 10, window: '1s' }], key: 'principal', trustProxy: 1 },
      routes: {
        'GET /x': { auth: { scopes: ['x:read'], check: (p) => p.roles.includes('a') }, rateLimit: false },
      },
    })
    // @ts-expect-error `none` is not an algorithm leakguard knows
    createGuard({ auth: { issuer: false, audience: false, algorithms: ['none'], secret: 's' } })
    const principal = await createVerifier({
      issuer: false,
      audience: false,
      algorithms: ['HS256'],
      secret: 's',
    }).verify('t')
    expectTypeOf(principal).toEqualTypeOf<Principal>()
    expectTypeOf(principal.scopes).toEqualTypeOf<readonly string[]>()
    const decision = await guard.checkRequest(guard.startRequest({ method: 'GET', path: '/x', native: {} }), {
      headers: {},
    })
    if (decision.allowed) expectTypeOf(decision.principal).toEqualTypeOf<Principal | undefined>()
    else expectTypeOf(decision.status).toEqualTypeOf<400 | 401 | 403 | 429 | 503>()
    const result = await createRateLimiter({ limits: [{ limit: 1, window: 1000 }] }).consume('k')
    expectTypeOf(result).toEqualTypeOf<RateLimitResult>()
  })

  it('narrows auth and rate-limit events', () => {
    const onEvent = (event: LeakguardEvent) => {
      if (event.type === 'auth.failed') expectTypeOf(event.reason.code).toEqualTypeOf<AuthErrorCode>()
      if (event.type === 'ratelimit.exceeded') expectTypeOf(event.retryAfterMs).toBeNumber()
    }
    createGuard({ audit: { onEvent } })
  })

  it('narrows events by their type', () => {
    const onEvent = (event: LeakguardEvent) => {
      if (event.type === 'response.blocked') expectTypeOf(event.error.code).toEqualTypeOf<ResponseErrorCode>()
      if (event.type === 'response.fields_dropped')
        expectTypeOf(event.dropped.paths).toEqualTypeOf<readonly string[]>()
    }
    createGuard({ audit: { onEvent } })
    expectTypeOf<NonNullable<LeakguardEventOf<'response.blocked'>['request']>['id']>().toBeString()
  })
})
