// Detection cost on a corpus of texts nobody here wrote (gitleaks' rule test vectors, test/corpus):
// the default detector set of now against the set before the provider catalogue, measured in the
// same run. Issue 16's bar: at most 1.5x.
import { readdirSync, readFileSync } from 'node:fs'
import { createRedactor } from '@leakguard/core'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
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

const setups = {
  before: createRedactor({ detectors: BEFORE, knownSecrets: false }),
  now: createRedactor(),
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
const markdown = `## Engine: detection cost on a foreign corpus

\`pnpm bench\` (\`bench/engine/scan-cost.js\`): \`redact()\` over texts of \`test/corpus/\` (gitleaks' rule test
vectors), ${ROUNDS} rounds, order alternated. Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

| texts | before (ms per pass) | now (ms per pass) | now / before |
| --- | ---: | ---: | ---: |
| the whole corpus (${size(all)}): nearly every text holds a secret | ${dense.before.toFixed(1)} | ${dense.now.toFixed(1)} | **${dense.ratio.toFixed(2)}x** |
| its negatives only, x20 (${size(clean)}): no secret to mask | ${quiet.before.toFixed(1)} | ${quiet.now.toFixed(1)} | **${quiet.ratio.toFixed(2)}x** |

"before" is the default set before the provider catalogue (16 structural detectors and the
member-name rule); "now" is today's default: every structural detector of the default set, 257
provider formats and \`secret-assignment\` behind one automaton, and known secrets from
\`process.env\`. Ratios are medians of per-round ratios (issue 16's bar: at most 1.5x).
`
writeSection('scan-cost', markdown)
console.log(markdown)
