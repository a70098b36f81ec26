import { ScratchArray } from '../lib/scratch-arrays.js'
import type { Span, StringFeatures } from './types.js'

/**
 * Text written in base64 or base64url inside a string: a Kubernetes secret's `data`, a TLS key
 * (`LS0tLS1CRUdJTi...`), an encoded config file or cookie, `Basic` credentials, a
 * `data:...;base64,` URL. The detectors read what such a run decodes to, when its bytes are UTF-8
 * text; random tokens, hashes and binary data decode to bytes that are not, and are left after a
 * few of them.
 */

/** Runs shorter than this (12 bytes) are not decoded: too short to hold a value worth finding. */
const MIN_RUN = 16
/** Bytes of a run checked for text before the whole run is decoded, and how many may not be. */
const PROBE_BYTES = 24
const PROBE_BAD = 2
/** ...but none of the first ones: random bytes are turned away there, for a few characters' work. */
const PROBE_CLEAN = 6
/** Stretches of text between bytes that are not (a control character, invalid UTF-8) shorter than this are not read. */
const MIN_TEXT_BYTES = 8
/**
 * Starts tried after `/`, `-` and `_` inside a run whose start does not decode to text, and how
 * far into it (a path or an id's prefix before the blob).
 */
const MAX_STARTS = 8
const MAX_PREFIX = 32
/** How far into a run an id's prefix ends (`sess-`, `user_2024_06_07_`). */
const MAX_ID_PREFIX = 20
/** The narrowest line of a blob read as wrapped into lines. */
const MIN_WRAP = 60
/** White space between two lines of a wrapped blob, at most. */
const MAX_BREAK = 8

/** Each base64 and base64url character's value (both alphabets), -1 for any other. */
const VALUE = new Int8Array(128).fill(-1)
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  VALUE[c.charCodeAt(0)] = i
})
VALUE[45] = 62 // -
VALUE[95] = 63 // _

/** Whether the code unit is a base64 or base64url character. */
const isBase64 = (code: number): boolean => code < 128 && VALUE[code]! >= 0
const isSpace = (code: number): boolean => code === 32 || code === 9 || code === 10 || code === 13

/**
 * Whether a string may hold a base64 run worth decoding, from its features alone: base64's
 * characters; two spaces (`Basic ...`, a cookie's `; Path=/`) or, with line breaks, white space
 * for one character in eight (a blob wrapped into lines, with an indent); no quote; one dot (a
 * host: `example.com/u/...`), or two with no colon or space (a signed cookie); at most three
 * others and one in 32 (a `data:...;base64,` URL, `;` between cookies). Not prose, code or
 * JSON text, whose spaces, quotes, dots and punctuation a blob does not have. A URL of any host,
 * alone or in text, when a value, a fragment or a path segment is long enough to be a blob
 * ({@link QUERY_BLOB}, {@link PATH_BLOB}).
 */
export function mayHoldBase64(f: StringFeatures, text: string): boolean {
  if (f.base64Chars < MIN_RUN) return false
  const blank = f.spaces + f.controls
  if (
    f.quotes === 0 &&
    // A URL's host and file name have dots (`cdn.example.com`, `.jpg`); a blob has none, a signed
    // cookie two (`<payload>.<time>.<signature>`: no colon, no space).
    (f.dots <= 1 || (f.dots === 2 && f.colons === 0 && f.spaces === 0)) &&
    (f.controls === 0 ? f.spaces <= 2 : blank <= 2 + (f.length >> 3)) &&
    // Percent escapes (a blob in a URL or a form: `%2B`, `%3D`, `&` between parameters) count
    // for less, up to one character in 16.
    f.length - f.base64Chars - blank - Math.min(f.escapes, f.length >> 4) <= 3 + (f.length >> 5)
  )
    return true
  // A URL of any host, alone or in text: a blob as a parameter's value or a path segment.
  const query = text.includes('?') || text.includes('#')
  return (query && QUERY_BLOB.test(text)) || (text.includes('://') && PATH_BLOB.test(text))
}

/**
 * A blob in a URL whose host, scheme or the text around it the features' gate above refuses
 * (`https://api.example.com/cb?state=eyJ...`, `see example.com/r?t=eyJ... now`, `#eyJ...`): in a
 * string with a query or a fragment, a value or a fragment of 20 base64 characters or more,
 * percent escapes among them. (Not `NAME=value` alone: an assignment in code or a config is
 * read by the detectors.)
 */
