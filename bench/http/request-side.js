// Request-side protection over HTTP (`pnpm --filter @leakguard/bench request-side`): for Express 5,
// Koa 3 and Fastify 5, a PUT of a small JSON body to /orders/:id through the bare framework (with
// its body parser), through leakguard without request-side policies, and through leakguard with
// `accept` + `owner` + `enumeration` on the route. Servers run in their own processes pinned to
// core 0, autocannon here on core 1; rounds alternate the order; medians are reported.
// The bar (issue 17): the policies cost at most 10% of bare req/s on top of leakguard.
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import { leakguard as expressLeakguard } from '@leakguard/express'
import { leakguard as fastifyLeakguard } from '@leakguard/fastify'
import { leakguard as koaLeakguard } from '@leakguard/koa'
import autocannon from 'autocannon'
import express from 'express'
import Fastify from 'fastify'
import Koa from 'koa'
import { machine, median, pinLoadGenerator, writeSection } from '../lib/report.js'

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 32)
const FRAMEWORKS = process.env.BENCH_HTTP_FRAMEWORKS?.split(',') ?? ['express', 'koa', 'fastify']
const CONFIGS = ['bare', 'leakguard', 'policies']
// A legitimate update, and the same with a member the route does not accept (mass assignment).
const BODY = JSON.stringify({
  accountId: 'user-1',
  amount: 12.5,
  note: 'monthly',
  items: [{ sku: 'A-1', qty: 2 }],
})
const ATTACK = JSON.stringify({
  accountId: 'user-1',
  amount: 12.5,
  note: 'monthly',
  role: 'admin',
  items: [{ sku: 'A-1', qty: 2 }],
})
/** What is measured: a server and the body sent to it. */
const LOADS = [
  ['bare', BODY],
  ['leakguard', BODY],
  ['policies', BODY],
  ['policies', ATTACK],
]
const loadName = ([config, body]) => (body === ATTACK ? `${config}+attack` : config)

if (process.argv[2] === 'serve') await serve(process.argv[3], process.argv[4])
else await run()

/** The leakguard options of each configuration: no auth, so only the request side differs. */
function options(config) {
  const common = { ignoreWarnings: ['LEAKGUARD_NO_ERROR_HANDLER'] }
  if (config === 'leakguard') return { ...common, routes: { 'PUT /orders/:id': { allow: ['$'] } } }
  return {
    ...common,
    routes: {
      'PUT /orders/:id': {
        allow: ['$'],
        accept: ['$.accountId', '$.amount', '$.note', '$.items[*].sku', '$.items[*].qty'],
        owner: (_principal, params, body) => params.id !== '' && body?.accountId === 'user-1',
        enumeration: { max: 1000, window: '1m', action: 'throttle' },
      },
    },
  }
}

const answer = (params, body) => ({ id: params.id, accepted: Object.keys(body ?? {}).length })

async function serve(framework, config) {
  const ready = (port) => process.stdout.write(`ready ${port}\n`)
  if (framework === 'fastify') {
    const app = Fastify()
    if (config !== 'bare') await app.register(fastifyLeakguard, options(config))
    app.put('/orders/:id', async (request) => answer(request.params, request.body))
    await app.listen({ port: 0, host: '127.0.0.1' })
    app.server.keepAliveTimeout = 60_000
    ready(app.server.address().port)
    process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
    return
  }
  let handler
  if (framework === 'express') {
    const app = express()
    if (config !== 'bare') app.use(expressLeakguard(options(config)))
    app.use(express.json())
    if (config !== 'bare') app.use(expressLeakguard.body())
    app.put('/orders/:id', (req, res) => res.json(answer(req.params, req.body)))
    handler = app
  } else {
    const app = new Koa()
    if (config !== 'bare') app.use(koaLeakguard(options(config)))
    app.use(bodyParser())
    if (config !== 'bare') app.use(koaLeakguard.body())
    const router = new Router()
    router.put('/orders/:id', (ctx) => {
      ctx.body = answer(ctx.params, ctx.request.body)
    })
    app.use(router.routes())
    handler = app.callback()
  }
  const server = createServer(handler)
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => ready(server.address().port))
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}

