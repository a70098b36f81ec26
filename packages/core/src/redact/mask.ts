import { createHmac } from 'node:crypto'
import { describe, fail, isPlainObject } from '../lib/validate.js'
import type { MaskSpec } from './types.js'

/** Applies a mask; `null` means "remove". */
export type CompiledMask = ((
  match: string,
  context: { readonly detector: string; readonly key: string | null },
) => string | null) & {
  /**
   * The mask never writes what JSON escapes (a quote, a backslash, a control character) unless
   * the match holds it: the built-in operators, with plain replacement text. Functions: unknown.
   */
  readonly keepsPlain?: boolean
  /**
   * What the mask writes for a detector whatever the match and the member name (`remove`, `mask`,
   * `replace`): found once per detector, so that a finding costs no call. Absent when the output
   * depends on the match (`partial`, `hash`, functions).
   */
  readonly fixed?: (detector: string) => string | null
}

/** `mask`, declaring that it writes `fixed(detector)` whatever the match. */
function fixedAs<T extends (...args: never[]) => string | null>(
  mask: T,
  fixed: (detector: string) => string | null,
): T {
  return Object.assign(mask, { fixed })
}

/** Marks a built-in mask as {@link CompiledMask.keepsPlain} when `written` (its own text) is plain. */
function plainWhen<T extends (...args: never[]) => string | null>(mask: T, written: string): T {
  return isPlainJsonText(written) ? Object.assign(mask, { keepsPlain: true }) : mask
}

/** Whether `text` holds nothing `JSON.stringify` escapes. */
export function isPlainJsonText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false
  }
  return true
}

/** ASCII letters and digits: what `partial` counts and masks; everything else stays as it is. */
const ALNUM = new Uint8Array(128)
for (let c = 48; c <= 57; c++) ALNUM[c] = 1
for (let c = 65; c <= 90; c++) ALNUM[c] = 1
for (let c = 97; c <= 122; c++) ALNUM[c] = 1

function isAlnum(c: number): boolean {
  return c < 128 && ALNUM[c] === 1
}

/** `char` repeated 0 to 64 times, made once per mask (a match is masked in runs between separators). */
function runsOf(char: string): readonly string[] {
  return Array.from({ length: 65 }, (_, n) => char.repeat(n))
}

function partial(
  match: string,
  keepStart: number,
  keepEnd: number,
  char: string,
  runs: readonly string[],
): string {
  let total = 0
  for (let i = 0; i < match.length; i++) if (isAlnum(match.charCodeAt(i))) total++
  const hidden = total - keepStart - keepEnd
  if (hidden <= 0) return match
  // Letters and digits only (a card number written without spaces): no separator to keep.
  if (total === match.length) {
    const run = hidden < runs.length ? runs[hidden]! : char.repeat(hidden)
    return match.slice(0, keepStart) + run + match.slice(match.length - keepEnd)
  }
  // The span from the first hidden letter or digit to the last: separators in it stay.
  let from = 0
  let to = match.length
  let seen = 0
  for (let i = 0; i < match.length; i++) {
    if (!isAlnum(match.charCodeAt(i))) continue
    if (seen === keepStart) from = i
    if (++seen === keepStart + hidden) {
      to = i + 1
      break
    }
  }
  const run = (n: number) => (n < runs.length ? runs[n]! : char.repeat(n))
  let masked: string
  if (to - from === hidden) masked = run(hidden)
  else {
    masked = ''
    let pending = 0 // hidden characters not yet written
    for (let i = from; i < to; i++) {
      if (isAlnum(match.charCodeAt(i))) pending++
      else {
        masked += run(pending) + match[i]
        pending = 0
      }
    }
    masked += run(pending)
  }
  return match.slice(0, from) + masked + match.slice(to)
}

function count(value: unknown, option: string, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(option, `expected an integer from 0 to ${max}, got ${describe(value)}`)
  }
  return value
}

