import { parsePath } from '../allowlist/parse.js'
import type { Principal } from '../auth/principal.js'
import { describe, fail } from '../lib/validate.js'

/**
 * A route's object-level check, run before the handler: `true` lets the request through; anything
 * else (false, a throw, a rejection) answers `ownerDenied` (404 by default).
 * @param principal the verified caller (`undefined` for anonymous callers of optional routes)
 * @param params the route's path parameters, decoded (`{ id: '1001' }`)
 * @param body the parsed request body, after `accept` (undefined when there is none)
 */
export type OwnerCheck = (
  principal: Principal | undefined,
  params: Readonly<Record<string, string>>,
  body: unknown,
) => boolean | Promise<boolean>

/** {@link mayReadBody}'s answers, per function (functions are made once, at startup). */
const readsBody = new WeakMap<OwnerCheck, boolean>()

/**
 * Whether an owner check may read the body, so that it must wait for it: it declares a third
 * parameter. `length` does not count a parameter with a default or a rest
 * (`(p, params, body = {})`, `({ sub }, { id }, { from } = {})`, `(...args)`), so the parameter
 * list is read from the function's source, and only a plain one is taken at its word: at most two
 * names (`(p, params)`, `p => ...`). Anything else (a default, a pattern, a rest, a comment, a
 * computed name, a bound or native function) and a function that reads `arguments` is taken to
 * read it (fail closed: it waits; reading JavaScript's grammar here would be a parser to get wrong).
 */
export function mayReadBody(owner: OwnerCheck): boolean {
  let known = readsBody.get(owner)
  if (known === undefined) {
    known = owner.length >= 3 || !takesNoBody(Function.prototype.toString.call(owner))
    readsBody.set(owner, known)
  }
  return known
}

/** A name in a parameter list (ASCII and the letters of other scripts). */
const NAME = '[\\p{L}\\p{Nl}$_][\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}$]*'
/** `x => ...`, `async x => ...`: one parameter, no parentheses. */
const ONE_NAME_ARROW = new RegExp(`^(?:async\\s+)?${NAME}\\s*=>`, 'u')
/** At most two names between the parentheses, a trailing comma allowed. */
const TWO_NAMES = new RegExp(`^\\s*(?:${NAME}\\s*(?:,\\s*${NAME}\\s*)?,?\\s*)?$`, 'u')

/** Whether a function's source plainly declares at most two parameters and never reads `arguments`. */
function takesNoBody(source: string): boolean {
  // A bound or native function shows no parameters of its own.
  if (/\barguments\b/.test(source) || source.includes('[native code]')) return false
  if (ONE_NAME_ARROW.test(source)) return true
  const open = source.indexOf('(')
  if (open === -1) return false
  // What comes before the list is `function name`, `async`, a method's name: nothing that holds
  // brackets, quotes, slashes or parentheses of its own (a computed name, a comment).
  if (/[[\]'"`/]/.test(source.slice(0, open))) return false
  const close = source.indexOf(')', open)
  return close !== -1 && TWO_NAMES.test(source.slice(open + 1, close))
}

/** A compiled `ownerPath`: where the owner of a response object (or of each list item) is. */
export interface OwnerPath {
  readonly source: string
  /** Names down to the list whose items are checked one by one; `null`: the body is one object. */
  readonly list: readonly string[] | null
  /** Names from the object (or item) down to its owner value. */
  readonly member: readonly string[]
  /** Dotted claim path compared with the owner value (`sub` by default). */
  readonly claim: readonly string[]
}

/**
 * Compiles `ownerPath` (`'$.userId'`, `'$.items[*].ownerId'`, `'$[*].owner.id'`) and `ownerClaim`.
 * One `[*]` at most: it marks the list whose items are filtered.
 * @throws LeakguardConfigError
 */
export function compileOwnerPath(path: unknown, claim: unknown, option: string): OwnerPath {
  const segments = parsePath(path, `${option}.ownerPath`)
  const wildcards = segments.filter((segment) => segment.kind === 'any').length
  if (wildcards > 1)
    fail(`${option}.ownerPath`, `has ${wildcards} [*]; use one, on the list whose items belong to callers`)
  const star = segments.findIndex((segment) => segment.kind === 'any')
  const names = (from: number, to: number) =>
    segments.slice(from, to).map((segment) => (segment.kind === 'name' ? segment.name : ''))
  const member = star === -1 ? names(0, segments.length) : names(star + 1, segments.length)
  if (member.length === 0)
    fail(
      `${option}.ownerPath`,
      `${describe(path)} names no member: end it with the owner's member, e.g. '$[*].userId'`,
    )
  let claimPath: string[] = ['sub']
  if (claim !== undefined) {
    if (typeof claim !== 'string' || !/^[^.\s]+(?:\.[^.\s]+)*$/.test(claim))
      fail(`${option}.ownerClaim`, `expected a claim name such as 'sub' or 'org.id', got ${describe(claim)}`)
    claimPath = (claim as string).split('.')
  }
  return Object.freeze({
    source: path as string,
    list: star === -1 ? null : names(0, star),
    member: Object.freeze(member),
    claim: Object.freeze(claimPath),
  })
}

/** A value as JSON would write it: `toJSON` applied (a Date, an ORM document). */
function asJson(value: unknown): unknown {
  return typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON(): unknown }).toJSON()
    : value
}

