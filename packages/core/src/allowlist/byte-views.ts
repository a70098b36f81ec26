/**
 * Byte views in a body: a `Buffer` (which JSON writes as `{"type":"Buffer","data":[...]}`), a
 * `Uint8Array`, `Int8Array` or `Uint8ClampedArray` (written as `{"0":...,"1":...}`). Their bytes
 * go out as numbers that no detector reads: a database driver's BLOB or BYTEA column, a key read
 * from a file, a token kept as bytes. Both walkers (the projection and the compiled serializer)
 * read them as text, one character per byte (latin1), so a secret spelled in ASCII inside them is
 * found and masked, and write what redaction made of that text back as bytes of the same kind.
 */
export type ByteView = Uint8Array | Int8Array | Uint8ClampedArray

/** Whether `value` is a byte view (see {@link ByteView}). Wider views (`Uint16Array`, ...) are not. */
export function isByteView(value: unknown): value is ByteView {
  return (
    typeof value === 'object' &&
    value !== null &&
    ArrayBuffer.isView(value) &&
    (value instanceof Uint8Array || value instanceof Int8Array || value instanceof Uint8ClampedArray)
  )
}

/**
 * `view` with what `redact` makes of its bytes read as text: `view` itself when the text comes
 * back unchanged, `null` when redaction removes the value (a symbol comes back), otherwise a new view of the
 * same kind (a `Buffer` stays a `Buffer`) holding the redacted text's bytes. A mask's characters
 * past latin1 are written as `?`: a mask is ASCII unless a custom one says otherwise.
 */
export function redactedBytes(view: ByteView, redact: (text: string) => unknown): ByteView | null {
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength)
  const text = bytes.toString('latin1')
  const out = redact(text)
  if (out === text) return view
  if (typeof out === 'symbol') return null
  const written = Buffer.from(latin1Only(typeof out === 'string' ? out : String(out)), 'latin1')
  if (Buffer.isBuffer(view)) return written
  if (view instanceof Int8Array) return new Int8Array(written.buffer, written.byteOffset, written.byteLength)
  if (view instanceof Uint8ClampedArray)
    return new Uint8ClampedArray(written.buffer, written.byteOffset, written.byteLength)
  return new Uint8Array(written.buffer, written.byteOffset, written.byteLength)
}

/** `text` with characters past latin1 as `?` (latin1 encoding would keep only their low byte). */
function latin1Only(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: latin1 is U+0000-U+00FF
  return /[^\u0000-\u00ff]/.test(text) ? text.replace(/[^\u0000-\u00ff]/g, '?') : text
}
