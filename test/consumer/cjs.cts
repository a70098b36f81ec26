// A CommonJS TypeScript consumer: `import` compiles to require() of the ESM-only packages.
import { createGuard } from '@leakguard/core'
import { leakguard } from '@leakguard/koa'
import type { Context } from 'koa'

export const middleware = leakguard(createGuard<Context>({ getRoles: (ctx) => [ctx.method] }))
