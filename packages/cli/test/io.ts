import { once } from 'node:events'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import type { CliIo } from '../src/cli.js'

/** A CliIo that keeps what the CLI writes. */
export function capture(options: { tty?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo & { out(): string; err(): string } = {
    stdout: { write: (text: string) => out.push(text), isTTY: options.tty === true, columns: 120 },
    stderr: { write: (text: string) => err.push(text), isTTY: options.tty === true },
    env: options.env ?? {},
    out: () => out.join(''),
    err: () => err.join(''),
  }
  return io
}

/**
 * Serves `handler` on 127.0.0.1 for the tests of this file (registers beforeAll/afterAll);
 * `url()` is its base URL once listening.
 */
export function serveDuringTests(handler: RequestListener): { url(): string } {
  const server = createServer(handler)
  let url = ''
  beforeAll(async () => {
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => {
    server.closeAllConnections()
    server.close()
  })
  return { url: () => url }
}
