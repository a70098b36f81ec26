import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// These import the built packages (dist/), as a user's app would: `pnpm test` builds first.
describe('consumers of the built packages', () => {
  it('finds the build', () => {
    for (const pkg of ['core', 'express', 'koa', 'fastify']) {
      expect(existsSync(here(`../packages/${pkg}/dist/index.js`)), `run pnpm build first (${pkg})`).toBe(true)
    }
  })

  it.each([
    ['an ESM JavaScript app', 'consumer/esm.mjs', 'esm ok'],
    ['a CommonJS JavaScript app (require of ESM)', 'consumer/cjs.cjs', 'cjs ok'],
  ])('load in %s', async (_name, file, expected) => {
    const { stdout } = await run(process.execPath, [here(file)])
    expect(stdout.trim()).toBe(expected)
  })

  it('type-check in ESM and CommonJS TypeScript apps', async () => {
    const tsc = here('../node_modules/typescript/bin/tsc')
    await expect(run(process.execPath, [tsc, '-p', here('consumer/tsconfig.json')])).resolves.toBeDefined()
  }, 60_000)
})
