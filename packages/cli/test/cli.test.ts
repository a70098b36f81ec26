import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HELP, runCli, version } from '../src/cli.js'
import { capture, serveDuringTests } from './io.js'

// A tiny API: / answers JSON with an email, /.env answers a secret, the rest 404.
const api = serveDuringTests((req, res) => {
  if (req.url === '/') res.writeHead(200, { 'content-type': 'application/json' }).end('{"contact":"a@b.co"}')
  else if (req.url === '/.env')
    res.writeHead(200, { 'content-type': 'text/plain' }).end('DB_PASSWORD=correct-horse-battery\n')
  else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
})

const run = async (args: string[], options?: Parameters<typeof capture>[0]) => {
  const io = capture(options)
  const status = await runCli(args, io)
  return { status, out: io.out(), err: io.err() }
}

describe('leakguard scan (CLI)', () => {
  it('explains every flag in --help', async () => {
    const { status, out } = await run(['--help'])
    expect(status).toBe(0)
    expect(out).toBe(HELP)
    const source = await readFile(new URL('../src/cli.ts', import.meta.url), 'utf8')
    const flags = [
      ...source.slice(source.indexOf('const OPTIONS')).matchAll(/^ {2}'?([\w-]+)'?: \{ type/gm),
    ].map((m) => m[1]!)
    expect(flags.length).toBeGreaterThan(15)
    for (const flag of flags) expect(HELP, flag).toContain(`--${flag}`)
    expect((await run([])).status).toBe(2)
    expect((await run(['-v'])).out).toBe(`${version()}\n`)
  })

  it('refuses bad arguments with exit status 2, a code and a fix', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['scan'], /give the base URL/],
      [['probe', api.url()], /unknown command "probe"/],
      [['scan', api.url(), '--format', 'xml'], /--format is table, json or sarif/],
      [['scan', api.url(), '--fail-on', 'critical'], /--fail-on is high/],
      [['scan', api.url(), '--max-requests', '0'], /--max-requests takes a whole number from 1/],
      [['scan', api.url(), '--rate', '-1'], /--rate/],
      [['scan', api.url(), '--header', 'no colon'], /--header takes "Name: value"/],
      [['scan', api.url(), '--header', 'X-A: b\r\nX-B: c'], /--header takes/],
      [['scan', api.url(), '--param', 'novalue'], /--param takes name=value/],
      [['scan', api.url(), '--path', 'relative'], /--path takes a path starting with \//],
      [['scan', api.url(), '--token', 'abc\u2019def'], /--token takes a bearer token/],
      [['scan', api.url(), '--header', 'X-Key: caf\u20ac'], /--header takes/],
      [
        ['scan', api.url(), '--output', '/nonexistent-dir/report.json'],
        /--output: cannot write into \/nonexistent-dir/,
      ],
      [['scan', 'http://api.localhost:3000'], /not a loopback host/],
      [['scan', api.url(), '--bogus'], /Unknown option '--bogus'.*ERR_LG_SCAN_USAGE/],
      [
        ['scan', 'https://example.com'],
        /not a loopback host.*--allow-host example.com.*ERR_LG_SCAN_HOST_NOT_ALLOWED/,
      ],
      [['scan', api.url(), '--openapi', '/nonexistent/openapi.json'], /ERR_LG_SCAN_OPENAPI/],
      [['scan', 'http://127.0.0.1:1'], /did not answer.*ERR_LG_SCAN_UNREACHABLE/],
    ]
    for (const [args, message] of cases) {
      const { status, err, out } = await run(args)
      expect(status, args.join(' ')).toBe(2)
      expect(err, args.join(' ')).toMatch(message)
      expect(out).toBe('')
    }
  })

  it('prints a table, gates on --fail-on, and writes reports to --output', async () => {
    const table = await run(['scan', api.url(), '--rate', '0', '--burst', '3'])
    expect(table.status).toBe(1)
    expect(table.out).toMatch(/^SEVERITY +RULE +ROUTE +STATUS +WHAT/)
    expect(table.out).toMatch(/HIGH +LG109 shadow-endpoint +GET \/\.env/)
    expect(table.out).toMatch(/HIGH +LG101 sensitive-data +GET \/\.env/)
    expect(table.out).not.toContain('correct-horse')
    expect(table.out).not.toContain('\u001b[')
    expect((await run(['scan', api.url(), '--rate', '0', '--burst', '0', '--fail-on', 'never'])).status).toBe(
      0,
    )
    const dir = await mkdtemp(join(tmpdir(), 'leakguard-scan-'))
    const output = join(dir, 'report.json')
    const written = await run(['scan', api.url(), '--rate', '0', '--format', 'json', '--output', output])
    expect(written.out).toBe('')
    expect(written.err).toMatch(/report written to/)
    expect(JSON.parse(await readFile(output, 'utf8'))).toMatchObject({ tool: 'leakguard scan', version: 1 })
  })

  it('shows a progress line and colors on a terminal, neither elsewhere nor with --quiet/NO_COLOR', async () => {
    const tty = await run(['scan', api.url(), '--rate', '0', '--burst', '2'], { tty: true })
    const line = new RegExp(String.raw`\r${'\u001b'}\[K\[ *\d+/\d+\] GET /`)
    expect(tty.err).toMatch(line)
    expect(tty.err.endsWith('\r\u001b[K')).toBe(true)
    expect(tty.out).toContain('\u001b[31m')
    const quiet = await run(['scan', api.url(), '--rate', '0', '--burst', '2', '--quiet', '--no-color'], {
      tty: true,
    })
    expect(quiet.err).toBe('')
    expect(quiet.out).not.toContain('\u001b[')
    const noColor = await run(['scan', api.url(), '--rate', '0', '--burst', '2'], {
      tty: true,
      env: { NO_COLOR: '1' },
    })
    expect(noColor.out).not.toContain('\u001b[')
  })

  it('keeps to --max-requests and says what it did not send', async () => {
    const { out, status } = await run([
      'scan',
      api.url(),
      '--rate',
      '0',
      '--max-requests',
      '5',
      '--format',
      'json',
      '--fail-on',
      'never',
    ])
    const report = JSON.parse(out)
    expect(status).toBe(0) // the walk was done: only shadow paths and the burst were cut
    expect(report.requests).toBe(5)
    expect(report.skipped).toBeGreaterThan(20)
    expect(report.notes.join('\n')).toMatch(/budget of 5 requests ran out: about \d+ planned/)
  })

  it('prints an incomplete report and exits 2: routes never requested, no answers, stopped', async () => {
    const cut = await run([
      'scan',
      api.url(),
      '--rate',
      '0',
      '--max-requests',
      '2',
      '--path',
      '/a',
      '--path',
      '/b',
    ])
    expect(cut.status).toBe(2)
    expect(cut.out).toMatch(/note: incomplete: 2 of 3 routes were never requested/)
    expect(cut.err).toMatch(/the scan is incomplete .*ERR_LG_SCAN_INCOMPLETE/)
    const controller = new AbortController()
    const io = { ...capture(), signal: controller.signal }
    const scanning = runCli(['scan', api.url(), '--rate', '5', '--format', 'json'], io)
    setTimeout(() => controller.abort(), 300)
    expect(await scanning).toBe(2)
    const report = JSON.parse(io.out())
    expect(report.complete).toBe(false)
    expect(report.requests).toBeLessThan(10)
    expect(report.notes).toContain('incomplete: the scan was stopped')
  })
})

