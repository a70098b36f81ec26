import { describe, expect, it } from 'vitest'
import { compatForm, isCompat, isInvisible, isInvisiblePair } from './unicode-forms.js'

describe('unicode-forms', () => {
  it('knows the BMP characters that render as nothing, and no visible one', () => {
    for (const c of [
      0xad, 0x34f, 0x61c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202e, 0x2060, 0x2064, 0xfe0f, 0xfeff,
    ])
      expect(isInvisible(c), c.toString(16)).toBe(true)
    for (const c of [0x41, 0xa0, 0xe9, 0x2000, 0x200a, 0x2010, 0x3000, 0x4e00, 0xff21])
      expect(isInvisible(c)).toBe(false)
    const tag = '\u{e0041}'
    expect(isInvisiblePair(tag.charCodeAt(0), tag.charCodeAt(1))).toBe(true)
    const emoji = '\u{1f600}'
    expect(isInvisiblePair(emoji.charCodeAt(0), emoji.charCodeAt(1))).toBe(false)
  })

  it('reads a compatibility form as the ASCII NFKC turns it into, for every such code point', () => {
    // Against NFKC itself, over the whole BMP and the planes that hold such forms.
    for (let code = 0x80; code < 0x20000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue
      const ch = String.fromCodePoint(code)
      const normal = ch.normalize('NFKC')
      const expected =
        code < 0xff00 || code > 0xffef
          ? normal !== ch && /^[ -~]*[A-Za-z0-9][ -~]*$/.test(normal)
            ? normal
            : undefined
          : undefined // fullwidth forms: folded one for one in the first reading
      expect(compatForm(`x${ch}`, 1), code.toString(16)).toBe(expected)
      if (code < 0x10000) expect(isCompat(code)).toBe(expected !== undefined)
    }
  })
})
