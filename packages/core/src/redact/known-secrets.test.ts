import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { createRedactor } from './index.js'
import { MultiSearch } from './multi-search.js'

const SECRET = 'db-Pa55w0rd/with+symbols=='
const forms = (value: string) => {
  const bytes = Buffer.from(value)
  return {
    raw: value,
    base64: bytes.toString('base64'),
    base64Unpadded: bytes.toString('base64').replace(/=+$/, ''),
    base64url: bytes.toString('base64url'),
    hexLower: bytes.toString('hex'),
    hexUpper: bytes.toString('hex').toUpperCase(),
    percent: encodeURIComponent(value),
  }
}

describe('redact.knownSecrets', () => {
  const redactor = createRedactor({ knownSecrets: { env: false, values: [SECRET] }, keyNames: false })

  it.each(Object.entries(forms(SECRET)))('masks the %s form wherever it stands', (_form, text) => {
    const out = redactor.redact({ note: `before ${text} after` }).note
    expect(out).not.toContain(text)
    expect(out).toBe('before [REDACTED:known-secret] after')
  })

  it('reads process.env-like variables, leaving out short values, paths, numbers and allowed names', () => {
    const env = {
      DB_PASSWORD: 'correct-horse-battery',
      SHORT: 'abc123',
      HOME_DIR: '/home/service/app',
      RETRIES: '123456789012345',
      NODE_ENV: 'production-cluster-7',
      PUBLIC_SITE_NAME: 'the-public-site-name',
      APP_NAME: 'my-great-service-name',
    }
    const r = createRedactor({ knownSecrets: { env: { from: env, allow: ['APP_*'] } }, keyNames: false })
    const body = Object.fromEntries(Object.entries(env).map(([k, v]) => [k.toLowerCase(), `value ${v}`]))
    expect(r.redact(body)).toEqual({
      db_password: 'value [REDACTED:known-secret]',
      short: 'value abc123',
      home_dir: 'value /home/service/app',
      retries: 'value 123456789012345',
      node_env: 'value production-cluster-7',
      public_site_name: 'value the-public-site-name',
      app_name: 'value my-great-service-name',
    })
  })

  it('reports a canary by its id, never its value, and masks it', async () => {
    const events: unknown[] = []
    const guard = createGuard({
      redact: {
        knownSecrets: {
          env: false,
          canaries: ['cnry-Z8q2LmX0pVt7', { id: 'decoy', value: 'decoy-Hf1s9Kd4' }],
        },
      },
      audit: { onEvent: (event) => void events.push(event) },
    })
    const context = guard.startRequest({ method: 'GET', path: '/x', native: undefined })
    const out = guard.serializeResponse(context, {
      status: 200,
      body: { a: 'x cnry-Z8q2LmX0pVt7', b: 'decoy-Hf1s9Kd4' },
    })
    expect(String((out as { payload: string }).payload)).not.toMatch(/cnry-Z8q|decoy-Hf1/)
    await guard.flush()
    const canary = events.find((event) => (event as { type: string }).type === 'response.canary')
    expect(canary).toMatchObject({ severity: 'error', canaries: ['canary-0', 'decoy'] })
    expect(JSON.stringify(events)).not.toMatch(/cnry-Z8q|decoy-Hf1/)
  })

  it('refuses secrets too short to match safely, with the option path', () => {
    expect(() => createRedactor({ knownSecrets: { values: ['short'] } })).toThrow(
      /knownSecrets\.values\[0\].*8 characters/,
    )
    expect(() => createRedactor({ knownSecrets: { canaries: [{ id: 1 } as never] } })).toThrow(
      /canaries\[0\]/,
    )
    expect(() => createRedactor({ knownSecrets: { env: { minLength: 2 } } })).toThrow(/env\.minLength/)
  })

  it('can be turned off', () => {
    const off = createRedactor({ knownSecrets: false, keyNames: false })
    expect(off.redact({ note: SECRET })).toEqual({ note: SECRET })
  })
})

