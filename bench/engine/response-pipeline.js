// Response pipeline cost against a plain JSON.stringify of the unfiltered body, and against
// fast-redact, measured in the same run: several rounds, medians of per-round ratios.
import { Bench } from 'tinybench'
import { machine, median, writeSection } from '../lib/report.js'
import { createSetups, expectedView, payloads } from './setups.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TIME = Number(process.env.BENCH_TIME_MS ?? 400)

const { baseline, setups } = createSetups()
for (const [label, body] of Object.entries(payloads)) {
  for (const setup of setups.filter((s) => s.protects)) {
    const out = JSON.parse(setup.run(body))
    const expected = JSON.stringify(expectedView(body))
    if (setup.name.startsWith('leakguard') && JSON.stringify(out) !== expected) {
      throw new Error(`${setup.name} produced the wrong view for ${label}`)
    }
    if (JSON.stringify(out).includes('passwordHash')) throw new Error(`${setup.name} leaked on ${label}`)
  }
}

const rows = []
for (const [label, body] of Object.entries(payloads)) {
  const ratios = new Map(setups.map((s) => [s.name, []]))
  const hz = new Map([baseline, ...setups].map((s) => [s.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME, warmup: true, warmupTime: 100 })
    // Alternate the order each round so neither side always runs on a warmer or cooler machine.
    const order = round % 2 === 0 ? [baseline, ...setups] : [...setups].reverse().concat(baseline)
    for (const s of order) bench.add(s.name, () => s.run(body))
    await bench.run()
    const ops = (name) => bench.getTask(name).result.throughput.mean
    for (const s of [baseline, ...setups]) hz.get(s.name).push(ops(s.name))
    for (const s of setups) ratios.get(s.name).push(ops(baseline.name) / ops(s.name))
  }
  rows.push({ label, name: baseline.name, ops: median(hz.get(baseline.name)), ratio: 1 })
  for (const s of setups)
    rows.push({ label, name: s.name, ops: median(hz.get(s.name)), ratio: median(ratios.get(s.name)) })
  process.stdout.write(`${label} done\n`)
}

const table = [
  '| payload | setup | ops/s (median) | time vs baseline (median of rounds) |',
  '| --- | --- | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${r.name} | ${Math.round(r.ops).toLocaleString('en-US')} | ${r.ratio.toFixed(2)}x |`,
  ),
].join('\n')
const leak = (label) => rows.find((r) => r.label === label && r.name.startsWith('leakguard allowlist'))
const redact = (label) => rows.find((r) => r.label === label && r.name.startsWith('fast-redact'))
const markdown = `## Engine: response pipeline

\`pnpm bench\` (\`bench/engine/response-pipeline.js\`), ${ROUNDS} rounds of ${TIME} ms per setup, order alternated.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

"time vs baseline" is the time of one response divided by the time of \`JSON.stringify\` of the
unfiltered body, measured in the same round; the figure is the median over rounds. The leakguard
setups include serializing their output.

${table}

Allowlist pipeline on the ~19 KB body: **${leak('19 KB').ratio.toFixed(2)}x** JSON.stringify (bar: at most 1.5x),
${(redact('19 KB').ratio / leak('19 KB').ratio).toFixed(2)}x the speed of fast-redact with wildcard paths.
`
writeSection('engine', markdown)
console.log(table)
