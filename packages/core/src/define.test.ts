import { describe, expect, it } from 'vitest'
import { defineLeakguard } from './define.js'

describe('defineLeakguard', () => {
  it('returns the options it was given, untouched', () => {
    const options = { mode: 'report', routes: { 'GET /x': { allow: ['$.id'] } } } as const
    expect(defineLeakguard(options)).toBe(options)
    expect(options).toEqual({ mode: 'report', routes: { 'GET /x': { allow: ['$.id'] } } })
  })
})
