import { hexDigitsAt } from '../lib/hex.js'
import type { Span } from './types.js'

/** What one pass over JSON text found, before it is parsed. */
export interface JsonTextShape {
  /** Objects and arrays nest deeper than the limit given (the pass stopped there). */
  readonly tooDeep: boolean
  /**
   * A number would not come back with the same value once parsed and serialized again: out of
   * range (`1e400` becomes `null`), flushed to zero (`1e-400`) or with more than 15 significant
   * digits (`12345678901234567890` becomes `12345678901234567000`).
   */
  readonly lossyNumbers: boolean
  /**
   * The text is JSON as `JSON.parse` reads it. False when it nests too deep (the pass stopped
   * there, and `lossyNumbers` with it).
   */
  readonly valid: boolean
}

const QUOTE = 34
const BACKSLASH = 92

/** Index just past the string literal whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) return i + 1
    i += code === BACKSLASH ? 2 : 1
  }
  return text.length
}

/**
 * Whether JSON text repeats a member name in one object (`{"password":"x","password":null}`),
 * names compared as JSON.parse reads them (`"a"` and `"\u0061"` are one name). `JSON.parse` keeps
 * the last: a check of the parsed value never sees the first, which text that goes out as it is
 * (a signed token's payload) still carries. One pass; strings are decoded only where they are names.
 */
export function hasDuplicateMembers(text: string): boolean {
  // Per open container: the names of an object seen so far, or null for an array.
  const open: (Set<string> | null)[] = []
  let i = 0
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      const end = stringEnd(text, i)
      const names = open[open.length - 1]
      // A name: a string in an object followed (after blanks) by `:`.
      if (names != null) {
        let after = end
        while (after < text.length && text.charCodeAt(after) <= 32) after++
        if (text.charCodeAt(after) === 58) {
          let name: string
          try {
            name = JSON.parse(text.slice(i, end)) as string
          } catch {
            name = text.slice(i, end)
          }
          if (names.has(name)) return true
          names.add(name)
        }
      }
      i = end
      continue
    }
    if (code === 123) open.push(new Set())
    else if (code === 91) open.push(null)
    else if (code === 125 || code === 93) open.pop()
    i++
  }
  return false
}

const OBJECT = 0
const ARRAY = 1

/** Past JSON's blanks from `from`: space, tab, line feed and carriage return, nothing else. */
function skipBlanks(text: string, from: number): number {
  let i = from
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) break
    i++
  }
  return i
}

/** Index just past the string literal whose opening quote is at `start`, -1 where JSON has none. */
function stringLiteralEnd(text: string, start: number): number {
  let i = start + 1
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) return i + 1
    if (code < 32) return -1
    if (code === BACKSLASH) {
      const next = text.charCodeAt(i + 1)
      // \" \\ \/ \b \f \n \r \t, or \u and four hex digits.
      if (next === 117) {
        if (!hexDigitsAt(text, i + 2, 4)) return -1
        i += 6
        continue
      }
      if (
        !(
          next === QUOTE ||
          next === BACKSLASH ||
          next === 47 ||
          next === 98 ||
          next === 102 ||
          next === 110 ||
          next === 114 ||
          next === 116
        )
      )
        return -1
      i += 2
      continue
    }
    i++
  }
  return -1
}

/** Index past the digits from `from`. */
function digitsEnd(text: string, from: number): number {
  let i = from
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) break
    i++
  }
  return i
}

/** Index just past the number literal starting at `start` (`-` or a digit), -1 where JSON has none. */
function numberLiteralEnd(text: string, start: number): number {
  let i = start
  if (text.charCodeAt(i) === 45) i++
  const first = text.charCodeAt(i)
  if (first === 48) i++
  else if (first >= 49 && first <= 57) i = digitsEnd(text, i + 1)
  else return -1
  if (text.charCodeAt(i) === 46) {
    const end = digitsEnd(text, i + 1)
    if (end === i + 1) return -1
    i = end
  }
  const e = text.charCodeAt(i)
  if (e === 101 || e === 69) {
    i++
    const sign = text.charCodeAt(i)
    if (sign === 43 || sign === 45) i++
    const end = digitsEnd(text, i)
    if (end === i) return -1
    i = end
  }
  return i
}

/** Index past a member's name, its `:` and the blanks after it, from the name's quote; -1 if there is none. */
function memberValueStart(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) return -1
  const end = stringLiteralEnd(text, at)
  if (end < 0) return -1
  const colon = skipBlanks(text, end)
  return text.charCodeAt(colon) === 58 ? skipBlanks(text, colon + 1) : -1
}

