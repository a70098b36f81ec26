import { describe, expect, it } from 'vitest'
import { createGuard } from '../../guard.js'
import { createRedactor } from '../index.js'

/** How configuration, code and logs assign a credential (test/corpus runs every shape of the corpora). */
const sampleTexts = (i: string, s: string) => [
  `${i}Token="${s}"`,
  `${i}Token = ${s}`,
  `{\n    "${i}_token": "${s}"\n}`,
  `{"config.ini": "${i.toUpperCase()}_TOKEN=${s}\\nBACKUP_ENABLED=true"}`,
  `<${i}Token>\n    ${s}\n</${i}Token>`,
  `${i}_token: '${s}'`,
  `string ${i}Token = "${s}";`,
  `var ${i}Token string = "${s}"`,
  `var ${i}Token: String = "${s}"`,
  `${i}Token := \`${s}\``,
  `$${i}Token .= "${s}"`,
  `System.setProperty("${i.toUpperCase()}_TOKEN", "${s}")`,
  `  "${i}Token" => "${s}"`,
  `${i.toUpperCase()}_TOKEN ::= "${s}"`,
  `${i.toUpperCase()}_TOKEN ?= "${s}"`,
]

const redactor = createRedactor({ keyNames: true, knownSecrets: false })
const found = (text: string) => redactor.scan({ note: text }).map((f) => f.detector)
const redacted = (text: string) => redactor.redact({ note: text }).note

