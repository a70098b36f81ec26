import { describe, expect, it } from 'vitest'
import {
  createGuard,
  type GuardOptions,
  LeakguardConfigError,
  type LeakguardEvent,
  type RateLimitRefusal,
  type RejectedRequest,
} from '../index.js'

const CLIENT = '198.51.100.23'

/** Sends requests from one client until the guard refuses one; returns that refusal. */
async function refusal(options: GuardOptions, path = '/items', events: LeakguardEvent[] = []) {
  const guard = createGuard({ ...options, audit: { onEvent: (e) => void events.push(e) } })
  for (let i = 0; i < 10; i++) {
    const context = guard.startRequest({ method: 'GET', path, native: {}, clientAddress: CLIENT })
    const decision = await guard.checkRequest(context, { headers: {} })
    if (!decision.allowed) {
      await guard.flush()
      return decision as RejectedRequest
    }
  }
  throw new Error('never refused')
}

const limits = [{ limit: 1, window: '1m', name: 'minute' }]

describe('the 429 problem document', () => {
  it('takes fixed members over the defaults, and stays a problem+json document with status 429', async () => {
    const refused = await refusal({
      rateLimit: {
        limits,
        problem: {
          type: 'https://example.com/problems/rate-limited',
          title: 'Slow down',
          docs: 'https://example.com/limits',
          support_id: 42,
        },
      },
    })
    expect(refused).toMatchObject({ status: 429, contentType: 'application/problem+json' })
    expect(JSON.parse(refused.payload)).toEqual({
      type: 'https://example.com/problems/rate-limited',
      title: 'Slow down',
      status: 429,
      detail: 'Too many requests; retry in 60 s',
      docs: 'https://example.com/limits',
      support_id: 42,
    })
    expect(refused.headers['retry-after']).toBe('60')
  })

  it('builds the members from the refusal with a function, which never sees the key', async () => {
    const seen: RateLimitRefusal[] = []
    const refused = await refusal(
      {
        routes: {
          'GET /reports/:id': {
            rateLimit: {
              limits,
              problem: (refusal) => {
                seen.push(refusal)
                return {
                  detail: `Only ${refusal.limit.quota} report a minute; retry in ${refusal.retryAfter} s`,
                }
              },
            },
          },
        },
      },
      '/reports/7',
    )
    expect(JSON.parse(refused.payload)).toMatchObject({
      title: 'Too Many Requests',
      status: 429,
      detail: 'Only 1 report a minute; retry in 60 s',
    })
    expect(seen).toEqual([
      {
        code: 'ERR_LG_RATELIMIT_EXCEEDED',
        limit: { name: 'minute', quota: 1, windowMs: 60_000 },
        retryAfter: 60,
        key: 'ip',
        method: 'GET',
        route: 'GET /reports/:id',
      },
    ])
    expect(JSON.stringify(seen)).not.toContain(CLIENT)
  })

  it("lets a route's problem replace the guard's, and routes without one inherit it", async () => {
    const options: GuardOptions = {
      rateLimit: { problem: { title: 'Slow down' } },
      routes: {
        'GET /a': { rateLimit: { limits } },
        'GET /b': { rateLimit: { limits, problem: { title: 'Too many exports' } } },
      },
    }
    expect(JSON.parse((await refusal(options, '/a')).payload).title).toBe('Slow down')
    expect(JSON.parse((await refusal(options, '/b')).payload).title).toBe('Too many exports')
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('template missing')
      },
    ],
    ['returns a status', () => ({ status: 200 })],
    ['returns a bad member name', () => ({ 'x-id': 1 })],
  ])('falls back to the default body, with one warning, when the function %s', async (_case, problem) => {
    const events: LeakguardEvent[] = []
    const refused = await refusal({ rateLimit: { limits, problem: problem as never } }, '/items', events)
    expect(JSON.parse(refused.payload)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too many requests; retry in 60 s',
    })
    expect(events.filter((e) => e.type === 'config.warning')).toMatchObject([
      { warning: { code: 'ERR_LG_RATELIMIT_PROBLEM_INVALID' } },
    ])
  })

  it.each([
    [{ status: 503 }, 'rateLimit.problem.status: is always 429'],
    [{ type: 'not a uri' }, 'rateLimit.problem.type: expected a URI reference'],
    [{ title: '' }, 'rateLimit.problem.title: expected a non-empty string'],
    [{ id: 1 }, 'rateLimit.problem.id: extension member names'],
    [{ retry: Number.NaN }, 'rateLimit.problem.retry: expected a JSON value'],
    [{ when: new Date(0) }, 'rateLimit.problem.when: expected a JSON value'],
    ['Slow down', 'rateLimit.problem: expected an object'],
  ])('refuses %j at startup', (problem, message) => {
    const create = () => createGuard({ rateLimit: { limits, problem: problem as never } })
    expect(create).toThrow(LeakguardConfigError)
    expect(create).toThrow(message)
  })
})
