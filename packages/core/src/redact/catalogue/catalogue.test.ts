import { describe, expect, it } from 'vitest'
import { DETECTOR_IDS } from '../detectors/index.js'
import { LiteralAutomaton } from './automaton.js'
import { compileKeyed, compileToken } from './compile.js'
import { EXAMPLES } from './examples/index.js'
import { KEYED_FORMATS, TOKEN_FORMATS } from './index.js'

const ALL = [...TOKEN_FORMATS, ...KEYED_FORMATS]

/**
 * Linear by construction: no group that repeats a variable number of times holds a quantifier
 * itself ((a+)+, (?:-[a-z]+)* are refused; (?:-[0-9a-f]{4}){3} and (?:x)? are fine). Checked on
 * the shape of the source rather than by a fuzzer, whose verdicts depend on machine load.
 */
function linearByShape(source: string): boolean {
  // Character classes and escapes become one plain character.
  const flat = source.replace(/\\./g, 'a').replace(/\[(?:\\.|[^\]])*\]/g, 'a')
  const open: number[] = []
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i]
    if (c === '(') open.push(i)
    else if (c === ')') {
      const start = open.pop()!
      const inner = flat.slice(start + 1, i)
      const after = flat.slice(i + 1)
      const variable = /^(?:[*+]|\{\d+,\d*\})/.test(after)
      if (variable && /[*+?]|\{\d+(?:,\d*)?\}/.test(inner.replace(/^\?:/, ''))) return false
    }
  }
  return true
}

/** Texts a token may sit in, with where the token starts. */
const settings = (token: string): Array<[string, number]> => [
  [token, 0],
  [`key is ${token}.`, 7],
  [`{"config":"${token}"}`, 11],
  [`EXPORT_VALUE=${token}\nNEXT=1`, 13],
  [`<td>${token}</td>`, 4],
]

