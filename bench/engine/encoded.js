// What a compression middleware on the wrong side of leakguard costs: the body reaches the engine
// gzip-encoded and is decoded, filtered and encoded again. Against what the same response costs
// when compression sits where the docs say (filter the object, then compress once), and against
// compressing the unfiltered body with no leakguard at all. Same run, several rounds, medians.
import { gunzipSync, gzipSync } from 'node:zlib'
import { createGuard } from '@leakguard/core'
import { BENCH_ALLOWLIST, usersPage } from '@leakguard/fixtures'
import { Bench } from 'tinybench'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TIME = Number(process.env.BENCH_TIME_MS ?? 400)

const body = usersPage()
const guard = createGuard({ routes: { 'GET /users': { allow: BENCH_ALLOWLIST } } })
const context = () => guard.startRequest({ method: 'GET', path: '/users', native: {} })

const setups = {
  'no leakguard: gzip(JSON.stringify(body))': () => gzipSync(JSON.stringify(body)),
  'compression before leakguard: filter, stringify, gzip': () => {
    const decision = guard.filterResponse(context(), { status: 200, body })
    return gzipSync(JSON.stringify(decision.body))
  },
  'compression after leakguard: gzip, then gunzip, filter, gzip': () => {
    const encoded = gzipSync(JSON.stringify(body))
    const decision = guard.filterSerialized(context(), {
      status: 200,
      payload: encoded,
      contentEncoding: 'gzip',
    })
    return decision.payload
  },
}

// Never report a fast but wrong setup: both protected orders send the same filtered JSON.
const [, right, wrong] = Object.values(setups)
const expected = gunzipSync(right()).toString()
if (gunzipSync(wrong()).toString() !== expected) throw new Error('the two orders disagree')
if (expected.includes('passwordHash')) throw new Error('the filtered body still holds password hashes')

const names = Object.keys(setups)
const baseline = names[0]
const hz = new Map(names.map((name) => [name, []]))
const ratios = new Map(names.map((name) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TIME, warmup: true, warmupTime: 100 })
  for (const name of round % 2 === 0 ? names : [...names].reverse()) bench.add(name, setups[name])
  await bench.run()
  const ops = (name) => bench.getTask(name).result.throughput.mean
  for (const name of names) {
    hz.get(name).push(ops(name))
    ratios.get(name).push(ops(baseline) / ops(name))
  }
}

const table = [
  '| setup (~19 KB users page, gzip) | ops/s (median) | time vs no leakguard (median of rounds) |',
  '| --- | ---: | ---: |',
  ...names.map(
    (name) =>
      `| ${name} | ${Math.round(median(hz.get(name))).toLocaleString('en-US')} | ${median(ratios.get(name)).toFixed(2)}x |`,
  ),
].join('\n')

writeSection(
  'encoded',
  `## Engine: compressed bodies (compression on the wrong side)

\`pnpm bench\` (\`bench/engine/encoded.js\`), ${ROUNDS} rounds of ${TIME} ms per setup, order alternated.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

When compression runs inside leakguard, the engine receives gzip bytes: it decodes them (bounded
by \`responses.maxBodyBytes\`), filters, and compresses the result again. The extra cost is one
gunzip and one gzip of the filtered (smaller) body; mounting compression first avoids it. Each
setup includes the compression its order implies.

${table}
`,
)
console.log(table)
