import { describe, expect, it } from 'vitest'
import { emptyArray, ScratchArray } from './scratch-arrays.js'

describe('emptyArray', () => {
  it('empties short and long arrays in place', () => {
    for (const length of [0, 3, 32, 33, 1000]) {
      const list = Array.from({ length }, (_, i) => i)
      emptyArray(list)
      expect(list).toEqual([])
    }
  })
})

describe('ScratchArray', () => {
  it('hands out one store for every length it keeps, grown as needed', () => {
    const scratch = new ScratchArray((length) => new Int32Array(length))
    const first = scratch.get(10)
    expect(first.length).toBeGreaterThanOrEqual(10)
    expect(scratch.get(200)).toBe(first)
    const grown = scratch.get(1000)
    expect(grown.length).toBeGreaterThanOrEqual(1000)
    expect(scratch.get(5)).toBe(grown)
  })

  it('gives a string past 64 Ki units a store of its own, never kept', () => {
    const scratch = new ScratchArray((length) => new Uint16Array(length))
    const kept = scratch.get(100)
    const huge = scratch.get(200_000)
    expect(huge.length).toBe(200_000)
    expect(scratch.get(100)).toBe(kept)
  })
})
