import type { ServerResponse } from 'node:http'
import {
  type BlockedResponse,
  type ContentEncodingHeader,
  isEventStreamContentType,
  isUntypedContentType,
  readsAsText,
  type SerializedDecision,
  serializedBodyKind,
} from '@leakguard/core'

/** What {@link interceptRawBody} needs from the middleware. */
export interface RawBodyHooks {
  /** Whether the write comes from a body leakguard already filtered (`res.send` and kin). */
  isInside(): boolean
  /**
   * Whether a body sent with `res.send` or `res.json` is still being filtered in turns: the
   * response is taken, so the application's own writes after it fail as they would after
   * Express's `end` (a `write` or a `writeHead` fails, an `end` does nothing).
   */
  isPending(): boolean
  /**
   * `encoding`: the `Content-Encoding` the bytes carry (a compression middleware mounted after
   * leakguard). A large body may be decided over several event-loop turns (a promise comes back):
   * `end()` then returns at once and the body goes out once decided.
   */
  filter(payload: Buffer, encoding: ContentEncodingHeader): SerializedDecision | Promise<SerializedDecision>
  /**
   * For text written raw and read (`text/*` or untyped: an error or redirect page, or a body in one
   * `end()`): redaction, and error hygiene for 4xx/5xx. `type`: the Content-Type the body was
   * decided on (a handler may change the header between its writes).
   */
  filterText(payload: Buffer, encoding: ContentEncodingHeader, type: unknown): SerializedDecision
  /**
   * A body leakguard does not read (bytes sent without a type): the generic answer a route with
   * `ownerPath` gives for what it cannot check, `undefined` elsewhere.
   */
  opaque(): BlockedResponse | undefined
  /**
   * The generic 500 to send instead of whatever this response holds (a redirect, a 204, an image)
   * when the framework served another route or method than leakguard decided on.
   */
  misrouted(): BlockedResponse | undefined
  /** Called once, just before the head goes out: scans and rewrites the response headers. */
  beforeHead(): void
  /**
   * Bytes were written past leakguard's patches (through `http.ServerResponse.prototype`) before
   * any body of its own: they go out unread, and this reports it.
   */
  rawWrite(): void
  /** Removes the headers a blocked response must not send, and marks it not to be cached. */
  clearForBlock(): void
  /** Reports a blocked body and returns the generic 500 to send instead. */
  block(
    code: 'ERR_LG_RESPONSE_TOO_LARGE' | 'ERR_LG_RESPONSE_HEADERS_SENT' | 'ERR_LG_RESPONSE_INTERNAL',
  ): BlockedResponse
  readonly maxBytes: number
}

type Callback = (error?: Error | null) => void

/** An error with Node's `code`, as Node's own streams and responses throw them. */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * Remembers the head of `res` (status, reason, headers) when a body was handed over to be sent
 * later; the function it returns puts that head back. What was set in between (an error handler
 * after the handler threw) would have failed had the body gone out at once, and the body was
 * decided for the status it had.
 */
export function holdHead(res: ServerResponse): () => void {
  const status = res.statusCode
  const message = res.statusMessage
  const headers = res.getHeaders()
  return () => {
    for (const name of res.getHeaderNames()) if (!(name in headers)) res.removeHeader(name)
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value)
    res.statusCode = status
    res.statusMessage = message
  }
}

/**
 * A body decided later could not be sent (a header value Node refuses): the generic 500 if the
 * head is still to go, else the connection is cut. Never throws.
 */
function failClosed(
  res: ServerResponse,
  hooks: RawBodyHooks,
  end: (this: ServerResponse, ...args: unknown[]) => ServerResponse,
): void {
  try {
    if (res.headersSent) {
      res.destroy()
      return
    }
    const blocked = hooks.block('ERR_LG_RESPONSE_INTERNAL')
    hooks.clearForBlock()
    res.statusCode = blocked.status
    res.setHeader('Content-Type', blocked.contentType)
    res.setHeader('Content-Length', Buffer.byteLength(blocked.payload))
    end.call(res, blocked.payload)
  } catch {
    res.destroy()
  }
}

