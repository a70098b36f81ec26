import type { LeakguardRequestState } from '@leakguard/core'
import express from 'express'
import { describe, expectTypeOf, it } from 'vitest'
import { leakguard } from '../src/index.js'

describe('express types', () => {
  it('types req.leakguard and getRoles with Express request', () => {
    const app = express()
    app.use(leakguard({ getRoles: (req) => (req.get('x-role') === 'admin' ? ['admin'] : []) }))
    app.get('/users/:id', leakguard.route({ allow: ['$.id'] }), (req, res) => {
      expectTypeOf(req.leakguard).toEqualTypeOf<LeakguardRequestState | undefined>()
      expectTypeOf(req.leakguard?.principal?.sub).toEqualTypeOf<string | undefined>()
      res.json({ id: req.params.id })
    })
  })
})
