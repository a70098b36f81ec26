/**
 * Characters a reader reads otherwise than they are written: those that render as nothing
 * (Unicode's default-ignorable code points) and compatibility forms that NFKC turns into ASCII
 * letters and digits (`①`, `²`, `Ⓐ`, `ﬁ`, `Ⅻ`, mathematical `𝐀` and `𝟒`). Detectors read a second
 * view of a string holding any (see decoded-view.ts): `4111\u200b1111...` and `④①①①...` are card
 * numbers to whoever reads them.
 */

/**
 * Whether a character of the Basic Multilingual Plane renders as nothing: Unicode's
 * default-ignorable code points (DerivedCoreProperties.txt), which a reader does not see inside a
 * value (`4111\u200b1111...`, `ada\u00ad@example.com`). Those past it (tags, U+E0000-E0FFF) are
 * surrogate pairs: see {@link isInvisiblePair}.
 */
export function isInvisible(code: number): boolean {
  if (code < 0x200b)
    return (
      code === 0xad ||
      code === 0x34f ||
      code === 0x61c ||
      code === 0x115f ||
      code === 0x1160 ||
      code === 0x17b4 ||
      code === 0x17b5 ||
      (code >= 0x180b && code <= 0x180f)
    )
  return (
    code <= 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0x3164 ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    code === 0xfeff ||
    code === 0xffa0 ||
    (code >= 0xfff0 && code <= 0xfff8)
  )
}

/**
 * Whether a character is a combining mark a value's letters and digits may carry without a reader
 * reading them otherwise: diacritics, marks that enclose or underline, the keycap (`4\ufe0f\u20e3`
 * reads 4, `4\u0332` reads 4). Left out of the second reading after an ASCII letter or digit.
 */
export function isCombiningMark(code: number): boolean {
  return (
    (code >= 0x300 && code <= 0x36f) ||
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x1dc0 && code <= 0x1dff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe20 && code <= 0xfe2f)
  )
}

/** The code point of the surrogate pair `high`, `low`, or -1 when they are not one. */
function pairCode(high: number, low: number): number {
  if (high < 0xd800 || high > 0xdbff || low < 0xdc00 || low > 0xdfff) return -1
  return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000
}

/**
 * Whether a pair starting with `high` may be read otherwise: a default-ignorable code point
 * ({@link isInvisiblePair}) or a compatibility form ({@link compatForm}) past the BMP.
 */
export function mayRecastPair(high: number): boolean {
  return (
    high === 0xd835 || // mathematical alphanumerics, U+1D400-1D7FF
    high === 0xd83c || // enclosed alphanumerics, U+1F100-1F1FF
    (high >= 0xdb40 && high <= 0xdb43) || // tags and variation selectors, U+E0000-E0FFF
    high === 0xd834 || // musical formatting, U+1D173-1D17A
    high === 0xd82f || // shorthand format controls, U+1BCA0-1BCA3
    high === 0xd833 || // segmented digits, U+1CCD6-1CCF9
    high === 0xd83e || // segmented digits, U+1FBF0-1FBF9
    high === 0xd801 // a modifier letter, U+107A5
  )
}

/** Whether the surrogate pair `high`, `low` is a default-ignorable code point past the BMP. */
export function isInvisiblePair(high: number, low: number): boolean {
  const code = pairCode(high, low)
  return (
    (code >= 0xe0000 && code <= 0xe0fff) ||
    (code >= 0x1bca0 && code <= 0x1bca3) ||
    (code >= 0x1d173 && code <= 0x1d17a)
  )
}

/**
 * Blocks that hold every BMP character NFKC turns into ASCII letters or digits, but fullwidth
 * forms (folded one for one by `asciiFold` in the first reading): Latin-1's ª ² ³ ¹ º, Latin
 * ligatures and modifier letters, phonetic superscripts, super- and subscripts, letterlike
 * symbols, number forms, enclosed alphanumerics, enclosed CJK letters and months, CJK
 * compatibility units, and alphabetic presentation forms.
 */
