import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { start as startExpress } from '@leakguard/example-express-app'
import { start as startFastify } from '@leakguard/example-fastify-app'
import { start as startKoa } from '@leakguard/example-koa-app'
import { demoToken } from '@leakguard/example-shop'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli.js'
import type { ScanReport } from '../src/scan.js'
import { capture } from './io.js'

const OPENAPI = fileURLToPath(new URL('../../../examples/shop/openapi.json', import.meta.url))
const FRAMEWORKS = { express: startExpress, koa: startKoa, fastify: startFastify }

/** Runs `leakguard scan --format json` against `url`; the exit status and the parsed report. */
async function scanJson(url: string, ...flags: string[]) {
  const io = capture()
  const status = await runCli(
    [
      'scan',
      url,
      '--openapi',
      OPENAPI,
      '--format',
      'json',
      '--rate',
      '0',
      '--token',
      demoToken('2'),
      ...flags,
    ],
    io,
  )
  return { status, report: JSON.parse(io.out()) as ScanReport, text: io.out(), errors: io.err() }
}

const rulesOf = (report: ScanReport, severity?: string) =>
  new Set(report.findings.filter((f) => severity === undefined || f.severity === severity).map((f) => f.rule))

describe.each(Object.entries(FRAMEWORKS))('leakguard scan against the example shop on %s', (_, start) => {
  const servers: Array<{ url: string; close(): Promise<void> }> = []
  let bare: { url: string }
  let guarded: { url: string }
  beforeAll(async () => {
    bare = await start({ protect: false })
    guarded = await start({ protect: true })
    servers.push(bare as never, guarded as never)
  })
  afterAll(() => Promise.all(servers.map((server) => server.close())))

  it('finds every class of leak in the app without leakguard, and fails the gate', async () => {
    const { status, report, text } = await scanJson(bare.url)
    expect(status).toBe(1)
    const high = rulesOf(report, 'high')
    expect(high).toEqual(new Set(['sensitive-data', 'error-disclosure', 'missing-auth', 'shadow-endpoint']))
    expect(rulesOf(report)).toEqual(
      new Set([...high, 'excessive-exposure', 'missing-rate-limit', 'sequential-ids', 'transport-hygiene']),
    )
    const find = (rule: string, route: string) =>
      report.findings.find((f) => f.rule === rule && f.route === route)
    // What the handlers send beyond the document, by path, and what the detectors recognise.
    expect(find('excessive-exposure', 'GET /users/:id')?.where).toEqual(
      expect.arrayContaining(['$.passwordHash', '$.card', '$.email']),
    )
    expect(find('sensitive-data', 'GET /users')?.detectors).toEqual(
      expect.arrayContaining(['card', 'email', 'key-name']),
    )
    expect(find('sensitive-data', 'GET /internal/config')?.detectors).toContain('postgres-url-password')
    expect(find('error-disclosure', 'GET /orders/:id/refund')).toMatchObject({
      status: 500,
      where: ['stack-trace', 'sql', 'driver-error', 'file-path'],
    })
    expect(find('missing-auth', 'GET /account')?.status).toBe(200)
    expect(find('shadow-endpoint', 'GET /internal/config')?.severity).toBe('high')
    expect(find('sequential-ids', 'GET /users')?.where).toEqual(['$.data[*].id'])
    // The report names places and detectors, never a value it found, nor the token it was given.
    // (The target's own address is left out: a random port can read 34111.)
    const written = text.replaceAll(new URL(report.target).host, '')
    for (const secret of ['4111', 'hunter2', '$2b$', demoToken('2').split('.')[2]!, '@example.com'])
      expect(written).not.toContain(secret)
  })

  it('finds nothing above low in the same app with leakguard, and passes the gate', async () => {
    const { status, report } = await scanJson(guarded.url)
    expect(report.findings.filter((f) => f.severity === 'high' || f.severity === 'medium')).toEqual([])
    expect(status).toBe(0)
    // Still true with leakguard, and reported as such: dense ids, a route left out of the limit.
    expect(rulesOf(report)).toContain('sequential-ids')
    // The caller's own email on GET /account is documented: contact details there are low.
    const own = report.findings.find((f) => f.rule === 'sensitive-data' && f.route === 'GET /account')
    expect(own?.severity ?? 'low').toBe('low')
    expect(report.routes.map((r) => r.route)).toEqual(
      expect.arrayContaining(['GET /health', 'GET /account', 'GET /users/:id', 'GET /orders/:id']),
    )
    expect((await scanJson(guarded.url, '--fail-on', 'low')).status).toBe(1)
  })
})

it('the shop document is the example policy in OpenAPI form', () => {
  const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, unknown> }
  expect(Object.keys(doc.paths)).toContain('/users/{id}')
})
