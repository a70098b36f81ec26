// Response pipeline cost against a plain JSON.stringify of the unfiltered body, and against
// fast-redact, measured in the same run: several rounds, medians of per-round ratios.
import { Bench } from 'tinybench'
import { machine, median, writeSection } from '../lib/report.js'
import { checkSetup, createSetups, payloads } from './setups.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TIME = Number(process.env.BENCH_TIME_MS ?? 400)

const rows = []
for (const [label, payload] of Object.entries(payloads)) {
  const { baseline, setups } = createSetups(payload)
  for (const setup of setups) checkSetup(setup, payload) // never report a fast but wrong setup
  const all = [baseline, ...setups]
  const hz = new Map(all.map((s) => [s.name, []]))
  const ratios = new Map(setups.map((s) => [s.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME, warmup: true, warmupTime: 100 })
    // Alternate the order each round so neither side always runs on a warmer or cooler machine.
    for (const s of round % 2 === 0 ? all : [...all].reverse()) bench.add(s.name, () => s.run(payload.body))
    await bench.run()
    const ops = (name) => bench.getTask(name).result.throughput.mean
    for (const s of all) hz.get(s.name).push(ops(s.name))
    for (const s of setups) ratios.get(s.name).push(ops(baseline.name) / ops(s.name))
  }
  rows.push({ label, name: baseline.name, ops: median(hz.get(baseline.name)), ratio: 1 })
  for (const s of setups)
    rows.push({ label, name: s.name, ops: median(hz.get(s.name)), ratio: median(ratios.get(s.name)) })
  process.stdout.write(`${label} done\n`)
}

const table = [
  '| payload | setup | ops/s (median) | time vs JSON.stringify (median of rounds) |',
  '| --- | --- | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.name} | ${Math.round(r.ops).toLocaleString('en-US')} | ${r.ratio.toFixed(2)}x |`,
  ),
].join('\n')
const find = (label, prefix) => rows.find((r) => r.label === label && r.name.startsWith(prefix))
const full = find('19 KB users', 'leakguard allowlist + default')
const peer = find('19 KB users', 'fast-redact')
const nothing = find('19 KB users', 'leakguard default detectors')
const markdown = `## Engine: response pipeline

\`pnpm bench\` (\`bench/engine/response-pipeline.js\`), ${ROUNDS} rounds of ${TIME} ms per setup, order alternated.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

"time vs JSON.stringify" is the time of one response divided by the time of \`JSON.stringify\` of
the unfiltered body, measured in the same round; the figure is the median over rounds. Every setup
includes serializing its output, and is checked for the right output before it is timed.

${table}

Every leakguard row but "previous pipeline" is \`guard.serializeResponse()\`, what the adapters run for an
object body: the route's compiled view writes the JSON text, detectors included, in one walk.
"previous pipeline" is the one before it (projection to a new value, then \`JSON.stringify\`), kept for
reference.

Allowlist + default detectors on the ~19 KB body: **${full.ratio.toFixed(2)}x** JSON.stringify (bar: at most 1.3x;
moonshot 1.0x), ${(peer.ratio / full.ratio).toFixed(2)}x the speed of fast-redact with wildcard paths, which
only removes the listed paths and detects nothing; default detectors with no allowlist:
**${nothing.ratio.toFixed(2)}x** (bar: at most 3x).
`
writeSection('engine', markdown)
console.log(table)
