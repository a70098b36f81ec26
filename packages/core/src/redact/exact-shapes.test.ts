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
  const tlds = ['com', 'io', 'c', 'co1', 'COM', 'museum', 'x'.repeat(24), 'y'.repeat(25), 'xn--p1ai', 'de']
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

/** Member names: none, plain ones, ids and codes (the card prefilter), a keyed format's keyword. */
const KEYS = [null, 'v', 'number', 'orderId', 'gtin', 'cardId', 'sku', 'phone', 'email', 'jira_user', 'asana']

const OPTION_SETS: Record<string, RedactOptions> = {
  default: {},
  strict: { detectors: 'strict' },
  'the three alone': { detectors: ['card', 'email', 'phone'] },
  'phone off, card masked': {
    overrides: { phone: false, card: { mask: 'mask' }, email: { mask: { operator: 'partial' } } },
  },
  'rules and known secrets': {
    rules: [{ id: 'tail', pattern: /\d{4}$/ }],
    knownSecrets: { env: false, values: ['4111111111111111', 'ada.lovelace@example.com'] },
  },
}

describe('whole-value shapes answer as the detectors do', () => {
  const strings = [...cards(3000), ...phones(3000), ...emails(3000)]

  for (const [name, options] of Object.entries(OPTION_SETS)) {
    it(`with ${name}: the same masks and findings for 9,000 generated strings under 10 names`, () => {
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
  })

  it('turns a shape off when a detector it was not checked against stands before it', () => {
    const unknown = { ...DETECTORS.find((d) => d.id === 'jwt')!, id: 'not-checked' }
    const only = (ids: string[]) =>
      ids.map((id) => ({ detector: id === 'not-checked' ? unknown : DETECTORS.find((d) => d.id === id)! }))
    const shapes = compileExactShapes(only(['not-checked', 'card', 'email', 'phone']))
    expect(shapes).toBeNull()
    const after = compileExactShapes(only(['card', 'not-checked', 'email', 'phone']))!
    expect(after.find('4111111111111111', null)?.detector).toBe('card')
    expect(after.find('ada@example.com', null)).toBeNull()
    expect(after.find('+44 7700 900123', null)).toBeNull()
  })
})
