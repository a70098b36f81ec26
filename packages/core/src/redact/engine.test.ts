import { describe, expect, it } from 'vitest'
import { KEEP } from '../allowlist/compile.js'
import { project } from '../allowlist/project.js'
import { LeakguardConfigError } from '../errors.js'
import { createGuard } from '../guard.js'
import { EXAMPLES as EXAMPLES_A } from './catalogue/examples/providers-a.js'
import { EXAMPLES as EXAMPLES_B } from './catalogue/examples/providers-b.js'
import { EXAMPLES as EXAMPLES_C } from './catalogue/examples/providers-c.js'
import { EXAMPLES as EXAMPLES_D } from './catalogue/examples/providers-d.js'
import { compileRedactor, RedactionSession } from './engine.js'
import { createRedactor, redact, scan } from './index.js'
import { isSensitiveKey } from './keys.js'

const CARD = '4111 1111 1111 1111'
const HASH_KEY = 'k'.repeat(32)

function configError(run: () => unknown): LeakguardConfigError {
  try {
    run()
  } catch (error) {
    if (error instanceof LeakguardConfigError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('masking operators', () => {
  const withMask = (mask: unknown, text = `card ${CARD} end`) =>
    (
      createRedactor({ overrides: { card: { mask: mask as never } }, hashKey: HASH_KEY }).redact({
        note: text,
      }) as { note?: string }
    ).note

  it('partial keeps at most the first 6 and last 4 digits of a card, separators in place', () => {
    expect(withMask(undefined)).toBe('card 4111 11** **** 1111 end')
    expect(withMask({ operator: 'partial', keepStart: 0, keepEnd: 4, char: '#' })).toBe(
      'card #### #### #### 1111 end',
    )
    expect(
      configError(() =>
        createRedactor({ overrides: { card: { mask: { operator: 'partial', keepStart: 8 } } } }),
      ).option,
    ).toBe('redact.overrides.card.mask.keepStart')
  })

  it('mask writes a fixed run that does not reveal the length', () => {
    expect(withMask('mask')).toBe('card ******** end')
    expect(withMask({ operator: 'mask', char: 'x', length: 3 })).toBe('card xxx end')
  })

  it('remove deletes the match, or the member when it was all of it', () => {
    expect(withMask('remove')).toBe('card  end')
    expect(
      createRedactor({ overrides: { card: { mask: 'remove' } } }).redact({ a: CARD, list: [CARD, 'x'] }),
    ).toEqual({ list: ['x'] })
  })

  it('replace writes fixed text with the detector id', () => {
    expect(withMask({ operator: 'replace', with: '<{detector}>' })).toBe('card <card> end')
  })

  it('hash is a joinable, irreversible HMAC token, and needs a key', () => {
    const a = withMask('hash')
    expect(a).toMatch(/^card hmac:[0-9a-f]{32} end$/)
    expect(withMask('hash')).toBe(a)
    expect(withMask('hash', 'card 5555 5555 5555 4444 end')).not.toBe(a)
    const error = configError(() => createRedactor({ overrides: { card: { mask: 'hash' } } }))
    expect(error.code).toBe('ERR_LG_CONFIG_MISSING_HASH_KEY')
    expect(configError(() => createRedactor({ hashKey: 'short' })).message).toContain('at least 32 bytes')
  })

  it('a function mask gets the match and context', () => {
    expect(
      withMask((match: string, context: { detector: string }) => `${context.detector}:${match.length}`),
    ).toBe('card card:19 end')
  })
})

describe('member-name rules', () => {
  it.each([
    'password',
    'passwd',
    'db_password',
    'userPassword',
    'PASSWORD_HASH',
    'passwordHash',
    'secret',
    'clientSecret',
    'apiKey',
    'api_key',
    'X-Api-Key',
    'authToken',
    'access_token',
    'refreshToken',
    'authorization',
    'Cookie',
    'set-cookie',
    'ssn',
    'cardNumber',
    'cvv',
    'privateKey',
    'sessionId',
  ])('masks %s', (key) => {
    expect(isSensitiveKey(key)).toBe(true)
  })

  it.each([
    'passwordUpdatedAt',
    'tokenType',
    'tokenCount',
    'secretary',
    'key',
    'keyId',
    'id',
    'name',
    'author',
    'passwordPolicy',
    'tokens_url',
  ])('leaves %s', (key) => {
    expect(isSensitiveKey(key)).toBe(false)
  })

  it('masks strings and numbers, never booleans or null, and can be turned off', () => {
    expect(redact({ password: 'hunter2', pin: 1234, passwordSet: true, secret: null })).toEqual({
      password: '[REDACTED]',
      pin: '[REDACTED]',
      passwordSet: true,
      secret: null,
    })
    expect(redact({ password: 'hunter2' }, { keyNames: false })).toEqual({ password: 'hunter2' })
  })
})

describe('custom rules', () => {
  it('runs pattern rules with their mask', () => {
    const options = { rules: [{ id: 'order-ref', pattern: /ORD-\d{8}/, mask: 'mask' as const }] }
    expect(redact({ note: 'see ORD-12345678 and ORD-87654321' }, options)).toEqual({
      note: 'see ******** and ********',
    })
  })

  it.each(['(a+)+$', '(a|aa)*b', '(\\w+\\s?)*$', '^(\\d+)*$', '(x+x+)+y'])(
    'refuses the catastrophic pattern %s, naming the rule',
    (source) => {
      const error = configError(() =>
        createRedactor({ rules: [{ id: 'slow', pattern: new RegExp(source) }] }),
      )
      expect(error.code).toBe('ERR_LG_CONFIG_UNSAFE_PATTERN')
      expect(error.option).toContain('rule "slow"')
    },
    30_000,
  )

  it('matches member-name globs at any depth, arrays transparent', () => {
    const options = { rules: [{ id: 'secrets', keys: ['**.internal*', 'user.nickname'] }] }
    expect(
      redact(
        {
          a: { b: [{ internalNote: 'x', other: 'y' }] },
          user: { nickname: 'ada99', name: 'n' },
          nickname: 'kept',
        },
        options,
      ),
    ).toEqual({
      a: { b: [{ internalNote: '[REDACTED:secrets]', other: 'y' }] },
      user: { nickname: '[REDACTED:secrets]', name: 'n' },
      nickname: 'kept',
    })
  })

  it('runs function rules over whole strings or spans', () => {
    const options = {
      rules: [
        { id: 'vip', match: (value: string) => value === 'VIP-007' },
        { id: 'first-word', match: (value: string) => [{ start: 0, end: value.indexOf(' ') }] },
      ],
    }
    expect(redact({ a: 'VIP-007', b: 'hello world' }, options)).toEqual({
      a: '[REDACTED:vip]',
      b: '[REDACTED:first-word] world',
    })
  })

  it('reads member names again at each path when a function rule may decide by path', () => {
    // Member names found clean are remembered; a rule that looks at the path must still see the
    // same name under another path (on both ways a body is written: compiled view and projection).
    const rules = [
      {
        id: 'third-row-name',
        match: (text: string, context: { path: string }) =>
          context.path.includes('[2]') && text === 'routingNumber',
      },
    ]
    const body = { rows: [{ routingNumber: 'a' }, { routingNumber: 'b' }, { routingNumber: 'c' }] }
    const expected = {
      rows: [{ routingNumber: 'a' }, { routingNumber: 'b' }, { '[REDACTED:third-row-name]': 'c' }],
    }
    const redactor = createRedactor({ rules, keyNames: false })
    expect(redactor.redact(body)).toEqual(expected)
    expect(redactor.redact(body)).toEqual(expected)
    const guard = createGuard({ redact: { rules, keyNames: false } })
    for (let i = 0; i < 2; i++) {
      const context = guard.startRequest({ method: 'GET', path: '/rows', native: undefined })
      expect(JSON.parse(guard.serializeResponse(context, { status: 200, body }).payload as string)).toEqual(
        expected,
      )
    }
  })

  it('refuses malformed rules with the rule named', () => {
    expect(configError(() => createRedactor({ rules: [{ id: 'a', pattern: '(' }] })).option).toBe(
      'redact.rules[0].pattern',
    )
    expect(
      configError(() =>
        createRedactor({
          rules: [
            { id: 'a', keys: 'x' },
            { id: 'a', keys: 'y' },
          ],
        }),
      ).message,
    ).toContain('used twice')
    expect(configError(() => createRedactor({ rules: [{ id: 'a' } as never] })).message).toContain(
      'exactly one of',
    )
    expect(configError(() => createRedactor({ detectors: ['card', 'nope'] })).option).toBe(
      'redact.detectors[1]',
    )
    expect(configError(() => createRedactor({ overrides: { nope: false } })).option).toBe(
      'redact.overrides.nope',
    )
  })

  it('blocks the response when a function rule throws, and the event names the rule', async () => {
    const events: unknown[] = []
    const guard = createGuard({
      redact: {
        rules: [
          {
            id: 'flaky',
            match: () => {
              throw new Error('rule bug with SECRET')
            },
          },
        ],
      },
      audit: { onEvent: (event) => void events.push(event) },
    })
    const decision = guard.filterResponse(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
      status: 200,
      body: { a: 'x' },
    })
    expect(decision.blocked).toBe(true)
    await guard.flush()
    expect(events).toEqual([
      expect.objectContaining({
        type: 'response.blocked',
        error: { code: 'ERR_LG_RESPONSE_RULE_FAILED', message: 'redact rule "flaky" threw', rule: 'flaky' },
      }),
    ])
    expect(JSON.stringify(events)).not.toContain('SECRET')
  })
})

describe('where redaction runs', () => {
  it('redacts JSON carried inside a string, and member names that are secrets', () => {
    const out = redact({
      payload: JSON.stringify({ email: 'a@example.com', ok: 1 }),
      byEmail: { 'jane@example.com': 1 },
    })
    expect(out).toEqual({
      payload: '{"email":"[REDACTED:email]","ok":1}',
      byEmail: { '[REDACTED:email]': 1 },
    })
  })

  it('keeps every member when several names are masked to the same text', () => {
    expect(
      redact({ byEmail: { 'jane@example.com': 1, 'john@example.com': 2, '[REDACTED:email]': 3 } }),
    ).toEqual({
      byEmail: { '[REDACTED:email]': 1, '[REDACTED:email]#2': 2, '[REDACTED:email]#3': 3 },
    })
  })

  it('scan reports concrete paths and spans and changes nothing', () => {
    const value = { users: [{ note: 'x' }, { note: `pay ${CARD}` }] }
    expect(scan(value)).toEqual([{ path: '$.users[1].note', detector: 'card', start: 4, end: 23 }])
    expect(value.users[1]?.note).toBe(`pay ${CARD}`)
  })

  it('applies error hygiene to 4xx/5xx bodies only, with the request id', () => {
    const guard = createGuard()
    const context = guard.startRequest({ method: 'GET', path: '/', native: {} })
    const body = {
      title: 'Bad Request',
      detail: 'column "x" does not exist in SELECT id FROM users WHERE token = \'abc\'',
    }
    const decision = guard.filterResponse(context, { status: 400, body })
    expect(decision).toEqual({
      blocked: false,
      body: { title: 'Bad Request', detail: `An internal error occurred. Reference: ${context.requestId}` },
    })
    expect(guard.filterResponse(context, { status: 200, body: { detail: body.detail } })).toEqual({
      blocked: false,
      body: { detail: body.detail },
    })
    const text = guard.filterText(context, {
      status: 500,
      payload: 'Error: boom\n    at handler (/srv/app/index.js:10:5)\n',
    })
    expect(text).toEqual({
      blocked: false,
      payload: `An internal error occurred. Reference: ${context.requestId}`,
    })
  })

  it('reports in report mode without changing the body', async () => {
    const events: { type: string }[] = []
    const guard = createGuard({ mode: 'report', audit: { onEvent: (e) => void events.push(e) } })
    const body = { note: `card ${CARD}` }
    expect(
      guard.filterResponse(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
        status: 200,
        body,
      }),
    ).toEqual({
      blocked: false,
      body,
    })
    await guard.flush()
    expect(events).toEqual([
      expect.objectContaining({
        type: 'response.redacted',
        mode: 'report',
        total: 1,
        findings: [{ path: '$.note', detector: 'card', count: 1, confidence: 'high' }],
      }),
    ])
  })

  it('lets a route turn a detector off or redaction off entirely', () => {
    const guard = createGuard({
      routes: {
        'GET /support': { redact: { overrides: { email: false } } },
        'GET /raw': { redact: { enabled: false } },
      },
    })
    const run = (path: string) =>
      guard.filterResponse(guard.startRequest({ method: 'GET', path, native: {} }), {
        status: 200,
        body: { e: 'a@example.com', password: 'p' },
      })
    expect(run('/support')).toEqual({ blocked: false, body: { e: 'a@example.com', password: '[REDACTED]' } })
    expect(run('/raw')).toEqual({ blocked: false, body: { e: 'a@example.com', password: 'p' } })
    expect(run('/other')).toEqual({ blocked: false, body: { e: '[REDACTED:email]', password: '[REDACTED]' } })
  })
})

describe('bad input', () => {
  it('redacts a 10 MB string', () => {
    const big = `${'lorem ipsum '.repeat(873_813)}pay ${CARD}`
    expect(big.length).toBeGreaterThan(10_000_000)
    const out = redact({ big }).big as string
    expect(out.endsWith('pay 4111 11** **** 1111')).toBe(true)
  })

  it('handles 100,000 digits in a row without matching or hanging', () => {
    const digits = '4'.repeat(100_000)
    expect(scan({ digits })).toEqual([])
  })

  it('leaves near-miss tokens alone', () => {
    const nearMisses = {
      a: 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678', // 35 characters after the prefix
      b: 'AKIA1234567890',
      c: 'sk_test_4eC39Hq', // too short for a key
      d: 'eyJhbGciOi.eyJzdWIi.sig',
      e: '4111111111111112',
      f: '$2b$12$short',
    }
    expect(scan(nearMisses)).toEqual([])
  })

  it('handles lone surrogates and invalid UTF-8', () => {
    expect(redact({ s: '\uD800 mail a@example.com \uDFFF' })).toEqual({
      s: '\uD800 mail [REDACTED:email] \uDFFF',
    })
    const guard = createGuard()
    const payload = Buffer.concat([Buffer.from('mail a@example.com '), Buffer.from([0xff, 0xfe, 0xc3])])
    const decision = guard.filterText(guard.startRequest({ method: 'GET', path: '/', native: {} }), {
      status: 200,
      payload,
    })
    expect(decision.blocked).toBe(false)
    expect(String((decision as { payload: string }).payload)).toContain('[REDACTED:email]')
  })
})

describe('a value that is one finding whole', () => {
  // The scan stops at the first detector whose span covers the whole string: nothing after it can
  // win the overlap. The same value after a space is read to the end: both must mask alike.
  const samples = [
    ...Object.values({ ...EXAMPLES_A, ...EXAMPLES_B, ...EXAMPLES_C, ...EXAMPLES_D }).flatMap((e) => [
      ...e.positives,
      ...(e.lookalikes ?? []),
    ]),
    'ada.lovelace@example.com',
    '+44 7700 900123',
    '4111111111111111',
    '4111 1111 1111 1111',
    'PAN4111111111111111',
    'GB82WEST12345698765432',
    'gb82 west 1234 5698 7654 32',
    `$2b$12$${'a'.repeat(53)}`,
    '123-45-6789',
    'AB123456C',
    'AKIAIOSFODNN7EXAMPLE',
    'http://elastic:pw12345x@host:9200',
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
    '4111+1111+1111+1111',
  ]
  it.each([
    ['the default set', createRedactor({ knownSecrets: false })],
    [
      'the default set and a pattern rule',
      createRedactor({ knownSecrets: false, rules: [{ id: 'never', pattern: /qz-never-qz/g }] }),
    ],
  ])('masks it as it masks the same value inside text (%s)', (_label, redactor) => {
    expect(samples.length).toBeGreaterThan(1000)
    for (const text of samples) {
      const alone = redactor.redact({ v: text }).v
      expect(redactor.redact({ v: ` ${text}` }).v, text).toBe(` ${alone}`)
      const found = (value: string, shift: number) =>
        redactor.scan({ v: value }).map((f) => [f.detector, f.start - shift, f.end - shift])
      expect(found(text, 0), text).toEqual(found(` ${text}`, 1))
    }
  })
})

describe('a session written as a string', () => {
  // A red-team pass: `{ "session": "s%3A..." }` (an express-session cookie's value) passed. Its
  // string is its token; an object under the name is read member by member.
  const cookie = 's%3AqH7kP2mW9vR4tL8nB3cY.Zq3x7Kp2mW9vR4tL8nB3cYaaa'

  it('masks a string under a name that ends with session, and reads objects under it', () => {
    expect(redact({ session: cookie, userSession: cookie, current_session: cookie })).toEqual({
      session: '[REDACTED]',
      userSession: '[REDACTED]',
      current_session: '[REDACTED]',
    })
    const described = { session: { expiresAt: '2026-12-31', user: { name: 'Ada' }, active: true } }
    expect(redact(described)).toEqual(described)
    expect(redact({ sessionTimeout: '30m', sessionCount: 3 })).toEqual({
      sessionTimeout: '30m',
      sessionCount: 3,
    })
  })

  it('names a value a detector finds whole, and masks a partial finding whole, never in part', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
    expect(scan({ session: jwt }).map((f) => f.detector)).toEqual(['jwt'])
    expect(redact({ session: 'sid-ada@example.com-9f8e7d' })).toEqual({ session: '[REDACTED]' })
    expect(scan({ session: 'sid-ada@example.com-9f8e7d' }).map((f) => f.detector)).toEqual(['key-name'])
  })

  it('masks each string of an array of sessions, at any depth of arrays, and reads objects in it', () => {
    // A red-team pass: the plural, an array of the tokens, passed.
    const body = {
      sessions: [cookie, 'zk1Q9vT3mB7xW2pL'],
      userSessions: [[cookie], 7],
      active_sessions: [{ id: 42, device: 'Firefox on Linux', expiresAt: '2026-12-31' }],
      sessionIds: ['a1'],
    }
    const expected = {
      sessions: ['[REDACTED]', '[REDACTED]'],
      userSessions: [['[REDACTED]'], 7],
      active_sessions: [{ id: 42, device: 'Firefox on Linux', expiresAt: '2026-12-31' }],
      sessionIds: ['[REDACTED]'],
    }
    expect(redact(body)).toEqual(expected)
    // The same through the response writer of a guard, with and without an allowlist.
    for (const allow of [undefined, ['$.sessions', '$.userSessions', '$.active_sessions', '$.sessionIds']]) {
      const guard = createGuard({ routes: { 'GET /me': allow === undefined ? {} : { allow } } })
      const context = guard.startRequest({ method: 'GET', path: '/me', native: undefined })
      const decision = guard.serializeResponse(context, { status: 200, body })
      expect(JSON.parse((decision as { payload: string }).payload)).toEqual(expected)
    }
    expect(redact({ sessions: [cookie] }, { keyNames: false })).toEqual({ sessions: [cookie] })
  })

  it('masks a token assigned to a session name in text, not a metric named after sessions', () => {
    const text = {
      a: 'sid=7f3a9c2b4d5e6f708192a3b4c5d6e7f8',
      b: 'PHPSESSID=x2ahb4xkkrzwfj5hcw2nrq1w; path=/',
      c: 'connect.sid=s%3AbK3FzQ9xLmW2pR7tY5vN8cJ4hD6gS1aE.Zq9x7Kp2mW9vR4tLa8f3c9d2e1b0',
      d: 'session: qWeRtYuIoPaSdFgHjKlZxCvBnM',
    }
    expect(redact(text)).toEqual({
      a: 'sid=[REDACTED]',
      b: 'PHPSESSID=[REDACTED]; path=/',
      c: 'connect.sid=[REDACTED]',
      d: 'session: [REDACTED]',
    })
    // A red-team pass: a metric's name read as `session` assigned `duration:p95:ms`, as a member's
    // name and as text. A secret's name still takes any value.
    const metrics = {
      'session:duration:p95:ms': 842,
      note: 'session:duration:p95:ms=842',
      msg: 'password: duration:p95',
    }
    expect(redact(metrics)).toEqual({ ...metrics, msg: 'password: [REDACTED]' })
  })

  it('masks the ids of a session store keyed by them, and reads the sessions member by member', () => {
    // A red-team pass: an express-session MemoryStore dumped whole kept every id as a member name.
    const ids = [
      'q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZxC',
      'Zx9Cv8Bn7Ml6Kj5Hg4Fd3Sa2Qw1Er0Ty',
      'sess:zk1Q9vT3mB7xW2pLr5Ny8Qa',
    ]
    const body = {
      sessions: {
        [ids[0]!]: { cookie: { maxAge: 1 }, user: 'ada' },
        [ids[1]!]: '{"cookie":{},"user":"bob"}',
      },
      store: [{ sessions: { [ids[1]!]: { user: 'eve' } } }],
      // A Redis store's keys say what they hold wherever they sit.
      dump: { [ids[2]!]: '{"user":"ann"}' },
      // Counters and dates under a sessions member, and ids elsewhere, are not session ids.
      stats: { sessions: { activeSessionCount: 3, '2024-01-01T00:00:00Z': 1 } },
      orders: { [ids[0]!]: 'x' },
    }
    const expected = {
      sessions: {
        '[REDACTED]': { cookie: { maxAge: 1 }, user: 'ada' },
        '[REDACTED]#2': '{"cookie":{},"user":"bob"}',
      },
      store: [{ sessions: { '[REDACTED]': { user: 'eve' } } }],
      dump: { '[REDACTED]': '{"user":"ann"}' },
      stats: { sessions: { activeSessionCount: 3, '2024-01-01T00:00:00Z': 1 } },
      orders: { [ids[0]!]: 'x' },
    }
    expect(redact(body)).toEqual(expected)
    expect(scan(body).filter((f) => f.detector === 'key-name')).toHaveLength(4)
    // Through the writer, twice: the second response finds the ids as the first did (never
    // remembered as clean names), and the ids seen outside a store do not excuse them inside one.
    const guard = createGuard()
    for (let i = 0; i < 2; i++) {
      const context = guard.startRequest({ method: 'GET', path: '/admin/sessions', native: undefined })
      const decision = guard.serializeResponse(context, { status: 200, body })
      const text = (decision as { payload: string }).payload
      expect(JSON.parse(text)).toEqual(expected)
      expect(text).not.toContain(ids[1])
    }
    // An id remembered as a clean name elsewhere first (a response of orders keyed by it).
    const write = (value: unknown) => {
      const context = guard.startRequest({ method: 'GET', path: '/admin/x', native: undefined })
      return (guard.serializeResponse(context, { status: 200, body: value }) as { payload: string }).payload
    }
    const fresh = 'Mn4Bv5Cx6Zl7Kj8Hg9Fd0Sa1Qw2Er3'
    expect(write({ orders: { [fresh]: { total: 1 } } })).toContain(fresh)
    expect(write({ sessions: { [fresh]: { user: 'ada' } } })).not.toContain(fresh)
    expect(redact(body, { keyNames: false })).toEqual(body)
    expect(redact(body, { keyNames: { ignore: ['session'] } })).toEqual(body)
  })

  it('finds session ids under stores however named and nested, and leaves names made of words', () => {
    // A red-team pass: ids with no digit, holders named for the store, deeper nesting, tokens as
    // names under a secret's name, store prefixes, PHP's alphabet.
    const ids = [
      'q1W2e3R4t5Y6u7I8o9P0aSdFgHjKlZxC',
      'qWeRtYuIoPaSdFgHjKlZxCvBnM-_qwer', // no digit (one express-session id in 250)
      'a8f3c9d2e1b4f5a6c7d8e9f0a1b2c3d4', // hex
      'dac6fb3d-713c-4555-8a97-4089aa3849be', // a UUID
      'k3mVq9Zr2,Lp8xWn4Tb7aYc1Qz', // PHP, 6 bits per character
    ]
    for (const id of ids) {
      for (const body of [
        { sessions: { [id]: { user: 'ada' } } },
        { sessionStore: { [id]: { user: 'ada' } } },
        { sessionsById: { [id]: { user: 'ada' } } },
        { session_cache: { [id]: '{}' } },
        { sessions: { byUser: { alice: { [id]: {} } } } },
        { sessionsByUser: { [id]: {} } },
        { sessionRegistry: { [id]: {} } },
        { tokens: { [id]: { userId: 7 } } },
        { refreshTokens: [{ [id]: { exp: 1 } }] },
      ])
        expect(JSON.stringify(redact(body)), `${id} in ${JSON.stringify(body)}`).not.toContain(id)
    }
    for (const key of [
      `koa:sess:${ids[0]}`,
      `myapp:sess:${ids[0]}`,
      `PHPREDIS_SESSION:${ids[0]}`,
      `sess_${ids[0]}`,
      `session_${ids[0]}`,
      `sessions/${ids[0]}`,
      `connect-sess:${ids[0]}`,
    ])
      expect(redact({ dump: { [key]: '{}' } })).toEqual({ dump: { '[REDACTED]': '{}' } })
    // Names made of words, paths and metrics under a sessions member stay.
    const words = {
      sessions: {
        averageSessionDurationSeconds: 1,
        p99LatencyMilliseconds: 2,
        chrome_120_windows_desktop: 3,
        '/api/v1/users/profile': 4,
        'us-east-1a/web-server-01': 5,
        '2024-01-01_to_2024-01-31': 6,
        'oauth2:accounts.google.com': { state: 'x' },
      },
    }
    expect(redact(words)).toEqual(words)
    // Under a secret's name, a UUID is the record's id; a token used as a name is not.
    const keyed = { apiKeys: { 'dac6fb3d-713c-4555-8a97-4089aa3849be': { name: 'CI key' } } }
    expect(redact(keyed)).toEqual(keyed)
  })

  it('reads session names as the member-name rule reads names, and sessions written inside text', () => {
    // A red-team pass: fullwidth, leetspeak, look-alike letters, zero-width characters, glued
    // words and odd casing got a session past the first version.
    const spelled = [
      'ＳＥＳＳＩＯＮＳ',
      'ｓｅｓｓｉｏｎ',
      's3ssions',
      '5essions',
      'sessi0ns',
      's\u0435ssions',
      'ses\u200bsions',
      'usersessions',
      'activesessions',
      'SessionS',
      'sessioNs',
    ].map((name) => JSON.parse(`"${name}"`) as string)
    for (const name of spelled) {
      expect(redact({ [name]: [cookie] }), name).toEqual({ [name]: ['[REDACTED]'] })
      expect(redact({ [name]: cookie }), name).toEqual({ [name]: '[REDACTED]' })
    }
    for (const name of [
      'sessionList',
      'session_list',
      'sessionsArray',
      'sessionValues',
      'sessions2',
      'sessions_v2',
    ])
      expect(redact({ [name]: [cookie] }), name).toEqual({ [name]: ['[REDACTED]'] })
    for (const name of ['possession', 'obsessions', 'sessionTimeout', 'sessionCount', 'possessionList'])
      expect(redact({ [name]: 'kept as it is' }), name).toEqual({ [name]: 'kept as it is' })
    // JSON and assignments inside text: there is no object to keep readable.
    expect(redact({ log: `resp {"sessions":["${cookie}"]}` })).toEqual({
      log: 'resp {"sessions":["[REDACTED]"]}',
    })
    expect(redact({ log: `resp {"session":"${cookie}"}` })).toEqual({ log: 'resp {"session":"[REDACTED]"}' })
    expect(redact({ log: `SESSION=${cookie} PORT=1` })).toEqual({ log: 'SESSION=[REDACTED] PORT=1' })
    // Empty strings stay empty, as under the singular.
    expect(redact({ sessions: ['', cookie] })).toEqual({ sessions: ['', '[REDACTED]'] })
  })

  it('follows keyNames: off, or the name ignored (singular or plural), it passes', () => {
    expect(redact({ sessions: [cookie] }, { keyNames: { ignore: ['session'] } })).toEqual({
      sessions: [cookie],
    })
    expect(redact({ session: cookie }, { keyNames: { ignore: ['sessions'] } })).toEqual({ session: cookie })
    expect(redact({ session: cookie }, { keyNames: false })).toEqual({ session: cookie })
    expect(redact({ session: cookie }, { keyNames: { ignore: ['session'] } })).toEqual({ session: cookie })
  })

  it('passes on a route that issues tokens', () => {
    const guard = createGuard({ routes: { 'POST /login': { issuesTokens: true } } })
    const context = guard.startRequest({ method: 'POST', path: '/login', native: undefined })
    const decision = guard.serializeResponse(context, { status: 200, body: { session: cookie } })
    expect((decision as { payload: string }).payload).toBe(JSON.stringify({ session: cookie }))
  })
})

