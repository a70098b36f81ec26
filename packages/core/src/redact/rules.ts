import { describe, fail, functionOption, isPlainObject } from '../lib/validate.js'
import { type CompiledMask, compileMask } from './mask.js'
import { assertLinearPattern } from './safe-regex.js'
import type { MaskSpec } from './types.js'

/** A redaction rule written in application code. Every rule has an `id`, reported in events. */
export type RedactRule =
  | {
      /** Reported in events and `{detector}` of masks. */
      readonly id: string
      /** Matches inside string values; refused at startup if it can backtrack catastrophically. */
      readonly pattern: RegExp | string
      /** @default { operator: 'replace', with: '[REDACTED:{detector}]' } */
      readonly mask?: MaskSpec
    }
  | {
      readonly id: string
      /**
       * Member paths whose primitive values are secret, as globs over member names: `'user.ssn'`,
       * `'**.secret*'` (any depth), `'data.*.token'`. Array levels are transparent.
       */
      readonly keys: string | readonly string[]
      readonly mask?: MaskSpec
    }
  | {
      readonly id: string
      /** `true` for the whole string, or the spans to mask. A throw blocks the response. */
      readonly match: (
        value: string,
        context: { readonly key: string | null; readonly path: string },
      ) => boolean | ReadonlyArray<{ readonly start: number; readonly end: number }>
      readonly mask?: MaskSpec
    }

export const DEFAULT_RULE_MASK: MaskSpec = { operator: 'replace', with: '[REDACTED:{detector}]' }

export interface CompiledPatternRule {
  readonly id: string
  readonly pattern: RegExp
  readonly mask: CompiledMask
}

export interface CompiledFunctionRule {
  readonly id: string
  readonly match: Extract<RedactRule, { match: unknown }>['match']
  readonly mask: CompiledMask
}

export interface CompiledKeyRule {
  readonly id: string
  /** Each glob as segment matchers; `null` stands for `**`. */
  readonly globs: ReadonlyArray<ReadonlyArray<RegExp | null>>
  /** Whether a member name can end a match: checked before building the path. */
  readonly last: ReadonlyArray<RegExp | null>
  readonly mask: CompiledMask
}

export interface CompiledRules {
  readonly patterns: readonly CompiledPatternRule[]
  readonly functions: readonly CompiledFunctionRule[]
  readonly keys: readonly CompiledKeyRule[]
}

function segmentMatcher(segment: string): RegExp | null {
  if (segment === '**') return null
  const source = segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${source}$`, 'i')
}

/** Whether member names `path` (outermost first) match a compiled glob. */
export function globMatches(glob: ReadonlyArray<RegExp | null>, path: readonly string[]): boolean {
  const memo = new Map<number, boolean>()
  const at = (g: number, p: number): boolean => {
    const id = g * (path.length + 1) + p
    const known = memo.get(id)
    if (known !== undefined) return known
    let result: boolean
    if (g === glob.length) result = p === path.length
    else if (glob[g] === null) result = at(g + 1, p) || (p < path.length && at(g, p + 1))
    else result = p < path.length && glob[g]!.test(path[p]!) && at(g + 1, p + 1)
    memo.set(id, result)
    return result
  }
  return at(0, 0)
}

/** Validates and compiles custom rules once. @throws LeakguardConfigError naming the rule */
export function compileRules(rules: unknown, option: string, hashKey: Buffer | undefined): CompiledRules {
  const patterns: CompiledPatternRule[] = []
  const functions: CompiledFunctionRule[] = []
  const keys: CompiledKeyRule[] = []
  if (rules === undefined) return { patterns, functions, keys }
  if (!Array.isArray(rules)) fail(option, `expected an array of rules, got ${describe(rules)}`)
  const ids = new Set<string>()
  for (const [i, rule] of (rules as unknown[]).entries()) {
    const at = `${option}[${i}]`
    if (!isPlainObject(rule)) fail(at, `expected a rule object, got ${describe(rule)}`)
    const { id } = rule
    if (typeof id !== 'string' || !/^[\w.:-]{1,64}$/.test(id)) {
      fail(`${at}.id`, `expected an id of letters, digits, ".", ":", "_" or "-", got ${describe(id)}`)
    }
    if (ids.has(id)) fail(`${at}.id`, `rule id "${id}" is used twice`)
    ids.add(id)
    const kinds = ['pattern', 'keys', 'match'].filter((k) => rule[k] !== undefined)
    if (kinds.length !== 1) fail(at, `rule "${id}" needs exactly one of "pattern", "keys" or "match"`)
    const unknown = Object.keys(rule).filter((k) => !['id', 'pattern', 'keys', 'match', 'mask'].includes(k))
    if (unknown.length > 0)
      fail(
        `${at}.${unknown[0]}`,
        `is not a rule option; rules take id, pattern | keys | match, mask`,
        'ERR_LG_CONFIG_UNKNOWN_OPTION',
      )
    const mask = compileMask(rule.mask ?? DEFAULT_RULE_MASK, `${at}.mask`, hashKey)
    if (rule.pattern !== undefined) {
      let pattern: RegExp
      try {
        pattern = rule.pattern instanceof RegExp ? rule.pattern : new RegExp(String(rule.pattern))
      } catch (error) {
        fail(`${at}.pattern`, `is not a valid regular expression (${(error as Error).message})`)
      }
      if (typeof rule.pattern !== 'string' && !(rule.pattern instanceof RegExp)) {
        fail(`${at}.pattern`, `expected a RegExp or a string, got ${describe(rule.pattern)}`)
      }
      assertLinearPattern(pattern, `${at}.pattern (rule "${id}")`)
      const flags = pattern.flags.includes('g')
        ? pattern.flags.replace('y', '')
        : `${pattern.flags.replace('y', '')}g`
      patterns.push({ id, pattern: new RegExp(pattern.source, flags), mask })
    } else if (rule.keys !== undefined) {
      const list = typeof rule.keys === 'string' ? [rule.keys] : rule.keys
      if (!Array.isArray(list) || list.length === 0 || list.some((g) => typeof g !== 'string' || g === '')) {
        fail(
          `${at}.keys`,
          `expected a glob or an array of globs such as "**.secret*", got ${describe(rule.keys)}`,
        )
      }
      const globs = (list as string[]).map((glob) => glob.split('.').map(segmentMatcher))
      keys.push({ id, globs, last: globs.map((g) => g[g.length - 1] ?? null), mask })
    } else {
      const match = functionOption<CompiledFunctionRule['match']>(rule.match, `${at}.match`)!
      functions.push({ id, match, mask })
    }
  }
  return { patterns, functions, keys }
}