const COMPAT_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [0xaa, 0xba],
  [0x132, 0x2e3],
  [0x1d2c, 0x1dbf],
  [0x2024, 0x2024],
  [0x2070, 0x218f],
  [0x2460, 0x24ff],
  [0x2c7c, 0x2c7d],
  [0x3250, 0x33ff],
  [0xa7f1, 0xa7f4],
  [0xfb00, 0xfb29],
  [0xfe13, 0xfe13],
  [0xfe33, 0xfe6b],
]

/** A letter or digit of ASCII in `text`, and nothing past ASCII or a control in it. */
const ASCII_WITH_ALNUM = /^[\x20-\x7e]*[A-Za-z0-9][\x20-\x7e]*$/
/** What a value is made of besides letters and digits: an email's `@` and `.`, a token's `-` and `_`... */
const VALUE_PUNCTUATION = /^[@.+\-_:/=]$/

/**
 * NFKC of a code point when it turns into ASCII holding a letter or a digit, or into one of
 * {@link VALUE_PUNCTUATION} (`﹫`, `․`, `﹣`), else `undefined`.
 */
function nfkcAscii(code: number): string | undefined {
  const written = String.fromCodePoint(code)
  const normal = written.normalize('NFKC')
  return normal !== written && (ASCII_WITH_ALNUM.test(normal) || VALUE_PUNCTUATION.test(normal))
    ? normal
    : undefined
}

/** BMP compatibility forms and their ASCII, built on first use (a few hundred entries). */
let bmpForms: Map<number, string> | undefined
/** Per BMP code unit: 1 when it is in {@link bmpForms} (one load per character, not a lookup). */
let compatTable: Uint8Array | undefined

function bmp(): Map<number, string> {
  if (bmpForms !== undefined) return bmpForms
  const forms = new Map<number, string>()
  const table = new Uint8Array(0x10000)
  for (const [from, to] of COMPAT_BLOCKS) {
    for (let code = from; code <= to; code++) {
      const ascii = nfkcAscii(code)
      if (ascii === undefined) continue
      forms.set(code, ascii)
      table[code] = 1
    }
  }
  compatTable = table
  bmpForms = forms
  return forms
}

/** Whether a BMP character is a compatibility form of ASCII letters or digits (see {@link compatForm}). */
export function isCompat(code: number): boolean {
  if (code < 0xaa || code > 0xfe6b) return false
  if (compatTable === undefined) bmp()
  return compatTable![code] === 1
}

/** Code points past the BMP read so far, and their ASCII (`null`: none), bounded. */
const astral = new Map<number, string | null>()

/**
 * What a reader reads the character at `at` of `text` as, when NFKC turns it into ASCII with a
 * letter or a digit, or into a value's punctuation (`﹫` is `@`) (`①` is `1`, `⑩` is `10`, `ﬁ` is `fi`, `𝐀` is `A`, a surrogate pair);
 * `undefined` otherwise.
 */
export function compatForm(text: string, at: number): string | undefined {
  const c = text.charCodeAt(at)
  if (c < 0xd800 || c > 0xdbff) return isCompat(c) ? bmpForms!.get(c) : undefined
  const code = pairCode(c, text.charCodeAt(at + 1))
  // Mathematical alphanumerics, enclosed alphanumerics, segmented digits and the like.
  const known =
    (code >= 0x1d400 && code <= 0x1d7ff) ||
    (code >= 0x1f100 && code <= 0x1f1ff) ||
    (code >= 0x1ccd6 && code <= 0x1ccf9) ||
    (code >= 0x1fbf0 && code <= 0x1fbf9) ||
    code === 0x107a5
  if (!known) return undefined
  let ascii = astral.get(code)
  if (ascii === undefined) {
    ascii = nfkcAscii(code) ?? null
    if (astral.size < 4096) astral.set(code, ascii)
  }
  return ascii ?? undefined
}
