/** Cheap facts about a string, gathered in one pass, that let most detectors skip it. */
export interface StringFeatures {
  readonly length: number
  readonly digits: number
  /** Longest run of digits joined by at most two of ` -./()` at a time (cards, phones, SSNs). */
  readonly digitRun: number
  readonly upper: number
  /** Lower-case ASCII letters. */
  readonly lower: number
  /** Spaces (U+0020). */
  readonly spaces: number
  readonly dots: number
  readonly dashes: number
  readonly colons: number
  readonly at: boolean
  readonly dollar: boolean
  readonly underscore: boolean
  readonly plus: boolean
  /** An `=` or `>`: text may assign a value to a name. */
  readonly assign: boolean
  /** A character read as ASCII before detection (`asciiFold`: fullwidth forms, no-break spaces, other scripts' digits). */
  readonly fullwidth: boolean
  /** Two capitals followed by two digits somewhere: how every IBAN starts. */
  readonly ibanShape: boolean
  /** Double quotes (JSON written inside the text). */
  readonly quotes: number
  /** `%`, `\\` and `&`: escapes (percent-encoding, backslash escapes, HTML entities) may hide separators. */
  readonly escapes: number
  /**
   * Characters of base64's and base64url's alphabets, `=` and `>` included (letters, digits,
   * `+ / - _ =`; `(`, `)` and `>` count too: the classes are coarse): a string made of little
   * else may be an encoded blob (see base64-text.ts).
   */
  readonly base64Chars: number
  /** Control characters (tabs and line breaks among them). */
  readonly controls: number
  /** Nothing `JSON.stringify` would escape: no `"`, `\\`, control character or surrogate. */
  readonly plainJson: boolean
  /**
   * A character a reader reads otherwise than it is written (unicode-forms.ts): one that renders
   * as nothing (zero-width spaces and joiners, the soft hyphen, bidi marks, variation selectors), a
   * compatibility form of ASCII letters or digits (`①`, `²`, `ﬁ`), or a surrogate pair, which may
   * be either (tags, mathematical `𝟒`): a value may be written with them (`4111\u200b1111...`).
   */
  readonly recast: boolean
  /** The string's coarse facts, as bits of `GATE` (features.ts). */
  readonly gates: number
  /**
   * The lengths of its runs of consecutive digits, as bits: `1 << n` for a run of exactly `n`
   * digits (30 or more: bit 30). Every bit is set when the string holds escapes, which detectors
   * read blanked. (An SSN written 123-45-6789 has runs of 3, 2 and 4.)
   */
  readonly groups: number
}

/** Where a string sits, for detectors that need context. */
export interface DetectionContext {
  /** The member name holding the string (`null` for array elements and the root). */
  readonly key: string | null
}

/**
 * Replaces what a detector or rule matched:
 * - `'remove'`: the match is deleted (a whole value: the member is dropped);
 * - `'mask'` / `{ operator: 'mask', char?, length? }`: a fixed run of `char` (default 8 `*`), so the
 *   length of the secret does not leak;
 * - `'partial'` / `{ operator: 'partial', keepStart?, keepEnd?, char? }`: keeps the first and last
 *   characters (letters and digits only are masked; separators stay);
 * - `'hash'`: `hmac:` + HMAC-SHA256 of the match under `redact.hashKey` (first 32 hex digits):
 *   joinable across responses, irreversible;
 * - `{ operator: 'replace', with }`: fixed text; `{detector}` in it becomes the detector or rule id;
 * - a function `(match, { detector, key }) => string`.
 */
export type MaskSpec =
  | 'remove'
  | 'mask'
  | 'partial'
  | 'hash'
  | { readonly operator: 'remove' }
  | { readonly operator: 'mask'; readonly char?: string; readonly length?: number }
  | {
      readonly operator: 'partial'
      readonly keepStart?: number
      readonly keepEnd?: number
      readonly char?: string
    }
  | { readonly operator: 'hash' }
  | { readonly operator: 'replace'; readonly with: string }
  | ((match: string, context: { readonly detector: string; readonly key: string | null }) => string)

/** One family of sensitive values. */
export interface Detector {
  /** Stable id, used in options, events and masks: `'card'`, `'aws-access-key'`. */
  readonly id: string
  /** One line: what it finds. */
  readonly description: string
  /** In `'default'` and `'strict'`, or only in `'strict'` (noisier). */
  readonly set: 'default' | 'strict'
  /**
   * Bits of `GATE` (features.ts) of which a string must have one for {@link prefilter} to accept
   * it: strings without are not offered to this detector at all (a test checks every detector).
   */
  readonly requires: number
  /** Rejects most strings without running the pattern. */
  prefilter(text: string, features: StringFeatures, context: DetectionContext): boolean
  /** Global, linear-time pattern (checked by recheck in the tests). */
  readonly pattern: RegExp
  /**
   * When true for a string, the pattern's only possible match in it is the whole string (a card
   * number alone in its member): the pattern is not run and {@link validate} decides alone. It
   * must hold exactly (a test checks it against the pattern on generated strings).
   */
  whole?(features: StringFeatures): boolean
  /**
   * Confirms a match (checksums, issuer tables, decoding); `text` is the string it was found in,
   * at `at` (the match itself when it is the whole string).
   */
  validate?(match: string, context: DetectionContext, text?: string, at?: number): boolean
  /**
   * For a match `validate` refused: the length of its longest valid start (text after it was
   * taken in by the pattern), or 0.
   */
  trim?(match: string): number
  /**
   * For a match `validate` and `trim` refused: the offset in it from which the pattern is tried
   * again (`AB12 GB82 WEST ...`: a later group may start a valid match), or 0 for its end.
   */
  retryFrom?(match: string): number
  /**
   * A provider's checksum over a match `validate` accepted: `true` raises the finding's confidence
   * to `high` (the event says so); `false` does not refuse it, since a value in the provider's
   * documented format is masked whether or not its checksum holds.
   */
  verify?(match: string): boolean
  /**
   * Appends what the pattern cannot say in linear time (a JWT glued after other token characters,
   * `id-eyJ...`): run after the pattern, on the same strings; spans inside a pattern's match are
   * dropped with it.
   */
  also?(text: string, found: Span[]): void
  readonly mask: MaskSpec
  /** How sure a match is (see `Confidence`). @default 'high' */
  readonly confidence?: 'high' | 'medium' | 'low'
}

/** A sensitive span found in a string. */
export interface Span {
  readonly start: number
  readonly end: number
  /** Detector or rule id. */
  readonly detector: string
  /**
   * The provider's checksum verified the match (a finding of `high` confidence). Always present:
   * every span has the same members in the same order, so the loops that read spans see one
   * object shape (member-value spans add two), not one per place that makes them.
   */
  readonly verified: boolean
}
