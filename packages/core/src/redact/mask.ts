import { createHmac } from 'node:crypto'
import { describe, fail, isPlainObject } from '../lib/validate.js'
import { isAsciiAlnum } from './features.js'
import type { MaskSpec } from './types.js'
import { compatForm, isCombiningMark, isInvisible } from './unicode-forms.js'

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

/** `char` repeated 0 to 64 times, made once per mask (a match is masked in runs between separators). */
function runsOf(char: string): readonly string[] {
  return Array.from({ length: 65 }, (_, n) => char.repeat(n))
}

/**
 * Whether `match`'s code unit at `i` is one `partial` hides (or counts among those it keeps): an
 * ASCII letter or digit, or any character past ASCII but those that render as nothing (a digit
 * of another script, a compatibility form such as `④`, a letter), a surrogate pair counted once,
 * on its first unit.
 */
function hideable(match: string, i: number): boolean {
  const c = match.charCodeAt(i)
  if (c < 128) return isAsciiAlnum(c)
  // What renders as nothing, and a mark on a character, stay where they are, as a separator does.
  if (isInvisible(c) || isCombiningMark(c)) return false
  // The second unit of a pair goes with the first.
  return !(c >= 0xdc00 && c <= 0xdfff && i > 0 && isHighSurrogate(match.charCodeAt(i - 1)))
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff

/**
 * Whether the character at `i` (past ASCII) reads as several letters or digits (`⑪` is 11, `㊲`
 * is 37): counted as one, a `partial` mask would show more of the value than it keeps.
 */
function readsAsSeveral(match: string, i: number): boolean {
  const form = compatForm(match, i)
  if (form === undefined || form.length < 2) return false
  let alnum = 0
  for (let k = 0; k < form.length; k++) if (isAsciiAlnum(form.charCodeAt(k)) && ++alnum > 1) return true
  return false
}

/**
 * `match` with its letters and digits masked but the first `keepStart` and last `keepEnd`; every
 * other character stays. Characters past ASCII count as letters (`④①①①...`, a card written with
 * compatibility forms, shows no digit it should not).
 */
/** A compiled `partial` mask: what it keeps, its character, and what it has written before. */
interface PartialSpec {
  readonly keepStart: number
  readonly keepEnd: number
  readonly char: string
  /** `char` repeated 0 to 64 times. */
  readonly runs: readonly string[]
  /** The hidden part of each layout seen (see {@link hiddenWritten}). */
  readonly layouts: Map<number, string>
}

function partial(match: string, spec: PartialSpec): string {
  const ascii = partialAscii(match, spec)
  if (ascii !== undefined) return ascii
  const { keepStart, keepEnd } = spec
  const n = match.length
  // A character that reads as several digits (`⑪`) makes what is kept unknowable: all is hidden.
  let several = false
  // The span from the first hidden letter or digit to the last: after the first `keepStart`
  // letters and digits, before the last `keepEnd`. Separators in it stay.
  let from = 0
  for (let seen = 0; from < n; from++) {
    if (!hideable(match, from)) continue
    if (match.charCodeAt(from) >= 128 && readsAsSeveral(match, from)) several = true
    if (seen === keepStart) break
    seen++
  }
  let to = n
  for (let seen = 0; to > from; to--) {
    if (!hideable(match, to - 1)) continue
    if (match.charCodeAt(to - 1) >= 128 && readsAsSeveral(match, to - 1)) several = true
    if (seen === keepEnd) break
    seen++
  }
  // `to` stands after the last hidden character: past its second unit when it is a pair.
  if (to < n && isHighSurrogate(match.charCodeAt(to - 1))) to++
  if (several && keepStart + keepEnd > 0) return partial(match, { ...spec, keepStart: 0, keepEnd: 0 })
  if (to <= from) return match
  // Numbers of one format share where their separators stand (`+** **** ****`): that layout,
  // read on the way, names the hidden part, built once.
  let hidden = 0
  let positions = 0
  let separator = 0
  let layout = to - from <= MAX_LAYOUT
  for (let i = from; i < to; i++) {
    const c = match.charCodeAt(i)
    if (c < 128 ? isAsciiAlnum(c) : hideable(match, i)) {
      hidden++
      if (c >= 128 && (keepStart > 0 || keepEnd > 0) && readsAsSeveral(match, i)) several = true
    } else if (layout) {
      const code = c < 128 ? SEPARATOR_CODES[c]! : 0
      if (code === 0 || (separator !== 0 && code !== separator)) layout = false
      else {
        separator = code
        positions |= 1 << (i - from)
      }
    }
  }
  if (several && keepStart + keepEnd > 0) return partial(match, { ...spec, keepStart: 0, keepEnd: 0 })
  return hiddenWritten(
    match,
    from,
    to,
    hidden,
    layout ? layoutKey(positions, to - from, separator) : -1,
    spec,
  )
}

/** Positions of the letters and digits of the match {@link partialAscii} reads (at most {@link MAX_ASCII}). */
const ALNUM_AT = new Int32Array(128)
const MAX_ASCII = 128

/**
 * {@link partial} of a match in ASCII of at most 128 characters (a card, a phone number, an
 * account number): the same text, from one pass over it that notes where its letters and digits
 * stand. `undefined` for any other match, which the general reading takes.
 */
function partialAscii(match: string, spec: PartialSpec): string | undefined {
  const { keepStart, keepEnd } = spec
  const n = match.length
  if (n > MAX_ASCII) return undefined
  // Letters and digits only (a card alone in its member): every character is one, no loop.
  if (ALNUM_ONLY.test(match)) {
    if (n <= keepStart + keepEnd) return match
    return hiddenWritten(match, keepStart, n - keepEnd, n - keepStart - keepEnd, -1, spec)
  }
  const at = ALNUM_AT
  let total = 0
  // Where each kind of separator stands (bit i for position i, in the first 31), and any other
  // character: the layout of the hidden part is read from them, in this one pass.
  const kinds = SEPARATORS_AT
  kinds[0] = kinds[1] = kinds[2] = kinds[3] = kinds[4] = 0
  for (let i = 0; i < n; i++) {
    const c = match.charCodeAt(i)
    if (c >= 128) return undefined
    if (isAsciiAlnum(c)) at[total++] = i
    else if (i < 31) kinds[SEPARATOR_CODES[c]!]! |= 1 << i
  }
  // Too few letters and digits to hide any past those kept.
  if (total <= keepStart + keepEnd) return match
  const from = at[keepStart]!
  const to = at[total - 1 - keepEnd]! + 1
  const hidden = total - keepStart - keepEnd
  // Separators among the hidden characters, all of one kind: the layout they make names the
  // hidden part (`+** **** ****`).
  let key = -1
  if (to - from > hidden && to - from <= MAX_LAYOUT && to <= 31) {
    const range = ((1 << (to - from)) - 1) << from
    if ((kinds[0]! & range) === 0) {
      let separator = 0
      for (let code = 1; code <= 4; code++) {
        if ((kinds[code]! & range) === 0) continue
        separator = separator === 0 ? code : -1
      }
      if (separator > 0) key = layoutKey((kinds[separator]! & range) >>> from, to - from, separator)
    }
  }
  return hiddenWritten(match, from, to, hidden, key, spec)
}

/** ASCII letters and digits, and nothing else. */
const ALNUM_ONLY = /^[A-Za-z0-9]*$/

/** Scratch of {@link partialAscii}: positions of other characters (0), then of each separator (1-4). */
const SEPARATORS_AT = new Int32Array(5)

/** A layout as a small integer: separator positions (22 bits), length (5) and separator (3). */
const layoutKey = (positions: number, length: number, separator: number): number =>
  (positions * 32 + length) * 8 + separator

/**
 * `match` with its letters and digits from `from` to `to` (`hidden` of them) written as the
 * mask's character, the rest as it is. `key` names the layout of the separators among them (-1:
 * none to remember): its hidden part is built once.
 */
function hiddenWritten(
  match: string,
  from: number,
  to: number,
  hidden: number,
  key: number,
  spec: PartialSpec,
): string {
  const { char, runs, layouts } = spec
  if (to - from === hidden)
    return (
      match.slice(0, from) + (hidden < runs.length ? runs[hidden]! : char.repeat(hidden)) + match.slice(to)
    )
  let masked = key === -1 ? undefined : layouts.get(key)
  if (masked === undefined) {
    masked = ''
    let pending = 0 // hidden characters not yet written
    for (let i = from; i < to; i++) {
      const c = match.charCodeAt(i)
      if (c < 128 ? isAsciiAlnum(c) : hideable(match, i)) pending++
      else if (c < 0xdc00 || c > 0xdfff) {
        masked += (pending < runs.length ? runs[pending]! : char.repeat(pending)) + match[i]
        pending = 0
      }
      // The second unit of a pair was counted with the first.
    }
    masked += pending < runs.length ? runs[pending]! : char.repeat(pending)
    if (key !== -1 && layouts.size < MAX_LAYOUTS) layouts.set(key, masked)
  }
  return match.slice(0, from) + masked + match.slice(to)
}

/** Separators a layout can name: space, dash, dot, slash (1-4); any other character makes none. */
const SEPARATOR_CODES = new Uint8Array(128)
SEPARATOR_CODES[32] = 1
SEPARATOR_CODES[45] = 2
SEPARATOR_CODES[46] = 3
SEPARATOR_CODES[47] = 4
/** Longest hidden part remembered by its layout. */
const MAX_LAYOUT = 22
/** Layouts remembered per mask. */
const MAX_LAYOUTS = 256

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
      const spec: PartialSpec = { keepStart, keepEnd, char, runs: runsOf(char), layouts: new Map() }
      // Keeps the match's own characters but letters and digits, which become `char`.
      return plainWhen((match: string) => partial(match, spec), char)
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
