import { describe, expect, it } from 'vitest'
import { isEventStreamContentType, lateBodyKind, readsAsText, serializedBodyKind } from './content-type.js'

describe('serializedBodyKind', () => {
  it.each([
    ['application/json; charset=utf-8', 200, false, 'json'],
    ['application/problem+json', 500, true, 'json'],
    ['text/html', 200, true, 'text'],
    ['text/plain', 500, false, 'text'],
    ['text/event-stream', 200, false, undefined],
    ['image/png', 500, true, undefined],
    // An error page without a type is read as text, as a browser sniffing it would.
    [undefined, 500, true, 'text'],
    [undefined, 500, false, 'text'],
    ['', 404, false, 'text'],
    [undefined, 200, false, undefined],
    [undefined, 302, true, 'text'],
    // A redirect's page written in pieces is a page all the same (a red-team pass).
    [undefined, 302, false, 'text'],
    ['text/html; charset=utf-8', 301, false, 'text'],
    ['text/html', 304, false, undefined],
    [undefined, 304, true, undefined],
    ['application/octet-stream', 500, false, undefined],
  ] as const)('reads %s (status %i, at hand: %s) as %s', (type, status, atHand, kind) => {
    expect(serializedBodyKind(type, status, atHand)).toBe(kind)
  })
})

describe('readsAsText', () => {
  it('reads UTF-8, a byte order mark, and Latin-1 text with a control character or a NUL here and there', () => {
    expect(readsAsText(Buffer.from('{"card":"4111111111111111"}'))).toBe(true)
    expect(readsAsText(Buffer.from('\ufeffmail', 'utf16le'))).toBe(true)
    // A user's field put a NUL and a Latin-1 byte in a page (a red-team pass: the page went out unread).
    const page = Buffer.concat([
      Buffer.from('nick b\u0000'),
      Buffer.from([0xe9]),
      Buffer.from(' card 4111111111111111'),
    ])
    expect(readsAsText(page)).toBe(true)
    expect(readsAsText(Buffer.from('caf\xe9 \f\x1b[1m', 'latin1'))).toBe(true)
  })

  it('leaves binary formats and random bytes as bytes', () => {
    expect(readsAsText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(false)
    expect(readsAsText(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]))).toBe(false)
    let seed = 7
    const random = Buffer.alloc(512)
    for (let i = 0; i < random.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      random[i] = seed >> 16
    }
    expect(readsAsText(random)).toBe(false)
  })
})

describe('isEventStreamContentType', () => {
  it('names server-sent events in any case, with parameters or as an array', () => {
    expect(isEventStreamContentType('text/event-stream')).toBe(true)
    expect(isEventStreamContentType(' Text/Event-Stream; charset=utf-8')).toBe(true)
    expect(isEventStreamContentType(['text/event-stream'])).toBe(true)
    expect(isEventStreamContentType('text/plain')).toBe(false)
    expect(isEventStreamContentType(undefined)).toBe(false)
  })
})

describe('lateBodyKind', () => {
  it('reads JSON text as JSON, after blanks and a byte order mark, in a string or bytes', () => {
    for (const text of [
      '{"a":1}',
      ' \n\t[1]',
      '\ufeff"x"',
      '-1',
      '0',
      'true',
      'false',
      'null',
      '{broken',
      '',
    ])
      expect([text, lateBodyKind(text), lateBodyKind(Buffer.from(text))]).toEqual([text, 'json', 'json'])
  })

  it('reads what does not open as JSON as text: an XSSI prefix, a page', () => {
    for (const text of [')]}\',\n{"a":1}', 'while(1);{}', '<html>', 'for(;;);[1]', '\ufeff)]}'])
      expect([text, lateBodyKind(text), lateBodyKind(Buffer.from(text))]).toEqual([text, 'text', 'text'])
  })
})
