/**
 * Every error leakguard throws or reports is a {@link LeakguardError} with a stable `code`
 * (`ERR_LG_<AREA>_<REASON>`). Codes are public API: they are listed in docs/errors.md.
 */

/** Where each code is explained: the `docs/errors.md` page of the leakguard repository, by anchor. */
const DOCS = 'docs/errors.md#'

/** Base class of every leakguard error. */
export class LeakguardError extends Error {
  /** Stable, documented identifier of the failure. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** Stable codes of configuration errors, thrown once when a guard or route helper is created. */
export type ConfigErrorCode =
  | 'ERR_LG_CONFIG_INVALID_OPTION'
  | 'ERR_LG_CONFIG_UNKNOWN_OPTION'
  | 'ERR_LG_CONFIG_INVALID_PATH'
  | 'ERR_LG_CONFIG_UNSUPPORTED_PATH'
  | 'ERR_LG_CONFIG_INVALID_ROUTE'
  | 'ERR_LG_CONFIG_DUPLICATE_ROUTE'
  | 'ERR_LG_CONFIG_UNSAFE_PATTERN'
  | 'ERR_LG_CONFIG_MISSING_HASH_KEY'

/**
 * Options given to `createGuard`, an adapter or a route helper are invalid. Thrown at startup, never
 * while serving: the message names the option, the value given and what would be valid.
 */
export class LeakguardConfigError extends LeakguardError {
  /** Dotted name of the offending option, e.g. `routes["GET /users"].allow[1]`. */
  readonly option: string
  /** Link to the documentation of this error code. */
  readonly docs: string
  declare readonly code: ConfigErrorCode

  constructor(code: ConfigErrorCode, option: string, message: string, options?: { cause?: unknown }) {
    super(code, `${option}: ${message} (${code}, see ${DOCS}${code.toLowerCase()})`, options)
    this.option = option
    this.docs = `${DOCS}${code.toLowerCase()}`
  }
}

/** Stable codes of the reasons a response was blocked (reported in `response.blocked` events). */
export type ResponseErrorCode =
  | 'ERR_LG_RESPONSE_TOO_DEEP'
  | 'ERR_LG_RESPONSE_CYCLE'
  | 'ERR_LG_RESPONSE_UNSERIALIZABLE'
  | 'ERR_LG_RESPONSE_INVALID_JSON'
  | 'ERR_LG_RESPONSE_TOO_LARGE'
  | 'ERR_LG_RESPONSE_STREAM_FAILED'
  | 'ERR_LG_RESPONSE_HEADERS_SENT'
  | 'ERR_LG_RESPONSE_ROLES_FAILED'
  | 'ERR_LG_RESPONSE_RULE_FAILED'
  | 'ERR_LG_RESPONSE_INTERNAL'

/**
 * The engine could not decide what to send for a response. Never reaches the client: the response
 * becomes a generic 500 problem body (fail closed) and the error is reported in a
 * `response.blocked` event.
 */
export class LeakguardResponseError extends LeakguardError {
  declare readonly code: ResponseErrorCode
  /** The id of the redaction rule that failed, for `ERR_LG_RESPONSE_RULE_FAILED`. */
  readonly rule: string | undefined
  constructor(code: ResponseErrorCode, message: string, options?: { cause?: unknown; rule?: string }) {
    super(code, message, options)
    this.rule = options?.rule
  }
}

/** Wraps anything thrown while filtering a response into a {@link LeakguardResponseError}. */
export function toResponseError(error: unknown): LeakguardResponseError {
  if (error instanceof LeakguardResponseError) return error
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new LeakguardResponseError('ERR_LG_RESPONSE_TOO_DEEP', 'response is nested too deeply', {
      cause: error,
    })
  }
  return new LeakguardResponseError('ERR_LG_RESPONSE_INTERNAL', 'response filtering failed', { cause: error })
}
