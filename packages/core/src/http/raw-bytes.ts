import type { ServerResponse } from 'node:http'

/** The bytes a response's socket had taken when its request arrived (see {@link wroteBeforeBody}). */
export function socketBytes(res: ServerResponse): number {
  return res.socket?.bytesWritten ?? 0
}

/**
 * Whether bytes of a body went out on `res` past the framework (`ctx.res.write`, `reply.raw.write`)
 * since `start` (from {@link socketBytes}): the socket took more than the head. A head flushed on
 * its own (`flushHeaders()`) is not such a write. Without a socket or a head to measure, a head that
 * went out counts as one.
 */
export function wroteBeforeBody(res: ServerResponse, start: number): boolean {
  if (!res.headersSent) return false
  const socket = res.socket
  const head = (res as unknown as { _header?: unknown })._header
  if (socket === null || socket === undefined || typeof head !== 'string') return true
  return socket.bytesWritten - start > Buffer.byteLength(head, 'latin1')
}
