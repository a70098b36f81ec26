// An ESM TypeScript consumer: type-checked against the built declarations.
import { createGuard, type Guard, type LeakguardEvent } from '@leakguard/core'
import { leakguard } from '@leakguard/express'
import type { Request } from 'express'

const guard: Guard<Request> = createGuard<Request>({
  routes: { 'GET /users/:id': { allow: ['$.id'] } },
  getRoles: (req) => (req.get('x-role') === 'admin' ? ['admin'] : []),
  audit: { onEvent: (event: LeakguardEvent) => void event.request?.id },
})
export const middleware = leakguard(guard)
// @ts-expect-error mode is 'enforce' | 'report'
createGuard({ mode: 'audit' })
