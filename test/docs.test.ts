import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

describe('docs/errors.md', () => {
  const docs = readFileSync(join(root, 'docs/errors.md'), 'utf8')
  const codes = new Set(
    sources(join(root, 'packages')).flatMap(
      (file) => readFileSync(file, 'utf8').match(/ERR_LG_[A-Z_]+[A-Z]/g) ?? [],
    ),
  )

  it('finds the codes in the sources', () => {
    expect(codes.size).toBeGreaterThan(5)
  })

  it.each([...codes])('documents %s under its own heading', (code) => {
    expect(docs).toContain(`### \`${code}\``)
  })
})
