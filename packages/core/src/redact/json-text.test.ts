import { describe, expect, it } from 'vitest'
import { flaggedMemberValues, hasDuplicateMembers, inspectJsonText, isLossyNumber } from './json-text.js'

const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels)

describe('inspectJsonText', () => {
  it('measures nesting without counting brackets inside strings', () => {
    expect(inspectJsonText(nested(128), 128).tooDeep).toBe(false)
    expect(inspectJsonText(nested(129), 128).tooDeep).toBe(true)
    expect(inspectJsonText(`["${'['.repeat(500)}\\"[["]`, 2).tooDeep).toBe(false)
    expect(inspectJsonText('{"a":{"b":[{}]}}', 3).tooDeep).toBe(true)
  })

  it('stops at the limit on unterminated or enormous nesting', () => {
    expect(inspectJsonText('['.repeat(1_000_000), 128)).toEqual({ tooDeep: true, lossyNumbers: false })
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
