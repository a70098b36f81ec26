import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { LeakguardConfigError } from '../errors.js'
import { createGuard } from '../guard.js'
import { base64Texts, encodeLike, escapeBase64, mayHoldBase64, unescapeBase64 } from './base64-text.js'
import { stringFeatures } from './features.js'
import { createRedactor } from './index.js'

/** Bytes from a seeded generator: the same on every run (random bytes decode to text by chance). */
function seededBytes(seed: number): (length: number) => Buffer {
  const random = seededRandom(seed)
  return (length) => Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)))
}

const b64 = (text: string) => Buffer.from(text).toString('base64')
const b64url = (text: string) => Buffer.from(text).toString('base64url')
/** Every base64 run of `text` decoded (both alphabets). */
const decodedRuns = (text: string) =>
  (text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []).map((run) => Buffer.from(run, 'base64').toString())

const OPTIONS = { secretName: (name: string) => /^(?:ssn|pin|card|password)$/i.test(name) }
const GITHUB = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
const AWS = 'AKIAQ3EGRQ7WXL4NB6UP'
const SLACK = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'

describe('mayHoldBase64', () => {
  const gate = (text: string) => mayHoldBase64(stringFeatures(text), text)
  it('lets through blobs, credentials and data URLs, wrapped or not', () => {
    expect(gate(b64('db:\n  password: s3cr3t-Pa55word!\n'))).toBe(true)
    expect(gate(`Basic ${b64(`ada:${GITHUB}`)}`)).toBe(true)
    expect(gate(`data:application/json;base64,${b64(JSON.stringify({ token: SLACK }))}`)).toBe(true)
    expect(gate(b64('x'.repeat(600)).replace(/.{76}/g, '$&\n'))).toBe(true)
    expect(gate(b64('x'.repeat(600)).replace(/.{64}/g, '$&\r\n'))).toBe(true)
  })
  it('turns away prose, JSON text, code and short values', () => {
    expect(gate('Prefers delivery after 6pm; gate code is 4471.')).toBe(false)
    expect(gate('{"user":"ada","role":"admin","team":"core"}')).toBe(false)
    expect(gate(`var adobeToken string = "371501d8e70f616b5ee7f6956febc631"`)).toBe(false)
    expect(gate('dXNlcjpwYXNz')).toBe(false)
  })
  it('lets through a URL of any host with a blob as a parameter or a path segment', () => {
    const blob = b64url(JSON.stringify({ email: 'ada@example.com', password: 's3cr3t-Pa55word!' }))
    expect(gate(`https://api.example.com/cb?state=${blob}`)).toBe(true)
    expect(gate(`https://a.b.example.co.uk/#state=${blob}&x=1`)).toBe(true)
    expect(gate(`https://api.example.com/u/${blob}/confirm`)).toBe(true)
    expect(gate(`see https://api.example.com/cb?state=${blob} now`)).toBe(true)
    expect(
      gate(`https://api.example.com/cb?state=${encodeURIComponent(b64('{"password":"s3cr3t-Pa55word!"}'))}`),
    ).toBe(true)
    // Short parameters and segments: a URL like any other, not searched.
    expect(gate('https://api.example.com/v1/users/42/orders?expand=items&page=2')).toBe(false)
    expect(gate('https://cdn.example.com/img/avatars/ada-lovelace-2024.png')).toBe(false)
  })
})

