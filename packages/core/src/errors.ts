/**
 * Every error leakguard throws or reports is a {@link LeakguardError} with a stable `code`
 * (`ERR_LG_<AREA>_<REASON>`). Codes are public API: they are listed in docs/errors.md.
 */

/**
 * Where each code is explained, by anchor: docs/errors.md ships inside this package (copied at
 * build and prepack), so the link resolves in any install at `node_modules/@leakguard/core/docs/`.
 */
const DOCS = '@leakguard/core/docs/errors.md#'

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
  | 'ERR_LG_CONFIG_INVALID_KEY'

/**
 * Options given to `createGuard`, an adapter or a route helper are invalid. Thrown at startup, never
 * while serving: the message names the option, the value given and what would be valid.
 */
export class LeakguardConfigError extends LeakguardError {
  /** Dotted name of the offending option, e.g. `routes["GET /users"].allow[1]`. */
  readonly option: string
  /** Where this code is documented: `@leakguard/core/docs/errors.md#<code in lower case>`, in the installed package. */
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
  | 'ERR_LG_RESPONSE_ENCODING'
  | 'ERR_LG_RESPONSE_PARTIAL'
  | 'ERR_LG_RESPONSE_ROUTE_MISMATCH'
  | 'ERR_LG_RESPONSE_STREAM_FAILED'
  | 'ERR_LG_RESPONSE_HEADERS_SENT'
  | 'ERR_LG_RESPONSE_ROLES_FAILED'
  | 'ERR_LG_RESPONSE_RULE_FAILED'
  | 'ERR_LG_RESPONSE_TOKEN_CLAIM'
  | 'ERR_LG_RESPONSE_NOT_OWNER'
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
  /** The claim of an issued token that may not leave, for `ERR_LG_RESPONSE_TOKEN_CLAIM`. */
  readonly claim: string | undefined
  /** The status answered instead of the 500, for `ERR_LG_RESPONSE_NOT_OWNER` (the route's `ownerDenied`). */
  readonly status: 403 | 404 | undefined
  constructor(
    code: ResponseErrorCode,
    message: string,
    options?: { cause?: unknown; rule?: string; claim?: string; status?: 403 | 404 },
  ) {
    super(code, message, options)
    this.rule = options?.rule
    this.claim = options?.claim
    this.status = options?.status
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

/**
 * Stable codes of token and authorization failures. Each belongs to one {@link AuthErrorStage}.
 */
export type AuthErrorCode =
  | 'ERR_LG_AUTH_TOKEN_MISSING'
  | 'ERR_LG_AUTH_INVALID_REQUEST'
  | 'ERR_LG_TOKEN_MALFORMED'
  | 'ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED'
  | 'ERR_LG_TOKEN_HEADER_FORBIDDEN'
  | 'ERR_LG_TOKEN_KEY_NOT_FOUND'
  | 'ERR_LG_TOKEN_KEY_UNUSABLE'
  | 'ERR_LG_TOKEN_KEYS_UNAVAILABLE'
  | 'ERR_LG_TOKEN_SIGNATURE_INVALID'
  | 'ERR_LG_TOKEN_ISSUER_UNKNOWN'
  | 'ERR_LG_TOKEN_EXPIRED'
  | 'ERR_LG_TOKEN_NOT_YET_VALID'
  | 'ERR_LG_TOKEN_TYPE_INVALID'
  | 'ERR_LG_TOKEN_CLAIM_INVALID'
  | 'ERR_LG_AUTH_INSUFFICIENT_SCOPE'
  | 'ERR_LG_AUTH_FORBIDDEN'

/**
 * Where a token check failed: `request` (no token, or sent the wrong way), `format` (the compact
 * serialization or its header), `key` (no usable key), `signature`, `claims` (`exp`, `iss`, `aud`,
 * `typ`, ...), or `policy` (a valid token without the scope, role or claim a route requires).
 */
export type AuthErrorStage = 'request' | 'format' | 'key' | 'signature' | 'claims' | 'policy'

/** RFC 6750 `error` values. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope'

interface AuthErrorInfo {
  readonly stage: AuthErrorStage
  readonly status: 400 | 401 | 403
  readonly error: BearerErrorCode | undefined
  /** Safe to send to the client as `error_description` and problem `detail`. */
  readonly description: string
}

const AUTH_ERRORS: Readonly<Record<AuthErrorCode, AuthErrorInfo>> = {
  ERR_LG_AUTH_TOKEN_MISSING: {
    stage: 'request',
    status: 401,
    error: undefined,
    description: 'An access token is required',
  },
  ERR_LG_AUTH_INVALID_REQUEST: {
    stage: 'request',
    status: 400,
    error: 'invalid_request',
    description: 'The access token was sent in a way this API does not accept',
  },
  ERR_LG_TOKEN_MALFORMED: {
    stage: 'format',
    status: 401,
    error: 'invalid_token',
    description: 'The access token is malformed',
  },
  ERR_LG_TOKEN_ALGORITHM_NOT_ALLOWED: {
    stage: 'format',
    status: 401,
    error: 'invalid_token',
    description: 'The access token is signed with an algorithm this API does not accept',
  },
  ERR_LG_TOKEN_HEADER_FORBIDDEN: {
    stage: 'format',
    status: 401,
    error: 'invalid_token',
    description: 'The access token header carries a parameter this API does not accept',
  },
  ERR_LG_TOKEN_KEY_NOT_FOUND: {
    stage: 'key',
    status: 401,
    error: 'invalid_token',
    description: 'No key of this API verifies the access token',
  },
  ERR_LG_TOKEN_KEY_UNUSABLE: {
    stage: 'key',
    status: 401,
    error: 'invalid_token',
    description: 'No key of this API verifies the access token',
  },
  ERR_LG_TOKEN_KEYS_UNAVAILABLE: {
    stage: 'key',
    status: 401,
    error: 'invalid_token',
    description: 'The access token could not be verified',
  },
  ERR_LG_TOKEN_SIGNATURE_INVALID: {
    stage: 'signature',
    status: 401,
    error: 'invalid_token',
    description: 'The access token signature is invalid',
  },
  ERR_LG_TOKEN_ISSUER_UNKNOWN: {
    stage: 'claims',
    status: 401,
    error: 'invalid_token',
    description: 'The access token was issued by an issuer this API does not trust',
  },
  ERR_LG_TOKEN_EXPIRED: {
    stage: 'claims',
    status: 401,
    error: 'invalid_token',
    description: 'The access token expired',
  },
  ERR_LG_TOKEN_NOT_YET_VALID: {
    stage: 'claims',
    status: 401,
    error: 'invalid_token',
    description: 'The access token is not valid yet',
  },
  ERR_LG_TOKEN_TYPE_INVALID: {
    stage: 'claims',
    status: 401,
    error: 'invalid_token',
    description: 'The token is not an access token',
  },
  ERR_LG_TOKEN_CLAIM_INVALID: {
    stage: 'claims',
    status: 401,
    error: 'invalid_token',
    description: 'The access token claims are invalid',
  },
  ERR_LG_AUTH_INSUFFICIENT_SCOPE: {
    stage: 'policy',
    status: 403,
    error: 'insufficient_scope',
    description: 'The access token lacks a scope this request requires',
  },
  ERR_LG_AUTH_FORBIDDEN: {
    stage: 'policy',
    status: 403,
    error: 'insufficient_scope',
    description: 'The caller is not allowed to make this request',
  },
}

/**
 * A token could not be verified, or its caller may not make the request. `verify()` throws it;
 * the adapters turn it into an RFC 6750 response (400, 401 or 403) with an RFC 9457 body, and an
 * `auth.failed` or `auth.forbidden` event. Its `message` is the client-safe `description`; the
 * underlying `jose` error, if any, is the `cause` (never sent to the client).
 */
export class LeakguardAuthError extends LeakguardError {
  declare readonly code: AuthErrorCode
  /** Which check failed. */
  readonly stage: AuthErrorStage
  /** HTTP status the adapters answer with. */
  readonly status: 400 | 401 | 403
  /** RFC 6750 `error`, or `undefined` for a request that sent no token. */
  readonly error: BearerErrorCode | undefined
  /** Client-safe description (also the `message`). */
  readonly description: string
  /** For `ERR_LG_AUTH_INSUFFICIENT_SCOPE`: the scopes the route requires. */
  readonly requiredScopes: readonly string[] | undefined
  /** For claims failures: the claim that failed (`exp`, `iss`, `aud`, ...), when known. */
  readonly claim: string | undefined

