import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { assertLinearPattern, isLinearByConstruction } from './safe-regex.js'

interface Recheck {
  checkSync(source: string, flags: string, params?: object): { status: string }
}

// The same module instance safe-regex.ts loads, so the spy sees every analysis it runs.
const recheck = createRequire(import.meta.url)('recheck') as Recheck
let analyses: MockInstance<Recheck['checkSync']>
beforeAll(() => {
  analyses = vi.spyOn(recheck, 'checkSync')
})

const recheckSafe = (pattern: RegExp) =>
  recheck.checkSync(pattern.source, pattern.flags.replace(/[gy]/g, ''), { timeout: 10_000 }).status === 'safe'

function leakguardSafe(pattern: RegExp): boolean {
  try {
    assertLinearPattern(pattern, 'redact.rules[0].pattern')
    return true
  } catch (error) {
    if (error instanceof LeakguardConfigError && error.code === 'ERR_LG_CONFIG_UNSAFE_PATTERN') return false
    throw error
  }
}

/** Custom rules as applications write them: all linear, most decided without recheck. */
const typicalRules = [
  /ORD-\d{8}/,
  /\bEMP-[0-9]{6}\b/,
  /ORD-\d+/,
  /\d{5}(?:-\d{4})?/,
  /\b(?:acct|cust)_[A-Za-z0-9]{16}\b/,
  /(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})/,
  /\bINV-\d{4}-\d{6}\b/i,
  /\p{Lu}{2}\d{4}/u,
  /caf\u00e9 \x41\cJ[\]^-]/,
  /^(?:foo|bar|baz)-\d{3}$/m,
  /sk_live_\w+/,
  /a{/,
]

