// Runs the response pipeline hot, forces a full garbage collection while no response is being
// written, then runs it once more; with --trace-deopt, the test reads what the collection threw
// away. Imports the built package, as an app would.
import { createGuard, createRedactor } from '../../packages/core/dist/index.js'

const users = Array.from({ length: 200 }, (_, i) => ({
  id: i,
  name: `User ${i}`,
  email: `user${i}@example.com`,
  phone: `+44 7700 9${String(10000 + i).slice(-5)}`,
  card: '4111 1111 1111 1111',
  notes: 'Prefers delivery after 6pm; gate code is 4471.',
  createdAt: '2024-05-01T10:00:00.000Z',
}))
const body = { data: users, total: users.length }
const text = JSON.stringify(body)
const open = createGuard()
const listed = createGuard({
  routes: { 'GET /users': { allow: ['$.data[*].id', '$.data[*].name', '$.total'] } },
})
const redactor = createRedactor()
const context = (guard) => guard.startRequest({ method: 'GET', path: '/users', native: {} })
const flows = [
  () => open.serializeResponse(context(open), { status: 200, body }),
  () => open.filterSerialized(context(open), { status: 200, payload: text }),
  () => listed.serializeResponse(context(listed), { status: 200, body }),
  () => listed.filterResponse(context(listed), { status: 200, body }),
  () => redactor.redact(body),
]
for (let round = 0; round < 60; round++) for (const flow of flows) flow()
console.log('--- full collection, no response in flight')
globalThis.gc()
for (const flow of flows) flow()
console.log('--- done')
