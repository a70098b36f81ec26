import { describe, expect, it, vi } from 'vitest'
import type { LeakguardEvent } from './audit/events.js'
import { LeakguardConfigError } from './errors.js'
import { createGuard } from './guard.js'
import type { GuardOptions } from './options.js'

interface FakeRequest {
  roles?: unknown
}

function run(
  options: GuardOptions<FakeRequest>,
  path: string,
  status: number,
  body: unknown,
  request: FakeRequest = {},
) {
  const guard = createGuard(options)
  const context = guard.startRequest({ method: 'GET', path, native: request })
  return guard.filterResponse(context, { status, body })
}

function configError(options: unknown): LeakguardConfigError {
  try {
    createGuard(options as GuardOptions)
  } catch (error) {
    if (error instanceof LeakguardConfigError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('createGuard options', () => {
  it('accepts no options at all', () => {
    expect(createGuard().mode).toBe('enforce')
  })

  it.each([
    [{ mode: 'audit' }, 'mode', 'expected one of "enforce", "report", got "audit"'],
    [{ responses: { default: 'block' } }, 'responses.default', 'expected one of "pass", "deny"'],
    [{ responses: { maxDepth: 0 } }, 'responses.maxDepth', 'expected an integer from 1 to 10000, got 0'],
    [{ responses: { problemView: ['$..stack'] } }, 'responses.problemView[0]', 'recursive descent'],
    [{ audit: { onEvent: 'log' } }, 'audit.onEvent', 'expected a function, got "log"'],
    [{ getRoles: ['admin'] }, 'getRoles', 'expected a function, got an array of 1'],
    [{ routes: 'GET /' }, 'routes', 'expected an object'],
    [null, 'options', 'expected an object, got null'],
  ])('refuses %j naming %s and what would be valid', (options, option, message) => {
    const error = configError(options)
    expect(error).toBeInstanceOf(LeakguardConfigError)
    expect(error.name).toBe('LeakguardConfigError')
    expect(error.option).toBe(option)
    expect(error.message).toContain(message)
    expect(error.message).toContain(`docs/errors.md#${error.code.toLowerCase()}`)
  })

  it('refuses options it does not know yet rather than ignoring a security setting', () => {
    const error = configError({ requestBodies: { allow: [] } } as never)
    expect(error.code).toBe('ERR_LG_CONFIG_UNKNOWN_OPTION')
    expect(error.option).toBe('options.requestBodies')
  })
})

describe('filterResponse', () => {
  const routes = {
    'GET /users/:id': { allow: ['$.id'], views: { admin: ['$.id', '$.email'], audit: ['$.id', '$.log'] } },
    'GET /roles-only': { views: { admin: ['$'] } },
  }
  const body = { id: 1, email: 'e', log: 'l', secret: 's' }

  it('unions the views of every matching role and ignores unknown roles', () => {
    expect(
      run({ routes, getRoles: (r) => r.roles as string[] }, '/users/1', 200, body, {
        roles: ['audit', 'admin', 'x'],
      }),
    ).toEqual({
      blocked: false,
      body: { id: 1, email: 'e', log: 'l' },
    })
  })

  it('gives nothing to a caller without a role on a route that only has role views', () => {
    expect(run({ routes }, '/roles-only', 200, body)).toEqual({ blocked: false, body: {} })
  })

  it('treats getRoles returning nothing as no roles, and anything but strings as a failure', () => {
    const getRoles = (r: FakeRequest) => r.roles as string[]
    expect(run({ routes, getRoles }, '/users/1', 200, body, { roles: undefined })).toEqual({
      blocked: false,
      body: { id: 1 },
    })
    expect(run({ routes, getRoles }, '/users/1', 200, body, { roles: 'admin' }).blocked).toBe(true)
    expect(run({ routes, getRoles }, '/users/1', 200, body, { roles: [1] }).blocked).toBe(true)
  })

  it('does not call getRoles for routes without role views', () => {
    const getRoles = vi.fn(() => ['admin'])
    run({ routes, getRoles }, '/elsewhere', 200, body)
    run({ routes: { 'GET /x': { allow: ['$.id'] } }, getRoles }, '/x', 200, body)
    expect(getRoles).not.toHaveBeenCalled()
  })

  it('passes null and undefined bodies through untouched', () => {
    expect(run({ responses: { default: 'deny' } }, '/', 200, null)).toEqual({ blocked: false, body: null })
    expect(run({ responses: { default: 'deny' } }, '/', 200, undefined)).toEqual({
      blocked: false,
      body: undefined,
    })
  })

  it('uses the problem view for 4xx and 5xx even when the route has an allowlist', () => {
    const problem = { title: 'Bad', status: 400, detail: 'd', stack: 's', id: 1 }
    expect(run({ routes }, '/users/1', 400, problem).body).toEqual({ title: 'Bad', status: 400, detail: 'd' })
    const crash = {
      error: 'Internal Server Error',
      message: 'ER_DUP_ENTRY: a@b.c',
      code: 'ER_DUP_ENTRY',
      detail: 'd',
    }
    expect(run({ routes }, '/users/1', 503, crash).body).toEqual({ error: 'Internal Server Error' })
    expect(run({ routes, responses: { problemView: ['$.id'] } }, '/users/1', 500, problem).body).toEqual({
      id: 1,
    })
  })

  it('fails closed with a generic problem, and in report mode sends the original body', () => {
    expect(run({}, '/', 200, { n: 1n })).toEqual({
      blocked: true,
      status: 500,
      contentType: 'application/problem+json',
      body: { type: 'about:blank', title: 'Internal Server Error', status: 500 },
      payload: '{"type":"about:blank","title":"Internal Server Error","status":500}',
    })
    const original = { n: 1n }
    expect(run({ mode: 'report' }, '/', 200, original)).toEqual({ blocked: false, body: original })
  })
})

describe('audit delivery', () => {
  it('delivers events after the response decision, never during it', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      responses: { default: 'deny' },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const context = guard.startRequest({
      method: 'GET',
      path: '/a?b=c',
      clientAddress: '127.0.0.1',
      native: {},
    })
    guard.filterResponse(context, { status: 200, body: { a: 1 } })
    expect(events).toHaveLength(0)
    await guard.flush()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      type: 'response.fields_dropped',
      request: { id: context.requestId, method: 'GET', path: '/a', status: 200, clientAddress: '127.0.0.1' },
    })
    expect(events[0]?.request).not.toHaveProperty('route')
    expect(Date.parse(events[0]?.time ?? '')).not.toBeNaN()
  })

  it('gives every fields_dropped event its own paths, masked, in the order they were dropped', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      routes: { 'GET /users': { allow: ['$[*].name'] } },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const send = (body: unknown) =>
      guard.serializeResponse(guard.startRequest({ method: 'GET', path: '/users', native: {} }), {
        status: 200,
        body,
      })
    const row = { name: 'a', 'ada@example.com': 1, password: 'p' }
    send([row, row])
    await guard.flush()
    const first = events[0] as Extract<LeakguardEvent, { type: 'response.fields_dropped' }>
    // An email used as a member name is masked in the path the event carries.
    expect(first.dropped.paths).toEqual(["$[*]['[REDACTED:email]']", '$[*].password'])
    // What a sink does with one event's paths never reaches the next event (paths are reused
    // between responses that drop the same members).
    ;(first.dropped.paths as string[]).push('changed by a sink')
    send([row])
    send([{ name: 'b', token: 't' }])
    await guard.flush()
    const paths = events.map((e) => (e as typeof first).dropped.paths)
    expect(paths[1]).toEqual(["$[*]['[REDACTED:email]']", '$[*].password'])
    expect(paths[1]).not.toBe(paths[0])
    expect(paths[2]).toEqual(['$[*].token'])
  })

  it('isolates a hook that throws or rejects, warning once', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    let calls = 0
    const guard = createGuard({
      responses: { default: 'deny' },
      audit: {
        onEvent: () => {
          calls++
          if (calls === 1) throw new Error('sync')
          return Promise.reject(new Error('async'))
        },
      },
    })
    for (let i = 0; i < 3; i++) {
      const decision = guard.filterResponse(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
        status: 200,
        body: { a: 1 },
      })
      expect(decision).toEqual({ blocked: false, body: {} })
    }
    await guard.flush()
    expect(calls).toBe(3)
    expect(warning).toHaveBeenCalledTimes(1)
    warning.mockRestore()
  })

  it('drops the oldest events when the queue is full, and counts them', async () => {
    const seen: number[] = []
    const guard = createGuard({
      responses: { default: 'deny' },
      audit: { maxQueue: 2, onEvent: (e) => void seen.push(e.request?.status ?? 0) },
    })
    for (const status of [201, 202, 203]) {
      guard.filterResponse(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
        status,
        body: { a: 1 },
      })
    }
    await guard.flush()
    expect(seen).toEqual([202, 203, 0]) // the last: audit.events_dropped, once delivery caught up
    expect(guard.droppedEvents).toBe(1)
  })
})