describe('server paths', () => {
  // Petstore-style: the document's paths live under its server path.
  const petstore = serveDuringTests((req, res) => {
    if (req.url === '/api/v3/pets/1')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1,"name":"Rex","owner":"a@b.co"}')
    else res.writeHead(404).end()
  })

  it('walks the paths under the server path of the document when the base URL has none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leakguard-scan-'))
    const doc = join(dir, 'openapi.json')
    const schema = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } }
    await writeFile(
      doc,
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'pets', version: '1' },
        servers: [{ url: '/api/{version}', variables: { version: { default: 'v3' } } }],
        paths: {
          '/pets/{id}': {
            get: {
              parameters: [
                { name: 'id', in: 'path', required: true, example: 1, schema: { type: 'integer' } },
              ],
              responses: { '200': { description: 'a pet', content: { 'application/json': { schema } } } },
            },
          },
        },
      }),
    )
    const { out } = await run(['scan', petstore.url(), '--openapi', doc, '--format', 'json', '--rate', '0'])
    const report = JSON.parse(out)
    expect(report.target).toBe(`${petstore.url()}/api/v3/`)
    expect(report.routes).toEqual([expect.objectContaining({ route: 'GET /pets/:id', status: 200 })])
    expect(report.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'excessive-exposure', where: ['$.owner'] })]),
    )
    expect(report.notes.join('\n')).toMatch(/walked under its server path \/api\/v3/)
    // A base URL with a path is taken as given.
    const given = JSON.parse(
      (await run(['scan', `${petstore.url()}/api/v3`, '--openapi', doc, '--format', 'json', '--rate', '0']))
        .out,
    )
    expect(given.notes.join('\n')).not.toMatch(/server path/)
    expect(given.routes[0].status).toBe(200)
  })
})

describe('an API under a path of a larger site', () => {
  // A single-page app at the root (200 and its index for every path), the API under /api, and a
  // configuration file left at the root.
  const site = serveDuringTests((req, res) => {
    if (req.url === '/api/')
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    if (req.url?.startsWith('/api/'))
      return res.writeHead(404, { 'content-type': 'text/plain' }).end('no route')
    if (req.url === '/.env')
      return res.writeHead(200, { 'content-type': 'text/plain' }).end('DB_PASSWORD=correct-horse-battery\n')
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><div id="app"></div>')
  })

  it("probes the site's root for configuration files, judged against the root's own not-found", async () => {
    const { out } = await run([
      'scan',
      `${site.url()}/api`,
      '--format',
      'json',
      '--rate',
      '0',
      '--burst',
      '0',
    ])
    const shadows = JSON.parse(out).findings.filter((f: { rule: string }) => f.rule === 'shadow-endpoint')
    expect(shadows).toEqual([
      expect.objectContaining({ route: `GET /.env (at ${site.url()})`, severity: 'high', path: '/.env' }),
    ])
    expect(out).not.toContain('correct-horse')
  })
})
