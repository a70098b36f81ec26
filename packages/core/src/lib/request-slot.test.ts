import { describe, expect, it } from 'vitest'
import { requestSlot } from './request-slot.js'

describe('requestSlot', () => {
  it('keeps a value per object, apart from every other slot', () => {
    const a = requestSlot<number>('a')
    const b = requestSlot<number>('a')
    const request = {}
    a.set(request, 1)
    expect([a.get(request), b.get(request), a.get({})]).toEqual([1, undefined, undefined])
    a.set(request, 2)
    expect(a.get(request)).toBe(2)
  })

  it('stays out of keys, for...in and JSON', () => {
    const slot = requestSlot<{ secret: string }>('state')
    const request = { url: '/users' }
    slot.set(request, { secret: 'internal' })
    const seen: string[] = []
    for (const key in request) seen.push(key)
    expect([Object.keys(request), seen]).toEqual([['url'], ['url']])
    expect(JSON.stringify(request)).toBe('{"url":"/users"}')
  })
})
