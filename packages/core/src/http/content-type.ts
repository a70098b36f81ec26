import { isUtf8 } from 'node:buffer'

/**
 * Whether a Content-Type header names JSON: `application/json`, `application/*+json`, or the
 * unregistered names clients read as JSON all the same (`text/json`, `text/x-json`,
 * `application/x-json`), any parameters. A route's allowlist applies to all of them: a handler
 * that picks a legacy name does not step around it. Bodies are classified by this header only,
 * never by sniffing their bytes.
 */
export function isJsonContentType(header: unknown): boolean {
  const value = Array.isArray(header) ? header[0] : header
  if (typeof value !== 'string') return false
  const semicolon = value.indexOf(';')
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase()
  return (
    type === 'application/json' ||
    (type.startsWith('application/') && type.endsWith('+json')) ||
    type === 'text/json' ||
    type === 'text/x-json' ||
    type === 'application/x-json'
  )
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

/** Whether a Content-Type header names text (`text/*`): redacted, never parsed. */
export function isTextContentType(header: unknown): boolean {
  const value = Array.isArray(header) ? header[0] : header
  return typeof value === 'string' && value.trimStart().slice(0, 5).toLowerCase() === 'text/'
}
