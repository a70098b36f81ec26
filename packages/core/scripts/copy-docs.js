// Copies the repository's docs/ into this package, so that the links error messages print
// (`@leakguard/core/docs/errors.md#...`) resolve inside node_modules. Runs at build and prepack.
import { cpSync, readdirSync, rmSync } from 'node:fs'

const source = new URL('../../../docs/', import.meta.url)
const target = new URL('../docs/', import.meta.url)

// Overwrite in place rather than delete first: tests reading the folder never see it missing.
cpSync(source, target, { recursive: true })
const pages = new Set(readdirSync(source, { recursive: true }))
for (const entry of readdirSync(target, { recursive: true })) {
  if (!pages.has(entry)) rmSync(new URL(entry, target), { recursive: true, force: true })
}
