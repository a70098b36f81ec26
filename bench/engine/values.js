// What redaction costs per value, by the kind of value (`pnpm --filter @leakguard/bench run values`):
// a page of 40 objects `{ v }`, written by a guard with no allowlist and the default detectors, and
// by one with redaction off, in the same round; the difference per value is what the detectors,
// member-name rules and masks cost it. Medians of rounds, order alternated.
import { createHash } from 'node:crypto'
import { createGuard } from '@leakguard/core'
import { usersPage } from '@leakguard/fixtures'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)
const TIME = Number(process.env.BENCH_TIME_MS ?? 120)

const users = usersPage().data
/** Deterministic UUIDs (version 4 layout) from a seed, so every run reads the same bytes. */
const uuid = (i) => {
  const hex = (n, s) => ((s * 2654435761) >>> 0).toString(16).padStart(8, '0').slice(0, n)
  return `${hex(8, i + 1)}-${hex(4, i + 7)}-4${hex(3, i + 13)}-a${hex(3, i + 19)}-${hex(8, i + 23)}${hex(4, i + 29)}`
}

/** Each kind: how the i-th value of the page is made, and what a reader would call it. */
export const KINDS = {
  email: (i) => users[i].email,
  'phone (+44, grouped)': (i) => users[i].phone,
  'card (16 digits)': (i) => users[i].card.number,
  'UUID (an id)': (i) => uuid(i),
  'bcrypt hash (under a plain name)': (i) => users[i].passwordHash,
  'URL with a path': (i) => `https://cdn.example.com/images/products/${1000 + i}/thumb-${i}.jpg`,
  'ISO timestamp': (i) => users[i].createdAt,
  'user name': (i) => users[i].username,
  'sentence with digits': (i) => `${users[i].notes} (visit ${i + 1})`,
  'short word': (i) => users[i].role,
  // Text written in base64 is read decoded (redaction.md, "Text written in base64"); random
  // tokens are turned away within their first bytes.
  'random token (base64url, 32 bytes)': (i) => createHash('sha256').update(`token-${i}`).digest('base64url'),
  'base64 of a config line (clean)': (i) =>
    Buffer.from(`region = eu-west-${i % 3}\nretries = 3\n`).toString('base64'),
  'base64 JSON cursor': (i) =>
    Buffer.from(JSON.stringify({ after: 1000 + i, dir: 'next' })).toString('base64'),
}

const on = createGuard()
const off = createGuard({ redact: { detectors: 'none', keyNames: false, knownSecrets: false } })
const writer = (guard, body) => () => {
  const context = guard.startRequest({ method: 'GET', path: '/values', native: undefined })
  return guard.serializeResponse(context, { status: 200, body }).payload
}

function perCall(run, ms) {
  let calls = 0
  const start = performance.now()
  let elapsed = 0
  do {
    for (let i = 0; i < 10; i++) run()
    calls += 10
    elapsed = performance.now() - start
  } while (elapsed < ms)
  return (elapsed * 1000) / calls // us
}

const rows = []
for (const [kind, make] of Object.entries(KINDS)) {
  const body = { data: Array.from({ length: 40 }, (_, i) => ({ v: make(i) })) }
  const withDetectors = writer(on, body)
  const without = writer(off, body)
  for (let i = 0; i < 1000; i++) {
    withDetectors()
    without()
  }
  const costs = []
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [withDetectors, without] : [without, withDetectors]
    const t = new Map(order.map((run) => [run, perCall(run, TIME)]))
    costs.push((t.get(withDetectors) - t.get(without)) / 40)
  }
  const sample = make(3)
  const written = JSON.parse(withDetectors()).data[3].v
  rows.push({ kind, sample, written, cost: median(costs) })
  process.stdout.write(`${kind} done\n`)
}

const table = [
  '| value | example | written as | cost per value |',
  '| --- | --- | --- | ---: |',
  ...rows.map((r) => `| ${r.kind} | \`${r.sample}\` | \`${r.written}\` | ${r.cost.toFixed(2)} us |`),
].join('\n')
const markdown = `## Engine: cost per value

\`pnpm --filter @leakguard/bench run values\` (\`bench/engine/values.js\`), ${ROUNDS} rounds of ${TIME} ms.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

A page of 40 objects \`{ "v": <value> }\`, each kind alone, written by a guard with no allowlist and
the default detectors and by one with redaction off, in the same round: "cost per value" is the
difference divided by 40 (detectors, member-name rules, masks and the record of each finding), the
median over rounds. For scale, \`JSON.stringify\` of the ~19 KB reference page costs about 0.06 us per
member it writes. Cards, international phone numbers, emails, bcrypt hashes and
UUIDs alone in their member are read by their shape ([redaction.md](redaction.md#detectors)); a URL or a
sentence is read in full.

${table}
`
writeSection('values', markdown)
console.log(table)
