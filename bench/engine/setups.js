// The setups the response-pipeline benchmark measures, each with a check of its output
// (run by test/bench.test.ts, so a fast but wrong setup cannot be reported).
import { createGuard } from '@leakguard/core'
import { BENCH_ALLOWLIST, largeUsersPage, SENTINEL_HASH, usersPage } from '@leakguard/fixtures'
import fastRedact from 'fast-redact'

/** Members the benchmark allowlist drops, as fast-redact wildcard paths. */
const REDACT_PATHS = [
  'data[*].email',
  'data[*].phone',
  'data[*].passwordHash',
  'data[*].card',
  'data[*].address.street',
  'data[*].address.postcode',
  'data[*].notes',
]

export const payloads = {
  '19 KB': usersPage(),
  '1 MB': largeUsersPage(),
}

export function createSetups() {
  const guard = createGuard({ routes: { 'GET /users': { allow: BENCH_ALLOWLIST } } })
  const passGuard = createGuard()
  const redact = fastRedact({ paths: REDACT_PATHS, remove: true })
  const filtered = (g) => (body) => {
    const context = g.startRequest({ method: 'GET', path: '/users', native: undefined })
    const decision = g.filterResponse(context, { status: 200, body })
    return JSON.stringify(decision.body)
  }
  return {
    baseline: { name: 'JSON.stringify (unfiltered)', run: (body) => JSON.stringify(body) },
    setups: [
      { name: 'leakguard allowlist + JSON.stringify', run: filtered(guard), protects: true },
      { name: 'leakguard pass-through copy + JSON.stringify', run: filtered(passGuard), protects: false },
      { name: 'fast-redact (wildcard paths, remove)', run: (body) => redact(body), protects: true },
    ],
  }
}

/** What every protecting setup must produce: the allowlisted view, nothing else. */
export function expectedView(body) {
  return {
    data: body.data.map((u) => ({
      id: u.id,
      username: u.username,
      name: u.name,
      role: u.role,
      address: { city: u.address.city },
      createdAt: u.createdAt,
    })),
    total: body.total,
    page: body.page,
  }
}

export { SENTINEL_HASH }
