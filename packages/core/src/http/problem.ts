import { STATUS_CODES } from 'node:http'

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