const QUERY_BLOB = /[=#][A-Za-z0-9+/_%-]{20}/
/** A path segment of 24 base64 characters or more, in a string with a scheme (`https://.../u/eyJ...`). */
const PATH_BLOB = /\/[A-Za-z0-9+_%-]{24}/

/** A base64 run of a string read as text: where it is, what it decodes to, how it is written. */
export interface Base64Text {
  /** Where the run starts in the string. */
  readonly start: number
  /** Where it ends in the string, its `=` padding included. */
  readonly end: number
  /** The bytes it decodes to. */
  readonly bytes: Buffer
  /**
   * The stretches of {@link bytes} that are UTF-8 text (all of them, most often; a control
   * character or an invalid byte ends one), decoded, with their byte offsets.
   */
  readonly texts: ReadonlyArray<{ readonly from: number; readonly to: number; readonly text: string }>
  /** Written in base64url's alphabet (`-`, `_`), not base64's (`+`, `/`). */
  readonly url: boolean
  /** Written with `=` padding. */
  readonly padded: boolean
  /** Characters per line of a run wrapped into lines (MIME, PEM), and the line break; 0 and '' for one line. */
  readonly width: number
  readonly lineBreak: string
}

/** What {@link base64Texts} asks of the redactor. */
export interface Base64Options {
  /** Whether a name says its value is secret (the member-name rule): a global id's type is not one. */
  readonly secretName: (name: string) => boolean
}

/** Decodes UTF-8 strictly: invalid bytes throw. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const NO_RUNS: Base64Text[] = []

/**
 * The base64 runs of `text` (16 characters or more) whose bytes are UTF-8 text, for the most part,
 * decoded. A run starts where its text decodes (after a `/`, `-` or `_` that joins it to a path or
 * an id: `/unsubscribe/YWRh...`, `sess-...`), ends at `--` before a hex digest (a signed
 * cookie's), and takes the lines after it when it is wrapped. `spans` (sorted, not overlapping: what the detectors
 * found) decide what is left: a run one of them holds whole (a token), and a run one of them
 * crosses.
 */
export function base64Texts(text: string, spans: readonly Span[], options: Base64Options): Base64Text[] {
  const length = text.length
  let out: Base64Text[] | undefined
  // The first span that may reach the run being read (runs come in order).
  let k = 0
  let noJoinBefore = -1
  let i = 0
  while (i < length) {
    if (!isBase64(text.charCodeAt(i))) {
      i++
      continue
    }
    const runStart = i
    const runEnd = lineEnd(text, i)
    i = runEnd + (text.charCodeAt(runEnd) === 45 ? 2 : 0)
    // Words, names and short ids, and hex (a digest, an id: it may decode to printable bytes).
    if (runEnd - runStart < MIN_RUN || (lineBits & NOT_HEX) === 0) continue
    const start = textStart(text, runStart, runEnd, (lineBits & SEPARATOR) !== 0)
    if (start < 0) continue
    if (binaryDataUrl(text, start)) continue
    while (k < spans.length && spans[k]!.end <= start) k++
    // A run a detector took (a JWT's parts, a provider's token) is not decoded at all.
    if (crossedOrHeld(spans, k, start, runEnd)) continue
    // Lines after a wrapped blob that was turned away are read one by one, never joined again:
    // joining the rest at each line would read a blob of n lines n times.
    const lines = start < noJoinBefore ? ONE_LINE(runEnd) : linesFrom(text, start, runEnd)
    const run = decodeRun(text, runStart, start, lines, options)
    if (run === null) {
      if (lines.starts !== null) noJoinBefore = lines.end
      continue
    }
    // The lines it took (a line it did not is read as a run of its own); after a run that ends
    // at a path's `/` inside the characters read, what follows it.
    i = run.end < runEnd && text.charCodeAt(run.end) === 47 ? run.end : Math.max(i, run.end)
    // A detector's span past the bytes of the run's text, inside it or across its end: a token or
    // a number glued to the blob by `-`, `_`, `/` or `+` and read as its binary tail (a
    // signature's place). Written back as bytes, the tail would carry it in clear, and a run it
    // crosses would not be read at all: the run ends before it, and the span keeps its own mask.
    const cut = run.width === 0 ? spanPastText(text, spans, k, run) : -1
    if (cut < 0) {
      if (crossedOrHeld(spans, k, run.start, run.end)) continue
      out ??= []
      out.push(run)
      continue
    }
    const head = cut - start >= MIN_RUN ? decodeRun(text, runStart, start, ONE_LINE(cut), options) : null
    if (head === null || crossedOrHeld(spans, k, head.start, head.end)) continue
    out ??= []
    out.push(head)
  }
  return out ?? NO_RUNS
}

/**
 * Where the run must end for the first span of `spans` (from `k`) that starts inside `run` past
 * the characters of its last text stretch, or -1. `n` bytes take ceil(4n / 3) characters from the
 * run's start.
 */
function spanPastText(text: string, spans: readonly Span[], k: number, run: Base64Text): number {
  const textEnd = run.start + Math.ceil((run.texts[run.texts.length - 1]!.to * 4) / 3)
  for (let j = k; j < spans.length; j++) {
    const span = spans[j]!
    if (span.start >= run.end) break
    if (span.start < textEnd) continue
    // The separators that glue it (`-`, `_`, `/`, `+`) stay outside the run too, where the text
    // before them ends as an encoder ends a blob (no bits left over); not one whose bits finish the
    // text's last byte (a blob cut short mid-group), or the head would lose that byte.
    let cut = span.start
    while (
      cut > run.start &&
      (BITS[text.charCodeAt(cut - 1)]! & GLUE) !== 0 &&
      (cut - 1 >= textEnd || endsCleanlyAt(text, run.start, cut - 1))
    )
      cut--
    return cut
  }
  return -1
}

/** What {@link lineEnd} last read, as {@link BITS} of its characters ORed. */
let lineBits = 0

/**
 * Where the base64 characters from `at` end: at a character of no alphabet, or at `--`; records
 * {@link lineBits}. (The bits are ORed, not branched on: in random text a branch per kind of
 * character is mispredicted at every other one, and cost three quarters of the loop.)
 */
function lineEnd(text: string, at: number): number {
  const length = text.length
  let end = at
  let bits = 0
  while (end < length) {
    const c = text.charCodeAt(end)
    const kind = c < 128 ? BITS[c]! : 0
    if (kind === 0 || (c === 45 && text.charCodeAt(end + 1) === 45 && digestAfter(text, end + 2))) break
    bits |= kind
    end++
  }
  lineBits = bits
  return end
}

/**
 * Whether a hex digest (20 hex digits or more, to the end of the run) starts at `at`: after `--`,
 * it ends a signed cookie's payload (`<base64>--<hex>`). Elsewhere `--` is base64url's own (a
 * fullwidth character after some letters writes it).
 */
function digestAfter(text: string, at: number): boolean {
  let end = at
  while (end < text.length && (BITS[text.charCodeAt(end)] ?? 0) === BASE64) end++
  return end - at >= 20 && !isBase64(text.charCodeAt(end))
}

/** Per ASCII code: {@link BASE64} for a base64 or base64url character, with {@link NOT_HEX} and {@link SEPARATOR}. */
const BITS = new Uint8Array(128)
const BASE64 = 1
/** A letter past `f` or `F`, `+`, `/`, `-` or `_`: not hex. */
const NOT_HEX = 2
/** `/`, `-` or `_`: may join a path or an id's prefix to a blob. */
const SEPARATOR = 4
/** `-`, `_`, `/` or `+`: what glues a token to a blob (see spanPastText). */
const GLUE = 8
for (let c = 0; c < 128; c++) if (VALUE[c]! >= 0) BITS[c] = BASE64 | NOT_HEX
for (const c of '0123456789abcdefABCDEF') BITS[c.charCodeAt(0)] = BASE64
for (const c of '/-_') BITS[c.charCodeAt(0)] = BASE64 | NOT_HEX | SEPARATOR | GLUE
BITS[43] = BASE64 | NOT_HEX | GLUE // +

/**
 * Where the text of the run [start, end) starts: at its first character, or after a `/`, `-` or
 * `_` in its first characters, when it has one (a path segment, an id's prefix:
 * `/unsubscribe/YWRh...`, `sess-...`); -1 when its first bytes are text from none of them.
 */
function textStart(text: string, start: number, end: number, separators: boolean): number {
  if (probe(text, start)) return start
  if (!separators) return -1
  // The separators of the run's first characters, found by native searches of a short copy (a
  // loop here, a branch per character, cost a token more than its probes).
  const head = text.slice(start, Math.min(end - MIN_RUN, start + MAX_PREFIX))
  let from = 0
  for (let tried = 0; tried < MAX_STARTS; tried++) {
    const at = nextSeparator(head, from)
    if (at < 0) return -1
    // After a `/` (a path); after a `-` or `_` that ends a word in one case near the start (an
    // id's prefix: `sess-`, `cfg_`, `user_2024_06_07_`), not inside a random base64url token.
    if (
      (head.charCodeAt(at) === 47 || (at < MAX_ID_PREFIX && oneCaseWord(head, from, at))) &&
      probe(text, start + at + 1)
    )
      return start + at + 1
    from = at + 1
  }
  return -1
}

/** Whether head[from, to) is letters of one case and digits (an empty one too). */
function oneCaseWord(head: string, from: number, to: number): boolean {
  let cases = 0
  for (let i = from; i < to; i++) {
    const c = head.charCodeAt(i)
    if (c >= 97 && c <= 122) cases |= 1
    else if (c >= 65 && c <= 90) cases |= 2
    else if (c < 48 || c > 57) return false
    if (cases === 3) return false
  }
  return true
}

/** The first `/`, `-` or `_` of `head` from `from`, or -1. */
function nextSeparator(head: string, from: number): number {
  let at = head.indexOf('/', from)
  const dash = head.indexOf('-', from)
  if (dash >= 0 && (at < 0 || dash < at)) at = dash
  const low = head.indexOf('_', from)
  if (low >= 0 && (at < 0 || low < at)) at = low
  return at
}

/** A run of one line, ending at `end`. */
const ONE_LINE = (end: number): Lines => ({ end, starts: null, ends: null })

/** The lines of a run from `start`: one, or the lines after it of the same width (a wrapped blob). */
interface Lines {
  /** Where the last line ends. */
  readonly end: number
  /** Where each line starts, and where it ends; `null` for a run of one line. */
  readonly starts: number[] | null
  readonly ends: number[] | null
}

/**
 * The run from `start` to `end`, and the lines after it while each line before has the first's
 * width, 60 or more (PEM's 64, MIME's 76: shorter lines are values of their own, one per line),
 * broken by a line break (`\n`, `\r\n`, an indent around it). The last line ends the text, a
 * line, or its padding: a row of text that goes on after it (`id1,...`) is not part of the blob.
 */
function linesFrom(text: string, start: number, end: number): Lines {
  const width = end - start
  if (width < MIN_WRAP) return { end, starts: null, ends: null }
  let starts: number[] | null = null
  let ends: number[] | null = null
  let last = end
  let chars = width
  for (;;) {
    let next = last
    while (next < text.length && next - last < MAX_BREAK && isSpace(text.charCodeAt(next))) next++
    if (next === last || next >= text.length || !isBase64(text.charCodeAt(next))) break
    const stop = lineEnd(text, next)
    const after = text.charCodeAt(stop)
    if (
      stop - next > width ||
      !/[\r\n]/.test(text.slice(last, next)) ||
      !(stop === text.length || after === 61 || isSpace(after))
    )
      break
    starts ??= [start]
    ends ??= [end]
    starts.push(next)
    ends.push(stop)
    chars += stop - next
    last = stop
    // A shorter line is the last one.
    if (stop - next < width) break
  }
  // A blob of 4n + 1 characters ends with one that makes no byte: its last line is another run.
  if (starts !== null && chars % 4 === 1) {
    starts.pop()
    ends!.pop()
    if (starts.length === 1) return { end, starts: null, ends: null }
    last = ends![ends!.length - 1]!
  }
  return { end: last, starts, ends }
}

/**
 * Whether a span crosses the run [start, end) (starts before and ends inside, or the other way),
 * or holds all of it; `k` is the first span that ends after `start`.
 */
function crossedOrHeld(spans: readonly Span[], k: number, start: number, end: number): boolean {
  for (let j = k; j < spans.length; j++) {
    const span = spans[j]!
    if (span.start >= end) return false
    if (span.start < start || span.end > end) return true
    if (span.start === start && span.end === end) return true
  }
  return false
}

/** Whether the run is the data of a `data:` URL of an image, a sound, a video or a font (in any case). */
function binaryDataUrl(text: string, start: number): boolean {
  if (start < 8 || text.slice(start - 8, start).toLowerCase() !== ';base64,') return false
  const head = text.slice(Math.max(0, start - 128), start).toLowerCase()
  const data = head.lastIndexOf('data:')
  if (data < 0) return false
  const type = head.slice(data + 5, data + 11)
  return (
    type.startsWith('image/') ||
    type.startsWith('audio/') ||
    type.startsWith('video/') ||
    type.startsWith('font/')
  )
}

/** The run's base64 characters, its lines joined. */
function runChars(text: string, start: number, end: number, lines: Lines): string {
  if (lines.starts === null) return text.slice(start, end)
  let out = ''
  for (let l = 0; l < lines.starts.length; l++) out += text.slice(lines.starts[l]!, lines.ends![l]!)
  return out
}

/**
 * The run decoded, if its bytes are text for the most part; `null` otherwise. A wrapped blob is
 * read whole; when its lines are not text together, its first line alone if that line holds whole
 * groups of four (its characters decode as they would in the blob), else none of it.
 */
function decodeRun(
  text: string,
  runStart: number,
  start: number,
  lines: Lines,
  options: Base64Options,
): Base64Text | null {
  let chars = runChars(text, start, lines.end, lines)
  let bytes = decode(chars)
  let texts = bytes === null ? null : textsOf(bytes)
  let wrapped = lines.starts !== null
  if (wrapped && (bytes === null || texts === null || !mostlyText(texts, bytes.length))) {
    const first = lines.ends![0]! - start
    if (first % 4 !== 0) return null
    chars = text.slice(start, start + first)
    bytes = decode(chars)
    texts = bytes === null ? null : textsOf(bytes)
    wrapped = false
  }
  if (bytes === null || texts === null || texts.length === 0) return null
  let cutAtSlash = false
  if (!wrapped) {
    // (Before the test below: a blob and a path, or two blobs, may decode mostly to bytes that
    // are not text, read together.)
    const cut = textBeforeSlash(chars, bytes, texts)
    if (cut !== null) {
      cutAtSlash = true
      chars = cut.chars
      bytes = cut.bytes
      texts = cut.texts
    } else if (chars.length % 4 === 1) {
      // Its last character makes no byte (`<blob>/`, a path going on): left where it is.
      chars = chars.slice(0, -1)
    }
  }
  const share = textsShare(texts, bytes.length)
  if (share === NOT_TEXT) return null
  // A signature's bytes stay bytes, but for a stretch long enough to be text written there.
  if (share === LEAD_TEXT)
    texts = texts.filter((stretch, t) => t === 0 || stretch.to - stretch.from >= TAIL_TEXT_BYTES)
  if (texts.length === 1 && texts[0]!.to === bytes.length && isGlobalId(texts[0]!.text, options)) return null
  const last = wrapped ? lines.end : start + chars.length
  let end = last
  while (end < last + 2 && text.charCodeAt(end) === 61) end++
  const url = alphabetIsUrl(text, runStart, start, chars, end > last)
  return {
    start,
    end,
    bytes,
    texts,
    url,
    // Unpadded where the run shows it (4n + 2 or 4n + 3 characters and no `=`), or in base64url
    // with no `=` (how it is most often written); padded otherwise, as base64 is.
    // A blob a path goes on after is written back as it stood there: with no `=` before the `/`.
    padded: end > last || (!url && !cutAtSlash && chars.length % 4 === 0),
    width: wrapped ? lines.ends![0]! - start : 0,
    lineBreak: wrapped ? text.slice(lines.ends![0]!, lines.starts![1]!) : '',
  }
}

/**
 * An object's global id, whose text names the object: a type name in PascalCase and a number of
 * up to 12 digits or a UUID (GraphQL's Relay: `AccessToken:57792683`, an object of the type
 * `AccessToken`), or a `gid://` URI (Shopify's `gid://shopify/Product/4037851956408`). A one-word
 * type a member-name rule calls secret (`Pin:12345678`, `Password:...`), capitals (`SSN:...`) and
 * a longer number (a card's) are read.
 */
function isGlobalId(text: string, options: Base64Options): boolean {
  const match = GLOBAL_ID.exec(text)
  if (match === null) return false
  const type = match[1] ?? match[2]!
  return /[a-z0-9][A-Z]/.test(type) || !options.secretName(type)
}

const GLOBAL_ID =
  /^(?:([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*):(?:\d{1,12}|[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12})|gid:\/\/[a-z][\w.-]*\/([A-Z][A-Za-z0-9]*)\/\d{1,20}(?:\?[\w=&.-]*)?)$/

/**
 * The run up to the `/` where its text ends, when it decodes to one stretch of text from its
 * first byte and to bytes that are not text after it (`/v1/<blob>/<blob>`, `/u/<blob>/confirm`):
 * the `/` is a path's, and what follows it is read again as a run of its own (base64Texts goes
 * on from it), where a blob it holds decodes. The `/` must stand where the text's last byte
 * ends, the characters before it carrying no bits past it (as an encoder leaves a blob's last
 * character): a `/` that base64 writes inside a blob (for `?`, `>`, ...) has text after it, or
 * follows a character whose bits go on, or stands in bytes that are not text, and is not taken
 * but by chance (a payload with a signature appended, whose tail is then written as it was
 * after the redacted text). `null` when the run is text whole (but for a path's words after it: see
 * pathAfterText), holds more than one stretch of text (all of it read as it is), or no `/` stands there.
 */
function textBeforeSlash(
  chars: string,
  bytes: Buffer,
  texts: Texts,
): { chars: string; bytes: Buffer; texts: Texts } | null {
  if (texts.length !== 1 || texts[0]!.from !== 0) return null
  const textEnd = texts[0]!.to
  if (textEnd === bytes.length) return pathAfterText(chars, bytes)
  // `p` characters write floor(3p / 4) whole bytes: the positions whose head writes the text's
  // bytes, all of them and no more.
  const from = Math.max(MIN_RUN, Math.floor((textEnd * 4) / 3))
  const to = Math.min(chars.length - 1, Math.ceil(((textEnd + 1) * 4) / 3))
  for (let p = from; p <= to; p++) {
    if (chars.charCodeAt(p) !== 47) continue
    // A blob's last character carries no bits past its last byte (zero bits, as encoders
    // write them): a character of a blob that goes on does, in 15 cases of 16 (or 3 of 4).
    if (!endsCleanly(chars, p)) continue
    const head = chars.slice(0, p)
    const headBytes = decode(head)
    if (headBytes === null || headBytes.length !== textEnd) continue
    const headTexts = textsOf(headBytes)
    if (headTexts.length === 1 && headTexts[0]!.from === 0 && headTexts[0]!.to === headBytes.length)
      return { chars: head, bytes: headBytes, texts: headTexts }
  }
  return pathAfterText(chars, bytes)
}

/**
 * A path's words after a blob (`<blob>/view`, `<blob>/details/1`) whose text ends where the
 * `/` starts: a `/` after 4n + 3 characters writes its six bits as the low ones of a byte, `?`
 * (0x3F), and a word's letters after it may write a byte or two of ASCII or a character past it
 * more, so that the text seems to run past its end, or to the run's. Taken only where what follows the `/` is a path's lower-case words,
 * not more of a blob (a payload's signature is mixed-case base64, tens of characters long).
 */
function pathAfterText(chars: string, bytes: Buffer): { chars: string; bytes: Buffer; texts: Texts } | null {
  // The `/`s of the path's words, from the last: the first of them is where the blob ends.
  for (let p = chars.lastIndexOf('/'), n = 0; p >= MIN_RUN && n < 8; p = chars.lastIndexOf('/', p - 1), n++) {
    // After 4n + 3 characters, the `/` writes the byte `k` of the blob, `?` when the text ends cleanly.
    if (p % 4 !== 3 || !PATH_WORDS.test(chars.slice(p + 1))) continue
    const k = ((p - 3) / 4) * 3 + 2
    if (bytes[k] !== 0x3f || !endsCleanly(chars, p)) continue
    const head = chars.slice(0, p)
    const headBytes = decode(head)
    if (headBytes === null || headBytes.length !== k) continue
    const headTexts = textsOf(headBytes)
    if (headTexts.length === 1 && headTexts[0]!.from === 0 && headTexts[0]!.to === k)
      return { chars: head, bytes: headBytes, texts: headTexts }
  }
  return null
}

/** What follows a blob in a URL's path: lower-case words, digits, `-` and `_`, `/` between them. */
const PATH_WORDS = /^[a-z0-9_-]{1,32}(?:\/[a-z0-9_-]{1,32}){0,7}$/

type Texts = ReturnType<typeof textsOf>

/** {@link endsCleanly} of the characters of `text` from `start` to `end`. */
function endsCleanlyAt(text: string, start: number, end: number): boolean {
  const rest = (end - start) % 4
  if (rest === 1) return false
  if (rest === 0) return true
  return ((VALUE[text.charCodeAt(end - 1)] ?? 0) & (rest === 2 ? 0b1111 : 0b11)) === 0
}

/** Whether the first `p` characters end a blob with no bits left over (4n, or a last character's unused bits zero). */
function endsCleanly(chars: string, p: number): boolean {
  return endsCleanlyAt(chars, 0, p)
}

/**
 * Whether text stretches make up three quarters of the bytes or more (random bytes hold short
 * ones), or text from the first byte makes up half of them, 32 bytes or more (a payload with a
 * binary signature or digest appended: `base64(json || hmac)`).
 */
function mostlyText(
  texts: ReadonlyArray<{ readonly from: number; readonly to: number }>,
  length: number,
): boolean {
  return textsShare(texts, length) !== NOT_TEXT
}

const NOT_TEXT = 0
const ALL_TEXT = 1
const LEAD_TEXT = 2

/**
 * {@link mostlyText}, saying which way: `ALL_TEXT` when stretches make up three quarters,
 * `LEAD_TEXT` when only text from the first byte makes the run text (its tail is bytes: a
 * signature), `NOT_TEXT` otherwise.
 */
function textsShare(
  texts: ReadonlyArray<{ readonly from: number; readonly to: number }>,
  length: number,
): number {
  let total = 0
  for (const stretch of texts) total += stretch.to - stretch.from
  if (total * 4 >= length * 3) return ALL_TEXT
  const first = texts[0]!
  return first.from === 0 && first.to >= TEXT_LEAD && first.to * 2 >= length ? LEAD_TEXT : NOT_TEXT
}

/**
 * In a run read for its leading text, the shortest stretch of its tail read as text too: random
 * bytes hold printable stretches of 8 by chance (one decoded to `xk@A.UVz`, an email to the
 * detector); 16 in a row are one in some 10^7 places.
 */
const TAIL_TEXT_BYTES = 16

/** Bytes of text from a run's first byte that make it text with bytes appended (see {@link mostlyText}). */
const TEXT_LEAD = 32

/** The bytes of base64 characters (a run of 4n + 1 has a character too many: its 6 bits make no byte). */
function decode(chars: string): Buffer | null {
  const bytes = Buffer.from(chars.length % 4 === 1 ? chars.slice(0, -1) : chars, 'base64')
  return bytes.length < 12 ? null : bytes
}

/**
 * A stretch {@link utf8Width} found to be UTF-8, decoded; `null` if the decoder refuses it after
 * all: a client's stored text must never make a response fail, the stretch is then left unread.
 */
function decodedOrNull(bytes: Buffer): string | null {
  try {
    return UTF8.decode(bytes)
  } catch {
    return null
  }
}

/** Whether a byte is text on its own: printable ASCII, tab, a line break. */
const isTextByte = (c: number): boolean => (c >= 32 && c !== 127) || c === 9 || c === 10 || c === 13

/**
 * The stretches of `bytes` that are UTF-8 text, of {@link MIN_TEXT_BYTES} or more, decoded: all of
 * them in one, most often; an ANSI colour code, a NUL, a Latin-1 letter ends one.
 */
function textsOf(bytes: Buffer): Array<{ from: number; to: number; text: string }> {
  const out: Array<{ from: number; to: number; text: string }> = []
  let from = 0
  let b = 0
  while (b <= bytes.length) {
    const width = b < bytes.length ? utf8Width(bytes, b) : 0
    if (width > 0) {
      b += width
      continue
    }
    if (b - from >= MIN_TEXT_BYTES) {
      const text = decodedOrNull(bytes.subarray(from, b))
      if (text !== null) out.push({ from, to: b, text })
    }
    b++
    from = b
  }
  return out
}

/** The width of the UTF-8 character of text at `b` (1-4), 0 if the byte starts none. */
function utf8Width(bytes: Buffer, b: number): number {
  const c = bytes[b]!
  if (c < 128) return isTextByte(c) ? 1 : 0
  const count = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0
  if (count === 0 || b + count >= bytes.length + 1) return 0
  for (let k = 1; k <= count; k++) if ((bytes[b + k]! & 0xc0) !== 0x80) return 0
  // Overlong and surrogate forms, and code points past U+10FFFF.
  const second = bytes[b + 1]!
  if (c === 0xe0 && second < 0xa0) return 0
  if (c === 0xed && second >= 0xa0) return 0
  if (c === 0xf0 && second < 0x90) return 0
  if (c === 0xf4 && second >= 0x90) return 0
  return count + 1
}

/**
 * Whether the first bytes of the run (on its first line) may be UTF-8 text: printable ASCII, tab,
 * line breaks, the lead and continuation bytes of a character past ASCII, and at most
 * {@link PROBE_BAD} bytes that are not: control characters anywhere (an ANSI colour code, a NUL),
 * others (a Latin-1 letter, a character cut short) past the first {@link PROBE_CLEAN} bytes, where
 * random bytes are turned away for a few characters' work.
 */
function probe(text: string, start: number): boolean {
  let bits = 0
  let held = 0
  let bytes = 0
  let bad = 0
  // Continuation bytes still expected by the last lead byte.
  let expect = 0
  let i = start
  for (; bytes < PROBE_BYTES; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? VALUE[code]! : -1
    if (value < 0 || (code === 45 && text.charCodeAt(i + 1) === 45 && digestAfter(text, i + 2))) break
    bits = ((bits << 6) | value) & 0xfff
    held += 6
    if (held < 8) continue
    held -= 8
    const c = (bits >> held) & 0xff
    bytes++
    if (expect > 0) {
      if ((c & 0xc0) === 0x80) {
        expect--
        continue
      }
      // A character cut short.
      if (bytes <= PROBE_CLEAN || ++bad > PROBE_BAD) return false
      expect = 0
    }
    if (c < 128) {
      if (!isTextByte(c) && ++bad > PROBE_BAD) return false
    } else if (c >= 0xc2 && c <= 0xdf) expect = 1
    else if (c >= 0xe0 && c <= 0xef) expect = 2
    else if (c >= 0xf0 && c <= 0xf4) expect = 3
    else if (bytes <= PROBE_CLEAN || ++bad > PROBE_BAD) return false
  }
  // Shorter runs hold too little to read; a longer one was read for its first bytes only.
  return bytes === PROBE_BYTES || i - start >= MIN_RUN
}

/**
 * Whether the run is base64url: it has `-` or `_`; `+` or `/` make it base64. With neither: an
 * unpadded run at a length that needs padding is base64url, and so is one after a path or an id's
 * prefix (a restart), in a URL, after `name=` (a query, a cookie) or before a dot (a signed
 * token's part); base64 otherwise.
 */
function alphabetIsUrl(
  text: string,
  runStart: number,
  start: number,
  chars: string,
  padded: boolean,
): boolean {
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i)
    if (c === 45 || c === 95) return true
    if (c === 43 || c === 47) return false
  }
  if (padded) return false
  if (chars.length % 4 !== 0 || start > runStart || text.includes('://')) return true
  // After `name=` (a query, a cookie), or before a dot (a signed token's parts: `<payload>.<sig>`).
  const before = text.charCodeAt(runStart - 1)
  return before === 61 || before === 63 || before === 38 || text.charCodeAt(start + chars.length) === 46
}

