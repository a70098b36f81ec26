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
        message: "1 member the response schema does not name: $['\u001b]0;pwned\u0007']",
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
})