function memberAt(value: unknown, names: readonly string[]): unknown {
  let at = asJson(value)
  for (const name of names) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, name))
      return undefined
    at = asJson((at as Record<string, unknown>)[name])
  }
  return at
}

/** What a caller owns: the claim's value, or each value of an array claim (a list of tenants). */
function ownedValues(principal: Principal | undefined, claim: readonly string[]): readonly string[] {
  if (principal === undefined) return []
  const value = claim.length === 1 && claim[0] === 'sub' ? principal.sub : memberAt(principal.claims, claim)
  const list = Array.isArray(value) ? value : [value]
  return list.filter((item) => typeof item === 'string' || typeof item === 'number').map(String)
}

function owns(owned: readonly string[], value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && owned.includes(String(value))
}

/** What {@link applyOwnerPath} decided. */
export type OwnerPathResult =
  /** The object is not the caller's (or has no owner): answer `ownerDenied`. */
  | { readonly denied: true }
  /** Send `body`: the same value, or a copy without the items that are not the caller's. */
  | { readonly denied: false; readonly body: unknown; readonly dropped: number }

/**
 * Compares the owner of a response body with the caller. One object: denied unless its owner is
 * the caller. A list: items that are not the caller's are dropped (the app's value is copied along
 * the path, never changed); a body without the list where the list should be is denied.
 */
export function applyOwnerPath(
  body: unknown,
  path: OwnerPath,
  principal: Principal | undefined,
): OwnerPathResult {
  const owned = ownedValues(principal, path.claim)
  if (path.list === null)
    return owns(owned, memberAt(body, path.member)) ? { denied: false, body, dropped: 0 } : { denied: true }
  const list = path.list.length === 0 ? body : memberAt(body, path.list)
  if (!Array.isArray(list)) return { denied: true }
  const kept = list.filter((item) => owns(owned, memberAt(item, path.member)))
  const dropped = list.length - kept.length
  if (dropped === 0) return { denied: false, body, dropped }
  return { denied: false, body: replaceAt(body, path.list, kept), dropped }
}

/** `body` with the value at `names` replaced, copying each container on the way. */
function replaceAt(body: unknown, names: readonly string[], value: unknown): unknown {
  if (names.length === 0) return value
  const [name, ...rest] = names
  const record = asJson(body) as Record<string, unknown>
  const copy: Record<string, unknown> = { ...record }
  Object.defineProperty(copy, name!, {
    value: replaceAt(record[name!], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  })
  return copy
}
