// Adapters keep per-request state on the request (`requestSlot()` from core), never in a WeakMap
// keyed by a request: an entry whose value reaches its key (a context holding the request) keeps
// every request alive through young-generation GC, promoted to die in the old generation
// (docs/benchmarks.md, "Garbage collection under load"; measured with --trace-gc-nvp, which a
// test cannot do reliably). This guards the pattern itself.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const PER_REQUEST =
  /new WeakMap<\s*(FastifyRequest|FastifyReply|Request|Response|Context|IncomingMessage|ServerResponse)\b/

describe.each(['express', 'koa', 'fastify'])('the %s adapter', (name) => {
  const dir = join(root, 'packages', name, 'src')
  const files = readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it.each(files)('keeps no WeakMap keyed by a request or response in %s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8')
    expect(text.match(PER_REQUEST)?.[0], 'use requestSlot() from @leakguard/core').toBeUndefined()
  })
})
