import { describe, fail } from './validate.js'

/**
 * A length of time: milliseconds as a number, or a string such as `'500ms'`, `'30s'`, `'5m'`,
 * `'1h'` or `'1d'`. Every duration option of leakguard takes this form.
 */
// A plain `string` rather than a template literal type: option objects built ahead of the call
// widen their literals to `string`, and the value is validated at startup anyway.
export type Duration = number | string

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/

/**
 * Validates a {@link Duration} and returns it in whole milliseconds.
 * @throws LeakguardConfigError naming `option` when the value is not a duration in range
 */
export function durationOption(
  value: unknown,
  option: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback
  let ms: number | undefined
  if (typeof value === 'number' && Number.isFinite(value)) ms = value
  else if (typeof value === 'string') {
    const match = DURATION.exec(value.trim())
    if (match !== null) ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
  }
  if (ms === undefined) {
    return fail(
      option,
      `expected a duration (milliseconds, or a string such as "30s", "5m", "1h"), got ${describe(value)}`,
    )
  }
  ms = Math.round(ms)
  const { min = 0, max = 365 * UNIT_MS.d } = range
  if (ms < min || ms > max) {
    fail(option, `expected a duration from ${min} ms to ${max} ms, got ${describe(value)} (${ms} ms)`)
  }
  return ms
}