describe('blobs in URLs (found by a red-team pass)', () => {
  const redactor = createRedactor({ knownSecrets: false })
  const redact = (text: string) => redactor.redact({ v: text }).v as string
  const secret = { email: 'ada@example.com', password: 's3cr3t-Pa55word!' }
  const masked = { email: '[REDACTED:email]', password: '[REDACTED]' }

  it('reads a blob in a URL whose host has two dots or more', () => {
    for (const host of ['api.example.com', 'a.b.example.co.uk', 'localhost:8443', '10.0.0.7']) {
      const out = redact(`https://${host}/cb?state=${b64url(JSON.stringify(secret))}&lang=en`)
      const [, state, lang] = /^https:\/\/[^/]+\/cb\?state=([^&]+)&(lang=en)$/.exec(out) ?? []
      expect(lang, `${host}: ${out}`).toBe('lang=en')
      expect(JSON.parse(Buffer.from(state!, 'base64url').toString())).toEqual(masked)
    }
  })

  it('masks what a blob holds when a path goes on after it (a red-team pass)', () => {
    // A `/` after a blob may be a path's or one of the blob's own (base64 writes `?` with one):
    // the run is read with what follows, so nothing of the secret is left; the path is written
    // back re-encoded with the blob (docs/redaction.md).
    const blob = b64url(JSON.stringify({ p: 'x', email: 'bob.smith@corp.example', password: 'hunter2xyz' }))
    for (const after of ['/en', '/1', '/x/y', '/edit', '/confirm', '/', '/?a=1', '/#top']) {
      for (const before of [
        'https://api.example.com/u/',
        'https://api.example.com/cb?state=',
        'example.com/u/',
      ]) {
        const out = redact(`${before}${blob}${after}`)
        expect(out.startsWith(before), out).toBe(true)
        for (const run of decodedRuns(out)) {
          expect(run).not.toContain('hunter2xyz')
          expect(run).not.toContain('bob.smith')
        }
      }
    }
  })

  it('reads two blobs in consecutive path segments, and keeps a path after a blob (a red-team pass)', () => {
    const email = b64url(JSON.stringify({ email: 'bob.smith@corp.example' }))
    const password = b64url(JSON.stringify({ password: 'hunter2xyz' }))
    const out = redact(`https://api.example.com/v1/${email}/${password}/confirm`)
    const [, first, second] = /^https:\/\/api\.example\.com\/v1\/([\w-]+)\/([\w-]+)\/confirm$/.exec(out) ?? []
    expect(JSON.parse(Buffer.from(first!, 'base64url').toString())).toEqual({ email: '[REDACTED:email]' })
    expect(JSON.parse(Buffer.from(second!, 'base64url').toString())).toEqual({ password: '[REDACTED]' })
    // Where what follows the `/` decodes to bytes that are not text, the path is left as it was.
    const blob = b64url(JSON.stringify({ p: 'x', email: 'bob.smith@corp.example' }))
    const masked = b64url(JSON.stringify({ p: 'x', email: '[REDACTED:email]' }))
    for (const after of ['/confirm', '/en', '/x/y', '/edit?lang=en'])
      expect(redact(`https://api.example.com/u/${blob}${after}`)).toBe(
        `https://api.example.com/u/${masked}${after}`,
      )
  })

  it("keeps a path's words after a blob whose last character leaves a `?` byte after the text", () => {
    // A blob of 4n + 3 characters: a `/` after it writes `?` (0x3F), which reads as text, and the
    // letters after it may write a byte or two more; the path was written back re-encoded.
    for (const password of ['Hunter2pass', 'Hunter2pas', 'Hunter2pa']) {
      const blob = b64url(JSON.stringify({ password }))
      const masked = b64url(JSON.stringify({ password: '[REDACTED]' }))
      for (const after of ['/view', '/confirm', '/details/1', '/edit?lang=en', '/next#top']) {
        const out = redact(`https://x.example/files/${blob}${after}`)
        expect(out, `${blob}${after}`).toBe(`https://x.example/files/${masked}${after}`)
      }
    }
  })

  it('reads a secret that ends the text whole before a / and bytes that are not text (a third red-team pass)', () => {
    // Text that ends with a card, a key, an SSN or a token, then bytes whose first character is `/`.
    for (const [blob, secret] of [
      ['eGNhcmQgNjAxMTExMTExMTExMTExN/gw8Q==', '6011111111111117'],
      ['eHh4eHh4YXdzX2tleSBBS0lBSU9TRk9ETk43RVhBTVBMN/6Wrrvn', 'AKIAIOSFODNN7EXAMPL7'],
      ['eHh4eHNzbiAwNzgtMDUtMTEyM/L1KQ==', '078-05-1123'],
      [
        'eHh4eHh4eHh4eHh4eHh0b2sgZ2hwXzE2QzdlNDJGMjkyYzY5MTJFNzcxMGM4MzgzNDdBZTE3OEI0a/+KWiBpm24U',
        'ghp_16C7e42F',
      ],
    ] as const) {
      const out = redact(blob)
      expect(Buffer.from(out, 'base64').toString('latin1'), out).not.toContain(secret)
    }
  })

  it('reads text with bytes appended (a payload and its binary signature)', () => {
    // 38 bytes of text and 24 of signature: less than three quarters text.
    const json = JSON.stringify({ user: 'u1', password: 'hunter2xyz' })
    const signature = Buffer.from('8f1c2b7d4e9a06f35c1d2e3f4a5b6c7d8e9fa0b1c2d3e4f5', 'hex')
    for (const encoding of ['base64', 'base64url'] as const) {
      const out = redact(Buffer.concat([Buffer.from(json), signature]).toString(encoding))
      const bytes = Buffer.from(out, encoding)
      expect(bytes.subarray(0, -signature.length).toString()).toBe(json.replace('hunter2xyz', '[REDACTED]'))
      expect(bytes.subarray(-signature.length)).toEqual(signature)
    }
  })

  it("reads a signature's bytes as bytes, unless text of 16 bytes or more stands there", () => {
    // Random bytes held `xk@A.UVz` after a URL's text (one in 236,000 fuzzed URLs): an email to
    // the detector, masked inside a signature.
    const head = Buffer.from('{"next":"/account/settings/profile","v":2}')
    const junk = [0xff, 0x80, 3, 4, 5, 0xfe, 0x90, 0x11, 0x12, 0xc0, 0x00, 0x99, 0x98, 0x97, 0x01, 0x02]
    const byChance = Buffer.concat([head, Buffer.from([1, 2]), Buffer.from('xk@A.UVz'), Buffer.from(junk)])
    const url = `https://app.example.com/cb?state=${byChance.toString('base64url')}`
    expect(redact(url)).toBe(url)
    // Text written after a signature, long enough not to be chance, is read; so is the payload.
    const written = Buffer.concat([
      head,
      Buffer.from([1, 2]),
      Buffer.from('mail ada@example.com'),
      Buffer.from(junk),
    ])
    const out = redact(`https://app.example.com/cb?state=${written.toString('base64url')}`)
    const state = Buffer.from(out.split('state=')[1]!, 'base64url')
    expect(state.toString('latin1')).toContain('mail [REDACTED:email]')
    const leading = Buffer.concat([
      Buffer.from('{"email":"ada.lovelace@example.com","n":1}'),
      Buffer.from(junk),
    ])
    const masked = redact(`https://app.example.com/cb?state=${leading.toString('base64url')}`)
    expect(Buffer.from(masked.split('state=')[1]!, 'base64url').toString('latin1')).toContain(
      '[REDACTED:email]',
    )
  })

  it('never ends a blob at a / of its own: text after it is read, bytes after it kept', () => {
    // `?` written in base64 is `/` at some alignments; bytes that are not text follow the JSON.
    const tail = Buffer.from([0, 1, 2, 0xff, 0xfe, 3])
    for (const [secret, mask] of [
      ['hunter2xyz', '[REDACTED]'],
      ['AKIAIOSFODNN7EXAMPLE', '[REDACTED:aws-access-key]'],
    ] as const) {
      for (const q of ['is it ok?', 'why?', '???']) {
        const json = JSON.stringify({ q, [secret === 'hunter2xyz' ? 'password' : 'key']: secret })
        const blob = Buffer.concat([Buffer.from(json), tail]).toString('base64')
        for (const before of ['', 'example.com/u/', 'https://api.example.com/cb?state=']) {
          const out = redact(`${before}${blob}`)
          const bytes = Buffer.from(out.slice(before.length), 'base64')
          expect(bytes.toString('latin1'), out).not.toContain(secret)
          expect(bytes.subarray(-tail.length)).toEqual(tail)
          expect(bytes.subarray(0, -tail.length).toString()).toBe(json.replace(secret, mask))
        }
      }
    }
  })

  it('reads a blob in a fragment, in prose, and percent-escaped near its start', () => {
    const blob = b64url(JSON.stringify({ user: 'bob', password: 'hunter2xyz' }))
    const masked = b64url(JSON.stringify({ user: 'bob', password: '[REDACTED]' }))
    expect(redact(`https://a.example.com/cb#${blob}`)).toBe(`https://a.example.com/cb#${masked}`)
    expect(redact(`Reset at example.com/r?t=${blob} now please`)).toBe(
      `Reset at example.com/r?t=${masked} now please`,
    )
    const escaped = `eyJhIjoiaXMgaXQgb2s%2FIiwicGFzc3dvcmQiOiJodW50ZXIyeHl6In0`
    const out = redact(`https://a.b.c.example.co.uk/cb?state=${escaped}`)
    expect(out).not.toContain('aHVudGVyMnh5')
    expect(Buffer.from(decodeURIComponent(out.slice(out.indexOf('=') + 1)), 'base64').toString()).toBe(
      '{"a":"is it ok?","password":"[REDACTED]"}',
    )
  })

  it('still reads a blob that decodes to text with a slash of its own', () => {
    const text = 'path: /etc/app/db.conf\npassword = s3cr3t-Pa55word!\n'
    const out = redact(`https://api.example.com/cfg/${b64(text)}`)
    expect(Buffer.from(out.slice('https://api.example.com/cfg/'.length), 'base64').toString()).toBe(
      'path: /etc/app/db.conf\npassword = [REDACTED]\n',
    )
  })
})

