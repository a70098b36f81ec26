// The event-loop stall leakguard adds to one large JSON body, against what `JSON.parse` plus
// `JSON.stringify` of that body cost on their own (bar: at most 2x), for the body kinds the
// adapters hand to the engine (JSON text, a Buffer, an object), on bodies of different shapes just
// under the default `responses.maxBodyBytes`; and what a body over the limit costs (it is refused
// before any work). Filtering is synchronous, so the time of one call is the stall it causes.
// Same run, several rounds in alternating order, medians of per-round ratios.
import { createGuard } from '@leakguard/core'
import { usersPage } from '@leakguard/fixtures'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const guard = createGuard()
const DEFAULT_MAX_BODY_BYTES = guard.maxBufferedBytes // responses.maxBodyBytes, at its default
const TARGET = Math.floor(DEFAULT_MAX_BODY_BYTES * 0.8)
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => {}

const WORDS =
  'the quick brown fox jumps over the lazy dog twelve times before the meeting on the third floor. '
/** Repeats `make(i)` until the JSON text of the array reaches about `bytes`. */
function arrayOf(bytes, make) {
  const one = JSON.stringify(make(0)).length + 1
  return Array.from({ length: Math.ceil(bytes / one) }, (_, i) => make(i))
}
const usersOf = (bytes) => usersPage(Math.ceil(bytes / (JSON.stringify(usersPage(40)).length / 40)))

const shapes = {
  'users, every record with secrets (reference payload)': usersOf(TARGET),
  'records without secrets': arrayOf(TARGET, (i) => ({
    id: i,
    title: `Item number ${i}`,
    summary: WORDS.slice(0, 60),
    tags: ['alpha', 'beta'],
    createdAt: '2024-05-01T10:00:00Z',
  })),
  'users keyed by id (an object of objects)': Object.fromEntries(
    usersOf(TARGET).data.map((user, i) => [`user-${i}`, user]),
  ),
  'one long text member': { note: WORDS.repeat(Math.ceil(TARGET / WORDS.length)).slice(0, TARGET) },
  numbers: arrayOf(TARGET, (i) => 100_000_000 + i * 7),
}

const context = (path) => guard.startRequest({ method: 'GET', path, native: {} })
// "At once" is one engine call, one stall: what a custom adapter that cannot wait runs. "In turns"
// is what every adapter runs since 2026-12-06 (Express included: its res.send, res.json and raw
// writes answer once the body is decided).
const AT_ONCE = ' at once (`guard.filterSerialized()`, `guard.serializeResponse()`)'
const setupsFor = (text, buffer, object) => ({
  [`JSON text,${AT_ONCE}`]: () => guard.filterSerialized(context('/any'), { status: 200, payload: text }),
  [`Buffer,${AT_ONCE}`]: () => guard.filterSerialized(context('/any'), { status: 200, payload: buffer }),
  [`object body,${AT_ONCE}`]: () => guard.serializeResponse(context('/any'), { status: 200, body: object }),
  'JSON text, in turns (every adapter: `res.send`, a piped stream, Koa, Fastify)': () =>
    guard.filterSerializedInTurns(context('/any'), { status: 200, payload: text }),
  'Buffer, in turns (every adapter)': () =>
    guard.filterSerializedInTurns(context('/any'), { status: 200, payload: buffer }),
  'object body, in turns (every adapter: `res.json`, `ctx.body`, a Fastify payload)': () =>
    guard.serializeResponseInTurns(context('/any'), { status: 200, body: object }),
})

function check(name, decision, text) {
  if (decision.blocked) throw new Error(`${name}: blocked a body under the limit`)
  const out = decision.payload ?? JSON.stringify(decision.body)
  const sent = typeof out === 'string' ? out : Buffer.from(out).toString()
  if (sent.length < text.length / 2) throw new Error(`${name}: lost most of the body`)
  if (/"[^"@\s]+@[^"\s]+\.[a-z]{2,}"/.test(sent) || sent.includes('$2b$')) {
    throw new Error(`${name}: left an email or a password hash unmasked`)
  }
}

/**
 * The longest time the event loop is held (what another request waits at worst) and the total.
 * Work done in turns is timed by a probe re-queued with `setImmediate`: the engine's turns and the
 * probe's alternate, so the gap between two probes is one engine turn.
 */
async function time(run) {
  collect()
  const start = performance.now()
  const result = run()
  let last = performance.now()
  let worst = last - start
  if (!(result instanceof Promise)) return { ms: worst, total: worst, result }
  let done = false
  const probe = () => {
    const now = performance.now()
    worst = Math.max(worst, now - last)
    last = now
    if (!done) setImmediate(probe)
  }
  setImmediate(probe)
  const value = await result
  done = true
  const end = performance.now()
  worst = Math.max(worst, end - last)
  return { ms: worst, total: end - start, result: value }
}

