import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const scripts: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts

/** The commands of the README's "On a fresh machine" block, without their comments. */
function freshMachineCommands(): string[] {
  const section = readme.split(/^## On a fresh machine.*$/m)[1]
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1]
  if (block === undefined) throw new Error('README.md has no sh block under "On a fresh machine"')
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '')
}

/** The pnpm scripts a command line runs (`pnpm install && pnpm demo` -> ['demo']). */
function scriptsOf(command: string): string[] {
  return command
    .split('&&')
    .map((part) => part.trim().split(/\s+/))
    .filter(([tool, verb]) => tool === 'pnpm' && verb !== 'install')
    .map(([, verb]) => verb!)
}

describe('README.md', () => {
  const commands = freshMachineCommands()

  it('gives a newcomer exactly two commands: the demo and every test', () => {
    expect(commands).toEqual(['pnpm install && pnpm demo', 'pnpm install && pnpm test'])
    for (const command of commands) {
      for (const script of scriptsOf(command)) expect(scripts, `pnpm ${script}`).toHaveProperty(script)
    }
  })

  it('is what CI runs: .ci/run calls the test command exactly', () => {
    const ci = readFileSync(join(root, '.ci/run'), 'utf8')
    const testCommand = commands.find((command) => scriptsOf(command).includes('test'))!
    const ciLines = ci.split('\n').map((line) => line.trim())
    // CI installs from the lockfile, which `pnpm install` also does under CI=true.
    expect(ciLines).toContain(testCommand.replace('pnpm install', 'pnpm install --frozen-lockfile'))
  })

  describe('from a fresh copy of the repository', () => {
    // Every file git would clone (tracked, or new and not ignored): a clean checkout of this tree.
    const copy = mkdtempSync(join(tmpdir(), 'leakguard-readme-'))
    afterAll(() => rmSync(copy, { recursive: true, force: true }))

    it('runs the demo command to completion', { timeout: 300_000 }, () => {
      const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      })
        .split('\0')
        .filter((file) => file !== '')
      for (const file of files) {
        mkdirSync(join(copy, dirname(file)), { recursive: true })
        try {
          cpSync(join(root, file), join(copy, file))
        } catch (error) {
          // A file deleted in the work tree but not yet in the index is not in a fresh clone either.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        }
      }
      const demoCommand = commands.find((command) => scriptsOf(command).includes('demo'))!
      // Exactly the README's line; packages come from the local store only (no network in tests).
      const run = spawnSync('sh', ['-c', demoCommand], {
        cwd: copy,
        encoding: 'utf8',
        env: { ...process.env, npm_config_offline: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
        maxBuffer: 64 * 1024 * 1024,
      })
      const output = `${run.stdout}\n${run.stderr}`
      expect(run.status, output).toBe(0)
      expect(output).toMatch(/\d+ values that the handlers sent never left the protected server\./)
      expect(output).not.toMatch(/Cannot find module|ERR_|Warning:/)
    })
  })
})
