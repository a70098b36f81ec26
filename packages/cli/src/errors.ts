/**
 * Why a scan could not run, with a stable `code` (one of {@link ScanErrorCode}) and a message that says
 * how to fix it. The CLI prints the message and exits with status 2.
 */
export class ScanError extends Error {
  override readonly name = 'ScanError'
  constructor(
    readonly code: ScanErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

export type ScanErrorCode =
  /** A flag or argument is missing or invalid. */
  | 'ERR_LG_SCAN_USAGE'
  /** The target is not loopback and not allowed by `--allow-host`. */
  | 'ERR_LG_SCAN_HOST_NOT_ALLOWED'
  /** The OpenAPI document could not be read, parsed or bundled. */
  | 'ERR_LG_SCAN_OPENAPI'
  /** No request reached the target. */
  | 'ERR_LG_SCAN_UNREACHABLE'
  /** The scan ran but could not judge what it set out to (stopped, budget, no answers). */
  | 'ERR_LG_SCAN_INCOMPLETE'
