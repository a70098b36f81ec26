// Full-stack HTTP benchmark (`pnpm bench:http`): for Express 5, Koa 3 and Fastify 5, the bare
// framework, leakguard with every protection, leakguard's response pipeline only, and the peer
// stack a team would assemble today, on the ~19 KB reference payload (and bare/full/peer on ~1 MB).
// Servers run in their own processes pinned to core 0; autocannon runs here, pinned to core 1.
// Every setup is checked for correct output first; then setups are measured in rounds, in
// alternating order, and medians reported with ratios to bare and to the peer stack.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { machine, median, pinLoadGenerator, writeSection } from '../lib/report.js'
import { checkSetup } from './check.js'
import { benchCredentials, CONFIGS, FRAMEWORKS } from './servers.js'

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3)
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 32)
const ONLY = process.env.BENCH_HTTP_FRAMEWORKS?.split(',') ?? FRAMEWORKS
const started = Date.now()

// Pin the load generator to core 1 and servers to core 0 when there are two cores to share.
const pinned = pinLoadGenerator()

const { publicPem, token } = await benchCredentials()
const authorization = `Bearer ${token}`

function startServer(framework, config, payload) {
  const script = new URL('./server.js', import.meta.url).pathname
  const command = pinned ? 'taskset' : process.execPath
  const args = pinned
    ? ['-c', '0', process.execPath, script, framework, config, payload]
    : [script, framework, config, payload]
  const child = spawn(command, args, {
    env: { ...process.env, BENCH_PUBLIC_KEY: publicPem },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /ready (\d+)/.exec(out)
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}/users`, stop: () => child.kill('SIGTERM') })
    })
    child.on('exit', (code) => reject(new Error(`${framework}/${config} server exited with ${code}`)))
  })
}

function load(url, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CONNECTIONS, duration: seconds, headers: { authorization } },
      (error, result) => {
        if (error) return reject(error)
        if (result.non2xx > 0 || result.errors > 0)
          return reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`))
        resolve(result)
      },
    )
  })
}

async function measure(payload, configs) {
  const results = {}
  for (const framework of ONLY) {
    const servers = {}
    for (const config of configs) servers[config] = await startServer(framework, config, payload)
    try {
      for (const config of configs) {
        await checkSetup(`${framework}/${config}`, config, servers[config].url, authorization)
        await load(servers[config].url, 1) // warm-up: JIT, caches
      }
      const runs = Object.fromEntries(configs.map((c) => [c, { rps: [], p50: [], p99: [] }]))
      for (let round = 0; round < ROUNDS; round++) {
        for (const config of round % 2 === 0 ? configs : [...configs].reverse()) {
          const result = await load(servers[config].url, SECONDS)
          runs[config].rps.push(result.requests.average)
          runs[config].p50.push(result.latency.p50)
          runs[config].p99.push(result.latency.p99)
        }
      }
      results[framework] = Object.fromEntries(
        configs.map((c) => [
          c,
          { rps: median(runs[c].rps), p50: median(runs[c].p50), p99: median(runs[c].p99) },
        ]),
      )
      console.log(payload, framework, JSON.stringify(results[framework]))
    } finally {
      for (const server of Object.values(servers)) server.stop()
    }
  }
  return results
}

const small = await measure('19kb', CONFIGS)
const large = await measure('1mb', ['bare', 'full', 'peer'])

const version = (name) =>
  JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version
const LABELS = {
  bare: 'bare framework',
  full: 'leakguard, full stack',
  pipeline: 'leakguard, response pipeline only',
  peer: 'peer stack',
}
const PEERS = {
  express: `express-jwt ${version('express-jwt')} + express-rate-limit ${version('express-rate-limit')} + fast-redact ${version('fast-redact')} serializer`,
  koa: `koa-jwt ${version('koa-jwt')} + koa-ratelimit ${version('koa-ratelimit')} (memory) + fast-redact ${version('fast-redact')} serializer`,
  fastify: `@fastify/jwt ${version('@fastify/jwt')} + @fastify/rate-limit ${version('@fastify/rate-limit')} + response schema`,
}
const FRAMEWORK_NAMES = {
  express: `Express ${version('express')}`,
  koa: `Koa ${version('koa')}`,
  fastify: `Fastify ${version('fastify')}`,
}
const f0 = (n) => Math.round(n).toLocaleString('en-US')
function table(results, framework) {
  const rows = results[framework]
  const bare = rows.bare.rps
  const peer = rows.peer?.rps
  return [
    '| setup | req/s | p50 ms | p99 ms | vs bare | vs peer stack |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(rows).map(
      ([config, r]) =>
        `| ${LABELS[config]} | ${f0(r.rps)} | ${r.p50} | ${r.p99} | ${(r.rps / bare).toFixed(2)}x | ${peer ? `${(r.rps / peer).toFixed(2)}x` : '-'} |`,
    ),
  ].join('\n')
}

const sections = ONLY.map(
  (framework) => `### ${FRAMEWORK_NAMES[framework]}

Peer stack: ${PEERS[framework]}.

~19 KB payload:

${table(small, framework)}

~1 MB payload:

${table(large, framework)}
`,
).join('\n')

const markdown = `## HTTP: full stack against bare frameworks and peer stacks

\`pnpm bench:http\` (\`bench/http/run.js\`): autocannon ${version('autocannon')}, ${CONNECTIONS} connections, ${ROUNDS} rounds of
${SECONDS} s per setup after a 1 s warm-up, order alternated each round; medians. Servers in their own
processes${pinned ? ' pinned to core 0, the load generator to core 1 (`taskset`)' : ''}. Machine: ${machine()}.
Run: ${new Date().toISOString().slice(0, 10)}, ${Math.round((Date.now() - started) / 1000)} s in all.

Every request carries the same RS256 bearer token (so leakguard serves it from its verified-token
cache; the peer stacks verify it every time, as they do). Before measuring, each setup is checked:
the bare server sends the password hash of the reference body, every protected one does not, and
the full and peer stacks answer 401 without a token and with a forged signature. The rate limits
count every request and refuse none.

${sections}`
writeSection('http', markdown)
console.log(markdown)