/** What Node throws for headers set or sent after the response's head went out. */
export function headersSentError(): Error {
  return codedError('Cannot set headers after they are sent to the client', 'ERR_HTTP_HEADERS_SENT')
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | null {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return null
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return null
}

type OutgoingHeaders = Record<string, unknown> | readonly unknown[]

/**
 * Whether a body written in one `end(chunk)` call, nothing before, is text leakguard reads at
 * hand, as it reads the same body given to `res.send`: a `text/*` type but an event stream (it
 * never ends), or no type at all (a client sniffs it: `res.end(JSON.stringify(user))`), at any
 * status that has a body, not encoded.
 */
function textAtHand(res: ServerResponse): boolean {
  const status = res.statusCode
  if (status < 200 || status === 204 || status === 304 || res.req?.method === 'HEAD') return false
  // A head out already (flushed): a body with no length can still be replaced (it goes chunked),
  // unless the head names a coding (compression below leakguard encodes what it writes).
  if (res.headersSent && (res.hasHeader('content-length') || res.hasHeader('content-encoding'))) return false
  // Pre-compressed text (`res.set('Content-Encoding', 'gzip').end(gzipped)`) is decoded to be read.
  const type = res.getHeader('content-type')
  if (isUntypedContentType(type)) return true
  return serializedBodyKind(type, status, true) === 'text' && !isEventStreamContentType(type)
}

/** Whether a body's one chunk, given to `end()`, is bytes that do not read as text. */
function isBinaryChunk(chunk: unknown, encoding: unknown): boolean {
  const bytes = toBuffer(chunk, encoding)
  return bytes !== null && !readsAsText(bytes)
}

/** Whether a chunk Node is about to send holds bytes (a flush sends an empty one). */
function hasBytes(data: unknown): boolean {
  if (typeof data === 'string') return data.length > 0
  return ArrayBuffer.isView(data) && data.byteLength > 0
}

/** Applies the headers of a `writeHead()` call to `res` as `setHeader` would, without sending them. */
function applyHeaders(res: ServerResponse, headers: OutgoingHeaders | undefined): void {
  if (headers === undefined || headers === null) return
  if (!Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) res.setHeader(name, value as string | number | readonly string[])
    }
    return
  }
  // Raw form: [name, value, name, value] or [[name, value], ...]; a repeated name keeps every value.
  const pairs: unknown[][] = Array.isArray(headers[0])
    ? (headers as unknown[][])
    : Array.from({ length: headers.length >> 1 }, (_, i) => [headers[2 * i], headers[2 * i + 1]])
  const values = new Map<string, { name: string; values: string[] }>()
  for (const [name, value] of pairs) {
    const key = String(name).toLowerCase()
    const entry = values.get(key) ?? { name: String(name), values: [] }
    entry.values.push(String(value))
    values.set(key, entry)
  }
  for (const { name, values: all } of values.values()) res.setHeader(name, all.length === 1 ? all[0]! : all)
}

/**
 * Catches JSON written straight to `res.write`/`res.end` (a stream piped into `res`,
 * `res.sendFile`), and error pages written the same way (`text/*` or untyped, status 400+, such as Express's
 * finalhandler), which never pass through `res.send`: buffers them up to `maxBytes`, filters them,
 * and fixes Content-Length (dropping the file's ETag and Last-Modified, which no longer describe
 * the body). Other content types stream through untouched. `res.writeHead()` of such a body (the
 * app's own, or a compression middleware's, called before the body reaches leakguard) is held
 * back until the filtered body is known, so its status and lengths can still be corrected. If the
 * head was flushed already and the body must change, a chunked body is replaced and anything else
 * closes the connection: nothing else is safe.
 */
