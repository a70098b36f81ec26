import { describe, expect, it } from 'vitest'
import { andThen, isPromise } from './promise.js'

/** A thenable that is no native promise, whose then returns nothing. */
function foreignThenable(value: number): PromiseLike<number> {
  return {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
    then: ((resolve: (n: number) => void) => void resolve(value)) as unknown as PromiseLike<number>['then'],
  }
}

describe('andThen', () => {
  it('calls on at once for a value, and adopts promises and foreign thenables as native promises', async () => {
    expect(andThen(2, (n) => n + 1)).toBe(3)
    const fromPromise = andThen(Promise.resolve(2), (n) => n + 1)
    expect(fromPromise).toBeInstanceOf(Promise)
    await expect(fromPromise).resolves.toBe(3)
    const adopted = andThen(foreignThenable(5), (n) => n * 2)
    expect(adopted).toBeInstanceOf(Promise)
    await expect(adopted).resolves.toBe(10)
  })

  it('tells thenables from values', () => {
    const notThenable = { next: 1 }
    expect([
      isPromise(undefined),
      isPromise(null),
      isPromise(notThenable),
      isPromise(foreignThenable(1)),
    ]).toEqual([false, false, false, true])
  })
})