describe('secret-assignment: secrets assigned to secret names in text', () => {
  const SECRET = 'q8Zr2LmX0pVt7WcN4sKd9Hf1'

  it.each(['twilio', 'db', 'stripe', 'mailgun', 'x'])(
    'finds the secret in every text shape (%s)',
    (identifier) => {
      for (const text of sampleTexts(identifier, SECRET)) {
        const out = redacted(text)
        expect(out, text).not.toContain(SECRET)
        expect(found(text).length, text).toBeGreaterThan(0)
      }
    },
  )

  it.each([
    ['DB_PASSWORD=hunter2!', 'hunter2!'],
    ['password: "correct horse battery staple"', 'correct horse battery staple'],
    ["client_secret => 'Zt8w-31aa'", 'Zt8w-31aa'],
    ['<password>S3cr3t!</password>', 'S3cr3t!'],
    ['api-key: 9f8e7d6c5b4a', '9f8e7d6c5b4a'],
    ['export AUTH_TOKEN="tok-42-abc"', 'tok-42-abc'],
    ['{"config.ini": "SMTP_PASSWORD=Pa55word\\nPORT=25"}', 'Pa55word'],
    ['retry with session_id=A1B2C3D4E5 later', 'A1B2C3D4E5'],
    ['pwd=Hunter22', 'Hunter22'],
    ['$dbPassword .= "s3cr3t-v@lue"', 's3cr3t-v@lue'],
    ['API_TOKEN ?= "0b3c7f2e9a"', '0b3c7f2e9a'],
  ])('masks the value of %j', (text, secret) => {
    expect(redacted(text)).not.toContain(secret)
  })

  it.each([
    'password: required',
    'token: expired',
    'Your password must be at least 8 characters: try again',
    'The secret: nobody knows it',
    'visit https://example.com:8443/path?q=1',
    'meeting at 12:30, room 4',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, as text
    'DB_PASSWORD=${DB_PASSWORD}',
    'password = process.env.DB_PASSWORD',
    // Variables, as names and what may end one.
    'password=$DB_PASSWORD',
    'PASSWORD=$DB_PASS;',
    'password: $HOME/.pgpass',
    'password=$(cat /run/secrets/db)',
    'password=$$DB_PASSWORD',
    'password=$${DB_PASSWORD}',
    'password=$PASSWORD@$HOST',
    'api_key: "{{ secrets.API_KEY }}"',
    'token_type=bearer',
    'password_updated_at=2024-01-01',
    'author: Jane Doe',
    'a > b and c = d',
    'password: "[REDACTED]"',
    'password=********',
    'passwordHint: "the usual"',
  ])('leaves %j alone', (text) => {
    expect(found(text)).not.toContain('secret-assignment')
  })

  it('masks a password that starts with a $ and runs on past a variable name', () => {
    // A red-team leftover: `$` then letters read as a shell variable, whatever followed.
    for (const secret of [
      '$ecretP4ss!',
      '$3cr3t#Key',
      '$Abc123!xyz',
      '$pw+2024~x',
      '$ecret-P4ss!',
      '$ecret/P4ss!',
      '$pa$$w0rd!',
      '$P@ss',
    ]) {
      for (const text of [`password=${secret}`, `DB_PASSWORD: "${secret}"`]) {
        expect(redacted(text), text).not.toContain(secret)
        expect(found(text), text).toContain('secret-assignment')
      }
    }
  })

  it('masks the value of a command line option named for a secret, written with a blank', () => {
    // A red-team leftover: `--password hunter2` in a failed command's message (child_process
    // writes the whole command line into it) had no operator to read.
    const cases: Array<[string, string]> = [
      ['Command failed: mysql -u root --password Hunter2x -h db', 'Hunter2x'],
      ['--password hunter22', 'hunter22'],
      ['run --api-token "Zq8vXw3Lm9Kp1234" now', 'Zq8vXw3Lm9Kp1234'],
      ["vault login --client-secret\t's3cr3t Value9'", 's3cr3t Value9'],
      ['tool --client_secret  s3cr3tValue9 --region eu', 's3cr3tValue9'],
      ['cmd --pin 4471', '4471'],
      ['(deploy --db-password Tr0ub4dor)', 'Tr0ub4dor'],
    ]
    for (const [text, secret] of cases) {
      expect(redacted(text), text).not.toContain(secret)
      expect(found(text), text).toContain('secret-assignment')
    }
    expect(redacted('tool --client_secret  s3cr3tValue9 --region eu')).toBe(
      'tool --client_secret  [REDACTED] --region eu',
    )
  })

  it.each([
    'git log --author Ada --since 2020',
    'cli --password --verbose',
    'cli --token $TOKEN',
    'cmd --password required',
    'a--password hunter2x',
    '--password\nhunter2x',
    '-----BEGIN CERTIFICATE-----',
    'cmd --pin 44',
    'x --token-file /run/secrets/token',
    'cli --password "" --user bob',
    'cli --password <password> --user <user>',
  ])('leaves the command line %j alone', (text) => {
    expect(found(text)).not.toContain('secret-assignment')
  })

  it('reads assignments past thousands of dashes: rules of dashes cost nothing of the budget', () => {
    for (const filler of ['-'.repeat(4100), '-- comment\n'.repeat(4100)]) {
      const text = `${filler}\npassword=S3cr3tP4ss!`
      expect(redacted(text)).not.toContain('S3cr3tP4ss!')
    }
  })

  it("masks the value after an option in a command's argument list", () => {
    expect(redactor.redact({ spawnargs: ['mysql', '--password', 'hunter2X', '--verbose'] })).toEqual({
      spawnargs: ['mysql', '--password', '[REDACTED]', '--verbose'],
    })
    expect(redactor.redact({ args: ['--password', '--verbose', '--token-file', '/x'] })).toEqual({
      args: ['--password', '--verbose', '--token-file', '/x'],
    })
    // Options of one dash: the value after them, not a path, a source or another option.
    expect(redactor.redact({ cmd: ['keytool', '-storepass', 'Summer2024x', '-v'] })).toEqual({
      cmd: ['keytool', '-storepass', '[REDACTED]', '-v'],
    })
    const plain = {
      ssl: ['openssl', '-pass', 'env:ENC_PASS', '-in', 'a'],
      aws: ['app', '-credentials', '~/.aws/credentials'],
      ls: ['ls', '-la', '/tmp'],
      gcc: ['gcc', '-o', 'out', '-Wall', 'x.c'],
    }
    expect(redactor.redact(plain)).toEqual(plain)
  })

  it('can be turned off like any detector', () => {
    const off = createRedactor({ overrides: { 'secret-assignment': false } })
    expect(off.redact({ note: 'DB_PASSWORD=hunter2!' }).note).toBe('DB_PASSWORD=hunter2!')
  })

  it('masks with the member-name mask by default, and with an override', () => {
    expect(redacted('DB_PASSWORD=hunter2!')).toBe('DB_PASSWORD=[REDACTED]')
    const custom = createRedactor({ overrides: { 'secret-assignment': { mask: 'mask' } } })
    expect(custom.redact({ note: 'DB_PASSWORD=hunter2!' }).note).toBe('DB_PASSWORD=********')
  })

  it("gives way to a provider's format that holds the same value: its id, its mask, its checksum", () => {
    const token = 'glpat-A1b2C3d4E5f6G7h8I9j0'
    for (const text of [`gitlabToken = "${token}"`, `GITLAB_TOKEN=${token}`, `<token>${token}</token>`]) {
      const findings = redactor.scan({ note: text })
      expect(
        findings.map((f) => f.detector),
        text,
      ).toEqual(['gitlab-pat'])
      expect(redacted(text), text).toBe(text.replace(token, '[REDACTED:gitlab-pat]'))
    }
    // Where the assignment's value runs past the token, the longer span is the assignment's.
    expect(found(`gitlabToken = ${token}.extra-part`)).toEqual(['secret-assignment'])
    // A pair whose inner value is a provider's token yields nothing of its own (not the name
    // before it, read as a value).
    expect(found(`token==netScale_token: pscale_tkn_hyah-u68za5s8kvwk3-tncvnf_rf3g4pe1sky3jnddc`)).toEqual([
      'planetscale-api-token',
    ])
  })

  it('judges a value with a run or two dots inside as a value, a value mostly filler as a placeholder', () => {
    for (const [text, secret] of [
      // Base64 of zero bytes inside a token, a timestamp's zeros, letters in order, two dots.
      ['access_token=kT3vX9pQ2mRAAAAAAAAAAbY6cH1jF5dG0aZ', 'kT3vX9pQ2mR'],
      ['password=Xq7Lm2Vr9Tz4Wp1700000000', 'Xq7Lm2Vr9Tz4Wp'],
      ['password=Zaq1Wsx2abcdefghEdc3Rfv4', 'Zaq1Wsx2'],
      ['password=Sup3r..Secret!', 'Sup3r'],
      ['postgres_password: "P4ss..w0rd-2024"', 'P4ss'],
      // Weak passwords and PINs of one digit repeated are among the most used.
      ['password=11111111', '11111111'],
      ['db_pin: "00000000"', '00000000'],
      ['password=1111111111', '1111111111'],
    ] as const)
      expect(redacted(text), text).not.toContain(secret)
    for (const text of [
      'password=xxxxxxxxxxxx',
      'api_key=XXXXXXXXXX_PUT_YOUR_TOKEN_HERE_XXXXXXXXXXXX',
      'token=5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa',
      'api_key=sk-abc...xyz',
      'token: ops_eyJzaWdu..[Redacted]',
      'password=00000000000000',
      // A timestamp is no code.
      'token=1700000000',
    ])
      expect(found(text), text).not.toContain('secret-assignment')
  })

  it('reads an escaped = between a name and its value as the operator (Gson, HTML templates, URLs)', () => {
    const P = 'Xq7Lm2Vr9Tz4Wp'
    for (const text of [
      `password\\u003d${P}`,
      `upstream 502: {"url":"https://api.x.com/login?user\\u003dbob\\u0026password\\u003d${P}"}`,
      `<pre>password&#x3D;&quot;${P}&quot;</pre>`,
      `Server=db;User Id=sa;Password&#61;${P};`,
      `password&equals;${P}`,
      `password%3D${P}`,
    ])
      expect(redacted(text), text).not.toContain(P)
    // Base64 padding escaped in a URL is no operator.
    expect(found('state=eyJhIjoxfQ%3D%3D&x=1')).toEqual([])
  })

  it('masks a word before an inner pair with the inner value, unless the inner name is a key of its own', () => {
    expect(redacted('secret: Quiet-Harbor_Lantern: Xq7Lm2Vr9Tz4Wp')).toBe('secret: [REDACTED]')
    expect(redacted('secret: xxxxxxxx: Hunter2Secret!')).toBe('secret: [REDACTED]')
    expect(redacted('password: hunter2word: use it')).not.toContain('hunter2word')
    // A secret's own name inside, or a mapping's key on a line of its own: the inner value alone.
    expect(redacted('credentials: password: Xq7Lm2Vr9Tz4Wp')).toBe('credentials: password: [REDACTED]')
    // The inner value decides: error chains and descriptions stay (a red-team pass).
    for (const text of [
      'unable to decrypt secret: cipher: message authentication failed',
      'failed to verify ID token: oidc: token is expired (x)',
      'token: type: bearer',
      'client_secret: expires: never',
      'api_key: Deprecated: use the X-Api-Key header',
    ])
      expect(redacted(text), text).toBe(text)
  })

  it('reads the value of an XML element named for a secret: a namespace, attributes, a key attribute', () => {
    const P = 'Xq7Lm2Vr9Tz4Wp'
    for (const [text, out] of [
      [
        `<wsse:Password Type="http://x#PasswordText">${P}</wsse:Password>`,
        '<wsse:Password Type="http://x#PasswordText">[REDACTED]</wsse:Password>',
      ],
      [`<ns1:apiKey>${P}</ns1:apiKey>`, '<ns1:apiKey>[REDACTED]</ns1:apiKey>'],
      [`<password type="text">${P}</password>`, '<password type="text">[REDACTED]</password>'],
      [`<entry key="password">${P}</entry>`, '<entry key="password">[REDACTED]</entry>'],
      [`<property name="db.password">${P}</property>`, '<property name="db.password">[REDACTED]</property>'],
      // Base64 padding before the closing tag goes with the value.
      ['<password>c2VjcmV0cGFzc3dvcmQxMjM=</password>', '<password>[REDACTED]</password>'],
    ] as const)
      expect(redacted(text), text).toBe(out)
    // A form's field, another element, a self-closing tag: nothing to read.
    for (const text of [
      '<input name="token" value="abc">hello</input>',
      `<div class="x">${P}</div>`,
      '<b>bold</b> <br/>',
      '<item name="color">blue</item>',
    ])
      expect(redacted(text), text).toBe(text)
  })

  it('reads a phrase of words to the end of its line under a name for one (mnemonic, passphrase)', () => {
    const words = 'abandon ability able about above absent absorb abstract absurd abuse access accident'
    expect(redacted(`mnemonic: ${words}`)).toBe('mnemonic: [REDACTED]')
    expect(redacted(`seed_phrase=${words}\nnext=1`)).toBe('seed_phrase=[REDACTED]\nnext=1')
    expect(redacted('passphrase: correct horse battery staple')).toBe('passphrase: [REDACTED]')
    expect(redacted(`seedPhrase: ${words}; ok`)).toBe('seedPhrase: [REDACTED]; ok')
    // Other names keep their value to its first blank (`seed` of a random generator is no phrase).
    expect(redacted('seed: 42 and more')).toBe('seed: 42 and more')
  })

  it('reads a label of words before its operator (API Key, Private Key, Mot de passe)', () => {
    const P = 'Xq7Lm2Vr9Tz4Wp'
    for (const label of [
      'API Key',
      'Your API Key',
      'Private Key',
      'Secret Key',
      'Recovery Code',
      'Client Secret',
      'Mot de passe ',
      'Session Key',
    ])
      expect(redacted(`${label}: ${P}`), label).toBe(`${label}: [REDACTED]`)
    expect(redacted(`Client Secret = ${P}`)).toBe('Client Secret = [REDACTED]')
    // Other words before a name are prose or another pair's value.
    for (const text of [
      `Public Key: ${P}`,
      `Primary Key: ${P}`,
      `Idempotency Key: ${P}`,
      'Status Code: 200',
      'type=password ip=10.0.0.1',
      'Slash as iban separator: AL47/2121/1009/0000/0002/3569/8741',
    ])
      expect(redacted(text), text).toBe(text)
  })

  it('charges names read before in the same string nothing, whatever the rule has seen before', () => {
    // A body of thousands of new names first (once the rule's map filled for good, and repeated
    // names cost the budget again), then a long log whose names repeat, then long options.
    redactor.redact({ note: Array.from({ length: 5_000 }, (_, i) => `n${i}=1`).join(' ') })
    const log = `${'zz=1 '.repeat(4_200)}\npassword=Hunter2Secret!x9`
    expect(redacted(log)).not.toContain('Hunter2Secret')
    const flags = `${' --zz'.repeat(4_200)}\npassword=Hunter2Secret!x9`
    expect(redacted(flags)).not.toContain('Hunter2Secret')
  })

  it('reads tokens first and still answers as a reading in text order would (red-team findings)', () => {
    // An inner value another detector finds but the judge turns away (a hash that reads like a
    // reference, an IBAN of repeated digits) sends the reading back to the value before it.
    for (const [text, secret] of [
      ['password: Summer-Breeze_Falcon: $apr1$71850310$gh9m4xcAn3MGxogwX/ztb.', 'Summer-Breeze_Falcon'],
      ['password=CorrectHorseBatteryStaple: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', 'CorrectHorseBattery'],
      ['secret: QwErTyUiOpAsDfGh: AZ21NABZ00000000137010001944', 'QwErTyUiOpAsDfGh'],
      ['<password>Summer-Breeze_Falcon: $apr1$71850310$gh9m4xcAn3MGxogwX/ztb.</password>', 'Summer-Breeze'],
    ] as const)
      expect(redacted(text), text).not.toContain(secret)
    // A token whose prefix holds an operator (`postgres://`): the `:` inside it still assigns what
    // follows to the name before it, and the URL goes whole, its port and path with it.
    expect(redacted('password-postgres://admin:S3cr3tPass@db.internal:5432/prod?sslmode=require')).toBe(
      'password-[REDACTED:postgres-url-password]',
    )
    // The same, where only the decoded view reads the URL (an escaped `:`).
    expect(redacted('password-postgres%3A//admin:S3cr3tPass@db.internal:5432/prod')).toBe(
      'password-[REDACTED:postgres-url-password]',
    )
    // A generic high-entropy run gives way to the assignment of the same value, as before.
    const strict = createRedactor({ detectors: 'strict', knownSecrets: false })
    expect(strict.scan({ note: 'token: GlPaT-A1b2C3d4E5f6G7h8I9j0' }).map((f) => f.detector)).toEqual([
      'secret-assignment',
    ])
  })

  it('leaves the backslashes of an escaped quote after a value out of its mask, judging the value with them', () => {
    // In JSON-escaped text the closing `\"` is the text's: masked with the value, its escaping broke.
    const words = createRedactor({ keyNames: { words: ['redis'] }, knownSecrets: false })
    expect(words.redact('{\\"redis_url\\":\\"redis://default:Xk9mQ2vLpw@cache.internal:6379\\"}')).toBe(
      '{\\"redis_url\\":\\"[REDACTED:redis-url-password]\\"}',
    )
    expect(redacted("dynatrace_token:Zq9vT2kLmX4pWr7sYb9NcD3f\\'")).toBe("dynatrace_token:[REDACTED]\\'")
    // Judged as written, backslashes and all: a short word before them is masked as it was.
    expect(redacted('password=letmein\\" ok')).toBe('password=[REDACTED]\\" ok')
    expect(redacted('{\\"cmd\\":\\"mysql -u root password=letmein\\"}')).toBe(
      '{\\"cmd\\":\\"mysql -u root password=[REDACTED]\\"}',
    )
    expect(redacted('pwd=abc\\"')).toBe('pwd=[REDACTED]\\"')
    expect(redacted('password=$ecretP4ss\\"')).toBe('password=[REDACTED]\\"')
    expect(redacted('a password=letmein\\\\\\" b')).toBe('a password=[REDACTED]\\\\\\" b')
    expect(redacted("password=letmein\\' ok")).toBe("password=[REDACTED]\\' ok")
    // A value a detector whose mask keeps characters finds too (an IBAN, a phone number, a card)
    // is masked whole under a secret name, named by the detector, escaped quote or not.
    expect(redacted('password=DE89370400440532013000\\" y')).toBe('password=[REDACTED:iban]\\" y')
    expect(redacted('password=+14155550132\\" y')).toBe('password=[REDACTED:phone]\\" y')
    expect(redacted('password=DE89370400440532013000 y')).toBe('password=[REDACTED:iban] y')
    expect(redacted('password: ada@example.com')).toBe('password: [REDACTED:email]')
    expect(redacted('Authorization: Bearer 4111111111111111\\" y')).toBe(
      'Authorization: Bearer [REDACTED:card]\\" y',
    )
    // Other backslashes are the value's, and an escaped line end still ends it.
    expect(redacted('password=Zq9v\\T2kLmX4pW b')).toBe('password=[REDACTED] b')
    expect(redacted('password=Zq9vT2kLmX4pWr\\\\nnext')).toBe('password=[REDACTED]\\nnext')
  })

  it('reads a long log, page or list to its end: operators after no new name cost nothing of the budget', () => {
    const P = 'Xq7Lm2Vr9Tz4Wp'
    for (const filler of [
      ','.repeat(5_000),
      Array.from({ length: 60 }, (_, i) => `${'='.repeat(80)}\nstep ${i} ok`).join('\n'),
      '<td>x</td>'.repeat(3_000),
      Array.from({ length: 2_500 }, (_, i) => `2024-01-01T12:30:45Z INFO req ${i} done`).join('\n'),
      Array.from({ length: 2_000 }, (_, i) => `level=info msg=ok n=${i}`).join('\n'),
    ]) {
      for (const tail of [
        `password=${P}`,
        `Authorization: Basic ${btoa(`bob:${P}`)}`,
        `<password>${P}</password>`,
      ]) {
        const text = `${filler}\n${tail}`
        expect(redacted(text), tail).not.toContain(P)
        expect(redacted(text)).not.toContain(btoa(`bob:${P}`))
      }
    }
  })

  it('reads thousands of pairs in linear time, each span of the string read once per name', () => {
    // Each `password=` pair once read every span found before it (20,000 pairs: 0.9 s); and
    // past 4,096 operators the rest was left to the detectors.
    const text = 'password=Xq7Lm2Vr9Tz4Wp '.repeat(10_000)
    const out = redacted(text) as string
    expect(out).not.toContain('Xq7Lm2Vr9Tz4Wp')
    expect(out.split('[REDACTED]').length - 1).toBe(10_000)
  })

  it('stays linear on hostile text: thousands of operators and names', () => {
    for (const text of [
      '='.repeat(200_000),
      'password:'.repeat(20_000),
      `${'a'.repeat(100_000)}=x`,
      // Thousands of findings, then thousands of pairs (each pair once read every span found).
      `${'a%40b.io '.repeat(20_000)}${'password=ab;'.repeat(4_000)}`,
      // Runs of backslashes in unquoted values, each read once.
      `password=x${'\\'.repeat(100_000)}y`,
      `${'password=x\\\\'.repeat(20_000)}`,
    ]) {
      expect(() => redactor.redact({ note: text })).not.toThrow()
    }
  })
})

