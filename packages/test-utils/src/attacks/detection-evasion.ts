import { createGuard, type LeakguardEvent } from '@leakguard/core'
import { describe, expect, it } from 'vitest'
import type { AdapterHarness, HeaderBearer, RouteSpec } from '../harness.js'
import { appRunner, BLOCKED_BODY, call, getRoute, ofType, recordingGuard } from '../helpers.js'

/** Distinct secret values, so a leak names the form that let it through. */
const S = (n: number) => `Zq${n}x7Kp2mW9vR4tL8nB${n}cY`

/** Member names a red team used to get values past the member-name rule, and variations of them. */
const EVASIVE_NAMES = [
  'pass_word',
  'passWD',
  'p@ssword',
  'pa55w0rd',
  'pw',
  'auth',
  'creds',
  'Passwort',
  'Kennwort',
  'mot_de_passe',
  'motDePasse',
  'contraseña',
  'senha',
  'wachtwoord',
  'ＰＡＳＳＷＯＲＤ',
  // Data source names carry credentials; birth dates and national ids identify a person.
  'dsn',
  'dob',
  'dateOfBirth',
  'national_id',
  // A session written as a string is its token (an object under the name is read member by member).
  'session',
  'userSession',
  's3ssion',
  'ｓｅｓｓｉｏｎ',
  'activesession',
  // A second detection pass: typos of password, pre-shared and symmetric keys, a card's code.
  'paswd',
  'pwrd',
  'wpa_psk',
  'preSharedKey',
  'aesKey',
  'APP_KEY',
  'cvn',
  'verificationValue',
  // A third pass: a driver's license identifies a person, a mother's maiden name answers a
  // security question.
  'driversLicense',
  'driver_license_number',
  'mothersMaidenName',
  // A fourth: a word after the secret that says which one (environment, role, generation).
  'API_KEY_PROD',
  'accessTokenNew',
  'GITHUB_TOKEN_RO',
  'slackTokenRead2',
  'privateKey_prod',
]

const jwtPart = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: object) => `${jwtPart({ alg: 'HS256', typ: 'JWT' })}.${jwtPart(claims)}.c2lnbmF0dXJl`

/** A Basic credential with base64 padding (`admin:` and 22 characters: 28 bytes, `==`). */
const BASIC = Buffer.from('admin:Yq8w6Jo1lV8uQ3sKp2mW9v').toString('base64')

