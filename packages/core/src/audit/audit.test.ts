import { PassThrough } from 'node:stream'
import pino from 'pino'
import { describe, expect, it, vi } from 'vitest'
import { createGuard } from '../guard.js'
import type { GuardOptions } from '../options.js'
import { createDispatcher } from './dispatch.js'
import { toEcs } from './ecs.js'
import type { LeakguardEvent } from './events.js'
import { countersSink, jsonLinesSink, openTelemetrySink, pinoSink } from './sinks.js'

const CARD = '4111 1111 1111 1111'

/** Runs one response that drops a member, redacts a card and (status 500) is a problem body. */
async function eventsOf(options: GuardOptions, run = 1): Promise<LeakguardEvent[]> {
  const events: LeakguardEvent[] = []
  const guard = createGuard({
    routes: { 'GET /u': { allow: ['$.note'] } },
    ...options,
    audit: { onEvent: (e) => void events.push(e), ...options.audit },
  })
  for (let i = 0; i < run; i++) {
    guard.filterResponse(guard.startRequest({ method: 'GET', path: '/u', native: {} }), {
      status: 200,
      body: { note: `card ${CARD}`, secret: 'x' },
    })
    guard.filterResponse(guard.startRequest({ method: 'GET', path: '/u', native: {} }), {
      status: 200,
      body: { note: 1n },
    })
  }
  await guard.flush()
  return events
}

describe('audit filters', () => {
  it('delivers every decision as its documented event', async () => {
    expect((await eventsOf({})).map((e) => [e.type, e.severity])).toEqual([
      ['response.redacted', 'warn'],
      ['response.fields_dropped', 'info'],
      ['response.blocked', 'error'],
    ])
  })

  it('keeps only the listed types, the minimum severity, and the sampled share', async () => {
    expect((await eventsOf({ audit: { types: ['response.blocked'] } })).map((e) => e.type)).toEqual([
      'response.blocked',
    ])
    expect((await eventsOf({ audit: { minSeverity: 'warn' } })).map((e) => e.type)).toEqual([
      'response.redacted',
      'response.blocked',
    ])
    expect(
      (await eventsOf({ audit: { sample: { 'response.fields_dropped': 0 } } }, 5)).filter(
        (e) => e.type === 'response.fields_dropped',
      ),
    ).toEqual([])
    expect(
      (await eventsOf({ audit: { sample: { 'response.fields_dropped': 1 } } }, 5)).filter(
        (e) => e.type === 'response.fields_dropped',
      ),
    ).toHaveLength(5)
  })

  it('samples at the configured rate', async () => {
    let next = 0
    const values = [0.1, 0.9, 0.4, 0.6]
    const seen: string[] = []
    const dispatcher = createDispatcher({
      sinks: [{ write: (e) => void seen.push(e.id) }],
      maxQueue: 10,
      types: undefined,
      minSeverity: 'info',
      sample: { 'config.warning': 0.5 },
      random: () => values[next++ % values.length]!,
    })
    for (let i = 0; i < 4; i++) {
      dispatcher.emit({
        type: 'config.warning',
        id: String(i),
        time: '',
        severity: 'warn',
        outcome: 'unknown',
        mode: 'enforce',
        warning: { code: 'c', message: 'm' },
      })
    }
    await dispatcher.flush()
    expect(seen).toEqual(['0', '2'])
  })

  it('refuses unknown event types and bad rates at startup', () => {
    expect(() => createGuard({ audit: { types: ['response.leaked' as never] } })).toThrow(
      /audit\.types\[0\]: unknown event type/,
    )
    expect(() => createGuard({ audit: { sample: { 'response.redacted': 2 } } })).toThrow(/rate from 0 to 1/)
    expect(() => createGuard({ audit: { minSeverity: 'debug' as never } })).toThrow(/audit\.minSeverity/)
    expect(() => createGuard({ audit: { sinks: [{}] as never } })).toThrow(/audit\.sinks\[0\]/)
  })

  it('counts events by type, drops, and failed deliveries', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const guard = createGuard({
      routes: { 'GET /u': { allow: ['$.a'] } },
      audit: {
        maxQueue: 1,
        sinks: [
          {
            write: () => {
              throw new Error('sink down')
            },
          },
        ],
      },
    })
    for (let i = 0; i < 3; i++) {
      guard.filterResponse(guard.startRequest({ method: 'GET', path: '/u', native: {} }), {
        status: 200,
        body: { a: 1, b: 2 },
      })
    }
    await guard.flush()
    expect(guard.auditMetrics()).toEqual({ events: { 'response.fields_dropped': 3 }, dropped: 2, failed: 2 })
    warning.mockRestore()
  })
})

describe('fingerprints', () => {
  it('gives the same secret the same fingerprint, and none without a key', async () => {
    const key = 'f'.repeat(32)
    const fingerprints = async (options: GuardOptions) =>
      (await eventsOf(options, 2))
        .flatMap((e) => (e.type === 'response.redacted' ? e.findings : []))
        .map((f) => f.fingerprints)
    const [a, b] = await fingerprints({ audit: { fingerprintKey: key } })
    expect(a).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)])
    expect(b).toEqual(a)
    expect(await fingerprints({})).toEqual([undefined, undefined])
    // Not '4111' alone: event ids are random UUIDs, and one in a few thousand holds those digits.
    expect(JSON.stringify(await eventsOf({ audit: { fingerprintKey: key } }))).not.toMatch(/4111[ -]?1111/)
    expect(() => createGuard({ audit: { fingerprintKey: 'short' } })).toThrow(/at least 32 bytes/)
  })
})

