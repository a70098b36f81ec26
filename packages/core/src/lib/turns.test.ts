import { describe, expect, it } from 'vitest'
import { atOnce, inTurns, untilItYields } from './turns.js'

function* steps(log: string[]): Generator<void, string> {
  log.push('parse')
  yield
  log.push('filter')
  yield
  log.push('encode')
  return 'done'
}

describe('atOnce', () => {
  it('runs every step now', () => {
    const log: string[] = []
    expect(atOnce(steps(log))).toBe('done')
    expect(log).toEqual(['parse', 'filter', 'encode'])
  })
})

describe('inTurns', () => {
  it('runs the first step now and one step per turn, with what is due in between', async () => {
    const log: string[] = []
    const done = inTurns(steps(log))
    setImmediate(() => log.push('other request'))
    expect(log).toEqual(['parse'])
    expect(await done).toBe('done')
    expect(log).toEqual(['parse', 'filter', 'other request', 'encode'])
  })

  it('rejects with what a step throws (callers catch inside their steps)', async () => {
    function* failing(): Generator<void, never> {
      yield
      throw new Error('step failed')
    }
    await expect(inTurns(failing())).rejects.toThrow('step failed')
  })
})

describe('untilItYields', () => {
  it('returns the result itself when the steps never yield: no promise, no turn', () => {
    function* once(skip: boolean): Generator<void, string> {
      if (!skip) yield
      return 'now'
    }
    expect(untilItYields(once(true))).toBe('now')
  })

  it('runs up to the first yield now, then one step per turn', async () => {
    const log: string[] = []
    const done = untilItYields(steps(log))
    expect(done).toBeInstanceOf(Promise)
    setImmediate(() => log.push('other request'))
    expect(log).toEqual(['parse'])
    expect(await done).toBe('done')
    expect(log).toEqual(['parse', 'filter', 'other request', 'encode'])
  })
})
