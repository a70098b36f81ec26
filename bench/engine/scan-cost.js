// Detection cost on a corpus of texts nobody here wrote (gitleaks' rule test vectors, test/corpus),
// measured in the same run against two baselines:
// - "before": today's engine with the default set of before the provider catalogue (what the
//   catalogue, the assignment reader and known secrets add);
// - "at filing": the engine and default set of the commit issue 16 was measured against, built
//   from this repository's history (what everything since then adds, on the shared path too).
// Issue 16's bar: at most 1.5x.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRedactor } from '@leakguard/core'
import { coreAt } from '../lib/core-at.js'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
/** One process per setup and corpus, this many times each, in alternating order. */
const SOLO_ROUNDS = Number(process.env.BENCH_SOLO_ROUNDS ?? 7)
/** The commit before the provider catalogue landed (6f4f52e): the engine issue 16 measured. */
const AT_FILING = process.env.BENCH_BASELINE_REV ?? '702c408df9191fa6407de0ca86d5b7deec420fc9'
const corpus = new URL('../../test/corpus/gitleaks/', import.meta.url)
const shapes = JSON.parse(readFileSync(new URL('../shapes.json', corpus), 'utf8'))

/** Every text of the corpus: positives, generated secrets in every shape, negatives. */
function texts(negativesOnly = false) {
  const out = []
  for (const name of readdirSync(corpus).filter((n) => n.endsWith('.json') && n !== 'exceptions.json')) {
    const file = JSON.parse(readFileSync(new URL(name, corpus), 'utf8'))
    for (const rule of Object.values(file.rules)) {
      if (negativesOnly) {
        out.push(...rule.negatives)
        continue
      }
      out.push(...rule.positives, ...rule.negatives)
      for (const { identifier, secret } of rule.generated ?? []) {
        for (const shape of shapes) {
          out.push(
            shape
              .replaceAll('{i}', identifier)
              .replaceAll('{I}', identifier.toUpperCase())
              .replaceAll('{s}', secret),
          )
        }
      }
    }
  }
  return out
}

/** The default set before issue 16: structural detectors only, no catalogue, no known secrets. */
const BEFORE = [
  'private-key',
  'jwt',
  'github-token',
  'slack-token',
  'stripe-key',
  'google-api-key',
  'npm-token',
  'aws-access-key',
  'aws-secret-key',
  'password-hash',
  'hex-password-hash',
  'card',
  'iban',
  'us-ssn',
  'email',
  'phone',
]

/** The redactor of a setup: today's default, today's engine with the set before the catalogue, or the engine at filing. */
async function redactorOf(name, filingEntry) {
  if (name === 'now') return createRedactor()
  if (name === 'before') return createRedactor({ detectors: BEFORE, knownSecrets: false })
  const filing = await import(pathToFileURL(filingEntry).href)
  return filing.createRedactor()
}

// A child process measuring one setup alone: no other redactor's shapes in its inline caches.
if (process.argv[2] === '--solo') {
  const [, , , name, which, filingEntry] = process.argv
  const redactor = await redactorOf(name, filingEntry)
  const list = which === 'clean' ? Array.from({ length: 20 }, () => texts(true)).flat() : texts()
  const pass = () => {
    const start = process.hrtime.bigint()
    for (const text of list) redactor.redact(text)
    return Number(process.hrtime.bigint() - start) / 1e6
  }
  for (let i = 0; i < 5; i++) pass()
  console.log(JSON.stringify(median(Array.from({ length: ROUNDS }, pass))))
  process.exit(0)
}

const setups = {
  before: await redactorOf('before'),
  now: await redactorOf('now'),
}

/** Median time per pass of each set over `list`, and the median of per-round ratios now / before. */
function measure(list) {
  const time = (redactor) => {
    const start = process.hrtime.bigint()
    for (const text of list) redactor.redact(text)
    return Number(process.hrtime.bigint() - start) / 1e6
  }
  for (const r of Object.values(setups)) for (let i = 0; i < 3; i++) time(r) // warm up
  const ms = { before: [], now: [] }
  const ratios = []
  for (let round = 0; round < ROUNDS; round++) {
    const t = {}
    for (const name of round % 2 === 0 ? ['before', 'now'] : ['now', 'before']) t[name] = time(setups[name])
    ms.before.push(t.before)
    ms.now.push(t.now)
    ratios.push(t.now / t.before)
  }
  return { before: median(ms.before), now: median(ms.now), ratio: median(ratios) }
}

