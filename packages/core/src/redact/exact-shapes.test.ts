import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { luhnValid } from './checksums.js'
import { DETECTORS } from './detectors/index.js'
import { compileRedactor, withoutExactShapes } from './engine.js'
import { compileExactShapes } from './exact-shapes.js'
import { createRedactor, type RedactOptions } from './index.js'

const next = seededRandom(0x5a4e)
const int = (from: number, to: number) => from + Math.floor(next() * (to - from + 1))
const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('')

/** `body` and the check digit that makes it pass Luhn. */
const luhn = (body: string) => body + '0123456789'.split('').find((d) => luhnValid(body + d))!

/** Strings of 12-19 digits: issuers' prefixes with a valid check digit, and any digits. */
function cards(count: number): string[] {
  const prefixes = [
    '4',
    '51',
    '55',
    '2221',
    '2720',
    '34',
    '37',
    '6011',
    '65',
    '36',
    '3528',
    '62',
    '5019',
    '6304',
    '9',
    '1',
  ]
  return Array.from({ length: count }, () => {
    const length = int(12, 19)
    const prefix = pick(prefixes)
    const body = prefix + digits(Math.max(0, length - 1 - prefix.length))
    return next() < 0.7 ? luhn(body) : body + digits(1)
  })
}

/** `+` and digits in groups, with near misses: other separators, empty or long groups, letters. */
function phones(count: number): string[] {
  return Array.from({ length: count }, () => {
    const groups =
      next() < 0.6
        ? [
            digits(int(1, 3)),
            digits(int(1, 6)),
            ...Array.from({ length: int(1, 4) }, () => digits(int(1, 8))),
          ]
        : [digits(int(1, 4)), ...Array.from({ length: int(0, 6) }, () => digits(int(0, 9)))]
    const separator = next() < 0.8 ? ' ' : pick(['  ', '-', '.', '\t', ' - ', '(', ''])
    let text = `+${groups.join(separator)}`
    const r = next()
    if (r < 0.05) text += ' '
    else if (r < 0.1) text += pick(['x', 'ext', '-', '.5', 'a'])
    else if (r < 0.12) text = `+${text}`
    return text
  })
}

/** Addresses of many forms: dots, plus tags, dashes, digits, literals of the provider catalogue, misses. */
function emails(count: number): string[] {
  const locals = [
    'ada',
    'ada.lovelace',
    'a',
    'x_y',
    'ada+tag',
    '.ada',
    'ada..b',
    'ada.',
    'o-k',
    '%41da',
    'ghp_',
    'sk-',
    'xoxb-',
    'AKIA',
    'glpat-',
    'npm_',
    'Ada.Lovelace1',
    // Literals and keywords of the provider catalogue, and a JWT's start.
    'jira',
    'asana',
    'algolia-admin',
    'sk_live_',
    'eyJhbGciOi',
  ]
  const labels = [
    'example',
    'ex-ample',
    '-bad',
    'bad-',
    'x',
    'a1',
    '123',
    'mail',
    'EXAMPLE',
    'sub',
    'b'.repeat(63),
    'c'.repeat(64),
  ]
  // File extensions for a top-level domain (`logo@2x.png`: a file's name when the host has one label).
  const tlds = ['com', 'io', 'c', 'co1', 'COM', 'museum', 'x'.repeat(24), 'y'.repeat(25), 'xn--p1ai', 'de']
  tlds.push('png', 'PNG', 'woff2', 'json', 'zip', 'md')
  return Array.from({ length: count }, () => {
    let local = Array.from({ length: int(1, 3) }, () => pick(locals)).join(pick(['', '.', '_']))
    if (next() < 0.05) local = 'l'.repeat(int(60, 70))
    const domain = [...Array.from({ length: int(0, 3) }, () => pick(labels)), pick(tlds)].join('.')
    let text = `${local}@${domain}`
    const r = next()
    if (r < 0.05) text = `${text}.`
    else if (r < 0.1) text = `${text}:22/repo.git`
    else if (r < 0.13) text = `${text}@x.io`
    else if (r < 0.16) text = `mailto:${text}`
    return text
  })
}

