import { compileAllowlist, KEEP, type ProjectionNode } from '../allowlist/compile.js'
import { childPath, project } from '../allowlist/project.js'
import { LeakguardRequestError, LeakguardResponseError } from '../errors.js'
import { fail } from '../lib/validate.js'

/**
 * Member names never accepted in a request, whatever the allowlist says: merged or assigned into
 * an object (`Object.assign`, a deep merge, `lodash.set`), they reach `Object.prototype`.
 */
export const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Compiles an `accept` or `acceptQuery` list (the JSONPath syntax of `allow`), refusing paths that
 * name a member no request may set. @throws LeakguardConfigError
 */
export function compileAcceptList(paths: unknown, option: string): ProjectionNode {
  const tree = compileAllowlist(paths, option)
  const stack: ProjectionNode[] = [tree]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.any !== null) stack.push(node.any)
    if (node.children === null) continue
    for (const [name, child] of node.children) {
      if (FORBIDDEN_MEMBERS.has(name)) {
        fail(
          option,
          `names the member ${JSON.stringify(name)}, which is never accepted (it reaches Object.prototype when merged into an object); remove that path`,
        )
      }
      stack.push(child)
    }
  }
  return tree
}

/** Limits of one request check. */
export interface MemberLimits {
  /** Deepest nesting of objects and arrays accepted. */
  readonly maxDepth: number
  /** How many distinct dropped paths are named (the count is exact). */
  readonly maxPaths: number
  /** Largest value walked, as characters of its JSON text. */
  readonly maxBytes: number
}

/** What {@link acceptMembers} kept and left out. */
export interface AcceptedMembers {
  /** A new value with only the accepted members (the input is never changed). */
  readonly value: unknown
  /** Members left out (object members and array elements; their contents are not counted). */
  readonly dropped: number
  /** Templated paths of what was left out (`$.role`, `$.items[*].price`), at most `maxPaths`. */
  readonly paths: readonly string[]
  readonly truncated: boolean
  /** Whether a member named in {@link FORBIDDEN_MEMBERS} was among them. */
  readonly forbidden: boolean
}

/**
 * Whether a parsed value is data whose members can be read: arrays and records (of any prototype:
 * query parsers build theirs on a bare prototype), not bytes, streams or blobs a handler would
 * parse itself.
 */
function isPlainData(value: object): boolean {
  if (Array.isArray(value)) return true
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Blob) return false
  const candidate = value as { pipe?: unknown; getReader?: unknown; then?: unknown }
  return (
    typeof candidate.pipe !== 'function' &&
    typeof candidate.getReader !== 'function' &&
    typeof candidate.then !== 'function'
  )
}

const NOTHING_DROPPED = { dropped: 0, paths: [], truncated: false, forbidden: false } as const

/**
 * Keeps the members of a parsed request body (or query) that `tree` accepts, and drops the rest,
 * with every member named in {@link FORBIDDEN_MEMBERS} at any depth, even under a wildcard.
 * @throws LeakguardRequestError for a body leakguard cannot read as data (a string or bytes: the
 * handler would parse it past the allowlist), nested past `maxDepth`, or larger than `maxBytes`
 */
export function acceptMembers(value: unknown, tree: ProjectionNode, limits: MemberLimits): AcceptedMembers {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean')
    return { value, ...NOTHING_DROPPED }
  if (typeof value !== 'object' || !isPlainData(value)) {
    throw new LeakguardRequestError(
      'ERR_LG_REQUEST_UNSUPPORTED_BODY',
      415,
      'the body is not parsed data (a string, bytes or a stream): its members cannot be checked',
    )
  }
  // Most requests set only what the route accepts: a read-only walk finds that without copying.
  if (acceptedAsIs(value, tree, limits)) return { value, ...NOTHING_DROPPED }
  let projected: ReturnType<typeof project>
  try {
    projected = project(value, tree, {
      maxDepth: limits.maxDepth,
      maxPaths: limits.maxPaths,
      maxBytes: limits.maxBytes,
    })
  } catch (error) {
    throw requestErrorOf(error)
  }
  const paths = [...projected.droppedPaths]
  let dropped = projected.dropped
  let truncated = projected.pathsTruncated
  let forbidden = paths.some((path) => FORBIDDEN_PATH.test(path))
  // Kept subtrees (a wildcard, `$`) are copied whole: look in them for forbidden names.
  const stack: { node: unknown; path: string }[] = [{ node: projected.value, path: '$' }]
  while (stack.length > 0) {
    const { node, path } = stack.pop()!
    if (typeof node !== 'object' || node === null) continue
    if (Array.isArray(node)) {
      const at = childPath(path, null)
      for (const item of node)
        if (typeof item === 'object' && item !== null) stack.push({ node: item, path: at })
      continue
    }
    const record = node as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const at = childPath(path, key)
      if (FORBIDDEN_MEMBERS.has(key)) {
        delete record[key]
        dropped++
        forbidden = true
        if (paths.length < limits.maxPaths) {
          if (!paths.includes(at)) paths.push(at)
        } else truncated = true
        continue
      }
      const child = record[key]
      if (typeof child === 'object' && child !== null) stack.push({ node: child, path: at })
    }
  }
  return { value: projected.value, dropped, paths, truncated, forbidden }
}