describe('filterSerialized', () => {
  const guard = createGuard({ routes: { 'GET /u': { allow: ['$.id'] } } })
  const serialized = (payload: string | Uint8Array, status = 200, g = guard) =>
    g.filterSerialized(g.startRequest({ method: 'GET', path: '/u', native: {} }), { status, payload })

  it('sends the serialization of the decided value; the same payload only when it already is that text', () => {
    expect(serialized('{"id":1,"secret":"s"}')).toEqual({ blocked: false, payload: '{"id":1}' })
    const canonical = Buffer.from('{"id":1}')
    expect((serialized(canonical) as { payload: unknown }).payload).toBe(canonical)
    expect(serialized(Buffer.from('{ "id": 1 }'))).toEqual({ blocked: false, payload: '{"id":1}' })
  })

  it('reads Buffers and Uint8Arrays as UTF-8 and ignores a byte order mark', () => {
    expect(serialized(new TextEncoder().encode('\uFEFF{"id":"é","x":1}'))).toEqual({
      blocked: false,
      payload: '{"id":"é"}',
    })
  })

  it('passes empty bodies and fails closed on text that is not JSON', () => {
    expect(serialized('')).toEqual({ blocked: false, payload: '' })
    expect(serialized('  ')).toEqual({ blocked: false, payload: '  ' })
    expect(serialized('{"id":1,"secret":').blocked).toBe(true)
    expect(serialized('<html>oops</html>').blocked).toBe(true)
  })

  it('sends the original text in report mode', () => {
    const report = createGuard({ mode: 'report', routes: { 'GET /u': { allow: ['$.id'] } } })
    expect(serialized('{"id":1,"secret":"s"}', 200, report)).toEqual({
      blocked: false,
      payload: '{"id":1,"secret":"s"}',
    })
    expect(serialized('not json', 200, report)).toEqual({ blocked: false, payload: 'not json' })
  })
})

