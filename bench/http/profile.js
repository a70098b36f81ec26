// CPU profile of one HTTP setup (`node bench/http/profile.js <framework> <config> [seconds]`):
// starts the server of bench/http/servers.js under `--cpu-prof`, loads it with autocannon (same
// token, connections and pinning as run.js), stops it, and prints the top self-time functions
// with their share of the profile and their cost per request. The profile itself is left in
// bench/.profiles/ for a flame graph (Chrome DevTools, speedscope).
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import autocannon from 'autocannon'
import { benchCredentials } from './servers.js'

const [framework = 'express', config = 'full', seconds = '8', payload = '19kb'] = process.argv.slice(2)
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 10)
const dir = new URL(`../.profiles/${framework}-${config}-${payload}/`, import.meta.url).pathname
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

const pinned = availableParallelism() >= 2
if (pinned) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })

const { publicPem, token } = await benchCredentials()

const script = new URL('./server.js', import.meta.url).pathname
const node = [process.execPath, '--cpu-prof', `--cpu-prof-dir=${dir}`, script, framework, config, payload]
const child = spawn(pinned ? 'taskset' : node[0], pinned ? ['-c', '0', ...node] : node.slice(1), {
  env: { ...process.env, BENCH_PUBLIC_KEY: publicPem },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const url = await new Promise((resolve, reject) => {
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
    const match = /ready (\d+)/.exec(out)
    if (match) resolve(`http://127.0.0.1:${match[1]}/users`)
  })
  child.on('exit', (code) => reject(new Error(`server exited with ${code}`)))
})
const result = await new Promise((resolve, reject) =>
  autocannon(
    { url, connections: 32, duration: Number(seconds), headers: { authorization: `Bearer ${token}` } },
    (error, out) => (error ? reject(error) : resolve(out)),
  ),
)
await new Promise((resolve) => {
  child.on('exit', resolve)
  child.kill('SIGTERM')
})

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
const profile = JSON.parse(readFileSync(dir + file, 'utf8'))
const dt = new Map() // node id -> microseconds of self time
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]
  dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
}
const self = new Map()
let total = 0
for (const node of profile.nodes) {
  const us = dt.get(node.id) ?? 0
  total += us
  const { functionName, url: source, lineNumber } = node.callFrame
  const where =
    source === '' ? '' : ` ${source.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${lineNumber + 1}`
  const key = `${functionName || '(anonymous)'}${where}`
  self.set(key, (self.get(key) ?? 0) + us)
}
const idle = [...self].filter(([name]) => /^\((idle|program|garbage collector)\)/.test(name))
const busy = total - idle.reduce((sum, [name, us]) => sum + (name.startsWith('(idle)') ? us : 0), 0)
const requests = result.requests.total
console.log(
  `${framework}/${config}/${payload}: ${Math.round(result.requests.average)} req/s, ${requests} requests, busy ${(busy / 1000).toFixed(0)} ms = ${(busy / requests).toFixed(1)} us/request`,
)
console.log('| self time | share of busy | us/request | function |')
console.log('| ---: | ---: | ---: | --- |')
for (const [name, us] of [...self]
  .filter(([n]) => !n.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, TOP)) {
  console.log(
    `| ${(us / 1000).toFixed(0)} ms | ${((100 * us) / busy).toFixed(1)}% | ${(us / requests).toFixed(1)} | \`${name}\` |`,
  )
}
// Inclusive time of leakguard's own functions (each function counted once per sample).
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
const inclusive = new Map()
const label = (node) => {
  const { functionName, url: source, lineNumber } = node.callFrame
  return `${functionName || '(anonymous)'} ${source.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${lineNumber + 1}`
}
for (const [id, us] of dt) {
  const seen = new Set()
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at)
    if (!node.callFrame.url.includes('/packages/')) continue
    const key = label(node)
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + us)
  }
}
if (inclusive.size > 0) {
  console.log('\n| inclusive | us/request | leakguard function |')
  console.log('| ---: | ---: | --- |')
  for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`| ${(us / 1000).toFixed(0)} ms | ${(us / requests).toFixed(1)} | \`${name}\` |`)
  }
}
console.log(`profile: ${dir}${file}`)