const size = (list) =>
  `${list.length.toLocaleString('en-US')} texts, ${(list.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024).toFixed(0)} KB`
const all = texts()
// Texts with no secret (the corpus' own negatives, repeated to a measurable size): what detection
// costs when it finds nothing, with no masking and no findings to record.
const clean = Array.from({ length: 20 }, () => texts(true)).flat()
const dense = measure(all)
const quiet = measure(clean)

/**
 * Each setup alone in its own process, SOLO_ROUNDS times, the order rotated each round: median ms
 * per pass of each, and the medians of per-round ratios of now to each baseline.
 */
function measureSolo(which, filingEntry) {
  const names = filingEntry === null ? ['before', 'now'] : ['filing', 'before', 'now']
  const ms = Object.fromEntries(names.map((name) => [name, []]))
  const ratios = { before: [], filing: [] }
  for (let round = 0; round < SOLO_ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    const t = {}
    for (const name of order) {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--solo', name, which, filingEntry ?? ''],
        { encoding: 'utf8' },
      )
      t[name] = JSON.parse(out)
      ms[name].push(t[name])
    }
    ratios.before.push(t.now / t.before)
    if (t.filing !== undefined) ratios.filing.push(t.now / t.filing)
  }
  return {
    ms: Object.fromEntries(names.map((name) => [name, median(ms[name])])),
    before: median(ratios.before),
    filing: ratios.filing.length > 0 ? median(ratios.filing) : undefined,
  }
}

let filingEntry = null
let filingNote = ''
try {
  filingEntry = coreAt(AT_FILING)
} catch (error) {
  filingNote = `The engine at filing could not be built here (${String(error.message).split('\n')[0]}): a clone with its history is needed.`
}
const soloDense = measureSolo('all', filingEntry)
const soloQuiet = measureSolo('clean', filingEntry)
const cell = (value) => (value === undefined ? 'n/a' : value.toFixed(1))
const ratio = (value) => (value === undefined ? 'n/a' : `**${value.toFixed(2)}x**`)

const markdown = `## Engine: detection cost on a foreign corpus

\`pnpm bench\` (\`bench/engine/scan-cost.js\`): \`redact()\` over texts of \`test/corpus/\` (gitleaks' rule test
vectors). Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

Three setups:
- "at filing": the engine and default set issue 16 was measured against (commit ${AT_FILING.slice(0, 7)},
  before the provider catalogue), built from this repository's history by the benchmark;
- "before": today's engine with that default set (16 structural detectors and the member-name rule);
- "now": today's default: every structural detector of the default set, 257 provider formats and
  \`secret-assignment\` behind one automaton, and known secrets from \`process.env\`.

"now / before" is what the catalogue, the assignment reader and known secrets cost on today's
engine; "now / at filing" is what detection costs today against the engine of the issue, the
shared path's additions since then (evasion-proof member names, fullwidth and other Unicode forms,
base64 text, nested JSON after blanks) included. Issue 16's bar (at most 1.5x) reads as the latter.

Each setup alone in its own process (${SOLO_ROUNDS} rounds, ${ROUNDS} passes each, the order rotated):

| texts | at filing (ms per pass) | before | now | now / before | now / at filing |
| --- | ---: | ---: | ---: | ---: | ---: |
| the whole corpus (${size(all)}): nearly every text holds a secret | ${cell(soloDense.ms.filing)} | ${cell(soloDense.ms.before)} | ${cell(soloDense.ms.now)} | ${ratio(soloDense.before)} | ${ratio(soloDense.filing)} |
| its negatives only, x20 (${size(clean)}): no secret to mask | ${cell(soloQuiet.ms.filing)} | ${cell(soloQuiet.ms.before)} | ${cell(soloQuiet.ms.now)} | ${ratio(soloQuiet.before)} | ${ratio(soloQuiet.filing)} |

"before" and "now" in one process, ${ROUNDS} rounds, order alternated (the measurement of earlier
runs; both share the engine's code, so each pays for the other's shapes in its inline caches):

| texts | before (ms per pass) | now (ms per pass) | now / before |
| --- | ---: | ---: | ---: |
| the whole corpus | ${dense.before.toFixed(1)} | ${dense.now.toFixed(1)} | **${dense.ratio.toFixed(2)}x** |
| its negatives only, x20 | ${quiet.before.toFixed(1)} | ${quiet.now.toFixed(1)} | **${quiet.ratio.toFixed(2)}x** |

Ratios are medians of per-round ratios. ${filingNote}
`
writeSection('scan-cost', markdown)
console.log(markdown)