describe('lists, camelCase names with a number, one-dash options, CDATA and property lists', () => {
  const A = 'Xk9mQ2vLp3Rt8Wz1'
  const B = 'Bq7Nn4Hs6Jd0Fy2C'

  it.each([
    [`tokens: [${A}, ${B}]`, `tokens: [[REDACTED], [REDACTED]]`],
    [`passwords=["${A}","${B}"]`, `passwords=["[REDACTED]","[REDACTED]"]`],
    [`API_KEYS = ['${A}', '${B}']`, `API_KEYS = ['[REDACTED]', '[REDACTED]']`],
    [`secrets: [\n  ${A},\n  ${B}\n]`, `secrets: [\n  [REDACTED],\n  [REDACTED]\n]`],
    [
      `api_keys:\n  - ${A}\n  - "${B}"\nregion: eu`,
      'api_keys:\n  - [REDACTED]\n  - "[REDACTED]"\nregion: eu',
    ],
    [`API_KEYS=${A},${B}`, 'API_KEYS=[REDACTED],[REDACTED]'],
    [`tokens: ${A},${B}`, 'tokens: [REDACTED],[REDACTED]'],
    // Base64's padding is a value's; comments, blank lines, an anchor or a comment after the name.
    ['API_KEYS=c2VjcmV0S2V5MQ==,c2VjcmV0S2V5Mg==', 'API_KEYS=[REDACTED],[REDACTED]'],
    [
      `api_keys = [\n  "${A}", # prod\n  "${B}", # staging\n]`,
      'api_keys = [\n  "[REDACTED]", # prod\n  "[REDACTED]", # staging\n]',
    ],
    [`api_keys:\n  - ${A}\n  # - old\n\n  - ${B}`, 'api_keys:\n  - [REDACTED]\n  # - old\n\n  - [REDACTED]'],
    [
      `api_keys: # rotated monthly\n  - ${A}\n  - ${B}`,
      'api_keys: # rotated monthly\n  - [REDACTED]\n  - [REDACTED]',
    ],
    [`api_keys: &keys\n  - ${A}\n  - ${B}`, 'api_keys: &keys\n  - [REDACTED]\n  - [REDACTED]'],
    // Unquoted base64 with its padding, `//` comments, prose among values, passwords with separators.
    [
      'encryption_keys:\n  - c2VjcmV0S2V5MTIzNDU2Nzg5MA==\n  - ZGVmYXVsdEtleTk4NzY1NDMyMQ=',
      'encryption_keys:\n  - [REDACTED]\n  - [REDACTED]',
    ],
    ['api_keys: [c2VjcmV0S2V5MQ==, c2VjcmV0S2V5Mg==]', 'api_keys: [[REDACTED], [REDACTED]]'],
    [
      `api_keys = [\n  "${A}", // prod\n  "${B}", /* staging */\n]`,
      'api_keys = [\n  "[REDACTED]", // prod\n  "[REDACTED]", /* staging */\n]',
    ],
    [
      `api_keys:\n  - ${A}\n  - correct horse battery staple`,
      'api_keys:\n  - [REDACTED]\n  - correct horse battery staple',
    ],
    ['passwords: [s3cr3t-Pa55, Summer_2024]', 'passwords: [[REDACTED], [REDACTED]]'],
    ['app_passwords:\n  - qwhzxkvbnmtrplsd', 'app_passwords:\n  - [REDACTED]'],
    ['API_KEYS=s3cr3t-Pa55,Tr0ub4dor-3', 'API_KEYS=[REDACTED],[REDACTED]'],
    ['api_keys: [550e8400-e29b-41d4-a716-446655440000]', 'api_keys: [[REDACTED]]'],
    // A flow mapping under a plural secret name (YAML, HCL): its values.
    [`passwords: {prod: ${A}, dev: ${B}}`, 'passwords: {prod: [REDACTED], dev: [REDACTED]}'],
    [`api_keys = { prod = "${A}", dev = "${B}" }`, 'api_keys = { prod = "[REDACTED]", dev = "[REDACTED]" }'],
    // Comments in a mapping; items led by `/` read by their shape (base64 may start with one).
    [
      `api_keys = {\n  # production\n  prod = "${A}"\n  dev = "${B}" # rotated\n}`,
      'api_keys = {\n  # production\n  prod = "[REDACTED]"\n  dev = "[REDACTED]" # rotated\n}',
    ],
    ['api_keys: ["/yFh3kPq8Zr2LmN0sT5vW7xB9cD1eG4jQ=="]', 'api_keys: ["[REDACTED]"]'],
    // A singular name's value with a comma in it is one value.
    [`JWT_SECRET=${A},${B}`, 'JWT_SECRET=[REDACTED]'],
    // JSON-escaped in a log line: the rest of the line stays.
    [
      `body={\\"tokens\\": [\\"${A}\\"], \\"user\\": \\"bob\\"} took 12ms`,
      'body={\\"tokens\\": [\\"[REDACTED]\\"], \\"user\\": \\"bob\\"} took 12ms',
    ],
    // One secret among placeholders masks every item.
    [`tokens: [changeme, ${A}]`, 'tokens: [[REDACTED], [REDACTED]]'],
  ])('masks each item of a list under a secret name: %j', (text, out) => {
    expect(redacted(text)).toBe(out)
  })

  it.each([
    'tokens: []',
    'passwords: [changeme, "<your-password>"]',
    'scopes: [read, write, admin]',
    // A list of mappings is read by its own pairs.
    'secrets:\n  - name: db\n    value: plain\n',
    // A pair after the comma ends the list: the value before it is judged alone.
    'passwords=Hunter2pass,user=bob',
    // Prose, mappings, and lists of names, hosts, paths, regions, scopes, dates, header names, tags.
    'API keys:\n- are scoped per project\n- can be revoked from the dashboard',
    'Supported tokens: JWT, PASETO, opaque',
    "$config['passwords'] = ['min_length' => 12, 'require_symbols' => true];",
    'services:\n  db:\n    secrets:\n      - db_password\n      - server-certificate',
    'secrets = [db1.example.com, /etc/ssl/private/key.pem, us-east-1, read:user, 2024-01-01]',
    'credentials = ["Authorization", "X-Api-Key"]',
    'special_tokens:\n  - "<|im_start|>"\n  - "</s>"',
    'note: tokens: [first, second], then status=ok user=bob',
    // A tokenizer's token ids, and its counts.
    'INFO tokenizer: tokens=[1, 15043, 3186] len=3',
    'usage: tokens: {prompt: 12, completion: 30}',
    // Design tokens, settings joined by commas under a singular name, a secret manager's references.
    'tokens: ["#1E40AF", "#9333EA", "rgb(30, 64, 175)"]',
    'tokens: {duration: 150ms, easing: ease-in-out, fontFamily: "Inter, sans-serif", md: 768px}',
    'token: repo,read:org,workflow',
    'cookie: Secure,HttpOnly',
    'secrets = { db = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db", api = "vault:secret/data/api#key" }',
    'secrets: {a, b}',
  ])('leaves a list with nothing secret, or no list, as it was: %j', (text) => {
    const out = redacted(text) as string
    expect(out.includes('user=bob') || out === text).toBe(true)
    if (!text.includes('Hunter2pass')) expect(out).toBe(text)
  })

  it('masks the value of a password before a pair after its comma, and not the pair', () => {
    expect(redacted('passwords=Hunter2pass,user=bob')).toBe('passwords=[REDACTED],user=bob')
  })

  it('reads camelCase names with a qualifier and a number as names, long runs mixing digits as tokens', () => {
    for (const name of [
      'slackTokenRead2',
      'accessTokenNew1',
      'apiTokenProd2',
      'dbPasswordLegacy12',
      'oauth2ClientSecret',
      's3SecretAccessKey',
      'x509KeyPassword',
    ])
      expect(redacted(`${name}=${A}`), name).toBe(`${name}=[REDACTED]`)
    // A token before `:` is no name.
    expect(redacted('AKIAAA4NS5AAAAXYZ9: ok')).toBe('AKIAAA4NS5AAAAXYZ9: ok')
  })

  it('reads an option of one dash after a blank, as a long option is read', () => {
    expect(redacted(`mysql -u root -password ${A} db`)).toBe('mysql -u root -password [REDACTED] db')
    expect(redacted(`htpasswd -b -passwd\t${A}`)).toBe('htpasswd -b -passwd\t[REDACTED]')
    // At a string's start, after a line's start or a quote; in a short string too.
    expect(redacted(`-token ${A}`)).toBe('-token [REDACTED]')
    expect(redacted('-storepass Summer2024')).toBe('-storepass [REDACTED]')
    expect(redacted(`-password ${A} -db x`)).toBe('-password [REDACTED] -db x')
    expect(redacted(`cmd\n-password ${A}`)).toBe('cmd\n-password [REDACTED]')
    expect(redacted(`{"args":"-password ${A} -db x"}`)).toBe('{"args":"-password [REDACTED] -db x"}')
    for (const text of [
      'a non -token based approach',
      'x -password -verbose',
      'ls -la /tmp',
      'a - b',
      'x-password y',
      // A subexpression, a scheme's word before another option, a file's path, prose between dashes.
      'New-ADUser -AccountPassword (Read-Host -AsSecureString "Password") -Enabled $true',
      'app -auth basic -user bob',
      'app -credentials ~/.aws/credentials',
      'The user -password reset- flow is broken',
      // openssl's pass phrase sources name where the phrase is.
      'openssl enc -aes-256-cbc -pass env:ENC_PASS -in a -out b',
      'x -pass file:pass.txt -in a',
      'x -pass fd:3 -in a',
    ])
      expect(redacted(text), text).toBe(text)
  })

  it("reads an XML element's CDATA section and a property list's key before its string", () => {
    expect(redacted(`<password><![CDATA[${A}]]></password>`)).toBe(
      '<password><![CDATA[[REDACTED]]]></password>',
    )
    expect(redacted(`<key>apiToken</key>\n\t<string>${A}</string>`)).toBe(
      '<key>apiToken</key>\n\t<string>[REDACTED]</string>',
    )
    expect(redacted(`<key>name</key><string>${A}</string>`)).toBe(`<key>name</key><string>${A}</string>`)
    expect(redacted('<key>password</key><data>SHVudGVyMnBhc3Mh</data>')).toBe(
      '<key>password</key><data>[REDACTED]</data>',
    )
    // An element's text read through its entities; a CDATA section's as the element's own (prose is words).
    expect(redacted('<key>password</key><string>Hunter2&amp;pass</string>')).toBe(
      '<key>password</key><string>[REDACTED]</string>',
    )
    const prose = '<password><![CDATA[Your password must contain 12 characters]]></password>'
    expect(redacted(prose)).toBe(prose)
    expect(redacted(`<password><![CDATA[\n  ${A}\n]]></password>`)).toBe(
      '<password><![CDATA[\n  [REDACTED]\n]]></password>',
    )
    // Placeholders written as entities are no value.
    for (const text of [
      '<password>&lt;none&gt;</password>',
      '<apiKey>&quot;&quot;</apiKey>',
      '<password>&#42;&#42;&#42;&#42;</password>',
    ])
      expect(redacted(text), text).toBe(text)
    // A section with no end is read no further than a value is.
    expect(redacted(`<password><![CDATA[${A}`)).toBe(`<password><![CDATA[${A}`)
  })

  it('reads a list of thousands of items whole', () => {
    const keys = Array.from({ length: 600 }, (_, i) => `Zq${i}x7Kp2mW9vR4tL8nB`)
    for (const text of [
      `api_keys = [${keys.join(', ')}]`,
      `api_keys:\n${keys.map((k) => `  - ${k}`).join('\n')}`,
      `API_KEYS=${keys.join(',')}`,
    ]) {
      const out = redacted(text) as string
      for (const key of keys) expect(out).not.toContain(key)
    }
  })

  it('stays linear on lists, sections and options with no end', () => {
    for (const unit of [
      'tokens:[',
      'tokens:["',
      'tokens: [\\"ab\\", ',
      'api_keys:\n  - ',
      'tokens:\n- tokens: x\n',
      '<password><![CDATA[',
      'API_KEYS=a,',
      ' -password',
    ])
      expect(() => redactor.redact({ note: unit.repeat(Math.ceil(200_000 / unit.length)) })).not.toThrow()
  })
})

