import { afterEach, describe, expect, it, vi } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import {
  type AbuseAlert,
  type AbuseMonitor,
  type AbuseOptions,
  type AbuseRequest,
  compileAbuse,
} from './abuse.js'

const SECOND = 1000
const MINUTE = 60 * SECOND

/** A hand-driven clock: tests move time, nothing sleeps. */
function fakeClock(start = Date.UTC(2024, 0, 15, 12, 0, 0)) {
  const clock = {
    now: start,
    tick(ms: number) {
      clock.now += ms
    },
    set(ms: number) {
      clock.now = ms
    },
  }
  return clock
}
type Clock = ReturnType<typeof fakeClock>

function monitor(options: AbuseOptions | true, clock: Clock): AbuseMonitor {
  const compiled = compileAbuse(options, 'abuse', () => clock.now)
  if (compiled === undefined) throw new Error('expected a monitor')
  return compiled
}

/** Options with every detector off but the ones given. */
function only(options: AbuseOptions): AbuseOptions {
  return { burst: false, errors: false, tokensPerAddress: false, addressesPerToken: false, ...options }
}

function client(address?: string, principal?: string, token?: string): AbuseRequest {
  return { address, principal, token }
}

function repeat(times: number, call: () => readonly AbuseAlert[]): AbuseAlert[] {
  const alerts: AbuseAlert[] = []
  for (let i = 0; i < times; i++) alerts.push(...call())
  return alerts
}

function configError(options: unknown): LeakguardConfigError {
  try {
    compileAbuse(options, 'abuse')
  } catch (error) {
    expect(error).toBeInstanceOf(LeakguardConfigError)
    return error as LeakguardConfigError
  }
  throw new Error('expected a LeakguardConfigError')
}

describe('compileAbuse', () => {
  it('returns no monitor for undefined or false', () => {
    expect(compileAbuse(undefined, 'abuse')).toBeUndefined()
    expect(compileAbuse(false, 'abuse')).toBeUndefined()
  })

  it('turns on every detector but hours with true', () => {
    const clock = fakeClock()
    const abuse = monitor(true, clock)
    const ip = client('10.0.0.1')
    const bursts = repeat(100, () => abuse.request(ip))
    expect(bursts.map((a) => [a.kind, a.count, a.threshold, a.windowMs])).toEqual([
      ['burst', 100, 100, 10_000],
    ])

    const errors = repeat(20, () => abuse.response(client('10.0.0.2'), 500))
    expect(errors.map((a) => [a.kind, a.count, a.threshold, a.windowMs])).toEqual([
      ['error_burst', 20, 20, 60_000],
    ])

    const tokens = [1, 2, 3, 4, 5, 6].flatMap((i) => abuse.request(client('10.0.0.3', undefined, `fp${i}`)))
    expect(tokens.map((a) => [a.kind, a.count, a.threshold, a.windowMs])).toEqual([
      ['tokens_per_address', 6, 5, 600_000],
    ])

    const addresses = [1, 2, 3, 4, 5, 6].flatMap((i) => abuse.request(client(`10.1.0.${i}`, 'alice')))
    expect(addresses.map((a) => [a.kind, a.count, a.threshold, a.windowMs])).toEqual([
      ['addresses_per_token', 6, 5, 600_000],
    ])
  })
})