/** bcrypt hashes and near misses: a body a character short or over, other variants, a cost not of digits. */
function bcrypts(count: number): string[] {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const body = (n: number) => Array.from({ length: n }, () => pick([...alphabet])).join('')
  return Array.from({ length: count }, () => {
    const variant = pick(['2a', '2b', '2x', '2y', '2', '2c', '1', '2B'])
    const cost = next() < 0.9 ? String(int(4, 31)).padStart(2, '0') : pick(['1a', '5', '100'])
    const size = next() < 0.8 ? 53 : pick([52, 54, 60])
    const text = `$${variant}$${cost}$${body(size)}`
    const r = next()
    return r < 0.05 ? text.replace(/.$/, '+') : r < 0.1 ? `${text}.x` : text
  })
}

/** UUIDs in either case and mixed, and near misses: dashes moved, a character short or over, not hex. */
function uuids(count: number): string[] {
  const hex = () => Math.floor(next() * 16).toString(16)
  return Array.from({ length: count }, () => {
    let text = [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, hex).join('')).join('-')
    const r = next()
    if (r < 0.3) text = text.toUpperCase()
    else if (r < 0.35) text = text.replace(/[a-f]/, (c) => c.toUpperCase())
    else if (r < 0.4) text = `${text.slice(0, 7)}-${text.slice(7, 8)}${text.slice(9)}`
    else if (r < 0.45) text = text.slice(1)
    else if (r < 0.5) text = `${text}0`
    else if (r < 0.55) text = `${text.slice(0, 10)}g${text.slice(11)}`
    return text
  })
}

/** Member names: none, plain ones, ids and codes (the card prefilter), a keyed format's keyword. */
const KEYS = [
  null,
  'v',
  'number',
  'orderId',
  'gtin',
  'cardId',
  'sku',
  'phone',
  'email',
  'jira_user',
  'asana',
  'heroku',
]

const OPTION_SETS: Record<string, RedactOptions> = {
  default: {},
  strict: { detectors: 'strict' },
  'the three alone': { detectors: ['card', 'email', 'phone'] },
  'phone off, card masked': {
    overrides: { phone: false, card: { mask: 'mask' }, email: { mask: { operator: 'partial' } } },
  },
  'rules and known secrets': {
    rules: [{ id: 'tail', pattern: /\d{4}$/ }],
    knownSecrets: {
      env: false,
      values: ['4111111111111111', 'ada.lovelace@example.com', '0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5a'],
    },
  },
}

