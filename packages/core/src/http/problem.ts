import { STATUS_CODES } from 'node:http'
import { headersToDropOnBlock } from './blocked-headers.js'

/** Media type of RFC 9457 problem documents. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** An RFC 9457 problem document. */
export interface ProblemDocument {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
}

/** A generic problem body for `status`: it says nothing about the application. */
export function problemBody(status: number, detail?: string): ProblemDocument {
  const body = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status }
  return detail === undefined ? body : { ...body, detail }
}

function statusOf(error: unknown): number {
  if (typeof error !== 'object' || error === null) return 500
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown }
  const candidate = typeof status === 'number' ? status : statusCode
  return typeof candidate === 'number' && Number.isInteger(candidate) && candidate >= 400 && candidate <= 599
    ? candidate
    : 500
}

/**
 * The problem document for an error thrown by an application: its status (`status` or
 * `statusCode`, 4xx/5xx, else 500); for a 4xx the message as `detail` unless the error says
 * `expose: false` (the http-errors convention). A 5xx says nothing but its status: its message
 * describes the server's internals (SQL, paths, hosts), which the client cannot act on.
 */
export function problemForError(error: unknown): {
  status: number
  body: ProblemDocument
  headers: Record<string, string>
} {
  const status = statusOf(error)
  const headers = headersOf(error, status)
  if (status >= 500) return { status, body: problemBody(status), headers }
  const { message, expose } = error as { message?: unknown; expose?: unknown }
  const detail = expose !== false && typeof message === 'string' && message !== '' ? message : undefined
  return { status, body: problemBody(status, detail), headers }
}

/**
 * The headers an error carries for its response (http-errors' `headers`: a 405's `Allow`, a
 * 401's `WWW-Authenticate`, a 503's `Retry-After`), as the frameworks' own handlers send them;
 * for a 5xx only those a generic problem document keeps ({@link headersToDropOnBlock}).
 */
function headersOf(error: unknown, status: number): Record<string, string> {
  const carried =
    typeof error === 'object' && error !== null ? (error as { headers?: unknown }).headers : undefined
  if (typeof carried !== 'object' || carried === null || Array.isArray(carried)) return {}
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(carried)) {
    if (typeof value !== 'string' && typeof value !== 'number') continue
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue // not a header name
    if (status >= 500 && headersToDropOnBlock([name], undefined).length > 0) continue
    out[name] = String(value)
  }
  return out
}
