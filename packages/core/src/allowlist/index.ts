import { integerOption } from '../lib/validate.js'
import { compileAllowlist } from './compile.js'
import { project } from './project.js'

/** A standalone allowlist, for values that do not pass through an adapter (queues, GraphQL, logs). */
export interface CompiledAllowlist {
  /** A new plain-data value holding only the allowed members. @throws LeakguardResponseError */
  apply(value: unknown): unknown
}

/**
 * Compiles JSONPath allowlist paths for use outside a guard, with the same syntax and semantics.
 * @throws LeakguardConfigError naming an invalid path
 */
export function compileAllowlistPaths(
  paths: readonly string[],
  options: { maxDepth?: number } = {},
): CompiledAllowlist {
  const tree = compileAllowlist(paths, 'allowlist')
  const limits = { maxDepth: integerOption(options.maxDepth, 'maxDepth', 1, 10_000, 128), maxPaths: 0 }
  return { apply: (value) => project(value, tree, limits).value }
}

export { compileAllowlist, EMPTY, KEEP, mergeNodes, type ProjectionNode } from './compile.js'
export { type ProjectionResult, project } from './project.js'