describe('filterStream', () => {
  const events: LeakguardEvent[] = []
  const guard = createGuard({
    responses: { maxBufferedBytes: 64 },
    routes: { 'GET /u': { allow: ['$.id'] } },
    audit: { onEvent: (e) => void events.push(e) },
  })
  const streamed = (source: Parameters<typeof guard.filterStream>[1]['source']) =>
    guard.filterStream(guard.startRequest({ method: 'GET', path: '/u', native: {} }), { status: 200, source })

  it('reads Node streams, ReadableStreams, Blobs and Responses', async () => {
    const { Readable } = await import('node:stream')
    const json = '{"id":1,"secret":"s"}'
    for (const source of [
      Readable.from([Buffer.from(json.slice(0, 5)), json.slice(5)]),
      new Blob([json]).stream(),
      new Blob([json], { type: 'application/json' }),
      new Response(json),
    ]) {
      expect(await streamed(source)).toEqual({ blocked: false, payload: '{"id":1}' })
    }
  })

  it('blocks a body over maxBufferedBytes and releases the stream', async () => {
    const { Readable } = await import('node:stream')
    const source = Readable.from(Array.from({ length: 100 }, () => Buffer.from('{"pad":"xxxxxxxx"}')))
    expect((await streamed(source)).blocked).toBe(true)
    expect(source.destroyed).toBe(true)
    expect((await streamed(new Blob(['x'.repeat(65)]))).blocked).toBe(true)
    await guard.flush()
    expect(
      events
        .filter((e) => e.type === 'response.blocked')
        .map((e) => e.type === 'response.blocked' && e.error.code),
    ).toEqual(['ERR_LG_RESPONSE_TOO_LARGE', 'ERR_LG_RESPONSE_TOO_LARGE'])
  })

  it('blocks a stream that errors', async () => {
    const { Readable } = await import('node:stream')
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'))
      },
    })
    expect((await streamed(failing)).blocked).toBe(true)
  })
})