describe('MultiSearch', () => {
  it('finds exactly what indexOf finds, for random literals and texts', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    const alphabet = 'abcAB01-_=+/'
    const word = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
    for (let round = 0; round < 200; round++) {
      const literals = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        word(8 + Math.floor(random() * 6)),
      )
      let text = word(Math.floor(random() * 200))
      for (const literal of literals) if (random() < 0.5) text += literal + word(Math.floor(random() * 20))
      const found: string[] = []
      const hits: number[] = []
      new MultiSearch(literals).search(text, hits)
      for (let i = 0; i < hits.length; i += 2) found.push(`${hits[i]}@${hits[i + 1]}`)
      const expected: string[] = []
      const lower = text.toLowerCase()
      literals.forEach((literal, index) => {
        for (
          let at = lower.indexOf(literal.toLowerCase());
          at !== -1;
          at = lower.indexOf(literal.toLowerCase(), at + 1)
        )
          expected.push(`${index}@${at}`)
      })
      expect(found.sort()).toEqual(expected.sort())
    }
  })
})

describe('redact.knownSecrets: forms found by the red team', () => {
  it('masks non-ASCII secrets as written, in both normal forms, and form-encoded', () => {
    const secret = "pässwört-Geheim-ÄÖÜ-2024€ (it's)"
    const r = createRedactor({ knownSecrets: { env: false, values: [secret] }, keyNames: false })
    for (const form of [
      secret,
      secret.normalize('NFD'),
      new URLSearchParams({ v: secret }).toString().slice(2),
    ]) {
      expect(r.redact({ note: `x ${form} y` }).note).toBe('x [REDACTED:known-secret] y')
    }
  })

  it('masks a secret HTML-escaped the ways templates write it, and typed in fullwidth forms', () => {
    const secret = `Tr0ub4dor&3"<x>'s`
    const r = createRedactor({ knownSecrets: { env: false, values: [secret] }, keyNames: false })
    const named = 'Tr0ub4dor&amp;3&quot;&lt;x&gt;'
    for (const form of [
      `${named}&#39;s`,
      `${named}&#x27;s`,
      `${named}&apos;s`,
      'Ｔｒ０ｕｂ４ｄｏｒ＆３＂＜ｘ＞＇ｓ',
    ]) {
      expect(r.redact({ note: `<p>${form}</p>` }).note).toBe('<p>[REDACTED:known-secret]</p>')
    }
  })
})

