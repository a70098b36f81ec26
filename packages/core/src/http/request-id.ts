/** What a request id taken from a client header may look like: short, plain characters. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The incoming request id if it is safe to log and echo, else `undefined` (one is generated). */
export function acceptRequestId(value: unknown): string | undefined {
  const id = Array.isArray(value) ? value[0] : value
  return typeof id === 'string' && SAFE_ID.test(id) ? id : undefined
}
