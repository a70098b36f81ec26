import { describe, expect, it } from 'vitest'
import type { StoreLimit } from './algorithms.js'
import { MemoryStore } from './memory-store.js'
import { isStore } from './store.js'

const counter = (limit: number, windowMs = 60_000): StoreLimit => ({
  limit,
  windowMs,
  algorithm: 'sliding-window',
})
const log = (limit: number, windowMs = 60_000): StoreLimit => ({ limit, windowMs, algorithm: 'sliding-log' })

describe('MemoryStore refunds', () => {
  it('stamps what it charged, and nothing else', () => {
    let now = 1_000_000
    const store = new MemoryStore({ now: () => now })
    expect(store.consume('k', [counter(1)], 1, 'consume').chargedAt).toBe(now)
    now += 5
    expect(store.consume('k', [counter(1)], 1, 'consume').chargedAt).toBeUndefined()
    expect(store.consume('k', [counter(1)], 1, 'check').chargedAt).toBeUndefined()
    expect(store.consume('k', [counter(1)], 1, 'record').chargedAt).toBe(now)
  })

  it('gives a charge back to every limit of the key at once', () => {
    let now = 1_000_000
    const store = new MemoryStore({ now: () => now })
    const limits = [counter(3), log(5, 3_600_000)]
    store.consume('k', limits, 1, 'consume')
    const { chargedAt } = store.consume('k', limits, 2, 'consume')
    now += 10_000
    store.refund('k', limits, 2, chargedAt!)
    expect(store.consume('k', limits, 1, 'check').verdicts.map((v) => v.remaining)).toEqual([2, 4])
  })

  it('refunds a charge made in the previous fixed window', () => {
    let now = 59_000
    const store = new MemoryStore({ now: () => now })
    const { chargedAt } = store.consume('k', [counter(2)], 2, 'consume')
    now = 61_000
    expect(store.consume('k', [counter(2)], 1, 'check').allowed).toBe(false)
    store.refund('k', [counter(2)], 2, chargedAt!)
    expect(store.consume('k', [counter(2)], 2, 'check').allowed).toBe(true)
  })

  it('never creates a key, nor brings an expired one back', () => {
    let now = 0
    const store = new MemoryStore({ now: () => now })
    store.refund('unknown', [counter(2)], 1, 0)
    expect(store.size).toBe(0)
    const { chargedAt } = store.consume('k', [counter(2)], 1, 'consume')
    now = 120_000
    store.refund('k', [counter(2)], 1, chargedAt!)
    expect(store.consume('k', [counter(2)], 2, 'consume').verdicts[0]!.remaining).toBe(0)
  })
})

describe('MemoryStore reservations (failures-only limits)', () => {
  it('lets exactly the limit of concurrent reservations through, then frees each refunded one', () => {
    const store = new MemoryStore({ now: () => 1_000_000 })
    const limits = [counter(3), log(3)]
    const decisions = Array.from({ length: 100 }, () => store.consume('k', limits, 1, 'consume'))
    const charged = decisions.filter((d) => d.allowed)
    expect(charged).toHaveLength(3)
    store.refund('k', limits, 1, charged[0]!.chargedAt!)
    expect(store.consume('k', limits, 1, 'consume').allowed).toBe(true)
    expect(store.consume('k', limits, 1, 'consume').allowed).toBe(false)
  })

  it('drops a key once refunds leave it counting nothing, so successes do not fill the store', () => {
    const store = new MemoryStore({ maxKeys: 2, whenFull: 'refuse', now: () => 1_000_000 })
    const limits = [counter(3), log(3)]
    for (const key of ['a', 'b', 'c', 'd']) {
      const { allowed, chargedAt } = store.consume(key, limits, 1, 'consume')
      expect(allowed).toBe(true)
      store.refund(key, limits, 1, chargedAt!)
    }
    expect(store.size).toBe(0)
    const kept = store.consume('e', limits, 2, 'consume')
    store.consume('e', limits, 1, 'consume')
    store.refund('e', limits, 2, kept.chargedAt!)
    expect(store.size).toBe(1)
  })
})

describe('MemoryStore resets', () => {
  it("forgets the key's counts under the given limits only", () => {
    const store = new MemoryStore({ now: () => 1000 })
    store.consume('k', [counter(2), log(2)], 2, 'record')
    store.consume('other', [counter(2)], 2, 'record')
    store.reset('k', [counter(2)])
    expect(store.consume('k', [counter(2), log(2)], 1, 'check').verdicts.map((v) => v.remaining)).toEqual([
      2, 0,
    ])
    store.reset('k', [log(2)])
    expect(store.size).toBe(1)
    expect(store.consume('other', [counter(2)], 1, 'check').allowed).toBe(false)
  })
})

