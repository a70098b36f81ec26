import { isUtf8 } from 'node:buffer'

/**
 * Byte views in a body: a `Buffer` (which JSON writes as `{"type":"Buffer","data":[...]}`), a
 * `Uint8Array`, `Int8Array` or `Uint8ClampedArray` (written as `{"0":...,"1":...}`). Their bytes
 * go out as numbers that no detector reads: a database driver's BLOB or BYTEA column, a key read
 * from a file, a token kept as bytes. Both walkers (the projection and the compiled serializer)
 * read them as text (UTF-8 when they are valid UTF-8, else one character per byte), so a secret
 * inside them is found and masked, and write what redaction made of that text back as bytes of
 * the same kind.
 */
export type ByteView = Uint8Array | Int8Array | Uint8ClampedArray

// The view's own facts, read through the intrinsic getters as JSON reads them (its internal
// slots), not through what the object or its prototype may say (an own `buffer` getter, a
// subclass's `byteLength`, a view from another realm).
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object
const intrinsic = (name: PropertyKey) =>
  Object.getOwnPropertyDescriptor(TYPED_ARRAY, name)!.get as (this: unknown) => unknown
const kindOf = intrinsic(Symbol.toStringTag)
const bufferOf = intrinsic('buffer') as (this: unknown) => ArrayBufferLike
const offsetOf = intrinsic('byteOffset') as (this: unknown) => number
const lengthOf = intrinsic('byteLength') as (this: unknown) => number

const BYTE_KINDS = new Set(['Uint8Array', 'Int8Array', 'Uint8ClampedArray'])

/**
 * Whether `value` is a byte view (see {@link ByteView}), whatever its prototype says or the realm
 * it comes from. Wider views (`Uint16Array`, ...) and `DataView` are not.
 */
export function isByteView(value: unknown): value is ByteView {
  return ArrayBuffer.isView(value) && BYTE_KINDS.has(kindOf.call(value) as string)
}

/**
 * `view` with what `redact` makes of its bytes read as text: `view` itself when the text comes
 * back unchanged (or the view has no bytes: empty, or its buffer detached), `null` when redaction
 * removes the value (a symbol comes back), otherwise a new view of the same kind (a `Buffer` stays
 * a `Buffer`) holding the redacted text's bytes, in the encoding the text was read in. Read as one
 * character per byte, a mask's characters past latin1 are written as `?`.
 */
export function redactedBytes(view: ByteView, redact: (text: string) => unknown): ByteView | null {
  const length = lengthOf.call(view)
  if (length === 0) return view
  const bytes = Buffer.from(bufferOf.call(view), offsetOf.call(view), length)
  const encoding = isUtf8(bytes) ? 'utf8' : 'latin1'
  const text = bytes.toString(encoding)
  const out = redact(text)
  if (out === text) return view
  if (typeof out === 'symbol') return null
  const masked = typeof out === 'string' ? out : String(out)
  const written = Buffer.from(encoding === 'latin1' ? latin1Only(masked) : masked, encoding)
  if (Buffer.isBuffer(view)) return written
  const kind = kindOf.call(view)
  if (kind === 'Int8Array') return new Int8Array(written.buffer, written.byteOffset, written.byteLength)
  if (kind === 'Uint8ClampedArray')
    return new Uint8ClampedArray(written.buffer, written.byteOffset, written.byteLength)
  return new Uint8Array(written.buffer, written.byteOffset, written.byteLength)
}

/** `text` with characters past latin1 as `?` (latin1 encoding would keep only their low byte). */
function latin1Only(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: latin1 is U+0000-U+00FF
  return /[^\u0000-\u00ff]/.test(text) ? text.replace(/[^\u0000-\u00ff]/g, '?') : text
}

/**
 * The bytes of a `Buffer` already written as JSON (`{"type":"Buffer","data":[...]}`: a response
 * read back from a cache, JSON text an app sends as it is), when `value` has that shape with
 * `data` a list of byte values, else `undefined`. Callers check first that `type` and `data` are
 * its only members. `data` is read once, element by element (a getter sees one read).
 */
export function bufferJsonBytes(value: Record<string, unknown>): Buffer | undefined {
  const data = value.data
  if (value.type !== 'Buffer' || !Array.isArray(data) || data.length === 0) return undefined
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) return undefined
  }
  return Buffer.from(data as number[])
}

/**
 * Whether an object's members are exactly `type` and `data`, in either order (a Buffer's JSON; a
 * store that sorts members, as PostgreSQL's `jsonb` does, writes `data` first).
 */
export function namesBufferJson(keys: readonly string[]): boolean {
  return (
    keys.length === 2 &&
    ((keys[0] === 'type' && keys[1] === 'data') || (keys[0] === 'data' && keys[1] === 'type'))
  )
}

/** A Buffer's JSON like `original` (its members in the same order) holding `bytes` (none: `null`). */
export function bufferJsonLike(
  original: Record<string, unknown>,
  bytes: ByteView | null,
): Record<string, unknown> {
  const data = bytes === null ? [] : [...bytes]
  return Object.keys(original)[0] === 'data' ? { data, type: 'Buffer' } : { type: 'Buffer', data }
}