/** The run's bytes with each text stretch as `texts` has it now, encoded as the run was written. */
export function encodeLike(run: Base64Text, texts: readonly string[]): string {
  const parts: Buffer[] = []
  let at = 0
  for (let t = 0; t < run.texts.length; t++) {
    const stretch = run.texts[t]!
    parts.push(run.bytes.subarray(at, stretch.from), Buffer.from(texts[t]!, 'utf8'))
    at = stretch.to
  }
  parts.push(run.bytes.subarray(at))
  let out = Buffer.concat(parts).toString(run.url ? 'base64url' : 'base64')
  if (run.url && run.padded) out += '='.repeat((4 - (out.length % 4)) % 4)
  else if (!run.url && !run.padded) out = out.replace(/=+$/, '')
  if (run.width === 0 || out.length <= run.width) return out
  const lines: string[] = []
  for (let i = 0; i < out.length; i += run.width) lines.push(out.slice(i, i + run.width))
  return lines.join(run.lineBreak)
}

/**
 * A string's view with the percent escapes of base64's own characters decoded (`%2B` is `+`,
 * `%2F` is `/`, `%3D` is `=`, in either case): a blob percent-encoded into a URL or a form
 * (`state=eyJ...%2Bx%2F...%3D%3D`) reads as one run there. Other characters come from `view`, the
 * same string with its other escapes blanked. `toWritten[i]` is where character `i` of the view
 * starts in the string (one more entry: the end), `toView[j]` where character `j` of the string
 * stands in the view (one more entry too; both are valid until the next call, their store is
 * reused). `undefined` when the string has no such escape.
 */
