// In-process HTTP benchmark (`pnpm --filter @leakguard/bench run http:in-process`): each setup of
// bench/http/servers.js (bare, leakguard's response pipeline, the full stack) gets real
// `IncomingMessage` and `ServerResponse` objects over a socket that discards what it is written,
// through the server's own 'request' listener: everything the framework and leakguard do per
// request, without the network stack or a load generator. All setups run in one process, in
// alternating order, medians of rounds: on a shared machine that moves by +-20% between HTTP
// runs, this is what can rank changes of a few percent. It does not replace bench:http (no
// sockets, no concurrency, no kernel): it is the tool to bisect an adapter with. The setups share
// one process, so leakguard's code sees both configurations and its inline caches more shapes
// than one application's would: its ratios are a lower bound (BENCH_INPROCESS_CONFIGS=full runs
// one setup alone, to compare across processes).
import { IncomingMessage, ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import { SENTINEL_HASH } from '@leakguard/fixtures'
import { machine, median, writeSection } from '../lib/report.js'
import { benchCredentials, buildServer, FRAMEWORKS } from './servers.js'

const ROUNDS = Number(process.env.BENCH_INPROCESS_ROUNDS ?? 9)
const REQUESTS = Number(process.env.BENCH_INPROCESS_REQUESTS ?? 2000)
const ONLY = process.env.BENCH_HTTP_FRAMEWORKS?.split(',') ?? FRAMEWORKS
const CONFIGS = process.env.BENCH_INPROCESS_CONFIGS?.split(',') ?? ['bare', 'pipeline', 'full']
const started = Date.now()

/** A connected socket as far as Node's HTTP response is concerned; it keeps the last response. */
class NullSocket extends Writable {
  constructor() {
    super()
    this.remoteAddress = '127.0.0.1'
    this.remotePort = 40000
    this.encrypted = false
    this.written = []
  }
  _write(chunk, _encoding, callback) {
    this.written.push(chunk)
    callback()
  }
  _writev(chunks, callback) {
    for (const { chunk } of chunks) this.written.push(chunk)
    callback()
  }
  setTimeout() {}
  setNoDelay() {}
  setKeepAlive() {}
}

const { publicPem, token } = await benchCredentials()
const headers = { host: '127.0.0.1', accept: 'application/json', authorization: `Bearer ${token}` }

/** One GET /users through `server`'s request listener; resolves with the response's bytes. */
function request(server, socket) {
  return new Promise((resolve) => {
    const req = new IncomingMessage(socket)
    req.method = 'GET'
    req.url = '/users'
    req.httpVersionMajor = 1
    req.httpVersionMinor = 1
    req.httpVersion = '1.1'
    req.headers = headers
    req.rawHeaders = Object.entries(headers).flat()
    req.complete = true
    req.push(null)
    const res = new ServerResponse(req)
    res.shouldKeepAlive = true
    res.assignSocket(socket)
    socket.written.length = 0
    res.on('finish', () => {
      res.detachSocket(socket)
      resolve(socket.written)
    })
    server.emit('request', req, res)
  })
}

const rows = []
for (const framework of ONLY) {
  const setups = []
  for (const config of CONFIGS) {
    const server = await buildServer(framework, config, '19kb', publicPem)
    const socket = new NullSocket()
    const text = Buffer.concat((await request(server, socket)).map((c) => Buffer.from(c))).toString()
    // The bare server sends the reference body whole; every protected one must not.
    if (text.includes(SENTINEL_HASH) !== (config === 'bare'))
      throw new Error(
        `${framework}/${config}: the sentinel hash ${config === 'bare' ? 'is missing' : 'leaked'}`,
      )
    for (let i = 0; i < 1000; i++) await request(server, socket)
    setups.push({ config, server, socket, times: [] })
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const setup of round % 2 === 0 ? setups : [...setups].reverse()) {
      const start = process.hrtime.bigint()
      for (let i = 0; i < REQUESTS; i++) await request(setup.server, setup.socket)
      setup.times.push(Number(process.hrtime.bigint() - start) / REQUESTS / 1000)
    }
  }
  const bare = median(setups[0].times)
  for (const { config, times } of setups) {
    const us = median(times)
    rows.push(`| ${framework} | ${config} | ${us.toFixed(1)} | ${(bare / us).toFixed(2)}x |`)
    console.log(framework, config, `${us.toFixed(1)} us/request`, `${(bare / us).toFixed(2)}x of bare`)
  }
}

writeSection(
  'http-inprocess',
  `## HTTP in process: per-request cost without the network

\`node bench/http/in-process.js\`: the servers of \`bench:http\` (~19 KB page, same token and
configurations), each request a real \`IncomingMessage\` and \`ServerResponse\` over a socket that
discards its bytes, handed to the server's request listener; setups alternated in one process,
${ROUNDS} rounds of ${REQUESTS.toLocaleString('en-US')} requests, medians. No sockets, concurrency or
kernel: this ranks the framework and leakguard work per request, the part bench:http cannot
resolve on a noisy machine. Setups share one process, so leakguard's inline caches see both of
its configurations: read its ratios as a lower bound. Machine: ${machine()}. Run: ${new Date().toISOString().slice(0, 10)}, ${Math.round((Date.now() - started) / 1000)} s in all.

| framework | setup | us/request | bare / setup |
| --- | --- | ---: | ---: |
${rows.join('\n')}`,
)
