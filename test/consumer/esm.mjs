// An ESM JavaScript consumer of the built packages.
import assert from 'node:assert/strict'
import { createGuard, LeakguardConfigError } from '@leakguard/core'
import { leakguard as expressLeakguard } from '@leakguard/express'
import { leakguard as fastifyLeakguard } from '@leakguard/fastify'
import { leakguard as koaLeakguard } from '@leakguard/koa'
import { RedisStore } from '@leakguard/redis'

const guard = createGuard({ routes: { 'GET /u': { allow: ['$.id'] } } })
const decision = guard.filterResponse(guard.startRequest({ method: 'GET', path: '/u', native: {} }), {
  status: 200,
  body: { id: 1, secret: 's' },
})
assert.deepEqual(decision, { blocked: false, body: { id: 1 } })
assert.throws(() => createGuard({ mode: 'x' }), LeakguardConfigError)
for (const adapter of [expressLeakguard, koaLeakguard]) {
  assert.equal(typeof adapter(guard), 'function')
  assert.equal(typeof adapter.route({ allow: ['$.id'] }), 'function')
  assert.equal(typeof adapter.errorHandler(), 'function')
}
assert.equal(typeof fastifyLeakguard, 'function')
assert.equal(typeof fastifyLeakguard.errorHandler(), 'function')
assert.equal(typeof new RedisStore({ call: async () => null }).consume, 'function')
assert.equal(
  typeof createGuard({ auth: { issuer: 'i', audience: 'a', algorithms: ['HS256'], secret: 'x'.repeat(32) } })
    .verifier.verify,
  'function',
)
console.log('esm ok')