/**
 * Whether `value` holds nothing `tree` drops and no forbidden name, within the limits, read the way
 * `project` reads it; `false` for anything it would change or refuse (it then runs and says what).
 * Allocates nothing but its stack.
 */
function acceptedAsIs(value: object, root: ProjectionNode, limits: MemberLimits): boolean {
  const values: unknown[] = [value]
  const nodes: ProjectionNode[] = [root]
  const depths: number[] = [1]
  let size = 0
  while (values.length > 0) {
    const container = values.pop() as Record<string, unknown> | unknown[]
    const node = nodes.pop()!
    const depth = depths.pop()!
    if (depth > limits.maxDepth) return false
    const isArray = Array.isArray(container)
    const keys = isArray ? null : Object.keys(container)
    const length = isArray ? container.length : keys!.length
    for (let i = 0; i < length; i++) {
      const key = isArray ? String(i) : keys![i]!
      if (!isArray && FORBIDDEN_MEMBERS.has(key)) return false
      const child = node.keep
        ? node
        : ((node.children !== null ? node.children.get(key) : undefined) ?? node.any)
      if (child === null || child === undefined) return false
      const member = isArray ? (container as unknown[])[i] : (container as Record<string, unknown>)[key]
      size += key.length + 4
      switch (typeof member) {
        case 'string':
          size += member.length
          if (!child.keep) return false
          break
        case 'number':
          size += String(member).length
          if (!child.keep) return false
          break
        case 'boolean':
          size += 5
          if (!child.keep) return false
          break
        case 'object':
          if (member === null) {
            if (!child.keep) return false
            break
          }
          if (!Array.isArray(member) && typeof (member as { toJSON?: unknown }).toJSON === 'function')
            return false
          values.push(member)
          nodes.push(child)
          depths.push(depth + 1)
          break
        default:
          return false // undefined, functions, symbols, bigints: what project decides on
      }
      if (size > limits.maxBytes) return false
    }
  }
  return true
}

const FORBIDDEN_PATH = /(?:\.|\[')(?:__proto__|constructor|prototype)(?:'\])?(?=$|[.[])/

/** Whether `tree` keeps everything (`accept: ['$']`), so only forbidden names are checked. */
export function acceptsEverything(tree: ProjectionNode): boolean {
  return tree === KEEP || tree.keep
}

/** The request-side reading of a walk that failed. */
function requestErrorOf(error: unknown): LeakguardRequestError {
  if (error instanceof LeakguardResponseError) {
    switch (error.code) {
      case 'ERR_LG_RESPONSE_TOO_LARGE':
        return new LeakguardRequestError('ERR_LG_REQUEST_TOO_LARGE', 413, 'the body is too large to check', {
          cause: error,
        })
      case 'ERR_LG_RESPONSE_TOO_DEEP':
      case 'ERR_LG_RESPONSE_CYCLE':
        return new LeakguardRequestError('ERR_LG_REQUEST_TOO_DEEP', 400, 'the body is nested too deeply', {
          cause: error,
        })
      default:
        break
    }
  }
  return new LeakguardRequestError(
    'ERR_LG_REQUEST_UNSUPPORTED_BODY',
    415,
    'the body holds values that are not data (JSON types)',
    { cause: error },
  )
}
