import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const script = fileURLToPath(new URL('shapes/after-gc.mjs', import.meta.url))

// V8's optimized code holds the maps of the objects it was specialized for weakly. The engine's
// per-response objects die with their response: unless an instance of each is kept
// (packages/core/src/lib/kept-shapes.ts), a full collection between responses discards the
// optimized code of the whole pipeline, and the next responses run unoptimized.
describe('a full garbage collection between responses', () => {
  it('leaves the optimized response pipeline in place (no "weak objects" deoptimization)', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', '--trace-deopt', script], {
      maxBuffer: 64 * 1024 * 1024,
    })
    const after = stdout.slice(stdout.indexOf('--- full collection'))
    expect(after).toContain('--- done')
    // The trace names each function whose code was discarded: none may be.
    const discarded = after.split('\n').filter((line) => /weak.objects/i.test(line))
    expect(discarded).toEqual([])
  }, 60_000)
})
