import { createRequire } from 'node:module'
import { describe, fail } from '../lib/validate.js'

interface RecheckResult {
  readonly status: 'safe' | 'vulnerable' | 'unknown'
  readonly complexity?: { readonly type?: string }
  readonly error?: { readonly kind?: string }
}

let checkSync:
  | ((source: string, flags: string, params?: Record<string, unknown>) => RecheckResult)
  | undefined

/**
 * Refuses a pattern that can backtrack catastrophically, with recheck (automaton and fuzzing
 * analysis, not a heuristic). Loaded only when an app declares a custom regex rule.
 * @throws LeakguardConfigError `ERR_LG_CONFIG_UNSAFE_PATTERN`
 */
export function assertLinearPattern(pattern: RegExp, option: string): void {
  checkSync ??= (createRequire(import.meta.url)('recheck') as { checkSync: typeof checkSync }).checkSync
  const result = checkSync!(pattern.source, pattern.flags.replace(/[gy]/g, ''), { timeout: 10_000 })
  if (result.status === 'safe') return
  const why =
    result.status === 'vulnerable'
      ? `can backtrack catastrophically (${result.complexity?.type ?? 'super-linear'} time on crafted input)`
      : `could not be proven safe (${result.error?.kind ?? 'analysis did not finish'})`
  fail(
    option,
    `pattern ${describe(`/${pattern.source}/${pattern.flags}`)} ${why}; remove nested or overlapping quantifiers such as (a+)+ or (a|aa)*, or use a function rule`,
    'ERR_LG_CONFIG_UNSAFE_PATTERN',
  )
}