describe('provider catalogue: shape', () => {
  it('has unique kebab-case ids that no other detector uses', () => {
    const ids = ALL.map((f) => f.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
      expect(DETECTOR_IDS).not.toContain(id)
    }
  })

  it.each(ALL.map((f) => [f.id, f] as const))(
    '%s: documented, with examples, a safe pattern',
    (id, format) => {
      expect(format.provider.length).toBeGreaterThan(0)
      expect(format.description.length).toBeGreaterThan(10)
      expect(format.reference.length).toBeGreaterThan(5)
      const examples = EXAMPLES[id]
      expect(examples, `examples for ${id}`).toBeDefined()
      expect(examples!.positives.length).toBeGreaterThan(0)
      expect(examples!.lookalikes.length).toBeGreaterThan(0)
      const source = 'body' in format ? format.body : format.value
      // No capturing groups, lookarounds, backreferences or anchors: the engine adds its own.
      expect(source).not.toMatch(/\((?!\?:)|\\[1-9]|(?<!\\)[\^$]|\(\?<?[=!]/)
      expect(linearByShape(source), `${id}: a quantified group holds a quantifier`).toBe(true)
      if ('prefixes' in format) {
        for (const prefix of format.prefixes) expect(prefix).toMatch(/^[\x21-\x7e]{2,}$/)
        compileToken(format)
      } else {
        for (const keyword of format.keywords) expect(keyword).toMatch(/^[a-z0-9][a-z0-9._-]{2,}$/)
        compileKeyed(format)
      }
    },
  )

  it('has no examples for formats that do not exist', () => {
    const ids = new Set(ALL.map((f) => f.id))
    for (const id of Object.keys(EXAMPLES)) expect(ids.has(id), id).toBe(true)
  })
})

describe('provider catalogue: tokens', () => {
  const automaton = new LiteralAutomaton(TOKEN_FORMATS.flatMap((f) => f.prefixes))
  const owner = TOKEN_FORMATS.flatMap((f) => f.prefixes.map(() => f.id))

  it.each(TOKEN_FORMATS.map((f) => [f.id, f] as const))(
    '%s: finds its positives, not its look-alikes',
    (id, format) => {
      const compiled = compileToken(format)
      for (const token of EXAMPLES[id]!.positives) {
        for (const [text, start] of settings(token)) {
          compiled.global.lastIndex = 0
          const match = compiled.global.exec(text)
          expect(match?.[0], `${id} in ${JSON.stringify(text)}`).toBe(token)
          expect(match!.index).toBe(start)
          // The automaton reports a prefix of this format where the token starts.
          const hits: number[] = []
          automaton.scan(text, hits)
          const starts = hits.filter((_, i) => i % 2 === 1 && owner[hits[i - 1]!] === id)
          expect(starts, `${id} prefix hit in ${JSON.stringify(text)}`).toContain(start)
        }
      }
      for (const lookalike of EXAMPLES[id]!.lookalikes) {
        compiled.global.lastIndex = 0
        expect(
          compiled.global.exec(lookalike)?.[0],
          `${id} must not match ${JSON.stringify(lookalike)}`,
        ).toBe(undefined)
      }
    },
  )

  it('checksums accept their positives', () => {
    for (const format of TOKEN_FORMATS) {
      if (format.checksum === undefined) continue
      for (const token of EXAMPLES[format.id]!.positives) expect(format.checksum(token), format.id).toBe(true)
    }
  })
})

describe('provider catalogue: keyed credentials', () => {
  it.each(KEYED_FORMATS.map((f) => [f.id, f] as const))('%s: found after its keyword', (id, format) => {
    const compiled = compileKeyed(format)
    const keyword = format.keywords[0]!
    for (const value of EXAMPLES[id]!.positives) {
      for (const text of [
        `${keyword.toUpperCase()}_KEY = "${value}"`,
        `${keyword}_token: ${value}\n`,
        `"${keyword}Secret" => '${value}'`,
      ]) {
        const at = text.toLowerCase().indexOf(keyword) + keyword.length
        compiled.assigned.lastIndex = at
        expect(compiled.assigned.exec(text)?.[1], `${id} in ${JSON.stringify(text)}`).toBe(value)
      }
      compiled.value.lastIndex = 0
      expect(compiled.value.exec(value)?.[0]).toBe(value)
    }
    for (const lookalike of EXAMPLES[id]!.lookalikes) {
      compiled.value.lastIndex = 0
      expect(compiled.value.exec(lookalike)?.[0], `${id} must not match ${JSON.stringify(lookalike)}`).toBe(
        undefined,
      )
    }
  })
})

describe('LiteralAutomaton', () => {
  it('reports every occurrence, overlapping ones and mixed case included', () => {
    const automaton = new LiteralAutomaton(['he', 'she', 'his', 'hers', 'SK'])
    const hits: number[] = []
    automaton.scan('uSHErs ask', hits)
    const found = []
    for (let i = 0; i < hits.length; i += 2) found.push(`${hits[i]}@${hits[i + 1]}`)
    expect(found.sort()).toEqual(['0@2', '1@1', '3@2', '4@8'].sort())
  })

  it('ignores characters outside ASCII and resets on them', () => {
    const automaton = new LiteralAutomaton(['abc'])
    const hits: number[] = []
    automaton.scan('ab\u00e9c abc ａbc', hits)
    expect(hits).toEqual([0, 5])
  })
})

describe('LiteralAutomaton in chunks', () => {
  it('resumes where it stopped, state included, and finds what one pass finds', () => {
    const automaton = new LiteralAutomaton(['ab', 'abc', 'bca', '='])
    const text = 'xabcabca=ab=abc'.repeat(50)
    const whole: number[] = []
    automaton.scan(text, whole)
    const chunked: number[] = []
    let from = 0
    do {
      const hits: number[] = []
      automaton.scan(text, hits, 3, from)
      from = automaton.stoppedAt
      chunked.push(...hits)
    } while (from < text.length)
    expect(chunked).toEqual(whole)
  })
})
