import { describe, expect, it } from 'vitest'
import { andThen, isPromise } from './promise.js'

describe('andThen', () => {
  it('calls on at once for a value, and adopts promises and foreign thenables as native promises', async () => {
    expect(andThen(2, (n) => n + 1)).toBe(3)
    const fromPromise = andThen(Promise.resolve(2), (n) => n + 1)
    expect(fromPromise).toBeInstanceOf(Promise)
    await expect(fromPromise).resolves.toBe(3)
    // A thenable whose then returns nothing (not a promise) still settles what comes out.
    const thenable = { then: (resolve: (n: number) => void) => void resolve(5) }
    const adopted = andThen(thenable as PromiseLike<number>, (n) => n * 2)
    expect(adopted).toBeInstanceOf(Promise)
    await expect(adopted).resolves.toBe(10)
    expect([isPromise(undefined), isPromise(null), isPromise({ then: 1 }), isPromise(thenable)]).toEqual([
      false,
      false,
      false,
      true,
    ])
  })
})