/** One body per evasion class, with the secrets each must lose. */
function evasiveBody(): { body: Record<string, unknown>; secrets: string[] } {
  const secrets: string[] = []
  const next = () => {
    const value = S(secrets.length)
    secrets.push(value)
    return value
  }
  // Values no assignment reader takes for a secret on its own, masked only by the name they
  // stand under: a short lower-case word, and a run that reads as a placeholder.
  const word = () => {
    const value = `letmein${'abcdefghij'[secrets.length % 10]}${'klmnopqrst'[Math.floor(secrets.length / 10) % 10]}`
    secrets.push(value)
    return value
  }
  // Base64url of `text`, listed as a secret itself: written back unchanged, it was not read.
  const blob = (text: string) => {
    const value = Buffer.from(text).toString('base64url')
    secrets.push(value)
    return value
  }
  // Base64 of a secret, padded, listed as a secret itself.
  const padded = () => {
    const text = next()
    // A length that is no multiple of three: the encoding ends with `=`.
    const value = Buffer.from(text.length % 3 === 0 ? `${text}!` : text).toString('base64')
    secrets.push(value)
    return value
  }
  const placeholderLike = () => {
    const value = `abcdefgh1234567${secrets.length % 10}`
    secrets.push(value)
    return value
  }
  const names: Record<string, unknown> = {}
  for (const name of EVASIVE_NAMES) names[name] = next()
  const body = {
    names,
    containers: {
      password: [next(), next()],
      tokens: [{ value: next() }],
      secrets: { db: next(), api: { key: next() } },
      cookies: [next()],
      credentials: { user: 'ada', pin: 4417 },
      apiKeys: [next()],
      // Sessions as an array of their tokens, at any depth of arrays.
      sessions: [next(), [next()]],
      activeSessions: [{ device: 'Firefox', token: next() }],
      // A session store dumped whole: its members are named by the sessions' ids.
      sessionStore: { sessions: { [next()]: { cookie: { maxAge: 60000 }, user: 'ada' } } },
      redisDump: { [`sess:${next()}`]: '{"cookie":{},"user":"ann"}' },
      // Lists that name their own values: an echo of `req.rawHeaders`, and `[...headers]` entries.
      rawHeaders: ['Host', 'api.example', 'X-Api-Key', next(), 'Accept', '*/*'],
      headerEntries: [
        ['Accept', '*/*'],
        ['X-Auth-Token', next()],
      ],
      loneEntry: [['DB_PASSWORD', next()]],
      // A command's arguments with an option of one dash.
      keytoolArgs: ['keytool', '-storepass', next(), '-v'],
    },
    text: {
      assignment: `config: DB_PASSWORD=${next()} PORT=5432`,
      // A password that starts with a `$` and runs on past what a variable's name holds.
      dollarLed: `password=$${next()}!x`,
      // A command line in a failed command's message: an option and its value, with a blank.
      cliOption: `Command failed: mysql -u root --password ${next()} -h db`,
      xml: `<password>${next()}</password>`,
      soapHeader: `<wsse:Password Type="http://x#PasswordText">${next()}</wsse:Password>`,
      xmlAttribute: `<password type="text">${next()}</password>`,
      propertiesXml: `<entry key="password">${next()}</entry>`,
      qualifiedNames: `GITHUB_TOKEN_RO=${next()}\nAPI_KEY_LIVE=${next()}`,
      // Values with a run or two dots inside, not placeholders: base64 of zero bytes, a
      // timestamp's zeros, a password with two dots; and a word before an inner pair.
      zeroBytes: `access_token=${next()}AAAAAAAAAAbY6cH1j`,
      timestampZeros: `password=${next()}1700000000`,
      twoDots: `password=Sup3r..${next()}`,
      wordBeforePair: `secret: ${next()}: Xq7Lm2Vr9Tz4Wp`,
      // Lists under a plural secret name in text: a flow list, YAML's block list, values joined by
      // commas; camelCase names with a qualifier and a number; options of one dash; XML's CDATA
      // and a property list's key before its string.
      flowList: `tokens: [${next()}, "${next()}"]`,
      pythonList: `API_KEYS = ['${next()}', '${next()}']`,
      blockList: `api_keys:\n  - ${next()}\n  - ${next()}\nregion: eu`,
      joinedList: `API_KEYS=${next()},${next()}`,
      camelQualifiedName: `slackTokenRead2=${next()} accessTokenNew1=${next()} oauth2ClientSecret: ${next()}`,
      // A list in JSON-escaped text in a log line, a YAML list after a comment, base64 items.
      escapedList: `body={\\"tokens\\": [\\"${next()}\\"], \\"user\\": \\"bob\\"} took 12ms`,
      commentedList: `api_keys: # rotated\n  - ${next()}\n  # - old\n  - ${next()}`,
      base64Items: `API_KEYS=${padded()},${padded()}`,
      // An option of one dash at a string's start.
      leadingOption: `-password ${next()} -db x`,
      shortOption: `-token ${next()}`,
      flowMapping: `passwords: {prod: ${next()}, dev: "${next()}"}`,
      argvInText: `Command '['keytool', '-srcstorepass', '${next()}', '-v']' returned 1`,
      argvInYaml: `args:\n  - --password\n  - ${next()}\n  - --verbose`,
      pairInOption: `app -credentials password="${next()}"`,
      subscript: `api_keys[]=${next()}&password[0]=${next()}`,
      typedDeclaration: `password: Optional[str] = "${next()}"`,
      commaInValue: `JWT_SECRET=${next()},${next()}`,
      paddedItems: `encryption_keys:\n  - ${padded()}\n  - ${padded()}`,
      oneDashOption: `Command failed: mysql -u root -password ${next()} -h db`,
      cdata: `<password><![CDATA[${next()}]]></password>`,
      plist: `<key>apiToken</key>\n<string>${next()}</string>`,
      // A weak password of one digit repeated: among the most used, not a format's filler.
      repeatedDigits: 'DB_PASSWORD=11111111 PORT=5432',
      // An escaped `=` as Gson, an HTML template and a URL encoder write it.
      gsonEquals: `password\\u003d${next()}`,
      entityEquals: `password&#x3D;&quot;${next()}&quot;`,
      percentEquals: `Password%3D${next()}`,
      // Labels of words before their operator, as an email or a rendered page writes them.
      apiKeyLabel: `Your API Key: ${next()}`,
      frenchLabel: `Mot de passe : ${next()}`,
      // A phrase of words, unquoted, under a name for one.
      mnemonic: `mnemonic: abandon ability able about above absent ${next()} absurd abuse access`,
      // A token with slashes as PHP's json_encode escapes them.
      phpEscapedToken: `google said: {"grant":"1\\/\\/0J7rNSXmFbK2pQ9vLwT4zY8hC3nD6gR1sA5eU0iO-${next()}"}`,
      // Names in text spelled past ASCII: a look-alike letter, a zero-width space, a BOM, another
      // language's letters, and operators aligned with no-break or ideographic spaces.
      lookalikeName: `p\u0430ssw\u043erd=${next()}`,
      zeroWidthName: `pass\u200bword: ${next()}`,
      bomName: `\ufeffpassword=${next()}`,
      accentedName: `contraseña: ${next()}`,
      noBreakOperator: `password\u00a0=\u00a0${next()}`,
      ideographicOperator: `api_key\u3000=\u3000${next()}`,
      invisibleAfterOperator: `password:\u200b ${next()}`,
      markdownLabel: `**Password:** ${next()}`,
      twoBlanksAfterScheme: `Authorization: Bearer  ${next()}`,
      otherScheme: `Authorization: Splunk ${next()}`,
      // A passphrase before a pair whose inner value another detector finds but would not pass
      // as a value alone (a hash that reads like a reference, an IBAN of repeated digits).
      wordsBeforeHash: 'password: Summer-Breeze_Falcon: $apr1$71850310$gh9m4xcAn3MGxogwX/ztb.',
      wordsBeforeIban: 'secret: Quiet-Harbor_Lantern: AZ21NABZ00000000137010001944',
      // Password hashes of web frameworks, and a phone number written with dots.
      djangoHash: 'pbkdf2_sha256$600000$Qx3nBc1R2sT4uV5w$ZmVlZGJhY2tmZWVkYmFja2ZlZWRiYWNrZmVlZGJhY2s=',
      phpassHash: 'user ada $P$Babcdefghijklmnopqrstuvwxyz0123',
      dottedPhone: 'call 415.555.2671 after 6',
      // Webhook and bot URLs, and a storage URL's signature: credentials in a URL.
      discordWebhook:
        'posted to https://discord.com/api/webhooks/1234567890123456789/abcDEF_ghiJKLmnoPQRstuVWXyz0123456789abcdefGHIJKLmnopqrSTUVwxyz01234',
      telegramBot: 'GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ/getMe',
      sasUrl:
        'https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sp=r&sig=Zq8vXw3Lm9Kp1234abcdEFGHijklMNOPqrstUVWXyz0%3D',
      nestedAfterBom: `\ufeff  {"password":"${next()}"}`,
      // JSON in a string that repeats a name (a reader keeping the first gets it), and one whose
      // 64-bit id turned it into text, where name/value pairs were not read.
      nestedRepeated: `{"password":"${next()}","password":null}`,
      nestedBigId: `{"id":1234567890123456789,"env":[{"name":"DB_PASSWORD","value":"${next()}"}]}`,
      nestedAfterSpace: `\n  [{"client_secret":"${next()}"}] `,
      // Text that only looks like JSON (a blank before each `:`, a trailing comma): its members
      // are still read by name, also where it nests too deep to be parsed.
      nestedBlankColon: `{"password" :"${placeholderLike()}"},`,
      nestedBlankColonDeep: `{"token" : "${placeholderLike()}"}${'['.repeat(129)}]`,
      // A value in JSON-escaped text before its closing \": judged with the backslash, masked
      // without it.
      escapedQuoteAfter: `{\\"cmd\\":\\"mysql -u root password=${word()}\\"}`,
      // Members read by name in text, and a blob beside them that holds a password: the blob
      // goes out changed (its password masked), never as it was.
      blobBesideMembers: `"token" : "${word()}" https://a.example.com/cb?state=${blob(`{"password":"${next()}"}`)}`,
      // An IBAN under a secret name, escaped quote or not: masked whole, not to its last four.
      configLine: 'password=DE89370400440532013000\\" y',
      configLineTwo: 'password=DE89370400440532013000 y',
      idnEmail: 'jürgen.müller@bücher.example',
      fullwidthEmail: 'ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ',
      // An address after an ellipsis: the match from the first word was refused for its dots.
      afterDots: 'write to me...barbara.liskov@example.com',
      gitlab: `token glpat-${'Ab3dEf7hIj1lMn5pQr9t'}`,
      // Escapes around a secret: encoded URLs (once and twice), JSON quoted in a log line, entities.
      encodedUrl: `/login?next=%2Fcb%3Ftoken%3Dglpat-${'Kq7vTz2LmX4pWr7sYb9N'}`,
      encodedTwice: `/login?next=%2Fcb%253Ftoken%253Dglpat-${'Zk3Xq9Lm2Np7Rt5Vw8Yb'}`,
      jsonInLog: `POST /api 200 body={"password":"${next()}"}`,
      sessionsInLog: `GET /me 200 body={"sessions":["${next()}"],"session":"${next()}"}`,
      htmlProps: `<div data-x="{&quot;password&quot;:&quot;${next()}&quot;}">`,
      authorization: `curl -H "Authorization: Bearer ${next()}" https://api.example`,
      anthropic: `sk-ant-api03-${'x7Kp2mW9vR4tL8nBqZ3c'.repeat(4)}Zq3x7Kp2mW9vRAA`,
      // A pair inside a secret name's value, padded credentials, aligned and long values.
      yamlNested: `auth:\n  password: ${next()}\n`,
      cookieHeader: `Cookie: JSESSIONID=${next()}; theme=dark`,
      tokenPair: `token: access_token=${next()}&expires_in=3600`,
      basicPadded: `curl -H "Authorization: Basic ${BASIC}"`,
      aligned: `spring.datasource.password          = ${next()}`,
      longValue: `aws_session_token = "${next().repeat(40)}"`,
      // Cards as numbers, grouped by no-break spaces, in other scripts' digits, in a file name.
      nbspCard: '5555\u00a05555\u00a05555\u00a04444',
      arabicCard: '٥١٠٥١٠٥١٠٥١٠٥١٠٠',
      fileName: 'statement-4012888888881881.pdf',
      urlPassword: `http://elastic:${next()}@elasticsearch:9200`,
      // Escapes inside a value: an encoded email, an entity, a form-encoded card, track data.
      encodedEmail: '/cb?email=grace.hopper%40example.com',
      entityEmail: '<span>alan.turing&#64;example.com</span>',
      formCard: 'c=3782+822463+10005',
      trackData: '%B6011000990139424^DOE/JOHN^2912101000000000000000?',
      // HTML5's named `@` and `+`, a numeric reference without its `;`, JSON's escaped slashes,
      // a password with raw `/?#`, an IBAN in lower case, a card glued to letters.
      namedEntityEmail: '<b>edsger.dijkstra&commat;example.com</b>',
      namedEntityPhone: 'tel: &plus;14155552671',
      bareReferenceEmail: 'barbara.liskov&#64example.com',
      escapedSlashes: `log: url=redis:\\/\\/default:${next()}@cache:6379`,
      rawSlashPassword: `postgres://app:${next()}/x#y?z@db.internal:5432/app`,
      lowerIban: 'refund to gb82 west 1234 5698 7654 32',
      gluedCard: 'PAN5105105105105100exp1229',
      // A second pass: a named `.`, a reference padded with zeros, an IBAN after a word like it.
      periodEntityEmail: 'frances.allen&commat;example&period;com',
      paddedReference: 'ken.thompson&#0000064;example.com',
      ibanAfterWord: 'fy24 refund to DE89 3704 0044 0532 0130 00',
      // A third pass: a card after an order number and a dash, before an expiry date, after a time,
      // and stored under an id name that speaks of a card.
      cardAfterOrder: 'ORD-2024-3530-1113-3330-0000',
      cardBeforeExpiry: 'paid with 6011 1111 1111 1117 12/27 123',
      cardAfterTime: '12:01:33 5105105105105100 declined',
      cardId: '4000056655665556',
      // Groups split by two spaces or a tab (aligned columns, a pasted spreadsheet row).
      spacedCard: 'card 5105  1051  0510  5100 on file',
      tabbedCard: 'amex\t3782\t822463\t10005',
      tabbedPhone: 'mobile\t+44\t7700\t900461',
      dashedIban: 'pay to AL47-2121-1009-0000-0002-3569-8741',
      // JWTs glued after other token characters (an id's prefix, a GitHub-style token's tail).
      gluedJwt: `ref id-${jwt({ sub: '42', email: 'barbara.liskov@example.com' })}`,
      gluedJwtUnderscore: `ghs_1a2b_${jwt({ sub: '43', pin: '7731' })}`,
      // After a word holding eyJ, and glued after another token's signature (a second pass).
      jwtAfterWord: `surveyJson.v1-${jwt({ sub: '44', phone: '+44 7700 900461' })}`,
      twoGluedJwts: `v1-${jwt({ sub: '45' })}-${jwt({ sub: '46', role: 'admin', pin: '9157' })}`,
      // A header with white space inside its braces, or before them (a hand-made encoder).
      braceSpaced: `${Buffer.from('{ "alg": "HS256" }').toString('base64url')}.${jwtPart({ sub: '47', name: 'Dijkstra' })}.c2lnbmF0dXJl`,
      lineLed: `see ${Buffer.from('\n{"alg":"HS256"}').toString('base64url')}.${jwtPart({ sub: '48', name: 'Hamilton' })}.c2lnbmF0dXJl`,
      // A GitHub token glued to digits (its checksum holds), and one whose checksum does not.
      // A second detection pass: an encrypted token (JWE), a directory's password values, a PuTTY
      // key file, and an address with its password on a combo list's line.
      jwe: `session ${jwtPart({ alg: 'dir', enc: 'A256GCM' })}..GzXsd7MaLCIvKf41.T3BhcXVlQ2lwaGVy.y_aKYy9VK5PGwQZgclzVuQ`,
      ldapHash: 'dn: uid=ada,ou=people\nuserPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g8Ahc0\n',
      ldapClear: 'olcRootPW: {CLEARTEXT}Tr0ub4dor-and-3 # set by ops',
      puttyKey:
        'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIDUyNKFw0dNKtj6/kEdYxHNVu9x0/2Yb3Pn3SvQFA7Wj\nPrivate-Lines: 1\nAAAAIGbzW7h9V1H+5wsnJyUwT9Xc3C5c2b0mXwqAw6Hf1Gf1\nPrivate-MAC: 2b1e6fd3bd2c3d3e5a0ed1f4a1a0f3b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7\n',
      comboLine: 'dump:\nada.lovelace@example.com:Hunter2pass!\n',
      // Tokens and keys by their format: PASETO, a wallet's extended private key, a DER key.
      paseto:
        'session=v4.local.32VIErrEkmY4JVILovbmfPXKW9wT1OdQepjMTC_MOtjA4kiqw7_tcaOM5GNEcnTxl60WkwMsYXw6FSNb',
      xprv: 'backup xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
      derKey: 'key MC4CAQAwBQYDK2VwBCIEIBnE3fKI11lgpchx7E6Twxf7EI55hxJVibRHt+VMF1Gv end',
      gluedGithub: 'ref 12345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',
      wrongChecksumGithub: 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5',
    },
    numbers: { pan: 4242424242424242, amounts: [7, 5500005555555559] },
    // Secrets by the shape of their object: a name/value pair, a JWK's private member.
    shapes: {
      env: [
        { name: 'DB_PASSWORD', value: next() },
        { name: 'PORT', value: '8080' },
      ],
      jwk: { kty: 'oct', alg: 'HS256', k: next() },
      // A JSON Patch operation and an audit diff: the secret's name in a member of its own.
      patch: [{ op: 'replace', path: '/credentials/apiKey', value: next() }],
      diff: { field: 'password', old: next(), new: next() },
      // A Kubernetes Secret listed by a dashboard: its data is secret whole, whatever it decodes to.
      kubernetes: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { api: next() } },
    },
  }
  return {
    body,
    secrets: [
      ...secrets,
      'ZmVlZGJhY2tmZWVkYmFja2ZlZWRiYWNrZmVlZGJhY2s',
      'ijklmnopqrstuvwxyz0123',
      '415.555.2671',
      'ghiJKLmnoPQRstuVWXyz0123456789',
      'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ',
      'Zq8vXw3Lm9Kp1234abcdEFGH',
      jwtPart({ sub: '47', name: 'Dijkstra' }),
      jwtPart({ sub: '48', name: 'Hamilton' }),
      'jürgen.müller',
      'ａｄａ＠',
      'barbara.liskov@',
      'glpat-Ab3d',
      'sk-ant-api03-x7Kp',
      'glpat-Kq7v',
      'glpat-Zk3X',
      BASIC.slice(0, 24),
      '5555\u00a05555',
      '٥١٠٥١٠٥١٠٥',
      '4012888888881881',
      '4242424242424242',
      '5500005555555559',
      'grace.hopper',
      'alan.turing',
      '822463',
      '6011000990139424',
      'dijkstra',
      '4155552671',
      'liskov',
      '5698 7654',
      '510510510510',
      'frances.allen',
      'thompson',
      '0044 0532',
      '3530-1113-3330',
      '6011 1111 1111',
      '5105105105105100',
      '4000056655665556',
      '1051  0510',
      '822463',
      '7700\t900461',
      '1009-0000-0002',
      // The glued tokens' payloads.
      jwtPart({ sub: '42', email: 'barbara.liskov@example.com' }).slice(0, 24),
      jwtPart({ sub: '43', pin: '7731' }).slice(0, 16),
      jwtPart({ sub: '44', phone: '+44 7700 900461' }).slice(0, 24),
      jwtPart({ sub: '46', role: 'admin', pin: '9157' }).slice(0, 24),
      'wWPw5k4aXcaT4fNP0Ucn',
      'GzXsd7MaLCIvKf41',
      'W6ph5Mm5Pz8GgiULbPgz',
      'Tr0ub4dor-and-3',
      'AAAAIGbzW7h9V1H',
      'lovelace',
      'Hunter2pass',
      '32VIErrEkmY4JVILovbm',
      'xprv9s21ZrQH143K3QTD',
      'BnE3fKI11lgpchx7E6Tw',
      'aB3dE5fG7hJ9kL1mN3pQ',
      'Summer-Breeze_Falcon',
      'gh9m4xcAn3MGxogwX',
      'Quiet-Harbor_Lantern',
    ],
  }
}