describe('routes that issue tokens', () => {
  const JWT =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1oZXJl'
  const body = {
    access_token: JWT,
    refreshToken: 'opaque-refresh-0123456789abcdef',
    sessionId: 's-123456',
    token_type: 'Bearer',
    user: { password: 'hunter2', card: '4111 1111 1111 1111' },
  }

  it('lets the issued tokens through on success and masks the rest', () => {
    const guard = createGuard({ routes: { 'POST /oauth/token': { issuesTokens: true } } })
    const context = guard.startRequest({ method: 'POST', path: '/oauth/token', native: {} })
    const decision = guard.filterResponse(context, { status: 200, body })
    expect(decision.blocked).toBe(false)
    const out = (decision as { body: typeof body }).body
    expect([out.access_token, out.refreshToken, out.sessionId, out.token_type]).toEqual([
      JWT,
      body.refreshToken,
      body.sessionId,
      'Bearer',
    ])
    expect(out.user.password).toBe('[REDACTED]')
    expect(out.user.card).not.toBe(body.user.card)
  })

  it('passes only tokens under token names: another JWT, or a secret named as a token, is masked', () => {
    const guard = createGuard({ routes: { 'POST /login': { issuesTokens: true } } })
    const context = guard.startRequest({ method: 'POST', path: '/login', native: {} })
    const decision = guard.filterResponse(context, {
      status: 200,
      body: {
        token: JWT,
        user: { notes: `their token: ${JWT}` },
        passwordToken: 'p4ss-reset-1234',
        apiKeyToken: 'k-1234567890',
        clientSecretJwt: JWT,
        cookieToken: 'c-1234567',
      },
    })
    const out = (decision as { body: Record<string, unknown> }).body
    expect(out.token).toBe(JWT)
    expect(JSON.stringify(out.user)).not.toContain(JWT)
    for (const name of ['passwordToken', 'apiKeyToken', 'clientSecretJwt', 'cookieToken']) {
      expect(out[name], name).toBe('[REDACTED]')
    }
  })

  it('still masks tokens in the error bodies of that route', () => {
    const guard = createGuard({
      routes: { 'POST /oauth/token': { issuesTokens: true, problemView: ['$.detail'] } },
    })
    const context = guard.startRequest({ method: 'POST', path: '/oauth/token', native: {} })
    const decision = guard.filterResponse(context, { status: 400, body: { detail: `bad ${JWT}` } })
    expect(JSON.stringify(decision)).not.toContain(JWT)
  })

  it('refuses a value that is not a boolean', () => {
    expect(() => createGuard({ routes: { 'POST /login': { issuesTokens: 'yes' as never } } })).toThrow(
      /routes\["POST \/login"\]\.issuesTokens: expected true or false/,
    )
  })
})

