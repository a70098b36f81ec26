import { describe, expect, it } from 'vitest'
import { serializedBodyKind } from './content-type.js'

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
