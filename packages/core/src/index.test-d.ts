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
  MemoryStore,
  type Principal,
  type RateLimitProblem,
  type RateLimitRefusal,
  type RateLimitResult,
  type RateLimitStore,
  type ResponseErrorCode,
  type ResponsesOptions,
  type RouteOptions,
  type StoreLimit,
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
    else expectTypeOf(decision.status).toEqualTypeOf<308 | 400 | 401 | 403 | 429 | 503>()
    const result = await createRateLimiter({ limits: [{ limit: 1, window: 1000 }] }).consume('k')
    expectTypeOf(result).toEqualTypeOf<RateLimitResult>()
  })

  it('types resetOnSuccess, the 429 problem and the optional store methods', () => {
    createGuard({
      rateLimit: {
        limits: [{ limit: 5, window: '15m' }],
        failuresOnly: true,
        resetOnSuccess: true,
        problem: { title: 'Slow down', docs: 'https://example.com/limits' },
      },
      routes: {
        'POST /login': {
          rateLimit: {
            limits: [{ limit: 5, window: '15m' }],
            problem: (refusal) => {
              expectTypeOf(refusal).toEqualTypeOf<RateLimitRefusal>()
              expectTypeOf(refusal.retryAfter).toBeNumber()
              return { detail: `retry in ${refusal.retryAfter} s` }
            },
          },
        },
      },
    })
    // @ts-expect-error resetOnSuccess is a boolean
    createGuard({ rateLimit: { failuresOnly: true, resetOnSuccess: 'yes' } })
    // @ts-expect-error a problem title is a string
    const problem: RateLimitProblem = { title: 429 }
    void problem
    // @ts-expect-error the standalone limiter sends no HTTP responses
    createRateLimiter({ limits: [{ limit: 1, window: 1000 }], problem: { title: 'x' } })
    // A store written for an older leakguard, with consume only, is still a store.
    const legacy: RateLimitStore = {
      consume: (key, limits, cost, mode) => new MemoryStore().consume(key, limits, cost, mode),
    }
    void legacy
    expectTypeOf<Parameters<NonNullable<RateLimitStore['refund']>>>().toEqualTypeOf<
      [key: string, limits: readonly StoreLimit[], cost: number, chargedAt: number]
    >()
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