/**
 * Issue 16's evasion classes, each through a real socket: secret names spelled past the rule,
 * containers under secret names, secrets in text and in JSON that hides behind whitespace or a BOM,
 * international and fullwidth emails, provider tokens, the app's own secrets and canaries, and a
 * token the route issues whose claims carry what must not leave.
 */
export function runDetectionEvasionAttacks(harness: AdapterHarness): void {
  const withApp = appRunner(harness)

  describe('attack: detection evasion', () => {
    it('answers a login whose token nests another token in a claim, and keeps serving', async () => {
      // An upstream access_token copied into the session JWT once hung the server: the nested
      // token's check reset the outer loop's position.
      const nested = jwt({ sub: '1', id_token: jwt({ sub: 'u' }) })
      const { guard } = recordingGuard({
        redact: { knownSecrets: false },
        routes: { 'POST /oauth/token': { issuesTokens: true } },
      })
      const routes: RouteSpec[] = [
        {
          method: 'POST',
          path: '/oauth/token',
          body: () => ({ access_token: nested, token_type: 'Bearer' }),
        },
        getRoute('/health', () => ({ ok: true })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/oauth/token`, { method: 'POST' })
        expect(res.status).toBe(200)
        expect(res.json).toEqual({ access_token: nested, token_type: 'Bearer' })
        expect((await call(`${url}/health`)).json).toEqual({ ok: true })
      })
    })

    it('masks every row of a long list alike, past the rows that teach the writer their shape', async () => {
      // The writer reads a common shape's members with a generated reader after 16 rows, and a
      // long string read clean once per response: neither may change what a later row shows.
      const digest = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8'
      const note = 'Prefers delivery after 6pm; the gate code is written on the delivery slip.'
      const rows = Array.from({ length: 40 }, (_, i) => ({
        id: i,
        env: { name: 'DB_PASSWORD', value: `Zq${i}x7Kp2mW9vR4tL8nB` },
        user: { email: `ada${i}@example.com`, password: `pw-${i}-Hunter2x!` },
        note,
        checksum: digest,
        passwordDigest: digest,
      }))
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/rows', () => rows)] }, async (url) => {
        for (let request = 0; request < 2; request++) {
          const res = await call(`${url}/rows`)
          expect(res.status).toBe(200)
          const json = res.json as Array<Record<string, Record<string, string> | string | number>>
          expect(json).toHaveLength(40)
          for (const [i, row] of json.entries()) {
            expect(row.env, `row ${i}`).toEqual({ name: 'DB_PASSWORD', value: '[REDACTED]' })
            expect((row.user as Record<string, string>).password, `row ${i}`).toBe('[REDACTED]')
            expect(row.note).toBe(note)
            expect(row.checksum).toBe(digest)
            expect(row.passwordDigest, `row ${i}`).not.toBe(digest)
          }
          expect(res.text).not.toMatch(/Zq\d+x7Kp|Hunter2x|@example\.com/)
        }
      })
    })

    it('masks values alone in their member as the full reading does, keeps ids and metric names', async () => {
      // Cards, phones, emails and bcrypt hashes alone in a member are read by their shape, UUIDs
      // answered clean (exact-shapes.ts): over the wire, the same masks as the detectors give,
      // near misses read in full, a UUID a provider format reads by name still masked.
      const uuid = '0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5a'
      const hash = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'
      const rows = Array.from({ length: 24 }, () => ({
        id: uuid,
        heroku: uuid,
        number: '4111111111111111',
        mobile: '+44 7700 900123',
        contact: 'ada.lovelace@example.com',
        h: hash,
        orderRef: '4111111111111112',
        spaced: '+44  7700 900123',
        long: `${'a'.repeat(60)}@${'b'.repeat(60)}.example.com`,
        'session:duration:p95:ms': 842,
      }))
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/shapes', () => rows)] }, async (url) => {
        const res = await call(`${url}/shapes`)
        expect(res.status).toBe(200)
        for (const row of res.json as Array<Record<string, unknown>>)
          expect(row).toEqual({
            id: uuid,
            heroku: '[REDACTED:heroku-api-key]',
            number: '411111******1111',
            mobile: '+** **** ****23',
            contact: '[REDACTED:email]',
            h: '[REDACTED:password-hash]',
            orderRef: '4111111111111112',
            spaced: '+**  **** ****23',
            long: '[REDACTED:email]',
            'session:duration:p95:ms': 842,
          })
      })
    })

    it('masks phone numbers written as bare digits or numbers under a phone name, keeps look-alikes elsewhere', async () => {
      // A phone number without a + or groups is a run of digits a detector cannot tell from an
      // order number, except by its member's name (a red-team pass): strings, JSON numbers and
      // lists under phone names.
      // Not phone numbers: another name, a date, a verification day, an id, a count, a device.
      const kept = {
        orderNumber: '4155552671',
        phoneVerified: '20231201',
        phoneId: '12345678901',
        phoneCountry: 44,
        note: 'call 4155552673 tomorrow',
        shipped: { phones: 10500000 },
        iPhone: '20231015',
      }
      const body = {
        phone: '07700900123',
        mobile: '4155552671',
        phoneNumber: '447700900123',
        contact_no: '0044 7700 900123',
        tel: 4155552671,
        cellPhone: '015112345678',
        telefono: '0612345678',
        phones: ['07700900124', 4155552672, 'tel:4155552673'],
        contacts: [{ fax: '02071234567' }],
        // Spelled glued, written whole with a country code, and a number that passes a card's checks.
        phonenumber: '+91-9876543210',
        Telefonnummer: '(030) 12345678',
        home: { phone: 4915112345678 },
        mobilePhone: { number: '07700900125', countryCode: '44' },
        // After a phone's name in text: a label, a query parameter.
        remark: 'phone: 4155552674, after 6pm',
        callback: 'https://hooks.example/sms?to=1&phone=4155552675',
        ...kept,
      }
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/phones', () => body)] }, async (url) => {
        const res = await call(`${url}/phones`)
        expect(res.status).toBe(200)
        expect(res.json).toEqual({
          phone: '*********23',
          mobile: '********71',
          phoneNumber: '**********23',
          contact_no: '**** **** ****23',
          tel: '********71',
          cellPhone: '**********78',
          telefono: '********78',
          phones: ['*********24', '********72', 'tel:********73'],
          contacts: [{ fax: '*********67' }],
          phonenumber: '+**-********10',
          Telefonnummer: '(***) ******78',
          home: { phone: '***********78' },
          mobilePhone: { number: '*********25', countryCode: '44' },
          remark: 'phone: ********74, after 6pm',
          callback: 'https://hooks.example/sms?to=1&phone=********75',
          ...kept,
        })
      })
    })

    it('masks values written with characters a reader reads otherwise: invisible, compatibility forms, escaped', async () => {
      // A reader does not see zero-width spaces, joiners, soft hyphens, bidi marks or tags, reads
      // `④` and a mathematical `𝟒` as 4 (NFKC), and no writer escapes a letter or a digit but to
      // hide what it spells.
      const card = '4111111111111111'
      const token = 'ghp_N8raJ4nWF0jSBwfO9sbK5oXG1kTCxgP7tcL6'
      const gitlab = 'glpat-N8raJ4nWF0jSBwfO9sbK'
      const hidden = (value: string, mark: string) => [...value].join(mark)
      const body = {
        zeroWidth: `card ${hidden(card, '\u200b')}`,
        softHyphen: `card ${card.slice(0, 8)}\u00ad${card.slice(8)}`,
        joiner: `token ${hidden(token, '\u2060')}`,
        bom: `token ${gitlab.slice(0, 9)}\ufeff${gitlab.slice(9)}`,
        bidi: `mail ada\u202e.lovelace@example.com`,
        tags: `aws ${'AKIAIOSFODNN7EXAMPLE'.replace('IOSF', 'IO\u{e0041}SF')}`,
        percent: `card ${[...card].map((c) => `%3${c}`).join('')}`,
        entities: `card &#52;${card.slice(1)}`,
        unicodeEscape: `token \\u0067hp_${token.slice(4)}`,
        // Found by a red-team pass: UTF-8 percent-escapes of invisible characters in a URL, a
        // compatibility dash, fullwidth digits mixed with compatibility forms, `&shy;`.
        utf8: `https://x.io/cb?card=${[card.slice(0, 4), card.slice(4, 8), card.slice(8, 12), card.slice(12)].join('%E2%80%8B')}`,
        smallDash: `ssn 123\ufe6345\ufe636789`,
        mixed: `card \u2463\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\uff11`,
        shy: 'mail ada.lovelace&shy;@example.com',
        // Combining marks on every character, punctuation and spaces included (underline text).
        underlined: `card ${[...'4111 1111 1111 1111'].map((c) => `${c}\u0332`).join('')}`,
        markedAt: 'mail ada.lovelace@\u0332example.com',
        circled: `card ${[...card].map((d) => (d === '0' ? '\u24ea' : String.fromCodePoint(0x245f + Number(d)))).join('')}`,
        mathematical: `token ${token.replace(/[A-Za-z0-9]/g, (c) => String.fromCodePoint(c <= '9' ? 0x1d7ce + Number(c) : c <= 'Z' ? 0x1d400 + c.charCodeAt(0) - 65 : 0x1d41a + c.charCodeAt(0) - 97))}`,
        // What must stay as it is: prose and emoji with joiners and variation selectors.
        prose:
          'Thanks\u200b! \ud83d\udc4d\ud83c\udffd \u2764\ufe0f and 100% of 20%41 sure, 120 m\u00b2, n\u00ba 3',
      }
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/hidden', () => body)] }, async (url) => {
        const res = await call(`${url}/hidden`)
        expect(res.status).toBe(200)
        const out = res.json as Record<string, string>
        const visible = (text: string) =>
          text.replace(/[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]|\udb40[\udc00-\udfff]/g, '')
        const percentDecoded = (text: string) => {
          try {
            return decodeURIComponent(text.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'))
          } catch {
            return text // a mask cut a UTF-8 sequence: what is left holds no whole character
          }
        }
        const decoded = (text: string) =>
          percentDecoded(text)
            .replace(/&shy;/g, '')
            .replace(/&#(\d+);?/g, (_, d) => String.fromCharCode(Number(d)))
        for (const [name, value] of Object.entries(out)) {
          if (name === 'prose') continue
          const seen = [
            ...visible(decoded(value))
              .replace(/\\u0067/g, 'g')
              .replace(/\u0332/g, ''),
          ]
            .map((ch) =>
              ch.codePointAt(0)! > 127 && /^[ -~]+$/.test(ch.normalize('NFKC')) ? ch.normalize('NFKC') : ch,
            )
            .join('')
          for (const secret of [
            card,
            '4111 1111 1111 1111',
            token,
            gitlab,
            'lovelace@example',
            'AKIAIOSFODNN7EXAMPLE',
            '123-45-6789',
          ])
            expect(seen, name).not.toContain(secret)
        }
        expect(out.prose).toBe(body.prose)
      })
    })

    it('masks secrets under evasive names, in containers, in text, and in provider formats', async () => {
      const { body, secrets } = evasiveBody()
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/evasion', () => body)] }, async (url) => {
        const res = await call(`${url}/evasion`)
        expect(res.status).toBe(200)
        for (const secret of secrets) expect(res.text, secret).not.toContain(secret)
        const containers = (res.json as { containers: Record<string, unknown> }).containers
        // Shapes stay: a client still sees an array where it had one.
        expect(Array.isArray(containers.password)).toBe(true)
        expect(containers.credentials).toEqual({ user: '[REDACTED]', pin: '[REDACTED]' })
        const text = (res.json as { text: Record<string, string> }).text
        expect(text.configLine).toBe('password=[REDACTED:iban]\\" y')
        expect(text.configLineTwo).toBe('password=[REDACTED:iban] y')
        // A list's items are masked each: the list keeps its shape.
        expect(text.repeatedDigits).toBe('DB_PASSWORD=[REDACTED] PORT=5432')
        expect(text.escapedList).toBe(
          'body={\\"tokens\\": [\\"[REDACTED]\\"], \\"user\\": \\"bob\\"} took 12ms',
        )
        expect(text.flowList).toBe('tokens: [[REDACTED], "[REDACTED]"]')
        expect(text.blockList).toBe('api_keys:\n  - [REDACTED]\n  - [REDACTED]\nregion: eu')
      })
    })

    it("names a provider's token assigned in text after its format, and masks what an assignment alone holds", async () => {
      const token = 'glpat-Xq7vTz2LmX4pWr7sYb9N'
      const body = {
        env: `GITLAB_TOKEN=${token}`,
        yaml: `gitlab_token: "${token}"`,
        // Past the token, the assignment's longer value goes whole.
        longer: `GITLAB_TOKEN=${token}.extra-part`,
        plain: 'DB_PASSWORD=Quiet-Harbor_Lantern!',
      }
      const { guard, events } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/config', () => body)] }, async (url) => {
        const res = await call(`${url}/config`)
        expect(res.status).toBe(200)
        expect(res.json).toEqual({
          env: 'GITLAB_TOKEN=[REDACTED:gitlab-pat]',
          yaml: 'gitlab_token: "[REDACTED:gitlab-pat]"',
          longer: 'GITLAB_TOKEN=[REDACTED]',
          plain: 'DB_PASSWORD=[REDACTED]',
        })
      })
      const findings = ofType(await events(), 'response.redacted').flatMap((event) =>
        event.findings.map((finding) => `${finding.path} ${finding.detector}`),
      )
      expect(findings).toEqual(
        expect.arrayContaining([
          '$.env gitlab-pat',
          '$.yaml gitlab-pat',
          '$.longer secret-assignment',
          '$.plain secret-assignment',
        ]),
      )
      expect(findings.filter((finding) => finding.startsWith('$.env '))).toEqual(['$.env gitlab-pat'])
    })

    it('keeps the members that describe a secret container, and reads them with the detectors', async () => {
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      const body = {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        credentials: { type: 'basic', user: 'ada', url: 'postgres://app:s3cr3tPass@db.internal/app' },
      }
      await withApp({ leakguard: guard, routes: [getRoute('/spec', () => body)] }, async (url) => {
        const res = await call(`${url}/spec`)
        expect(res.status).toBe(200)
        const json = res.json as typeof body
        expect(json.securitySchemes).toEqual(body.securitySchemes)
        expect(json.credentials.type).toBe('basic')
        expect(json.credentials.user).toBe('[REDACTED]')
        expect(res.text).not.toContain('s3cr3tPass')
      })
    })

    it("answers a field dense with name-value pairs at once, reads the rest by the names' stems, and says so", async () => {
      // A client-written field of 5,000 unique secret-like names used to cost seconds per megabyte.
      const note = `${Array.from({ length: 5_000 }, (_, i) => `k${i}_password=x${i}y${i}z,`).join(' ')} 4111 1111 1111 1111`
      // Thousands of unique names before a secret (a compiler's options in a failed build's log).
      const log = `${Array.from({ length: 8_000 }, (_, i) => `-Wno-warn${i}`).join(' ')} -c x.c && DB_PASSWORD=Hunter2pass! ./run`
      const { guard, events } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp(
        { leakguard: guard, routes: [getRoute('/dense', () => ({ note, log }))] },
        async (url) => {
          const res = await call(`${url}/dense`)
          expect(res.status).toBe(200)
          expect(res.text).not.toContain('4111 1111 1111 1111')
          expect(res.text).not.toContain('x0y0z')
          expect(res.text).not.toContain('x4999y4999z')
          expect(res.text).not.toContain('Hunter2pass')
        },
      )
      const recorded = await events()
      expect(ofType(recorded, 'response.degraded').map((event) => event.values)).toEqual([
        [
          { path: '$.note', reason: 'text-too-dense', count: 1 },
          { path: '$.log', reason: 'text-too-dense', count: 1 },
        ],
      ])
    })

    it('reads a long log, page or NDJSON to its end: bare operators and names read before cost none of its budget', async () => {
      const P = 'Xq7Lm2Vr9Tz4Wp'
      const body = {
        log: `${Array.from({ length: 2_500 }, (_, i) => `2024-01-01T12:30:45Z INFO req ${i} done`).join('\n')}\npassword=${P}`,
        page: `${'<tr><td>x</td></tr>'.repeat(2_000)}<password>${P}</password>`,
        ndjson: `${Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ level: 'info', msg: 'ok', n: i })).join('\n')}\n{"level":"error","password":"${P}"}`,
        commas: `${','.repeat(5_000)} Authorization: Basic ${btoa(`bob:${P}`)}`,
      }
      const { guard, events } = recordingGuard({ redact: { knownSecrets: false } })
      await withApp({ leakguard: guard, routes: [getRoute('/logs', () => body)] }, async (url) => {
        const res = await call(`${url}/logs`)
        expect(res.status).toBe(200)
        expect(res.text).not.toContain(P)
        expect(res.text).not.toContain(btoa(`bob:${P}`))
      })
      expect(ofType(await events(), 'response.degraded')).toEqual([])
    })

    it("masks the app's own secrets as written and encoded, and reports a canary", async () => {
      const dbPassword = 'hunter2-but-longer-4417'
      // One with what HTML escapes: a template writes it with entities.
      const apiSecret = `Tr0ub4dor&3"<x>'s-4417`
      const htmlEscaped = 'Tr0ub4dor&amp;3&quot;&lt;x&gt;&#39;s-4417'
      const fullwidth = 'ｈｕｎｔｅｒ２－ｂｕｔ－ｌｏｎｇｅｒ－４４１７'
      const canary = 'canary-7Hq2xLw9pR4tZk'
      const { guard, events } = recordingGuard({
        redact: {
          knownSecrets: {
            env: {
              from: {
                DB_PASSWORD: dbPassword,
                API_SECRET: apiSecret,
                NODE_ENV: 'production-like-value',
                // Starts inside a card number written before it: the two findings overlap.
                CARD_SALT: '1111111111QzX8vLp2Wm9K',
              },
            },
            canaries: [{ id: 'decoy-user', value: canary }],
          },
        },
      })
      const routes: RouteSpec[] = [
        getRoute('/debug', () => ({
          plain: `connect failed for ${dbPassword}`,
          base64: Buffer.from(dbPassword).toString('base64'),
          hex: Buffer.from(dbPassword).toString('hex'),
          url: `https://x.example/?p=${encodeURIComponent(dbPassword)}`,
          decoy: canary,
          env: 'production-like-value',
          html: `<p>${htmlEscaped}</p>`,
          typed: fullwidth,
          glued: 'paid 4111111111111111QzX8vLp2Wm9K ok',
          // Inside larger encoded blobs: echoed Basic credentials, a config file, a token's payload.
          basic: `Basic ${Buffer.from(`admin:${dbPassword}`).toString('base64')}`,
          config: Buffer.from(`[db]\npassword = ${dbPassword}\n`).toString('base64'),
          payload: Buffer.from(JSON.stringify({ sub: '42', dsn: `pg://app:${dbPassword}@db` })).toString(
            'base64url',
          ),
        })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/debug`)
        expect(res.status).toBe(200)
        for (const form of [
          dbPassword,
          Buffer.from(dbPassword).toString('base64'),
          Buffer.from(dbPassword).toString('hex'),
          encodeURIComponent(dbPassword),
          canary,
          htmlEscaped,
          fullwidth,
          // Overlapping findings are masked as one, whole: a card's partial mask would show the
          // known secret's last characters.
          'Wm9K',
          '4111111111111111',
        ])
          expect(res.text).not.toContain(form)
        // No base64 run of the body decodes back to the password, at any alignment.
        for (const run of res.text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
          for (let shift = 0; shift < 4; shift++)
            expect(Buffer.from(run.slice(shift), 'base64').toString('latin1')).not.toContain('but-longer')
        // Allowed variables stay.
        expect(res.text).toContain('production-like-value')
      })
      const recorded = await events()
      expect(ofType(recorded, 'response.canary').map((event) => event.canaries)).toEqual([['decoy-user']])
      expect(JSON.stringify(recorded)).not.toContain(canary)
      expect(JSON.stringify(recorded)).not.toContain(dbPassword)
    })

    it('masks what text written in base64 carries, and writes it back so a client still decodes it', async () => {
      // A Kubernetes secret returned by an admin API, echoed credentials, a data URL, a cookie's
      // payload, a wrapped blob: the detectors read the text, the client gets it redacted, encoded
      // again as it was written.
      const b64 = (text: string) => Buffer.from(text).toString('base64')
      const github = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
      const aws = 'AKIAQ3EGRQ7WXL4NB6UP'
      const slack = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'
      const pem = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(4)}\n-----END PRIVATE KEY-----\n`
      const ini = `[default]\nregion = eu-west-1\naws_access_key_id = ${aws}\n${'# rotated yearly\n'.repeat(6)}`
      const random = 'q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU'
      const issued = `v1-${jwt({ sub: '42', email: 'ada@example.com' })}`
      const { guard, events } = recordingGuard({
        redact: { knownSecrets: false },
        routes: { 'POST /oauth/token': { issuesTokens: true, issuedTokenClaims: ['sub', 'email'] } },
      })
      const routes: RouteSpec[] = [
        getRoute('/secret', () => ({
          // A backup of files in base64 (a Kubernetes Secret's `data` is masked whole instead:
          // every value of it is secret, whatever it decodes to).
          kind: 'Backup',
          data: {
            'config.yaml': b64('db:\n  host: db.internal\n  password: s3cr3t-Pa55word!\n'),
            '.dockerconfigjson': b64(
              JSON.stringify({ auths: { 'ghcr.io': { auth: b64(`ada:${github}`) } } }),
            ),
            'tls.key': b64(pem),
          },
          echoed: `Basic ${b64(`ada:${github}`)}`,
          avatar: `data:application/json;base64,${b64(JSON.stringify({ webhook: slack }))}`,
          prefs: Buffer.from(JSON.stringify({ email: 'ada@example.com', theme: 'dark', n: 12 })).toString(
            'base64url',
          ),
          wrapped: b64(ini).replace(/.{76}/g, '$&\r\n'),
          ref: random,
          // Joined to a URL's path, and a signed cookie's payload before its digest.
          unsubscribe: `https://app.example/unsubscribe/${b64('ada.lovelace@example.com')}`,
          signed: `${b64(JSON.stringify({ user: 'ada', token: github }))}--5e884898da28047151d0e56f8dc6292773603d0d`,
          // Percent-encoded into a form value (`+`, `/` and `=` written %2B, %2F, %3D).
          form: `state=${encodeURIComponent(b64(JSON.stringify({ email: 'ada@example.com', note: '~~~>>>???' })))}`,
          // In a URL on a host of two dots and more, as a parameter and as its last path segment
          // (found by a red-team pass: such URLs were not searched).
          callback: `https://accounts.example.co.uk/cb?state=${Buffer.from(
            JSON.stringify({ email: 'ada@example.com', password: 's3cr3t-Pa55word!' }),
          ).toString('base64url')}&lang=en`,
          confirm: `https://api.example.com/u/${Buffer.from(JSON.stringify({ token: github })).toString('base64url')}`,
          // Two blobs in consecutive path segments, and a path after them.
          segments: `https://api.example.com/v1/${Buffer.from(
            JSON.stringify({ email: 'ada@example.com' }),
          ).toString(
            'base64url',
          )}/${Buffer.from(JSON.stringify({ password: 's3cr3t-Pa55word!' })).toString('base64url')}/confirm`,
          // A path's words after a blob whose last character leaves a `?` byte after its text:
          // the path is written back as it was, not re-encoded with the blob.
          view: `https://x.example/files/${Buffer.from(JSON.stringify({ password: 'Hunter2pass' })).toString('base64url')}/view`,
          // A card and a token glued to a blob by `-` and `/` (its "binary tail"), beside a member
          // read by name: each keeps its own mask, the blob's text is read too.
          glued: `"password":"x" https://a.io/?s=${Buffer.from(
            JSON.stringify({ email: 'adax@example.com', plan: 'pro' }),
          ).toString('base64url')}-4111111111111111 and /u/${Buffer.from(
            JSON.stringify({ email: 'adax@example.com', plan: 'pro' }),
          ).toString('base64url')}/${github}`,
          // A card glued between two texts of one blob: the blob goes masked whole.
          between: `https://a.io/?s=${Buffer.from('hello there friend  ').toString('base64url')}-4532015112830366${Buffer.from(
            JSON.stringify({ password: 'hunter2hunter2' }),
          ).toString('base64url')}`,
        })),
        {
          method: 'POST',
          path: '/oauth/token',
          // A token the route issues, after a version prefix: sent as it is.
          body: () => ({ access_token: issued, token_type: 'Bearer' }),
        },
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/secret`)
        expect(res.status).toBe(200)
        const body = res.json as Record<string, Record<string, string> & string>
        const decode = (text: string) => Buffer.from(text.replaceAll('\r\n', ''), 'base64').toString()
        expect(decode(body.data!['config.yaml']!)).toBe('db:\n  host: db.internal\n  password: [REDACTED]\n')
        expect(body.view).toBe(
          `https://x.example/files/${Buffer.from('{"password":"[REDACTED]"}').toString('base64url')}/view`,
        )
        expect(JSON.parse(decode(body.data!['.dockerconfigjson']!))).toEqual({
          auths: { 'ghcr.io': { auth: '[REDACTED]' } },
        })
        expect(decode(body.data!['tls.key']!)).toBe('[REDACTED:private-key]\n')
        expect(body.echoed).toBe(`Basic ${b64('ada:[REDACTED]')}`)
        expect(body.avatar).toBe(
          `data:application/json;base64,${b64('{"webhook":"[REDACTED:slack-token]"}')}`,
        )
        expect(JSON.parse(Buffer.from(body.prefs!, 'base64url').toString())).toEqual({
          email: '[REDACTED:email]',
          theme: 'dark',
          n: 12,
        })
        expect(body.prefs).not.toMatch(/[+/=]/)
        expect(
          body
            .wrapped!.split('\r\n')
            .slice(0, -1)
            .every((line) => line.length === 76),
        ).toBe(true)
        expect(decode(body.wrapped!)).toBe(ini.replace(aws, '[REDACTED:aws-access-key]'))
        expect(body.ref).toBe(random)
        // In a URL, a run of neither alphabet's own characters is written back in base64url.
        expect(body.unsubscribe).toBe(
          `https://app.example/unsubscribe/${Buffer.from('[REDACTED:email]').toString('base64url')}`,
        )
        const [payload, digest] = body.signed!.split('--')
        expect(JSON.parse(decode(payload!))).toEqual({ user: 'ada', token: '[REDACTED]' })
        expect(digest).toBe('5e884898da28047151d0e56f8dc6292773603d0d')
        expect(body.form).toMatch(/%2B|%2F|%3D/)
        expect(JSON.parse(decode(decodeURIComponent(body.form!.slice('state='.length))))).toEqual({
          email: '[REDACTED:email]',
          note: '~~~>>>???',
        })
        const callback = /^https:\/\/accounts\.example\.co\.uk\/cb\?state=([\w-]+)&lang=en$/.exec(
          body.callback!,
        )
        expect(callback, body.callback).not.toBeNull()
        expect(JSON.parse(Buffer.from(callback![1]!, 'base64url').toString())).toEqual({
          email: '[REDACTED:email]',
          password: '[REDACTED]',
        })
        const confirm = /^https:\/\/api\.example\.com\/u\/([\w-]+)$/.exec(body.confirm!)
        expect(confirm, body.confirm).not.toBeNull()
        expect(JSON.parse(Buffer.from(confirm![1]!, 'base64url').toString())).toEqual({ token: '[REDACTED]' })
        const segments = /^https:\/\/api\.example\.com\/v1\/([\w-]+)\/([\w-]+)\/confirm$/.exec(body.segments!)
        expect(segments, body.segments).not.toBeNull()
        expect(JSON.parse(Buffer.from(segments![1]!, 'base64url').toString())).toEqual({
          email: '[REDACTED:email]',
        })
        expect(JSON.parse(Buffer.from(segments![2]!, 'base64url').toString())).toEqual({
          password: '[REDACTED]',
        })
        const glued =
          /^"password":"\[REDACTED\]" https:\/\/a\.io\/\?s=([\w-]+)-411111\*{6}1111 and \/u\/([\w-]+)\/\[REDACTED:github-token\]$/.exec(
            body.glued!,
          )
        expect(glued, body.glued).not.toBeNull()
        for (const blob of [glued![1]!, glued![2]!])
          expect(JSON.parse(Buffer.from(blob, 'base64url').toString())).toEqual({
            email: '[REDACTED:email]',
            plan: 'pro',
          })
        expect(body.between).toBe('https://a.io/?s=[REDACTED:card]')
        const token = await call(`${url}/oauth/token`, { method: 'POST' })
        expect(token.json).toEqual({ access_token: issued, token_type: 'Bearer' })
        // Nothing of a secret in any base64 run of the body, at any alignment.
        const text = res.text.replaceAll('\\r\\n', '')
        for (const run of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
          for (let shift = 0; shift < 4; shift++) {
            const decoded = Buffer.from(run.slice(shift), 'base64').toString('latin1')
            for (const secret of [
              github.slice(4, 20),
              aws.slice(4),
              slack.slice(5, 20),
              's3cr3t-Pa55',
              'MIIEvQIBADANBgkq',
            ])
              expect(decoded).not.toContain(secret)
          }
      })
      const recorded = await events()
      const detectors = ofType(recorded, 'response.redacted').flatMap((event) =>
        event.findings.map((finding) => finding.detector),
      )
      expect(new Set(detectors)).toEqual(
        new Set([
          'key-name',
          'secret-assignment',
          'private-key',
          'slack-token',
          'aws-access-key',
          'email',
          // The glued card and token.
          'card',
          'github-token',
        ]),
      )
      expect(JSON.stringify(recorded)).not.toContain('s3cr3t-Pa55word')
    })

    it('masks what bytes in a body carry (a Buffer, a Uint8Array), and writes them back as bytes', async () => {
      // A BLOB or BYTEA column, a key read from a file, a token kept as bytes: JSON writes their
      // bytes as numbers, which no detector read. They are read as text and written back as bytes
      // of the same kind, so a client still decodes them.
      const github = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'
      const aws = 'AKIAQ3EGRQ7WXL4NB6UP'
      const { guard, events } = recordingGuard({ redact: { knownSecrets: false } })
      const routes: RouteSpec[] = [
        getRoute('/files/1', () => ({
          id: 1,
          config: Buffer.from(`[default]\naws_access_key_id = ${aws}\nowner = ada@example.com\n`),
          key: new Uint8Array(Buffer.from(github)),
          signed: new Int8Array(Buffer.from(`token=${github}`)),
          rows: [Buffer.from('4111 1111 1111 1111'), Buffer.from('plain row')],
          password: Buffer.from('hunter2hunter2'),
          png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        })),
        // The same bytes already written as JSON: a response read back from a cache, and JSON text
        // the handler sends as it is.
        getRoute('/cached', () => JSON.parse(JSON.stringify({ config: Buffer.from(`key = ${aws}`) }))),
        getRoute(
          '/text',
          () => JSON.stringify({ key: Buffer.from(`token=${github}`), password: Buffer.from('hunter2') }),
          {
            send: 'string',
            contentType: 'application/json',
          },
        ),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/files/1`)
        expect(res.status).toBe(200)
        const body = res.json as Record<string, { type?: string; data?: number[] } & Record<string, number>>
        const bytes = (value: { type?: string; data?: number[] } & Record<string, number>) =>
          Buffer.from(
            value.type === 'Buffer' ? value.data! : Object.values(value).map((n) => Number(n) & 0xff),
          )
        const text = (value: Parameters<typeof bytes>[0]) => bytes(value).toString('latin1')
        expect(body.config!.type).toBe('Buffer')
        expect(text(body.config!)).toBe(
          '[default]\naws_access_key_id = [REDACTED:aws-access-key]\nowner = [REDACTED:email]\n',
        )
        expect(text(body.key!)).toBe('[REDACTED:github-token]')
        expect(text(body.signed!)).toBe('token=[REDACTED:github-token]')
        expect(text((body.rows as unknown as Parameters<typeof bytes>[0][])[0]!)).toBe('4111 11** **** 1111')
        expect(text((body.rows as unknown as Parameters<typeof bytes>[0][])[1]!)).toBe('plain row')
        expect(text(body.password!)).toBe('[REDACTED]')
        // Bytes that hold no text are sent as they were.
        expect(body.png).toEqual({ type: 'Buffer', data: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] })
        for (const secret of [github, aws, 'ada@example.com', '4111 1111 1111 1111', 'hunter2']) {
          const codes = [...Buffer.from(secret)].join(',')
          expect(res.text, secret).not.toContain(codes)
        }
        const cached = await call(`${url}/cached`)
        expect(text((cached.json as Record<string, Parameters<typeof bytes>[0]>).config!)).toBe(
          'key = [REDACTED:aws-access-key]',
        )
        const sent = await call(`${url}/text`)
        expect(text((sent.json as Record<string, Parameters<typeof bytes>[0]>).key!)).toBe(
          'token=[REDACTED:github-token]',
        )
        expect(text((sent.json as Record<string, Parameters<typeof bytes>[0]>).password!)).toBe('[REDACTED]')
      })
      const redacted = ofType(await events(), 'response.redacted')
      expect(redacted.flatMap((event) => event.findings.map((finding) => finding.detector))).toEqual(
        expect.arrayContaining(['aws-access-key', 'email', 'github-token', 'card']),
      )
    })

    it('answers bodies of hostile base64 at once, valid, and keeps serving', async () => {
      // What a client can store and have read back: lines half text half bytes that are not
      // (rejoined at every line, the reading was quadratic), lone surrogates and control bytes
      // around and inside runs, runs of padding, a blob of invalid UTF-8 after text.
      const half = Buffer.concat([Buffer.from('a'.repeat(24)), Buffer.alloc(24, 0x80)]).toString('base64')
      const secret = Buffer.from('aws_access_key_id = AKIAQ3EGRQ7WXL4NB6UP\n').toString('base64')
      const bad = Buffer.concat([
        Buffer.from(`note ${'x'.repeat(40)}`),
        Buffer.from([0xed, 0xa0, 0x80, 0xff]),
      ])
      const body = {
        lines: Array.from({ length: 2000 }, () => half).join('\n'),
        surrogates: `\ud800${secret}\udc00==\u0000${secret}`,
        padding: '='.repeat(5000),
        invalid: bad.toString('base64'),
        after: secret,
        // URLs a client can make the reader take apart: slashes, queries and fragments by the
        // thousand between blobs of text (each one a run cut or read again).
        urls: `https://api.example.com/${'eyJhIjoiPz8/Pz8/Pz8/Pz8/&y=/'.repeat(300)}?x=${'eyJhIjoiPz8/Pz8/Pz8/Pz8/#'.repeat(300)}`,
        segments: `https://api.example.com${`/${Buffer.from('{"page":2,"sort":"name"}').toString('base64url')}`.repeat(400)}`,
      }
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      const routes = [getRoute('/hostile', () => body), getRoute('/health', () => ({ ok: true }))]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/hostile`)
        expect(res.status).toBe(200)
        const json = res.json as Record<string, string>
        expect(json.lines).toBe(body.lines)
        expect(json.padding).toBe(body.padding)
        expect(json.urls).toBe(body.urls)
        expect(json.segments).toBe(body.segments)
        expect(res.text).not.toContain(secret)
        expect(Buffer.from(json.after!, 'base64').toString()).toBe(
          'aws_access_key_id = [REDACTED:aws-access-key]\n',
        )
        expect((await call(`${url}/health`)).json).toEqual({ ok: true })
      })
    })

    it('answers bodies built to cost quadratic time at once, and keeps serving', async () => {
      // A red-team pass (helper 99): each field cost 2-10 s to read before (a pattern or a loop
      // that read the rest of the string from each of thousands of places, or a long name read
      // again for each element it holds); together they pass the test's timeout many times over.
      const uuidish = (i: number) => `aB3dE5gH7jK9mN1pQ3sT${i.toString(36).padStart(4, '0')}`
      const sessionStore: Record<string, unknown> = {}
      for (let i = 0; i < 1000; i++) sessionStore[uuidish(i)] = 1
      // Past the 256 holders a response remembers.
      const holders: Record<string, unknown> = {}
      for (let i = 0; i < 300; i++) holders[`holder${i}`] = { [uuidish(i)]: 1 }
      const body = {
        schemeText: `Bearer ${'a'.repeat(65_536)}`,
        escapedQuote: `password=\\"${'\\'.repeat(65_536)}`,
        armourWithNoEnd: `-----BEGIN PRIVATE KEY-----\n${'session: x\n'.repeat(24_000)}`,
        opsTokens: '-ops_eyJ'.repeat(32_000),
        derKeys: '-MHcCAQEEI'.repeat(25_000),
        json: JSON.stringify({
          [`${'aB'.repeat(8192)}Password`]: Array(1000).fill('x'),
          [`${'sby'.repeat(33_000)}1`]: { aB3dE5gH7jK9mN1pQ3sT5vW: 1 },
          ['[1]'.repeat(20_000)]: { accessToken: ['abc'] },
        }),
        [`${'aB'.repeat(8192)}Password`]: Array(1000).fill('x'),
        [`${'Ab c'.repeat(4096)}`]: sessionStore,
        holders,
        [`${'sby'.repeat(33_000)}1`]: { aB3dE5gH7jK9mN1pQ3sT5vW: 1 },
        ['[1]'.repeat(20_000)]: { accessToken: ['abc'] },
        // A re-attack (helper 100): pairs then an escape (the second reading read every span of
        // the first per pair), values that reach past the next names, token runs each within
        // their format's length, `bearer+` repeated, and two long names read in turn.
        pairsThenEscape: `${'password=Xq7Lm2Vr9Tz4Wp '.repeat(11_000)}\n`,
        valuesPastNames: 'Authorization: '.repeat(17_000),
        tokenRuns: `${'-MHcCAQEEI'.repeat(1637)}00000000 `.repeat(16),
        schemeWords: `${'bearer+'.repeat(9_000)}=x`,
        twoLongNames: JSON.stringify({
          [`${'cD'.repeat(12_000)}Label`]: Array.from({ length: 170 }, (_, i) =>
            i & 1 ? { [`${'aB'.repeat(135)}Label`]: 'y' } : 'x',
          ),
        }),
        twoLongHolders: { [`${'cD'.repeat(9_000)}Label`]: { [`${'aB'.repeat(9_000)}Label`]: sessionStore } },
      }
      // Headers a client reads up to 16 KB of (the unit tests read longer ones).
      const headers = { 'x-next': `/${'#'.repeat(6_000)}`, link: `?${'<'.repeat(6_000)}` }
      const { guard } = recordingGuard({ redact: { knownSecrets: false } })
      const routes = [
        getRoute('/hostile', () => body, { headers }),
        getRoute('/health', () => ({ ok: true })),
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/hostile`)
        expect(res.status).toBe(200)
        const json = res.json as Record<string, unknown>
        // One case and no digit: a word, not a credential.
        expect(json.schemeText).toBe(body.schemeText)
        expect(json[`${'aB'.repeat(8192)}Password`]).toEqual(Array(1000).fill('[REDACTED]'))
        expect((await call(`${url}/health`)).json).toEqual({ ok: true })
      })
    })

    it('masks a credential by its scheme under any member name and inside text, and sends the token a route issues', async () => {
      // An Authorization header's value copied into a log line's fields or an echo endpoint's body.
      const opaque = 'q8Zr3NvX0bLk2WmT9cYp4HsJ6dFa1GeU'
      const issued = jwt({ sub: '42' })
      const { guard } = recordingGuard({
        redact: { knownSecrets: false },
        routes: { 'POST /session': { issuesTokens: true } },
      })
      const routes: RouteSpec[] = [
        getRoute('/echo', () => ({
          headers: [{ name: 'X-Upstream', value: `Bearer ${opaque}` }],
          upstream: `Token ${opaque}`,
          okta: `SSWS ${opaque}`,
          note: 'Bearer token is required for this endpoint',
          // Inside longer text: an error message or a log line quoting the request.
          error: `upstream answered 401 to Bearer ${opaque} (expired)`,
          log: `curl -H "authorization: bearer ${opaque}" https://api.example.com`,
        })),
        { method: 'POST', path: '/session', body: () => ({ token: `Bearer ${issued}` }) },
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const res = await call(`${url}/echo`)
        expect(res.status).toBe(200)
        expect(res.json).toEqual({
          headers: [{ name: 'X-Upstream', value: 'Bearer [REDACTED]' }],
          upstream: 'Token [REDACTED]',
          okta: 'SSWS [REDACTED]',
          note: 'Bearer token is required for this endpoint',
          error: 'upstream answered 401 to Bearer [REDACTED] (expired)',
          log: 'curl -H "authorization: bearer [REDACTED]" https://api.example.com',
        })
        expect(res.text).not.toContain(opaque)
        const session = await call(`${url}/session`, { method: 'POST' })
        expect(session.json).toEqual({ token: `Bearer ${issued}` })
      })
    })

    it('blocks a token the route issues when its claims carry what must not leave, naming the claim', async () => {
      const leaky = jwt({
        sub: '42',
        data: { password: '5f4dcc3b5aa765d61d8327deb882cf99', email: 'ada@example.com' },
      })
      const clean = jwt({ sub: '42', role: 'customer' })
      // A claim named twice: a reader keeps the last value, the token carries both.
      const duplicated = `${jwtPart({ alg: 'HS256' })}.${Buffer.from('{"sub":"42","role":"customer","role":"Zq9x7Kp2mW9vR4tL"}').toString('base64url')}.c2lnbmF0dXJl`
      // Its own event hook: the warning (a config.warning) is part of what is checked.
      const all: LeakguardEvent[] = []
      const guard = createGuard<HeaderBearer>({
        redact: { knownSecrets: false },
        routes: {
          'POST /login': { issuesTokens: true },
          'POST /login-listed': { issuedTokenClaims: ['role'] },
          'POST /login-duplicated': { issuedTokenClaims: ['role'] },
        },
        audit: { onEvent: (event) => void all.push(event) },
      })
      const events = async () => {
        await guard.flush()
        return all
      }
      const routes: RouteSpec[] = [
        { method: 'POST', path: '/login', body: () => ({ token: leaky }) },
        { method: 'POST', path: '/login-listed', body: () => ({ token: clean }) },
        { method: 'POST', path: '/login-duplicated', body: () => ({ token: duplicated }) },
      ]
      await withApp({ leakguard: guard, routes }, async (url) => {
        const blocked = await call(`${url}/login`, { method: 'POST' })
        expect(blocked.status).toBe(500)
        expect(blocked.json).toEqual(BLOCKED_BODY)
        expect(blocked.text).not.toContain(leaky)
        const ok = await call(`${url}/login-listed`, { method: 'POST' })
        expect(ok.status).toBe(200)
        expect(ok.json).toEqual({ token: clean })
        const twice = await call(`${url}/login-duplicated`, { method: 'POST' })
        expect([twice.status, twice.json]).toEqual([500, BLOCKED_BODY])
      })
      const recorded = await events()
      // Once per route, the fix: a nested claim can only be left out of the token.
      const hints = recorded.filter(
        (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_TOKEN_CLAIM_BLOCKED',
      )
      expect(hints).toHaveLength(2)
      expect(JSON.stringify(hints)).toContain('Leave it out of the token')
      expect(JSON.stringify(recorded)).not.toContain('5f4dcc3b5aa765d61d8327deb882cf99')
      expect(ofType(recorded, 'response.blocked').map((event) => event.error)).toEqual([
        {
          code: 'ERR_LG_RESPONSE_TOKEN_CLAIM',
          message: 'an issued token carries a claim that may not leave',
          claim: 'data.password',
        },
        {
          code: 'ERR_LG_RESPONSE_TOKEN_CLAIM',
          message: 'an issued token carries a claim that may not leave',
          claim: '(duplicate claims)',
        },
      ])
      expect(JSON.stringify(hints)).toContain('Name each claim once')
    })
  })
}
