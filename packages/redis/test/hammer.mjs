// One of the processes of the concurrency test: fires `count` decisions at one key at once and
// prints how many were admitted. Uses the built package, as an app would.
import { RedisStore } from '@leakguard/redis'
import Redis from 'ioredis'

const [key, count, limit] = process.argv.slice(2)
const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true })
await client.connect()
const store = new RedisStore(client, { timeout: 5000 })
const limits = [{ limit: Number(limit), windowMs: 60_000, algorithm: 'sliding-window' }]
// Wait for the go signal on stdin so that every process starts together.
await new Promise((resolve) => process.stdin.once('data', resolve))
const decisions = await Promise.all(
  Array.from({ length: Number(count) }, () => store.consume(key, limits, 1, 'consume')),
)
process.stdout.write(String(decisions.filter((d) => d.allowed).length))
await client.quit()