export interface UnescapedView {
  readonly text: string
  readonly toWritten: Int32Array
  readonly toView: Int32Array
}

/** {@link UnescapedView}'s maps, reused from one string to the next (see {@link ScratchArray}). */
const TO_WRITTEN = new ScratchArray((length) => new Int32Array(length))
const TO_VIEW = new ScratchArray((length) => new Int32Array(length))

export function unescapeBase64(written: string, view: string): UnescapedView | undefined {
  // The first escape of a base64 character: most escapes are of others (`%20`, `%E2%80%99`), and
  // a string with none of these is not copied.
  let found = written.indexOf('%')
  while (found !== -1 && base64Escape(written, found) === 0) found = written.indexOf('%', found + 1)
  if (found === -1) return undefined
  let any = false
  const n = written.length
  const toWritten = TO_WRITTEN.get(n + 1)
  const toView = TO_VIEW.get(n + 1)
  let out = ''
  let from = 0
  let j = 0
  for (let i = 0; i < n; ) {
    const decoded = i === found ? base64Escape(written, i) : 0
    if (decoded === 0) {
      if (i === found) found = written.indexOf('%', i + 1)
      toView[i] = j
      toWritten[j++] = i
      i++
      continue
    }
    any = true
    out += view.slice(from, i) + String.fromCharCode(decoded)
    toView[i] = toView[i + 1] = toView[i + 2] = j
    toWritten[j++] = i
    i += 3
    from = i
    found = written.indexOf('%', i)
  }
  if (!any) return undefined
  out += view.slice(from)
  toView[n] = j
  toWritten[j] = n
  return { text: out, toWritten: toWritten.subarray(0, j + 1), toView: toView.subarray(0, n + 1) }
}

