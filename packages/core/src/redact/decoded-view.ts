import { bySecondCode } from '../lib/by-second-code.js'
import { hexDigitsAt, hexPair, isHex } from '../lib/hex.js'
import { ScratchArray } from '../lib/scratch-arrays.js'
import { asciiFold, isAsciiAlnum, isDigit } from './features.js'
import { compatForm, isCombiningMark, isInvisible, isInvisiblePair } from './unicode-forms.js'

/** A string with its escapes decoded, and where each decoded unit came from in the original. */
export interface DecodedView {
  readonly text: string
  /**
   * Offset in the original of each decoded unit, and at `text.length` the original's length: a
   * span [s, e) of the decoded text is [from[s], from[e]) of the original, escapes included.
   * Valid until the next {@link decodedView} call (its store is reused).
   */
  readonly from: ArrayLike<number>
}

/** The view's code units and offsets, reused from one string to the next (see {@link ScratchArray}). */
const UNITS = new ScratchArray((length) => new Uint16Array(length))
const FROM = new ScratchArray((length) => new Int32Array(length))

/** HTML character references decoded by name. */
const NAMED: ReadonlyArray<readonly [string, string]> = [
  ['&amp;', '&'],
  ['&lt;', '<'],
  ['&gt;', '>'],
  ['&quot;', '"'],
  ['&apos;', "'"],
  ['&nbsp;', ' '],
  // HTML5 names for what hides a value's insides: an email's `@`, a phone's `+`, separators.
  ['&commat;', '@'],
  ['&plus;', '+'],
  ['&period;', '.'],
  ['&lpar;', '('],
  ['&rpar;', ')'],
  ['&sol;', '/'],
  ['&colon;', ':'],
  ['&equals;', '='],
  // What renders as nothing, by name (soft hyphen, zero-width joiners, marks, word joiner).
  ['&shy;', '\u00ad'],
  ['&zwnj;', '\u200c'],
  ['&zwj;', '\u200d'],
  ['&lrm;', '\u200e'],
  ['&rlm;', '\u200f'],
  ['&ZeroWidthSpace;', '\u200b'],
  ['&NoBreak;', '\u2060'],
]

/** {@link NAMED} by the code of their second character. */
const NAMED_BY_SECOND = bySecondCode(NAMED, (entry) => entry[0])

const BACKSLASHED: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: ' ', f: ' ' }

/** The character the escape {@link escapeAt} last read stands for. */
let escaped = ''

/** The character an escaped code is read as: what detectors fold it to (`&#160;` is a space). */
function readAs(code: number): string {
  const folded = code < 128 || code > 0xffff ? -1 : asciiFold(code)
  return String.fromCodePoint(folded >= 0 ? folded : code)
}

/** The code point UTF-8 percent-escapes from `at` stand for (`%E2%80%8B`), its width in {@link utf8Width}; -1 if none. */
function percentUtf8(text: string, at: number, lead: number): number {
  const count =
    lead >= 0xf0 && lead <= 0xf4 ? 3 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xc2 && lead <= 0xdf ? 1 : 0
  if (count === 0) return -1
  let code = lead & (count === 3 ? 0x07 : count === 2 ? 0x0f : 0x1f)
  for (let k = 1; k <= count; k++) {
    const p = at + k * 3
    if (text.charCodeAt(p) !== 37 || !isHex(text.charCodeAt(p + 1)) || !isHex(text.charCodeAt(p + 2)))
      return -1
    const byte = hexPair(text, p + 1)
    if (byte < 0x80 || byte > 0xbf) return -1
    code = (code << 6) | (byte & 0x3f)
  }
  // Overlong forms, surrogates and past U+10FFFF are not UTF-8.
  if ((count === 2 && code < 0x800) || (count === 3 && (code < 0x10000 || code > 0x10ffff))) return -1
  if (code >= 0xd800 && code <= 0xdfff) return -1
  utf8Width = 3 * (count + 1)
  return code
}

/** The width of the escapes the last {@link percentUtf8} read. */
let utf8Width = 0

/** `char` as what the escape read stands for, and `width` as its length. */
function found(width: number, char: string): number {
  escaped = char
  return width
}

/**
 * The width of the escape at `at` (0: none), the character it stands for left in {@link escaped}. Percent-encoding
 * (`%40`, once or several times: `%2540`) of ASCII, HTML character references (`&#64;`, `&#x40;`,
 * `&amp;`...), backslash escapes at any depth (`\u0040`, `\\u0040`, `\n`, `\"`), and `+` between
 * two digits (a space in form encoding: `4111+1111+...`).
 */