describe('distinct', () => {
  it('is an optional method of the store contract, a function when present', () => {
    const consume = () => ({ allowed: true, verdicts: [] })
    expect(isStore(new MemoryStore())).toBe(true)
    expect(isStore({ consume })).toBe(true)
    expect(isStore({ consume, distinct: () => ({ count: 0, seen: false, resetIn: 0 }) })).toBe(true)
    expect(isStore({ consume, distinct: true })).toBe(false)
  })

  it('counts each member once, and says when it has seen one', () => {
    const store = new MemoryStore({ now: () => 1_000_000 })
    expect(store.distinct('k', '/orders/1001', 60_000, 10)).toEqual({
      count: 1,
      seen: false,
      resetIn: 60_000,
    })
    expect(store.distinct('k', '/orders/1002', 60_000, 10)).toEqual({
      count: 2,
      seen: false,
      resetIn: 60_000,
    })
    expect(store.distinct('k', '/orders/1001', 60_000, 10)).toEqual({ count: 2, seen: true, resetIn: 60_000 })
    expect(store.distinct('other', '/orders/1001', 60_000, 10)).toMatchObject({ count: 1, seen: false })
  })

  it('holds at most cap members, and still knows the ones it holds once full', () => {
    const store = new MemoryStore({ now: () => 1_000_000 })
    const counts = Array.from({ length: 6 }, (_, i) => store.distinct('k', `id-${i}`, 60_000, 3).count)
    expect(counts).toEqual([1, 2, 3, 4, 4, 4])
    expect(store.distinct('k', 'id-0', 60_000, 3)).toMatchObject({ count: 3, seen: true })
    // id-4 was refused for lack of room: it is not in the set, so it is not seen either.
    expect(store.distinct('k', 'id-4', 60_000, 3)).toMatchObject({ count: 4, seen: false })
    expect(store.distinct('k', 'id-4', 60_000, 0)).toMatchObject({ count: 3, seen: false })
  })

  it('only reads with cap 0, and never creates a set', () => {
    let now = 1_000_000
    const store = new MemoryStore({ now: () => now })
    expect(store.distinct('k', 'a', 60_000, 0)).toEqual({ count: 0, seen: false, resetIn: 0 })
    expect(store.distinct('k', 'a', 60_000, 5)).toEqual({ count: 1, seen: false, resetIn: 60_000 })
    now += 1_000
    expect(store.distinct('k', 'a', 60_000, 0)).toEqual({ count: 1, seen: true, resetIn: 59_000 })
    expect(store.distinct('k', 'b', 60_000, 0)).toEqual({ count: 1, seen: false, resetIn: 59_000 })
    expect(store.distinct('k', 'b', 60_000, 5)).toMatchObject({ count: 2, seen: false })
  })

  it('keeps a set for a fixed window from its first member, then starts over', () => {
    let now = 1_000_000
    const store = new MemoryStore({ now: () => now })
    store.distinct('k', 'a', 10_000, 10)
    now += 9_999
    // Adding late in the window does not extend it.
    expect(store.distinct('k', 'b', 10_000, 10)).toEqual({ count: 2, seen: false, resetIn: 1 })
    now += 1
    expect(store.distinct('k', 'a', 10_000, 0)).toEqual({ count: 0, seen: false, resetIn: 0 })
    expect(store.distinct('k', 'a', 10_000, 10)).toEqual({ count: 1, seen: false, resetIn: 10_000 })
  })

  it('holds at most maxKeys sets, dropping the least recently used, apart from rate-limit keys', () => {
    const store = new MemoryStore({ maxKeys: 2, whenFull: 'refuse', now: () => 1_000_000 })
    store.consume('k', [counter(5)], 1, 'consume')
    store.distinct('a', 'x', 60_000, 10)
    store.distinct('b', 'x', 60_000, 10)
    store.distinct('a', 'y', 60_000, 10)
    // A third set evicts b (the least recently used), even with whenFull 'refuse'.
    expect(store.distinct('c', 'x', 60_000, 10)).toMatchObject({ count: 1 })
    expect(store.distinct('b', 'x', 60_000, 0)).toMatchObject({ count: 0, seen: false })
    expect(store.distinct('a', 'x', 60_000, 0)).toMatchObject({ count: 2, seen: true })
    expect(store.size).toBe(1)
    expect(store.consume('k', [counter(5)], 1, 'check').verdicts[0]!.remaining).toBe(4)
  })
})
