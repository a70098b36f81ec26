import { describe, fail } from '../lib/validate.js'

/**
 * Codes of the setup warnings leakguard reports while serving (as a `config.warning` event and,
 * once per code and message, a process warning). Listed in docs/audit.md.
 */
export const WARNING_CODES = [
  /** Express: no error handler renders errors, so Express's own page would. */
  'LEAKGUARD_NO_ERROR_HANDLER',
  /** A response finished without passing leakguard: it is mounted after the route that sent it. */
  'LEAKGUARD_UNGUARDED_RESPONSE',
  /** A body arrived compressed (leakguard runs after a compression middleware): decoded to filter. */
  'LEAKGUARD_ENCODED_BODY',
  /** Fastify: an onSend hook after leakguard's replaced a payload leakguard had filtered: filtered again. */
  'LEAKGUARD_LATE_PAYLOAD',
  /** Fastify: leakguard could not find its own onSend hook in a route's list: later hooks are not checked one by one. */
  'LEAKGUARD_HOOKS_UNCHECKED',
  /** A token was masked in a successful POST response: the route may issue tokens. */
  'LEAKGUARD_TOKEN_MASKED',
  /** A route's issued token carried a claim that may not leave: the response was blocked. */
  'LEAKGUARD_TOKEN_CLAIM_BLOCKED',
  /** A route checks request bodies (`accept`) but leakguard never saw the parsed body before the handler. */
  'LEAKGUARD_BODY_UNCHECKED',
  /** The enumeration detector counts in this process only: the rate-limit store has no `distinct`. */
  'LEAKGUARD_ENUMERATION_LOCAL',
  /** The enumeration detector's store failed: requests went on uncounted. */
  'LEAKGUARD_ENUMERATION_STORE_FAILED',
  /** Requests carry X-Forwarded-Proto from a proxy that is not trusted: requireHttps reads them as plain HTTP. */
  'LEAKGUARD_TRANSPORT_PROXY_IGNORED',
  /** Requests carry X-Forwarded-For but no proxy is trusted. */
  'ERR_LG_RATELIMIT_PROXY_IGNORED',
  /**
   * The rate-limit store cannot give charges back: a request refused by another limit stays
   * counted, and failures-only limits count successes too.
   */
  'ERR_LG_RATELIMIT_NO_REFUND',
  /** A limiter's `problem` function threw or returned an invalid 429 problem. */
  'ERR_LG_RATELIMIT_PROBLEM_INVALID',
  /** A route helper's `auth` policy met a guard without `auth` options. */
  'ERR_LG_CONFIG_INVALID_OPTION',
  /** A request check failed unexpectedly. */
  'ERR_LG_REQUEST_INTERNAL',
] as const

/** A code of {@link WARNING_CODES}. */
export type WarningCode = (typeof WARNING_CODES)[number]

/** Validates `ignoreWarnings`. @throws LeakguardConfigError */
export function compileIgnoredWarnings(value: unknown, option: string): ReadonlySet<string> {
  if (value === undefined) return new Set()
  if (!Array.isArray(value)) {
    return fail(
      option,
      `expected an array of warning codes such as ['LEAKGUARD_NO_ERROR_HANDLER'], got ${describe(value)}`,
    )
  }
  value.forEach((code, i) => {
    if (!(WARNING_CODES as readonly unknown[]).includes(code)) {
      fail(`${option}[${i}]`, `unknown warning code ${describe(code)}; known: ${WARNING_CODES.join(', ')}`)
    }
  })
  return new Set(value as string[])
}

// Process-wide: several guards (or apps) in one process print the same advice once.
const printed = new Set<string>()

/** Reports a warning to the process once per code and message (Node prints it on stderr). */
export function processWarning(code: string, message: string): void {
  const key = `${code}\u0000${message}`
  if (printed.has(key) || printed.size >= 1024) return
  printed.add(key)
  process.emitWarning(`leakguard: ${message}`, { code })
}
