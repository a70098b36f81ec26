import { describe, expect, it } from 'vitest'
import { isJsonContentType, isTextContentType } from './content-type.js'
import { problemForError } from './problem.js'

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/problem+json', true],
    ['application/vnd.api+json; ext=bulk', true],
    [['application/json'], true],
    ['text/json', true],
    ['Text/X-JSON; charset=utf-8', true],
    ['application/x-json', true],
    // Any other type whose subtype names JSON, as Fastify and Koa send a string under it (a
    // red-team pass): one document, filtered.
    ['application/x-amz-json-1.1', true],
    ['application/vnd.acme.json', true],
    ['text/vnd.example+json', true],
    ['text/html', false],
    // Several documents, a laxer grammar or a script: text.
    ['application/jsonp', false],
    ['application/json-seq', false],
    ['application/x-ndjson', false],
    ['application/jsonl', false],
    ['application/json5', false],
    ['application/geo+json-seq', false],
    ['application/x-ldjson', false],
    ['application/json-lines', false],
    ['application/x-json-stream', false],
    ['application/stream+json', false],
    // Set twice: a browser reads the last, other clients the first; either may read JSON.
    [['application/octet-stream', 'application/json'], true],
    [['application/json', 'text/plain'], true],
    [['application/octet-stream', 'image/png'], false],
    ['application/octet-stream', false],
    ['', false],
    [undefined, false],
    [42, false],
  ])('%j -> %s', (header, expected) => {
    expect(isJsonContentType(header)).toBe(expected)
  })
})

describe('isTextContentType', () => {
  it.each([
    ['text/plain', true],
    ['Text/HTML; charset=utf-8', true],
    ['application/xml', true],
    ['image/svg+xml', true],
    ['application/xhtml+xml', true],
    ['application/atom+xml', true],
    ['application/javascript', true],
    ['application/yaml', true],
    ['application/x-www-form-urlencoded', true],
    ['application/x-ndjson', true],
    ['application/jsonp', true],
    ['application/x-ldjson', true],
    ['application/x-shellscript', true],
    [['application/octet-stream', 'text/html'], true],
    ['application/json', false],
    ['application/octet-stream', false],
    ['image/png', false],
    ['application/pdf', false],
    ['', false],
    [undefined, false],
  ])('%j -> %s', (header, expected) => {
    expect(isTextContentType(header)).toBe(expected)
  })
})

describe('problemForError', () => {
  it('hides everything of a 5xx but its status', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { statusCode: 503 })
    expect(problemForError(error)).toEqual({
      status: 503,
      body: { type: 'about:blank', title: 'Service Unavailable', status: 503 },
      headers: {},
    })
    expect(problemForError(new Error('boom')).status).toBe(500)
    expect(problemForError('a string').status).toBe(500)
    expect(problemForError(null).status).toBe(500)
  })

  it("carries an error's own headers (http-errors), on a 5xx only those a problem document keeps", () => {
    const allow = Object.assign(new Error('nope'), { status: 405, headers: { Allow: 'GET, HEAD' } })
    expect(problemForError(allow).headers).toEqual({ Allow: 'GET, HEAD' })
    const busy = Object.assign(new Error('db down'), {
      status: 503,
      headers: { 'Retry-After': 30, 'Set-Cookie': 'sid=x', 'X-Debug': 'internal', 'bad name': 'x' },
    })
    expect(problemForError(busy).headers).toEqual({ 'Retry-After': '30' })
    expect(problemForError(Object.assign(new Error('x'), { status: 401, headers: ['a'] })).headers).toEqual(
      {},
    )
  })

  it('keeps the message of a 4xx as detail unless it is not to be exposed', () => {
    expect(problemForError(Object.assign(new Error('name is required'), { status: 422 }))).toEqual({
      status: 422,
      body: { type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'name is required' },
      headers: {},
    })
    expect(
      problemForError(Object.assign(new Error('x'), { status: 404, expose: false })).body,
    ).not.toHaveProperty('detail')
  })

  it('ignores statuses outside 400-599', () => {
    expect(problemForError(Object.assign(new Error('x'), { status: 302 })).status).toBe(500)
    expect(problemForError(Object.assign(new Error('x'), { status: 4000 })).status).toBe(500)
  })
})
