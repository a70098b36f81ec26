import { expect, it } from 'vitest'
import { runCli } from '../src/cli.js'
import { toTable } from '../src/report/table.js'
import type { ScanReport } from '../src/scan.js'
import { capture, serveDuringTests } from './io.js'

// An API that attacks its scanner: escape sequences in member names, a secret as a member name,
// JSON nested past any parser's patience, a body larger than the cap, a drip that never ends, a
// redirect off the allowed hosts, and an answer to everything.
const AWS = 'AKIAIOSFODNN7EXAMPLE'
const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
const api = serveDuringTests((req, res) => {
  const json = (body: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  switch (req.url) {
    case '/':
      return json(JSON.stringify({ '\u001b]0;pwned\u0007\u001b[2J': 1, [AWS]: 'x', note: `key ${AWS}` }))
    case '/deep':
      return json(deep)
    case '/big':
      return json(`"${'a'.repeat(3 * 1024 * 1024)}"`)
    case '/drip':
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('x')
      return // never ends: the timeout must
    case '/redirect':
      return res.writeHead(302, { location: 'http://example.com/steal' }).end()
    default:
      return json('{"ok":true}')
  }
})

it('survives a hostile API: bounded, no escape sequences printed, no secret repeated', async () => {
  const io = capture()
  const args = ['scan', api.url(), '--rate', '0', '--timeout', '500', '--burst', '5']
  for (const path of ['/deep', '/big', '/drip', '/redirect']) args.push('--path', path)
  const status = await runCli(args, io)
  expect(status).toBe(1)
  const out = io.out()
  expect(out).not.toContain('\u001b')
  expect(out).not.toContain('\u0007')
  expect(out).not.toContain(AWS)
  expect(out).toMatch(/HIGH +LG101 sensitive-data +GET \/ /)
  expect(out).toMatch(/GET \/drip: no answer within 500 ms/)
  // An API that answers 200 to everything does not make every shadow path a finding.
  expect(out).not.toMatch(/shadow-endpoint/)
  const json = capture()
  await runCli([...args, '--format', 'json'], json)
  expect(json.out()).not.toContain(AWS)
  expect(JSON.parse(json.out()).routes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: '/redirect', status: 302 }),
      expect.objectContaining({ path: '/big', status: 200 }),
    ]),
  )
})

it('prints control characters from the API as escapes, never raw', () => {
  const report: ScanReport = {
    target: 'http://127.0.0.1/',
    startedAt: '',
    finishedAt: '',
    requests: 1,
    skipped: 0,
    complete: true,
    routes: [],
    notes: ['GET /x: \u001b[31mred'],
    findings: [
      {
        ruleId: 'LG102',
        rule: 'excessive-exposure',
        severity: 'medium',
        route: 'GET /\u009b2J',
        method: 'GET',
        path: '/',
        status: 200,
        message: "1 member the response schema does not name: $['\u001b]0;pwned\u0007'], $.x\u202eliame",
      },
    ],
  }
  const table = toTable(report, { color: false })
  const raw = [...table].filter((c) => {
    const code = c.charCodeAt(0)
    return (code < 0x20 && c !== '\n') || (code >= 0x7f && code <= 0x9f)
  })
  expect(raw).toEqual([])
  expect(table).toContain("$['\\u001b]0;pwned\\u0007']")
  expect(table).toContain('GET /\\u009b2J')
  expect(table).toContain('note: GET /x: \\u001b[31mred')
  expect(table).toContain('$.x\\u202eliame')
})

// An API that echoes what it got: the token as a member name, the API key as a header name, the
// path in an answer to everything (a catch-all "not found" with status 200).
const ECHO_TOKEN = 'opaque-3f9c2a7d51e84b6c'
const echo = serveDuringTests((req, res) => {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (typeof req.headers['x-api-key'] === 'string') headers[`x-seen-${req.headers['x-api-key']}`] = '1'
  const ids = Array.from({ length: 20 }, (_, i) => ({ id: i + 1 }))
  if (req.url === '/me')
    return res.writeHead(200, headers).end(JSON.stringify({ ok: true, [token]: { ids } }))
  if (req.url === '/deep') {
    let nested: unknown = { card: '4111111111111111' }
    for (let i = 0; i < 200; i++) nested = { next: nested }
    return res.writeHead(200, headers).end(JSON.stringify({ password: 'hunter2hunter2', meta: nested }))
  }
  if (req.url === '/build')
    return res.writeHead(200, headers).end(JSON.stringify({ commit: process.env.LG_TEST_CI_SHA }))
  res.writeHead(200, headers).end(JSON.stringify({ error: 'no route', path: req.url }))
})

it('never prints the credentials it was given, even when the API echoes them', async () => {
  for (const format of ['table', 'json', 'sarif']) {
    const io = capture()
    await runCli(
      [
        'scan',
        echo.url(),
        '--rate',
        '0',
        '--path',
        '/me',
        '--format',
        format,
        '--token',
        ECHO_TOKEN,
        '--header',
        'X-Api-Key: k3y-0f-th3-scan',
      ],
      io,
    )
    expect(io.out(), format).not.toContain(ECHO_TOKEN)
    expect(io.out(), format).not.toContain('k3y-0f-th3-scan')
    expect(io.err(), format).toBe('')
  }
  const io = capture()
  await runCli(
    ['scan', echo.url(), '--rate', '0', '--path', '/me', '--format', 'json', '--token', ECHO_TOKEN],
    io,
  )
  const me = JSON.parse(io.out()).findings.find(
    (f: { route: string; rule: string }) => f.route === 'GET /me' && f.rule === 'sensitive-data',
  )
  // The token the API sent back is itself a finding: a reflected credential.
  expect(me?.detectors).toContain('known-secret')
})

it("judges the API, not the scanner's environment; an echoing catch-all is no shadow endpoint", async () => {
  process.env.LG_TEST_CI_SHA = '3f1c9a0b7d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a'
  try {
    const io = capture()
    await runCli(['scan', echo.url(), '--rate', '0', '--path', '/build', '--format', 'json'], io)
    const findings = JSON.parse(io.out()).findings as Array<{ rule: string; route: string }>
    expect(findings.filter((f) => f.route === 'GET /build')).toEqual([])
    expect(findings.filter((f) => f.rule === 'shadow-endpoint')).toEqual([])
  } finally {
    delete process.env.LG_TEST_CI_SHA
  }
})

it('judges JSON nested past the depth limit as text, and says so', async () => {
  const io = capture()
  await runCli(['scan', echo.url(), '--rate', '0', '--path', '/deep', '--format', 'json', '--no-shadow'], io)
  const deep = JSON.parse(io.out()).findings.filter((f: { route: string }) => f.route === 'GET /deep')
  expect(deep).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ severity: 'medium', message: expect.stringMatching(/scanned as text only/) }),
      expect.objectContaining({ severity: 'high', detectors: expect.arrayContaining(['card']) }),
    ]),
  )
})