describe('base64Texts', () => {
  it('decodes runs whose bytes are text, as they are written in the string', () => {
    const config = 'db:\n  password: s3cr3t-Pa55word!\n'
    const runs = base64Texts(`x ${b64(config)} y`, [], OPTIONS)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ start: 2, url: false, padded: true, width: 0 })
    expect(runs[0]!.texts.map((t) => t.text)).toEqual([config])
    expect(runs[0]!.end).toBe(2 + b64(config).length)
    // Written unpadded in 4n + 2 characters, or with `-` or `_`: base64url, left unpadded.
    const url = base64Texts(b64url('{"email":"ada@example.com","n":12}'), [], OPTIONS)[0]!
    expect(url).toMatchObject({ url: true, padded: false })
    expect(url.texts[0]!.text).toBe('{"email":"ada@example.com","n":12}')
    // 4n characters and neither alphabet's own: written back as base64 is, padded.
    const either = base64Texts(b64url('{"email":"ada@example.com"}'), [], OPTIONS)[0]!
    expect(either).toMatchObject({ url: false, padded: true })
  })

  it('leaves random tokens, hashes, binary data and short runs', () => {
    // Seeded: random bytes decode to text by chance about once in 10^5 runs of these lengths (a
    // start after a `/` that reads as text), and a test must not fail by chance.
    const bytes = seededBytes(24)
    for (let i = 0; i < 200; i++) {
      expect(base64Texts(bytes(24 + (i % 40)).toString('base64'), [], OPTIONS)).toEqual([])
      expect(base64Texts(bytes(20).toString('hex'), [], OPTIONS)).toEqual([])
    }
    // A PNG's header, and a GIF's: binary from their first bytes.
    expect(base64Texts('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk', [], OPTIONS)).toEqual(
      [],
    )
    expect(base64Texts('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', [], OPTIONS)).toEqual([])
    // 11 bytes of text: too short to be read.
    expect(base64Texts(b64('hello world'), [], OPTIONS)).toEqual([])
    // Text, then bytes that are not: the text is read, the rest left as it is.
    const invalid = Buffer.concat([Buffer.from('a'.repeat(30)), Buffer.from([0xff, 0xfe])]).toString('base64')
    expect(base64Texts(invalid, [], OPTIONS)[0]!.texts).toEqual([{ from: 0, to: 30, text: 'a'.repeat(30) }])
  })

  it('joins the lines of a wrapped blob, and remembers their width and break', () => {
    const text = `aws_access_key_id = ${AWS}\n`.repeat(6)
    for (const [width, lineBreak] of [
      [76, '\n'],
      [64, '\r\n'],
    ] as const) {
      const wrapped = b64(text).replace(new RegExp(`.{${width}}`, 'g'), `$&${lineBreak}`)
      const runs = base64Texts(wrapped, [], OPTIONS)
      expect(runs).toHaveLength(1)
      expect(runs[0]).toMatchObject({ start: 0, width, lineBreak })
      expect(runs[0]!.texts.map((t) => t.text)).toEqual([text])
    }
  })

  it('leaves runs a detector took whole and runs a span crosses, reads what the jwt detector leaves', () => {
    const part = b64url(JSON.stringify({ sub: '42', email: 'ada@example.com' }))
    // Where the jwt detector runs, what it does not take as a JWT is read (a Flask session cookie).
    expect(
      base64Texts(`${part}.ZXyz12.q8Zr3NvX0bLk2WmT9cYp4HsJ`, [], OPTIONS).map((run) => run.start),
    ).toEqual([0])
    const blob = b64('{"email":"ada@example.com"}')
    const held = { start: 2, end: 2 + blob.length, detector: 'x', verified: false }
    expect(base64Texts(`k ${blob}`, [held], OPTIONS)).toEqual([])
    expect(base64Texts(`k ${blob}`, [{ ...held, start: 0, end: 10 }], OPTIONS)).toEqual([])
    // A blob at the end of a sentence.
    expect(base64Texts(`${b64('email: ada@example.com')}.`, [], OPTIONS)).toHaveLength(1)
  })

  it('starts a run after a path or an id joined to it, ends it at a digest, reads around bad bytes', () => {
    const email = b64('ada.lovelace@example.com')
    const r = createRedactor({ knownSecrets: false })
    for (const before of ['https://x.io/unsubscribe/', 'sess-', 'cfg_', 'v1/blob/', 'a-b-c-']) {
      const out = r.redact({ v: `${before}${email}` }).v as string
      expect(out.startsWith(before)).toBe(true)
      expect(decodedRuns(out.slice(before.length)).join()).toContain('[REDACTED:email]')
    }
    // A signed cookie: the payload, `--`, a hex digest.
    const cookie = `${b64('{"email":"ada@example.com"}')}--5e884898da28047151d0e56f8dc6292773603d0d`
    expect(base64Texts(cookie, [], OPTIONS).map((run) => run.texts[0]!.text)).toEqual([
      '{"email":"ada@example.com"}',
    ])
    // Colour codes in a log line, a NUL at the end, a Latin-1 letter: the text around them is read.
    const log = b64(`\x1b[32mINFO\x1b[0m token=${GITHUB}\u0000`)
    expect(base64Texts(log, [], OPTIONS)[0]!.texts.map((t) => t.text)).toEqual([
      '[32mINFO',
      `[0m token=${GITHUB}`,
    ])
    const latin = Buffer.concat([
      Buffer.from('Bonjour, caf'),
      Buffer.from([0xe9]),
      Buffer.from(` token=${GITHUB}`),
    ])
    expect(base64Texts(latin.toString('base64'), [], OPTIONS)[0]!.texts.map((t) => t.text)).toEqual([
      'Bonjour, caf',
      ` token=${GITHUB}`,
    ])
    // Random bytes are turned away in their first bytes; a Latin-1 letter there too (a limit).
    const early = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(` token=${GITHUB}`)])
    expect(base64Texts(early.toString('base64'), [], OPTIONS)).toEqual([])
  })

  it('lists a finding read in a run at the run, where it is in the string as written (scan())', () => {
    const r = createRedactor({ knownSecrets: false })
    const run = b64(`contact: ada@example.com\ntoken=${GITHUB}`)
    const value = `blob ${run} end`
    const start = value.indexOf(run)
    const findings = r.scan({ v: value })
    expect(findings.map((f) => f.detector).sort()).toEqual(['email', 'github-token'])
    for (const finding of findings) expect([finding.start, finding.end]).toEqual([start, start + run.length])
    // Two levels deep: the outer run.
    const outer = b64(`auth: ${b64(`user:${GITHUB}`)}`)
    const nested = r.scan({ v: `x ${outer}` })
    expect(nested.length).toBeGreaterThan(0)
    for (const finding of nested) expect([finding.start, finding.end]).toEqual([2, 2 + outer.length])
  })

  it('reads a blob percent-encoded into a form or a query whole, and writes it back escaped as it was', () => {
    const r = createRedactor({ knownSecrets: false })
    const json = JSON.stringify({ email: 'ada@example.com', note: '~~~>>>???', token: GITHUB })
    const escaped = encodeURIComponent(b64(json))
    expect(escaped).toMatch(/%2B|%2F|%3D/)
    for (const [value, upper] of [
      [`state=${escaped}`, true],
      [`state=${escaped.replace(/%2B|%2F|%3D/g, (m) => m.toLowerCase())}&x=1`, false],
      [`a%20b ${escaped}`, true],
    ] as const) {
      const out = r.redact({ v: value }).v as string
      const run = /[A-Za-z0-9%]{40,}/.exec(out)![0]
      expect(JSON.parse(Buffer.from(decodeURIComponent(run), 'base64').toString())).toEqual({
        email: '[REDACTED:email]',
        note: '~~~>>>???',
        token: '[REDACTED]',
      })
      expect(run.includes(upper ? '%2' : '%2b') || run.includes(upper ? '%3D' : '%3d')).toBe(true)
      expect(out).not.toContain(GITHUB.slice(4, 20))
      // scan() lists the findings at the run as written, escapes included.
      const start =
        value.indexOf(value.includes('state=') ? 'state=' : escaped) + (value.includes('state=') ? 6 : 0)
      const findings = r.scan({ v: value })
      expect(findings.length).toBeGreaterThan(0)
      for (const finding of findings) expect(finding.start).toBe(start)
    }
  })

  it('keeps escaped slashes and pluses around a blob out of it (a path before it, a segment after it)', () => {
    const r = createRedactor({ knownSecrets: false })
    const blob = b64('contact ada@example.com about the march invoice please')
    const json = b64url(JSON.stringify({ email: 'ada@example.com', team: 'core', role: 'admin' }))
    const around: [string, string][] = [
      ['v=tag%2B', ''],
      ['next=%2Fapi%2Fv1%2Forganizations%2Facme%2Finvites%2F', ''],
      ['return_to=%2Finvite%2F', '%2Faccept'],
      ['v=', '%2Bsuffix'],
    ]
    for (const [before, after] of around) {
      for (const run of [blob, json]) {
        const value = `${before}${run}${after}`
        const out = r.redact({ v: value }).v as string
        expect(out, value).not.toContain(run)
        expect(out.startsWith(before), value).toBe(true)
        expect(out.endsWith(after), value).toBe(true)
        const written = out.slice(before.length, out.length - after.length)
        const text = Buffer.from(decodeURIComponent(written), 'base64').toString()
        expect(text, value).toContain('[REDACTED:email]')
        expect(text, value).not.toContain('ada@example.com')
      }
    }
  })

  it('looks for a blob dense in escapes among other parameters', () => {
    const r = createRedactor({ knownSecrets: false })
    const json = JSON.stringify({
      password: 'hunter2-correct-horse',
      email: 'ada@example.com',
      note: '???>>>',
    })
    const e = encodeURIComponent(b64(json))
    for (const value of [
      `a=${e}&b=${e}`,
      `q=a%20b&state=${e}`,
      `state=${e}&y=%20`,
      `https://x.example/cb?state=${e}&code=abc`,
    ]) {
      const out = r.redact({ v: value }).v as string
      expect(out, value).not.toContain(e)
      expect(decodeURIComponent(out), value).not.toContain(b64(json).slice(8, 40))
    }
  })

  it('ends a run before a span glued past its text, which keeps its own mask', () => {
    // 42 bytes: 56 characters, the last one holding no bits past the text.
    const blob = Buffer.from('{"email":"adax@example.com","plan":"prox"}').toString('base64url')
    const text = `https://a.io/?s=${blob}-4111111111111111`
    const card = text.indexOf('4111')
    const runs = base64Texts(
      text,
      [{ start: card, end: card + 16, detector: 'card', verified: false }],
      OPTIONS,
    )
    expect(runs).toHaveLength(1)
    expect(runs[0]!.end).toBeLessThanOrEqual(card)
    expect(runs[0]!.texts[0]!.text).toBe('{"email":"adax@example.com","plan":"prox"}')
    const r = createRedactor({ knownSecrets: false })
    const out = r.redact(text) as string
    expect(out.endsWith('-411111******1111')).toBe(true)
    expect(Buffer.from(out.slice(16, out.indexOf('-411111')), 'base64url').toString()).toBe(
      '{"email":"[REDACTED:email]","plan":"prox"}',
    )
    // A glue whose bits would make a byte of their own (`+` after a blob that ends cleanly, here
    // percent-encoded) stays outside: the blob decodes to its JSON alone, which is parsed and its
    // inner blob read.
    const inner = Buffer.from(JSON.stringify({ password: 'Zq9vT2kLmX4pWr7sYb', z: '??>>' })).toString(
      'base64',
    )
    const outer = Buffer.from(JSON.stringify({ data: inner }))
      .toString('base64')
      .replace(/=+$/, '')
    const nested = r.redact(`${outer}%2B4532015112830366%3D.4532015112830366`) as string
    const decoded = JSON.parse(Buffer.from(nested.slice(0, nested.indexOf('%2B')), 'base64').toString())
    expect(Buffer.from(decoded.data, 'base64').toString()).toBe('{"password":"[REDACTED]","z":"??>>"}')
    // A blob cut short mid-group: the glue's bits end its text (`...example.co`), and stay in the
    // run, so that the email is read whole.
    const short = 'eyJlbWFpbCI6ImFkYXgubG92ZWxhY2VAZXhhbXBsZS5jb-4532015112830366'
    expect(r.redact(short)).not.toContain('ZXhhbXBsZS5jb')
    expect(r.scan(short).map((finding) => finding.detector)).toEqual(expect.arrayContaining(['email']))
  })

  it('masks a run whole when a finding in its written characters would go out as they were', () => {
    const r = createRedactor({ knownSecrets: false })
    for (const [text, label] of [
      // Between two text stretches of the run.
      ['aGVsbG8gdGhlcmUgZnJpZW5kICA-4532015112830366eyJwYXNzd29yZCI6Imh1bnRlcjJodW50ZXIyIn0', 'card'],
      // Read as part of the text: the blob's last character, the glue and the card decode to
      // UTF-8 (the text runs on into the card, or the card is text itself).
      ['eyJlbWFpbCI6ImFkYXhAZXhhbXBsZS5jb20iLCJwbGFuIjoicHJvIiwieCI6IM-4532015112830366', 'card'],
      ['eyJlbWFpbCI6ImFkYXhAZXhhbXBsZS5jb20iLCJwbGFuIjoicHJvIiwieCI6ImA-4562572006595425', 'card'],
      [
        'https://a.io/?s=eyJub3RlIjoiaGVsbG8gdGhlcmUgZnJpZW5kLCB0aGlzIGlzIGEgbG9uZyBub3RlIGZvciBwYWRkaW5nIHdvcmRzIn0-ghp_GkUA88g8GI48i2GIyaMYu86CkaQUO0iWkC6g-AAAeyJwYXNzd29yZCI6Imh1bnRlcjJodW50ZXIyIn0',
        'github-token',
      ],
    ] as const) {
      const out = r.redact(text) as string
      expect(out, text).toContain(`[REDACTED:${label}]`)
      expect(out).not.toMatch(/4532015112|4562572006|GkUA88g8GI48/)
      expect(r.scan(text).map((finding) => finding.detector)).toContain(label)
    }
    // Nothing masked in the blob's text: the run is left as it was and the card keeps its mask.
    expect(r.redact('eyJlbWFpbCI6ImFkYXguZXhhbXBsZS5jb20iLCJwbGFuIjoicHJvIiwieCI6ImA-4562572006595425')).toBe(
      'eyJlbWFpbCI6ImFkYXguZXhhbXBsZS5jb20iLCJwbGFuIjoicHJvIiwieCI6ImA-456257******5425',
    )
  })

  it('maps a view with base64 escapes decoded to the string and back', () => {
    expect(unescapeBase64('no escapes', 'no escapes')).toBeUndefined()
    expect(unescapeBase64('a%20b', 'a   b')).toBeUndefined()
    const view = unescapeBase64('ab%2Bc%3d%20x', 'ab%2Bc%3d   x')!
    expect(view.text).toBe('ab+c=   x')
    expect([...view.toWritten]).toEqual([0, 1, 2, 5, 6, 9, 10, 11, 12, 13])
    expect(view.toView[5]).toBe(3)
    expect(view.toView[3]).toBe(2)
    expect(escapeBase64('a+b/c==', false)).toBe('a%2bb%2fc%3d%3d')
    // A `%` at the end, or before one character: nothing to decode there.
    expect(unescapeBase64('x%2', 'x%2')).toBeUndefined()
  })

  it('reads a run whose base64url holds `--` (a fullwidth character), ends one at `--` and a digest', () => {
    const text = 'aWas（株）: contact ada.lovelace@example.com'
    const run = b64url(text)
    expect(run).toContain('--')
    expect(base64Texts(run, [], OPTIONS).map((r) => r.texts[0]!.text)).toEqual([text])
    const r = createRedactor({ knownSecrets: false })
    expect(Buffer.from(r.redact({ v: run }).v as string, 'base64url').toString()).toBe(
      'aWas（株）: contact [REDACTED:email]',
    )
  })

  it('reads global ids whose type a member-name rule calls secret, and numbers a card may be', () => {
    for (const text of ['SSN:078051120', 'Pin:12345678', 'Card:4111111111111111', 'card:4111111111111111'])
      expect(base64Texts(b64(text), [], OPTIONS), text).toHaveLength(1)
  })

  it('leaves global ids, and images in data URLs', () => {
    for (const id of [
      'AccessToken:57792683',
      'Credential:0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5a',
      'gid://shopify/Product/4037851956408',
    ])
      expect(base64Texts(b64(id), [], OPTIONS)).toEqual([])
    const svg = b64(
      '<svg viewBox="0 0 24 24"><path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10"/></svg>',
    )
    expect(base64Texts(`data:image/svg+xml;base64,${svg}`, [], OPTIONS)).toEqual([])
    expect(base64Texts(`data:text/plain;base64,${svg}`, [], OPTIONS)).toHaveLength(1)
  })
})

