import { type ProblemDocument, problemBody } from '../http/problem.js'
import { describe, fail, isPlainObject } from '../lib/validate.js'

/**
 * Members of the RFC 9457 problem document sent with a 429, over the defaults. `status` is always
 * 429 and cannot be set.
 */
export interface RateLimitProblem {
  /** A URI reference naming the problem type, e.g. `'https://example.com/problems/rate-limited'`. @default 'about:blank' */
  readonly type?: string
  /** A short summary of the problem type. @default 'Too Many Requests' */
  readonly title?: string
  /** This occurrence, for the client to read. @default 'Too many requests; retry in <seconds> s' */
  readonly detail?: string
  /** A URI reference identifying this occurrence. @default undefined */
  readonly instance?: string
  /**
   * Extension members: JSON values under names of 3 or more letters, digits or `_`, starting with
   * a letter (RFC 9457 section 3.2), e.g. `{ docs: 'https://example.com/limits' }`.
   */
  readonly [extension: string]: unknown
}

/** What a 429 problem function is told about the refusal. It never sees the key. */
export interface RateLimitRefusal {
  /** `ERR_LG_RATELIMIT_EXCEEDED`, or `ERR_LG_RATELIMIT_STORE_FULL` for a full `MemoryStore`. */
  readonly code: 'ERR_LG_RATELIMIT_EXCEEDED' | 'ERR_LG_RATELIMIT_STORE_FULL'
  /** The limit the client waits longest for. */
  readonly limit: { readonly name: string; readonly quota: number; readonly windowMs: number }
  /** Seconds until a request of this cost would pass: the `Retry-After` value. */
  readonly retryAfter: number
  /** What the budget is keyed by. */
  readonly key: 'ip' | 'principal' | 'apiKey' | 'route' | 'custom'
  readonly method: string
  /** The matched route pattern, if any. */
  readonly route: string | undefined
}

/** The `problem` option of a limiter: fixed members, or a function of the refusal. */
export type RateLimitProblemOption = RateLimitProblem | ((refusal: RateLimitRefusal) => RateLimitProblem)

/**
 * Builds a limiter's 429 body. A builder made from a function validates what the function returns
 * and throws a `LeakguardConfigError` when it is not a valid problem.
 */
export type ProblemBuilder = (refusal: RateLimitRefusal, detail: string) => ProblemDocument

const URI_MEMBERS = ['type', 'instance'] as const
const TEXT_MEMBERS = ['title', 'detail'] as const
// RFC 9457 section 3.2: extension member names usable in XML too.
const EXTENSION_NAME = /^[A-Za-z][A-Za-z0-9_]{2,}$/
const MAX_JSON_DEPTH = 16

function isJsonValue(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (depth >= MAX_JSON_DEPTH) return false
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1))
  return isPlainObject(value) && Object.values(value).every((item) => isJsonValue(item, depth + 1))
}

// Printable ASCII without spaces: a URI reference, never an IRI or free text.
const URI_CHARACTERS = /^[!-~]+$/

function isUriReference(value: string): boolean {
  return URI_CHARACTERS.test(value) && URL.canParse(value, 'https://x.invalid/')
}

/** Checks the members of a 429 problem. @throws LeakguardConfigError naming the bad member */
function problemMembers(raw: unknown, option: string): Readonly<Record<string, unknown>> {
  if (!isPlainObject(raw)) {
    return fail(
      option,
      `expected an object such as { title: 'Slow down', detail: '...' }, got ${describe(raw)}`,
    )
  }
  for (const [name, value] of Object.entries(raw)) {
    const member = `${option}.${name}`
    if (name === 'status') fail(member, 'is always 429: leave it out')
    else if ((URI_MEMBERS as readonly string[]).includes(name)) {
      if (typeof value !== 'string' || !isUriReference(value))
        fail(
          member,
          `expected a URI reference such as "https://example.com/problems/rate-limited", got ${describe(value)}`,
        )
    } else if ((TEXT_MEMBERS as readonly string[]).includes(name)) {
      if (typeof value !== 'string' || value === '')
        fail(member, `expected a non-empty string, got ${describe(value)}`)
    } else if (!EXTENSION_NAME.test(name)) {
      fail(
        member,
        'extension member names are 3 or more letters, digits or "_", starting with a letter (RFC 9457)',
      )
    } else if (!isJsonValue(value, 0)) {
      fail(
        member,
        `expected a JSON value (string, finite number, boolean, null, array, plain object), got ${describe(value)}`,
      )
    }
  }
  return raw
}

function assemble(members: Readonly<Record<string, unknown>>, detail: string): ProblemDocument {
  return { ...problemBody(429, detail), ...members, status: 429 } as ProblemDocument
}

/**
 * Validates a limiter's `problem` option once. A function is called on each refusal and what it
 * returns is checked then.
 * @throws LeakguardConfigError
 */
export function compileProblem(raw: unknown, option: string): ProblemBuilder | undefined {
  if (raw === undefined) return undefined
  if (typeof raw === 'function') {
    const custom = raw as (refusal: RateLimitRefusal) => unknown
    return (refusal, detail) => assemble(problemMembers(custom(refusal), `${option}()`), detail)
  }
  const members = { ...problemMembers(raw, option) }
  return (_refusal, detail) => assemble(members, detail)
}
