// The setups the response-pipeline benchmark measures, each with a check of its output
// (run by test/bench.test.ts, so a fast but wrong setup cannot be reported).
import { createGuard } from '@leakguard/core'
import { BENCH_ALLOWLIST, largeUsersPage, SENTINEL_HASH, usersPage } from '@leakguard/fixtures'
import fastRedact from 'fast-redact'

/** Members the benchmark allowlist drops, as fast-redact wildcard paths. */
export const REDACT_PATHS = [
  'data[*].email',
  'data[*].phone',
  'data[*].passwordHash',
  'data[*].card',
  'data[*].address.street',
  'data[*].address.postcode',
  'data[*].notes',
]

/** 10,000 short, harmless strings: the detectors' prefilters must make this cheap. */
function shortStrings() {
  const words = ['active', 'pending', 'item', 'blue', 'order', 'ok', 'retry', 'eu-west', 'v2', 'shipped']
  return {
    data: Array.from(
      { length: 10_000 },
      (_, i) => `${words[i % words.length]}-${i} ${words[(i * 7) % words.length]}`,
    ),
    total: 10_000,
  }
}

/** The allowlisted view of a users page: what every protecting setup must produce. */
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

/** Payloads with the route allowlist and fast-redact paths that protect each the same way. */
export const payloads = {
  '19 KB users': {
    body: usersPage(),
    allow: BENCH_ALLOWLIST,
    redactPaths: REDACT_PATHS,
    expected: expectedView,
  },
  '1 MB users': {
    body: largeUsersPage(),
    allow: BENCH_ALLOWLIST,
    redactPaths: REDACT_PATHS,
    expected: expectedView,
  },
  '10,000 short strings': {
    body: shortStrings(),
    allow: ['$.data[*]', '$.total'],
    redactPaths: null,
    expected: (b) => b,
  },
}

export function createSetups(payload) {
  const route = { 'GET /bench': { allow: payload.allow } }
  // What every adapter runs for an object body: the compiled view writes the JSON text.
  const written = (guard) => (body) => {
    const context = guard.startRequest({ method: 'GET', path: '/bench', native: undefined })
    return guard.serializeResponse(context, { status: 200, body }).payload
  }
  // The previous pipeline, for reference: projection to a new value, then JSON.stringify of it.
  const projected = (guard) => (body) => {
    const context = guard.startRequest({ method: 'GET', path: '/bench', native: undefined })
    return JSON.stringify(guard.filterResponse(context, { status: 200, body }).body)
  }
  const setups = [
    {
      name: 'leakguard allowlist + default detectors',
      run: written(createGuard({ routes: route })),
      protects: true,
    },
    {
      name: 'leakguard allowlist only (redaction off)',
      run: written(createGuard({ routes: route, redact: { detectors: 'none', keyNames: false } })),
      protects: true,
    },
    { name: 'leakguard default detectors, no allowlist', run: written(createGuard()), protects: 'redacts' },
    {
      name: 'previous pipeline (projection + JSON.stringify), allowlist + default detectors',
      run: projected(createGuard({ routes: route })),
      protects: true,
    },
  ]
  if (payload.redactPaths !== null) {
    const redact = fastRedact({ paths: payload.redactPaths, remove: true })
    setups.push({ name: 'fast-redact (wildcard paths, remove)', run: (body) => redact(body), protects: true })
  }
  return { baseline: { name: 'JSON.stringify (unfiltered)', run: (body) => JSON.stringify(body) }, setups }
}

/** Throws unless `setup` produces what it claims on `payload`. */
export function checkSetup(setup, payload) {
  const out = setup.run(payload.body)
  if (setup.protects === true) {
    if (out !== JSON.stringify(payload.expected(payload.body))) throw new Error(`${setup.name}: wrong output`)
  } else if (out.includes(SENTINEL_HASH)) {
    throw new Error(`${setup.name}: the sentinel leaked`)
  }
  return out
}

export { SENTINEL_HASH }