  constructor(
    code: AuthErrorCode,
    options?: { cause?: unknown; requiredScopes?: readonly string[]; claim?: string; description?: string },
  ) {
    const info = AUTH_ERRORS[code]
    const description = options?.description ?? info.description
    super(code, description, options?.cause === undefined ? undefined : { cause: options.cause })
    this.stage = info.stage
    this.status = info.status
    this.error = info.error
    this.description = description
    this.requiredScopes = options?.requiredScopes
    this.claim = options?.claim
  }
}

/**
 * Stable codes of requests refused by a request-side policy (`accept`, `owner`, `enumeration`)
 * before the handler ran; each is the `code` of the refusal and of its audit event.
 */
export type RequestErrorCode =
  | 'ERR_LG_REQUEST_UNKNOWN_MEMBERS'
  | 'ERR_LG_REQUEST_FORBIDDEN_MEMBER'
  | 'ERR_LG_REQUEST_TOO_DEEP'
  | 'ERR_LG_REQUEST_TOO_LARGE'
  | 'ERR_LG_REQUEST_UNSUPPORTED_BODY'
  | 'ERR_LG_REQUEST_NOT_OWNER'
  | 'ERR_LG_REQUEST_OWNER_FAILED'
  | 'ERR_LG_REQUEST_ENUMERATION'

/**
 * A request-side policy refused a request. Never thrown to the application: the adapter answers
 * with leakguard's own problem document (`status`), and the refusal is an audit event.
 */
export class LeakguardRequestError extends LeakguardError {
  declare readonly code: RequestErrorCode
  /** The HTTP status the refusal is answered with. */
  readonly status: 400 | 403 | 404 | 413 | 415 | 422 | 429
  constructor(
    code: RequestErrorCode,
    status: LeakguardRequestError['status'],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
    this.status = status
  }
}

/** Stable codes of rate-limit refusals and store failures. */
export type RateLimitErrorCode =
  | 'ERR_LG_RATELIMIT_EXCEEDED'
  | 'ERR_LG_RATELIMIT_STORE_FAILED'
  | 'ERR_LG_RATELIMIT_STORE_TIMEOUT'
  | 'ERR_LG_RATELIMIT_STORE_FULL'

/**
 * A rate-limit store failed (or a standalone limiter refused for that reason). Stores throw it, or
 * anything else, which leakguard wraps; the limiter's outage policy then decides.
 */
export class LeakguardRateLimitError extends LeakguardError {
  declare readonly code: RateLimitErrorCode
  constructor(code: RateLimitErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }

  /** Wraps what a store threw. */
  static from(error: unknown): LeakguardRateLimitError {
    if (error instanceof LeakguardRateLimitError) return error
    return new LeakguardRateLimitError('ERR_LG_RATELIMIT_STORE_FAILED', 'the rate-limit store failed', {
      cause: error,
    })
  }
}
