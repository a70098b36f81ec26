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