const rows = []
for (const [label, object] of Object.entries(shapes)) {
  const text = JSON.stringify(object)
  const buffer = Buffer.from(text)
  const baseline = () => JSON.stringify(JSON.parse(text))
  // What the framework does with an object body without leakguard (Express res.json, Koa, Fastify
  // without a schema); with a string or a Buffer it sends the bytes as they are.
  const own = () => JSON.stringify(object)
  const setups = setupsFor(text, buffer, object)
  for (const [name, run] of Object.entries(setups)) check(`${label} / ${name}`, await run(), text)
  const names = Object.keys(setups)
  const ms = new Map([['baseline', []], ...names.map((name) => [name, []])])
  const ratios = new Map(names.map((name) => [name, []]))
  const total = new Map(names.map((name) => [name, []]))
  const added = new Map(names.map((name) => [name, []]))
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? ['baseline', 'own', ...names] : [...names, 'own', 'baseline'].reverse()
    const took = {}
    const totals = {}
    for (const name of order) {
      const timed = await time(name === 'baseline' ? baseline : name === 'own' ? own : setups[name])
      took[name] = timed.ms
      totals[name] = timed.total
    }
    if (round === 0) continue // warm-up
    ms.get('baseline').push(took.baseline)
    for (const name of names) {
      ms.get(name).push(took[name])
      ratios.get(name).push(took[name] / took.baseline)
      total.get(name).push(totals[name])
      const framework = name.startsWith('object') ? took.own : 0
      added.get(name).push(Math.max(0, took[name] - framework) / took.baseline)
    }
  }
  const mb = (buffer.byteLength / 1024 / 1024).toFixed(1)
  rows.push({
    label: `${label}, ${mb} MiB`,
    name: 'JSON.parse + JSON.stringify',
    ms: median(ms.get('baseline')),
    total: median(ms.get('baseline')),
    ratio: 1,
    added: undefined,
  })
  for (const name of names) {
    rows.push({
      label: `${label}, ${mb} MiB`,
      name,
      ms: median(ms.get(name)),
      total: median(total.get(name)),
      ratio: median(ratios.get(name)),
      added: median(added.get(name)),
    })
  }
  process.stdout.write(`${label} done\n`)
}

// Over the limit: the default guard refuses the body before reading it.
const over = JSON.stringify(usersOf(2 * DEFAULT_MAX_BODY_BYTES))
const overBaseline = []
const overBlocked = []
for (let round = 0; round <= ROUNDS; round++) {
  const base = (await time(() => JSON.stringify(JSON.parse(over)))).ms
  const { ms, result } = await time(() =>
    guard.filterSerialized(context('/any'), { status: 200, payload: over }),
  )
  if (!result.blocked) throw new Error('a body over responses.maxBodyBytes was not blocked')
  if (round === 0) continue
  overBaseline.push(base)
  overBlocked.push(ms)
}
const overMb = (Buffer.byteLength(over) / 1024 / 1024).toFixed(1)
rows.push({
  label: `over the limit: users, ${overMb} MiB`,
  name: 'JSON.parse + JSON.stringify',
  ms: median(overBaseline),
  total: median(overBaseline),
  ratio: 1,
  added: undefined,
})
rows.push({
  label: `over the limit: users, ${overMb} MiB`,
  name: 'JSON text, refused (ERR_LG_RESPONSE_TOO_LARGE)',
  ms: median(overBlocked),
  total: median(overBlocked),
  ratio: median(overBlocked.map((t, i) => t / overBaseline[i])),
  added: median(overBlocked.map((t, i) => t / overBaseline[i])),
})

const table = [
  '| body | setup | longest stall, ms (median) | all turns, ms (median) | stall vs JSON.parse + JSON.stringify | added stall vs JSON.parse + JSON.stringify |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.name} | ${r.ms.toFixed(1)} | ${r.total.toFixed(1)} | ${r.ratio.toFixed(2)}x | ${r.added === undefined ? '-' : `${r.added.toFixed(2)}x`} |`,
  ),
].join('\n')
const worst = rows
  .filter((r) => r.name.includes('at once') && !r.label.startsWith('over'))
  .sort((a, b) => b.ratio - a.ratio)[0]
// The bar is about what the adapters run: the rows in turns (the rows at once are the reference).
const adapterRows = rows.filter((r) => r.name.includes('in turns') && !r.label.startsWith('over'))
const worstInTurns = [...adapterRows].sort((a, b) => b.ratio - a.ratio)[0]
const misses = adapterRows.filter((r) => r.ratio > 2)
const addedMisses = adapterRows.filter((r) => r.added !== undefined && r.added > 2)
const onceMisses = rows.filter(
  (r) => r.name.includes('at once') && r.ratio > 2 && !r.label.startsWith('over'),
)

