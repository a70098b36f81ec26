import type { KeyedFormat, TokenFormat } from './types.js'

/** Word characters: what may not touch a token unless its format says otherwise. */
export const DEFAULT_BOUNDARY = 'A-Za-z0-9_'

/** Assignment between a name and a value in text: `=`, `:`, `:=`, `=>`, `?=`, `||`, `,` (gitleaks' forms). */
export const ASSIGNMENT = String.raw`[\w.-]{0,24}?[\s'"\x60\]]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}`
/** What may follow a value assigned in text: a quote, a space, `;`, `,`, a closing bracket, an escaped newline, the end. */
export const VALUE_END = String.raw`(?=[\x60'"\s;,)}\]<&]|\\[nrt]|$)`

export const escapeLiteral = (literal: string): string => literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/** ASCII characters in a character class source, as a lookup table (1: in the class). */
export function classTable(source: string): Uint8Array {
  const table = new Uint8Array(128)
  const re = new RegExp(`^[${source}]$`)
  for (let code = 0; code < 128; code++) if (re.test(String.fromCharCode(code))) table[code] = 1
  return table
}

/** A token format ready to run: confirmed at a prefix hit, or searched for in a whole string. */
export interface CompiledToken {
  readonly format: TokenFormat
  /** Matches the token at `lastIndex` (set to a prefix hit), right boundary included. */
  readonly sticky: RegExp
  /** Every occurrence in a string, both boundaries included (tests, and strings past the hit limit). */
  readonly global: RegExp
  /** Characters that may not stand just before the token. */
  readonly boundary: Uint8Array
  /** Its body as one run of a class, where the format's body is one (see {@link RunBody}). */
  readonly run: RunBody | undefined
}

/**
 * A body that is one run of a character class, with padding after it or not
 * (`[A-Za-z0-9+/_-]{250,8000}={0,2}`), where the boundary after the token holds every character
 * of the class. Whether such a token matches at a prefix then depends only on where the run of
 * class characters after the prefix ends: every prefix inside one run ends at the same place, and
 * the scan reads that run once, not once per prefix (`-ops_eyJ` written a thousand times made a
 * thousand reads of 8,000 characters each).
 */
export interface RunBody {
  /** The class, per ASCII code (1: in it). */
  readonly chars: Uint8Array
  readonly min: number
  readonly max: number
}

/** `[class]{min,max}` or `[class]{min,}`, and `={0,n}` after it or not. */
const RUN_BODY = /^\[([^\]\\]+)\]\{(\d+),(\d*)\}(?:=\{0,\d\})?$/

function runBody(format: TokenFormat, boundary: string): RunBody | undefined {
  // Case as written, and prefixes none of which starts another: at any place one prefix at most
  // matches, the one the literal scan found there.
  if (format.ignoreCase === true) return undefined
  for (const a of format.prefixes)
    for (const b of format.prefixes) if (a !== b && b.startsWith(a)) return undefined
  const shape = RUN_BODY.exec(format.body)
  if (shape === null) return undefined
  const chars = classTable(shape[1]!)
  const after = classTable(boundary)
  for (let code = 0; code < 128; code++) if (chars[code] === 1 && after[code] !== 1) return undefined
  return { chars, min: Number(shape[2]), max: shape[3] === '' ? Number.POSITIVE_INFINITY : Number(shape[3]) }
}

export function compileToken(format: TokenFormat): CompiledToken {
  const flags = format.ignoreCase === true ? 'i' : ''
  const boundary = format.boundary ?? DEFAULT_BOUNDARY
  const token = `(?:${format.prefixes.map(escapeLiteral).join('|')})(?:${format.body})(?![${boundary}])`
  return {
    format,
    sticky: new RegExp(token, `y${flags}`),
    global: new RegExp(`(?<![${format.before ?? boundary}])${token}`, `g${flags}`),
    boundary: classTable(format.before ?? boundary),
    run: runBody(format, boundary),
  }
}

/** A keyed format ready to run: after a keyword in text, or as a member's value. */
export interface CompiledKeyed {
  readonly format: KeyedFormat
  /** From the end of a keyword: the rest of the name, an assignment, and the value (group 1). */
  readonly assigned: RegExp
  /** The value anywhere in a string, not touching other word characters (under a member named for the provider). */
  readonly value: RegExp
}

export function compileKeyed(format: KeyedFormat): CompiledKeyed {
  const flags = format.ignoreCase === true ? 'i' : ''
  return {
    format,
    assigned: new RegExp(`${ASSIGNMENT}(${format.value})${VALUE_END}`, `y${flags}`),
    value: new RegExp(`(?<![A-Za-z0-9_])(?:${format.value})(?![A-Za-z0-9_])`, `g${flags}`),
  }
}
