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