writeSection(
  'large-body',
  `## Engine: event-loop stall of large bodies

\`pnpm bench\` (\`bench/engine/large-body.js\`), ${ROUNDS} rounds after a warm-up, order alternated,
a garbage collection before each timing. Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

Filtering runs on the event loop: the longest stretch it holds the loop is the stall another
request waits through. The bar: at most 2x what \`JSON.parse\` plus \`JSON.stringify\` of the same
body cost. Bodies are about 80% of the default \`responses.maxBodyBytes\` (${DEFAULT_MAX_BODY_BYTES}
bytes); the guard has the default detectors and no allowlist on these paths (the most work per
body). "In turns" is what every adapter runs: Express (\`res.send\` and \`res.json\` return at
once and the body goes out when decided; JSON written to \`res\` as well, a piped stream or
\`sendFile\`), Koa and Fastify. The body's longest list of objects is filtered and written about
1 MiB of JSON text per event-loop turn, the rest in one more turn; JSON text of 1 MiB or more is
parsed in a turn of its own first and compared and encoded in a last one
(\`guard.filterSerializedInTurns()\`, \`guard.serializeResponseInTurns()\`). The stall is the longest
turn, timed by a probe re-queued with \`setImmediate\` between them; "all turns" is their sum. "At
once" is the same work in one call (\`guard.filterSerialized()\`, \`guard.serializeResponse()\`,
for a custom adapter that cannot wait): the reference. "Object body" is written to JSON text in
one walk that replaces the framework's own \`JSON.stringify\`.

${table}

Two readings of the bar, for what the adapters run (in turns). The whole stall against
\`JSON.parse\` + \`JSON.stringify\` (the stricter): worst ${worstInTurns === undefined ? '-' : `${worstInTurns.ratio.toFixed(2)}x (${worstInTurns.label}, ${worstInTurns.name})`}; ${
    misses.length === 0
      ? 'every body is within 2x.'
      : `over 2x: ${misses.map((r) => `${r.label} / ${r.name} (${r.ratio.toFixed(2)}x)`).join('; ')}.`
  }
The stall leakguard adds (the issue's words): an object body's stall less the \`JSON.stringify\`
the framework runs on it without leakguard, a string's or a Buffer's whole stall (sent as they are
without it); ${
    addedMisses.length === 0
      ? 'every body is within 2x.'
      : `over 2x: ${addedMisses.map((r) => `${r.label} / ${r.name} (${r.added.toFixed(2)}x)`).join('; ')}.`
  }
In one call (the reference): worst ${worst === undefined ? '-' : `${worst.ratio.toFixed(2)}x (${worst.label}, ${worst.name})`}; ${
    onceMisses.length === 0 ? 'every body is within 2x.' : `${onceMisses.length} of the rows over 2x.`
  }
A body over \`responses.maxBodyBytes\` costs a length check: it is refused before it is parsed.

What the profile says (\`node --cpu-prof\` on a 20 MB users body, Koa, Express and Fastify alike:
the adapters add nothing measurable, every one hands JSON text to the same engine call). The
issue's ~2.1 s stall on Koa was that engine call, not Koa: \`JSON.parse\` (~15%), the projection
walk and the detectors over every string with ~170,000 findings to mask and summarise (~55%, a
fifth of it garbage collection), \`JSON.stringify\` of the result (~10%). Express and Fastify stall
as long on the same body through leakguard; "Express bare" only writes the bytes. Two fixes: the
walk no longer turns every array index into a string (about a third off arrays of primitives
as objects), and bodies over
\`responses.maxBodyBytes\` are refused up front, which bounds the stall at what filtering the
limit costs. Since issue 15 the walk writes the JSON text itself (compact JSON text bodies too)
and arrays of numbers go to \`JSON.stringify\` whole. Since the evening of 2026-12-05 strings
of 96 characters or more are read from a copy of their code units (the features pass no longer
pays \`charCodeAt\`'s checks per character: long text members about a third faster). Since
2026-12-06 a body's longest list of objects is filtered about 1 MiB of output per
turn on every adapter, JSON text and object bodies alike (Express answers \`res.send\` and
\`res.json\` once the body is decided), so that the longest turn is the parse of a large text or a
slice of the list, whatever the finding density
([how](#large-bodies-in-slices-2026-12-06)). One call still costs what the rows at once say:
bodies dense with findings (about 0.5 us per finding, four per user record here) pay it in slices.
`,
)
console.log(table)