describe('pairs inside options and lists, arguments in text, subscripts and types (helper 106)', () => {
  const S = 'Hunter2pass!'

  it.each([
    // A pair as an option's or a list's value: its own value is read, not `password=`.
    [`app -credentials password="${S}"`, 'app -credentials password="[REDACTED]"'],
    // Not a pair: a value with `=` in it after an option (helper 107).
    ['--password Tr0ub4dor=3', '--password [REDACTED]=3'],
    ['$(app --token Zm9vYmFyYmF6cXV4MTIzNDU2Nzg=)', '$(app --token [REDACTED]=)'],
    ['--password s3cr3t==x', '--password [REDACTED]=x'],
    [`TOKENS=a,password="${S}"`, 'TOKENS=a,password="[REDACTED]"'],
    // A command's arguments written into text: Python's repr, JSON in a log line, Compose, Java.
    [
      `Command '['keytool', '-srcstorepass', '${S}', '-v']' returned 1`,
      "Command '['keytool', '-srcstorepass', '[REDACTED]', '-v']' returned 1",
    ],
    [
      `INFO exec {"argv":["mysql","--password","${S}"]}`,
      'INFO exec {"argv":["mysql","--password","[REDACTED]"]}',
    ],
    [`[keytool, -storepass, ${S}, -v]`, '[keytool, -storepass, [REDACTED], -v]'],
    // YAML's block list of arguments (a Kubernetes container's `args`).
    [
      `args:\n  - --password\n  - ${S}\n  - --verbose`,
      'args:\n  - --password\n  - [REDACTED]\n  - --verbose',
    ],
    [`command:\n- keytool\n- -storepass\n- ${S}`, 'command:\n- keytool\n- -storepass\n- [REDACTED]'],
    // Subscripts: the name before the brackets.
    [`api_keys[]=${S}&api_keys[]=Xk9mQ2vLp3Rt8Wz1`, 'api_keys[]=[REDACTED]&api_keys[]=[REDACTED]'],
    [`password[0]=${S}`, 'password[0]=[REDACTED]'],
    [`token[prod]=${S}`, 'token[prod]=[REDACTED]'],
    [`config[password] = "${S}"`, 'config[password] = "[REDACTED]"'],
    // A type annotation before `=`.
    [`password: Optional[str] = "${S}"`, 'password: Optional[str] = "[REDACTED]"'],
    [`apiKeys: string[] = ["${S}"]`, 'apiKeys: string[] = ["[REDACTED]"]'],
    // Attributes named in capitals; a mapping in JSON-escaped text with escaped line ends.
    [`<Parameter Name="Password" Value="${S}"/>`, '<Parameter Name="Password" Value="[REDACTED]"/>'],
    [`msg="api_keys = {\\n  prod = \\"${S}\\"\\n}"`, 'msg="api_keys = {\\n  prod = \\"[REDACTED]\\"\\n}"'],
  ])('masks %j', (text, out) => {
    expect(redacted(text)).toBe(out)
  })

  it.each([
    'matrix[i]=Xk9mQ2vLp3',
    'tokens: [BTC, ETH, USDC]',
    'tokens:\n  - USDC\n  - GET',
    'x="dG9rZW4="',
    'args:\n  - --password\n  - --verbose',
    // Another option as a listed argument's value; code's variable index; tickers.
    "['app', '--secret', '--verbose']",
    'tokens[i] = tokens[i].strip()',
    // Code: a call or an index as the value, a variable as the index.
    'passwords[user] = hash_password(pw)',
    'token: Optional[str] = Depends(oauth2_scheme)',
    'val password: String = readLine()',
    'api_keys: [OPENAI, ANTHROPIC, ERC721]',
    'notes:\n- -password reset is broken\n- see docs',
  ])('leaves %j', (text) => {
    expect(redacted(text)).toBe(text)
  })
})