describe('whole-value shapes answer as the detectors do', () => {
  const strings = [
    ...bcrypts(1500),
    ...cards(3000),
    ...phones(3000),
    ...emails(3000),
    ...uuids(3000),
    '0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5a',
  ]

  for (const [name, options] of Object.entries(OPTION_SETS)) {
    it(`with ${name}: the same masks and findings for 13,500 generated strings under 12 names`, () => {
      const fast = createRedactor(options)
      const slow = withoutExactShapes(() => createRedactor(options))
      for (let i = 0; i < strings.length; i++) {
        const key = KEYS[i % KEYS.length]!
        const body = key === null ? [strings[i]] : { [key]: strings[i] }
        const expected = withoutExactShapes(() => ({ value: slow.redact(body), findings: slow.scan(body) }))
        const actual = { value: fast.redact(body), findings: fast.scan(body) }
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          expect({ string: strings[i], key, ...actual }).toEqual({ string: strings[i], key, ...expected })
      }
    })
  }

  it('answers for most strings of each shape, and for none of their near misses', () => {
    const redactor = compileRedactor({}, 'redact')
    const shapes = compileExactShapes(redactor.detectors)!
    const answered = (list: string[]) => list.filter((s) => shapes.find(s, 'v') !== null).length
    // Every answer is checked above; here, that there are answers to check.
    expect(answered(cards(1000))).toBeGreaterThan(150)
    expect(answered(phones(1000))).toBeGreaterThan(150)
    expect(answered(emails(1000))).toBeGreaterThan(100)
    for (const miss of [
      '+44  7700 900123',
      '+44 7700 900123 ',
      '+44-7700-900123',
      '+4477 00900123',
      '+44 7700900123',
      '+1 2',
      '4111 1111 1111 1111',
      '41111111111111111111',
      'ada@example',
      'ada@example.c',
      '.ada@example.com',
      'ada..b@example.com',
      'ada@-example.com',
      'ada@example.xn--p1ai',
      'ada%40@example.com',
      'adä@example.com',
      'logo@2x.png',
      'icons@3X.Woff2',
    ])
      expect({ miss, found: shapes.find(miss, 'v') }).toEqual({ miss, found: null })
    expect(shapes.find('+44 7700 900123', 'v')).toEqual({
      start: 0,
      end: 15,
      detector: 'phone',
      verified: false,
    })
    expect(shapes.find('4111111111111111', 'number')?.detector).toBe('card')
    // An order id is not a card (the card detector's prefilter), whatever its check digit.
    expect(shapes.find('4111111111111111', 'orderId')).toBeNull()
    expect(shapes.find('ada.lovelace@example.com', null)?.detector).toBe('email')
    expect(bcrypts(1000).filter((s) => shapes.find(s, 'v') !== null).length).toBeGreaterThan(300)
    const hash = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'
    expect(shapes.find(hash, 'v')?.detector).toBe('password-hash')
    for (const miss of [
      `${hash}x`,
      hash.slice(0, -1),
      hash.replace('$12$', '$1a$'),
      hash.replace('$2b', '$2c'),
    ])
      expect(shapes.find(miss, 'v'), miss).toBeNull()
    // Ids: a UUID in one case holds nothing; the rest is read in full.
    expect(uuids(1000).filter((s) => shapes.isCleanId(s)).length).toBeGreaterThan(300)
    expect(shapes.isCleanId('0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5a')).toBe(true)
    expect(shapes.isCleanId('0F3C2A9E-5B7D-4C1E-9A8B-6D2F4E1C3B5A')).toBe(true)
    for (const miss of [
      '0F3C2A9E-5B7D-4c1e-9a8b-6d2f4e1c3b5a',
      '0f3c2a9e5b7d-4c1e-9a8b-6d2f4e1c3b5a-',
      '0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5',
      '0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5g',
    ])
      expect(shapes.isCleanId(miss), miss).toBe(false)
  })

  it('still masks a UUID a provider format reads by its member name, a known secret, or a rule', () => {
    const uuid = '0f3c2a9e-5b7d-4c1e-9a8b-6d2f4e1c3b5a'
    const redactor = createRedactor({
      knownSecrets: { env: false, values: ['9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'] },
      rules: [{ id: 'tenant', keys: ['tenantId'] }],
    })
    expect(
      redactor.redact({
        heroku: uuid,
        id: uuid,
        ref: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
        tenantId: uuid,
      }),
    ).toEqual({
      heroku: '[REDACTED:heroku-api-key]',
      id: uuid,
      ref: '[REDACTED:known-secret]',
      tenantId: '[REDACTED:tenant]',
    })
  })

  it('turns a shape off when a detector it was not checked against stands before it', () => {
    const unknown = { ...DETECTORS.find((d) => d.id === 'jwt')!, id: 'not-checked' }
    const only = (ids: string[]) =>
      ids.map((id) => ({ detector: id === 'not-checked' ? unknown : DETECTORS.find((d) => d.id === id)! }))
    const shapes = compileExactShapes(only(['not-checked', 'card', 'email', 'phone']))
    for (const text of ['4111111111111111', 'ada@example.com', '+44 7700 900123'])
      expect(shapes.find(text, null)).toBeNull()
    const after = compileExactShapes(only(['card', 'not-checked', 'email', 'phone']))!
    expect(after.find('4111111111111111', null)?.detector).toBe('card')
    expect(after.find('ada@example.com', null)).toBeNull()
    expect(after.find('+44 7700 900123', null)).toBeNull()
  })
})
