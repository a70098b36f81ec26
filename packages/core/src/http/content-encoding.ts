import * as zlib from 'node:zlib'
import { LeakguardResponseError } from '../errors.js'

/** A `Content-Encoding` header value as frameworks report it. */
export type ContentEncodingHeader = string | number | readonly string[] | undefined | null

interface Codec {
  decode(input: Buffer, maxOutputLength: number): Buffer
  encode(input: Buffer): Buffer
}

// Re-encoding runs on the event loop: Brotli's default quality (11) costs ~50x gzip's; 5 is what
// compression middlewares ship with and compresses JSON within a few percent of 11.
const BROTLI_OPTIONS = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }

const gzip: Codec = {
  decode: (input, maxOutputLength) => zlib.gunzipSync(input, { maxOutputLength }),
  encode: (input) => zlib.gzipSync(input),
}

const CODECS = new Map<string, Codec>([
  ['gzip', gzip],
  ['x-gzip', gzip],
  [
    'deflate',
    {
      // RFC 9110 `deflate` is the zlib format, but some servers send raw deflate: accept both.
      decode: (input, maxOutputLength) => {
        try {
          return zlib.inflateSync(input, { maxOutputLength })
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error
          return zlib.inflateRawSync(input, { maxOutputLength })
        }
      },
      encode: (input) => zlib.deflateSync(input),
    },
  ],
  [
    'br',
    {
      decode: (input, maxOutputLength) => zlib.brotliDecompressSync(input, { maxOutputLength }),
      encode: (input) => zlib.brotliCompressSync(input, BROTLI_OPTIONS),
    },
  ],
])

// zstd arrived in Node 22.15 / 23.8; it is used where the running Node has it.
const zstd = zlib as unknown as {
  zstdDecompressSync?: (input: Buffer, options: { maxOutputLength: number }) => Buffer
  zstdCompressSync?: (input: Buffer) => Buffer
}
if (typeof zstd.zstdDecompressSync === 'function' && typeof zstd.zstdCompressSync === 'function') {
  const decompress = zstd.zstdDecompressSync
  const compress = zstd.zstdCompressSync
  CODECS.set('zstd', {
    decode: (input, maxOutputLength) => decompress(input, { maxOutputLength }),
    encode: (input) => compress(input),
  })
}

/** The content codings leakguard can decode and encode again, in this Node. */
export const SUPPORTED_CONTENT_CODINGS: readonly string[] = Object.freeze([...CODECS.keys()])

/**
 * The codings of a `Content-Encoding` header in the order they were applied, lower-case, without
 * `identity`: `'gzip'` -> `['gzip']`, `undefined` -> `[]`.
 */
export function contentCodings(header: ContentEncodingHeader): string[] {
  if (header === undefined || header === null || header === '') return []
  const value = Array.isArray(header) ? header.join(',') : String(header)
  const codings: string[] = []
  for (const part of value.split(',')) {
    const coding = part.trim().toLowerCase()
    if (coding !== '' && coding !== 'identity') codings.push(coding)
  }
  return codings
}

function codecOf(coding: string): Codec {
  const codec = CODECS.get(coding)
  if (codec === undefined) {
    throw new LeakguardResponseError(
      'ERR_LG_RESPONSE_ENCODING',
      `response is encoded with "${coding.slice(0, 32)}", which leakguard cannot decode (it reads ${SUPPORTED_CONTENT_CODINGS.join(', ')})`,
    )
  }
  return codec
}

/**
 * Undoes the content codings of a body, last applied first, never producing more than `maxBytes`
 * (a decompression bomb stops there).
 * @throws LeakguardResponseError `ERR_LG_RESPONSE_ENCODING` (unknown coding, corrupt data) or
 * `ERR_LG_RESPONSE_TOO_LARGE`
 */
export function decodeBody(payload: Uint8Array, codings: readonly string[], maxBytes: number): Buffer {
  let body: Buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!
    const codec = codecOf(coding)
    try {
      body = codec.decode(body, Math.max(1, maxBytes))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new LeakguardResponseError(
          'ERR_LG_RESPONSE_TOO_LARGE',
          `decoded response body is larger than responses.maxBodyBytes (${maxBytes} bytes)`,
          { cause: error },
        )
      }
      throw new LeakguardResponseError('ERR_LG_RESPONSE_ENCODING', `response body is not valid ${coding}`, {
        cause: error,
      })
    }
  }
  return body
}

/** Applies content codings to a body again, in their order. */
export function encodeBody(payload: string | Uint8Array, codings: readonly string[]): Buffer {
  let body: Buffer =
    typeof payload === 'string'
      ? Buffer.from(payload)
      : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  for (const coding of codings) body = codecOf(coding).encode(body)
  return body
}