async function run() {
  const pinned = pinLoadGenerator()
  const script = new URL(import.meta.url).pathname
  const start = (framework, config) => {
    const args = [script, 'serve', framework, config]
    const child = pinned
      ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    return new Promise((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk) => {
        out += chunk
        const match = /ready (\d+)/.exec(out)
        if (match)
          resolve({ url: `http://127.0.0.1:${match[1]}/orders/1001`, stop: () => child.kill('SIGTERM') })
      })
      child.on('exit', (code) => reject(new Error(`${framework}/${config} server exited with ${code}`)))
    })
  }
  const load = (url, seconds, body = BODY) =>
    new Promise((resolve, reject) => {
      autocannon(
        {
          url,
          method: 'PUT',
          body,
          headers: { 'content-type': 'application/json' },
          connections: CONNECTIONS,
          duration: seconds,
        },
        (error, result) => {
          if (error) return reject(error)
          if (result.non2xx > 0 || result.errors > 0)
            return reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`))
          resolve(result)
        },
      )
    })
  const check = async (framework, config, url) => {
    const response = await fetch(url, {
      method: 'PUT',
      body: ATTACK,
      headers: { 'content-type': 'application/json' },
    })
    const body = await response.json()
    // bare and leakguard hand the handler all 5 members; the policies drop `role`.
    const expected = config === 'policies' ? 4 : 5
    if (response.status !== 200 || body.accepted !== expected)
      throw new Error(
        `${framework}/${config}: ${response.status} ${JSON.stringify(body)}, expected ${expected} accepted members`,
      )
  }
  const results = {}
  for (const framework of FRAMEWORKS) {
    const servers = {}
    for (const config of CONFIGS) servers[config] = await start(framework, config)
    try {
      for (const config of CONFIGS) {
        await check(framework, config, servers[config].url)
        await load(servers[config].url, 1)
      }
      const rps = Object.fromEntries(LOADS.map((l) => [loadName(l), []]))
      for (let round = 0; round < ROUNDS; round++) {
        for (const [config, body] of round % 2 === 0 ? LOADS : [...LOADS].reverse()) {
          rps[loadName([config, body])].push(
            (await load(servers[config].url, SECONDS, body)).requests.average,
          )
        }
      }
      results[framework] = Object.fromEntries(Object.entries(rps).map(([name, runs]) => [name, median(runs)]))
      console.log(framework, JSON.stringify(results[framework]))
    } finally {
      for (const server of Object.values(servers)) server.stop()
    }
  }
  const f0 = (n) => Math.round(n).toLocaleString('en-US')
  const rows = FRAMEWORKS.map((framework) => {
    const r = results[framework]
    const extra = (r.leakguard - r.policies) / r.bare
    const attack = (r.leakguard - r['policies+attack']) / r.bare
    return `| ${framework} | ${f0(r.bare)} | ${f0(r.leakguard)} (${(r.leakguard / r.bare).toFixed(2)}x) | ${f0(r.policies)} (${(r.policies / r.bare).toFixed(2)}x) | ${(extra * 100).toFixed(1)}% | ${extra <= 0.1 ? 'met' : 'missed'} | ${f0(r['policies+attack'])} (${(attack * 100).toFixed(1)}%) |`
  })
  writeSection(
    'http-request-side',
    `## HTTP: request-side protection

\`pnpm --filter @leakguard/bench request-side\`, ${machine()}. PUT /orders/:id with a ~100-byte
JSON body; the handler answers a small object. "leakguard" has no request-side policy on the
route; "+ policies" adds \`accept\` (5 paths), an \`owner\` check that reads the body, and the
enumeration detector (in-process store), with a legitimate body; "attack" sends the same body
with a \`role\` member, which \`accept\` drops on every request. ${CONNECTIONS} connections, ${ROUNDS}
rounds of ${SECONDS} s in alternating order, medians. Extra cost = (leakguard - policies) / bare;
the bar (issue 17) is 10% of bare req/s.

| framework | bare req/s | leakguard | + policies | extra cost | bar | attack body (extra cost) |
| --- | ---: | ---: | ---: | ---: | --- | ---: |
${rows.join('\n')}
`,
  )
}
