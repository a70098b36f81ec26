import { isUtf8 } from 'node:buffer'

/**
 * Whether one of a header's values has a media type `test` accepts: a header set twice
 * (`res.setHeader('Content-Type', [a, b])`) is read as a browser may read it (the Fetch standard
 * takes the last), or any other client (the first): a body either may read as JSON is JSON.
 */
function anyType(header: unknown, test: (type: string) => boolean): boolean {
  return Array.isArray(header) ? header.some((value) => test(mediaType(value))) : test(mediaType(header))
}

/** The media type of a Content-Type value, lower case, without parameters; `''` when there is none. */
function mediaType(value: unknown): string {
  if (typeof value !== 'string') return ''
  const semicolon = value.indexOf(';')
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase()
}

/**
 * JSON written as several documents or with a laxer grammar (JSON Lines, NDJSON, JSON text
 * sequences, JSON5, JSON with comments), or inside a script (JSONP): no one document to filter,
 * so it is read as text.
 */
const JSON_TEXT =
  /ndjson|ldjson|jsonl|json-lines|json-?seq|json-stream|stream\+json|json5|jsonc\b|jsonp\b|hjson/

/**
 * Whether a Content-Type header names a JSON document: `application/json`, any `+json` type
 * (`application/problem+json`), and every other type whose subtype names JSON, as frameworks and
 * clients read it (Fastify and Koa send a string under any of them as JSON): `text/json`,
 * `application/x-json`, `application/x-amz-json-1.1`, `application/vnd.api.json`; any
 * parameters. A route's allowlist applies to all of them: a handler that picks another name does
 * not step around it. JSON in several documents (`application/x-ndjson`, JSON Lines, JSON text
 * sequences, JSON5) is text ({@link isTextContentType}). Bodies are classified by this header only,
 * never by sniffing their bytes.
 */
export function isJsonContentType(header: unknown): boolean {
  return anyType(header, isJsonType)
}

function isJsonType(type: string): boolean {
  const slash = type.indexOf('/')
  return slash !== -1 && type.includes('json', slash) && !JSON_TEXT.test(type)
}

/**
 * How the engine reads a serialized body or a stream: `'json'` (filtered), `'text'` (redacted:
 * whenever it is at hand, and as a stream only for error and redirect pages, since a 2xx text
 * stream such as server-sent events has no end to wait for), or `undefined` (not leakguard's:
 * sent as it is). An error or redirect page with no Content-Type at all is text: a browser
 * sniffing it reads it as text.
 * (`application/octet-stream`, what Koa labels bytes and streams sent without a type, is binary.)
 */
export function serializedBodyKind(
  contentType: unknown,
  status: number,
  atHand: boolean,
): 'json' | 'text' | undefined {
  if (isJsonContentType(contentType)) return 'json'
  // A redirect's page (`res.status(302).end(text)`, or written in pieces) is a page: it ends.
  const page = status >= 400 || (status >= 300 && status !== 304)
  if (isUntypedContentType(contentType) && page) return 'text'
  return isTextContentType(contentType) && (atHand || page) ? 'text' : undefined
}

/** Whether a response has no Content-Type at all (a client then sniffs its bytes). */
export function isUntypedContentType(header: unknown): boolean {
  return header === undefined || header === null || header === ''
}

/** Whether a Content-Type names server-sent events (`text/event-stream`): a stream that never ends. */
export function isEventStreamContentType(header: unknown): boolean {
  const value = Array.isArray(header) ? header[0] : header
  return typeof value === 'string' && value.trimStart().toLowerCase().startsWith('text/event-stream')
}

/**
 * What a JSON-typed body that code after leakguard's filter sent (an envelope, a prefix) is read
 * as: JSON when it opens as JSON text does (after blanks and a byte order mark), text otherwise
 * (an XSSI guard's `)]}',` before the JSON), which is redacted as text, not refused as broken JSON.
 */