/** Whether a number literal from `start` to `end` may change through a round trip (see {@link isLossyNumber}). */
function mayLoseNumber(text: string, start: number, end: number): boolean {
  // Fifteen characters or fewer (so as many digits at most) and no exponent: always the same
  // double, and the same text back.
  if (end - start <= 15) {
    let plain = true
    for (let k = start; k < end; k++) {
      const code = text.charCodeAt(k)
      if (code === 101 || code === 69) plain = false
    }
    if (plain) return false
  }
  return isLossyNumber(text.slice(start, end))
}

const TOO_DEEP: JsonTextShape = Object.freeze({ tooDeep: true, lossyNumbers: false, valid: false })
const INVALID: JsonTextShape = Object.freeze({ tooDeep: false, lossyNumbers: false, valid: false })
const INVALID_LOSSY: JsonTextShape = Object.freeze({ tooDeep: false, lossyNumbers: true, valid: false })
const VALID: JsonTextShape = Object.freeze({ tooDeep: false, lossyNumbers: false, valid: true })
const VALID_LOSSY: JsonTextShape = Object.freeze({ tooDeep: false, lossyNumbers: true, valid: true })

/**
 * One pass over JSON text, strings never decoded: whether it is JSON as `JSON.parse` reads it
 * (RFC 8259: one value, JSON's four blanks around it, strings without raw control characters,
 * escapes and numbers as the grammar writes them), how deep it nests, and whether its numbers
 * survive a round trip. Stops at the first character JSON does not allow there, and as soon as the
 * text nests deeper than `maxDepth`. Text that only looks like JSON (`Hello {name}`, a template, a
 * config in another syntax) is told apart without the exception `JSON.parse` would throw, which
 * costs microseconds (its message quotes the text).
 */
export function inspectJsonText(text: string, maxDepth: number): JsonTextShape {
  const open: number[] = []
  const length = text.length
  let lossy = false
  let i = skipBlanks(text, 0)
  for (;;) {
    // A value starts at i.
    const code = text.charCodeAt(i)
    if (code === 123 || code === 91) {
      if (open.length >= maxDepth) return TOO_DEEP
      const inside = skipBlanks(text, i + 1)
      if (text.charCodeAt(inside) === (code === 123 ? 125 : 93)) i = inside + 1
      else if (code === 91) {
        open.push(ARRAY)
        i = inside
        continue
      } else {
        open.push(OBJECT)
        i = memberValueStart(text, inside)
        if (i < 0) return INVALID
        continue
      }
    } else if (code === QUOTE) i = stringLiteralEnd(text, i)
    else if (code === 45 || (code >= 48 && code <= 57)) {
      const end = numberLiteralEnd(text, i)
      if (end > 0 && !lossy) lossy = mayLoseNumber(text, i, end)
      i = end
    } else if (code === 116 && text.startsWith('true', i)) i += 4
    else if (code === 102 && text.startsWith('false', i)) i += 5
    else if (code === 110 && text.startsWith('null', i)) i += 4
    else return INVALID
    if (i < 0) return INVALID
    // After a value: close what it ends, then a `,` and the next value, or the end of the text.
    for (;;) {
      i = skipBlanks(text, i)
      if (open.length === 0) return i !== length ? INVALID : lossy ? VALID_LOSSY : VALID
      const container = open[open.length - 1]
      const next = text.charCodeAt(i)
      if (next === 44) {
        i = container === OBJECT ? memberValueStart(text, skipBlanks(text, i + 1)) : skipBlanks(text, i + 1)
        if (i < 0) return INVALID
        break
      }
      if (next !== (container === OBJECT ? 125 : 93)) return INVALID
      open.pop()
      i++
    }
  }
}

/**
 * {@link inspectJsonText} of text that is not JSON, read loosely: strings skipped, brackets
 * counted, numbers read wherever they stand. What such text looks like to a reader that would
 * take it for JSON: nesting too deep, or numbers a round trip would change, send it to be read
 * as JSON text (member-name rules included), not as plain text.
 */
