// A CommonJS JavaScript consumer: require() of the ESM-only packages (Node 20.19+).
const assert = require('node:assert/strict')
const { createGuard } = require('@leakguard/core')
const { leakguard: expressLeakguard } = require('@leakguard/express')
const { leakguard: koaLeakguard } = require('@leakguard/koa')
const { leakguard: fastifyLeakguard } = require('@leakguard/fastify')
const { RedisStore } = require('@leakguard/redis')

const guard = createGuard({ responses: { default: 'deny' } })
const decision = guard.filterResponse(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
  status: 200,
  body: { secret: 's' },
})
assert.deepEqual(decision, { blocked: false, body: {} })
assert.equal(typeof expressLeakguard(guard), 'function')
assert.equal(typeof koaLeakguard(guard), 'function')
assert.equal(typeof fastifyLeakguard, 'function')
assert.equal(typeof new RedisStore({ sendCommand: async () => null }).consume, 'function')
console.log('cjs ok')