/** The base64 character `%2B`, `%2F` or `%3D` at `i` stands for (any case); 0 for none. */
function base64Escape(text: string, i: number): number {
  if (i + 2 >= text.length) return 0
  const a = text.charCodeAt(i + 1)
  const b = text.charCodeAt(i + 2) | 32
  if (a === 50) return b === 98 ? 43 : b === 102 ? 47 : 0 // %2B +, %2F /
  return a === 51 && b === 100 ? 61 : 0 // %3D =
}

/** `encoded` with base64's `+`, `/` and `=` percent-escaped again, as the run was written. */
export function escapeBase64(encoded: string, upper: boolean): string {
  return encoded.replace(/[+/=]/g, (c) =>
    c === '+' ? (upper ? '%2B' : '%2b') : c === '/' ? (upper ? '%2F' : '%2f') : upper ? '%3D' : '%3d',
  )
}

/** A base64 run, where it stands in the string as written, and how its `+`, `/`, `=` were written. */
export interface PlacedRun {
  readonly run: Base64Text
  readonly start: number
  readonly end: number
  /** The view the run was read in (its positions are that view's). */
  readonly source: string
  /** Percent-escaped (`%2B`), in this case; `undefined` when written as they are. */
  readonly escapes: 'upper' | 'lower' | undefined
}

