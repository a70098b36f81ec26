import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import {
  flaggedMemberValues,
  hasDuplicateMembers,
  inspectJsonText,
  isJsonText,
  isLossyNumber,
  looseJsonShape,
} from './json-text.js'

const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels)

describe('inspectJsonText', () => {
  it('measures nesting without counting brackets inside strings', () => {
    expect(inspectJsonText(nested(128), 128).tooDeep).toBe(false)
    expect(inspectJsonText(nested(129), 128).tooDeep).toBe(true)
    expect(inspectJsonText(`["${'['.repeat(500)}\\"[["]`, 2).tooDeep).toBe(false)
    expect(inspectJsonText('{"a":{"b":[{}]}}', 3).tooDeep).toBe(true)
  })

  it('stops at the limit on unterminated or enormous nesting', () => {
    expect(inspectJsonText('['.repeat(1_000_000), 128)).toEqual({
      tooDeep: true,
      lossyNumbers: false,
      valid: false,
    })
  })

  it('flags numbers that would change value through a round trip, and no others', () => {
    expect(inspectJsonText('{"n":1e400}', 8).lossyNumbers).toBe(true)
    expect(inspectJsonText('[12345678901234567890]', 8).lossyNumbers).toBe(true)
    expect(inspectJsonText('[1e-400]', 8).lossyNumbers).toBe(true)
    expect(
      inspectJsonText('{"a":true,"b":false,"c":null,"n":-12.5e3,"s":"1e400","id":123456789012345}', 8)
        .lossyNumbers,
    ).toBe(false)
  })
})

/** Whether JSON.parse reads `text`: what isJsonText must answer, always. */
function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

describe('isJsonText', () => {
  it.each([
    ['{}', true],
    [' \t\n\r[1, -0.5e+3, "a\\u00e9\\n", true, false, null, {"k": []}] \n', true],
    ['"\\ud800"', true],
    ['0', true],
    ['Hello {name}', false],
    ['{"a":1,}', false],
    ['[1,]', false],
    ['{"a" 1}', false],
    ['{a:1}', false],
    ["{'a':1}", false],
    ['[01]', false],
    ['[1.]', false],
    ['[.5]', false],
    ['[1e]', false],
    ['[+1]', false],
    ['["\\x"]', false],
    ['["\\u12G4"]', false],
    ['["a\tb"]', false],
    ['[tru]', false],
    ['[1] [2]', false],
    ['\ufeff{}', false],
    ['{}\u00a0', false],
    ['{"a":{"b":[1,2,{"c":"}"}]}}', true],
    ['', false],
    [' ', false],
    ['[', false],
    ['{"a":1', false],
  ])('reads %j as JSON.parse does (%s)', (text, expected) => {
    expect(isJsonText(text)).toBe(expected)
    expect(parses(text)).toBe(expected)
  })

  it('agrees with JSON.parse on 40,000 generated and mutated texts', () => {
    const next = seededRandom(16)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
    const tokens = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"a"',
      '"\\u00e9"',
      '"\\x"',
      '"\\u12G4"',
      '"\\/"',
      '1',
      '-0',
      '01',
      '1.',
      '1.5e+3',
      '1E-2',
      '1e',
      '-',
      '.5',
      'true',
      'tru',
      'null',
      'nul',
      'false',
      ' ',
      '\t',
      '\n',
      '\r',
      '\f',
      '\u00a0',
      '\ufeff',
      '"\u0001"',
      '"',
      '\\',
      'x',
      '"a\\"b"',
      '"\ud800"',
      '"\u2028"',
      '0.0',
      '-12',
    ]
    const values = [{ a: [1, 'x', null] }, [true, { b: -1.5e-7 }], 'é\n"', { 'k"': { '': [] } }, [[], {}]]
    let agreed = 0
    for (let n = 0; n < 40_000; n++) {
      let text: string
      if (n % 2 === 0) {
        text = ''
        const count = 1 + Math.floor(next() * 10)
        for (let k = 0; k < count; k++) text += pick(tokens)
      } else {
        text = JSON.stringify(pick(values), null, next() < 0.5 ? 0 : 2)
        // Mutate it: drop, insert or replace one character, or leave it as it is.
        const at = Math.floor(next() * (text.length + 1))
        const op = Math.floor(next() * 4)
        const char = pick(['"', ',', ']', '}', '0', 'e', '-', ' ', '\\', 'u', '\u0002', ':'])
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1)
        else if (op === 1) text = text.slice(0, at) + char + text.slice(at)
        else if (op === 2) text = text.slice(0, at) + char + text.slice(at + 1)
      }
      expect(isJsonText(text), JSON.stringify(text)).toBe(parses(text))
      agreed++
    }
    expect(agreed).toBe(40_000)
  })
})

