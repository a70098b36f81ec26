/**
 * What a client reads from a body: the engine filters exactly that, and what it sends is exactly
 * what it filtered. Parser differentials (a duplicate member, a byte order mark, bytes that are not
 * UTF-8, a number JSON cannot hold, a charset the client honours) must not let the client read
 * something the engine never saw.
 */

/** How the bytes of a text body are read: the way a browser reads them. */
export type TextCharset = 'utf8' | 'utf16le' | 'utf16be'

/** The indentation of JSON text pretty-printed by `JSON.stringify` (its third argument), if any. */
export function indentOf(text: string): string | undefined {
  const first = text.charCodeAt(0)
  if ((first !== 0x7b && first !== 0x5b) || text.charCodeAt(1) !== 0x0a) return undefined
  let end = 2
  while (end < 12 && (text.charCodeAt(end) === 0x20 || text.charCodeAt(end) === 0x09)) end++
  return end === 2 ? undefined : text.slice(2, end)
}

/**
 * Serializes `value` in the layout of `original` (compact, or indented as `JSON.stringify(value,
 * null, indent)` does, with its final newline if it had one): a body that was already exactly that
 * text comes out identical, so its bytes, ETag and Content-Length can be kept.
 */
export function serializeLike(value: unknown, original: string): string {
  return layoutLike(JSON.stringify(value, null, indentOf(original)) ?? 'null', original)
}

/** `compact` (JSON text) with the final newline of `original`, if it had one. */
export function layoutLike(compact: string, original: string): string {
  return original.charCodeAt(original.length - 1) === 0x0a ? `${compact}\n` : compact
}

/**
 * Whether the body's own bytes may go out in place of `decided` (the serialization of what the
 * engine decided on): only when they decode to exactly that text. A Buffer that decoded with
 * replacement characters held bytes that are not UTF-8, which another decoder may read otherwise.
 */
export function sameText(payload: string | Uint8Array, text: string, decided: string): boolean {
  return decided === text && (typeof payload === 'string' || !text.includes('\uFFFD'))
}

const CHARSET_LABELS: Readonly<Record<string, TextCharset>> = {
  'utf-16': 'utf16le',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  unicodefffe: 'utf16be',
  csunicode: 'utf16le',
  'iso-10646-ucs-2': 'utf16le',
  'ucs-2': 'utf16le',
  unicode: 'utf16le',
  unicodefeff: 'utf16le',
}

/**
 * The `charset` parameter of a Content-Type, lower-cased, if any, as a browser reads it (WHATWG
 * MIME Sniffing, "parse a MIME type"): the first `charset` parameter whose name is a token written
 * against its `=` (`charset =utf-16` is no charset) and whose value, quoted or not, is read as
 * quoted strings are (`x="; charset=utf-16"` is one parameter, `x`). A type that does not parse
 * has no charset: what it holds is read as UTF-8, as a browser reads it.
 */
function charsetParameter(contentType: unknown): string | undefined {
  const value = Array.isArray(contentType) ? contentType[0] : contentType
  if (typeof value !== 'string') return undefined
  const input = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')
  let at = input.indexOf('/')
  if (at <= 0 || !isToken(input.slice(0, at))) return undefined
  let end = input.indexOf(';', at + 1)
  if (end === -1) end = input.length
  if (!isToken(input.slice(at + 1, end).replace(/[\t\n\r ]+$/, ''))) return undefined
  at = end
  while (at < input.length) {
    at++ // past the `;`
    while (at < input.length && isHttpSpace(input.charCodeAt(at))) at++
    let nameEnd = at
    while (nameEnd < input.length && input[nameEnd] !== ';' && input[nameEnd] !== '=') nameEnd++
    const name = input.slice(at, nameEnd).toLowerCase()
    at = nameEnd
    if (at >= input.length) break
    if (input[at] === ';') continue
    at++ // past the `=`
    if (at >= input.length) break
    let parameter: string
    if (input[at] === '"') {
      parameter = ''
      at++
      while (at < input.length) {
        const c = input[at]!
        if (c === '"') break
        if (c === '\\' && at + 1 < input.length) at++
        parameter += input[at]
        at++
      }
      // Past the closing quote, up to the next `;`: ignored.
      while (at < input.length && input[at] !== ';') at++
    } else {
      let valueEnd = at
      while (valueEnd < input.length && input[valueEnd] !== ';') valueEnd++
      parameter = input.slice(at, valueEnd).replace(/[\t\n\r ]+$/, '')
      at = valueEnd
      if (parameter === '') continue
    }
    // A label is read with the white space around it trimmed (WHATWG Encoding, "get an encoding").
    if (name === 'charset' && isToken(name) && isQuotedStringText(parameter))
      return parameter.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase()
  }
  return undefined
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const isToken = (text: string): boolean => TOKEN.test(text)
const isHttpSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13
/** Tab, printable ASCII and Latin-1's upper half: what a quoted string may hold. */
const isQuotedStringText = (text: string): boolean => /^[\t\x20-\x7e\x80-\xff]*$/.test(text)

/**
 * How a browser reads these bytes (WHATWG Encoding: a byte order mark wins over the declared
 * charset). UTF-16 is told apart; every other charset leakguard reads as UTF-8.
 */
export function textCharset(bytes: Uint8Array, contentType: unknown): TextCharset {
  if (bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le'
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be'
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf8'
  }
  const label = charsetParameter(contentType)
  return (label === undefined ? undefined : CHARSET_LABELS[label]) ?? 'utf8'
}

function swapBytes(bytes: Uint8Array): Buffer {
  const swapped = Buffer.alloc(bytes.length & ~1)
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1]!
    swapped[i + 1] = bytes[i]!
  }
  return swapped
}

/** Decodes a text body read as `charset` (a byte order mark stays, as `\uFEFF`). */
export function decodeText(bytes: Uint8Array, charset: TextCharset): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (charset === 'utf8') return buffer.toString('utf8')
  return (charset === 'utf16le' ? buffer : swapBytes(buffer)).toString('utf16le')
}

/** Encodes text as the charset it was read in: a changed UTF-16 body stays UTF-16. */
export function encodeText(text: string, charset: TextCharset): string | Buffer {
  if (charset === 'utf8') return text
  const le = Buffer.from(text, 'utf16le')
  return charset === 'utf16le' ? le : swapBytes(le)
}
