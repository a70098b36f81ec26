/**
 * Per object shape, a function that reads the members a view keeps into an array, with one property
 * load per member at a fixed name. The writer reads `object[key]` with a key that changes at every
 * member, which V8 serves from its megamorphic cache (a sixth of the object writer's time on the
 * reference page); a load at a constant name in code of its own is monomorphic.
 *
 * The code is generated from the member names, each written as a JSON string literal
 * (`JSON.stringify` escapes quotes, backslashes, control characters and lone surrogates; U+2028
 * and U+2029 are legal in string literals), so no name can be anything but a string in it. Where
 * code generation from strings is refused (`--disallow-code-generation-from-strings`, a policy),
 * the writer reads members as before.
 */

/** Copies the kept members of `src`, in order, into `out`. */
export type MemberReader = (src: Record<string, unknown>, out: unknown[]) => void

/** Readers by the JSON text of their member names, shared by every plan of that list. */
const READERS = new Map<string, MemberReader>()
/**
 * Most readers made per process: shapes come from the application's code, but a route that echoes
 * a client's objects can be shown a new shape per request; past this, new shapes are read member by
 * member (as fast as before), and nothing more is compiled.
 */
const MAX_READERS = 512
/** Shapes with more kept members, or longer names, are not worth the code (nor safe to size). */
const MAX_MEMBERS = 64
const MAX_NAME_LENGTH = 128

let refused = false

/**
 * The reader of `names` (the kept members of a shape, in order), or `undefined` when none can be
 * made: too many members, a long name, the cap reached, or code generation refused.
 */
export function memberReader(names: readonly string[]): MemberReader | undefined {
  if (refused || names.length === 0 || names.length > MAX_MEMBERS) return undefined
  for (const name of names) if (name.length > MAX_NAME_LENGTH) return undefined
  const id = JSON.stringify(names)
  let reader = READERS.get(id)
  if (reader !== undefined || READERS.size >= MAX_READERS) return reader
  let body = '"use strict";\n'
  for (let i = 0; i < names.length; i++) body += `out[${i}] = src[${JSON.stringify(names[i])}];\n`
  try {
    reader = new Function('src', 'out', body) as MemberReader
  } catch {
    // EvalError where code generation from strings is disallowed: read members by name.
    refused = true
    return undefined
  }
  READERS.set(id, reader)
  return reader
}

/** How many readers were made (for tests). */
export function memberReaderCount(): number {
  return READERS.size
}
