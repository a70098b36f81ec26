import { LeakguardResponseError } from '../errors.js'

/** A body leakguard has to read before it can filter it. */
export type BodySource = AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> | Blob | Response

function tooLarge(maxBytes: number): LeakguardResponseError {
  return new LeakguardResponseError(
    'ERR_LG_RESPONSE_TOO_LARGE',
    `response body is larger than responses.maxBodyBytes (${maxBytes} bytes)`,
  )
}

function release(source: BodySource): void {
  const destroyable = source as { destroy?: (error?: Error) => void }
  if (typeof destroyable.destroy === 'function') destroyable.destroy()
}

/**
 * Reads a stream, `ReadableStream`, `Blob` or `Response` into memory, refusing more than
 * `maxBytes` (the source is released as soon as the cap is passed).
 * @throws LeakguardResponseError `ERR_LG_RESPONSE_TOO_LARGE` or `ERR_LG_RESPONSE_STREAM_FAILED`
 */
export async function collectBody(source: BodySource, maxBytes: number): Promise<Buffer> {
  if (source instanceof Blob) {
    if (source.size > maxBytes) throw tooLarge(maxBytes)
    return Buffer.from(await source.arrayBuffer())
  }
  const iterable: AsyncIterable<Uint8Array | string> | null =
    source instanceof Response ? (source.body as AsyncIterable<Uint8Array> | null) : source
  if (iterable === null) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of iterable) {
      const buffer =
        typeof chunk === 'string'
          ? Buffer.from(chunk)
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      size += buffer.length
      if (size > maxBytes) {
        release(source)
        throw tooLarge(maxBytes)
      }
      chunks.push(buffer)
    }
  } catch (error) {
    if (error instanceof LeakguardResponseError) throw error
    throw new LeakguardResponseError(
      'ERR_LG_RESPONSE_STREAM_FAILED',
      'response stream failed while buffering',
      {
        cause: error,
      },
    )
  }
  return Buffer.concat(chunks, size)
}