function escapeAt(text: string, at: number): number {
  const c = text.charCodeAt(at)
  if (c === 37) {
    if (!(isHex(text.charCodeAt(at + 1)) && isHex(text.charCodeAt(at + 2)))) return 0
    let width = 3
    let value = hexPair(text, at + 1)
    // Encoded again: `%25` followed by two hex digits is one escape.
    while (value === 0x25 && isHex(text.charCodeAt(at + width)) && isHex(text.charCodeAt(at + width + 1))) {
      value = hexPair(text, at + width)
      width += 2
    }
    // Track 1 of a card's magnetic stripe starts `%B` and the card number: `%B4111...^DOE/JOHN^`.
    if (value >= 0x80) {
      // A character past ASCII in UTF-8 (`%C2%A0`, `%E2%80%8B`, `%EF%BC%94`): read as the text's own are.
      const code = width === 3 ? percentUtf8(text, at, value) : -1
      if (code >= 0) return found(utf8Width, readAs(code))
      return width === 3 && text[at + 1] === 'B' ? found(2, ' ') : 0
    }
    return found(width, String.fromCharCode(value))
  }
  if (c === 38) {
    if (text.charCodeAt(at + 1) === 35) {
      const hex = text.charCodeAt(at + 2) === 120 || text.charCodeAt(at + 2) === 88
      // Browsers decode a numeric reference without its `;` too (`ada&#64example.com`): the
      // digits end it, leading zeros skipped (`&#00000064;`, as many as written: they belong to
      // this escape alone), then at most seven (six hex) read.
      let start = at + (hex ? 3 : 2)
      const first = start
      while (text.charCodeAt(start) === 48) start++
      if (start > first && !(hex ? isHex(text.charCodeAt(start)) : isDigit(text.charCodeAt(start)))) start--
      let end = start
      while (
        end - start < (hex ? 6 : 7) &&
        (hex ? isHex(text.charCodeAt(end)) : isDigit(text.charCodeAt(end)))
      )
        end++
      if (end === start) return 0
      const code = Number.parseInt(text.slice(start, end), hex ? 16 : 10)
      const width = end - at + (text.charCodeAt(end) === 59 ? 1 : 0)
      return code > 0 && (code < 0xd800 || (code > 0xdfff && code <= 0x10ffff))
        ? found(width, readAs(code))
        : 0
    }
    const second = text.charCodeAt(at + 1)
    const named = second < 128 ? NAMED_BY_SECOND[second] : undefined
    if (named !== undefined)
      for (const [name, char] of named) if (text.startsWith(name, at)) return found(name.length, char)
    return 0
  }
  if (c === 92) {
    let run = 1
    while (text.charCodeAt(at + run) === 92) run++
    const next = text[at + run]
    if (next === 'u' && hexDigitsAt(text, at + run + 1, 4)) {
      const code = (hexPair(text, at + run + 1) << 8) | hexPair(text, at + run + 3)
      return code < 0xd800 || code > 0xdfff ? found(run + 5, readAs(code)) : 0
    }
    if (next !== undefined && next in BACKSLASHED) return found(run + 1, BACKSLASHED[next]!)
    if (next !== undefined && '"\'/'.includes(next)) return found(run + 1, next)
    return run >= 2 ? found(run, '\\') : 0
  }
  if (c === 43 && isDigit(text.charCodeAt(at - 1)) && isDigit(text.charCodeAt(at + 1))) return found(1, ' ')
  return 0
}

/**
 * Whether an escape standing for `char`, between the characters `before` and `after`, can hide a
 * value's insides from the detectors: an email's `@` or `.`, a phone's `+`, a separator inside a
 * number (`4111%201111`, `123%2D45`), or a URL's `:` and `/`. Other escapes (quotes, line ends,
 * the rest of an encoded URL) change nothing the blanked view does not already read.
 */
function hides(char: string, before: number, after: number): boolean {
  // What renders as nothing, or a compatibility form (`&#8203;`, `%E2%91%A3`: ④): both hide.
  if (char.charCodeAt(0) >= 0xaa && (invisibleAt(char, 0) > 0 || compatForm(char, 0) !== undefined))
    return true
  // `_`, `-` and `~` are never escaped by an encoder (RFC 3986's unreserved characters): escaped,
  // they hide a token's prefix (`sk%5Flive_...`, `ghp&#95;...`, `sk\u002dant-...`).
  if (char === '@' || char === '+' || char === '_' || char === '-' || char === '~') return true
  // A letter or a digit escaped (`&#52;111...`, `%34%31%31%31...`, `ghp_\u0041...`): no writer
  // escapes them, except to hide what they spell.
  if (isAsciiAlnum(char.charCodeAt(0))) return true
  // The dots of an email's domain (`ada@example&period;com`), a URL's `:` and `/`
  // (`redis&colon;&sol;&sol;user:password@host`, JSON's `:\/\/`): blanked, the value breaks apart.
  if (char === '.' || char === ':' || char === '/') return true
  // An assignment's `=` between a name and its value (`password\u003d...` as Gson writes it,
  // `password&#x3D;...`, `password%3D...`), the value quoted with an escape or not
  // (`password&#x3D;&quot;...`); not base64 padding, which no letter or digit follows.
  if (char === '=')
    return (isAsciiAlnum(before) || before === 95) && (isAsciiAlnum(after) || after === 38 || after === 92)
  return (char === ' ' || char === '-' || char === '(' || char === ')') && (isDigit(before) || isDigit(after))
}