describe('burst', () => {
  const options = only({ burst: { window: '10s', min: 100, factor: 5 }, coalesce: 0 })

  it('alerts a client without a baseline once it reaches min requests in a window', () => {
    const abuse = monitor(options, fakeClock())
    expect(repeat(99, () => abuse.request(client('10.0.0.1')))).toEqual([])
    expect(abuse.request(client('10.0.0.1'))).toEqual([
      {
        kind: 'burst',
        subject: { kind: 'address', id: '10.0.0.1' },
        count: 100,
        threshold: 100,
        windowMs: 10_000,
      },
    ])
  })

  it('stays quiet for a client below min in every window', () => {
    const clock = fakeClock()
    const abuse = monitor(options, clock)
    for (let window = 0; window < 5; window++) {
      expect(repeat(99, () => abuse.request(client('10.0.0.1')))).toEqual([])
      clock.tick(10 * SECOND)
    }
  })

  it('alerts once per window however far past the threshold a client goes', () => {
    const abuse = monitor(options, fakeClock())
    expect(repeat(500, () => abuse.request(client('10.0.0.1')))).toHaveLength(1)
  })

  it('alerts a client steady at 50 per window that jumps to 300', () => {
    const clock = fakeClock()
    const abuse = monitor(options, clock)
    for (let window = 0; window < 5; window++) {
      expect(repeat(50, () => abuse.request(client('10.0.0.1')))).toEqual([])
      clock.tick(10 * SECOND)
    }
    const alerts = repeat(300, () => abuse.request(client('10.0.0.1')))
    expect(alerts).toEqual([
      {
        kind: 'burst',
        subject: { kind: 'address', id: '10.0.0.1' },
        count: 250,
        threshold: 250,
        windowMs: 10_000,
        baseline: 50,
      },
    ])
  })

  it('does not alert a client steady at 300 per window once its baseline formed', () => {
    const clock = fakeClock()
    const abuse = monitor(options, clock)
    // The first window has no baseline to compare with: 300 requests are a burst.
    expect(repeat(300, () => abuse.request(client('10.0.0.1')))).toHaveLength(1)
    for (let window = 0; window < 10; window++) {
      clock.tick(10 * SECOND)
      expect(repeat(300, () => abuse.request(client('10.0.0.1')))).toEqual([])
    }
  })

  it('measures a client back from a long silence against a decayed baseline', () => {
    const clock = fakeClock()
    const abuse = monitor(options, clock)
    for (let window = 0; window < 5; window++) {
      repeat(300, () => abuse.request(client('10.0.0.1')))
      clock.tick(10 * SECOND)
    }
    clock.tick(60 * MINUTE)
    const alerts = repeat(300, () => abuse.request(client('10.0.0.1')))
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ kind: 'burst', count: 100, threshold: 100 })
    expect(alerts[0]!.baseline).toBeLessThan(20)
  })

  it('counts by principal when there is one, else by address, else as unknown', () => {
    const abuse = monitor(options, fakeClock())
    // One principal spread over many addresses is one client.
    let n = 0
    const byPrincipal = repeat(100, () => abuse.request(client(`10.0.${n++}.1`, 'alice')))
    expect(byPrincipal.map((a) => a.subject)).toEqual([{ kind: 'principal', id: 'alice' }])
    const anonymous = repeat(100, () => abuse.request(client(undefined)))
    expect(anonymous.map((a) => a.subject)).toEqual([{ kind: 'address', id: 'unknown' }])
  })

  it('keeps a principal and an address of the same name apart', () => {
    const abuse = monitor(options, fakeClock())
    expect(repeat(50, () => abuse.request(client('x', 'x')))).toEqual([])
    expect(repeat(50, () => abuse.request(client('x')))).toEqual([])
  })
})

describe('errors', () => {
  const options = only({ errors: { window: '1m', min: 20, ratio: 0.5 }, coalesce: 0 })

  it('alerts when failures reach min and the ratio', () => {
    const abuse = monitor(options, fakeClock())
    repeat(10, () => abuse.response(client('10.0.0.1'), 200))
    expect(repeat(19, () => abuse.response(client('10.0.0.1'), 401))).toEqual([])
    expect(abuse.response(client('10.0.0.1'), 404)).toEqual([
      {
        kind: 'error_burst',
        subject: { kind: 'address', id: '10.0.0.1' },
        count: 20,
        threshold: 20,
        windowMs: 60_000,
      },
    ])
    expect(repeat(100, () => abuse.response(client('10.0.0.1'), 500))).toEqual([])
  })

  it('does not alert when failures are a small share of responses', () => {
    const abuse = monitor(options, fakeClock())
    repeat(100, () => abuse.response(client('10.0.0.1'), 200))
    expect(repeat(40, () => abuse.response(client('10.0.0.1'), 401))).toEqual([])
  })

  it('does not alert when failures are spread over windows', () => {
    const clock = fakeClock()
    const abuse = monitor(options, clock)
    for (let window = 0; window < 5; window++) {
      expect(repeat(19, () => abuse.response(client('10.0.0.1'), 401))).toEqual([])
      clock.tick(MINUTE)
    }
  })

  it('counts statuses below 400 as successes', () => {
    const abuse = monitor(options, fakeClock())
    expect(repeat(50, () => abuse.response(client('10.0.0.1'), 399))).toEqual([])
  })
})

