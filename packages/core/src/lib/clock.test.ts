import { afterEach, describe, expect, it, vi } from 'vitest'
import { isoNow } from './clock.js'

describe('isoNow', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is new Date().toISOString() of the current millisecond, also when the clock is set back', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-02T03:04:05.006Z'))
    expect(isoNow()).toBe('2026-01-02T03:04:05.006Z')
    expect(isoNow()).toBe('2026-01-02T03:04:05.006Z')
    vi.advanceTimersByTime(1)
    expect(isoNow()).toBe('2026-01-02T03:04:05.007Z')
    vi.setSystemTime(new Date('2025-12-31T23:59:59.999Z'))
    expect(isoNow()).toBe('2025-12-31T23:59:59.999Z')
  })

  it('follows the real clock', () => {
    const before = Date.now()
    const at = Date.parse(isoNow())
    expect(at).toBeGreaterThanOrEqual(before)
    expect(at).toBeLessThanOrEqual(Date.now())
  })
})