describe('long strings repeated in a response', () => {
  // A list repeats long strings row after row; the session reads each clean one once. Output and
  // findings must be what reading every row alone gives.
  const SHA256 = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8'
  const rows = (count: number, row: (i: number) => Record<string, unknown>) =>
    Array.from({ length: count }, (_, i) => row(i))
  const alone = (body: Record<string, unknown>[], options = {}) =>
    body.map((item) => createRedactor(options).redact(item))

  it('writes what reading each row alone writes, findings and escapes included', () => {
    const body = rows(40, (i) => ({
      note: 'Prefers delivery after 6pm; the gate code is on the delivery slip.',
      quoted: 'She said "leave it at the door" and \\ left a note for the courier',
      // The same digest: clean under one name, a password hash under another (read first clean).
      checksum: SHA256,
      pass_digest: SHA256,
      card: i % 2 === 0 ? `paid with ${CARD} on the first of the month, thanks` : 'paid in cash',
    }))
    const redactor = createRedactor()
    expect(redactor.redact(body)).toEqual(alone(body))
    const counts = new Map<string, number>()
    for (const { path, detector } of redactor.scan(body)) {
      const id = `${path.replace(/\[\d+\]/, '[*]')} ${detector}`
      counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    expect(Object.fromEntries(counts)).toEqual({
      '$[*].pass_digest hex-password-hash': 40,
      '$[*].card card': 20,
    })
    // Through a guard's writer, whose plain-text shortcut reads what the session remembered.
    const guard = createGuard({ routes: { 'GET /rows': {} } })
    const context = guard.startRequest({ method: 'GET', path: '/rows', native: undefined })
    const decision = guard.serializeResponse(context, { status: 200, body })
    expect(JSON.parse((decision as { payload: string }).payload)).toEqual(alone(body))
  })

  it('reads a string again inside JSON in a string, where its depth decides too', () => {
    // A red-team pass: the same text read clean at the top was not reported degraded where it sat
    // in a chain of JSON strings too deep.
    const text = '{"note":"clean text that is long enough to be remembered","n":1}'
    let wrapped = text
    for (let i = 0; i < 3; i++) wrapped = JSON.stringify({ payload: wrapped })
    const degraded = (body: unknown) => {
      const session = new RedactionSession(compileRedactor({}, 'redact'), {
        hygiene: false,
        requestId: 'r',
        detailed: false,
      })
      project(body, KEEP, { maxDepth: 64, maxPaths: 0, hooks: session })
      return session.degradedSummary(8).values.map((value) => value.reason)
    }
    expect(degraded({ wrap: wrapped })).toEqual(['nested-json-chain'])
    expect(degraded({ payload: text, wrap: wrapped })).toEqual(['nested-json-chain'])
  })

  it('reads every row again where a function rule decides by path', () => {
    const options = {
      rules: [
        {
          id: 'third-row',
          match: (_text: string, { path }: { path: string }) => path.startsWith('$[2]'),
          mask: 'mask' as const,
        },
      ],
    }
    const body = rows(5, () => ({
      note: 'A long note that repeats on every row of this list, word for word.',
    }))
    const out = createRedactor(options).redact(body) as { note: string }[]
    expect(out.map((row) => row.note === '********')).toEqual([false, false, true, false, false])
  })
})

describe('credentials by their scheme', () => {
  const r = createRedactor({ knownSecrets: false })
  it('masks the credential of a value that is an HTTP authentication scheme and a credential, under any name', () => {
    const token = 'q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU'
    for (const scheme of ['Bearer', 'bearer', 'Token', 'SSWS', 'DPoP', 'Bot'])
      expect(r.redact({ value: `${scheme} ${token}` }).value).toBe(`${scheme} [REDACTED]`)
    expect(r.scan({ value: `Bearer ${token}` }).map((f) => f.detector)).toEqual(['secret-assignment'])
    // A detector that names the credential keeps its label.
    expect(r.redact({ value: 'Bearer ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8' }).value).toBe(
      'Bearer [REDACTED:github-token]',
    )
  })

  it('leaves prose, words and short values after a scheme word, and follows the assignment override', () => {
    for (const value of [
      'Bearer token is required for this endpoint',
      'Bearer authenticationrequired',
      'Token expired',
      'Bearer q8Zr3NvX0bLk',
    ])
      expect(r.redact({ value }).value).toBe(value)
    const off = createRedactor({ knownSecrets: false, overrides: { 'secret-assignment': false } })
    expect(off.redact({ value: 'Bearer q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU' }).value).toBe(
      'Bearer q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU',
    )
    expect(off.redact({ value: 'upstream refused Bearer q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU' }).value).toBe(
      'upstream refused Bearer q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU',
    )
  })

  it('masks a credential after Bearer, DPoP or SSWS inside longer text (a log line, an error message)', () => {
    const token = 'q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU'
    expect(r.redact({ message: `upstream said 401 for Bearer ${token} (expired)` }).message).toBe(
      'upstream said 401 for Bearer [REDACTED] (expired)',
    )
    expect(
      r.redact({ log: `retried with bearer ${token}, then DPoP ${token}x and SSWS 00${token}` }).log,
    ).toBe('retried with bearer [REDACTED], then DPoP [REDACTED] and SSWS [REDACTED]')
    // At the end of a sentence, inside quotes, after a line break.
    expect(r.redact({ v: `sent "Bearer ${token}".\nBEARER ${token}` }).v).toBe(
      'sent "Bearer [REDACTED]".\nBEARER [REDACTED]',
    )
    expect(r.scan({ v: `token was Bearer ${token} here` }).map((f) => f.detector)).toEqual([
      'secret-assignment',
    ])
    // Any case, and what separates them in a URL, a form, a header folded onto the next line.
    expect(r.redact({ v: `GET /relay/Bearer%20${token}?x=1` }).v).toBe('GET /relay/Bearer%20[REDACTED]?x=1')
    expect(r.redact({ v: `assertion=Bearer+${token}&y=1` }).v).toBe('assertion=Bearer+[REDACTED]&y=1')
    expect(r.redact({ v: `curl -H 'authorization: bearer\n${token}'` }).v).toBe(
      "curl -H 'authorization: bearer\n[REDACTED]'",
    )
    expect(r.redact({ v: `sent dpop ${token} and SSWS: "${token}"` }).v).toBe(
      'sent dpop [REDACTED] and SSWS: "[REDACTED]"',
    )
    // A JWT keeps its label; a challenge, prose, a word ending in the scheme's letters are left.
    expect(
      r.redact({ v: 'log: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmVfb2s here' }).v,
    ).toBe('log: Bearer [REDACTED:jwt] here')
    for (const value of [
      'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
      'Bearer tokens are required for this endpoint, see the docs',
      'use Bearer authentication_is_required_here',
      `the wearer ${token} walked`,
      `a xDPoP ${token} value`,
      // Words joined by separators, versions, addresses, numbers, names: nothing generated in them.
      'Configure Bearer TokenAuthentication in the framework settings',
      'description: Bearer JWT-signed-with-RS256 tokens',
      'GET /health 200 - Bearer X-Request-Id-5f3a9c1e done',
      'Bearer v1.2.3-beta.4+build.5678 released',
      'Bearer 192.168.100.200/24 network and Bearer 1234567890123456789012 count',
      'see Bearer com.example.auth.BearerTokenFilter for details',
      // Token, Bot, ApiKey and JWT are words prose uses: only a whole value is read as a credential.
      `Token ${token} was used`,
    ])
      expect(r.redact({ value }).value).toBe(value)
  })
})
