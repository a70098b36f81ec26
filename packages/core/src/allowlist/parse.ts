import { JSONPath } from 'jsonpath-plus'
import { describe, fail } from '../lib/validate.js'

/** One step of an allowlisted path: a property name (array indices are names too) or `[*]`. */
export type PathSegment = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'any' }

const DOT_NAME = /^[^\s.[\]'"*?()@~^`,\\:]+/
const INDEX = /^\[(\d+)\]/
const QUOTED = /^\[(?:'([^'\\[\]^~`]*)'|"([^"\\[\]^~`]*)")\]/

function unsupported(option: string, expr: string, what: string): never {
  return fail(
    option,
    `${describe(expr)} uses ${what}; allowlist paths take names, [*] and array indices only, such as "$.users[*].email"`,
    'ERR_LG_CONFIG_UNSUPPORTED_PATH',
  )
}

function invalid(option: string, expr: string, why: string): never {
  return fail(
    option,
    `${describe(expr)} is not a valid JSONPath (${why}); write paths such as "$.id", "$.items[*].name" or "$['a key']"`,
    'ERR_LG_CONFIG_INVALID_PATH',
  )
}

const ANY: PathSegment = { kind: 'any' }

/** Reads the segment at the start of `rest`, or nothing when it is not one we accept. */
function readSegment(rest: string): { segment: PathSegment; length: number } | undefined {
  if (rest.startsWith('.*')) return { segment: ANY, length: 2 }
  if (rest.startsWith('[*]')) return { segment: ANY, length: 3 }
  if (rest[0] === '.' && rest[1] !== '.') {
    const name = DOT_NAME.exec(rest.slice(1))
    return name === null
      ? undefined
      : { segment: { kind: 'name', name: name[0] }, length: 1 + name[0].length }
  }
  const index = INDEX.exec(rest)
  if (index !== null)
    return { segment: { kind: 'name', name: String(Number(index[1])) }, length: index[0].length }
  const quoted = QUOTED.exec(rest)
  if (quoted !== null)
    return { segment: { kind: 'name', name: quoted[1] ?? quoted[2] ?? '' }, length: quoted[0].length }
  return undefined
}

/** Explains why the segment at the start of `rest` is refused. */
function refuse(option: string, expr: string, rest: string): never {
  if (rest.startsWith('..')) return unsupported(option, expr, 'recursive descent ("..")')
  if (/^\[\s*\?/.test(rest)) {
    return unsupported(option, expr, 'a filter expression ("[?(...)]"), which leakguard never evaluates')
  }
  if (/^\[\s*\(/.test(rest)) {
    return unsupported(option, expr, 'a script expression ("[(...)]"), which leakguard never evaluates')
  }
  if (/^\[-?\d*:/.test(rest)) return unsupported(option, expr, 'an array slice ("[start:end]")')
  if (/^\[-\d+\]/.test(rest)) return unsupported(option, expr, 'a negative index')
  if (/^\[[^\]]*,/.test(rest))
    return unsupported(option, expr, 'a union ("[a,b]"); list each path on its own instead')
  if (/^[~^]|^\.?@\w*\(/.test(rest))
    return unsupported(option, expr, 'a jsonpath-plus extension (~, ^ or @type())')
  return invalid(
    option,
    expr,
    `unexpected ${describe(rest.slice(0, 12))} at character ${expr.length - rest.length}`,
  )
}

/**
 * Parses one allowlist path. The grammar is deliberately narrow and strict (jsonpath-plus reads
 * `"$."` as `"$"`, which would allow everything); the result is then checked against
 * `JSONPath.toPathArray` so a path means here exactly what it means to jsonpath-plus.
 * Filters and script expressions are refused: the evaluator is never used.
 */
export function parsePath(expr: unknown, option: string): PathSegment[] {
  if (typeof expr !== 'string') return fail(option, `expected a JSONPath string, got ${describe(expr)}`)
  if (!expr.startsWith('$')) {
    return invalid(
      option,
      expr,
      `it must start at the root "$"${expr.length > 0 ? `; did you mean "$.${expr}"?` : ''}`,
    )
  }
  const segments: PathSegment[] = []
  let rest = expr.slice(1)
  while (rest.length > 0) {
    const token = readSegment(rest)
    if (token === undefined) return refuse(option, expr, rest)
    segments.push(token.segment)
    rest = rest.slice(token.length)
  }
  const reference = JSONPath.toPathArray(expr)
  const expected = ['$', ...segments.map((s) => (s.kind === 'any' ? '*' : s.name))]
  if (reference.length !== expected.length || reference.some((part, i) => part !== expected[i])) {
    return invalid(option, expr, "jsonpath-plus reads it differently; quote unusual names as $['name']")
  }
  return segments
}
