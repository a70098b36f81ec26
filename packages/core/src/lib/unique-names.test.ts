import { afterEach, describe, expect, it, vi } from 'vitest'
import { UniqueNames } from './unique-names.js'

describe('UniqueNames', () => {
  afterEach(() => vi.restoreAllMocks())

  it('keeps a free name, then gives the least free suffix from 2, past names the object holds', () => {
    const names = new UniqueNames(['a#2', 'b'])
    expect(names.claim('a')).toBe('a')
    expect(names.claim('a')).toBe('a#3')
    expect(names.claim('a#3')).toBe('a#3#2')
    expect(names.claim('a')).toBe('a#4')
    expect(names.claim('b')).toBe('b#2')
    expect(names.claim('b#3')).toBe('b#3')
    expect(names.claim('b')).toBe('b#4')
  })

  it('tries each suffix once across claims of the same name (linear, not quadratic)', () => {
    const names = new UniqueNames()
    const has = vi.spyOn(Map.prototype, 'has')
    for (let i = 0; i < 2000; i++) names.claim('[REDACTED:email]')
    // One probe per claim beyond the first; trying every suffix from 2 each time made ~2,000,000.
    expect(has.mock.calls.length).toBeLessThan(4000)
    expect(names.claim('[REDACTED:email]')).toBe('[REDACTED:email]#2001')
  })
})