describe('tokensPerAddress', () => {
  const options = only({ tokensPerAddress: { window: '10m', max: 5 }, coalesce: 0 })

  it('alerts when one address presents more than max distinct tokens', () => {
    const abuse = monitor(options, fakeClock())
    for (const i of [1, 2, 3, 4, 5, 1, 2, 3])
      expect(abuse.request(client('10.0.0.1', `user${i}`, `fp${i}`))).toEqual([])
    expect(abuse.request(client('10.0.0.1', 'user6', 'fp6'))).toEqual([
      {
        kind: 'tokens_per_address',
        subject: { kind: 'address', id: '10.0.0.1' },
        count: 6,
        threshold: 5,
        windowMs: 600_000,
      },
    ])
    expect(abuse.request(client('10.0.0.1', 'user7', 'fp7'))).toEqual([])
  })

  it('starts counting again in a new window', () => {
    const clock = fakeClock()
    const abuse = monitor(options, clock)
    for (const i of [1, 2, 3, 4, 5]) abuse.request(client('10.0.0.1', undefined, `fp${i}`))
    clock.tick(10 * MINUTE)
    for (const i of [6, 7, 8, 9, 10])
      expect(abuse.request(client('10.0.0.1', undefined, `fp${i}`))).toEqual([])
  })

  it('skips requests without an address or a token', () => {
    const abuse = monitor(options, fakeClock())
    let n = 0
    expect(repeat(10, () => abuse.request(client(undefined, undefined, `fp${n++}`)))).toEqual([])
    expect(repeat(10, () => abuse.request(client('10.0.0.1', `user${n++}`)))).toEqual([])
    expect(abuse.size()).toBe(0)
  })
})

describe('addressesPerToken', () => {
  const options = only({ addressesPerToken: { window: '10m', max: 5 }, coalesce: 0 })

  it('alerts when one principal is used from more than max addresses', () => {
    const abuse = monitor(options, fakeClock())
    for (const i of [1, 2, 3, 4, 5, 5, 1])
      expect(abuse.request(client(`10.0.0.${i}`, 'alice', 'fp-a'))).toEqual([])
    expect(abuse.request(client('10.0.0.6', 'alice', 'fp-a'))).toEqual([
      {
        kind: 'addresses_per_token',
        subject: { kind: 'principal', id: 'alice' },
        count: 6,
        threshold: 5,
        windowMs: 600_000,
      },
    ])
  })

  it('follows the token fingerprint when there is no principal', () => {
    const abuse = monitor(options, fakeClock())
    const alerts = [1, 2, 3, 4, 5, 6].flatMap((i) => abuse.request(client(`10.0.0.${i}`, undefined, 'fp-x')))
    expect(alerts.map((a) => [a.kind, a.subject])).toEqual([
      ['addresses_per_token', { kind: 'principal', id: 'fp-x' }],
    ])
  })

  it('skips requests without an address, or without a principal and a token', () => {
    const abuse = monitor(options, fakeClock())
    let n = 0
    expect(repeat(10, () => abuse.request(client(undefined, 'alice', 'fp-a')))).toEqual([])
    expect(repeat(10, () => abuse.request(client(`10.0.0.${n++}`)))).toEqual([])
    expect(abuse.size()).toBe(0)
  })
})

