import { describe, expect, it } from 'vitest'
import { errorPageHeaders, headersToDropOnBlock } from './blocked-headers.js'

describe('headersToDropOnBlock', () => {
  it('drops what describes or carries the original, keeps what the problem document needs', () => {
    const names = [
      'Set-Cookie',
      'ETag',
      'Last-Modified',
      'Location',
      'Content-Encoding',
      'X-Custom',
      'Cache-Control',
      'Content-Type',
      'Vary',
      'Access-Control-Allow-Origin',
      'X-Content-Type-Options',
      'RateLimit',
      'X-RateLimit-Remaining',
      'Retry-After',
      'X-Trace',
    ]
    expect(headersToDropOnBlock(names, 'x-trace')).toEqual([
      'Set-Cookie',
      'ETag',
      'Last-Modified',
      'Location',
      'Content-Encoding',
      'X-Custom',
      'Cache-Control',
    ])
  })
})

describe('errorPageHeaders', () => {
  const current = { 'set-cookie': 'sid=1', 'x-request-id': 'req-1', vary: 'Origin', 'x-custom': 'a' }

  it('drops the handler headers of a generic 5xx, keeps the request id, sends no-store and the error headers', () => {
    expect(errorPageHeaders({ status: 503, headers: { 'Retry-After': '5' } }, current, 'req-1')).toEqual({
      drop: ['set-cookie', 'x-custom'],
      set: { 'Retry-After': '5', 'Cache-Control': 'no-store' },
    })
  })

  it('leaves a 4xx as the handler made it, with the headers the error carries', () => {
    expect(errorPageHeaders({ status: 405, headers: { Allow: 'GET' } }, current, 'req-1')).toEqual({
      drop: [],
      set: { Allow: 'GET' },
    })
  })
})
