import { describe, expect, it } from 'vitest'
import { redact } from '../redact/index.js'
import '../response/serialize.js'
import { keptShapes } from './kept-shapes.js'

describe('keepShape', () => {
  // The regression test of what it is for is test/shapes.test.ts (a full collection under
  // --trace-deopt); this one checks that every per-response class registered its instance once.
  it('holds one instance of the writer, the projection path and (from the first session on) the session', () => {
    expect(keptShapes()).toBe(2)
    redact({ email: 'ada@example.com' })
    expect(keptShapes()).toBe(3)
    redact({ email: 'grace@example.com' })
    expect(keptShapes()).toBe(3)
  })
})
