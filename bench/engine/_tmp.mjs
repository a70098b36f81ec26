import { createGuard } from '@leakguard/core'
import { usersPage } from '@leakguard/fixtures'
const body = usersPage()
for (const [name, g] of [['det-only', createGuard()], ['det-only no known', createGuard({ redact: { knownSecrets: false } })], ['allow+det no known', createGuard({ redact: { knownSecrets: false }, routes: { 'GET /bench': { allow: ['$.data[*].id', '$.data[*].name', '$.data[*].username', '$.data[*].role', '$.data[*].address.city', '$.data[*].createdAt', '$.total', '$.page'] } } })], ['allow+det', createGuard({ routes: { 'GET /bench': { allow: ['$.data[*].id', '$.data[*].name', '$.data[*].username', '$.data[*].role', '$.data[*].address.city', '$.data[*].createdAt', '$.total', '$.page'] } } })]]) {
  const run = () => { const c = g.startRequest({ method: 'GET', path: '/bench', native: undefined }); return g.serializeResponse(c, { status: 200, body }).payload }
  const N = 3000
  for (let i = 0; i < 300; i++) run()
  let t = process.hrtime.bigint()
  for (let i = 0; i < N; i++) run()
  const lg = Number(process.hrtime.bigint() - t) / N
  t = process.hrtime.bigint()
  for (let i = 0; i < N * 5; i++) JSON.stringify(body)
  const js = Number(process.hrtime.bigint() - t) / N / 5
  console.log(name, 'us', (lg / 1000).toFixed(1), 'stringify us', (js / 1000).toFixed(1), 'ratio', (lg / js).toFixed(2))
}