describe('hours', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('alerts outside a range in UTC, to being the first minute outside', () => {
    const clock = fakeClock()
    const abuse = monitor(only({ hours: { from: '09:00', to: '17:00' }, coalesce: 0 }), clock)
    const at = (hh: number, mm: number) => {
      clock.set(Date.UTC(2024, 0, 15, hh, mm))
      return abuse.request(client('10.0.0.1')).map((a) => a.kind)
    }
    expect(at(8, 59)).toEqual(['off_hours'])
    expect(at(9, 0)).toEqual([])
    expect(at(16, 59)).toEqual([])
    expect(at(17, 0)).toEqual(['off_hours'])
  })

  it('reads a wrapping range in the given time zone', () => {
    const clock = fakeClock()
    const abuse = monitor(
      only({ hours: { from: '22:00', to: '06:00', timeZone: 'America/New_York' }, coalesce: 0 }),
      clock,
    )
    const alertsAt = (utc: number) => {
      clock.set(utc)
      return abuse.request(client('10.0.0.1', 'batch-job'))
    }
    // 23:00 UTC is 18:00 in New York (EST, UTC-5): outside, though inside the range in UTC.
    expect(alertsAt(Date.UTC(2024, 0, 15, 23, 0))).toEqual([
      {
        kind: 'off_hours',
        subject: { kind: 'principal', id: 'batch-job' },
        count: 1,
        threshold: 0,
        windowMs: 0,
      },
    ])
    // 09:00 UTC is 04:00 in New York: inside, though outside the range in UTC.
    expect(alertsAt(Date.UTC(2024, 0, 15, 9, 0))).toEqual([])
    // 03:30 UTC is 22:30 the evening before: inside.
    expect(alertsAt(Date.UTC(2024, 0, 15, 3, 30))).toEqual([])
    // 11:00 UTC is 06:00: the first minute outside.
    expect(alertsAt(Date.UTC(2024, 0, 15, 11, 0))).toHaveLength(1)
    // Summer time (EDT, UTC-4): 02:30 UTC is 22:30, 10:30 UTC is 06:30.
    expect(alertsAt(Date.UTC(2024, 6, 15, 2, 30))).toEqual([])
    expect(alertsAt(Date.UTC(2024, 6, 15, 10, 30))).toHaveLength(1)
  })

  it('gives the hours after midnight to the day the range started on', () => {
    const clock = fakeClock()
    const abuse = monitor(
      only({
        hours: { from: '22:00', to: '06:00', timeZone: 'America/New_York', days: [1, 2, 3, 4, 5] },
        coalesce: 0,
      }),
      clock,
    )
    const kindsAt = (utc: number) => {
      clock.set(utc)
      return abuse.request(client('10.0.0.1')).map((a) => a.kind)
    }
    // Saturday 2024-01-13 02:00 New York: Friday night's range.
    expect(kindsAt(Date.UTC(2024, 0, 13, 7, 0))).toEqual([])
    // Sunday 2024-01-14 02:00: Saturday night, not allowed.
    expect(kindsAt(Date.UTC(2024, 0, 14, 7, 0))).toEqual(['off_hours'])
    // Sunday 2024-01-14 23:00: Sunday not allowed.
    expect(kindsAt(Date.UTC(2024, 0, 15, 4, 0))).toEqual(['off_hours'])
    // Monday 2024-01-15 23:00: allowed.
    expect(kindsAt(Date.UTC(2024, 0, 16, 4, 0))).toEqual([])
  })

  it('asks Intl once per minute, not per request', () => {
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts')
    const clock = fakeClock(Date.UTC(2024, 0, 15, 12, 0, 0))
    const abuse = monitor(only({ hours: { from: '09:00', to: '17:00', timeZone: 'Europe/Paris' } }), clock)
    formatToParts.mockClear()
    for (let i = 0; i < 1000; i++) {
      abuse.request(client(`10.0.0.${i}`))
      clock.tick(50) // 1000 requests over 50 s: all in one minute
    }
    expect(formatToParts).toHaveBeenCalledTimes(1)
    clock.tick(MINUTE)
    abuse.request(client('10.0.0.1'))
    expect(formatToParts).toHaveBeenCalledTimes(2)
  })
})

