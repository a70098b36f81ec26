// fast-check arbitraries for the leak property: valid secrets of every default detector family,
// marker texts that must survive untouched, and JSON documents of random shape holding both.
import fc from 'fast-check'

const DIGITS = '0123456789'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const B64URL = `${ALNUM}-_`
const CRYPT = `./${ALNUM}`

const chars = (alphabet: string, min: number, max = min) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''))

function luhnDigit(partial: string): string {
  let sum = 0
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

function group(text: string, separator: string, size = 4): string {
  return separator === '' ? text : (text.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join(separator)
}

const card = fc
  .tuple(
    fc.constantFrom<[string, number]>(
      ['4', 16],
      ['4', 13],
      ['51', 16],
      ['55', 16],
      ['2221', 16],
      ['34', 15],
      ['37', 15],
      ['6011', 16],
      ['65', 16],
      ['3528', 16],
      ['62', 16],
    ),
    fc.constantFrom('', ' ', '-'),
    chars(DIGITS, 18),
  )
  .map(([[prefix, length], separator, random]) => {
    const partial = (prefix + random).slice(0, length - 1)
    return group(partial + luhnDigit(partial), separator)
  })

function ibanCheck(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  let remainder = 0
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97
  return String(98 - remainder).padStart(2, '0')
}

const iban = fc
  .tuple(
    fc.constantFrom<[string, fc.Arbitrary<string>]>(
      ['DE', chars(DIGITS, 18)],
      ['GB', fc.tuple(chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4), chars(DIGITS, 14)).map(([a, b]) => a + b)],
      ['NL', fc.tuple(chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4), chars(DIGITS, 10)).map(([a, b]) => a + b)],
      ['FR', chars(DIGITS, 23)],
    ),
    fc.constantFrom('', ' '),
  )
  .chain(([[country, bban], separator]) =>
    bban.map((b) => group(`${country}${ibanCheck(country, b)}${b}`, separator)),
  )

const ssn = fc
  .tuple(
    fc.integer({ min: 1, max: 899 }),
    fc.integer({ min: 1, max: 99 }),
    fc.integer({ min: 1, max: 9999 }),
    fc.constantFrom('-', ' '),
  )
  .filter(([area]) => area !== 666)
  .map(
    ([a, g, s, sep]) =>
      `${String(a).padStart(3, '0')}${sep}${String(g).padStart(2, '0')}${sep}${String(s).padStart(4, '0')}`,
  )
  .filter((v) => !['078-05-1120', '219-09-9999', '078 05 1120', '219 09 9999'].includes(v))

const email = fc
  .tuple(
    chars('abcdefghijklmnopqrstuvwxyz0123456789', 1, 12),
    fc.constantFrom('', '.x', '+tag', '_y'),
    chars('abcdefghijklmnopqrstuvwxyz', 2, 10),
    fc.constantFrom('com', 'org', 'io', 'co.uk', 'example'),
  )
  .map(([local, suffix, domain, tld]) => `${local}${suffix}@${domain}.${tld}`)

const phone = fc.oneof(
  chars(DIGITS, 5).map((d) => `+44 7700 9${d}`),
  chars(DIGITS, 4).map((d) => `+1 415 555 ${d}`),
  chars(DIGITS, 4).map((d) => `(415) 555-${d}`),
  chars(DIGITS, 10).map((d) => `+33${d.slice(1)}`),
  chars(DIGITS, 4).map((d) => `020 7946 ${d}`),
)

