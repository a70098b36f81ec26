import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { compileAllowlist, KEEP } from '../allowlist/compile.js'
import { project } from '../allowlist/project.js'
import { compileRedactor, RedactionSession } from '../redact/engine.js'
import { memberReader, memberReaderCount } from './member-reader.js'
import { CompiledView, serialize } from './serialize.js'

const limits = { maxDepth: 128, maxPaths: 32 }

/** Names that would break out of generated code written without escaping. */
const HOSTILE = [
  '"]; globalThis.__lgPwned = 1; //',
  "']; globalThis.__lgPwned = 1; //",
  '`${globalThis.__lgPwned = 1}`',
  '\\',
  '\\"',
  'line\u2028separator',
  'para\u2029separator',
  '\n}; globalThis.__lgPwned = 1; {',
  '\u0000',
  'lone \ud800 surrogate',
  '__proto__',
  'constructor',
  'toString',
  '0',
  '4294967295',
  '',
  '*/ globalThis.__lgPwned = 1 /*',
  '</script>',
]

/** `count` objects of one shape: the writer compiles a reader after 16 of them. */
function rows(names: readonly string[], count: number, random: () => number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    // JSON.parse makes `__proto__` an own member, as a body parsed from JSON has it.
    const row = JSON.parse('{}') as Record<string, unknown>
    for (const name of names) {
      if (name === '__proto__') Object.assign(row, JSON.parse(`{"__proto__": ${i}}`))
      else row[name] = random() < 0.5 ? `v${i}-${Math.floor(random() * 1e6)}` : i
    }
    return row
  })
}

const redactor = compileRedactor({}, 'redact')
const session = () => new RedactionSession(redactor, { hygiene: false, requestId: 'r', detailed: true })

/** What projection and JSON.stringify write, redacted: the reference the writer must match. */
const projected = (value: unknown, tree = KEEP) =>
  JSON.stringify(project(value, tree, { ...limits, hooks: session() }).value)

/** The writer's text, twice through one view (the second run reads with the plans' readers). */
function written(value: unknown, tree = KEEP, redact = false) {
  const hooks = () => (redact ? session() : undefined)
  const view = new CompiledView(tree)
  const first = serialize(value, view, { ...limits, hooks: hooks() })
  const second = serialize(value, view, { ...limits, hooks: hooks() })
  expect(second.text).toBe(first.text)
  return first.text
}

describe('member readers', () => {
  it('writes objects with hostile member names as JSON.stringify does, and runs none of them', () => {
    const before = memberReaderCount()
    const body = rows(HOSTILE, 40, seededRandom(7))
    expect(written(body)).toBe(JSON.stringify(body))
    expect(written(body, KEEP, true)).toBe(projected(body))
    // Each name alone, and under an allowlist that keeps two of them.
    for (const name of HOSTILE) {
      const one = rows([name, 'id'], 20, seededRandom(name.length))
      expect(written(one)).toBe(JSON.stringify(one))
    }
    const tree = compileAllowlist(['$[*].id', "$[*]['constructor']"], 'allow')
    const kept = rows(['id', 'constructor', ...HOSTILE], 20, seededRandom(3))
    expect(written(kept, tree, true)).toBe(projected(kept, tree))
    expect((globalThis as { __lgPwned?: unknown }).__lgPwned).toBeUndefined()
    // Readers were made: the test reads through them, not around them.
    expect(memberReaderCount()).toBeGreaterThan(before)
  })

  it('writes the same text as the member-by-member read on random shapes, redacted or not', () => {
    const random = seededRandom(0x5eed)
    const alphabet = ['a', 'b', 'id', 'name', 'email', 'x-y', 'é', '"', '\\', '0', '12', 'password']
    for (let round = 0; round < 200; round++) {
      const names = [
        ...new Set(
          Array.from(
            { length: 1 + Math.floor(random() * 8) },
            () => alphabet[Math.floor(random() * alphabet.length)]!,
          ),
        ),
      ]
      const body = { data: rows(names, 10 + Math.floor(random() * 30), random) }
      expect(written(body)).toBe(JSON.stringify(body))
      expect(written(body, KEEP, true)).toBe(projected(body))
    }
  })

  it('reads getters once per member, and a getter that throws fails the write', () => {
    let reads = 0
    const make = (i: number) => ({
      id: i,
      get name() {
        reads++
        return `n${i}`
      },
    })
    const body = Array.from({ length: 40 }, (_, i) => make(i))
    expect(written(body)).toBe(JSON.stringify(body))
    // twice by written(), once by JSON.stringify
    expect(reads).toBe(120)
    const throwing = [
      ...body,
      {
        id: 1,
        get name(): string {
          throw new Error('boom')
        },
      },
    ]
    expect(() => serialize(throwing, new CompiledView(KEEP), limits)).toThrow('boom')
  })

  it('makes no reader for a name/value pair, whose secrecy is read as its members are written', () => {
    // A red-team pass: a getter that renames the pair after the reader had read its value made the
    // value of DB_PASSWORD pass from the 17th row on.
    const row = (i: number) => ({
      name: 'DB_PASSWORD',
      value: `s3cr3t-${i}`,
      get z() {
        ;(this as { name: string }).name = 'db_password_ref'
        return 1
      },
    })
    // Fresh rows for each response: the getter renames the rows it is read on.
    const view = new CompiledView(KEEP)
    for (let response = 0; response < 2; response++) {
      const body = Array.from({ length: 40 }, (_, i) => row(i))
      const text = serialize(body, view, { ...limits, hooks: session() }).text!
      expect(text).not.toContain('s3cr3t')
      expect(text.split('"name":"DB_PASSWORD","value":"[REDACTED]"').length).toBe(41)
    }
  })

  it('makes no reader for long names or many members, and is bounded', () => {
    expect(memberReader(['x'.repeat(129)])).toBeUndefined()
    expect(memberReader(Array.from({ length: 65 }, (_, i) => `m${i}`))).toBeUndefined()
    expect(memberReader([])).toBeUndefined()
    const reader = memberReader(['a', 'b'])!
    const out: unknown[] = []
    reader({ b: 2, a: 1 }, out)
    expect(out).toEqual([1, 2])
    expect(memberReader(['a', 'b'])).toBe(reader)
    for (let i = 0; i < 600; i++) memberReader([`cap${i}`])
    expect(memberReaderCount()).toBe(512)
    expect(memberReader(['past', 'the cap'])).toBeUndefined()
  })

  it('writes the same where code generation from strings is disallowed', () => {
    // The built package, as an application run with --disallow-code-generation-from-strings uses it.
    const core = new URL('../../dist/index.js', import.meta.url).href
    const script = `
      import { createGuard } from ${JSON.stringify(core)}
      const guard = createGuard({ routes: { 'GET /x': { allow: ['$[*].id', '$[*].name'] } } })
      const body = Array.from({ length: 40 }, (_, i) => ({ id: i, name: 'n' + i, secret: 's' }))
      const context = guard.startRequest({ method: 'GET', path: '/x', native: undefined })
      console.log(guard.serializeResponse(context, { status: 200, body }).payload)`
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    )
    const expected = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `n${i}` }))
    expect(JSON.parse(out)).toEqual(expected)
  })
})
