// Token verification: a full jose verification per algorithm against a hit of leakguard's
// verified-token cache, in the same run. The cache hit is what a steady client costs: SHA-256 of
// the token, an LRU lookup and the exp/nbf re-check. The target is a hit >= 20x faster.
import { generateKeyPairSync } from 'node:crypto'
import { createVerifier } from '@leakguard/core'
import { exportJWK, SignJWT } from 'jose'
import { Bench } from 'tinybench'
import { machine, median, writeSection } from '../lib/report.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TIME = Number(process.env.BENCH_TIME_MS ?? 400)
const issuer = 'https://issuer.bench/'
const audience = 'https://api.bench'
const secret = new TextEncoder().encode('a-bench-secret-of-32-bytes-or-more!')

const pairs = {
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: generateKeyPairSync('ed25519'),
}
// A realistic access token: scopes, roles, a client id, ~600-900 bytes once signed.
const claims = {
  sub: 'auth0|5f7c8ec7c33c6c004bbafe82',
  scope: 'openid profile users:read users:write orders:read',
  roles: ['support', 'billing'],
  client_id: 'bench-client',
  jti: 'b1e6b7a2-3f9d-4c1e-9a57-2d2f0c9f1b11',
}

async function setup(alg) {
  const now = Math.floor(Date.now() / 1000)
  const jwt = new SignJWT(claims)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
  if (alg === 'HS256') {
    const token = await jwt.setProtectedHeader({ alg }).sign(secret)
    const options = { issuer, audience, algorithms: [alg], secret }
    return { token, options }
  }
  const { privateKey, publicKey } = pairs[alg]
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg }
  const token = await jwt.setProtectedHeader({ alg, kid: 'k1' }).sign(privateKey)
  return { token, options: { issuer, audience, algorithms: [alg], jwks: { keys: [jwk] } } }
}

const algorithms = ['HS256', 'RS256', 'ES256', 'EdDSA']
const rows = []
for (const alg of algorithms) {
  const { token, options } = await setup(alg)
  const uncached = createVerifier({ ...options, cache: false })
  const cached = createVerifier(options)
  // Both must accept the token (and the cached one must then serve hits), or the figure is void.
  await uncached.verify(token)
  await cached.verify(token)
  await cached.verify(token)
  if (cached.cacheStats().hits !== 1) throw new Error(`${alg}: the cache did not serve a hit`)

  const verifies = []
  const hits = []
  const ratios = []
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME, warmup: true, warmupTime: 100 })
    const tasks = [
      ['verify', () => uncached.verify(token)],
      ['hit', () => cached.verify(token)],
    ]
    for (const [name, fn] of round % 2 === 0 ? tasks : [...tasks].reverse()) bench.add(name, fn)
    await bench.run()
    const ops = (name) => bench.getTask(name).result.throughput.mean
    verifies.push(ops('verify'))
    hits.push(ops('hit'))
    ratios.push(ops('hit') / ops('verify'))
  }
  rows.push({ alg, verify: median(verifies), hit: median(hits), ratio: median(ratios), bytes: token.length })
}

const format = (n) => Math.round(n).toLocaleString('en-US')
const table = [
  '| algorithm | token bytes | full verify/s (jose) | cache hits/s | hit vs verify (median of rounds) |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) => `| ${r.alg} | ${r.bytes} | ${format(r.verify)} | ${format(r.hit)} | ${r.ratio.toFixed(1)}x |`,
  ),
].join('\n')
writeSection(
  'auth',
  `## Engine: token verification and the verified-token cache

\`pnpm bench\` (\`bench/engine/auth.js\`), ${ROUNDS} rounds of ${TIME} ms per task, order alternated.
Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}.

"Full verify" is \`createVerifier({ cache: false }).verify()\`: the strict compact check, then
\`jose\`'s \`jwtVerify\` (signature and claims). A cache hit is SHA-256 of the token with the
settings fingerprint, an LRU lookup and the \`exp\`/\`nbf\` re-check. Target: a hit at least 20x
faster than a verification.

${table}
`,
)
console.log(table)