describe('red-team findings, kept as tests', () => {
  it.each([
    ['https://x/?next=%2Fcb%3Ftoken%3D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', 'ghp_Kq7v'],
    ['a%20glpat-Fjs47IZLCJB29jE43AWb', 'glpat-Fjs4'],
    ['line1\\nglpat-Fjs47IZLCJB29jE43AWb', 'glpat-Fjs4'],
    ['x\\u0022glpat-Fjs47IZLCJB29jE43AWb\\u0022', 'glpat-Fjs4'],
    ['attachment; filename="backup-glpat-Fjs47IZLCJB29jE43AWb.txt"', 'glpat-Fjs4'],
    ['POST /api 200 body={\\"password\\":\\"Zq9vT2kLmX4pWr7s\\"}', 'Zq9vT2kLmX4pWr7s'],
    ['password=\\"Zq9vT2kLmX4pWr7s\\"', 'Zq9vT2kLmX4pWr7s'],
    ['curl -H "Authorization: Bearer Zq9vT2kLmX4pWr7s" https://api', 'Zq9vT2kLmX4pWr7s'],
    ['Authorization: Basic dXNlcjpaUTl2VDJr', 'dXNlcjpaUTl2VDJr'],
    ['?next=%2Fcb%253Ftoken%253Dglpat-Zk3Xq9Lm2Np7Rt5Vw8Yb', 'glpat-Zk3X'],
    ['token\\\\u003d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', 'ghp_Kq7v'],
    ['body {\\"password\\":\\"letmein\\"}', 'letmein'],
    ['{\\\\\\"password\\\\\\":\\\\\\"Hunter2x\\\\\\"}', 'Hunter2x'],
    ['<div data-x="{&quot;password&quot;:&quot;Hunter2!x&quot;}">', 'Hunter2!x'],
    ['prefix {"pins": [1234, 5678]}', '1234'],
    // A pair inside the value of a secret name: the inner value is the secret.
    ['auth:\n  password: Yq8w6Jo1lV8uQ3sK\n', 'Yq8w6Jo1lV8uQ3sK'],
    ['auth:\n  clientSecret: Yq8w6Jo1lV8uQ3sK\n', 'Yq8w6Jo1lV8uQ3sK'],
    ['Cookie: JSESSIONID=Zq9x7Kp2mW9vR4tL; theme=dark', 'Zq9x7Kp2mW9vR4tL'],
    ['Set-Cookie: connect.sid=s%3AZq9x7Kp2mW9vR4tL.sig; HttpOnly', 'Zq9x7Kp2mW9vR4tL'],
    ['token: access_token=Zq9x7Kp2mW9vR4tL&expires_in=3600', 'Zq9x7Kp2mW9vR4tL'],
    ['password: Secr3t=Value123', 'Secr3t'],
    ['auth:\n  password: api_key: Zq9x7Kp2mW9vR4tLx', 'Zq9x7Kp2mW9vR4tLx'],
    ['password: correct\u00a0horse\u00a0battery', 'horse'],
    // An inner "name" whose value is no secret: the value as first read is.
    ['password: Xk9mQ2vL: use it within 24h', 'Xk9mQ2vL'],
    ['DB_PASSWORD: P@ssw0rd123: set', 'P@ssw0rd123'],
    ['password=correct-horse=battery', 'battery'],
    // Credentials with base64 padding are not a challenge's parameters.
    ['Authorization: Basic YWRtaW46UzNjcjN0IQ==', 'YWRtaW46UzNjcjN0IQ'],
    ['curl -H "Authorization: Basic YWRtaW46UzNjcjN0IQ==" https://api.example.com', 'YWRtaW46UzNjcjN0IQ'],
    ['Authorization: Bearer Zq9x7Kp2mW9vR4tLabc==', 'Zq9x7Kp2mW9vR4tL'],
    // Aligned configuration, long values.
    ['spring.datasource.password          = Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['user:              admin\npassword:          Zq9x7Kp2mW9vR4tL\n', 'Zq9x7Kp2mW9vR4tL'],
    [`aws_session_token = "${'IQoJb3JpZ2luX2VjEJr'.repeat(50)}"`, 'IQoJb3JpZ2luX2VjEJr'],
    [`aws_session_token=${'IQoJb3JpZ2luX2VjEJr'.repeat(50)}`, 'IQoJb3JpZ2luX2VjEJr'],
    // Operators before it in the same string (a client's text in a log line) change nothing.
    [`${'pwd:'.repeat(150)}x aws_session_token=${'IQoJb3JpZ2luX2VjEJr'.repeat(60)}`, 'IQoJb3JpZ2luX2VjEJr'],
  ])('masks %j', (text, secret) => {
    expect(redacted(text)).not.toContain(secret)
  })

  it.each([
    // A Cyrillic `а` and `о`, a zero-width space, a BOM, letters past ASCII, in the name.
    ['p\u0430ssw\u043erd=Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['pass\u200bword: Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['\ufeffDB_PASSWORD=Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['contraseña: Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['mot_de_passe_ré = Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    // An operator aligned with no-break, ideographic or typographic spaces.
    ['password\u00a0=\u00a0Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['api_key\u3000=\u3000Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['secret:\u2003Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    // A name in the attribute or the line before a value (Java properties, Kubernetes' env).
    ['<property name="password" value="Zq9x7Kp2mW9vR4tL"/>', 'Zq9x7Kp2mW9vR4tL'],
    [
      'env:\n- name: DB_PASSWORD\n  value: Zq9x7Kp2mW9vR4tL\n- name: PORT\n  value: "8080"',
      'Zq9x7Kp2mW9vR4tL',
    ],
    ['  - name: "API_TOKEN"\n    value: "Zq9x7Kp2mW9vR4tL"', 'Zq9x7Kp2mW9vR4tL'],
    // A card's security code in text, and a label in Markdown's emphasis.
    ['order 42, CVV: 483', '483'],
    ['cvv: "483" expiry 12/27', '483'],
    ['**Password:** Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    // Characters that render as nothing between the operator and the value.
    ['password:\u200b Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    ['log "password":\u200b"Zq9x7Kp2mW9vR4tL"', 'Zq9x7Kp2mW9vR4tL'],
    ['password =\u2060 Zq9x7Kp2mW9vR4tL', 'Zq9x7Kp2mW9vR4tL'],
    // Two blanks after a scheme, and any scheme under an Authorization name.
    ['Authorization: Basic  YWRhOlpxOHZYdzNMbTlLcA==', 'YWRhOlpxOHZYdzNMbTlLcA'],
    ['Authorization: Bearer \tZq8vXw3Lm9Kp1234', 'Zq8vXw3Lm9Kp1234'],
    ['Authorization: Splunk 7f3c1a2e-9b4d-4e8a-b1c2-3d4e5f6a7b8c', '7f3c1a2e-9b4d'],
    ['proxy-authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==', 'TlRMTVNTUAAB'],
  ])(
    'reads names past ASCII, blanks and invisible characters around the operator, any scheme under Authorization: %j',
    (text, secret) => {
      expect(redacted(text)).not.toContain(secret)
    },
  )

  it.each([
    'café=ouvert',
    'note: héllo wörld, ça va',
    '名前=山田',
    'Preis\u00a0=\u00a042\u00a0EUR',
    'größe: 42',
    '<property name="color" value="Xk9mQ2vL7"/>',
    'opinion: 123 and count: 483',
    '**Note:** see the docs',
    'password: ********',
    '- name: PORT\n  value: "8080"',
    // A form's field the page sends back, a CSRF token included.
    '<input type="hidden" name="authenticity_token" value="7SWa-Fo1_hsC6oovfBsJFLGPUl2E" />',
  ])('leaves names past ASCII that name no secret alone: %j', (text) => {
    expect(redacted(text)).toBe(text)
  })

  it.each([
    ['credentials:\n  card: 4111 1111 1111 1111', '1111 1111 1111'],
    ['secrets:\n  ssn: 123 45 6789', '45 6789'],
    ['secrets:\n  iban: GB82 WEST 1234 5698 7654 32', 'WEST 1234'],
  ])('leaves a number inside a nested pair to the detector that masks all of it: %j', (text, rest) => {
    expect(redacted(text)).not.toContain(rest)
  })

  it.each([
    'grant_type=password client_id=WebApp2',
    'type=password ip=10.0.0.1',
    'mfa=totp session_ttl=86400',
    '2024-05-17 10:01:05,123 INFO started',
    'log {"tokenType":"Bearer","expiresIn":3600}',
    'git@github.com:octocat/Hello-World.git',
    'Token: expired.',
    'auth: Bearer realm="api"',
    'WWW-Authenticate: Bearer error="invalid_token", error_description="expired"',
    'WWW-Authenticate: Digest realm=api, qop=auth',
    'note: see the docs: they explain',
    // A key of a nested mapping on a line of its own is no value (gitleaks' 1password negative).
    '        login:\n          serviceAccountToken:\n            fn::secret: ops_eyJzaWduSW5B..[Redacted]',
  ])('reads logfmt pairs, log lines and prose as they are: %j', (text) => {
    expect(redacted(text)).toBe(text)
  })

  it('leaves token counters and page cursors alone', () => {
    const usage = { prompt_tokens: 12, completion_tokens: 40, total_tokens: 52, max_tokens: 4096 }
    expect(redactor.redact({ usage, nextPageToken: 'CAUQAA', note: 'max_tokens=4096' })).toEqual({
      usage,
      nextPageToken: 'CAUQAA',
      note: 'max_tokens=4096',
    })
  })
})

describe('a string dense with name-value pairs', () => {
  it('reads names past the budget by their stems, and masks a secret after thousands of unique names', () => {
    const guardless = createRedactor({ knownSecrets: false })
    for (const text of [
      `${Array.from({ length: 20_000 }, (_, i) => `-Wno-warn${i}`).join(' ')} -c x.c && DB_PASSWORD=Hunter2pass! ./run`,
      `${Array.from({ length: 20_000 }, (_, i) => `k${i}=v${i}`).join(' ')} db_password=Hunter2pass!`,
      `${Array.from({ length: 20_000 }, (_, i) => `x${i}:1`).join(' ')} --token Hunter2pass!`,
    ]) {
      const out = guardless.redact({ note: text }).note as string
      expect(out).not.toContain('Hunter2pass')
    }
    // Stems read through leetspeak, look-alike letters and abbreviations.
    for (const name of [
      'DB_PA55WORD',
      't0ken',
      'DB_\u0420ASSWORD',
      's\u0435cret',
      'MDP',
      'WIFI_PSK',
      'SENTRY_DSN',
      'GH_PAT',
    ]) {
      const text = `${Array.from({ length: 20_000 }, (_, i) => `k${i}=v${i}`).join(' ')} ${name}=Hunter2pass!`
      expect(guardless.redact({ note: text }).note as string, name).not.toContain('Hunter2pass')
    }
    // Past twice the budget (thousands of values under secret names), the rest is masked.
    const flood = `${Array.from({ length: 5_000 }, (_, i) => `k${i}=v${i}`).join(' ')} ${'pw= '.repeat(40_000)} colour: DB_PASSWORD=Hunter2pass!`
    const flooded = guardless.redact({ note: flood }).note as string
    expect(flooded).not.toContain('Hunter2pass')
    expect(flooded.endsWith('[REDACTED]')).toBe(true)
    // Names with no stem of a secret's name past the budget are left as they are.
    const plain = `${Array.from({ length: 20_000 }, (_, i) => `k${i}=v${i}`).join(' ')} colour=Xk9mQ2vLp3Rt8Wz1`
    expect(guardless.redact({ note: plain }).note).toBe(plain)
  })

  it('reads the first 4,096 by name and the rest with the detectors, and says so', () => {
    const dense = `${Array.from({ length: 10_000 }, (_, i) => `"k${i}pw":1,`).join('')} "password":"Hunter2x9" 4111 1111 1111 1111`
    const guardless = createRedactor({ knownSecrets: false })
    const out = guardless.redact({ note: dense }).note as string
    // Past the budget the member-name rule stops; detectors still run over the whole string.
    expect(out).not.toContain('4111 1111 1111 1111')
    expect(out.startsWith('"k0pw":"[REDACTED]"')).toBe(true)
  })

  it('reports it as a degraded value of the response', async () => {
    const events: Array<{ type: string; values?: unknown }> = []
    const guard = createGuard({
      redact: { knownSecrets: false },
      audit: { onEvent: (e) => void events.push(e) },
    })
    const note = Array.from({ length: 5_000 }, (_, i) => `k${i}_password=x${i}y${i}z,`).join(' ')
    guard.serializeResponse(guard.startRequest({ method: 'GET', path: '/x', native: undefined }), {
      status: 200,
      body: { note },
    })
    await guard.flush()
    expect(events.find((e) => e.type === 'response.degraded')?.values).toEqual([
      { path: '$.note', reason: 'text-too-dense', count: 1 },
    ])
  })
})