export function lateBodyKind(payload: string | Uint8Array): 'json' | 'text' {
  const text = typeof payload === 'string'
  const length = text ? payload.length : payload.byteLength
  let i = 0
  if (
    text
      ? payload.charCodeAt(0) === 0xfeff
      : payload[0] === 0xef && payload[1] === 0xbb && payload[2] === 0xbf
  )
    i = text ? 1 : 3
  for (; i < length; i++) {
    const c = text ? payload.charCodeAt(i) : payload[i]!
    if (c === 32 || c === 9 || c === 10 || c === 13) continue
    // `{`, `[`, `"`, `-`, a digit, or true, false and null (`for(;;);` is an XSSI prefix).
    if (c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57)) return 'json'
    for (const literal of LITERALS) if (opensWith(payload, i, literal)) return 'json'
    return 'text'
  }
  return 'json'
}

const LITERALS = ['true', 'false', 'null']

/** Whether `payload` holds the ASCII `word` from `at`. */
function opensWith(payload: string | Uint8Array, at: number, word: string): boolean {
  const text = typeof payload === 'string'
  for (let k = 0; k < word.length; k++) {
    const c = text ? payload.charCodeAt(at + k) : payload[at + k]
    if (c !== word.charCodeAt(k)) return false
  }
  return true
}

/**
 * Whether bytes sent without a type read as text, as a client may read them: with a byte order
 * mark, as UTF-8, or, not being UTF-8, neither opening as a binary format does nor holding one
 * byte in twenty that no text holds (Latin-1 text with a control character here and there, a NUL
 * a user's field put there). Others (an image, an archive sent raw without its type) are bytes,
 * which leakguard does not read.
 */
export function readsAsText(bytes: Uint8Array): boolean {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  )
    return true
  if (isUtf8(bytes)) return true
  if (BINARY_MAGIC.some((magic) => magic.every((byte, i) => bytes[i] === byte))) return false
  // Bytes that no text holds (controls but tab, line breaks, form feed and escape), in the first
  // 512: random or compressed data has about one in ten.
  const head = bytes.subarray(0, 512)
  let binary = 0
  for (const c of head) if (c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 27) binary++
  return binary * 20 < head.length
}

/** The first bytes of common binary formats: PNG, JPEG, GIF, PDF, ZIP, gzip, WebP/RIFF, zstd. */
const BINARY_MAGIC: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47],
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0x25, 0x50, 0x44, 0x46],
  [0x50, 0x4b, 0x03, 0x04],
  [0x1f, 0x8b],
  [0x52, 0x49, 0x46, 0x46],
  [0x28, 0xb5, 0x2f, 0xfd],
]

/**
 * Types outside `text/*` that are text all the same: scripts (a hand-made JSONP), YAML, form data,
 * GraphQL and SQL, shell scripts. XML (`application/xml`, `*+xml`: SVG, XHTML, Atom, SOAP) and
 * YAML suffixes count too.
 */
const TEXT_TYPES = new Set([
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/x-ecmascript',
  'application/xml',
  'application/xml-dtd',
  'application/yaml',
  'application/x-yaml',
  'application/yml',
  'application/x-yml',
  'application/toml',
  'application/x-toml',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/sql',
  'application/x-sql',
  'application/x-sh',
  'application/x-shellscript',
  'application/x-httpd-php',
  'application/rtf',
  'message/http',
])

/**
 * Whether a Content-Type header names text: `text/*`, XML and YAML in any type (`application/xml`,
 * `image/svg+xml`, `application/xhtml+xml`), scripts, form data and the other types of
 * {@link TEXT_TYPES}, and JSON in several documents (`application/x-ndjson`). Redacted, never
 * parsed.
 */
export function isTextContentType(header: unknown): boolean {
  return anyType(header, isTextType)
}

function isTextType(type: string): boolean {
  return (
    type.startsWith('text/') ||
    TEXT_TYPES.has(type) ||
    type.endsWith('+xml') ||
    type.endsWith('+yaml') ||
    (type.includes('json') && JSON_TEXT.test(type))
  )
}