describe('coalescing', () => {
  const hours = { from: '00:00', to: '00:01' } // 12:00 UTC is outside: every request alerts

  it('emits one alert per kind and subject within coalesce', () => {
    const clock = fakeClock()
    const abuse = monitor(only({ hours, coalesce: '5m' }), clock)
    expect(abuse.request(client('10.0.0.1'))).toHaveLength(1)
    clock.tick(4 * MINUTE)
    expect(repeat(10, () => abuse.request(client('10.0.0.1')))).toEqual([])
    expect(abuse.request(client('10.0.0.2'))).toHaveLength(1)
    clock.tick(MINUTE)
    expect(abuse.request(client('10.0.0.1'))).toHaveLength(1)
  })

  it('coalesces burst alerts across windows', () => {
    const clock = fakeClock()
    const abuse = monitor(only({ burst: { window: '10s', min: 10, factor: 2 }, coalesce: '1m' }), clock)
    let alerts = 0
    for (let window = 0; window < 6; window++) {
      alerts += repeat(window % 2 === 0 ? 10 : 100, () => abuse.request(client('10.0.0.1'))).length
      clock.tick(10 * SECOND)
    }
    expect(alerts).toBe(1)
  })
})

describe('maxAlertsPerMinute', () => {
  const hours = { from: '00:00', to: '00:01' }

  it('drops alerts past the cap and reports them as suppressed on the next one', () => {
    const clock = fakeClock()
    const abuse = monitor(only({ hours, maxAlertsPerMinute: 3 }), clock)
    const first = Array.from({ length: 10 }, (_, i) => abuse.request(client(`10.0.0.${i}`))).flat()
    expect(first).toHaveLength(3)
    expect(first.every((a) => a.suppressed === undefined)).toBe(true)
    clock.tick(MINUTE)
    const [next, ...rest] = Array.from({ length: 3 }, (_, i) => abuse.request(client(`10.0.1.${i}`))).flat()
    expect(next).toMatchObject({ kind: 'off_hours', subject: { id: '10.0.1.0' }, suppressed: 7 })
    expect(rest).toHaveLength(2)
    expect(rest.every((a) => a.suppressed === undefined)).toBe(true)
  })

  it('counts a suppressed subject once, not once per request', () => {
    const clock = fakeClock()
    const abuse = monitor(only({ hours, maxAlertsPerMinute: 1 }), clock)
    abuse.request(client('10.0.0.1'))
    repeat(50, () => abuse.request(client('10.0.0.2')))
    clock.tick(MINUTE)
    expect(abuse.request(client('10.0.0.3'))).toEqual([expect.objectContaining({ suppressed: 1 })])
  })
})

describe('run time', () => {
  it('never throws, whatever it is handed', () => {
    const abuse = compileAbuse({ hours: { from: '09:00', to: '17:00' } }, 'abuse', () => {
      throw new Error('clock broke')
    })!
    expect(abuse.request(client('10.0.0.1'))).toEqual([])
    expect(abuse.response(client('10.0.0.1'), 500)).toEqual([])
    const clock = fakeClock()
    const other = monitor(true, clock)
    const junk = { address: 42, principal: {}, token: null } as unknown as AbuseRequest
    expect(() => other.request(junk)).not.toThrow()
    expect(() => other.response(junk, Number.NaN)).not.toThrow()
    expect(() => other.request(null as unknown as AbuseRequest)).not.toThrow()
  })

  it('reports a long principal in full while keying it by hash', () => {
    const abuse = monitor(only({ burst: { min: 2 } }), fakeClock())
    const long = 'p'.repeat(10_000)
    abuse.request(client('10.0.0.1', long))
    expect(abuse.request(client('10.0.0.1', long))[0]?.subject).toEqual({ kind: 'principal', id: long })
  })
})

