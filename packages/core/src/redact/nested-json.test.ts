import { describe, expect, it } from 'vitest'
import type { LeakguardEvent } from '../audit/events.js'
import { createGuard } from '../guard.js'
import { redact, scan } from './index.js'

const EMAIL = 'ada@example.com'
const CARD = '4111111111111111'
/** JSON text nesting `levels` arrays around an object holding an email and a password. */
const deepJson = (levels: number) =>
  `${'['.repeat(levels - 1)}{"email":"${EMAIL}","password":"hunter2","n":1}${']'.repeat(levels - 1)}`

function guardWithEvents() {
  const events: LeakguardEvent[] = []
  const guard = createGuard({ audit: { onEvent: (event) => void events.push(event) } })
  const filter = (body: unknown) =>
    guard.filterResponse(guard.startRequest({ method: 'GET', path: '/users', native: {} }), {
      status: 200,
      body,
    })
  return { guard, events, filter }
}

describe('JSON carried in strings, past the limits', () => {
  it.each([129, 200, 10_000])(
    'redacts %i-level JSON text as text instead of failing the response',
    async (levels) => {
      const { guard, events, filter } = guardWithEvents()
      const decision = filter([
        { id: 1, bio: 'plain' },
        { id: 2, bio: deepJson(levels) },
        { id: 3, bio: `call me at ${EMAIL}` },
      ])
      expect(decision.blocked).toBe(false)
      const rows = (decision as { body: Array<{ id: number; bio: string }> }).body
      expect(rows.map((row) => row.id)).toEqual([1, 2, 3])
      expect(rows[1]!.bio).not.toContain(EMAIL)
      expect(rows[1]!.bio).not.toContain('hunter2')
      expect(rows[1]!.bio).toContain('"password":"[REDACTED]"')
      expect(rows[1]!.bio.startsWith('['.repeat(levels - 1))).toBe(true)
      expect(rows[2]!.bio).toBe('call me at [REDACTED:email]')
      await guard.flush()
      const degraded = events.find((event) => event.type === 'response.degraded')
      expect(degraded).toMatchObject({
        type: 'response.degraded',
        severity: 'warn',
        values: [{ path: '$[*].bio', reason: 'nested-json-too-deep', count: 1 }],
        total: 1,
      })
      expect(events.some((event) => event.type === 'response.blocked')).toBe(false)
    },
  )

  it('reads text JSON.parse refuses as JSON text where it nests too deep or holds numbers it cannot shield', () => {
    // Not JSON (a blank before `:`, a trailing comma, a bracket too many), so never parsed; read as
    // a reader that took it for JSON would, member-name rules included, as before it was checked.
    const value = 'abcdefgh12345679'
    const marks = '\ue000\ue001\uf8fe\uf8ff\ue0ff\uf000'
    for (const text of [
      `{"token" :"${value}"}${'['.repeat(129)}]`,
      `[{"secret" : "${value}"}}${'['.repeat(129)}]`,
      `["${marks}",1e400,{"api_key" :"${value}"},]`,
      // Without either, read as text: members with a blank before `:` are read by name there too.
      `{"password" :"${value}"},`,
    ]) {
      expect(JSON.stringify(redact({ bio: text })), text.slice(0, 40)).not.toContain(value)
    }
    // Numbers JSON would refuse (a date, a lone `-`): written as strings while it is read, as
    // numbers a round trip would change are, and read as JSON (member names give phones their
    // context), then written back as they were.
    expect(redact({ bio: '{"mobile":"4155550132","n":2024-01-02}' })).toEqual({
      bio: '{"mobile":"********32","n":2024-01-02}',
    })
    expect(redact('{"nhs_number":"9434765919","a":-}')).toBe('{"nhs_number":"[REDACTED:uk-nhs]","a":"-"}')
    // Text that only looks like JSON costs no exception and stays as it was.
    expect(redact({ bio: 'Hello {name}, see {"a":1,}' })).toEqual({ bio: 'Hello {name}, see {"a":1,}' })
  })

  it('reads members written in text by name and the base64 blobs beside them', () => {
    const blob = Buffer.from('{"password":"Zq9vT2kLmX4pWr7sYb9N"}').toString('base64url')
    for (const text of [
      `"token" : "x" https://a.example.com/cb?state=${blob}`,
      `"token": "x" https://a.example.com/cb?state=${blob}`,
    ]) {
      const out = redact(text) as string
      expect(out).toContain('"token"')
      expect(out).not.toContain('"x"')
      const written = out.slice(out.indexOf('state=') + 6)
      expect(Buffer.from(written, 'base64url').toString()).toBe('{"password":"[REDACTED]"}')
    }
  })

  it('keeps parsing JSON text up to the limit, member-name globs and all', () => {
    const out = redact({ bio: deepJson(128) }) as { bio: string }
    expect(JSON.parse(out.bio)).toEqual(
      JSON.parse(deepJson(128).replace(EMAIL, '[REDACTED:email]').replace('hunter2', '[REDACTED]')),
    )
  })

  it('redacts JSON text past three levels of JSON in a string as text, and reports it', async () => {
    let text = JSON.stringify({ email: EMAIL, password: 'hunter2' })
    for (let i = 0; i < 3; i++) text = JSON.stringify({ inner: text })
    const { guard, events, filter } = guardWithEvents()
    const decision = filter({ doc: text })
    const out = JSON.stringify(decision)
    expect(out).not.toContain(EMAIL)
    expect(out).not.toContain('hunter2')
    await guard.flush()
    expect(events.find((event) => event.type === 'response.degraded')).toMatchObject({
      values: [{ path: '$.doc#$.inner#$.inner#$.inner', reason: 'nested-json-chain', count: 1 }],
    })
  })

  it('writes numbers a round trip would change back as they were, and reads the rest as JSON', async () => {
    const doc = `{"id":12345678901234567890,"huge":1e400,"email":"${EMAIL}"}`
    const { guard, events, filter } = guardWithEvents()
    const decision = filter({ doc }) as { body: { doc: string } }
    expect(decision.body.doc).toBe('{"id":12345678901234567890,"huge":1e400,"email":"[REDACTED:email]"}')
    await guard.flush()
    expect(events.find((event) => event.type === 'response.degraded')).toBeUndefined()
    // A red-team pass: a 64-bit id turned the document into text, where the rules that read its
    // shape (a name/value pair, a JWK) do not apply; and a card stored as a number, masked there,
    // left the string no longer JSON.
    const pair = `{"id":1234567890123456789,"env":[{"name":"DB_PASSWORD","value":"Zq7Kx82Lm91w"}]}`
    const card = `{"card":{"number":${CARD}},"pin":12345678901234567890}`
    const out = redact({ pair, card }) as { pair: string; card: string }
    expect(out.pair).toBe('{"id":1234567890123456789,"env":[{"name":"DB_PASSWORD","value":"[REDACTED]"}]}')
    expect(JSON.parse(out.card)).toEqual({ card: { number: '411111******1111' }, pin: '[REDACTED]' })
    // Text that holds a mark itself (an icon font's U+E000), as written or escaped, is read with
    // another: a string of it never comes back a number, and the shape rules still apply.
    const marked = `{"id":12345678901234567890,"s":"\\ue000123","e":"\ue000","env":[{"name":"DB_PASSWORD","value":"Zq7Kx82Lm91w"}]}`
    const read = JSON.parse((redact({ marked }) as { marked: string }).marked)
    expect(read).toEqual({
      id: 12345678901234567000,
      s: '\ue000123',
      e: '\ue000',
      env: [{ name: 'DB_PASSWORD', value: '[REDACTED]' }],
    })
    expect((redact({ marked }) as { marked: string }).marked).toContain('12345678901234567890')
  })

  it('writes what it read when a name repeats in an object, even with nothing to mask', () => {
    // A red-team pass: the text went out as it was, and a client that keeps the first of two
    // members read the secret JSON.parse had dropped.
    const out = redact({
      settings: '{"password":"Zq7Kx82Lm91w","password":null}',
      contact: `{"contact":"${EMAIL}","contact":""}`,
      plain: '{"a": 1, "b": "x"}',
    }) as Record<string, string>
    expect(out.settings).toBe('{"password":null}')
    expect(out.contact).toBe('{"contact":""}')
    expect(out.plain).toBe('{"a": 1, "b": "x"}')
  })

  it('masks flagged members as JSON literals, with the configured mask', () => {
    const text = `${'['.repeat(130)}{"apiKey":"k-1","pin":1234,"note":"${CARD}"}${']'.repeat(130)}`
    const out = redact({ t: text }, { keyNames: { mask: 'remove' } }) as { t: string }
    expect(out.t).toContain('{"apiKey":null,"pin":null,"note":"411111******1111"}')
  })

  it('lets issued tokens through in text mode as in parsed JSON', () => {
    const guard = createGuard({ routes: { 'POST /login': { issuesTokens: true } } })
    const text = `${'['.repeat(130)}{"token":"opaque-session-token-1","password":"x"}${']'.repeat(130)}`
    const decision = guard.filterResponse(
      guard.startRequest({ method: 'POST', path: '/login', native: {} }),
      {
        status: 200,
        body: { t: text },
      },
    ) as { body: { t: string } }
    expect(decision.body.t).toContain('"token":"opaque-session-token-1","password":"[REDACTED]"')
  })

  it('reports text-mode findings with their spans in the original text', () => {
    const text = deepJson(140)
    const findings = scan({ t: text })
    expect(findings.map((finding) => finding.detector).sort()).toEqual(['email', 'key-name'])
    for (const finding of findings) {
      expect(['"hunter2"', EMAIL]).toContain(text.slice(finding.start, finding.end))
    }
  })

  it('treats a member name holding deep JSON the same way', () => {
    const name = deepJson(200)
    const out = redact({ [name]: 1 }) as Record<string, number>
    const [key] = Object.keys(out)
    expect(key).not.toContain(EMAIL)
    expect(key).toContain('[REDACTED:email]')
  })

  it('leaves text that only looks like JSON alone', () => {
    const text = `${'['.repeat(300)} not json`
    expect(redact({ t: text })).toEqual({ t: text })
  })
})

describe('client-written content never fails a response', () => {
  it.each([
    ['lone surrogates', `\ud800 ${EMAIL} \udfff`],
    ['lone surrogates in JSON text', `{"a":"\\ud800 ${EMAIL}"}`],
    ['__proto__ in JSON text', `{"__proto__":{"password":"x"},"constructor":{"prototype":"${EMAIL}"}}`],
    ['a long string of digits', '4'.repeat(100_000)],
    ['a long string', 'x'.repeat(1_000_000)],
    ['a JWT-looking string with broken parts', 'eyJ\ud800.eyJ\udfff.x eyJhbGciOiJIUzI1NiJ9.eyJ!.abc'],
    ['unbalanced JSON-looking text', `{"a":[${'{"b":['.repeat(300)}]}`],
  ])('%s', (_name, text) => {
    const { filter } = guardWithEvents()
    const decision = filter({ list: [{ text }, { [text]: text }] })
    expect(decision.blocked).toBe(false)
    expect(JSON.stringify(decision)).not.toContain(EMAIL)
  })
})