describe('responses.maxBodyBytes', () => {
  const blockedCodes = async (events: LeakguardEvent[], guard: { flush(): Promise<void> }) => {
    await guard.flush()
    return events.flatMap((e) => (e.type === 'response.blocked' ? [e.error.code] : []))
  }

  it('defaults to 10 MiB and is validated with its name, what was given and what is valid', () => {
    expect(createGuard().maxBufferedBytes).toBe(10 * 1024 * 1024)
    expect(createGuard({ responses: { maxBodyBytes: 1024 } }).maxBufferedBytes).toBe(1024)
    const error = configError({ responses: { maxBodyBytes: '10mb' } })
    expect(error.option).toBe('responses.maxBodyBytes')
    expect(error.message).toContain('expected an integer from 0 to 2147483648, got "10mb"')
  })

  it('accepts its former name maxBufferedBytes, but not both at once', () => {
    expect(createGuard({ responses: { maxBufferedBytes: 64 } }).maxBufferedBytes).toBe(64)
    const error = configError({ responses: { maxBodyBytes: 64, maxBufferedBytes: 64 } })
    expect(error.option).toBe('responses.maxBufferedBytes')
    expect(error.message).toContain('set only responses.maxBodyBytes')
  })

  it('blocks JSON text, Buffers, text bodies and objects over the limit before filtering them', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      responses: { maxBodyBytes: 1000 },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const context = () => guard.startRequest({ method: 'GET', path: '/big', native: {} })
    const body = { data: Array.from({ length: 40 }, (_, i) => ({ id: i, note: 'lorem ipsum' })) }
    const text = JSON.stringify(body)
    expect(text.length).toBeGreaterThan(1000)
    expect(guard.filterSerialized(context(), { status: 200, payload: text }).blocked).toBe(true)
    expect(guard.filterSerialized(context(), { status: 200, payload: Buffer.from(text) }).blocked).toBe(true)
    expect(guard.filterText(context(), { status: 200, payload: 'a@b.example '.repeat(100) }).blocked).toBe(
      true,
    )
    expect(guard.filterResponse(context(), { status: 200, body }).blocked).toBe(true)
    expect(await blockedCodes(events, guard)).toEqual(Array(4).fill('ERR_LG_RESPONSE_TOO_LARGE'))
  })

  it('counts UTF-8 bytes of JSON text, and filters a body within the limit', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      responses: { maxBodyBytes: 600 },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const context = () => guard.startRequest({ method: 'GET', path: '/big', native: {} })
    // 251 characters, 731 bytes of UTF-8.
    const wide = JSON.stringify({ text: '€'.repeat(240) })
    expect(guard.filterSerialized(context(), { status: 200, payload: wide }).blocked).toBe(true)
    const fits = JSON.stringify({ text: '€'.repeat(150), email: 'ada@example.com' })
    expect(guard.filterSerialized(context(), { status: 200, payload: fits })).toEqual({
      blocked: false,
      payload: JSON.stringify({ text: '€'.repeat(150), email: '[REDACTED:email]' }),
    })
    expect(await blockedCodes(events, guard)).toEqual(['ERR_LG_RESPONSE_TOO_LARGE'])
  })

  describe('serializeResponseInTurns', () => {
    const rows = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        id: i,
        email: `user${i}@example.com`,
        note: 'x'.repeat(80),
      }))
    const redacted = (events: LeakguardEvent[]) =>
      events.flatMap((event) => (event.type === 'response.redacted' ? [event.total] : []))

    it('writes a body the application changes between turns as one call writes what it ends up holding', async () => {
      // A member on the way to the list renamed, a map member replaced: what was written ahead is
      // not used, and its findings and sizes must not count. Written again, at once.
      const bodies: [string, () => Record<string, unknown>, (body: Record<string, unknown>) => void][] = [
        [
          'list moved under a secret name',
          () => ({ wrap: { list: rows(20_000) } }),
          (body) => {
            body.secrets = body.wrap
            delete body.wrap
          },
        ],
        [
          'map member replaced',
          () => Object.fromEntries(rows(20_000).map((row) => [`u${row.id}`, row])),
          (body) => {
            body.u19999 = { id: 'new', email: 'ada@example.com' }
          },
        ],
      ]
      for (const [name, make, mutate] of bodies) {
        const events: LeakguardEvent[] = []
        const guard = createGuard({ audit: { onEvent: (e) => void events.push(e) } })
        const context = () => guard.startRequest({ method: 'GET', path: '/big', native: {} })
        const body = make()
        const later = guard.serializeResponseInTurns(context(), { status: 200, body })
        expect(later, name).toBeInstanceOf(Promise)
        mutate(body) // before the next turn
        const decided = await later
        await guard.flush()
        const once = guard.serializeResponse(context(), { status: 200, body })
        await guard.flush()
        expect(decided.blocked, name).toBe(false)
        expect(once.blocked, name).toBe(false)
        // Booleans, not toBe: a failure would print megabytes.
        expect(decided.payload === once.payload, name).toBe(true)
        const [inTurns, atOnce] = redacted(events)
        expect(inTurns, name).toBe(atOnce)
      }
    })
  })

  it('reads phone numbers in lists under a phone name when a wide object is written in slices', async () => {
    // A re-attack pass: members written ahead of the rest lost the phone name's reading of numbers.
    const guard = createGuard({ redact: { knownSecrets: false } })
    const body: Record<string, unknown> = { a: { x: 1 }, phones: [4155552671, 4155552672], fax: [4155552673] }
    for (let i = 0; i < 70; i++) body[`k${i}`] = { v: i }
    const context = () => guard.startRequest({ method: 'GET', path: '/wide', native: {} })
    const inTurns = await guard.serializeResponseInTurns(context(), { status: 200, body })
    const once = guard.serializeResponse(context(), { status: 200, body })
    expect(inTurns.payload).toBe(once.payload)
    const out = JSON.parse(String(inTurns.payload)) as Record<string, unknown>
    expect(out.phones).toEqual(['********71', '********72'])
    expect(out.fax).toEqual(['********73'])
  })

  it('answers a body whose getter or Proxy throws with the generic error in turns too, never by throwing', async () => {
    // A re-attack pass: the look for a list to slice ran before any guard.
    const guard = createGuard()
    const context = () => guard.startRequest({ method: 'GET', path: '/x', native: {} })
    const throwing = new Proxy([], {
      get(target, property) {
        if (property === 'length') throw new Error('trap')
        return Reflect.get(target, property)
      },
    })
    for (const body of [
      { a: throwing },
      {
        x: {
          get a() {
            throw new Error('getter')
          },
        },
      },
    ]) {
      let decided: Awaited<ReturnType<typeof guard.serializeResponseInTurns>> | undefined
      expect(() => {
        decided = guard.serializeResponseInTurns(context(), { status: 200, body }) as typeof decided
      }).not.toThrow()
      const result = await decided!
      expect(result.blocked).toBe(true)
      if (result.blocked) expect(result.status).toBe(500)
    }
  })

  describe('filterSerializedInTurns', () => {
    const secretList = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        id: i,
        email: `user${i}@example.com`,
        note: 'lorem ipsum '.repeat(8),
      }))

    it('filters a body of 1 MiB or more in turns, serving what is due in between, to the same decision', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard({ audit: { onEvent: (e) => void events.push(e) } })
      const context = () => guard.startRequest({ method: 'GET', path: '/big', native: {} })
      // A duplicate member as well: the decided value is what goes out, never the parsed text.
      const text = `{"note":"${'4111 1111 1111 1111'}","note":"ok","list":${JSON.stringify(secretList(9000))}}`
      expect(text.length).toBeGreaterThan(1 << 20)
      for (const payload of [text, Buffer.from(text)]) {
        const now = guard.filterSerialized(context(), { status: 200, payload })
        const log: string[] = []
        const later = guard.filterSerializedInTurns(context(), { status: 200, payload })
        expect(later).toBeInstanceOf(Promise)
        setImmediate(() => log.push('other request'))
        const decided = await later
        log.push('decided')
        expect(log).toEqual(['other request', 'decided'])
        expect(decided).toEqual(now)
        const out = String(decided.payload)
        // Booleans, not toContain: a failure would print megabytes.
        expect(out.includes('@example.com')).toBe(false)
        expect(out.includes('4111 1111')).toBe(false)
        expect(JSON.parse(out).note).toBe('ok')
      }
    })

    it('decides a smaller body now, and fails closed in any turn without rejecting', async () => {
      const events: LeakguardEvent[] = []
      const guard = createGuard({
        redact: {
          rules: [
            {
              id: 'explodes',
              match: (text) => {
                if (text === 'boom') throw new Error('rule failed')
                return false
              },
            },
          ],
        },
        audit: { onEvent: (e) => void events.push(e) },
      })
      const context = () => guard.startRequest({ method: 'GET', path: '/big', native: {} })
      const small = guard.filterSerializedInTurns(context(), {
        status: 200,
        payload: '{"a":"ada@example.com"}',
      })
      expect(small).toEqual({ blocked: false, payload: '{"a":"[REDACTED:email]"}' })
      const failing = JSON.stringify({ list: secretList(9000), last: 'boom' })
      const decision = await guard.filterSerializedInTurns(context(), { status: 200, payload: failing })
      expect(decision).toMatchObject({ blocked: true, status: 500 })
      expect(String((decision as { payload: unknown }).payload).includes('@example.com')).toBe(false)
      expect(await blockedCodes(events, guard)).toEqual(['ERR_LG_RESPONSE_RULE_FAILED'])
    })
  })

  it('sends the original body over the limit in report mode, and still reports it', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      mode: 'report',
      responses: { maxBodyBytes: 10 },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const payload = '{"email":"ada@example.com"}'
    const context = guard.startRequest({ method: 'GET', path: '/big', native: {} })
    expect(guard.filterSerialized(context, { status: 200, payload })).toEqual({ blocked: false, payload })
    expect(await blockedCodes(events, guard)).toEqual(['ERR_LG_RESPONSE_TOO_LARGE'])
  })
})

