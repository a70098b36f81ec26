import { describe, expect, it } from 'vitest'
import { hexDigitsAt, hexPair, isHex } from './hex.js'

describe('hex digits', () => {
  it('reads digits of either case, and nothing else', () => {
    expect([...'09afAF'].every((c) => isHex(c.charCodeAt(0)))).toBe(true)
    expect([...'gG/:@`'].some((c) => isHex(c.charCodeAt(0)))).toBe(false)
    expect(hexDigitsAt('\\u00e9', 2, 4)).toBe(true)
    expect(hexDigitsAt('\\u00g9', 2, 4)).toBe(false)
    expect(hexDigitsAt('\\u00', 2, 4)).toBe(false)
  })

  it('writes the byte of two digits as Number.parseInt does', () => {
    for (let byte = 0; byte < 256; byte++) {
      const hex = byte.toString(16).padStart(2, '0')
      expect(hexPair(`%${hex}`, 1)).toBe(byte)
      expect(hexPair(`%${hex.toUpperCase()}`, 1)).toBe(byte)
    }
  })
})