describe('encodeLike', () => {
  const runOf = (written: string) => base64Texts(written, [], OPTIONS)[0]!
  it('writes text back in the alphabet, padding and lines of the run', () => {
    const text = 'user: ada, note: >>>???<<< and more text here'
    for (const written of [b64(text), b64(text).replace(/=+$/, ''), b64url(text), `${b64url(text)}==`]) {
      const run = runOf(written)
      const again = encodeLike(run, [`${text}!`])
      expect(Buffer.from(again, 'base64').toString()).toBe(`${text}!`)
      expect(/[-_]/.test(again)).toBe(run.url)
      expect(/[+/]/.test(again)).toBe(!run.url && /[+/]/.test(b64(`${text}!`)))
      expect(again.endsWith('=')).toBe(run.padded && b64(`${text}!`).endsWith('='))
    }
    const long = 'x'.repeat(300)
    const wrapped = runOf(b64(long).replace(/.{76}/g, '$&\r\n'))
    const out = encodeLike(wrapped, [long.slice(10)])
    expect(
      out
        .split('\r\n')
        .slice(0, -1)
        .every((line) => line.length === 76),
    ).toBe(true)
    expect(Buffer.from(out.replaceAll('\r\n', ''), 'base64').toString()).toBe(long.slice(10))
  })
})

