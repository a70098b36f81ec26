import { createRequire } from 'node:module'
import { describe, fail } from '../lib/validate.js'

interface RecheckResult {
  readonly status: 'safe' | 'vulnerable' | 'unknown'
  readonly complexity?: { readonly type?: string }
  readonly error?: { readonly kind?: string }
}

type CheckSync = (source: string, flags: string, params?: Record<string, unknown>) => RecheckResult

let checkSync: CheckSync | undefined

/** Definitive recheck verdicts by flags and source: `null` when safe, else why it was refused. */
const verdicts = new Map<string, string | null>()
const MAX_VERDICTS = 256

/**
 * Refuses a pattern that can backtrack catastrophically. Patterns that are linear by construction
 * (see {@link isLinearByConstruction}) are accepted at once; any other is analysed by recheck
 * (automata and fuzzing, not a heuristic), loaded only then, and its verdict is remembered.
 * @throws LeakguardConfigError `ERR_LG_CONFIG_UNSAFE_PATTERN`
 */
export function assertLinearPattern(pattern: RegExp, option: string): void {
  const flags = pattern.flags.replace(/[gy]/g, '')
  const why = isLinearByConstruction(pattern.source, flags) ? null : analyse(pattern.source, flags)
  if (why === null) return
  fail(
    option,
    `pattern ${describe(`/${pattern.source}/${pattern.flags}`)} ${why}; remove nested or overlapping quantifiers such as (a+)+ or (a|aa)*, or use a function rule`,
    'ERR_LG_CONFIG_UNSAFE_PATTERN',
  )
}

function analyse(source: string, flags: string): string | null {
  const key = `${flags}:${source}`
  const known = verdicts.get(key)
  if (known !== undefined) return known
  checkSync ??= (createRequire(import.meta.url)('recheck') as { checkSync: CheckSync }).checkSync
  const result = checkSync(source, flags, { timeout: 10_000 })
  if (result.status === 'safe') return remember(key, null)
  if (result.status === 'vulnerable') {
    const type = result.complexity?.type ?? 'super-linear'
    return remember(key, `can backtrack catastrophically (${type} time on crafted input)`)
  }
  // Not remembered: a timeout on a loaded machine may pass on the next attempt.
  return `could not be proven safe (${result.error?.kind ?? 'analysis did not finish'})`
}

function remember(key: string, why: string | null): string | null {
  if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!)
  verdicts.set(key, why)
  return why
}

/** Past this sum of repeat bounds recheck switches from its exact automaton checker to fuzzing (30). */
const MAX_REPEATS = 24
/** Backtracking paths through the pattern from one start position. */
const MAX_PATHS = 256
const MAX_SOURCE = 256

interface Shape {
  readonly paths: number
  readonly repeats: number
}

/**
 * Whether a pattern is linear by construction, so that recheck need not run: no unbounded
 * quantifier except one on a single-character atom that ends the whole pattern, no quantified
 * group except `(...)?`, no backreference or lookaround, at most {@link MAX_PATHS} backtracking
 * paths from a start position, and repeat bounds summing to at most {@link MAX_REPEATS}.
 *
 * Such a pattern's automaton is acyclic apart from the final loop, so recheck's automaton checker
 * (which it picks below 30 repeats) finds no ambiguous loop; and a backtracking engine explores
 * each path once per start position, the final loop never backtracking since nothing follows it.
 * `false` only means "ask recheck", never "unsafe".
 */
