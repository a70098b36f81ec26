/**
 * How sure a finding is: `high` for a documented prefix and shape (a checksum that verifies, or a
 * prefix no other text uses), `medium` for a short or common prefix or a provider keyword next to a
 * value, `low` for shape alone (opt-in detectors).
 */
export type Confidence = 'high' | 'medium' | 'low'

/**
 * A provider token with a documented prefix: `glpat-` and 20 characters, `sk-ant-api03-...`. Found
 * anywhere in any string, with no context needed.
 */
export interface TokenFormat {
  /** Stable detector id, provider first, kebab-case: `'gitlab-pat'`. */
  readonly id: string
  /** The provider, as it spells its name: `'GitLab'`. */
  readonly provider: string
  /** One line: what the token is and what it opens. */
  readonly description: string
  /**
   * Literal prefixes, as the provider documents them (at least 2 characters). Matched
   * case-sensitively unless {@link ignoreCase}.
   */
  readonly prefixes: readonly string[]
  /**
   * What follows the prefix: a regex source with no anchors, flags, capturing groups, lookarounds
   * or backreferences (`[A-Za-z0-9_-]{20}`, `[0-9a-f]{32}(?:[0-9a-f]{8})?`).
   */
  readonly body: string
  /** Prefix and body compared ignoring case (the provider's own tooling does). @default false */
  readonly ignoreCase?: boolean
  /**
   * Characters that may not touch the token on either side, as the inside of a regex character
   * class. @default 'A-Za-z0-9_'
   */
  readonly boundary?: string
  /**
   * Characters that may not stand just before the token, when they differ from {@link boundary}
   * (`ico-` tokens, but not `video_box.ico-...png`).
   */
  readonly before?: string
  /**
   * The provider's own check (CRC, check digit). A token that fails it is still masked (a value in
   * a provider's format is treated as a secret); one that passes is reported as `verified`.
   */
  readonly checksum?: (token: string) => boolean
  readonly confidence: Confidence
  /** Where the format is documented (provider docs, announcement, or the corpus rule it matches). */
  readonly reference: string
}

/**
 * A provider credential with no distinctive prefix (32 hex digits, 40 alphanumerics), found only
 * next to a word naming the provider: in the member name (`{"adafruitKey": "..."}`) or just before
 * an assignment in text (`ADAFRUIT_KEY = "..."`, `adafruit_token: ...`).
 */
export interface KeyedFormat {
  readonly id: string
  readonly provider: string
  readonly description: string
  /** Lower-case words naming the provider (`'adafruit'`), at least 3 characters. */
  readonly keywords: readonly string[]
  /** Regex source of the value, with the same limits as {@link TokenFormat.body}. */
  readonly value: string
  /** Value compared ignoring case. @default false */
  readonly ignoreCase?: boolean
  readonly confidence: Confidence
  readonly reference: string
}

/** Examples of a format for its tests: in-format values and values that must not match. */
export interface FormatExamples {
  /**
   * Texts holding one in-format value each. For a {@link TokenFormat}, the bare token (the test also
   * embeds it in sentences, JSON text and assignments). For a {@link KeyedFormat}, the bare value
   * (the test puts it under a member named by the first keyword and after `KEYWORD_KEY = `).
   */
  readonly positives: readonly string[]
  /** Near misses: the prefix with a wrong length or charset, other providers' shapes, prose. */
  readonly lookalikes: readonly string[]
}
