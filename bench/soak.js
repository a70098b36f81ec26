// Memory soak: 1,000,000 requests from 100,000 distinct clients, each with its own token, through
// a guard with token verification (verified-token cache of 10,000) and rate limiting (MemoryStore
// of 10,000 keys). The heap must stay bounded by those sizes, not grow with the clients seen.
// Each client sends 10 requests in a row (one verification, then cache hits). Not part of
// `pnpm test`: `node --expose-gc bench/soak.js` (about a minute), or `pnpm --filter @leakguard/bench soak`.
import { createGuard, MemoryStore } from '@leakguard/core'
import { SignJWT } from 'jose'
import { machine, writeSection } from './lib/report.js'

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 1_000_000)
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 100_000)
const PER_CLIENT = Math.ceil(REQUESTS / CLIENTS)
const CACHE = 10_000
const KEYS = 10_000
const secret = new TextEncoder().encode('a-soak-secret-of-at-least-32-bytes!!')
const issuer = 'https://issuer.soak/'
const audience = 'soak'

const guard = createGuard({
  auth: { issuer, audience, algorithms: ['HS256'], secret, cache: { max: CACHE, maxTtl: '10m' } },
  rateLimit: { limits: [{ limit: 1000, window: '1m' }], store: new MemoryStore({ maxKeys: KEYS }) },
  audit: { onEvent: () => {} },
})

async function tokenFor(client) {
  return new SignJWT({ sub: `client-${client}`, scope: 'read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secret)
}

const heapMb = () => {
  globalThis.gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}
const started = Date.now()
const checkpoints = [{ requests: 0, heap: heapMb() }]
let refused = 0
let done = 0
for (let client = 0; client < CLIENTS && done < REQUESTS; client++) {
  const authorization = `Bearer ${await tokenFor(client)}`
  const clientAddress = `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`
  for (let i = 0; i < PER_CLIENT && done < REQUESTS; i++) {
    const context = guard.startRequest({ method: 'GET', path: '/users/1', native: {}, clientAddress })
    const decision = await guard.checkRequest(context, { headers: { authorization } })
    if (!decision.allowed) refused++
    guard.endRequest(context, decision.allowed ? 200 : decision.status)
    done++
    if (done % 100_000 === 0) {
      await guard.flush()
      checkpoints.push({ requests: done, heap: heapMb() })
      console.log(`${done.toLocaleString('en-US')} requests: heap ${checkpoints.at(-1).heap.toFixed(1)} MB`)
    }
  }
}
if (refused > 0) throw new Error(`${refused} requests were refused: the soak must measure admitted traffic`)
const stats = guard.verifier.cacheStats()
const settled = checkpoints.filter((c) => c.requests >= 200_000).map((c) => c.heap)
const growth = Math.max(...settled) - Math.min(...settled)
const table = [
  '| requests | heap after GC |',
  '| ---: | ---: |',
  ...checkpoints.map((c) => `| ${c.requests.toLocaleString('en-US')} | ${c.heap.toFixed(1)} MB |`),
].join('\n')
const markdown = `## Memory soak

\`node --expose-gc bench/soak.js\` (not in \`pnpm test\`): ${done.toLocaleString('en-US')} requests from
${CLIENTS.toLocaleString('en-US')} distinct clients (addresses) with one token each, ${PER_CLIENT} requests per client in a row,
through a guard with token verification (cache \`max: ${CACHE.toLocaleString('en-US')}\`) and rate limiting
(\`MemoryStore({ maxKeys: ${KEYS.toLocaleString('en-US')} })\`). Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)},
${Math.round((Date.now() - started) / 1000)} s.

${table}

Verified-token cache: ${stats.size.toLocaleString('en-US')} entries held (max ${CACHE.toLocaleString('en-US')}),
${stats.misses.toLocaleString('en-US')} verifications, ${stats.hits.toLocaleString('en-US')} hits. From 200,000 requests on, the heap
varies by ${growth.toFixed(1)} MB while the clients seen grow ${(CLIENTS / (200_000 / PER_CLIENT)).toFixed(0)}-fold: it is bounded by the
configured sizes, not by traffic.
`
writeSection('soak', markdown)
console.log(markdown)
if (growth > 64)
  throw new Error(`the heap grew by ${growth.toFixed(1)} MB after warm-up: something is unbounded`)