describe('option validation', () => {
  it.each([
    [{ burst: { window: 'soon' } }, 'abuse.burst.window', /duration/],
    [{ burst: { window: 500 } }, 'abuse.burst.window', /from 1000 ms/],
    [{ errors: { window: '2 weeks' } }, 'abuse.errors.window', /duration/],
    [{ coalesce: '-5m' }, 'abuse.coalesce', /duration/],
    [{ hours: { from: '24:00', to: '06:00' } }, 'abuse.hours.from', /HH:MM/],
    [{ hours: { from: '9:00', to: '17:00' } }, 'abuse.hours.from', /HH:MM/],
    [{ hours: { from: '09:00', to: '17:60' } }, 'abuse.hours.to', /HH:MM/],
    [{ hours: { from: '09:00' } }, 'abuse.hours.to', /HH:MM/],
    [{ hours: { from: '09:00', to: '09:00' } }, 'abuse.hours.to', /leave hours out to allow every hour/],
    [
      { hours: { from: '09:00', to: '17:00', timeZone: 'Mars/Olympus_Mons' } },
      'abuse.hours.timeZone',
      /IANA/,
    ],
    [{ hours: { from: '09:00', to: '17:00', days: [1, 7] } }, 'abuse.hours.days[1]', /0 \(Sunday\) to 6/],
    [{ hours: { from: '09:00', to: '17:00', days: [] } }, 'abuse.hours.days', /leave days out/],
    [{ hours: true }, 'abuse.hours', /leave hours out/],
    [{ errors: { ratio: 0 } }, 'abuse.errors.ratio', /above 0 and at most 1/],
    [{ errors: { ratio: 1.5 } }, 'abuse.errors.ratio', /above 0 and at most 1/],
    [{ burst: { factor: 1 } }, 'abuse.burst.factor', /above 1/],
    [{ burst: { min: 0 } }, 'abuse.burst.min', /integer from 1/],
    [{ tokensPerAddress: { max: 2.5 } }, 'abuse.tokensPerAddress.max', /integer from 1 to 1000/],
    [{ addressesPerToken: true }, 'abuse.addressesPerToken', /false or an object/],
    [{ maxClients: 0 }, 'abuse.maxClients', /integer from 1/],
    [{ maxAlertsPerMinute: -1 }, 'abuse.maxAlertsPerMinute', /integer from 1/],
    ['on', 'abuse', /expected true, false or an object/],
  ])('refuses %j, naming %s', (options, option, message) => {
    const error = configError(options)
    expect(error.option).toBe(option)
    expect(error.message).toContain(`${option}:`)
    expect(error.message).toMatch(message)
    expect(error.code).toBe('ERR_LG_CONFIG_INVALID_OPTION')
  })

  it.each([
    [{ brust: { min: 10 } }, 'abuse.brust'],
    [{ burst: { windw: '10s' } }, 'abuse.burst.windw'],
    [{ hours: { from: '09:00', to: '17:00', tz: 'UTC' } }, 'abuse.hours.tz'],
  ])('refuses the unknown option in %j', (options, option) => {
    const error = configError(options)
    expect(error.option).toBe(option)
    expect(error.code).toBe('ERR_LG_CONFIG_UNKNOWN_OPTION')
    expect(error.message).toMatch(/valid options are/)
  })
})

describe('memory', () => {
  it('holds at most maxClients entries per counter, however many clients come', () => {
    const clock = fakeClock()
    const abuse = monitor(
      // Every request is off hours, so the coalescing map fills too.
      { maxClients: 10_000, hours: { from: '00:00', to: '00:01' } },
      clock,
    )
    const gc = (globalThis as { gc?: () => void }).gc
    const round = (offset: number) => {
      for (let i = offset; i < offset + 100_000; i++) {
        const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
        // Half the clients are signed in: principals and addresses both become subjects.
        const user = client(address, i % 2 === 0 ? `user-${i}` : undefined, `fp-${i}`)
        abuse.request(user)
        abuse.response(user, i % 3 === 0 ? 401 : 200)
        if (i % 1000 === 0) clock.tick(SECOND)
      }
      expect(abuse.size()).toBe(10_000)
    }
    round(0)
    gc?.()
    const before = process.memoryUsage().heapUsed
    round(100_000)
    gc?.()
    const after = process.memoryUsage().heapUsed
    if (gc !== undefined) expect(after - before).toBeLessThan(20 * 1024 * 1024)
  })
})