export function looseJsonShape(text: string, maxDepth: number): JsonTextShape {
  let depth = 0
  let lossyNumbers = false
  let i = 0
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      i = stringEnd(text, i)
      continue
    }
    if (code === 123 || code === 91) {
      if (++depth > maxDepth) return TOO_DEEP
    } else if (code === 125 || code === 93) {
      depth--
    } else if (!lossyNumbers && startsNumber(code)) {
      const end = numberEnd(text, i)
      lossyNumbers = isLossyNumber(text.slice(i, end))
      i = end
      continue
    }
    i++
  }
  return lossyNumbers ? INVALID_LOSSY : INVALID
}

/** Whether `text` is JSON text as `JSON.parse` reads it (see {@link inspectJsonText}). */
export function isJsonText(text: string): boolean {
  return inspectJsonText(text, Number.POSITIVE_INFINITY).valid
}

/** `-` or a digit: what a JSON number starts with. */
function startsNumber(code: number): boolean {
  return code === 45 || (code >= 48 && code <= 57)
}

function isNumberChar(code: number): boolean {
  // 0-9 . + - e E
  return (
    (code >= 48 && code <= 57) || code === 46 || code === 43 || code === 45 || code === 101 || code === 69
  )
}

/** Index just past the number token that starts at `start`. */
function numberEnd(text: string, start: number): number {
  let end = start + 1
  while (end < text.length && isNumberChar(text.charCodeAt(end))) end++
  return end
}

/** Whether a JSON number token changes value through `JSON.parse` and `JSON.stringify`. */
export function isLossyNumber(token: string): boolean {
  const value = Number(token)
  if (!Number.isFinite(value)) return true
  let significant = 0
  let leading = true
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i)
    if (code === 101 || code === 69) break
    if (code < 48 || code > 57) continue
    if (leading && code === 48) continue
    leading = false
    significant++
  }
  // A decimal with at most 15 significant digits always survives a round trip through a double.
  if (value === 0) return significant > 0
  if (significant <= 15) return false
  // An integer of more digits survives when the double holds it exactly (a card number stored as
  // a number, 4111111111111111, does; a 64-bit id past 2^53 does not).
  return !INTEGER.test(token) || BigInt(token) !== BigInt(value)
}

const INTEGER = /^-?\d+$/

/**
 * Characters of private use that may mark a number {@link shieldLossyNumbers} wrote as a string:
 * the first the text holds in no form is taken (an icon font's U+E000 in the text takes the next).
 */
const MARKS = ['\ue000', '\ue001', '\uf8fe', '\uf8ff', '\ue0ff', '\uf000']

/** Numbers a round trip would change, written as strings marked by `mark` (see {@link shieldLossyNumbers}). */
export interface ShieldedJson {
  readonly text: string
  readonly mark: string
}

/**
 * JSON text with each number a round trip would change (`12345678901234567890`, `1e400`) written
 * as a string marked by a character of private use, so that it is parsed, read and written like
 * any value (member-name rules and detectors included: a 19-digit card is masked) and
 * {@link unshieldNumbers} can write it back as it was. `undefined` when the text holds every mark.
 */
export function shieldLossyNumbers(text: string): ShieldedJson | undefined {
  const lower = text.toLowerCase()
  // A mark as written or as a JSON escape (`\ue000` in a string parses to it too).
  const mark = MARKS.find(
    (candidate) => !text.includes(candidate) && !lower.includes(`\\u${candidate.charCodeAt(0).toString(16)}`),
  )
  if (mark === undefined) return undefined
  let out = ''
  let from = 0
  let i = 0
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      i = stringEnd(text, i)
      continue
    }
    if (startsNumber(code)) {
      const end = numberEnd(text, i)
      const token = text.slice(i, end)
      if (isLossyNumber(token)) {
        out += `${text.slice(from, i)}"${mark}${token}"`
        from = end
      }
      i = end
      continue
    }
    i++
  }
  return { text: out + text.slice(from), mark }
}

/**
 * JSON text written from a value {@link shieldLossyNumbers} read: each number left as it was is a
 * number again, as written; one a mask changed stays a string, its mark dropped.
 */
export function unshieldNumbers(text: string, mark: string): string {
  return text.replace(new RegExp(`"${mark}(-?\\d[\\d.eE+-]*)"`, 'g'), '$1').replaceAll(`"${mark}`, '"')
}

/** A member of JSON text whose name a rule flags: the span of its value (a string or number literal). */
export interface MemberValueSpan extends Span {
  /** The member name, decoded. */
  readonly name: string
  /** The value, decoded when it is a string literal. */
  readonly value: string
}

