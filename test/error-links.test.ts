import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { createGuard, type GuardOptions, LeakguardConfigError } from '@leakguard/core'
import { beforeAll, describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const core = join(root, 'packages/core')
const PACKAGE = '@leakguard/core/'

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** The files `npm pack` puts in a package's tarball (core's prepack script copies docs/ first). */
function packedFiles(dir: string): string[] {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  })
  return (JSON.parse(json) as [{ files: { path: string }[] }])[0].files.map((file) => file.path)
}

/** Relative links of a markdown file (outside code blocks), as [target, path, anchor]. */
function relativeLinks(markdown: string): [target: string, path: string, anchor: string | undefined][] {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '')
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target!)
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => {
      const [path, anchor] = target.split('#')
      return [target, path!, anchor]
    })
}

/** Every code of `ConfigErrorCode`, the errors whose messages carry a docs link. */
function configErrorCodes(): string[] {
  const source = readFileSync(join(core, 'src/errors.ts'), 'utf8')
  const union = source.match(/export type ConfigErrorCode =([\s\S]*?)\n\n/)?.[1] ?? ''
  return union.match(/ERR_LG_CONFIG_[A-Z_]+/g) ?? []
}

describe('docs links printed by error messages', () => {
  let files: string[]
  beforeAll(() => {
    files = packedFiles(core)
  }, 60_000)

  /** Asserts that `link` (`@leakguard/core/<file>#<anchor>`) names a heading of a packed file. */
  function expectResolvable(link: string): void {
    expect(link.startsWith(PACKAGE), `${link} is inside @leakguard/core`).toBe(true)
    const [file, anchor] = link.slice(PACKAGE.length).split('#')
    expect(files, `${file} is in the @leakguard/core tarball`).toContain(file)
    expect(
      [...anchorsOf(readFileSync(join(core, file!), 'utf8'))],
      `#${anchor} is a heading of ${file}`,
    ).toContain(anchor)
  }

  it('ships docs/errors.md in the @leakguard/core tarball, identical to the repository page', () => {
    expect(files).toContain('docs/errors.md')
    expect(readFileSync(join(core, 'docs/errors.md'), 'utf8')).toBe(
      readFileSync(join(root, 'docs/errors.md'), 'utf8'),
    )
  })

  const codes = configErrorCodes()
  it('finds the configuration error codes', () => {
    expect(codes.length).toBeGreaterThan(5)
  })

  it.each(codes)('%s links to its own heading of the shipped errors.md', (code) => {
    const error = new LeakguardConfigError(code as LeakguardConfigError['code'], 'option', 'is wrong')
    expect(error.docs).toBe(`${PACKAGE}docs/errors.md#${code.toLowerCase()}`)
    expect(error.message).toContain(`see ${error.docs})`)
    expectResolvable(error.docs)
  })

  it.each([
    [{ mode: 'audit' }],
    [{ routs: {} }],
    [{ routes: { 'GET /users': { allow: ['$.users[?(@.admin)]'] } } }],
    [{ routes: { 'GET /x/:id?': {} } }],
  ])('a real startup error for %j prints a link that resolves', (options) => {
    let message = ''
    try {
      createGuard(options as GuardOptions)
    } catch (error) {
      message = (error as Error).message
    }
    const links = message.match(/@leakguard\/core\/\S+#[\w-]+/g) ?? []
    expect(links, message).toHaveLength(1)
    expectResolvable(links[0]!)
  })

  it('every relative link between the shipped docs resolves', () => {
    const docs = files.filter((file) => file.startsWith('docs/') && file.endsWith('.md'))
    expect(docs.length).toBeGreaterThan(1)
    const broken: string[] = []
    for (const file of docs) {
      for (const [target, path, anchor] of relativeLinks(readFileSync(join(core, file), 'utf8'))) {
        const linked = path === '' ? file : normalize(join(dirname(file), path))
        if (!files.includes(linked)) broken.push(`${file}: ${target} (no ${linked} in the tarball)`)
        else if (anchor !== undefined && !anchorsOf(readFileSync(join(core, linked), 'utf8')).has(anchor))
          broken.push(`${file}: ${target} (no heading #${anchor})`)
      }
    }
    expect(broken).toEqual([])
  })
})

describe('the README.md of each published package', () => {
  // Installed, the packages are siblings (node_modules/@leakguard/<name>), as they are in packages/;
  // the adapters link to the docs that packing copies into @leakguard/core.
  beforeAll(() => {
    packedFiles(core)
  }, 60_000)
  it.each(['core', 'express', 'koa', 'fastify', 'redis'])(
    '@leakguard/%s ships one whose relative links resolve',
    (name) => {
      const dir = join(root, 'packages', name)
      expect(packedFiles(dir)).toContain('README.md')
      const broken = relativeLinks(readFileSync(join(dir, 'README.md'), 'utf8')).filter(
        ([, path, anchor]) => {
          const linked = join(dir, path)
          if (!existsSync(linked)) return true
          return anchor !== undefined && !anchorsOf(readFileSync(linked, 'utf8')).has(anchor)
        },
      )
      expect(broken.map(([target]) => target)).toEqual([])
    },
    60_000,
  )
})