export function interceptRawBody(res: ServerResponse, hooks: RawBodyHooks): { seen(): boolean } {
  const { write, writeHead } = res
  const end = res.end as unknown as (this: ServerResponse, ...args: unknown[]) => ServerResponse
  let mode: 'undecided' | 'pass' | 'json' | 'text' = 'undecided'
  let encoding: ContentEncodingHeader
  /** The Content-Type the mode was decided on. */
  let decidedType: unknown
  const chunks: Buffer[] = []
  let size = 0
  let overflow = false

  let misrouted: BlockedResponse | undefined
  let routeChecked = false
  /** Whether the response must be replaced by the generic 500: checked once, before any byte. */
  const isMisrouted = (): boolean => {
    if (!routeChecked && !res.headersSent) {
      routeChecked = true
      misrouted = hooks.misrouted()
    }
    return misrouted !== undefined
  }
  /** `atHand`: the body is one `end(chunk)`, nothing written before (a redirect's page, `res.end(html)`). */
  const passing = (atHand = false): boolean => {
    if (isMisrouted()) return false
    // leakguard produced this body itself (a filtered send, or what follows it once it succeeded);
    // a send that threw decides nothing for what the app writes next.
    if (hooks.isInside()) return true
    if (mode === 'undecided') {
      const type = res.getHeader('content-type')
      decidedType = type
      encoding = res.getHeader('content-encoding')
      // Error pages written raw (Express's finalhandler) are small: read them for error hygiene.
      // An untyped one too: a browser sniffs it as text (`res.statusCode = 500; res.end(err.stack)`).
      // A redirect's page written in one `res.end()` (`res.redirect` repeats its Location there)
      // is read too, and so is any text or untyped body written in one `end()`, as `res.send`
      // reads it. Other text of a success written raw (server-sent events, a CSV streamed in
      // writes) passes.
      mode =
        (atHand && isUntypedContentType(type) ? 'text' : serializedBodyKind(type, res.statusCode, atHand)) ??
        'pass'
    }
    return mode === 'pass'
  }

  const append = (chunk: unknown, encoding: unknown): void => {
    const buffer = toBuffer(chunk, encoding)
    if (buffer === null || overflow || misrouted !== undefined) return
    size += buffer.length
    if (size > hooks.maxBytes) {
      overflow = true
      chunks.length = 0
      return
    }
    chunks.push(buffer)
  }

  let released = false
  // Set while a large body ended with `end()` is decided over several turns: the response is taken.
  let deferred = false
  const taken = (): boolean => deferred || hooks.isPending()
  const finish = (callback: Callback | undefined): ServerResponse => {
    released = true // from here on the head goes out: Node's end() writes it implicitly
    let decision: SerializedDecision | Promise<SerializedDecision>
    let original: Buffer | null = null
    if (misrouted !== undefined) {
      decision = misrouted
    } else if (overflow) {
      decision = hooks.block('ERR_LG_RESPONSE_TOO_LARGE')
    } else {
      original = Buffer.concat(chunks, size)
      decision = decide(original)
    }
    if (!(decision instanceof Promise)) return settle(decision, original, callback)
    deferred = true
    const restoreHead = holdHead(res)
    decision.then((decided) => {
      deferred = false
      if (res.destroyed) return
      try {
        // A head already out (a compression middleware below leakguard wrote it) stays as it went.
        if (!res.headersSent) restoreHead()
        settle(decided, original, callback)
      } catch {
        failClosed(res, hooks, end)
      }
    })
    return res
  }

  /** What leakguard decides for a body it held whole. */
  const decide = (original: Buffer): SerializedDecision | Promise<SerializedDecision> => {
    // The type that goes on the wire is the one at the end: a text page retyped JSON is JSON.
    const type = res.getHeader('content-type')
    if (mode === 'json' || serializedBodyKind(type, res.statusCode, true) === 'json')
      return hooks.filter(original, encoding)
    if (isUntypedContentType(decidedType) && isUntypedContentType(type) && !readsAsText(original)) {
      const denied = hooks.opaque()
      return denied ?? { blocked: false, payload: original }
    }
    // Text it was decided on: a type changed since to bytes is still read as the text it was.
    return hooks.filterText(
      original,
      encoding,
      isUntypedContentType(decidedType) ? 'text/plain' : decidedType,
    )
  }

  /** Sends what was decided for the body `original` (`null`: blocked before it was read). */
  const settle = (
    decision: SerializedDecision,
    original: Buffer | null,
    callback: Callback | undefined,
  ): ServerResponse => {
    if (!decision.blocked && decision.payload === original) {
      // `send` (sendFile, download) answers HEAD with the file's length and validators and no
      // body, as `res.redirect` does with its page's: they describe what was not filtered, whose
      // length they would give away. Without a body to filter, they go.
      if (size === 0 && res.req?.method === 'HEAD') {
        res.removeHeader('Content-Length')
        res.removeHeader('ETag')
        res.removeHeader('Last-Modified')
      }
      return end.call(res, original, callback)
    }
    const { payload } = decision
    if (res.headersSent) {
      // A compression middleware below leakguard wrote the head before its first compressed
      // bytes: a chunked body can still be replaced; a status or a Content-Length cannot.
      if (!decision.blocked && !res.hasHeader('content-length')) return end.call(res, payload, callback)
      hooks.block('ERR_LG_RESPONSE_HEADERS_SENT')
      res.destroy()
      return res
    }
    if (decision.blocked) {
      // Nothing of the original: its cookies, validators, Location, encoding, custom headers.
      hooks.clearForBlock()
      res.statusCode = decision.status
      res.setHeader('Content-Type', decision.contentType)
    }
    res.removeHeader('ETag')
    res.removeHeader('Last-Modified')
    res.removeHeader('Transfer-Encoding') // a chunked framing set by the app (a proxy copying it)
    res.setHeader(
      'Content-Length',
      typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength,
    )
    return end.call(res, payload, callback)
  }

  res.writeHead = function leakguardWriteHead(this: ServerResponse, status: number, ...rest: unknown[]) {
    if (taken()) throw headersSentError()
    if (res.headersSent) return writeHead.apply(this, [status, ...rest] as Parameters<typeof writeHead>)
    if (forcing) {
      hooks.beforeHead()
      return writeHead.call(this, res.statusCode)
    }
    const [reason, headers] = typeof rest[0] === 'string' ? [rest[0], rest[1]] : [undefined, rest[0]]
    res.statusCode = status
    if (reason !== undefined) res.statusMessage = reason
    applyHeaders(res, headers as OutgoingHeaders | undefined)
    // A redirect's page may follow in one end(): the head waits for it, the mode undecided (a
    // write() before that end decides it, and the head goes out then).
    if (!released && mode === 'undecided' && !hooks.isInside() && !isMisrouted() && textAtHand(res)) {
      if (!(flushing && res.statusCode < 300)) return this
      // Flushed on purpose: the head goes now, and the body is still decided when it comes.
      hooks.beforeHead()
      return writeHead.call(this, res.statusCode)
    }
    if (!released && !passing()) return this // sent with the filtered body, by end()
    hooks.beforeHead()
    return writeHead.call(this, res.statusCode)
  } as typeof res.writeHead

  // Bytes written past leakguard's own write and end (through `http.ServerResponse.prototype`)
  // reach Node's `_send` with no call of leakguard's on the stack. They go out at once and unread:
  // the head goes before them (one leakguard held would follow them), through the `writeHead` the
  // app's other middleware wrapped, and the fact is reported. A flush sends no bytes and is left
  // alone. (Middleware that calls `_implicitHeader()` itself, as express-session and compression
  // do, is not such a write: it only asks for the head, which stays held.)
  let own = 0
  /** Whether leakguard passed a write or an end of its own on to Node. */
  let wroteOwn = false
  let forcing = false
  let reported = false
  const target = res as unknown as {
    _send?: (this: ServerResponse, data: unknown, ...rest: unknown[]) => unknown
    _header?: unknown
    flushHeaders: (this: ServerResponse) => void
  }
  const nodeSend = target._send
  if (typeof nodeSend === 'function') {
    target._send = function leakguardRawSend(this: ServerResponse, data: unknown, ...rest: unknown[]) {
      // Only before leakguard wrote anything itself: middleware below it (compression,
      // express-session) writes its own output later through Node's methods.
      if (own > 0 || wroteOwn || released || hooks.isInside()) return nodeSend.call(this, data, ...rest)
      const bytes = hasBytes(data)
      // An empty `_send` is a flush, or an end that came past leakguard with nothing: that one
      // needs the head leakguard held, or the client waits for it.
      if (!bytes && (flushing || target._header != null)) return nodeSend.call(this, data, ...rest)
      if (bytes) {
        seen = true
        if (!reported) {
          reported = true
          hooks.rawWrite()
        }
      }
      if (target._header != null || res.headersSent) return nodeSend.call(this, data, ...rest)
      forcing = true
      try {
        res.writeHead(res.statusCode)
      } finally {
        forcing = false
      }
      // Node chose this chunk's framing before the head was stored: a chunked head needs it
      // framed here, or the body could end the response early and spell another (a split).
      if (!bytes || !(this as unknown as { chunkedEncoding?: boolean }).chunkedEncoding)
        return nodeSend.call(this, data, ...rest)
      const [encoding, callback] = rest
      const length =
        typeof data === 'string'
          ? Buffer.byteLength(data, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : (data as ArrayBufferView).byteLength
      nodeSend.call(this, `${length.toString(16)}\r\n`, 'latin1', null)
      nodeSend.call(this, data, encoding, null)
      return nodeSend.call(this, '\r\n', 'latin1', callback)
    }
  }
  // A success's head flushed on purpose (`flushHeaders()`: long polling, a stream's early head)
  // goes out at once; a body then written whole in one `end()` is still read (it goes chunked).
  let flushing = false
  const flushHeaders = target.flushHeaders
  target.flushHeaders = function leakguardFlushHeaders(this: ServerResponse) {
    flushing = true
    try {
      return flushHeaders.call(this)
    } finally {
      flushing = false
    }
  }

  let seen = false
  res.write = function leakguardWrite(
    this: ServerResponse,
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    seen = true
    const done = typeof encoding === 'function' ? encoding : callback
    if (taken()) {
      const error = codedError('write after end', 'ERR_STREAM_WRITE_AFTER_END')
      if (typeof done === 'function') process.nextTick(done as Callback, error)
      return false
    }
    if (passing()) {
      own++
      wroteOwn = true
      try {
        return write.apply(this, arguments as unknown as Parameters<typeof write>)
      } finally {
        own--
      }
    }
    append(chunk, encoding)
    if (typeof done === 'function') process.nextTick(done as Callback)
    return true
  } as typeof res.write

  res.end = function leakguardEnd(
    this: ServerResponse,
    chunk?: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    seen = true
    const done = [chunk, encoding, callback].find((arg) => typeof arg === 'function') as Callback | undefined
    if (taken()) {
      if (done !== undefined)
        process.nextTick(
          done,
          codedError('Cannot call end after a stream was finished', 'ERR_STREAM_ALREADY_FINISHED'),
        )
      return this
    }
    // Bytes without a type that are not text (an image sent raw) are not read, whatever their size.
    const atHand =
      textAtHand(res) &&
      !(isUntypedContentType(res.getHeader('content-type')) && isBinaryChunk(chunk, encoding))
    if (passing(atHand)) {
      own++
      wroteOwn = true
      try {
        return end.apply(this, [...arguments])
      } finally {
        own--
      }
    }
    append(chunk, encoding)
    return finish(done)
  } as typeof res.end
  return { seen: () => seen }
}