/** A {@link MemberValueSpan}, with the members of every span first, in their order (one shape). */
function memberValue(
  start: number,
  end: number,
  detector: string,
  name: string,
  value: string,
): MemberValueSpan {
  return { start, end, detector, verified: false, name, value }
}

const WHITESPACE = /[\t\n\r ]/

function skipWhitespace(text: string, from: number): number {
  let i = from
  while (i < text.length && WHITESPACE.test(text[i]!)) i++
  return i
}

function decodeString(literal: string): string {
  const closed = literal.length > 1 && literal.endsWith('"')
  if (closed && !literal.includes('\\')) return literal.slice(1, -1)
  // A literal JSON would refuse (`"\x"`, a raw line break) is not parsed: the exception costs
  // microseconds, and text dense with such names would pay it at each one.
  if (stringLiteralEnd(literal, 0) !== literal.length) return literal.slice(1, closed ? -1 : undefined)
  try {
    return JSON.parse(literal) as string
  } catch {
    // Unterminated (text that was never valid JSON): what is there is the value.
    return literal.slice(1, closed ? -1 : undefined)
  }
}

/**
 * The values of members whose name `flags` accepts, found by reading JSON text as tokens, so
 * that member-name rules apply to JSON that is redacted as text (too deep to parse, say). Only
 * primitive values are returned; under a flagged member holding an object or an array, every
 * string and number value is (a container under a secret name is secret whole).
 */
export function flaggedMemberValues(
  text: string,
  flags: (name: string) => boolean,
  detector: string,
  /** Distinct names judged, past which reading stops (`exhausted`): the rest is left to the detectors. */
  maxNames = Number.POSITIVE_INFINITY,
): MemberValueSpan[] & { exhausted?: boolean } {
  const found: MemberValueSpan[] & { exhausted?: boolean } = []
  // The names judged in this text: each line of a log repeats the same few.
  let judged: Map<string, boolean> | undefined
  let i = 0
  while (i < text.length) {
    if (text.charCodeAt(i) !== QUOTE) {
      i++
      continue
    }
    const end = stringEnd(text, i)
    const colon = skipWhitespace(text, end)
    const name = text.charCodeAt(colon) === 58 ? decodeString(text.slice(i, end)) : null
    if (name === null) {
      i = end
      continue
    }
    judged ??= new Map()
    let flagged = judged.get(name)
    if (flagged === undefined) {
      if (judged.size >= maxNames) {
        // Past the budget, the rest is read by the detectors only.
        found.exhausted = true
        break
      }
      flagged = flags(name)
      judged.set(name, flagged)
    }
    if (!flagged) {
      i = end
      continue
    }
    const start = skipWhitespace(text, colon + 1)
    const first = text.charCodeAt(start)
    if (first === QUOTE) {
      const valueEnd = stringEnd(text, start)
      found.push(memberValue(start, valueEnd, detector, name, decodeString(text.slice(start, valueEnd))))
      i = valueEnd
    } else if (startsNumber(first)) {
      let valueEnd = start + 1
      while (valueEnd < text.length && isNumberChar(text.charCodeAt(valueEnd))) valueEnd++
      found.push(memberValue(start, valueEnd, detector, name, text.slice(start, valueEnd)))
      i = valueEnd
    } else if (first === 123 || first === 91) {
      i = containerValues(text, start, name, detector, found)
    } else {
      i = start
    }
  }
  return found
}

/**
 * Every string and number value inside the object or array opening at `start`, as values of the
 * flagged member `name` (a container under a secret name is secret whole); member names inside
 * stay. Reads to the matching bracket, or to the end of text that never closes it.
 * @returns where reading stopped
 */
function containerValues(
  text: string,
  start: number,
  name: string,
  detector: string,
  found: MemberValueSpan[],
): number {
  let depth = 0
  let i = start
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 123 || c === 91) {
      depth++
      i++
    } else if (c === 125 || c === 93) {
      i++
      if (--depth === 0) return i
    } else if (c === QUOTE) {
      const end = stringEnd(text, i)
      // A member name is followed by `:`; a value is not.
      if (text.charCodeAt(skipWhitespace(text, end)) !== 58)
        found.push(memberValue(i, end, detector, name, decodeString(text.slice(i, end))))
      i = end
    } else if (startsNumber(c)) {
      let end = i + 1
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++
      found.push(memberValue(i, end, detector, name, text.slice(i, end)))
      i = end
    } else i++
  }
  return i
}
