import { realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { readRequestTarget } from './request-target.js'

// The oracle: parseurl, what Express (`req.path`) and Koa (`ctx.path`) route by, taken from the
// Express the adapter tests run (a dependency of express, not of this package).
const express = realpathSync(
  fileURLToPath(new URL('../../../express/node_modules/express/package.json', import.meta.url)),
)
const parseurl = createRequire(express)('parseurl') as (req: { url: string }) => { pathname: string | null }

/** The path parseurl gives `target`, `null` when it has none, `'throws'` when it throws. */
function routed(target: string): string | null {
  try {
    return parseurl({ url: target }).pathname
  } catch {
    return 'throws'
  }
}

// Characters that move the boundaries url.parse draws: slashes, authority and query delimiters,
// ports, brackets, percent signs, and letters around them.
const ALPHABET = [
  '/',
  '/',
  '//',
  '@',
  '#',
  '?',
  ':',
  '%',
  '%40',
  '%2f',
  '[',
  ']',
  '.',
  'h',
  'u',
  'A',
  '1',
  '80',
]

describe('readRequestTarget against parseurl (Express, Koa)', () => {
  it('decides on the path the routers see, or refuses the target', () => {
    const random = seededRandom(0x5eed)
    const differ: string[] = []
    for (let n = 0; n < 100_000; n++) {
      let target = random() < 0.3 ? 'http://h' : ''
      const parts = 1 + Math.floor(random() * 9)
      for (let p = 0; p < parts; p++) target += ALPHABET[Math.floor(random() * ALPHABET.length)]
      if (!target.startsWith('/') && !target.startsWith('http://')) target = `/${target}`
      const decided = readRequestTarget(target)
      if (decided.refused !== undefined) continue
      const seen = routed(target)
      // An empty path: the routers answer 404 to `null`; leakguard reads it as `/`.
      if (seen === null && decided.path === '/') continue
      if (seen !== decided.path)
        differ.push(`${JSON.stringify(target)}: leakguard ${decided.path}, routers ${seen}`)
    }
    expect(differ.slice(0, 20)).toEqual([])
  })
})