/** The width of an invisible character at `at` (see {@link isInvisible}): 1, 2 for a pair, or 0. */
function invisibleAt(text: string, at: number): number {
  const c = text.charCodeAt(at)
  if (c < 0xad) return 0
  if (c >= 0xd800 && c <= 0xdbff) return isInvisiblePair(c, text.charCodeAt(at + 1)) ? 2 : 0
  return isInvisible(c) ? 1 : 0
}

/**
 * `text` with its escapes decoded (see {@link escapeAt}), for the detectors to read what an
 * escape inside a value stands for: `ada%40example.com`, `%2B14155552671`, `4111%201111...`,
 * `ada&#64;example.com`, `&#52;111...`; and, when `recast` (the features pass saw a character a
 * reader reads otherwise: unicode-forms.ts), with the characters that render as nothing, and
 * combining marks on ASCII letters and digits, left out (`4111\u200b1111...`, `4\u0332 1\u0332`),
 * and compatibility forms read as the ASCII NFKC turns them into (`④①①①`, `𝐠𝐡𝐩_...`): what a
 * reader sees, the detectors read. `undefined` when it holds no escape that
 * stands for `@`, `+`, a letter, a digit or a separator, and nothing recast. Values next to an
 * escape are found without it, where escapes are read blanked.
 */
export function decodedView(text: string, recast = false): DecodedView | undefined {
  const length = text.length
  // First whether any escape hides something (most text with a `%`, `&` or `\` has none), then
  // the view, one unit per escape, in typed arrays (a text of a million escapes stays linear).
  let first = -1
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (
      recast &&
      c >= 0xaa &&
      (invisibleAt(text, i) > 0 || compatForm(text, i) !== undefined || (isCombiningMark(c) && i > 0))
    ) {
      first = i
      break
    }
    if (c !== 37 && c !== 38 && c !== 92 && c !== 43) continue
    if (c === 92) {
      // Only `\u0040`-style escapes can stand for what hides a value (`\n`, `\"` do not), the
      // slashes of a URL's `:\/\/`, and a slash after a letter or digit, as PHP's `json_encode`
      // escapes it inside a token (`1\/\/0...`, a Google refresh token).
      let run = i + 1
      while (text.charCodeAt(run) === 92) run++
      const next = text.charCodeAt(run)
      const before = text.charCodeAt(i - 1)
      if (next !== 117 && !(next === 47 && (before === 58 || isAsciiAlnum(before)))) {
        i = run - 1
        continue
      }
    }
    const width = escapeAt(text, i)
    if (width === 0) continue
    if (hides(escaped, text.charCodeAt(i - 1), text.charCodeAt(i + width))) {
      first = i
      break
    }
    i += width - 1
  }
  if (first === -1) return undefined
  // A compatibility form may stand for several characters (`⑩` is `10`): room grows as needed.
  let units = UNITS.get(length + 16)
  let from = FROM.get(length + 17)
  let n = 0
  /** Appends `piece`, standing for the original's unit `at`; room for the rest of the text kept. */
  const append = (piece: string, at: number): void => {
    if (n + piece.length + (length - at) >= units.length) {
      const grown = new Uint16Array(units.length * 2 + piece.length)
      grown.set(units)
      units = grown
      const map = new Int32Array(units.length + 1)
      map.set(from)
      from = map
    }
    for (let k = 0; k < piece.length; k++) {
      units[n] = piece.charCodeAt(k)
      from[n++] = at
    }
  }
  // Every escape decoded, those before the first that hides something too (`http%3A%2F%2F...`).
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (recast && c >= 0xaa) {
      const skip = invisibleAt(text, i)
      if (skip > 0) {
        i += skip - 1
        continue
      }
      // A mark on a letter, a digit, punctuation or a space (`4\u0332`, the keycap `4\ufe0f\u20e3`,
      // `@\u0332`): the reader reads what it marks.
      if (isCombiningMark(c) && n > 0 && units[n - 1]! >= 32 && units[n - 1]! < 127) continue
      // Forms of several characters (`⑽` is `(10)`) grow the view at most to twice the text's length.
      const form = compatForm(text, i)
      if (form !== undefined && (form.length === 1 || n + form.length <= 2 * length)) {
        append(form, i)
        if (c >= 0xd800 && c <= 0xdbff) i++ // a surrogate pair
        continue
      }
      // Fullwidth forms, other scripts' digits, spaces and dashes, whatever their number here.
      const folded = asciiFold(c)
      if (folded >= 0) {
        units[n] = folded
        from[n++] = i
        continue
      }
    }
    const width = c === 37 || c === 38 || c === 92 || c === 43 ? escapeAt(text, i) : 0
    if (width === 0) {
      units[n] = c
      from[n++] = i
      continue
    }
    // What the escape stands for, read as the text's own characters are: nothing for what renders
    // as nothing, a compatibility form's ASCII (`&#9315;` is 4), a pair's two units.
    append(invisibleAt(escaped, 0) > 0 ? '' : (compatForm(escaped, 0) ?? escaped), i)
    i += width - 1
  }
  from[n] = length
  return {
    text: Buffer.from(units.buffer, units.byteOffset, n * 2).toString('utf16le'),
    from: from.subarray(0, n + 1),
  }
}
