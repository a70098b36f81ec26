import { describe, expect, it } from 'vitest'
import { stringFeatures } from './features.js'
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
          ? normal !== ch && (/^[ -~]*[A-Za-z0-9][ -~]*$/.test(normal) || /^[@.+\-_:/=]$/.test(normal))
            ? normal
            : undefined
          : undefined // fullwidth forms: folded one for one in the first reading
      expect(compatForm(`x${ch}`, 1), code.toString(16)).toBe(expected)
      if (code < 0x10000) expect(isCompat(code)).toBe(expected !== undefined)
    }
  })
})

describe('StringFeatures.recast', () => {
  it('says where a second reading may find a value, and not in emoji or prose marks', () => {
    for (const text of [
      '4111\u200b1111',
      '4111\u200b 1111',
      'x \u2463\u2460\u2460\u2460',
      'card 411111111111111\u2463',
      'H\u2082O',
      'ada\u00ad@example.com',
      'Zq8vL\u2060\u2060\u2060m3TrX9pWc2K',
      '\ud835\udc00\ud835\udc01',
      // A pair before it is read by its first unit.
      '\ud835\udfd2\u200b ',
    ])
      expect(stringFeatures(text).recast, JSON.stringify(text)).toBe(true)
    for (const text of [
      'Thanks so much! \u2764\ufe0f see you',
      '\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 family',
      '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 persian',
      '(2024)\u200f order',
      'plain ascii text',
    ])
      expect(stringFeatures(text).recast, JSON.stringify(text)).toBe(false)
  })

  it('reads each character a bounded number of times', () => {
    // Runs of invisible characters count as next to one another (a run may split a value).
    expect(stringFeatures(`\u2764${'\u200b'.repeat(1_000_000)}\u2764`).recast).toBe(true)
    expect(stringFeatures(`\u2764 \u2764`.repeat(300_000)).recast).toBe(false)
  })
})
