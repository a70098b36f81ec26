import { stringArrayOption } from '../lib/validate.js'
import { type PathSegment, parsePath } from './parse.js'

/**
 * A compiled allowlist: which members of a value survive. `keep` keeps the whole subtree;
 * otherwise a member survives when `children` names it or `any` (from `[*]`) covers it.
 * Wildcards are folded into named children at compile time, so a lookup is one `Map.get`.
 */
export interface ProjectionNode {
  readonly keep: boolean
  readonly children: ReadonlyMap<string, ProjectionNode> | null
  readonly any: ProjectionNode | null
}

/** Keeps everything below it. */
export const KEEP: ProjectionNode = Object.freeze({ keep: true, children: null, any: null })
/** Keeps nothing below it: an object becomes `{}`, an array `[]`. */
export const EMPTY: ProjectionNode = Object.freeze({ keep: false, children: null, any: null })

interface MutableNode {
  keep: boolean
  children: Map<string, MutableNode> | null
  any: MutableNode | null
}

function insert(root: MutableNode, segments: readonly PathSegment[]): void {
  let node = root
  for (const segment of segments) {
    if (node.keep) return
    let next: MutableNode | null | undefined
    if (segment.kind === 'any') {
      next = node.any ??= { keep: false, children: null, any: null }
    } else {
      node.children ??= new Map()
      next = node.children.get(segment.name)
      if (next === undefined) {
        next = { keep: false, children: null, any: null }
        node.children.set(segment.name, next)
      }
    }
    node = next
  }
  node.keep = true
  node.children = null
  node.any = null
}

/** Union of two trees: what either keeps. Builds new nodes; never mutates its inputs. */
export function mergeNodes(a: ProjectionNode | null, b: ProjectionNode | null): ProjectionNode {
  if (a === null) return b ?? EMPTY
  if (b === null) return a
  if (a.keep || b.keep) return KEEP
  if (a === EMPTY) return b
  if (b === EMPTY) return a
  const any = a.any !== null || b.any !== null ? mergeNodes(a.any, b.any) : null
  let children: Map<string, ProjectionNode> | null = null
  if (a.children !== null || b.children !== null) {
    children = new Map()
    for (const [name, child] of a.children ?? []) children.set(name, child)
    for (const [name, child] of b.children ?? [])
      children.set(name, mergeNodes(children.get(name) ?? null, child))
  }
  return fold({ keep: false, children, any })
}

/** Freezes a node after folding its wildcard into each named child. */
function fold(node: {
  keep: boolean
  children: ReadonlyMap<string, ProjectionNode> | null
  any: ProjectionNode | null
}): ProjectionNode {
  if (node.keep) return KEEP
  const any = node.any === null ? null : fold(node.any)
  let children: Map<string, ProjectionNode> | null = null
  if (node.children !== null && node.children.size > 0) {
    children = new Map()
    for (const [name, child] of node.children) {
      children.set(name, any === null ? fold(child) : mergeNodes(fold(child), any))
    }
  }
  if (any === null && children === null) return EMPTY
  return Object.freeze({ keep: false, children, any })
}

/**
 * Compiles a list of JSONPath expressions into a projection tree, once, at startup.
 * @param option the option name used in error messages, e.g. `routes["GET /users"].allow`
 * @throws LeakguardConfigError naming the offending path
 */
export function compileAllowlist(paths: unknown, option: string): ProjectionNode {
  const list = stringArrayOption(paths, option) ?? []
  const root: MutableNode = { keep: false, children: null, any: null }
  list.forEach((expr, i) => {
    insert(root, parsePath(expr, `${option}[${i}]`))
  })
  return fold(root)
}
