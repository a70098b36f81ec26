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
  if (isUntyped(contentType) && page) return 'text'
  return isTextContentType(contentType) && (atHand || page) ? 'text' : undefined
}

function isUntyped(header: unknown): boolean {
  return header === undefined || header === null || header === ''
}

/** Whether a Content-Type header names text (`text/*`): redacted, never parsed. */
export function isTextContentType(header: unknown): boolean {
  const value = Array.isArray(header) ? header[0] : header
  return typeof value === 'string' && value.trimStart().slice(0, 5).toLowerCase() === 'text/'
}
