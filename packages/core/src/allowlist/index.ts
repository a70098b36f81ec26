import { integerOption } from '../lib/validate.js'
import { compileAllowlist } from './compile.js'
import { project } from './project.js'

/** A standalone allowlist, for values that do not pass through an adapter (queues, GraphQL, logs). */
export interface CompiledAllowlist {
  /** A new plain-data value holding only the allowed members. @throws LeakguardResponseError */
  apply(value: unknown): unknown
  /**
   * The templated JSONPaths of the members `apply` would drop (`$.users[*].password`), at most
   * `maxPaths` of them, changing nothing: what an audit reports as excessive data exposure.
   * @throws LeakguardResponseError
   */
  dropped(value: unknown): readonly string[]
}

/**
 * Compiles JSONPath allowlist paths for use outside a guard, with the same syntax and semantics.
 * @throws LeakguardConfigError naming an invalid path
 */
export function compileAllowlistPaths(
  paths: readonly string[],
  options: { maxDepth?: number; maxPaths?: number } = {},
): CompiledAllowlist {
  const tree = compileAllowlist(paths, 'allowlist')
  const maxDepth = integerOption(options.maxDepth, 'maxDepth', 1, 10_000, 128)
  const limits = { maxDepth, maxPaths: 0 }
  const reporting = { maxDepth, maxPaths: integerOption(options.maxPaths, 'maxPaths', 1, 10_000, 100) }
  return {
    apply: (value) => project(value, tree, limits).value,
    dropped: (value) => project(value, tree, reporting).droppedPaths,
  }
}

export { compileAllowlist, EMPTY, KEEP, mergeNodes, type ProjectionNode } from './compile.js'
export { type ProjectionResult, project } from './project.js'
