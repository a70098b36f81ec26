// Per-response cost of auditing: no sink, a no-op onEvent hook, and the pino sink writing to a
// discarding stream, on the 19 KB reference body (every response emits fields_dropped and
// redacted events). Each iteration waits for the event loop to turn, so delivery is included.
import { Writable } from 'node:stream'
import { createGuard, pinoSink } from '@leakguard/core'
import { BENCH_ALLOWLIST, usersPage } from '@leakguard/fixtures'
import pino from 'pino'
import { Bench } from 'tinybench'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TIME = Number(process.env.BENCH_TIME_MS ?? 400)
const body = usersPage()
// An allowlist that keeps the notes, so every response also has something to redact.
const routes = { 'GET /users': { allow: [...BENCH_ALLOWLIST, '$.data[*].email'] } }
const nowhere = new Writable({ write: (_chunk, _encoding, done) => done() })

let delivered = 0
const setups = [
  { name: 'no auditing', guard: createGuard({ routes }) },
  {
    name: 'no-op onEvent hook',
    // The first response also reports its sequential ids (inventory), once: not counted here.
    guard: createGuard({
      routes,
      audit: { onEvent: (e) => void (e.type.startsWith('response.') && delivered++) },
    }),
  },
  {
    name: 'pino sink (to a discarding stream)',
    guard: createGuard({ routes, audit: { sinks: [pinoSink(pino(nowhere))] } }),
  },
]
const turn = () => new Promise((resolve) => setImmediate(resolve))
const respond = (guard) => {
  const context = guard.startRequest({ method: 'GET', path: '/users', native: undefined })
  return JSON.stringify(guard.filterResponse(context, { status: 200, body }).body)
}

// Every setup must emit: otherwise the figure measures nothing.
respond(setups[1].guard)
await setups[1].guard.flush()
if (delivered !== 2) throw new Error(`expected 2 events per response, got ${delivered}`)

const hz = new Map(setups.map((s) => [s.name, []]))
const ratios = new Map(setups.map((s) => [s.name, []]))
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TIME, warmup: true, warmupTime: 100 })
  for (const s of round % 2 === 0 ? setups : [...setups].reverse()) {
    bench.add(s.name, async () => {
      respond(s.guard)
      await turn()
    })
  }
  await bench.run()
  const ops = (name) => bench.getTask(name).result.throughput.mean
  for (const s of setups) {
    hz.get(s.name).push(ops(s.name))
    ratios.get(s.name).push(ops(setups[0].name) / ops(s.name))
  }
}
for (const s of setups) await s.guard.flush()

const table = [
  '| setup | responses/s (median) | time vs no auditing (median of rounds) |',
  '| --- | ---: | ---: |',
  ...setups.map(
    (s) =>
      `| ${s.name} | ${Math.round(median(hz.get(s.name))).toLocaleString('en-US')} | ${median(ratios.get(s.name)).toFixed(2)}x |`,
  ),
].join('\n')
writeSection(
  'audit',
  `## Engine: audit delivery

\`pnpm bench\` (\`bench/engine/audit.js\`), ${ROUNDS} rounds of ${TIME} ms per setup, order alternated.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

One response of the ~19 KB reference body through allowlist and redaction, which emits two events
(\`response.fields_dropped\`, \`response.redacted\`); each iteration also waits for the event loop to
turn, so asynchronous delivery is inside the measurement.

${table}
`,
)
console.log(table)