const jwt = fc.tuple(chars(ALNUM, 4, 16), chars(B64URL, 43)).map(([sub, signature]) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, iat: 1700000000 })}.${signature}`
})

const privateKey = fc
  .tuple(fc.constantFrom('RSA ', 'EC ', 'OPENSSH ', ''), chars(`${ALNUM}+/`, 64, 200))
  .map(
    ([kind, body]) =>
      `-----BEGIN ${kind}PRIVATE KEY-----\n${group(body, '\n', 64)}\n-----END ${kind}PRIVATE KEY-----`,
  )

const awsAccessKey = fc
  .tuple(fc.constantFrom('AKIA', 'ASIA', 'AROA'), chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16))
  .map(([p, r]) => p + r)

// CRC-32 and base 62 again, on purpose: an oracle must not share code with what it checks.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(text: string): number {
  let crc = 0xffffffff
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
function base62(value: number): string {
  let out = ''
  let rest = value
  do {
    out = BASE62[rest % 62] + out
    rest = Math.floor(rest / 62)
  } while (rest > 0)
  return out.padStart(6, '0')
}
const githubToken = fc
  .tuple(fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), chars(ALNUM, 30))
  .map(([prefix, body]) => `${prefix}${body}${base62(crc32(body))}`)

const slackToken = fc
  .tuple(fc.constantFrom('xoxb', 'xoxp'), chars(DIGITS, 12), chars(DIGITS, 13), chars(ALNUM, 24))
  .map(([p, a, b, c]) => `${p}-${a}-${b}-${c}`)
const stripeKey = fc
  .tuple(fc.constantFrom('sk', 'rk'), chars(ALNUM, 24, 40))
  .map(([p, r]) => `${p}_live_${r}`)
const googleKey = chars(B64URL, 35).map((r) => `AIza${r}`)
const npmToken = chars(ALNUM, 36).map((r) => `npm_${r}`)
const passwordHash = fc.oneof(
  fc
    .tuple(fc.constantFrom('2a', '2b', '2y'), fc.integer({ min: 10, max: 14 }), chars(CRYPT, 53))
    .map(([v, cost, r]) => `$${v}$${cost}$${r}`),
  fc
    .tuple(chars(`${ALNUM}+/`, 16), chars(`${ALNUM}+/`, 32))
    .map(([salt, hash]) => `$argon2id$v=19$m=65536,t=3,p=4$${salt}$${hash}`),
  fc.tuple(chars(CRYPT, 8), chars(CRYPT, 22)).map(([salt, hash]) => `$1$${salt}$${hash}`),
  fc.tuple(chars(CRYPT, 16), chars(CRYPT, 86)).map(([salt, hash]) => `$6$${salt}$${hash}`),
)

/** One valid secret of each default detector family, labelled. */
export const secret: fc.Arbitrary<{ kind: string; value: string }> = fc.oneof(
  ...Object.entries({
    card,
    iban,
    ssn,
    email,
    phone,
    jwt,
    privateKey,
    awsAccessKey,
    githubToken,
    slackToken,
    stripeKey,
    googleKey,
    npmToken,
    passwordHash,
  }).map(([kind, arb]) => arb.map((value) => ({ kind, value }))),
)

/**
 * Text that must come out exactly as it went in. It ends with a `q`, which no secret word of the
 * member-name rule ends with: a marker standing where a name stands (the first of an entry
 * `[name, value]` in a list) must not spell one by chance (`keepaaaaaapw`).
 */
export const marker = chars('abcdefghijklmnopqrstuvwxyz', 8).map((r) => `keep${r}q`)

const WORDS = [
  'the',
  'order',
  'was',
  'shipped',
  'note',
  'see',
  'ref',
  'and',
  'then',
  'ok',
  'customer',
  'said',
]
const MEMBER_NAMES = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'items',
  'meta',
  'data',
  'info',
  'label',
  'title',
  'notes',
  'list',
  'value',
  'child',
  'node',
  'extra',
  'misc',
  'comment',
  'body',
  'text',
]

/** A string leaf: plain words, a marker, secrets and markers in sentences, or a bare secret. */
const leaf = fc.oneof(
  { weight: 3, arbitrary: marker.map((text) => ({ text, secrets: [] as string[], markers: [text] })) },
  {
    weight: 2,
    arbitrary: secret.map((s) => ({ text: s.value, secrets: [s.value], markers: [] as string[] })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }),
        secret,
        fc.constantFrom('', '(', '"', "'"),
        fc.constantFrom('', ')', ',', '.', '"', ';', ':'),
        marker,
        fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }),
        fc.boolean(),
      )
      .map(([before, s, open, close, m, after, markerFirst]) => {
        const secretText = `${open}${s.value}${close}`
        const parts = markerFirst
          ? [m, ...before, secretText, ...after]
          : [...before, secretText, ...after, m]
        return { text: parts.join(' '), secrets: [s.value], markers: [m] }
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.integer(), fc.boolean(), fc.constant(null))
      .map((v) => ({ text: v, secrets: [] as string[], markers: [] as string[] })),
  },
)

export interface Injected {
  readonly secrets: string[]
  readonly markers: string[]
}

/** A member name: usually a plain one, sometimes a secret used as a name (an email as a key). */
const memberName = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .tuple(fc.constantFrom(...MEMBER_NAMES), fc.integer({ min: 0, max: 99 }))
      .map(([name, n]) => ({ key: `${name}${n}`, secrets: [] as string[] })),
  },
  { weight: 1, arbitrary: secret.map((s) => ({ key: s.value, secrets: [s.value] })) },
)

/** A JSON document of random shape and depth, with what was injected into it. */
export const document: fc.Arbitrary<{ value: unknown } & Injected> = fc
  .letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf.map((l) => ({ value: l.text as unknown, secrets: l.secrets, markers: l.markers })),
      fc
        .array(fc.tuple(memberName, tie('node') as fc.Arbitrary<{ value: unknown } & Injected>), {
          maxLength: 5,
        })
        .map((members) => {
          const value: Record<string, unknown> = {}
          const secrets: string[] = []
          const markers: string[] = []
          for (const [name, child] of members) {
            if (Object.hasOwn(value, name.key)) continue
            value[name.key] = child.value
            secrets.push(...name.secrets, ...child.secrets)
            markers.push(...child.markers)
          }
          return { value, secrets, markers }
        }),
      fc.array(tie('node') as fc.Arbitrary<{ value: unknown } & Injected>, { maxLength: 4 }).map((items) => ({
        value: items.map((i) => i.value),
        secrets: items.flatMap((i) => i.secrets),
        markers: items.flatMap((i) => i.markers),
      })),
    ),
  }))
  .node.map((doc) => ({ value: { doc: doc.value }, secrets: doc.secrets, markers: doc.markers }))

/** Why `output` fails the property, or `null`: a secret in it, or a marker missing from it. */
export function leakOrLoss(output: string, injected: Injected): string | null {
  for (const value of injected.secrets) {
    if (output.includes(JSON.stringify(value).slice(1, -1))) return `leaked ${JSON.stringify(value)}`
  }
  for (const value of injected.markers) {
    if (!output.includes(value)) return `lost the marker ${value}`
  }
  return null
}