describe('looseJsonShape', () => {
  it('counts brackets and reads numbers of text that is not JSON, strings skipped', () => {
    expect(looseJsonShape(`{"a" :1},${'['.repeat(10)}`, 8)).toMatchObject({ tooDeep: true, valid: false })
    expect(looseJsonShape(`["${'['.repeat(20)}",`, 8)).toMatchObject({ tooDeep: false, lossyNumbers: false })
    expect(looseJsonShape('[1e400,]', 8)).toMatchObject({ tooDeep: false, lossyNumbers: true, valid: false })
  })
})

describe('isLossyNumber', () => {
  it.each([
    ['0', false],
    ['-0.000', false],
    // Integers of 16 digits and more: lossy only when the double cannot hold them.
    ['9007199254740991', false],
    ['4111111111111111', false],
    ['-4111111111111111', false],
    ['9007199254740993', true],
    ['12345678901234567890', true],
    ['1234567890.1234567', true],
    ['0.000000000000001', false],
    ['1.7976931348623157e308', true],
    ['1e308', false],
    ['1e309', true],
    ['5e-324', false],
    ['1e-400', true],
  ])('%s -> %s', (token, lossy) => {
    expect(isLossyNumber(token)).toBe(lossy)
  })
})

describe('flaggedMemberValues', () => {
  const password = (name: string) => name === 'password' || name === 'pin'

  it('finds the string and number values of flagged members, decoded, with their spans', () => {
    const text = '{"user":{"password" : "hunter\\"2"},"pin":1234,"note":"password"}'
    const found = flaggedMemberValues(text, password, 'key-name')
    expect(found.map(({ name, value }) => [name, value])).toEqual([
      ['password', 'hunter"2'],
      ['pin', '1234'],
    ])
    for (const span of found)
      expect(JSON.parse(text.slice(span.start, span.end))).toEqual(span.name === 'pin' ? 1234 : 'hunter"2')
  })

  it('reads escaped member names, and ignores names spelled inside string values', () => {
    expect(flaggedMemberValues('{"pass\\u0077ord":"x"}', password, 'key-name')[0]?.value).toBe('x')
    expect(flaggedMemberValues('{"note":"{\\"password\\":\\"x\\"}"}', password, 'key-name')).toEqual([])
  })

  it('reads every value under a flagged member holding an object, skips literals, and survives truncated text', () => {
    // A container under a secret name is secret whole (issue 16): its values, not its member names.
    expect(
      flaggedMemberValues('{"password":{"a":1,"b":["x"]},"pin":true', password, 'key-name').map(
        (s) => s.value,
      ),
    ).toEqual(['1', 'x'])
    expect(flaggedMemberValues('{"pin":true,"password":null}', password, 'key-name')).toEqual([])
    expect(flaggedMemberValues('[[[{"password":"abc', password, 'key-name')[0]?.value).toBe('abc')
  })

  it('counts distinct names against its budget: a log repeating a few names is read to its end', () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => JSON.stringify({ level: 'info', msg: 'ok', n: i }))
    const ndjson = `${lines.join('\n')}\n{"level":"error","password":"Xq7Lm2Vr9Tz4Wp"}`
    const judged: string[] = []
    const counting = (name: string) => {
      judged.push(name)
      return password(name)
    }
    const found = flaggedMemberValues(ndjson, counting, 'key-name', 16)
    expect(found.exhausted).toBeUndefined()
    expect(found.map((span) => span.value)).toEqual(['Xq7Lm2Vr9Tz4Wp'])
    expect(judged).toEqual(['level', 'msg', 'n', 'password'])
    // Distinct names past the budget: the rest is left to the detectors.
    const unique = `${Array.from({ length: 20 }, (_, i) => `"k${i}":1`).join(',')},"password":"x"`
    const past = flaggedMemberValues(unique, password, 'key-name', 16)
    expect(past.exhausted).toBe(true)
    expect(past.length).toBe(0)
  })
})

describe('hasDuplicateMembers', () => {
  it('finds a name repeated in one object, as JSON.parse reads names, at any depth', () => {
    expect(hasDuplicateMembers('{"a":1,"a":2}')).toBe(true)
    expect(hasDuplicateMembers('{"a":1,"\\u0061":2}')).toBe(true)
    expect(hasDuplicateMembers('[{"x":{"k":1, "k" :2}}]')).toBe(true)
  })

  it('is not fooled by names in strings, values equal to names, or the same name in two objects', () => {
    expect(hasDuplicateMembers('{"a":"{\\"a\\":1,\\"a\\":2}","b":"a"}')).toBe(false)
    expect(hasDuplicateMembers('{"a":{"n":1},"b":{"n":2},"c":["a","a"]}')).toBe(false)
  })
})
