// One benchmark server in its own process: node server.js <framework> <config> <payload>.
// The public key arrives in BENCH_PUBLIC_KEY; prints "ready <port>" once listening.
import { buildServer } from './servers.js'

const [framework, config, payload] = process.argv.slice(2)
const server = await buildServer(framework, config, payload, process.env.BENCH_PUBLIC_KEY)
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready ${server.address().port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