describe('redaction of text written in base64', () => {
  const r = createRedactor({ knownSecrets: false })

  it('masks what the text holds and writes it back decodable, the rest of the text readable', () => {
    const cases: Array<[string, string]> = [
      [b64(`aws_access_key_id = ${AWS}\n`), `aws_access_key_id = [REDACTED:aws-access-key]\n`],
      [b64('{"password":"hunter2-correct-horse","user":"ada"}'), '{"password":"[REDACTED]","user":"ada"}'],
      [b64('contact ada.lovelace@example.com please'), 'contact [REDACTED:email] please'],
      [b64('card 4111 1111 1111 1111 exp 12/29'), 'card 4111 11** **** 1111 exp 12/29'],
      [b64url(JSON.stringify({ token: SLACK })), '{"token":"[REDACTED]"}'],
    ]
    for (const [blob, text] of cases) {
      const out = r.redact({ blob }).blob as string
      expect(out).not.toBe(blob)
      expect(Buffer.from(out, 'base64').toString()).toBe(text)
    }
  })

  it('keeps what stands around a run: a scheme, a data URL, a cookie name', () => {
    expect(r.redact({ h: `Basic ${b64(`ada:${GITHUB}`)}` }).h).toBe(`Basic ${b64('ada:[REDACTED]')}`)
    const data = r.redact({ u: `data:application/json;base64,${b64(JSON.stringify({ token: SLACK }))}` }).u
    expect(data).toBe(`data:application/json;base64,${b64('{"token":"[REDACTED]"}')}`)
    const prefs = { email: 'ada@example.com', theme: 'dark', n: 12 }
    const cookie = r.redact({ c: `prefs=${b64url(JSON.stringify(prefs))}` }).c
    expect(cookie).toBe(`prefs=${b64url(JSON.stringify({ ...prefs, email: '[REDACTED:email]' }))}`)
  })

  it('reads base64 inside base64 (a Docker config in a Kubernetes secret), a TLS key, a wrapped blob', () => {
    const docker = b64(JSON.stringify({ auths: { 'ghcr.io': { auth: b64(`ada:${GITHUB}`) } } }))
    const pem = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(4)}\n-----END PRIVATE KEY-----\n`
    const out = r.redact({ data: { '.dockerconfigjson': docker, 'tls.key': b64(pem) } }).data as Record<
      string,
      string
    >
    const config = JSON.parse(Buffer.from(out['.dockerconfigjson']!, 'base64').toString())
    // `auth` is a secret name; its value goes whole.
    expect(config).toEqual({ auths: { 'ghcr.io': { auth: '[REDACTED]' } } })
    expect(Buffer.from(out['tls.key']!, 'base64').toString()).toBe('[REDACTED:private-key]\n')
    const text = `region = eu-west-1\naws_access_key_id = ${AWS}\n${'# comment line\n'.repeat(8)}`
    const wrapped = b64(text).replace(/.{76}/g, '$&\n')
    const masked = r.redact({ w: wrapped }).w as string
    expect(
      masked
        .split('\n')
        .slice(0, -1)
        .every((line) => line.length === 76),
    ).toBe(true)
    expect(Buffer.from(masked.replaceAll('\n', ''), 'base64').toString()).toBe(
      text.replace(AWS, '[REDACTED:aws-access-key]'),
    )
  })

  it('writes a wrapped blob back at its width and line break, in the alphabet a strict decoder reads', () => {
    const text = `[default]\nregion = eu-west-1\naws_access_key_id = ${AWS}\n${'# rotated yearly, see the runbook\n'.repeat(9)}`
    const want = text.replace(AWS, '[REDACTED:aws-access-key]')
    for (const width of [64, 70, 75, 76, 77])
      for (const lineBreak of ['\n', '\r\n', '\n    ']) {
        const wrapped = b64(text).replace(new RegExp(`.{${width}}`, 'g'), `$&${lineBreak}`)
        const out = r.redact({ w: wrapped }).w as string
        const lines = out.split(lineBreak)
        expect(lines.slice(0, -1).every((line) => line.length === width)).toBe(true)
        // atob reads base64's alphabet only, and checks the padding.
        expect(Buffer.from(atob(lines.join('')), 'latin1').toString()).toBe(want)
      }
  })

  it('keeps base64url where the run stands in a URL or after name=, base64 elsewhere', () => {
    // 4n characters, neither alphabet's own: the context says which.
    const text = 'user ada, email ada@example.com ok!!'
    expect(b64(text).length % 4).toBe(0)
    expect(b64(text)).not.toMatch(/[-_+/=]/)
    const masked = b64url('user ada, email [REDACTED:email] ok!!')
    expect(r.redact({ v: `https://x.io/cb?state=${b64(text)}` }).v).toBe(`https://x.io/cb?state=${masked}`)
    expect(r.redact({ v: `prefs=${b64(text)}` }).v).toBe(`prefs=${masked}`)
    expect(r.redact({ v: b64(text) }).v).toBe(b64('user ada, email [REDACTED:email] ok!!'))
  })

  it('leaves GraphQL and Shopify ids, and SVG icons in data URLs, as they are', () => {
    const body = {
      id: b64('AccessToken:57792683'),
      product: b64('gid://shopify/Product/4037851956408'),
      icon: `data:image/svg+xml;base64,${b64('<svg><path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2z"/></svg>')}`,
    }
    expect(r.redact(body)).toEqual(body)
  })

  it('reads many runs with findings in one string in linear time (spans and runs walked together)', () => {
    const note = Array.from({ length: 4000 }, (_, i) => `${b64(`token=${GITHUB} row ${i}`)},${AWS}`).join(',')
    const out = r.redact({ note }).note as string
    const parts = out.split(',')
    expect(parts).toHaveLength(8000)
    expect(Buffer.from(parts[0]!, 'base64').toString()).toBe('token=[REDACTED:github-token] row 0')
    expect(parts[1]).toBe('[REDACTED:aws-access-key]')
  })

  it('reads cookies with attributes, and credentials with spaces around them', () => {
    const blob = b64(`token=${GITHUB}`)
    const masked = b64('token=[REDACTED:github-token]')
    for (const [before, after] of [
      ['Basic ', ' '],
      ['Basic  ', ''],
      ['prefs=', '; Path=/; HttpOnly'],
      ['a=1; b=2; prefs=', ''],
    ] as const)
      expect(r.redact({ v: `${before}${blob}${after}` }).v).toBe(`${before}${masked}${after}`)
  })

  it('leaves values one per line and rows of text after a blob as they are written', () => {
    const one = b64('user ada.lovelace@example.com logged in!')
    const two = b64('nothing to see in this line at all, ok!!')
    const out = r.redact({ v: `${one}\n${two}` }).v as string
    const [first, second] = out.split('\n')
    expect(Buffer.from(first!, 'base64').toString()).toBe('user [REDACTED:email] logged in!')
    expect(second).toBe(two)
    const csv = `${b64url('from ada@example.com, hello there')}\nid1,${b64('plain text, nothing')}`
    const rows = (r.redact({ v: csv }).v as string).split('\n')
    expect(rows[1]).toBe(`id1,${b64('plain text, nothing')}`)
  })

  it('reads a wrapped blob with a control character in it as one, at any width and indent', () => {
    const text = `hello world, this is text ${AWS} \u0001 more words here, and some more text to wrap ok`
    for (const [width, lineBreak] of [
      [64, '\n  '],
      [76, '\n'],
      [62, '\n'],
    ] as const) {
      const wrapped = b64(text).replace(new RegExp(`.{${width}}`, 'g'), `$&${lineBreak}`)
      const out = r.redact({ w: wrapped }).w as string
      const lines = out.split(lineBreak).filter((line) => line !== '')
      expect(lines.slice(0, -1).every((line) => line.length === width)).toBe(true)
      expect(Buffer.from(lines.join(''), 'base64').toString()).toBe(
        text.replace(AWS, '[REDACTED:aws-access-key]'),
      )
    }
  })

  it('leaves the data of image data URLs in any case', () => {
    const svg = b64(
      '<svg><path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2z"/></svg>',
    )
    for (const head of [
      'DATA:IMAGE/SVG+XML;BASE64,',
      'Data:Image/svg+xml;base64,',
      'data:image/svg+xml;BASE64,',
    ])
      expect(r.redact({ v: `${head}${svg}` }).v).toBe(`${head}${svg}`)
  })

  it('sends a token the route issues as it is, base64 or not', () => {
    const guard = createGuard({
      redact: { knownSecrets: false },
      routes: { 'POST /token': { issuesTokens: true, issuedTokenClaims: ['sub', 'email'] } },
    })
    const jwt = `v1-eyJhbGciOiJIUzI1NiJ9.${b64url('{"sub":"42","email":"ada@example.com"}')}.c2lnbmF0dXJl`
    const opaque = `rt_${b64url('user=ada@example.com;exp=1767225600;n=9f3k')}`
    const context = guard.startRequest({ method: 'POST', path: '/token', native: undefined })
    const out = guard.serializeResponse(context, {
      status: 200,
      body: { access_token: jwt, refresh_token: opaque },
    })
    expect(JSON.parse(String((out as { payload: string }).payload))).toEqual({
      access_token: jwt,
      refresh_token: opaque,
    })
  })

  it('masks the password of Basic credentials whatever it looks like, and reads the user', () => {
    expect(r.redact({ v: `Basic ${b64('ada:hunter2hunter2')}` }).v).toBe(`Basic ${b64('ada:[REDACTED]')}`)
    expect(r.redact({ v: `basic ${b64('ada@example.com:x')}` }).v).toBe(
      `basic ${b64('[REDACTED:email]:[REDACTED]')}`,
    )
    expect(r.scan({ v: `Basic ${b64('ada:hunter2hunter2')}` }).map((f) => f.detector)).toEqual(['key-name'])
    // With the member-name rule off, the credentials are read as any text.
    const off = createRedactor({ knownSecrets: false, keyNames: false })
    expect(off.redact({ v: `Basic ${b64('ada:hunter2hunter2')}` }).v).toBe(
      `Basic ${b64('ada:hunter2hunter2')}`,
    )
  })

  it('writes a blob after a relative path or before a dot (a signed cookie) in base64url', () => {
    const text = 'to ada.lovelace@example.com ref ca?aaaa ok'
    expect(b64(text)).not.toMatch(/[-_+/=]/)
    expect(r.redact({ v: `/unsubscribe/${b64(text)}` }).v).toBe(
      `/unsubscribe/${b64url('to [REDACTED:email] ref ca?aaaa ok')}`,
    )
    const payload = JSON.stringify({ email: 'ada@example.com', n: 1 })
    expect(b64url(payload).length % 4).toBe(0)
    expect(r.redact({ v: `${b64url(payload)}.ZXyz12.q8Zr3NvX0bLk2WmT9cYp4HsJ` }).v).toBe(
      `${b64url(JSON.stringify({ email: '[REDACTED:email]', n: 1 }))}.ZXyz12.q8Zr3NvX0bLk2WmT9cYp4HsJ`,
    )
  })

  it('reads each line of a wrapped blob that is not text together once (no rejoining at every line)', () => {
    const line = Buffer.concat([Buffer.from('a'.repeat(24)), Buffer.alloc(24, 0x80)]).toString('base64')
    const blob = Array.from({ length: 3000 }, () => line).join('\n')
    expect(r.redact({ v: blob }).v).toBe(blob)
  })

  it('reports findings by the detector that read the text, at the member holding the run', () => {
    const findings = r.scan({ cfg: b64(`aws_access_key_id = ${AWS}\n`) })
    expect(findings.map((f) => [f.path, f.detector])).toEqual([['$.cfg', 'aws-access-key']])
  })

  it('reports a canary the text carries', () => {
    const canary = 'canary-7Hq2xLw9pR4tZk'
    const withCanary = createRedactor({ knownSecrets: { env: false, canaries: [canary] } })
    const out = withCanary.redact({ v: b64(`{"note":"seen ${canary} here"}`) }).v as string
    expect(decodedRuns(out).join()).not.toContain(canary)
  })

  it('leaves tokens, ids, hashes, images, JWTs and clean text as they are', () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${b64url('{"sub":"42","email":"ada@example.com"}')}.c2lnbmF0dXJl`
    const issuing = createRedactor({ knownSecrets: false })
    const bytes = seededBytes(32)
    const body = {
      ref: bytes(32).toString('base64url'),
      id: bytes(12).toString('hex'),
      digest: bytes(32).toString('base64'),
      image: `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk`,
      note: b64('nothing to see here, just words'),
    }
    expect(r.redact(body)).toEqual(body)
    // A JWT is read by the jwt detector, whole, not by its parts.
    expect(issuing.redact({ v: jwt }).v).toBe('[REDACTED:jwt]')
  })

  it('is off with base64Text: false, and says how to write the option', () => {
    const off = createRedactor({ knownSecrets: false, base64Text: false })
    const blob = b64(`aws_access_key_id = ${AWS}\n`)
    expect(off.redact({ blob }).blob).toBe(blob)
    expect(() => createRedactor({ base64Text: 'yes' as never })).toThrow(LeakguardConfigError)
    expect(() => createRedactor({ base64Text: 'yes' as never })).toThrow(/base64Text/)
  })

  it('reads hostile runs without throwing: huge, padded oddly, lone surrogates, runs of 4n + 1', () => {
    const huge = b64(`${'lorem ipsum dolor sit amet '.repeat(40_000)}${AWS}`)
    const out = r.redact({ huge }).huge as string
    expect(Buffer.from(out, 'base64').toString()).toContain('[REDACTED:aws-access-key]')
    for (const text of [
      `${b64(`key ${AWS}`)}===`,
      `${b64(`key ${AWS}`)}A`,
      `=${b64(`key ${AWS}`)}`,
      `${b64(`key ${AWS}`)}\ud800`,
      `${b64(`key ${AWS}`).slice(0, 20)}\n${b64(`key ${AWS}`).slice(20)}`,
      '\n'.repeat(40),
      'A'.repeat(4097),
    ]) {
      const masked = r.redact({ text }).text as string
      expect(typeof masked).toBe('string')
      expect(masked).not.toContain(b64(`key ${AWS}`))
    }
  })

  it('reads hostile percent escapes without throwing, and masks what a blob among them holds', () => {
    const secret = encodeURIComponent(b64(`key ${AWS} ~~~>>>???`))
    // Whatever they are, they come back as a string that serializes.
    for (const text of [
      '%2B'.repeat(100_000),
      `${'%2Ba'.repeat(50_000)}`,
      '%',
      '%%',
      `a%2\ud800${secret}%3D%3D%3D`,
    ]) {
      const masked = r.redact({ text }).text as string
      expect(JSON.parse(JSON.stringify({ masked })).masked).toBe(masked)
    }
    // A blob next to broken or double escapes is still read.
    for (const text of [
      `%2B%20${secret}`,
      `%%2B${secret}`,
      `${secret}%`,
      `${secret}%2`,
      `\ud800${secret}`,
      `${secret}%3D%3D%3D`,
      `%252B${secret}%252F`,
    ]) {
      const masked = r.redact({ text }).text as string
      // Nothing of the key in any base64 run of what goes out, at any alignment.
      const decoded = decodeURIComponent(masked.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'))
      for (const run of decoded.match(/[A-Za-z0-9+/]{20,}/g) ?? [])
        for (let shift = 0; shift < 4; shift++)
          expect(Buffer.from(run.slice(shift), 'base64').toString('latin1'), text.slice(-40)).not.toContain(
            AWS.slice(4),
          )
    }
  })
})