describe('request ids', () => {
  const idOf = (options: GuardOptions, incoming: string | undefined) =>
    createGuard(options).startRequest({ method: 'GET', path: '/', native: {}, requestId: incoming }).requestId

  it('takes a plain incoming id, and generates one for anything else', () => {
    expect(idOf({}, 'req-123:abc_DEF.9')).toBe('req-123:abc_DEF.9')
    for (const bad of [
      '',
      'a b',
      'x'.repeat(129),
      '<script>',
      'jane@example.com',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      undefined,
    ]) {
      expect(idOf({}, bad)).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(idOf({ requestId: { header: false } }, 'req-1')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('masks what a detector flags in the path events carry', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      responses: { default: 'deny' },
      audit: { onEvent: (e) => void events.push(e) },
    })
    guard.filterResponse(
      guard.startRequest({ method: 'GET', path: '/users/jane@example.com?token=abc', native: {} }),
      {
        status: 200,
        body: { a: 1 },
      },
    )
    await guard.flush()
    expect(events[0]?.request?.path).toBe('/users/[REDACTED:email]')
  })
})

describe('sinks', () => {
  const event: LeakguardEvent = {
    type: 'response.redacted',
    id: 'e1',
    time: '2026-01-01T00:00:00.000Z',
    severity: 'warn',
    outcome: 'success',
    mode: 'enforce',
    request: {
      id: 'r1',
      method: 'GET',
      route: 'GET /u',
      path: '/u',
      status: 200,
      clientAddress: '127.0.0.1',
    },
    findings: [{ path: '$.note', detector: 'card', count: 1 }],
    total: 1,
    truncated: false,
  }

  it('maps events to ECS field names', () => {
    expect(toEcs(event)).toEqual({
      '@timestamp': '2026-01-01T00:00:00.000Z',
      event: {
        id: 'e1',
        kind: 'event',
        category: ['web'],
        action: 'response.redacted',
        outcome: 'success',
        severity: 4,
        dataset: 'leakguard.audit',
      },
      log: { level: 'warn' },
      http: { request: { id: 'r1', method: 'GET' }, response: { status_code: 200 }, route: 'GET /u' },
      url: { path: '/u' },
      client: { address: '127.0.0.1' },
      leakguard: {
        mode: 'enforce',
        findings: [{ path: '$.note', detector: 'card', count: 1 }],
        total: 1,
        truncated: false,
      },
    })
  })

  it('logs through a pino child logger at the event level, in the documented shape', async () => {
    const lines: string[] = []
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')))
    const logger = pino({ level: 'info' }, stream)
    pinoSink(logger).write(event, undefined)
    pinoSink(logger).write(
      {
        ...event,
        severity: 'error',
        type: 'response.blocked',
        error: { code: 'ERR_LG_RESPONSE_CYCLE', message: 'm' },
      } as LeakguardEvent,
      undefined,
    )
    await new Promise((resolve) => setImmediate(resolve))
    const [first, second] = lines.map((line) => JSON.parse(line))
    expect(first).toMatchObject({
      level: 40,
      component: 'leakguard',
      msg: 'response.redacted',
      event: { action: 'response.redacted' },
      url: { path: '/u' },
    })
    expect(second).toMatchObject({
      level: 50,
      msg: 'response.blocked',
      leakguard: { error: { code: 'ERR_LG_RESPONSE_CYCLE' } },
    })
  })

  it('writes JSON lines', () => {
    const chunks: string[] = []
    jsonLinesSink({ write: (chunk: string) => chunks.push(chunk) } as never).write(event, undefined)
    expect(chunks).toHaveLength(1)
    expect(chunks[0]?.endsWith('\n')).toBe(true)
    expect(JSON.parse(chunks[0]!)).toEqual(toEcs(event))
  })

  it('adds span events to the span active when the event was created', () => {
    const added: unknown[] = []
    const span = {
      addEvent: (name: string, attributes: unknown) => added.push([name, attributes]),
      setAttribute: () => {},
    }
    const sink = openTelemetrySink({ getSpan: () => span })
    sink.write(event, sink.capture?.())
    expect(added).toEqual([
      [
        'response.redacted',
        expect.objectContaining({
          'http.route': 'GET /u',
          'leakguard.redacted.total': 1,
          'leakguard.redacted.detectors': ['card'],
        }),
      ],
    ])
    const defaultSink = openTelemetrySink()
    expect(() => defaultSink.write(event, defaultSink.capture?.())).not.toThrow() // no SDK: no active span
  })

  it('counts events by type in-process', () => {
    const counters = countersSink()
    counters.write(event, undefined)
    counters.write(event, undefined)
    expect(counters.snapshot()).toEqual({ 'response.redacted': 2 })
  })
})