function maskChar(value: unknown, option: string): string {
  if (value === undefined) return '*'
  if (typeof value !== 'string' || [...value].length !== 1)
    fail(option, `expected one character, got ${describe(value)}`)
  return value
}

/** Limits a detector puts on `partial` (PCI DSS: at most the first 6 and last 4 digits of a card). */
export interface PartialLimits {
  readonly maxKeepStart: number
  readonly maxKeepEnd: number
}

/**
 * Validates and compiles a mask once, at startup.
 * @throws LeakguardConfigError, e.g. `hash` without `redact.hashKey`
 */
export function compileMask(
  spec: MaskSpec | unknown,
  option: string,
  hashKey: Buffer | undefined,
  limits: PartialLimits = { maxKeepStart: 64, maxKeepEnd: 64 },
): CompiledMask {
  if (typeof spec === 'function') {
    const custom = spec as (match: string, context: { detector: string; key: string | null }) => unknown
    return (match, context) => {
      const out = custom(match, context)
      if (typeof out !== 'string')
        throw new TypeError(`mask function of ${context.detector} returned ${describe(out)}`)
      return out
    }
  }
  const normalized = typeof spec === 'string' ? { operator: spec } : spec
  if (!isPlainObject(normalized)) {
    return fail(
      option,
      `expected "remove", "mask", "partial", "hash", an operator object or a function, got ${describe(spec)}`,
    )
  }
  switch (normalized.operator) {
    case 'remove':
      return fixedAs(
        plainWhen(() => null, ''),
        () => null,
      )
    case 'mask': {
      const run = maskChar(normalized.char, `${option}.char`).repeat(
        count(normalized.length, `${option}.length`, 64, 8),
      )
      return fixedAs(
        plainWhen(() => run, run),
        () => run,
      )
    }
    case 'partial': {
      const keepStart = count(
        normalized.keepStart,
        `${option}.keepStart`,
        limits.maxKeepStart,
        Math.min(4, limits.maxKeepStart),
      )
      const keepEnd = count(
        normalized.keepEnd,
        `${option}.keepEnd`,
        limits.maxKeepEnd,
        Math.min(4, limits.maxKeepEnd),
      )
      const char = maskChar(normalized.char, `${option}.char`)
      const runs = runsOf(char)
      // Keeps the match's own characters but letters and digits, which become `char`.
      return plainWhen((match: string) => partial(match, keepStart, keepEnd, char, runs), char)
    }
    case 'hash': {
      if (hashKey === undefined) {
        return fail(
          option,
          'the "hash" operator needs a key: set redact.hashKey to a secret of at least 32 bytes (keep it out of the code)',
          'ERR_LG_CONFIG_MISSING_HASH_KEY',
        )
      }
      return plainWhen(
        (match: string) => `hmac:${createHmac('sha256', hashKey).update(match).digest('hex').slice(0, 32)}`,
        'hmac:',
      )
    }
    case 'replace': {
      if (typeof normalized.with !== 'string')
        fail(`${option}.with`, `expected the replacement text, got ${describe(normalized.with)}`)
      const template = normalized.with as string
      if (!template.includes('{detector}'))
        return fixedAs(
          plainWhen(() => template, template),
          () => template,
        )
      const byDetector = new Map<string, string>()
      const written = (detector: string): string => {
        let out = byDetector.get(detector)
        if (out === undefined) {
          out = template.replaceAll('{detector}', detector)
          if (byDetector.size < 256) byDetector.set(detector, out)
        }
        return out
      }
      // Detector and rule ids are plain: the template decides.
      return fixedAs(
        plainWhen(
          (_match: string, context: { readonly detector: string }) => written(context.detector),
          template,
        ),
        written,
      )
    }
    default:
      return fail(
        `${option}.operator`,
        `expected "remove", "mask", "partial", "hash" or "replace", got ${describe(normalized.operator)}`,
      )
  }
}