export function isLinearByConstruction(source: string, flags: string): boolean {
  if (source.length > MAX_SOURCE || flags.includes('v')) return false
  const unicode = flags.includes('u')
  let at = 0
  let looped = false

  const bounded = (shape: Shape): Shape | null =>
    shape.paths > MAX_PATHS || shape.repeats > MAX_REPEATS ? null : shape

  const bracesAt = /\{(\d+)(,(\d*))?\}/y
  /** `{n}`, `{n,}` or `{n,m}` at `at`: [min, max (Infinity when open), length], or null. */
  const braces = (): [number, number, number] | null => {
    bracesAt.lastIndex = at
    const match = bracesAt.exec(source)
    if (match === null) return null
    const min = Number(match[1])
    const max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3])
    return [min, max, match[0].length]
  }

  /** The quantifier at `at`, consumed with any lazy `?`: [min, max], or null when there is none. */
  const quantifier = (): [number, number] | null => {
    const char = source[at]
    let range: [number, number] | null = null
    if (char === '*') range = [0, Number.POSITIVE_INFINITY]
    else if (char === '+') range = [1, Number.POSITIVE_INFINITY]
    else if (char === '?') range = [0, 1]
    if (range !== null) at += 1
    else if (char === '{') {
      const parsed = braces()
      if (parsed === null) return null
      range = [parsed[0], parsed[1]]
      at += parsed[2]
    }
    if (range !== null && source[at] === '?') at += 1
    return range
  }

  const quantifierFollows = (): boolean =>
    /[*+?]/.test(source[at] ?? '') || (source[at] === '{' && braces() !== null)

  /** Consumes an escape after its backslash: 'atom', 'assertion', or null to defer. */
  const escapeSequence = (): 'atom' | 'assertion' | null => {
    const char = source[at]
    if (char === undefined) return null
    if (char === 'b' || char === 'B') {
      at += 1
      return 'assertion'
    }
    if (/[1-9k]/.test(char)) return null // backreference (or a legacy octal escape)
    if (char === '0' && /\d/.test(source[at + 1] ?? '')) return null
    if (char === 'c') {
      if (!/[A-Za-z]/.test(source[at + 1] ?? '')) return null
      at += 2
    } else if (char === 'x' && /^[\dA-Fa-f]{2}$/.test(source.slice(at + 1, at + 3))) at += 3
    else if (char === 'u' && /^[\dA-Fa-f]{4}$/.test(source.slice(at + 1, at + 5))) at += 5
    else if (unicode && /[upP]/.test(char) && source[at + 1] === '{') {
      const end = source.indexOf('}', at)
      if (end === -1) return null
      at = end + 1
    } else at += unicode ? String.fromCodePoint(source.codePointAt(at)!).length : 1
    return 'atom'
  }

  /** Consumes a character class after its `[`; false to defer. */
  const characterClass = (): boolean => {
    if (source[at] === '^') at += 1
    while (at < source.length && source[at] !== ']') at += source[at] === '\\' ? 2 : 1
    if (at >= source.length) return false
    at += 1
    return true
  }

  /** Consumes a group's opening after its `(`; false for lookarounds and modifiers. */
  const groupOpening = (): boolean => {
    if (source[at] !== '?') return true
    if (source[at + 1] === ':') {
      at += 2
      return true
    }
    if (source[at + 1] === '<' && !/[=!]/.test(source[at + 2] ?? '')) {
      const end = source.indexOf('>', at)
      if (end === -1) return false
      at = end + 1
      return true
    }
    return false
  }

  const alternation = (depth: number): Shape | null => {
    let paths = 0
    let repeats = 0
    let branches = 0
    for (;;) {
      const branch = sequence(depth)
      if (branch === null) return null
      paths += branch.paths
      repeats += branch.repeats
      branches += 1
      if (source[at] !== '|') break
      at += 1
    }
    // The final loop must end the whole pattern, not one branch of it.
    if (depth === 0 && looped && branches > 1) return null
    return bounded({ paths, repeats })
  }

  const sequence = (depth: number): Shape | null => {
    let paths = 1
    let repeats = 0
    while (at < source.length && source[at] !== '|' && source[at] !== ')') {
      if (looped) return null
      const char = source[at]!
      at += 1
      let item: Shape | null
      if (char === '(') {
        if (!groupOpening()) return null
        const inner = alternation(depth + 1)
        if (inner === null || source[at] !== ')') return null
        at += 1
        const range = quantifier()
        if (range === null) item = inner
        else if (range[0] === 0 && range[1] === 1)
          item = { paths: inner.paths + 1, repeats: inner.repeats + 1 }
        else return null
      } else if (char === '^' || char === '$' || (char === '\\' && /[bB]/.test(source[at] ?? ''))) {
        if (char === '\\') escapeSequence()
        if (quantifierFollows()) return null
        continue
      } else {
        if (/[*+?]/.test(char)) return null
        if (char === '[' && !characterClass()) return null
        if (char === '\\' && escapeSequence() === null) return null
        if (char !== '[' && char !== '\\' && unicode && source.codePointAt(at - 1)! > 0xffff) at += 1
        const range = quantifier()
        if (range === null) item = { paths: 1, repeats: 0 }
        else if (range[1] === Number.POSITIVE_INFINITY) {
          if (depth > 0) return null
          looped = true
          item = { paths: 1, repeats: range[0] }
        } else item = { paths: range[1] - range[0] + 1, repeats: range[1] }
      }
      const next = bounded({ paths: paths * item.paths, repeats: repeats + item.repeats })
      if (next === null) return null
      paths = next.paths
      repeats = next.repeats
    }
    return { paths, repeats }
  }

  const shape = alternation(0)
  return shape !== null && at === source.length
}
