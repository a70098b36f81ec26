import { describe, expectTypeOf, it } from 'vitest'
import { createGuard, defineLeakguard, type Guard, type GuardOptions, type RouteOptions } from './index.js'

describe('defineLeakguard', () => {
  it('keeps literal option types in a policy written ahead of the call', () => {
    const policy = defineLeakguard({
      mode: 'report',
      responses: { default: 'deny' },
      routes: { 'GET /users/:id': { allow: ['$.id'], auth: { scopes: ['users:read'], scopeMatch: 'any' } } },
    })
    expectTypeOf(policy.mode).toEqualTypeOf<'enforce' | 'report' | undefined>()
    expectTypeOf(policy).toEqualTypeOf<GuardOptions<unknown>>()
    createGuard(policy)
  })

  it('shows why it exists: a plain object widens its literals and no longer fits', () => {
    const plain = { mode: 'report', routes: {} }
    expectTypeOf(plain.mode).toEqualTypeOf<string>()
    // @ts-expect-error mode: string is not 'enforce' | 'report'
    createGuard(plain)
  })

  it('checks the options where they are written', () => {
    // @ts-expect-error 'audit' is not a mode
    defineLeakguard({ mode: 'audit' })
    // @ts-expect-error misspelt option, caught even next to valid ones
    defineLeakguard({ mode: 'report', routs: {} })
    // @ts-expect-error misspelt route option
    defineLeakguard({ routes: { 'GET /x': { allow: ['$.id'], veiws: {} } } })
  })

  it('types getRoles with the request type given, and infers it from an annotated parameter', () => {
    interface AppRequest {
      user?: { roles: string[] }
    }
    const explicit = defineLeakguard<AppRequest>({ getRoles: (req) => req.user?.roles })
    expectTypeOf(explicit).toEqualTypeOf<GuardOptions<AppRequest>>()
    const inferred = defineLeakguard({ getRoles: (req: AppRequest) => req.user?.roles })
    expectTypeOf(inferred).toEqualTypeOf<GuardOptions<AppRequest>>()
    expectTypeOf(createGuard(explicit)).toEqualTypeOf<Guard<AppRequest>>()
  })

  it('agrees with satisfies, which keeps the exact type of the object', () => {
    const route = { allow: ['$.id'] } satisfies RouteOptions
    const policy = { mode: 'report', routes: { 'GET /x': route } } satisfies GuardOptions
    expectTypeOf(policy.mode).toEqualTypeOf<'report'>()
    createGuard(policy)
    createGuard(defineLeakguard(policy))
  })
})
