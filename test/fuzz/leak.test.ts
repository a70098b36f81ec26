// The zero-leak property: documents of random shape with valid secrets of every default detector
// family injected at random places and in random surrounding text. After leakguard, no injected
// secret appears in the output, and every injected marker text survives unchanged (masking
// everything is not a pass). `pnpm test` runs 2,000 documents per target; `pnpm test:fuzz` runs
// LEAKGUARD_FUZZ_DOCS (100,000) per target.
import { createGuard } from '@leakguard/core'
import type { AdapterHarness } from '@leakguard/test-utils'
import express from 'express'
import express4 from 'express4'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { expressHarness } from '../../packages/express/test/harness.js'
import { fastifyHarness } from '../../packages/fastify/test/harness.js'
import { koaHarness } from '../../packages/koa/test/harness.js'
import { document, type Injected, leakOrLoss } from './generators.js'

const DOCS = Number(process.env.LEAKGUARD_FUZZ_DOCS ?? 2000)
const BATCH = 50
const SEED =
  process.env.LEAKGUARD_FUZZ_SEED === undefined ? undefined : Number(process.env.LEAKGUARD_FUZZ_SEED)
const batch = fc.array(document, { minLength: BATCH, maxLength: BATCH })
const stats: Record<string, { documents: number; secrets: number; markers: number; ms: number }> = {}

function check(outputs: unknown[], docs: Injected[]): void {
  expect(outputs).toHaveLength(docs.length)
  docs.forEach((doc, i) => {
    const problem = leakOrLoss(JSON.stringify(outputs[i]), doc)
    if (problem !== null) throw new Error(`document ${i}: ${problem}\n${JSON.stringify(outputs[i])}`)
  })
}

async function run(target: string, property: (docs: Array<{ value: unknown } & Injected>) => Promise<void>) {
  const started = performance.now()
  const seen = { documents: 0, secrets: 0, markers: 0 }
  await fc.assert(
    fc.asyncProperty(batch, async (docs) => {
      await property(docs)
      seen.documents += docs.length
      for (const doc of docs) {
        seen.secrets += doc.secrets.length
        seen.markers += doc.markers.length
      }
    }),
    { numRuns: Math.ceil(DOCS / BATCH), ...(SEED === undefined ? {} : { seed: SEED }) },
  )
  stats[target] = { ...seen, ms: Math.round(performance.now() - started) }
}

const adapters: AdapterHarness[] = [
  expressHarness('express 5', express),
  expressHarness('express 4', express4 as unknown as typeof express),
  koaHarness,
  fastifyHarness,
]

describe(`zero leaks on ${DOCS} generated documents per target`, () => {
  it('through the core guard', async () => {
    const guard = createGuard()
    await run('core', async (docs) => {
      const decision = guard.filterResponse(
        guard.startRequest({ method: 'GET', path: '/docs', native: {} }),
        {
          status: 200,
          body: docs.map((d) => d.value),
        },
      )
      if (decision.blocked) throw new Error('blocked')
      check(decision.body as unknown[], docs)
    })
  }, 600_000)

  for (const harness of adapters) {
    it(`through ${harness.name} over HTTP`, async () => {
      let current: unknown[] = []
      const server = await harness.start({
        leakguard: {},
        routes: [{ method: 'GET', path: '/docs', body: () => current }],
      })
      try {
        await run(harness.name, async (docs) => {
          current = docs.map((d) => d.value)
          const response = await fetch(`${server.url}/docs`)
          expect(response.status).toBe(200)
          check((await response.json()) as unknown[], docs)
        })
      } finally {
        await server.close()
      }
    }, 600_000)
  }

  afterAll(() => {
    for (const [target, s] of Object.entries(stats)) {
      console.log(
        `fuzz ${target}: ${s.documents} documents, ${s.secrets} secrets, ${s.markers} markers, 0 leaks, 0 lost markers, ${s.ms} ms`,
      )
    }
  })
})