/**
 * The base64 runs of a string, where each stands in it as written: `view` is the string as the
 * detectors read it (`written`, other escapes blanked). A blob percent-encoded into a URL or a
 * form (`+`, `/`, `=` written `%2B`, `%2F`, `%3D`) is read whole from a view with those escapes
 * decoded, when it reads there as one clean blob: escapes inside it, a length of whole groups,
 * text from its first byte to its last. Otherwise the escapes end runs, as the other escapes do:
 * an escaped `/` or `+` around a blob (a path before it, `%2Faccept` after it) is not part of it.
 */
export function placedBase64Runs(
  view: string,
  written: string,
  spans: readonly Span[],
  options: Base64Options,
): PlacedRun[] {
  const runs: PlacedRun[] = base64Texts(view, spans, options).map((run) => ({
    run,
    start: run.start,
    end: run.end,
    source: view,
    escapes: undefined,
  }))
  const unescaped = view === written ? undefined : unescapeBase64(written, view)
  if (unescaped === undefined) return runs
  const toView = unescaped.toView
  const held = spans.map((span) => ({ ...span, start: toView[span.start]!, end: toView[span.end]! }))
  let whole: PlacedRun[] | undefined
  for (const run of base64Texts(unescaped.text, held, options)) {
    const start = unescaped.toWritten[run.start]!
    const end = unescaped.toWritten[run.end]!
    const only = run.texts.length === 1 ? run.texts[0]! : undefined
    if (
      end - start === run.end - run.start ||
      run.width !== 0 ||
      (run.end - run.start) % 4 !== 0 ||
      only === undefined ||
      only.from !== 0 ||
      only.to !== run.bytes.length
    )
      continue
    const firstEscape = written.indexOf('%', start)
    whole ??= []
    whole.push({
      run,
      start,
      end,
      source: unescaped.text,
      escapes: written.charCodeAt(firstEscape + 2) < 97 ? 'upper' : 'lower',
    })
  }
  if (whole === undefined) return runs
  // The whole blobs, and the runs of the blanked reading outside them, in order.
  const out: PlacedRun[] = [...whole]
  for (const placed of runs)
    if (!whole.some((blob) => placed.start < blob.end && placed.end > blob.start)) out.push(placed)
  return out.sort((a, b) => a.start - b.start)
}
