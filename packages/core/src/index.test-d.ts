import { describe, expectTypeOf, it } from 'vitest'
import {
  createGuard,
  type Guard,
  type GuardOptions,
  type LeakguardEvent,
  type LeakguardEventOf,
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