describe('guard.serializeResponse', () => {
  const write = (options: GuardOptions<FakeRequest>, body: unknown, status = 200) => {
    const guard = createGuard(options)
    const context = guard.startRequest({ method: 'GET', path: '/x', native: {} })
    return guard.serializeResponse(context, { status, body })
  }

  it('writes the text of what filterResponse decides, with the same events', async () => {
    const events: LeakguardEvent[] = []
    const options: GuardOptions<FakeRequest> = {
      routes: { 'GET /x': { allow: ['$.id', '$.email', '$.rows[*].n'] } },
      audit: { onEvent: (event) => void events.push(event) },
    }
    const body = { id: 1, email: 'ada@example.com', secret: 's', rows: [{ n: 1, m: 2 }] }
    const decision = write(options, body)
    expect(decision.blocked).toBe(false)
    expect(JSON.parse(decision.payload)).toEqual(run(options, '/x', 200, body).body)
    await new Promise((resolve) => setImmediate(resolve))
    expect(events.map((event) => event.type).sort()).toEqual([
      'response.fields_dropped',
      'response.fields_dropped',
      'response.redacted',
      'response.redacted',
    ])
  })

  it('serves nesting deeper than the writer can recurse through projection, within maxDepth', () => {
    let deep: unknown = { leaf: 'ada@example.com' }
    for (let i = 0; i < 2000; i++) deep = { a: [deep] } // 4,000 levels
    const decision = write({ responses: { maxDepth: 10_000 } }, deep)
    expect(decision.blocked).toBe(false)
    if (decision.blocked) return
    expect(decision.payload).not.toContain('ada@example.com')
    expect(decision.payload.length).toBeGreaterThan(2000 * 8)
    expect(write({ responses: { maxDepth: 128 } }, deep).blocked).toBe(true)
  })

  it('fails closed with the generic 500 when the body cannot be written', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const body of [cyclic, { n: 1n }, { big: 'x'.repeat(2000) }]) {
      const decision = write({ responses: { maxBodyBytes: 1000 } }, body)
      expect(decision.blocked).toBe(true)
      expect(decision.payload).not.toContain('xxx')
    }
  })
})

