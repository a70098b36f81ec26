import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import {
  type ConsumeMode,
  type CounterState,
  type LimitVerdict,
  type LogState,
  newCounter,
  newLog,
  refundLog,
  refundWindow,
  slidingLog,
  slidingWindow,
} from './algorithms.js'

const random = seededRandom

interface Algorithm<S> {
  readonly name: string
  fresh(): S
  copy(state: S): S
  decide(
    state: S,
    now: number,
    limit: number,
    windowMs: number,
    cost: number,
    mode: ConsumeMode,
  ): LimitVerdict
  refund(state: S, now: number, windowMs: number, cost: number, chargedAt: number): void
}

const counter: Algorithm<CounterState> = {
  name: 'sliding-window counter',
  fresh: newCounter,
  copy: (state) => ({ ...state }),
  decide: slidingWindow,
  refund: refundWindow,
}
const log: Algorithm<LogState> = {
  name: 'sliding log',
  fresh: newLog,
  copy: (state) => ({ times: [...state.times], costs: [...state.costs] }),
  decide: slidingLog,
  refund: refundLog,
}

/**
 * Drives one key with a seeded mix of consumes, checks, records and refunds at irregular times
 * (bursts, lulls longer than two windows, steps that land on window boundaries) and hands every
 * verdict to `inspect` with the state it left and its time.
 */
function explore<S>(
  algorithm: Algorithm<S>,
  seed: number,
  inspect: (
    verdict: LimitVerdict,
    state: S,
    now: number,
    limit: number,
    windowMs: number,
    cost: number,
  ) => void,
): void {
  const next = random(seed)
  const windowMs = [1000, 60_000, 900_000][seed % 3]!
  const limit = 1 + Math.floor(next() * 12)
  const state = algorithm.fresh()
  const charges: { at: number; cost: number }[] = []
  let now = 5 * windowMs + Math.floor(next() * windowMs)
  for (let step = 0; step < 600; step++) {
    const roll = next()
    if (roll < 0.05) now += Math.floor(next() * 2.5 * windowMs)
    else if (roll < 0.1) now = (Math.floor(now / windowMs) + 1) * windowMs
    else now += Math.floor(next() * next() * windowMs * 0.2)
    const cost = 1 + Math.floor(next() * Math.min(3, limit))
    const pick = next()
    if (pick < 0.1 && charges.length > 0) {
      const charge = charges.splice(Math.floor(next() * charges.length), 1)[0]!
      algorithm.refund(state, now, windowMs, charge.cost, charge.at)
      continue
    }
    const mode: ConsumeMode = pick < 0.75 ? 'consume' : pick < 0.9 ? 'check' : 'record'
    const verdict = algorithm.decide(state, now, limit, windowMs, cost, mode)
    if (mode === 'record' || (mode === 'consume' && verdict.allowed)) charges.push({ at: now, cost })
    inspect(verdict, state, now, limit, windowMs, cost)
  }
}

describe.each([counter, log] as Algorithm<unknown>[])('$name reset and retry times', (algorithm) => {
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9]

  it.each(seeds)('never reports a reset or a retry later than one window (seed %i)', (seed) => {
    explore(algorithm, seed, (verdict, _state, _now, _limit, windowMs) => {
      expect(verdict.resetMs).toBeGreaterThanOrEqual(0)
      expect(verdict.resetMs).toBeLessThanOrEqual(windowMs)
      expect(verdict.retryAfterMs).toBeGreaterThanOrEqual(0)
      expect(verdict.retryAfterMs).toBeLessThanOrEqual(windowMs)
    })
  })

  it.each(seeds)('has the whole quota back once the reset time has passed (seed %i)', (seed) => {
    explore(algorithm, seed, (verdict, state, now, limit, windowMs) => {
      const later = algorithm.decide(
        algorithm.copy(state),
        now + verdict.resetMs,
        limit,
        windowMs,
        limit,
        'check',
      )
      expect(later).toMatchObject({ allowed: true, remaining: limit })
    })
  })

  it.each(seeds)('refuses until the retry time and admits from then on (seed %i)', (seed) => {
    let refusals = 0
    explore(algorithm, seed, (verdict, state, now, limit, windowMs, cost) => {
      if (verdict.allowed) return
      refusals++
      expect(verdict.retryAfterMs).toBeGreaterThan(0)
      const at = now + verdict.retryAfterMs
      expect(algorithm.decide(algorithm.copy(state), at - 1, limit, windowMs, cost, 'check').allowed).toBe(
        false,
      )
      expect(algorithm.decide(algorithm.copy(state), at, limit, windowMs, cost, 'check').allowed).toBe(true)
    })
    expect(refusals).toBeGreaterThan(10)
  })
})

describe('the sliding-window counter', () => {
  it('reports t within the window after one failure on a 900 s window (issue 13 item 8)', () => {
    const windowMs = 900_000
    const state = newCounter()
    // 97 s into a fixed window: the weighted estimate reaches zero only 1703 s later.
    const now = 1_000 * windowMs + 97_000
    slidingWindow(state, now, 5, windowMs, 1, 'record')
    const verdict = slidingWindow(state, now, 5, windowMs, 1, 'check')
    expect(verdict).toMatchObject({ allowed: true, remaining: 4, resetMs: windowMs })
  })

  it('forgets every count once its newest charge is a window old', () => {
    const state = newCounter()
    for (let i = 0; i < 5; i++) slidingWindow(state, 10_100, 5, 1000, 1, 'consume')
    expect(slidingWindow(state, 11_099, 5, 1000, 1, 'check').allowed).toBe(false)
    expect(slidingWindow(state, 11_100, 5, 1000, 1, 'check')).toMatchObject({ allowed: true, remaining: 5 })
  })

  it('gives a refund back to the fixed window that was charged', () => {
    const state = newCounter()
    slidingWindow(state, 10_900, 5, 1000, 2, 'consume')
    slidingWindow(state, 11_100, 5, 1000, 1, 'consume')
    refundWindow(state, 11_200, 1000, 2, 10_900)
    expect(state).toMatchObject({ previous: 0, current: 1 })
    refundWindow(state, 11_300, 1000, 1, 11_100)
    expect(slidingWindow(state, 11_300, 5, 1000, 1, 'check').remaining).toBe(5)
  })

  it('ignores a refund for a charge that has left the window', () => {
    const state = newCounter()
    slidingWindow(state, 10_500, 5, 1000, 1, 'consume')
    slidingWindow(state, 12_100, 5, 1000, 3, 'consume')
    refundWindow(state, 12_200, 1000, 1, 10_500)
    expect(state).toMatchObject({ previous: 0, current: 3 })
  })
})

describe('the sliding log', () => {
  it('removes the refunded entry only', () => {
    const state = newLog()
    slidingLog(state, 1000, 10, 1000, 2, 'consume')
    slidingLog(state, 1000, 10, 1000, 3, 'consume')
    slidingLog(state, 1500, 10, 1000, 2, 'consume')
    refundLog(state, 1600, 1000, 2, 1000)
    expect(state).toEqual({ times: [1000, 1500], costs: [3, 2] })
    refundLog(state, 1600, 1000, 4, 1500)
    expect(state.costs).toEqual([3, 2])
  })
})