/** Classic ReDoS examples (OWASP, recheck's documentation) and polynomial traps. */
const catastrophic = [
  /(a+)+$/,
  /(a|aa)*b/,
  /(\w+\s?)*$/,
  /^(a+)+$/,
  /^(\d+)*$/,
  /(x+x+)+y/,
  /^([a-zA-Z]+)*$/,
  /^(a|aa)+$/,
  /^(a|a?)+$/,
  /^(a|a)*$/,
  /^(a*)*$/,
  /^(([a-z])+.)+[A-Z]([a-z])+$/,
  /^([a-zA-Z0-9])(([-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$/,
  /^a*a*$/,
  /\s+$/,
  /^\s+|\s+$/g,
  /\d+x/,
  /[a-z]+@/,
  /.*x/,
  /x{2,}y/,
  /\d{28,}x/,
  /a*b?a*$/,
  /(?:a?){25}a{25}/,
]

/** Linear, but outside the fast path: recheck decides them. */
const deferredSafe = [
  /x\d+y/,
  /(?:a|a){20}b/,
  /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/i,
  /(?=\d{4})\d+/,
  /(\d)\1/,
  /\d{25}x/,
]

describe('assertLinearPattern', () => {
  it.each(['(a+)+$', '(a|aa)*b', '(\\w+\\s?)*$'])('refuses %s, the patterns the design names', (source) => {
    expect(isLinearByConstruction(source, '')).toBe(false)
    expect(() => assertLinearPattern(new RegExp(source), 'redact.rules[0].pattern')).toThrow(
      expect.objectContaining({
        code: 'ERR_LG_CONFIG_UNSAFE_PATTERN',
        message: expect.stringContaining('can backtrack catastrophically'),
      }),
    )
  })

  it('gives the verdict recheck gives on every pattern of the corpus', () => {
    for (const pattern of [...typicalRules, ...catastrophic, ...deferredSafe]) {
      expect({ pattern: String(pattern), safe: leakguardSafe(pattern) }).toEqual({
        pattern: String(pattern),
        safe: recheckSafe(pattern),
      })
    }
    expect(catastrophic.filter(leakguardSafe)).toEqual([])
  })

  it('decides typical custom rules without running recheck', () => {
    analyses.mockClear()
    for (const pattern of typicalRules) expect(leakguardSafe(pattern)).toBe(true)
    expect(analyses).not.toHaveBeenCalled()
  })

  it('analyses a pattern once, however many rules declare it', () => {
    const refused = /(ab|a|b)*c/
    const safe = /^(\d{3})+$/
    analyses.mockClear()
    for (let i = 0; i < 3; i++) {
      expect(leakguardSafe(new RegExp(refused.source))).toBe(false)
      expect(leakguardSafe(new RegExp(safe.source, 'g'))).toBe(true)
    }
    expect(analyses).toHaveBeenCalledTimes(2)
  })

  it('analyses the same source again under other flags', () => {
    analyses.mockClear()
    expect(leakguardSafe(/x\d+z/)).toBe(true)
    expect(leakguardSafe(/x\d+z/i)).toBe(true)
    expect(analyses).toHaveBeenCalledTimes(2)
  })
})

describe('isLinearByConstruction', () => {
  it('accepts acyclic patterns and one final single-character loop', () => {
    expect(typicalRules.filter((p) => !isLinearByConstruction(p.source, p.flags))).toEqual([])
  })

  it.each([
    ['a loop followed by anything', String.raw`\d+x`],
    ['a loop followed by an anchor', String.raw`\s+$`],
    ['a loop in a group', String.raw`(?:\d+)`],
    ['a loop in one branch', String.raw`a|\d+`],
    ['two loops', 'a+b+'],
    ['a quantified group other than ?', '(?:ab){2}'],
    ['a backreference', String.raw`(a)\1`],
    ['a named backreference', String.raw`(?<x>a)\k<x>`],
    ['a legacy octal escape', String.raw`\01`],
    ['a lookahead', '(?=a)a'],
    ['a lookbehind', '(?<=a)b'],
    ['a negative lookbehind', '(?<!a)b'],
    ['repeat bounds recheck would fuzz', String.raw`\d{15}\d{15}`],
    ['more backtracking paths than the bound', 'a{0,8}b{0,8}c{0,8}'],
    ['a bound too long to read as a small number', `a{0,${'9'.repeat(30)}}x`],
    ['a source longer than the bound', 'a'.repeat(257)],
  ])('leaves %s to recheck', (_, source) => {
    expect(isLinearByConstruction(source, '')).toBe(false)
  })

  it('leaves v-flag patterns to recheck', () => {
    expect(isLinearByConstruction('[\\p{L}--[a-z]]', 'v')).toBe(false)
  })

  it('reads escapes and classes as single atoms', () => {
    expect(isLinearByConstruction(String.raw`[+*?{]\*\+\?\{\(\)\[\]`, '')).toBe(true)
    expect(isLinearByConstruction(String.raw`\u{1F600}\p{L}+`, 'u')).toBe(true)
    expect(isLinearByConstruction('😀+', 'u')).toBe(true)
    expect(isLinearByConstruction(String.raw`[\]a+]x`, '')).toBe(true)
    expect(isLinearByConstruction(String.raw`[\]]+x`, '')).toBe(false)
  })

  it('never accepts a pattern recheck refuses, over generated patterns near its edges', () => {
    let seed = 0x2f6b_3a91
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return (((t ^ (t >>> 14)) >>> 0) % n) as number
    }
    const pick = <T>(items: readonly T[]): T => items[random(items.length)]!
    const atoms = ['a', 'b', 'ab', '\\d', '\\w', '\\s', '.', '[ab]', '[^a]', '\\b', '^', '$', 'x']
    const quantifiers = ['', '', '', '?', '{2}', '{1,3}', '{0,4}', '{3,5}?', '*', '+', '{2,}', '+?']
    const term = (depth: number): string =>
      depth < 2 && random(4) === 0
        ? `(?:${[term(depth + 1), term(depth + 1)].slice(0, 1 + random(2)).join('|')})${pick(['', '?', '??', '{2}', '+'])}`
        : `${pick(atoms)}${pick(quantifiers)}`
    let accepted = 0
    for (let i = 0; i < 1500; i++) {
      const source = Array.from({ length: 1 + random(5) }, () => term(0)).join('')
      let pattern: RegExp
      try {
        pattern = new RegExp(source)
      } catch {
        continue
      }
      if (!isLinearByConstruction(pattern.source, '')) continue
      accepted += 1
      expect({ source, safe: recheckSafe(pattern) }).toEqual({ source, safe: true })
    }
    expect(accepted).toBeGreaterThan(300)
  }, 120_000)
})