describe('summaries of a body keyed by ids', () => {
  // A map keyed by ids has a templated path per member: the session keeps only what an event can
  // report (responses.maxReportedPaths) and one more, and counts the rest.
  const byId = (n: number, extra: Record<string, unknown> = {}) => ({
    byId: Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `u${i}`,
        { email: `user${i}@example.com`, password: `pw-${i}-x` },
      ]),
    ),
    ...extra,
  })

  it('reports the first paths, the whole count and truncated, as before the cap', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      responses: { maxReportedPaths: 4 },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const context = guard.startRequest({ method: 'GET', path: '/users', native: undefined })
    const out = guard.serializeResponse(context, { status: 200, body: byId(500) })
    expect(out.blocked).toBe(false)
    expect((out as { payload: string }).payload).not.toContain('@example.com')
    await guard.flush()
    const redacted = events.find((e) => e.type === 'response.redacted') as Extract<
      LeakguardEvent,
      { type: 'response.redacted' }
    >
    expect(redacted.total).toBe(1000)
    expect(redacted.truncated).toBe(true)
    expect(redacted.findings.map((f) => [f.path, f.detector, f.count])).toEqual([
      ['$.byId.u0.email', 'email', 1],
      ['$.byId.u0.password', 'key-name', 1],
      ['$.byId.u1.email', 'email', 1],
      ['$.byId.u1.password', 'key-name', 1],
    ])
  })

  it.each([
    // Past a limit of 2 + 1 summaries: the token's path is the only one past it.
    ['past the limit', 2, { ...byId(3) }],
    // The first version kept the first 16 key-name paths past the limit: 60 passwords filled them
    // (a red-team pass).
    [
      'after many other key-name findings',
      32,
      {
        users: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`u${i}`, { password: `pw-${i}-x` }])),
      },
    ],
  ])('names a token masked %s in the hint for a POST', async (_label, maxReportedPaths, before) => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      responses: { maxReportedPaths },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const context = guard.startRequest({ method: 'POST', path: '/login', native: undefined })
    guard.serializeResponse(context, {
      status: 200,
      body: { ...before, session: { accessToken: 'opaque-access-token-0123456789' } },
    })
    await guard.flush()
    const hint = events.find(
      (e) => e.type === 'config.warning' && e.warning.code === 'LEAKGUARD_TOKEN_MASKED',
    )
    expect(hint).toBeDefined()
  })

  it('names a masked token in the hint when no sink takes findings (they are counted, not summarized)', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ audit: { onEvent: (e) => void events.push(e), types: ['config.warning'] } })
    const context = guard.startRequest({ method: 'POST', path: '/login', native: undefined })
    const out = guard.serializeResponse(context, {
      status: 200,
      body: {
        users: [{ email: 'ada@example.com', password: 'pw-1-xyz' }],
        session: { accessToken: 'opaque-access-token-0123456789' },
      },
    })
    expect((out as { payload: string }).payload).not.toMatch(/ada@example|pw-1-xyz|opaque-access/)
    await guard.flush()
    const hint = events.find(
      (e) => e.type === 'config.warning' && e.warning.code === 'LEAKGUARD_TOKEN_MASKED',
    ) as Extract<LeakguardEvent, { type: 'config.warning' }> | undefined
    expect(hint?.warning.message).toContain('$.session.accessToken')
  })

  it('names a token masked in an array under a quoted member name in the hint', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ audit: { onEvent: (e) => void events.push(e), types: ['config.warning'] } })
    const context = guard.startRequest({ method: 'POST', path: '/tokens', native: undefined })
    guard.serializeResponse(context, {
      status: 200,
      body: { 'access-token': ['opaque-access-token-0123456789'] },
    })
    await guard.flush()
    const hint = events.find(
      (e) => e.type === 'config.warning' && e.warning.code === 'LEAKGUARD_TOKEN_MASKED',
    ) as Extract<LeakguardEvent, { type: 'config.warning' }> | undefined
    expect(hint?.warning.message).toContain("$['access-token'][*]")
  })
})
