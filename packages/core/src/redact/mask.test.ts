import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { compileMask } from './mask.js'

/** Characters that render as nothing: they stay, as separators do. */
const INVISIBLE = new Set([0xad, 0x34f, 0x200b, 0x200c, 0x200d, 0x2060, 0xfe0f, 0xfeff])

/**
 * `partial` as specified: letters and digits outside the first `start` and last `end` masked;
 * every character past ASCII (a code point, a surrogate pair once) counts as one, but those that
 * render as nothing.
 */
function reference(match: string, start: number, end: number, char: string): string {
  const alnum = (c: string) =>
    /[A-Za-z0-9]/.test(c) || (c.codePointAt(0)! > 127 && !INVISIBLE.has(c.codePointAt(0)!))
  const total = [...match].filter(alnum).length
  let seen = 0
  let out = ''
  for (const c of match) {
    if (!alnum(c)) out += c
    else {
      out += seen >= start && seen < total - end ? char : c
      seen++
    }
  }
  return out
}

describe('partial mask', () => {
  it('keeps the first and last letters and digits and every separator, for any split', () => {
    const random = seededRandom(7)
    const alphabet = [
      ...'0123456789abcXYZ -+().',
      '\u00e9',
      '\u2463',
      '\u200b',
      '\u00ad',
      '\u{1d7d2}',
      '\u0663',
    ]
    const context = { detector: 'd', key: null }
    const cases = [
      '4111111111111111',
      '+44 7700 900123',
      '4111-1111-1111-1111',
      '',
      '--',
      'ab',
      '(0)1',
      '\u2463\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460',
      '\u{1d7d2}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}\u{1d7cf}',
      '4111\u200b1111\u200b1111\u200b1111',
    ]
    for (let i = 0; i < 2000; i++) {
      let text = ''
      for (let n = Math.floor(random() * 24); n > 0; n--)
        text += alphabet[Math.floor(random() * alphabet.length)]
      cases.push(text)
    }
    for (const [start, end, char] of [
      [0, 2, '*'],
      [6, 4, '*'],
      [4, 4, '#'],
      [0, 0, 'x'],
      [2, 0, '*'],
    ] as const) {
      const mask = compileMask({ operator: 'partial', keepStart: start, keepEnd: end, char }, 'm', undefined)
      for (const text of cases)
        expect(mask(text, context), JSON.stringify(text)).toBe(reference(text, start, end, char))
    }
  })
})

describe('partial mask, characters that read as several digits', () => {
  it('hides every character when one stands for several digits (found by a red-team pass)', () => {
    const context = { detector: 'card', key: null }
    const card = compileMask({ operator: 'partial', keepStart: 6, keepEnd: 4 }, 'm', undefined)
    const phone = compileMask({ operator: 'partial', keepStart: 0, keepEnd: 2 }, 'm', undefined)
    expect(card('4\u246a\u246a\u246a\u246a\u246a\u246a\u246a1', context)).toBe('*********')
    expect(card('4\u246a\u246a\u246a\u246a\u246a11111', context)).toBe('***********')
    expect(phone('+44 7700 900\u246b\u2462', context)).toBe('+** **** *****')
    // One character per digit: kept as the policy says.
    expect(
      card(
        '\u2463\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460\u2460',
        context,
      ),
    ).toBe('\u2463\u2460\u2460\u2460\u2460\u2460******\u2460\u2460\u2460\u2460')
  })
})

describe('partial mask, by layout', () => {
  it('masks numbers of one separator kind the same on the first and every later layout seen', () => {
    const random = seededRandom(11)
    const context = { detector: 'd', key: null }
    const mask = compileMask({ operator: 'partial', keepStart: 1, keepEnd: 2 }, 'm', undefined)
    const texts: string[] = []
    // Up to 40 characters (the layouts are remembered up to 30), past the 256 remembered.
    for (let i = 0; i < 1500; i++) {
      const separator = ' -./'[Math.floor(random() * 4)]!
      let text = ''
      for (let n = 2 + Math.floor(random() * 38); n > 0; n--)
        text += random() < 0.25 ? separator : '0123456789abXY'[Math.floor(random() * 14)]!
      texts.push(text)
    }
    for (const round of [1, 2])
      for (const text of texts)
        expect(mask(text, context), `${round}: ${JSON.stringify(text)}`).toBe(reference(text, 1, 2, '*'))
  })
})

describe('partial mask, ASCII matches', () => {
  it('reads ASCII of any symbol and length as the general reading does (one pass to 128 characters)', () => {
    const random = seededRandom(13)
    const context = { detector: 'd', key: null }
    const symbols = ' -./+()#:_"\\\t\u0001~*'
    const texts = [
      '',
      '*',
      '4111 1111 1111 1111',
      '+1 (415) 555-2671',
      'x'.repeat(128),
      `${'9'.repeat(127)}-1`,
    ]
    for (let i = 0; i < 3000; i++) {
      let text = ''
      const length = i % 10 === 0 ? 120 + Math.floor(random() * 20) : Math.floor(random() * 40)
      for (let n = length; n > 0; n--)
        text +=
          random() < 0.3
            ? symbols[Math.floor(random() * symbols.length)]!
            : '0123456789azAZ'[Math.floor(random() * 14)]!
      texts.push(text)
    }
    for (const [start, end] of [
      [6, 4],
      [0, 2],
      [3, 0],
      [0, 0],
      [64, 64],
    ] as const) {
      const mask = compileMask({ operator: 'partial', keepStart: start, keepEnd: end }, 'm', undefined)
      for (const round of [1, 2])
        for (const text of texts)
          expect(mask(text, context), `${round}: ${JSON.stringify(text)}`).toBe(
            reference(text, start, end, '*'),
          )
    }
  })
})

describe('fixed masks', () => {
  it('declare what they write whatever the match, and only the operators that do', () => {
    const key = Buffer.alloc(32, 7)
    const matches = ['4111111111111111', 'ada@example.com', '', 'x']
    const fixed: Array<[unknown, string]> = [
      ['remove', 'card'],
      ['mask', 'email'],
      [{ operator: 'mask', char: '#', length: 3 }, 'phone'],
      [{ operator: 'replace', with: '<gone>' }, 'jwt'],
      [{ operator: 'replace', with: '[REDACTED:{detector}]' }, 'aws-access-key'],
      [{ operator: 'replace', with: '{detector}/{detector}' }, 'x'],
    ]
    for (const [spec, detector] of fixed) {
      const mask = compileMask(spec, 'm', key)
      expect(mask.fixed, JSON.stringify(spec)).toBeTypeOf('function')
      for (const match of matches) {
        for (const name of [null, 'password'])
          expect(mask(match, { detector, key: name }), JSON.stringify(spec)).toBe(mask.fixed!(detector))
      }
    }
    for (const spec of [
      'partial',
      'hash',
      { operator: 'partial', keepEnd: 2 },
      (match: string) => `<${match}>`,
    ])
      expect(compileMask(spec, 'm', key).fixed, String(spec)).toBeUndefined()
  })
})
