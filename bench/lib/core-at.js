// @leakguard/core as it was at an earlier commit, built from the repository's own history: a
// baseline measured in the same run as today's engine, on the same machine, not a figure copied
// from an old run.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Builds packages/core at `rev` (git archive, then the repository's own tsc) under
 * node_modules/.cache, once per commit, and returns the path of its dist/index.js. Throws with the
 * reason when it cannot: not a git clone, a shallow one without that commit, or a failed build.
 */
export function coreAt(rev) {
  const sha = execFileSync('git', ['-C', ROOT, 'rev-parse', '--verify', `${rev}^{commit}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim()
  const dir = join(ROOT, 'node_modules', '.cache', 'leakguard-bench', `core-${sha.slice(0, 12)}`)
  const entry = join(dir, 'packages', 'core', 'dist', 'index.js')
  if (existsSync(entry)) return entry
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const files = ['packages/core', 'tsconfig.base.json']
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', sha, ...files], {
    maxBuffer: 1 << 28,
  })
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  // Its dependencies are today's installed ones (jsonpath-plus, jose...): the engine's own code is
  // what differs.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  symlinkSync(join(ROOT, 'packages', 'core', 'node_modules'), join(dir, 'packages', 'core', 'node_modules'))
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'tsc'),
    ['-p', join(dir, 'packages', 'core', 'tsconfig.build.json')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return entry
}