describe('redact.knownSecrets: inside a larger encoded blob', () => {
  // Lengths of each remainder modulo 3, and one with bytes that base64 writes as + and /.
  const SECRETS = [
    'Zq9x7Kp2mW9vR4tL',
    'Zq9x7Kp2mW9vR4tLa',
    'Zq9x7Kp2mW9vR4tLab',
    's3cr\u00ff\u00fe\u00fb>>?~~key',
  ]
  const redactor = createRedactor({ knownSecrets: { env: false, values: SECRETS }, keyNames: false })
  /**
   * The masked text as written, and each base64 run of it decoded: a blob whose text is read
   * decoded is written as that text redacted, encoded again (base64-text.ts), so its mask is
   * read there; one that is not shows the mask in its characters.
   */
  const readable = (masked: string) =>
    [
      masked,
      ...(masked.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []).map((run) =>
        Buffer.from(run, 'base64').toString(),
      ),
    ].join('\n')
  /** The bits of `secret` a masked blob still shows: none may decode back to any 4-byte run of it. */
  const decodesToPartOf = (masked: string, secret: string, url: boolean) => {
    const runs = masked.split(/\[REDACTED:known-secret\]/)
    const bytes = Buffer.from(secret)
    return runs.some((run) => {
      for (let shift = 0; shift < 4; shift++) {
        const decoded = Buffer.from(run.slice(shift), url ? 'base64url' : 'base64')
        for (let i = 0; i + 4 <= bytes.length; i++)
          if (decoded.includes(bytes.subarray(i, i + 4))) return true
      }
      return false
    })
  }

  for (const secret of SECRETS) {
    for (const before of ['', 'a', 'ab', 'abc', 'user:', '{"db_password":"']) {
      for (const after of ['', '"', '"}', '\n--']) {
        const data = Buffer.from(`${before}${secret}${after}`)
        for (const encoding of ['base64', 'base64url'] as const) {
          const blob = data.toString(encoding)
          it(`masks ${JSON.stringify(secret)} after ${JSON.stringify(before)}, before ${JSON.stringify(after)}, in ${encoding}`, () => {
            const out = redactor.redact({ blob: `x ${blob} y` }).blob as string
            expect(readable(out)).toContain('[REDACTED:known-secret]')
            expect(decodesToPartOf(out, secret, encoding === 'base64url')).toBe(false)
            // What the blob holds around the secret stays readable where it does not carry its bits.
            expect(out.startsWith('x ')).toBe(true)
            expect(out.endsWith(' y')).toBe(true)
          })
        }
      }
    }
  }

  it('masks Basic credentials that carry the secret, and reports the canary inside them', async () => {
    const events: Array<{ type: string; canaries?: string[] }> = []
    const guard = createGuard({
      redact: { knownSecrets: { env: false, canaries: [{ id: 'decoy', value: 'decoy-Hf1s9Kd4pQ' }] } },
      audit: { onEvent: (event) => void events.push(event as never) },
    })
    const context = guard.startRequest({ method: 'GET', path: '/debug', native: undefined })
    const basic = `Basic ${Buffer.from('admin:decoy-Hf1s9Kd4pQ').toString('base64')}`
    const out = guard.serializeResponse(context, { status: 200, body: { echoed: { header: basic } } })
    expect(String((out as { payload: string }).payload)).not.toContain(basic.slice(6))
    await guard.flush()
    expect(events.find((event) => event.type === 'response.canary')?.canaries).toEqual(['decoy'])
  })

  it('masks a blob percent-encoded in a URL, one whose text escapes the secret, and its other normal form', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64')
    // Found by a red-team pass: `%2B` and `%2F` split the blob's characters.
    const tilde = 'correct~horse?battery~staple'
    const url = `https://app.io/cb?state=${encodeURIComponent(b64(JSON.stringify({ uid: 7, key: tilde })))}`
    const quoted = 'hunter2"sup3r\\s3cret!xyz'
    const accented = 'Grüße-Kennwort-Straße-2024'
    const r = createRedactor({
      knownSecrets: { env: false, values: [tilde, quoted, accented] },
      keyNames: false,
    })
    const out = r.redact({ url }).url as string
    expect(readable(decodeURIComponent(out))).toContain('[REDACTED:known-secret]')
    expect(out).not.toContain(encodeURIComponent(b64(JSON.stringify({ uid: 7, key: tilde }))).slice(30, 50))
    for (const blob of [
      Buffer.from(JSON.stringify({ uid: 7, apiKey: quoted })).toString('base64url'),
      // Python's json.dumps escapes past ASCII (ensure_ascii).
      b64(
        JSON.stringify({ k: accented }).replace(
          /[\u007f-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        ),
      ),
      b64(`pw=${accented.normalize('NFD')}\n`),
    ])
      expect(readable(r.redact({ blob }).blob as string)).toContain('[REDACTED:known-secret]')
  })

  it('takes the padding of a base64url blob with its last characters', () => {
    const r = createRedactor({ knownSecrets: { env: false, values: ['@>{<||{%?'] }, keyNames: false })
    expect(r.redact({ v: 'x NEA-ezx8fHslPw== y' }).v).toBe('x N[REDACTED:known-secret] y')
  })

  it('compiles tens of thousands of secrets, and one with a lone surrogate', () => {
    const values = Array.from({ length: 25_000 }, (_, i) => `secret-${i}-xxxxxxxx\u00e9/&"`)
    expect(() => createRedactor({ knownSecrets: { env: false, values } })).not.toThrow()
    const r = createRedactor({ knownSecrets: { env: false, values: ['\ud800abcdefgh'] }, keyNames: false })
    expect(r.redact({ v: 'x \ud800abcdefgh y' }).v).toBe('x [REDACTED:known-secret] y')
  })

  it('leaves a blob that holds no secret as it is', () => {
    const blob = Buffer.from('{"user":"ada","note":"nothing secret in here at all"}').toString('base64')
    expect(redactor.redact({ blob }).blob).toBe(blob)
  })
})
