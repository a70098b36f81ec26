import { KEEP } from '../allowlist/compile.js'
import { lastMemberName, type PathRef, project, REMOVE } from '../allowlist/project.js'
import { LeakguardResponseError } from '../errors.js'
import { bySecondCode } from '../lib/by-second-code.js'
import { hexDigitsAt, isHex } from '../lib/hex.js'
import { keepShape } from '../lib/kept-shapes.js'
import { emptyArray } from '../lib/scratch-arrays.js'
import { describe, fail, isPlainObject, objectOption, secretKeyOption } from '../lib/validate.js'
import {
  type Base64Options,
  type Base64Text,
  encodeLike,
  escapeBase64,
  mayHoldBase64,
  placedBase64Runs,
} from './base64-text.js'
import type { NameRule } from './catalogue/assignment.js'
import { KEYED_FORMATS, TOKEN_FORMATS } from './catalogue/index.js'
import { ASSIGNMENT_ID, LiteralScan, MAX_HITS } from './catalogue/scanner.js'
import { UUID_SOURCE } from './catalogue/shapes.js'
import type { Confidence } from './catalogue/types.js'
import { collect, collectDetector } from './collect.js'
import { decodedView } from './decoded-view.js'
import { DETECTOR_IDS, DETECTORS } from './detectors/index.js'
import { collectGluedJwts, HAS_JWT_START, JWT_START } from './detectors/jwt.js'
import { isPhoneValue } from './detectors/phone.js'
import { namesPhone, namesPhoneNumber } from './detectors/phone-names.js'
import { compileExactShapes, type ExactShapes } from './exact-shapes.js'
import {
  asciiFold,
  isAsciiAlnum,
  isDigit,
  isLongInteger,
  lastTextPlain,
  mayHoldSecret,
  mayHoldSecretText,
  namesIdOrCode,
  optionAt,
  stringFeatures,
} from './features.js'
import { compileHeaderScan, type HeaderRedactOptions, type HeaderScan } from './headers.js'
import { genericErrorMessage, internalDetail } from './hygiene.js'
import {
  flaggedMemberValues,
  hasDuplicateMembers,
  inspectJsonText,
  isJsonText,
  looseJsonShape,
  type MemberValueSpan,
  shieldLossyNumbers,
  unshieldNumbers,
} from './json-text.js'
import {
  compileKeyNameMatcher,
  compileSessionNameMatcher,
  describesSecret,
  isSensitiveKey,
  isTokenKey,
  type KeyNameMatcherOptions,
} from './keys.js'
import {
  CANARY_ID,
  compileKnownSecrets,
  KNOWN_SECRET_ID,
  type KnownSecrets,
  type KnownSecretsOptions,
} from './known-secrets.js'
import { type CompiledMask, compileMask, isPlainJsonText } from './mask.js'
import { type CompiledRules, compileRules, globMatches, type RedactRule } from './rules.js'
import { schemeCredentialsInText, schemeLed, wholeSchemeCredential } from './scheme-credentials.js'
import type { DetectionContext, Detector, MaskSpec, Span, StringFeatures } from './types.js'

/** Options of redaction, shared by `createGuard({ redact })`, `redact()` and `scan()`. */
export interface RedactOptions {
  /**
   * Which detectors run: `'default'` (every detector of the `default` set), `'strict'` (adds noisier
   * ones: IP addresses, generic high-entropy strings), `'none'`, or a list of detector ids.
   * @default 'default'
   */
  detectors?: 'default' | 'strict' | 'none' | readonly string[]
  /** Per detector id: `false` turns it off, `{ mask }` changes its mask. @default {} */
  overrides?: Readonly<Record<string, false | { readonly mask?: MaskSpec }>>
  /**
   * Masks values of members whose name says they are secret (`password`, `apiKey`, `authToken`,
   * `cookie`, `ssn`, ...; spelled any way: `pass_word`, `p@ssw0rd`, `Passwort`, `mot_de_passe`;
   * see docs/redaction.md), whole containers under such names, and values text assigns to them
   * (`DB_PASSWORD=...`). `locales` picks the languages besides English (default: all built in),
   * `words` adds your own, `ignore` lists names that are never secret. `false` turns it off.
   * @default { mask: { operator: 'replace', with: '[REDACTED]' }, locales: 'all' }
   */
  keyNames?: boolean | ({ readonly mask?: MaskSpec } & KeyNameMatcherOptions)
  /** Your own rules: patterns, member-name globs, functions. @default [] */
  rules?: readonly RedactRule[]
  /** Key of the `hash` operator (HMAC-SHA256), at least 32 bytes. Required to use `hash`. */
  hashKey?: string | Uint8Array
  /**
   * In 4xx/5xx bodies, replaces texts holding stack traces, SQL, driver errors or file-system paths
   * by a generic message with the request id (OWASP API8).
   * @default true
   */
  errorHygiene?: boolean
  /**
   * Parses and redacts JSON carried inside string values (up to 3 levels of JSON in a string in
   * JSON in a string, nesting up to 128 levels each). JSON text past those limits, or holding
   * numbers that would change value if serialized again, is redacted as text instead (detectors,
   * your patterns and member-name rules over its characters) and reported in a
   * `response.degraded` event: it never blocks the response.
   * @default true
   */
  nestedJson?: boolean
  /**
   * Reads text written in base64 or base64url inside strings (a Kubernetes secret's data, a TLS
   * key, an encoded config file or cookie, `Basic` credentials, a `data:...;base64,` URL) with the
   * same detectors and member-name rules, up to two levels deep; a run whose text holds a finding
   * is written as its text redacted, encoded again as it was (alphabet, padding, lines).
   * @default true
   */
  base64Text?: boolean
  /**
   * Response headers that carry free text, scanned with the same detectors and member-name rules:
   * `Location` and the other URL headers (each query and fragment parameter read as a member of
   * its name, so `?access_token=...` is masked), `Content-Disposition`, custom `X-` headers.
   * `Set-Cookie` only with `setCookie: true`.
   * @default { names: ['location', 'content-location', 'content-disposition', 'link', 'refresh', 'x-*'], setCookie: false }
   */
  headers?: HeaderRedactOptions
  /**
   * The application's own secrets, masked wherever they appear, also base64-, base64url-, hex- and
   * percent-encoded: environment values (on by default), explicit values, and canaries whose
   * sighting is a `response.canary` event. `false` turns it off. See {@link KnownSecretsOptions}.
   * @default { env: true }
   */
  knownSecrets?: KnownSecretsOptions | false
}

/** Route-level redaction options; `rules` add to the global ones, `overrides` merge over them. */
export interface RouteRedactOptions {
  /** Extra rules for this route only. */
  rules?: readonly RedactRule[]
  /** Per detector on this route: `false` turns it off (e.g. `email` on a view that shows emails). */
  overrides?: Readonly<Record<string, false | { readonly mask?: MaskSpec }>>
  /** Overrides `redact.errorHygiene` on this route. */
  errorHygiene?: boolean
  /** `false` turns redaction off on this route (the allowlist still applies). @default true */
  enabled?: boolean
}

const OPTION_KEYS = [
  'detectors',
  'overrides',
  'keyNames',
  'rules',
  'hashKey',
  'errorHygiene',
  'nestedJson',
  'base64Text',
  'headers',
  'knownSecrets',
] as const
export const ROUTE_REDACT_KEYS = ['rules', 'overrides', 'errorHygiene', 'enabled'] as const
const KEY_NAME_MASK: MaskSpec = { operator: 'replace', with: '[REDACTED]' }
const KNOWN_SECRET_MASK = compileMask(
  { operator: 'replace', with: '[REDACTED:{detector}]' },
  'redact',
  undefined,
)
/** JSON in a string in JSON in a string...: how many levels are parsed. */
const MAX_NESTED_JSON_DEPTH = 3
/** Deepest nesting of objects and arrays parsed in JSON carried by a string. */
export const MAX_NESTED_JSON_NESTING = 128
const MAX_FINGERPRINTS = 8
/** A quoted name, blanks, then `:` (`{"token" : "..."}`): JSON text whose members have names. */
const QUOTED_NAME_BLANK_COLON = /"[\t\n\r ]+:/
/**
 * What reading names in one string may cost, at least (a longer string may cost more: see
 * {@link judgementBudget} and {@link memberBudget}): a client-written field of a million unique
 * names read without a bound would cost seconds of event loop.
 */
export const MAX_PAIRS_PER_STRING = 4096

/**
 * What judging names and values in text may cost in a string of `length` characters, in the
 * literal scan's units (see `judgementsMade`, about a microsecond each): 4,096 new names, and
 * one more per 256 characters (or 16,384 values judged, and one more per 64), so that reading
 * names costs at most a bounded multiple of reading the string (a megabyte of unique names, about
 * 90 ms), and a long log or page whose names repeat (most of its operators follow a name judged
 * before, or none) is read to its end.
 */
function judgementBudget(length: number): number {
  return 4 * MAX_PAIRS_PER_STRING + (length >> 6)
}

/**
 * Distinct JSON member names read in a string of `length` characters that is not JSON itself (a
 * log quoting bodies, NDJSON): 4,096, and one more per 256 characters. A name read again in the
 * same string (each line's `"level"`) is not counted again.
 */
function memberBudget(length: number): number {
  return MAX_PAIRS_PER_STRING + (length >> 8)
}

interface ActiveDetector {
  readonly detector: Detector
  readonly mask: CompiledMask
}

/** Ids of the literal-triggered detectors: provider tokens, keyed credentials, assignments in text. */
const LITERAL_IDS: readonly string[] = [
  ...TOKEN_FORMATS.map((f) => f.id),
  ...KEYED_FORMATS.map((f) => f.id),
  ASSIGNMENT_ID,
]
/** Every detector id an option may name. */
export const KNOWN_DETECTOR_IDS: readonly string[] = [...DETECTOR_IDS, ...LITERAL_IDS]
const DEFAULT_LITERAL_MASK: MaskSpec = { operator: 'replace', with: '[REDACTED:{detector}]' }

/** A detector's or rule's mask as a redactor found it (see {@link RedactionSession.slotFor}). */
interface MaskSlot {
  readonly mask: CompiledMask
  /** What the mask writes for this id whatever the match; `undefined` when the match decides. */
  readonly fixed: string | null | undefined
}

/** The literal-triggered detectors a redactor runs, and their masks. */
interface ActiveLiterals {
  readonly scan: LiteralScan
  readonly masks: ReadonlyMap<string, CompiledMask>
}

/** Redaction compiled once from options. */
export interface Redactor {
  readonly enabled: boolean
  /** Member names already scanned and found clean (shared by the sessions of this redactor). */
  readonly cleanKeys: Set<string>
  /** Masks by detector or rule id, found once (shared by the sessions of this redactor). */
  readonly masks: Map<string, MaskSlot>
  /** The chosen detector set, before overrides. */
  readonly catalogue: readonly Detector[]
  readonly overrides: Readonly<Record<string, unknown>>
  readonly detectors: readonly ActiveDetector[]
  /** The chosen literal-triggered detector ids, before overrides. */
  readonly literalIds: ReadonlySet<string>
  /** Literal-triggered detectors after overrides; `null` when none runs. */
  readonly literals: ActiveLiterals | null
  readonly rules: CompiledRules
  readonly keyNameMask: CompiledMask | null
  /** The member-name rule: whether a name says its value is secret. */
  readonly keyNameMatcher: (key: string) => boolean
  /** The member-name rule as text assignments use it: tokens pass on routes that issue them. */
  readonly secretName: (name: string) => boolean
  /** Names whose string values are sessions (see `compileSessionNameMatcher`); `null` without member-name rules. */
  readonly sessionName: ((key: string) => boolean) | null
  /**
   * Names whose values are masked where JSON members or assignments are written inside text (a
   * log line quoting a body): {@link secretName}'s, and session names, since text has no object
   * to keep readable under one.
   */
  readonly textName: NameRule
  readonly errorHygiene: boolean
  readonly nestedJson: boolean
  readonly base64Text: boolean
  readonly hashKey: Buffer | undefined
  /** Which response headers are scanned. */
  readonly headerScan: HeaderScan
  /** The application's own secrets and canaries; `null` when none. */
  readonly knownSecrets: KnownSecrets | null
  /** Tokens the route issues pass: under token member names, no `jwt` detector and no member-name rule. */
  readonly passesIssuedTokens: boolean
  /** The claims issued JWTs may carry (`issuedTokenClaims`); `null`: their claims are scanned. */
  readonly issuedTokenClaims?: ReadonlySet<string> | null
}

function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(option, `expected true or false, got ${describe(value)}`)
  return value as boolean
}

/** Validates and compiles redaction options. @throws LeakguardConfigError */
export function compileRedactor(options: RedactOptions | undefined, option: string): Redactor {
  const raw = objectOption(options, option, OPTION_KEYS)
  const hashKey = raw.hashKey === undefined ? undefined : secretKeyOption(raw.hashKey, `${option}.hashKey`)
  const set = raw.detectors ?? 'default'
  let chosen: readonly Detector[]
  let literalIds: ReadonlySet<string>
  if (set === 'default' || set === 'strict' || set === 'none') {
    chosen = set === 'none' ? [] : DETECTORS.filter((d) => set === 'strict' || d.set === 'default')
    literalIds = new Set(set === 'none' ? [] : LITERAL_IDS)
  } else if (Array.isArray(set)) {
    set.forEach((id, i) => {
      if (!KNOWN_DETECTOR_IDS.includes(id)) {
        fail(`${option}.detectors[${i}]`, `unknown detector ${describe(id)}; ${knownIdsHint(id)}`)
      }
    })
    chosen = DETECTORS.filter((d) => (set as string[]).includes(d.id))
    literalIds = new Set(LITERAL_IDS.filter((id) => (set as string[]).includes(id)))
  } else {
    return fail(
      `${option}.detectors`,
      `expected "default", "strict", "none" or a list of detector ids, got ${describe(set)}`,
    )
  }
  const overrides = validateOverrides(raw.overrides, `${option}.overrides`)
  const detectors = activeDetectors(chosen, overrides, hashKey, `${option}.overrides`)
  const literals = activeLiterals(literalIds, overrides, hashKey, `${option}.overrides`)
  let keyNameMask: CompiledMask | null = null
  let keyNameMatcher: (key: string) => boolean = isSensitiveKey
  let sessionName: ((key: string) => boolean) | null = null
  if (raw.keyNames !== false) {
    const keyNames = raw.keyNames === undefined || raw.keyNames === true ? {} : raw.keyNames
    if (!isPlainObject(keyNames))
      fail(
        `${option}.keyNames`,
        `expected true, false or { mask, locales, words, ignore }, got ${describe(raw.keyNames)}`,
      )
    const { mask, ...matcher } = keyNames as { mask?: MaskSpec } & KeyNameMatcherOptions
    keyNameMask = compileMask(mask ?? KEY_NAME_MASK, `${option}.keyNames.mask`, hashKey)
    if (Object.keys(matcher).length > 0) keyNameMatcher = compileKeyNameMatcher(matcher, `${option}.keyNames`)
    sessionName = compileSessionNameMatcher(matcher, `${option}.keyNames`)
  }
  keyNameMatcher = withoutCountersAndCursors(keyNameMatcher)
  const secretName = keyNameMatcher
  // A session's name assigns its token in text (`sid=...`), and names metrics as often
  // (`session:duration:p95:ms`): after one, only a value that reads as a token is a secret.
  const textName: NameRule =
    sessionName === null
      ? secretName
      : Object.assign((name: string) => secretName(name) || sessionName(name), {
          accepts: (name: string, value: string) => secretName(name) || readsAsToken(value),
        })
  return {
    enabled: true,
    cleanKeys: new Set(),
    masks: new Map(),
    catalogue: chosen,
    overrides,
    detectors,
    literalIds,
    literals,
    rules: compileRules(raw.rules, `${option}.rules`, hashKey),
    keyNameMask,
    keyNameMatcher,
    secretName,
    sessionName,
    textName,
    errorHygiene: booleanOption(raw.errorHygiene, `${option}.errorHygiene`, true),
    nestedJson: booleanOption(raw.nestedJson, `${option}.nestedJson`, true),
    base64Text: booleanOption(raw.base64Text, `${option}.base64Text`, true),
    hashKey,
    headerScan: compileHeaderScan(raw.headers, `${option}.headers`),
    knownSecrets:
      raw.knownSecrets === false ? null : compileKnownSecrets(raw.knownSecrets, `${option}.knownSecrets`),
    passesIssuedTokens: false,
  }
}

/**
 * The redactor of a route's success bodies when the route issues tokens (`issuesTokens`): values
 * of members that name a token (`token`, `access_token`, ...) are neither masked for their name
 * nor read by the `jwt` detector; everything else, a JWT under any other name included, applies.
 */
export function issuedTokensRedactor(base: Redactor, claims: readonly string[] | undefined): Redactor {
  return {
    ...base,
    cleanKeys: new Set(),
    masks: new Map(),
    passesIssuedTokens: true,
    secretName: (name) => base.keyNameMatcher(name) && !isTokenKey(name),
    // Sessions are handed over where tokens are.
    textName: (name) => base.keyNameMatcher(name) && !isTokenKey(name),
    issuedTokenClaims: claims === undefined ? null : new Set(claims),
  }
}

function validateOverrides(value: unknown, option: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return {}
  if (!isPlainObject(value))
    return fail(option, `expected an object of detector id -> false | { mask }, got ${describe(value)}`)
  for (const [id, override] of Object.entries(value)) {
    if (!KNOWN_DETECTOR_IDS.includes(id)) fail(`${option}.${id}`, `unknown detector; ${knownIdsHint(id)}`)
    if (override !== false && !isPlainObject(override))
      fail(`${option}.${id}`, `expected false or { mask }, got ${describe(override)}`)
  }
  return value
}

function activeDetectors(
  chosen: readonly Detector[],
  overrides: Readonly<Record<string, unknown>>,
  hashKey: Buffer | undefined,
  option: string,
): ActiveDetector[] {
  const detectors: ActiveDetector[] = []
  for (const detector of chosen) {
    const override = overrides[detector.id]
    if (override === false) continue
    const spec = (override as { mask?: MaskSpec } | undefined)?.mask ?? detector.mask
    // PCI DSS: a card number shown in part keeps at most its first 6 and last 4 digits.
    const limits = detector.id === 'card' ? { maxKeepStart: 6, maxKeepEnd: 4 } : undefined
    detectors.push({
      detector: uniform(detector),
      mask: compileMask(spec, `${option}.${detector.id}.mask`, hashKey, limits),
    })
  }
  return detectors
}

/**
 * A detector as an object of one shape, every optional member present: the detection loop reads
 * each detector's members at the same call sites, where a different shape per detector made every
 * read a megamorphic lookup.
 */
function uniform(detector: Detector): Detector {
  return {
    id: detector.id,
    description: detector.description,
    set: detector.set,
    requires: detector.requires,
    prefilter: detector.prefilter,
    pattern: detector.pattern,
    whole: detector.whole,
    validate: detector.validate,
    trim: detector.trim,
    retryFrom: detector.retryFrom,
    verify: detector.verify,
    also: detector.also,
    mask: detector.mask,
    confidence: detector.confidence,
  }
}

const exactShapeTables = new WeakMap<Redactor, ExactShapes | null>()
/** Off in the test that compares the shapes' answers with the detectors' (see {@link withoutExactShapes}). */
let exactShapesOn = true

/** The whole-value shapes of `redactor`'s detectors (exact-shapes.ts), compiled once per redactor. */
function exactShapesOf(redactor: Redactor): ExactShapes | null {
  if (!exactShapesOn) return null
  let shapes = exactShapeTables.get(redactor)
  if (shapes === undefined) {
    shapes = compileExactShapes(redactor.detectors, redactor.literals?.scan.automaton)
    exactShapeTables.set(redactor, shapes)
  }
  return shapes
}

/**
 * Runs `run` with the whole-value shapes off for the sessions that first read a string inside it:
 * what the detectors alone find (for tests). Calls nest.
 */
export function withoutExactShapes<T>(run: () => T): T {
  const was = exactShapesOn
  exactShapesOn = false
  try {
    return run()
  } finally {
    exactShapesOn = was
  }
}

const candidateTables = new WeakMap<readonly ActiveDetector[], (readonly ActiveDetector[] | undefined)[]>()

/**
 * Per set of detectors, the ones a string can interest, by the string's gate bits
 * (`StringFeatures.gates`): filled as gate combinations are seen (at most 2^13), shared by
 * every response of the redactor.
 */
function candidateTable(detectors: readonly ActiveDetector[]): (readonly ActiveDetector[] | undefined)[] {
  let table = candidateTables.get(detectors)
  if (table === undefined) {
    table = []
    candidateTables.set(detectors, table)
  }
  return table
}

/** The fix-it part of an unknown-id message: the closest known ids, and where the list is. */
function knownIdsHint(id: unknown): string {
  const text = String(id).toLowerCase()
  const close = KNOWN_DETECTOR_IDS.filter((known) => {
    const head = known.split('-')[0]!
    return text.includes(head) || known.includes(text)
  }).slice(0, 8)
  const list = close.length > 0 ? `did you mean ${close.join(', ')}? ` : ''
  return `${list}listDetectors() returns all ${KNOWN_DETECTOR_IDS.length}; structural: ${DETECTOR_IDS.join(', ')}`
}

const literalScans = new Map<string, LiteralScan>()

/** The literal-triggered detectors left after overrides, their scan shared by equal id sets. */
function activeLiterals(
  ids: ReadonlySet<string>,
  overrides: Readonly<Record<string, unknown>>,
  hashKey: Buffer | undefined,
  option: string,
): ActiveLiterals | null {
  const active = LITERAL_IDS.filter((id) => ids.has(id) && overrides[id] !== false)
  if (active.length === 0) return null
  const cacheKey = active.join(',')
  let scan = literalScans.get(cacheKey)
  if (scan === undefined) {
    const on = new Set(active)
    scan = new LiteralScan(
      TOKEN_FORMATS.filter((f) => on.has(f.id)),
      KEYED_FORMATS.filter((f) => on.has(f.id)),
      on.has(ASSIGNMENT_ID),
    )
    if (literalScans.size < 64) literalScans.set(cacheKey, scan)
  }
  const masks = new Map<string, CompiledMask>()
  const fallback = compileMask(DEFAULT_LITERAL_MASK, `${option}`, hashKey)
  for (const id of active) {
    const spec = (overrides[id] as { mask?: MaskSpec } | undefined)?.mask
    if (spec !== undefined) masks.set(id, compileMask(spec, `${option}.${id}.mask`, hashKey))
    // A value assigned in text is masked like a member's value under the same name.
    else if (id === ASSIGNMENT_ID) masks.set(id, compileMask(KEY_NAME_MASK, `${option}`, hashKey))
    else masks.set(id, fallback)
  }
  return { scan, masks }
}

/**
 * Names that end in "token(s)" but hold a count or a pagination cursor, in the APIs every proxy
 * serves: LLM usage counters (`prompt_tokens`, `max_tokens`, ...) and page cursors
 * (`nextPageToken`, `continuation_token`, ...). Compared with case and separators folded.
 */
const COUNTERS_AND_CURSORS = new Set(
  [
    'prompt_tokens',
    'completion_tokens',
    'total_tokens',
    'input_tokens',
    'output_tokens',
    'max_tokens',
    'max_completion_tokens',
    'max_output_tokens',
    'max_input_tokens',
    'cached_tokens',
    'reasoning_tokens',
    'audio_tokens',
    'cache_read_input_tokens',
    'cache_creation_input_tokens',
    'accepted_prediction_tokens',
    'rejected_prediction_tokens',
    'token_count',
    'tokens_used',
    'next_page_token',
    'page_token',
    'next_token',
    'prev_token',
    'previous_token',
    'continuation_token',
    'pagination_token',
    'sync_token',
    'cursor_token',
  ].map((name) => name.replace(/_/g, '')),
)

function withoutCountersAndCursors(matcher: (key: string) => boolean): (key: string) => boolean {
  const known = new Map<string, boolean>()
  return (key) => {
    let answer = known.get(key)
    if (answer === undefined) {
      answer =
        !(key.length <= 40 && COUNTERS_AND_CURSORS.has(key.toLowerCase().replace(/[-_. ]/g, ''))) &&
        matcher(key)
      if (known.size < 4096) known.set(key, answer)
    }
    return answer
  }
}

/** Validates route-level redaction options. @throws LeakguardConfigError */
export function validateRouteRedact(value: unknown, option: string): RouteRedactOptions {
  const raw = objectOption(value, option, ROUTE_REDACT_KEYS)
  validateOverrides(raw.overrides, `${option}.overrides`)
  booleanOption(raw.errorHygiene, `${option}.errorHygiene`, true)
  booleanOption(raw.enabled, `${option}.enabled`, true)
  // Masks are checked against a stand-in key here; the guard's real key is used when it builds the route.
  compileRules(raw.rules, `${option}.rules`, STAND_IN_KEY)
  return raw as RouteRedactOptions
}

const STAND_IN_KEY = Buffer.alloc(32)

/** A route's redactor: the global one with the route's rules and switches. */
export function routeRedactor(base: Redactor, route: RouteRedactOptions, option: string): Redactor {
  const extra = compileRules(route.rules, `${option}.rules`, base.hashKey)
  const overrides = route.overrides === undefined ? base.overrides : { ...base.overrides, ...route.overrides }
  return {
    ...base,
    cleanKeys: new Set(),
    masks: new Map(),
    overrides,
    detectors:
      route.overrides === undefined
        ? base.detectors
        : activeDetectors(base.catalogue, overrides, base.hashKey, `${option}.overrides`),
    literals:
      route.overrides === undefined
        ? base.literals
        : activeLiterals(base.literalIds, overrides, base.hashKey, `${option}.overrides`),
    enabled: booleanOption(route.enabled, `${option}.enabled`, true),
    errorHygiene: booleanOption(route.errorHygiene, `${option}.errorHygiene`, base.errorHygiene),
    rules: {
      patterns: [...base.rules.patterns, ...extra.patterns],
      functions: [...base.rules.functions, ...extra.functions],
      keys: [...base.rules.keys, ...extra.keys],
    },
  }
}

/** A finding as `scan()` returns it. */
export interface Finding {
  /** Concrete JSONPath of the string (`$.data[3].notes`); `#` separates JSON carried in a string. */
  readonly path: string
  /** Detector or rule id. */
  readonly detector: string
  /**
   * Span in the string (UTF-16 code units); the whole string for member-name rules; for a finding
   * in text written in base64, the encoded run it was read from (the string as it was written).
   */
  readonly start: number
  readonly end: number
}

/**
 * Why a value was redacted in a weaker mode than usual instead of blocking the response: JSON in a
 * string nested deeper than it is parsed (`'nested-json-too-deep'`), JSON in JSON in JSON beyond
 * the levels that are parsed (`'nested-json-chain'`), or JSON whose numbers would change value if
 * it were serialized again (`'nested-json-lossy-numbers'`). Such text is redacted as text. A string
 * whose names cost more to read than its length allows (`'text-too-dense'`: more distinct names
 * than 4,096 and one per 256 characters, or more values under secret names than 16,384 and one per
 * 64 characters) has the rest read by the detectors only.
 */
export type DegradeReason =
  | 'nested-json-too-deep'
  | 'nested-json-chain'
  | 'nested-json-lossy-numbers'
  | 'text-too-dense'

/** Values redacted in a weaker mode, grouped for an event: templated path, reason, count. */
export interface DegradedSummary {
  readonly path: string
  readonly reason: DegradeReason
  readonly count: number
}

/** Findings grouped for an event: templated path, detector, count. */
export interface FindingSummary {
  readonly path: string
  readonly detector: string
  readonly count: number
  /** The detector's confidence; `high` when a provider checksum verified one of the values. */
  readonly confidence?: Confidence
  readonly fingerprints?: readonly string[]
}

function ruleFailed(id: string, error: unknown): LeakguardResponseError {
  return new LeakguardResponseError('ERR_LG_RESPONSE_RULE_FAILED', `redact rule "${id}" threw`, {
    cause: error,
    rule: id,
  })
}

/** Findings of one detector at one templated path, as a response's session counts them. */
interface Summary {
  path: string
  detector: string
  count: number
  confidence?: Confidence
  fingerprints?: Set<string>
}

let sessionShapeKept = false

/** Redaction of one response (or one `redact()`/`scan()` call): applies masks and records findings. */
export class RedactionSession {
  // A session is made per response and per `redact()` call, most of which find nothing: its
  // collections are made on first use (a Map costs an allocation of its table).
  private summaryMap: Map<string, Summary> | undefined
  /** Findings with their spans, kept only when the session is `detailed` (`scan()`). */
  readonly findings: Finding[] = []
  /** The summary each detector last added to (see {@link record}). */
  private lastSummary: Map<string, Summary> | undefined
  total = 0
  private degradedMap: Map<string, { path: string; reason: DegradeReason; count: number }> | undefined
  degradedTotal = 0
  private canarySet: Set<string> | undefined

  /**
   * Findings by templated path and detector, at most `summaryLimit` of them: a map keyed by ids
   * has a path per member, and an event reports only the first few (see {@link summary}).
   */
  get summaries(): ReadonlyMap<string, Summary> {
    return this.summaryMap ?? NO_ENTRIES
  }

  /** Whether findings were counted at paths past {@link summaryLimit}, with no summary of their own. */
  summariesCapped = false
  /**
   * The first path past the limit (any path, when findings are not summarized) where a token was
   * masked (a `jwt` finding, or a `key-name` one
   * under a token's name): what the issued-token hint reads besides {@link summaries}.
   */
  cappedTokenPath: string | undefined = undefined

  /** Values redacted as text rather than as the JSON they hold (see {@link DegradeReason}). */
  get degraded(): ReadonlyMap<string, { path: string; reason: DegradeReason; count: number }> {
    return this.degradedMap ?? NO_ENTRIES
  }

  /** Ids of the canaries this response carried (see {@link KnownSecretsOptions.canaries}). */
  get canaries(): ReadonlySet<string> {
    return this.canarySet ?? NO_IDS
  }

  /** Called by the known-secret search for each canary it finds. */
  addCanary(id: string): void {
    this.canarySet ??= new Set()
    this.canarySet.add(id)
  }
  private nestedDepth = 0
  private prefix = ''

  /** Apply error hygiene (4xx/5xx bodies). */
  private readonly hygiene: boolean
  private readonly requestId: string
  /** Keep every finding with its span (`scan()`); otherwise only summaries. */
  private readonly detailed: boolean
  /** Turns a found value into a fingerprint for events (HMAC), if configured. */
  private readonly fingerprint: ((value: string) => string) | undefined
  /** Most summaries kept; findings past it are counted only (see {@link summariesCapped}). */
  private readonly summaryLimit: number
  /** Whether findings are summarized at all (an event reads them); otherwise only counted. */
  private readonly summarize: boolean

  constructor(
    private readonly redactor: Redactor,
    options: {
      readonly hygiene: boolean
      readonly requestId: string
      readonly detailed: boolean
      readonly fingerprint?: ((value: string) => string) | undefined
      /** Most distinct paths summarized (what an event can report, and one more); no limit by default. */
      readonly summaryLimit?: number
      /**
       * Whether to summarize findings by path and detector (`response.redacted` reads them); `false`
       * when nothing will: findings are then counted, and the first masked token's path kept for
       * the issued-token hint. On by default.
       */
      readonly summarize?: boolean
    },
  ) {
    // Copied into the session's own fields: the options object is made per response, and its
    // shape would die with it (see lib/kept-shapes.ts).
    this.hygiene = options.hygiene
    this.requestId = options.requestId
    this.detailed = options.detailed
    this.fingerprint = options.fingerprint
    this.summaryLimit = options.summaryLimit ?? Number.POSITIVE_INFINITY
    this.summarize = options.summarize ?? true
    // One session with no response data keeps the sessions' map alive (see lib/kept-shapes.ts),
    // with a redactor of its own: the app's (its known secrets) must not be kept past its guard.
    if (!sessionShapeKept) {
      sessionShapeKept = true
      const neutral = compileRedactor({ detectors: 'none', keyNames: false, knownSecrets: false }, 'redact')
      keepShape(new RedactionSession(neutral, { hygiene: false, requestId: '', detailed: false }))
    }
  }

  private record(
    at: PathRef | null,
    detector: string,
    start: number,
    end: number,
    value: string,
    verified = false,
  ): void {
    this.total++
    if (!this.summarize) {
      // No one reads summaries: only the first masked token's path, for the issued-token hint.
      if (
        this.cappedTokenPath === undefined &&
        (detector === 'jwt' || (detector === 'key-name' && (at === null || isTokenKey(at.lastKey() ?? ''))))
      ) {
        const template = this.prefix + (at === null ? '$' : at.template())
        if (detector === 'jwt' || isTokenKey(lastMemberName(template))) this.cappedTokenPath = template
      }
      if (this.detailed) {
        this.listFinding(at, detector, start, end)
      }
      return
    }
    const template = this.prefix + (at === null ? '$' : at.template())
    // Findings repeat row after row at the same path: the last summary of each detector is
    // checked first (the same template string), before a key is built.
    this.lastSummary ??= new Map()
    this.summaryMap ??= new Map()
    const last = this.lastSummary.get(detector)
    let summary = last !== undefined && last.path === template ? last : undefined
    const id = summary === undefined ? `${template}\u0000${detector}` : ''
    if (summary === undefined) summary = this.summaryMap.get(id)
    if (summary === undefined && this.summaryMap.size >= this.summaryLimit) {
      // Counted, not summarized: an event would not show it (see summary()), and a body keyed by
      // ids would otherwise keep a summary per member.
      this.summariesCapped = true
      if (
        this.cappedTokenPath === undefined &&
        (detector === 'jwt' || (detector === 'key-name' && isTokenKey(lastMemberName(template))))
      )
        this.cappedTokenPath = template
      if (this.detailed) {
        this.listFinding(at, detector, start, end)
      }
      return
    }
    if (summary === undefined) {
      const confidence = CONFIDENCE.get(detector)
      const made: Summary =
        confidence === undefined
          ? { path: template, detector, count: 0 }
          : { path: template, detector, count: 0, confidence }
      this.summaryMap.set(id, made)
      summary = made
    }
    if (last !== summary) this.lastSummary.set(detector, summary)
    if (verified) summary.confidence = 'high'
    summary.count++
    const fingerprint = this.fingerprint
    if (fingerprint !== undefined) {
      summary.fingerprints ??= new Set()
      if (summary.fingerprints.size < MAX_FINGERPRINTS) summary.fingerprints.add(fingerprint(value))
    }
    if (this.detailed) {
      this.listFinding(at, detector, start, end)
    }
  }

  /** A finding as `scan()` lists it: where it is in the string as it was written. */
  private listFinding(at: PathRef | null, detector: string, start: number, end: number): void {
    // Inside a base64 run, offsets are the decoded text's: the run is where it is in the string.
    const run = this.encodedOuter
    this.findings.push({
      path: this.prefix + (at === null ? '$' : at.concrete()),
      detector,
      start: run === null ? start : run.start,
      end: run === null ? end : run.end,
    })
  }

  private degrade(at: PathRef | null, reason: DegradeReason): void {
    this.degradedTotal++
    const path = this.prefix + (at === null ? '$' : at.template())
    const id = `${path}\u0000${reason}`
    this.degradedMap ??= new Map()
    const known = this.degradedMap.get(id)
    if (known === undefined) this.degradedMap.set(id, { path, reason, count: 1 })
    else known.count++
  }

  /** What compiled member facts are valid for: the redactor (see {@link memberFacts}). */
  get scope(): object {
    return this.redactor
  }

  /**
   * What a member name asks of a serializer writing its values, the same for every response of
   * this redactor: `MEMBER_NAME` (1) when the name may itself be a secret and must go through
   * {@link key}; `MEMBER_VALUE` (2) when its primitives need {@link value} (a member-name rule or a
   * key rule may apply) rather than only the detectors of {@link string}; `MEMBER_DIGITS` (8) when
   * only its numbers need {@link value} (a phone's name).
   */
  memberFacts(key: string): number {
    const redactor = this.redactor
    // A name remembered clean still goes through key() when it may be a session's id there.
    let bits = key.length >= 6 && (!redactor.cleanKeys.has(key) || looksLikeSessionId(key)) ? 1 : 0
    if (redactor.keyNameMask !== null && redactor.keyNameMatcher(key)) bits |= this.secretMember(key) ? 6 : 2
    else if (redactor.keyNameMask !== null && redactor.sessionName?.(key) === true) bits |= 2
    else {
      for (const rule of redactor.rules.keys) {
        if (rule.last.some((last) => last === null || last.test(key))) {
          bits |= 2
          break
        }
      }
    }
    // A phone's name: a number under it is read as a phone number's digits (see value()).
    if (namesPhoneNumber(key, true) && this.readsPhones()) bits |= 8
    return bits
  }

  /**
   * Whether `text` is known to hold nothing `JSON.stringify` would escape: it equals the last
   * string the detectors' features pass read and found so (then a serializer quotes it as it is).
   */
  plainJson(text: string): boolean {
    return text === this.plain
  }

  /** Members that describe a secret container (`type`, `status`) are read as themselves. */
  readonly describesSecret = describesSecret

  /** A container under a member named like a secret is secret whole (tokens pass where issued). */
  secretMember(key: string): boolean {
    return this.redactor.keyNameMask !== null && this.redactor.secretName(key) && !this.nameIsSecret(key)
  }

  /** The hook the projection walk calls for every primitive it keeps. */
  value(value: string | number | boolean | null, key: string | null, at: PathRef): unknown {
    const redactor = this.redactor
    if (key !== null && (typeof value === 'string' || typeof value === 'number') && value !== '') {
      if (
        redactor.keyNameMask !== null &&
        redactor.keyNameMatcher(key) &&
        !(redactor.passesIssuedTokens && isTokenKey(key)) &&
        !this.nameIsSecret(key)
      ) {
        const text = String(value)
        this.record(at, 'key-name', 0, text.length, text)
        return redactor.keyNameMask(text, { detector: 'key-name', key }) ?? REMOVE
      }
      if (typeof value === 'string' && this.isSessionName(key)) return this.session(value, key, at)
      for (const rule of redactor.rules.keys) {
        if (!rule.last.some((last) => last === null || last.test(key))) continue
        const path = at.keys()
        if (rule.globs.some((glob) => globMatches(glob, path))) {
          const text = String(value)
          this.record(at, rule.id, 0, text.length, text)
          return rule.mask(text, { detector: rule.id, key }) ?? REMOVE
        }
      }
    }
    if (typeof value === 'string') {
      if (key === null && value !== '') {
        const holder = at.lastKey()
        if (holder !== null) {
          // An element of an array of sessions (`sessions: ["s%3A...", ...]`), at any depth of arrays.
          if (this.isSessionName(holder)) return this.session(value, holder, at)
          // Digits only in an array (`orderIds: ["4492933723160"]`, `gtins: [...]`): read under
          // the array's name, as a number there is, so an id or a code is not taken for a card.
          // A phone number in a list of them (`phones: ["07700900123", "tel:+44..."]`) is read
          // under its name too.
          if (holder !== this.listHolder) {
            this.listHolder = holder
            this.listHolderPhone = namesPhone(holder)
          }
          if (this.listHolderPhone || (value.charCodeAt(0) <= 57 && isDigitsOnly(value)))
            return this.string(value, holder, at)
        }
      }
      return this.string(value, key, at)
    }
    // A phone number stored as a number under a phone's name (`tel: 4155552671`): read as its
    // digits (see memberFacts); masked, it becomes a string.
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1e7) {
      const holder = key ?? at.lastKey()
      if (namesPhoneNumber(holder, key === null)) {
        const digits = String(value)
        const out = this.string(digits, holder, at)
        return out === digits ? value : out
      }
    }
    // A card number stored as a number: read as its digits; masked, it becomes a string.
    // (An element of an array is named by the member holding the array: `userIds: [...]`.)
    if (typeof value === 'number' && isLongInteger(value)) {
      const digits = String(value)
      if (namesIdOrCode(key ?? at.lastKey(), digits)) return value
      const out = this.string(digits, key, at)
      return out === digits ? value : out
    }
    return value
  }

  /** The name of the list whose elements {@link value} read last, and whether it names phones. */
  private listHolder: string | null = null
  private listHolderPhone = false

  /** The name {@link isSessionName} read last, and what it said: array elements come in runs. */
  private sessionNameRead: string | null = null
  private sessionNameWas = false

  /**
   * Whether values under the member `key` are sessions (see `compileSessionNameMatcher`), with the
   * member-name rule on and no token issued by the route.
   */
  private isSessionName(key: string): boolean {
    if (key === this.sessionNameRead) return this.sessionNameWas
    const redactor = this.redactor
    const session =
      redactor.keyNameMask !== null &&
      !redactor.passesIssuedTokens &&
      redactor.sessionName?.(key) === true &&
      !this.nameIsSecret(key)
    this.sessionNameRead = key
    this.sessionNameWas = session
    return session
  }

  /**
   * A session written as a string: its token (a route that issues tokens hands it over). Objects
   * under the name are read member by member. A detector that finds the whole value names it (a
   * JWT: `jwt`, which the issued-token hint reads); anything else goes whole, by name, never in part.
   */
  private session(value: string, key: string, at: PathRef): string | typeof REMOVE {
    const spans = this.spans(value, key, at)
    if (spans.length === 1 && spans[0]!.start === 0 && spans[0]!.end === value.length)
      return this.masked(this.scanned, spans, key, at)
    this.record(at, 'key-name', 0, value.length, value)
    return this.redactor.keyNameMask!(value, { detector: 'key-name', key }) ?? REMOVE
  }

  /**
   * Whether a member name is itself a secret (an email, a token used as a key): member-name rules
   * read descriptive names, not secrets, whose random characters can spell "pin" or "key".
   */
  private nameIsSecret(key: string): boolean {
    if (key.length < 6 || this.redactor.cleanKeys.has(key)) return false
    return this.spans(key, null, null).length > 0
  }

  /** Whether a name an object carries as a value (`{"name": "DB_PASSWORD", ...}`) says its value is secret. */
  sensitiveName(name: string): boolean {
    const redactor = this.redactor
    return redactor.keyNameMask !== null && redactor.keyNameMatcher(name) && !this.nameIsSecret(name)
  }

  /** The hook for member names: a name that is itself a secret (an email used as a key) is masked. */
  key(key: string, at: PathRef): string {
    if (key.length < 6) return key
    // A store of sessions keyed by their ids (`{"sessions": {"q1Xz...": {...}}}`, an
    // express-session MemoryStore dumped whole, or a Redis store's `sess:q1Xz...` keys): each
    // name is a session's token. Where the name sits decides, so this comes before the names
    // remembered clean (see memberFacts).
    if (looksLikeSessionId(key) && this.sessionStoreKey(key, at)) {
      this.record(at, 'key-name', 0, key.length, key)
      return this.redactor.keyNameMask!(key, { detector: 'key-name', key }) ?? '[REDACTED]'
    }
    const clean = this.redactor.cleanKeys
    if (clean.has(key)) return key
    const before = this.total
    const out = this.string(key, null, at)
    // Member names repeat on every row: remember the clean ones (bounded), never the secrets. A
    // function rule may decide by path (`match(text, { path })`): a name clean at one path is then
    // read again at the next.
    if (this.total === before && clean.size < 4096 && this.redactor.rules.functions.length === 0)
      clean.add(key)
    return out === REMOVE ? '[REDACTED]' : (out as string)
  }

  /**
   * Whether `key`, shaped like an id, names a session or a token in a store: it carries a session
   * store's `sess:` prefix, or a member above it (up to {@link STORE_DEPTH} names up, array levels
   * left out) is named for sessions or for a secret (`tokens: { "<token>": {...} }`), with the
   * member-name rule on.
   */
  private sessionStoreKey(key: string, at: PathRef): boolean {
    const redactor = this.redactor
    if (redactor.keyNameMask === null) return false
    if (STORE_KEY.test(key)) return redactor.sessionName !== null && this.isSessionName('session')
    // The member being named is the last; the ones above it hold its object.
    for (let above = 1; above <= STORE_DEPTH; above++) {
      const holder = at.lastKey(above)
      if (holder === null) return false
      const kind = this.holderKind(holder)
      if (kind === HOLDS_SESSIONS) return true
      // Under a secret's name, a UUID is more often the record's id (`apiKeys: { <uuid>: {...} }`),
      // but under tokens' it is a token (`resetTokens: { <uuid>: {...} }`).
      if (kind === HOLDS_SECRETS) return !UUID.test(key) || isTokenKey(holder)
    }
    return false
  }

  /** What each holder name said (see {@link holderKind}): a map's members share their holders. */
  private holderKinds: Map<string, number> | undefined

  /** Whether a member named `holder` holds sessions, secrets, or neither (0), remembered per response. */
  private holderKind(holder: string): number {
    // The holders of the last members read (up to four levels up): past 256 holders, the members
    // of one are still read against it once, not each (a long name costs its length each time).
    for (let i = 0; i < RECENT_HOLDERS; i++) if (this.recentHolders[i] === holder) return this.recentKinds[i]!
    this.holderKinds ??= new Map()
    let kind = this.holderKinds.get(holder)
    if (kind === undefined) {
      const redactor = this.redactor
      kind =
        redactor.sessionName !== null && this.isSessionName(withoutStoreWord(holder))
          ? HOLDS_SESSIONS
          : redactor.keyNameMatcher(holder) && !this.nameIsSecret(holder)
            ? HOLDS_SECRETS
            : 0
      if (this.holderKinds.size < 256) this.holderKinds.set(holder, kind)
    }
    this.recentHolders[this.nextHolder] = holder
    this.recentKinds[this.nextHolder] = kind
    this.nextHolder = (this.nextHolder + 1) % RECENT_HOLDERS
    return kind
  }

  private readonly recentHolders: (string | null)[] = [null, null, null, null, null, null, null, null]
  private readonly recentKinds: number[] = [0, 0, 0, 0, 0, 0, 0, 0]
  private nextHolder = 0

  /** Redacts one string; `REMOVE` when a `remove` mask covers all of it. */
  string(text: string, key: string | null, at: PathRef | null): string | typeof REMOVE {
    // Small enough to be inlined where it is called: short strings go straight to read().
    return text.length < REREAD_FROM ? this.read(text, key, at) : this.reread(text, key, at)
  }

  /** {@link read} of a long string, which a list may repeat (see {@link cleanReads}). */
  private reread(text: string, key: string | null, at: PathRef | null): string | typeof REMOVE {
    // Inside JSON in a string or an issued token's claims, a string is read anew: how deep it sits
    // decides too (a chain too deep is degraded, a token nested too deep refused).
    if (
      text.length > REREAD_UPTO ||
      this.redactor.rules.functions.length > 0 ||
      this.nestedDepth > 0 ||
      this.tokenDepth > 0
    )
      return this.read(text, key, at)
    const reads = this.cleanReads
    if (reads !== undefined) {
      const known = reads.get(text)
      if (known !== undefined && known.key === key) {
        this.rereads++
        this.scanned = text
        this.plain = known.plain ? text : null
        return text
      }
      // Strings that never repeat (descriptions, URLs): past a number of them, no more lookups.
      if (this.rereads === 0 && reads.size >= MAX_UNREPEATED) return this.read(text, key, at)
    }
    const total = this.total
    const degraded = this.degradedTotal
    const out = this.read(text, key, at)
    if (out === text && this.total === total && this.degradedTotal === degraded) {
      this.cleanReads ??= new Map()
      if (this.cleanReads.size < MAX_CLEAN_READS)
        this.cleanReads.set(text, { key, plain: this.plain === text })
    }
    return out
  }

  /**
   * Long strings this session read and left as they were, with the member name they were read
   * under (detectors may read it) and whether they need no escaping: a list repeats them row after
   * row (a status message, a product's description), and each is read once per response. Kept for
   * the response only. Off with function rules, which may decide by path.
   */
  private cleanReads: Map<string, { readonly key: string | null; readonly plain: boolean }> | undefined
  /** How many strings {@link cleanReads} answered. */
  private rereads = 0

  private read(text: string, key: string | null, at: PathRef | null): string | typeof REMOVE {
    const redactor = this.redactor
    if (this.hygiene && text.length > 8) {
      const kind = internalDetail(text)
      if (kind !== null) {
        this.record(at, `error-hygiene:${kind}`, 0, text.length, text)
        return genericErrorMessage(this.requestId)
      }
    }
    const first = text.charCodeAt(0)
    if (
      redactor.nestedJson &&
      (first === 123 || first === 91 || ((first <= 32 || first === 0xfeff) && startsJson(text)))
    ) {
      const nested = this.nestedJson(text, key, at)
      if (nested !== undefined) return nested
    }
    let spans = this.spans(text, key, at)
    // A whole value led by a scheme's first letter, or a scheme word inside text (checked there).
    if (text.length >= 20 && (schemeLed(text) || !this.noSchemeCredential))
      spans = this.schemeCredentials(text, key, spans)
    // JSON members written inside other text (a log line quoting a body): member-name rules apply.
    // (The features pass counted quotes, fullwidth ones folded, when it ran: none, no members.)
    if (
      redactor.keyNameMask !== null &&
      text.length >= 8 &&
      this.quotes !== 0 &&
      (text.includes('":') || QUOTED_NAME_BLANK_COLON.test(text))
    ) {
      const members = flaggedMemberValues(text, this.redactor.textName, 'key-name', memberBudget(text.length))
      if (members.exhausted === true) this.degrade(at, 'text-too-dense')
      const flagged: (Span | MemberValueSpan)[] = members
      if (flagged.length > 0) {
        // With the detectors' spans, and on to the base64 runs below (a blob in the same text).
        for (const span of spans) flagged.push(span)
        spans = resolveOverlaps(flagged)
      }
    }
    if (this.encodedIn !== null && this.encodedDepth < MAX_ENCODED_DEPTH) {
      const withRuns = this.encodedRuns(this.encodedIn, spans, key, at)
      if (withRuns !== undefined) return this.masked(this.scanned, withRuns, key, at)
    }
    return this.masked(spans.length === 0 ? text : this.scanned, spans, key, at)
  }

  /**
   * The spans of `text` (the string read, as {@link spans} read it) with its base64 runs that
   * decode to text and read otherwise decoded: each run a span written as its decoded text
   * redacted, then encoded again as it was written (see base64-text.ts), so that a client still
   * decodes it. Spans inside such a run read its encoding, not its text, and give way to it; a run
   * a span crosses is left. `undefined` when no run changed.
   */
  private encodedRuns(
    text: string,
    spans: readonly Span[],
    key: string | null,
    at: PathRef | null,
  ): Span[] | undefined {
    const redactor = this.redactor
    // A token the route issues is the issued-token rules' (a JWT's claims), sent as it is.
    if (redactor.passesIssuedTokens && key !== null && isTokenKey(key)) return undefined
    this.base64Options ??= {
      secretName: (name) => redactor.keyNameMask !== null && redactor.keyNameMatcher(name),
    }
    const runs = placedBase64Runs(text, this.scanned, spans, this.base64Options)
    if (runs.length === 0) return undefined
    // What masked() reads of the string read, which reading the runs' texts replaces.
    const scanned = this.scanned
    const written = this.written
    const plain = this.plain
    const quotes = this.quotes
    const outer = this.encodedOuter
    let changed: Span[] | undefined
    try {
      this.encodedDepth++
      for (const { run, start, end, source, escapes } of runs) {
        if (outer === null) this.encodedOuter = { start, end }
        let texts: string[] | undefined = this.basicCredentials(source, run, key, at)
        for (let t = 0; texts === undefined && t < run.texts.length; t++) {
          const part = run.texts[t]!.text
          const redacted = this.read(part, key, at)
          if (redacted === part) continue
          texts ??= run.texts.map((stretch) => stretch.text)
          texts[t] = redacted === REMOVE ? '' : redacted
        }
        if (texts === undefined) continue
        const span: Span = { start, end, detector: BASE64_TEXT_ID, verified: false }
        const encoded = encodeLike(run, texts)
        // Escaped as it was when it was written with escapes, in the case it used.
        ENCODED.set(span, escapes === undefined ? encoded : escapeBase64(encoded, escapes === 'upper'))
        changed ??= []
        changed.push(span)
      }
    } finally {
      this.encodedDepth--
      this.encodedOuter = outer
      this.scanned = scanned
      this.written = written
      this.plain = plain
      this.quotes = quotes
    }
    if (changed === undefined) return undefined
    // Both lists are in order and do not overlap: the spans inside a run that changed give way to it.
    const out: Span[] = []
    let r = 0
    for (const span of spans) {
      while (r < changed.length && changed[r]!.end <= span.start) out.push(changed[r++]!)
      const run = changed[r]
      if (run !== undefined && span.start >= run.start && span.end <= run.end) {
        // A finding in the run's written characters (a token glued to the blob between its texts,
        // or read as part of one): encoded again, its characters would go out as they were, and
        // masked, the blob would no longer decode. The run is masked whole, under its name.
        // (A run written again starts with a base64 character, never `[`: the first finding names it.)
        if (!ENCODED.get(run)!.startsWith('[')) ENCODED.set(run, `[REDACTED:${span.detector}]`)
        this.record(at, span.detector, span.start, span.end, text.slice(span.start, span.end), span.verified)
        continue
      }
      out.push(span)
    }
    while (r < changed.length) out.push(changed[r++]!)
    return out
  }

  /**
   * The credentials a string carries after an HTTP authentication scheme: the whole string as a
   * scheme and one credential (`Bearer q8Zr...`, `Token ...`, `SSWS ...`), or, inside longer text
   * (a log line, an error message quoting a request), a credential after `Bearer`, `DPoP` or
   * `SSWS` (the schemes no prose uses as a word). Each is masked as a value assigned to
   * `Authorization` is, unless a detector already covers it.
   */
  private schemeCredentials(text: string, key: string | null, spans: readonly Span[]): readonly Span[] {
    const redactor = this.redactor
    if (redactor.literals?.masks.has(ASSIGNMENT_ID) !== true) return spans
    // A token the route issues, as it hands it over (`"token": "Bearer eyJ..."`): its rules read it.
    if (redactor.passesIssuedTokens && key !== null && isTokenKey(key)) return spans
    let found: Span[] | undefined
    const add = (start: number, credential: string): void => {
      const end = start + credential.length
      if (spans.some((span) => span.start <= start && span.end >= end)) return
      found ??= [...spans]
      found.push({ start, end, detector: ASSIGNMENT_ID, verified: false })
    }
    const whole = wholeSchemeCredential(text)
    if (whole !== undefined) add(whole.start, whole.credential)
    else if (text.length >= 23 && !this.noSchemeCredential && this.schemeWord)
      for (const found of schemeCredentialsInText(text)) add(found.start, found.credential)
    return found === undefined ? spans : resolveOverlaps(found)
  }

  /**
   * The text of a run written after `Basic ` (echoed credentials, `user:password`) with its
   * password masked by the member-name rule's mask whatever it looks like, and its user read as
   * any text; `undefined` for any other run (read as text), or with the member-name rule off.
   */
  private basicCredentials(
    text: string,
    run: Base64Text,
    key: string | null,
    at: PathRef | null,
  ): string[] | undefined {
    const mask = this.redactor.keyNameMask
    if (
      mask === null ||
      run.texts.length !== 1 ||
      !BASIC_BEFORE.test(text.slice(Math.max(0, run.start - 16), run.start))
    )
      return undefined
    const decoded = run.texts[0]!.text
    const colon = decoded.indexOf(':')
    if (colon < 0 || colon === decoded.length - 1) return undefined
    const password = decoded.slice(colon + 1)
    this.record(at, 'key-name', colon + 1, decoded.length, password)
    const user = this.read(decoded.slice(0, colon), key, at)
    return [
      `${user === REMOVE ? '' : user}:${mask(password, { detector: 'key-name', key: 'password' }) ?? ''}`,
    ]
  }

  /** What base64Texts asks of this session's redactor, made on the first string that needs it. */
  private base64Options: Base64Options | undefined
  /** How many base64 runs deep the string being read is (see {@link encodedRuns}). */
  private encodedDepth = 0
  /**
   * The string {@link spans} last read, as it read it, when it may hold base64 text to read
   * decoded (see base64-text.ts); `null` otherwise.
   */
  private encodedIn: string | null = null
  /**
   * Whether the string {@link spans} last read cannot hold a credential after a scheme word in
   * text: words or a timestamp, a whole email, phone, card or id, or nothing that separates a
   * scheme from a credential (no space, line break, `:`, `+`, `%` or no-break space).
   */
  private noSchemeCredential = false
  /** Whether the string read may hold a scheme's word inside text (see LiteralScan.mayHoldScheme). */
  private schemeWord = true
  /** The outermost base64 run being read decoded, if any (see {@link listFinding}). */
  private encodedOuter: { readonly start: number; readonly end: number } | null = null

  /** `text` with each span masked (spans sorted, not overlapping); `REMOVE` when all of it goes. */
  private masked(
    text: string,
    spans: readonly (Span | MemberValueSpan)[],
    key: string | null,
    at: PathRef | null,
  ): string | typeof REMOVE {
    if (spans.length === 0) return text
    // Plain text stays plain where every replacement is: the serializer then quotes the result as
    // it is (see plainJson), instead of comparing it with the text read, character by character.
    let plain = this.plain !== null
    const only = spans.length === 1 ? spans[0]! : undefined
    if (
      only !== undefined &&
      !('value' in only) &&
      only.start === 0 &&
      only.end === text.length &&
      only.detector !== BASE64_TEXT_ID
    ) {
      // The whole string (a card, an email alone in its member): no text around the mask.
      const masked = this.maskSpan(text, only, key, at)
      if (masked === null) return REMOVE
      this.plain = plain && (this.maskKeptPlain || isPlainJsonText(masked)) ? masked : null
      return masked
    }
    // Between the masks, the text as written: folding (fullwidth forms, other scripts' digits) is
    // how the detectors read it, not what the caller sent (`ＡＢＣ株式会社 [REDACTED:email]`).
    const written = text === this.scanned && this.written.length === text.length ? this.written : text
    let out = ''
    let cursor = 0
    for (const span of spans) {
      let replacement: string
      if (span.detector === BASE64_TEXT_ID) {
        // A base64 run whose text was redacted (its findings recorded as they were read), encoded again.
        replacement = ENCODED.get(span)!
        if (plain) plain = isPlainJsonText(replacement)
      } else if ('value' in span) {
        // A member value inside JSON text: the replacement stays a JSON literal.
        const masked = this.redactor.keyNameMask!(span.value, { detector: span.detector, key: span.name })
        this.record(at, span.detector, span.start, span.end, span.value)
        replacement = masked === null ? 'null' : JSON.stringify(masked)
        plain = false
      } else {
        const masked = this.maskSpan(text, span, key, at)
        if (masked === null && span.start === 0 && span.end === text.length) return REMOVE
        replacement = masked ?? ''
        if (plain && !this.maskKeptPlain) plain = isPlainJsonText(replacement)
      }
      out += written.slice(cursor, span.start) + replacement
      cursor = span.end
    }
    out += written.slice(cursor)
    this.plain = plain ? out : null
    return out
  }

  /**
   * What the mask of a detector's or rule's span writes (`null`: remove), the finding recorded;
   * {@link maskKeptPlain} says whether the mask is known to write nothing JSON escapes.
   */
  private maskSpan(text: string, span: Span, key: string | null, at: PathRef | null): string | null {
    const slot = this.slotFor(span.detector)
    // A fixed mask (the default label) needs neither the match nor a call.
    const fixed = slot.fixed
    const whole = span.start === 0 && span.end === text.length
    const found =
      fixed === undefined || this.fingerprint !== undefined
        ? whole
          ? text
          : text.slice(span.start, span.end)
        : ''
    const others = spansMerged ? MERGED.get(span) : undefined
    const masked =
      fixed !== undefined
        ? fixed
        : others !== undefined
          ? `[REDACTED:${span.detector}]`
          : slot.mask(found, { detector: span.detector, key })
    this.record(at, span.detector, span.start, span.end, found, span.verified)
    if (others !== undefined) for (const other of others) this.record(at, other, span.start, span.end, found)
    this.maskKeptPlain = slot.mask.keepsPlain === true
    return masked
  }

  /** Whether the mask {@link maskSpan} last applied writes nothing JSON escapes. */
  private maskKeptPlain = false

  /**
   * JSON text redacted as text, when parsing and walking it is not safe or not faithful: the
   * detectors and pattern rules over its characters, plus the member-name rule over the members it
   * spells out. Reported as degraded: it never fails the response a client's text sits in.
   */
  private jsonAsText(
    text: string,
    key: string | null,
    at: PathRef | null,
    reason: DegradeReason,
  ): string | typeof REMOVE {
    this.degrade(at, reason)
    // Member values flagged by name first: where a detector's span starts at the same place, the
    // flagged one, replaced by a JSON literal, wins.
    const spans: (Span | MemberValueSpan)[] =
      this.redactor.keyNameMask === null
        ? []
        : flaggedMemberValues(text, this.redactor.textName, 'key-name', memberBudget(text.length))
    if ((spans as { exhausted?: boolean }).exhausted === true) this.degrade(at, 'text-too-dense')
    for (const span of this.spans(text, key, at)) spans.push(span)
    return this.masked(this.scanned, resolveOverlaps(spans), key, at)
  }

  /** The mask of a detector or rule id, found once per redactor. */
  private slotFor(id: string): MaskSlot {
    const redactor = this.redactor
    let slot = redactor.masks.get(id)
    if (slot === undefined) {
      const mask =
        redactor.detectors.find((d) => d.detector.id === id)?.mask ??
        redactor.literals?.masks.get(id) ??
        (id === KNOWN_SECRET_ID || id === CANARY_ID ? KNOWN_SECRET_MASK : undefined) ??
        redactor.rules.patterns.find((r) => r.id === id)?.mask ??
        redactor.rules.functions.find((r) => r.id === id)!.mask
      slot = { mask, fixed: mask.fixed?.(id) }
      redactor.masks.set(id, slot)
    }
    return slot
  }

  /**
   * JSON inside a string: parsed, redacted with this session, reserialized when it changed; past
   * the limits, redacted as text. `undefined` when the string is not JSON.
   */
  private nestedJson(
    text: string,
    key: string | null,
    at: PathRef | null,
  ): string | typeof REMOVE | undefined {
    const last = lastNonSpace(text)
    if (last !== 125 && last !== 93) return undefined // } or ]
    // JSON.parse reads surrounding whitespace but not a byte order mark.
    const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
    if (this.nestedDepth >= MAX_NESTED_JSON_DEPTH) return this.jsonAsText(text, key, at, 'nested-json-chain')
    // Checked on the text first: client-written nesting must never fail the response it sits in.
    const shape = inspectJsonText(json, MAX_NESTED_JSON_NESTING)
    if (shape.tooDeep) return this.jsonAsText(text, key, at, 'nested-json-too-deep')
    // Text that only looks like JSON (`Hello {name}`) is told apart before JSON.parse, whose
    // exception costs microseconds a string; the catch below stays for what the check may miss.
    // Read loosely, it is still read as JSON text where it nests too deep or holds numbers that
    // cannot be shielded, as JSON would be (member-name rules apply: `{"token" :"..."}`).
    const loose = shape.valid ? shape : looseJsonShape(json, MAX_NESTED_JSON_NESTING)
    if (loose.tooDeep) return this.jsonAsText(text, key, at, 'nested-json-too-deep')
    // Numbers a round trip would change are read as marked strings and written back as they were.
    const shielded = loose.lossyNumbers ? shieldLossyNumbers(json) : undefined
    if (loose.lossyNumbers && shielded === undefined)
      return this.jsonAsText(text, key, at, 'nested-json-lossy-numbers')
    // What is parsed: the text, or the text with such numbers written as strings, where that is
    // JSON (numbers JSON would refuse, `2024-01-02` or `-`, are shielded as they stand too).
    const parsable = shielded?.text ?? json
    if (!shape.valid && (shielded === undefined || !isJsonText(parsable))) return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(parsable)
    } catch {
      return undefined
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const before = this.total
    const prefix = this.prefix
    this.prefix = `${prefix}${at === null ? '$' : at.template()}#`
    this.nestedDepth++
    let result: ReturnType<typeof project>
    try {
      result = project(parsed, KEEP, { maxDepth: MAX_NESTED_JSON_NESTING, maxPaths: 0, hooks: this })
    } finally {
      this.nestedDepth--
      this.prefix = prefix
    }
    // Unchanged, the text goes out as it was, unless a name repeats in an object: what goes out is
    // what was read (a client that keeps the first value would read another).
    if (this.total === before && !hasDuplicateMembers(json)) return text
    const written = JSON.stringify(result.value)
    return shielded === undefined ? written : unshieldNumbers(written, shielded.mark)
  }

  /** The text the last {@link spans} call read: the string itself, or its fullwidth forms folded. */
  private scanned = ''
  /** The string the last {@link spans} call was given, as written: masks write over it. */
  private written = ''
  /** Quotes the last {@link spans} call counted in its features pass; -1 when it made none. */
  private quotes = -1
  /** The last string {@link spans} read that holds nothing JSON escapes (see {@link plainJson}). */
  private plain: string | null = null
  /** The redactor's detectors by the gate bits of a string (see {@link candidateTable}). */
  private candidates: (readonly ActiveDetector[] | undefined)[] | undefined
  /** The whole-value shapes the redactor's detectors answer for (see {@link exactShapesOf}). */
  private shapes: ExactShapes | null | undefined

  private spans(original: string, key: string | null, at: PathRef | null): readonly Span[] {
    const redactor = this.redactor
    if (redactor.passesIssuedTokens && key !== null && original.length >= 30 && isTokenKey(key))
      this.checkIssuedTokens(original)
    let found: Span[] | undefined
    let text = original
    this.scanned = original
    this.written = original
    this.quotes = -1
    this.plain = null
    this.encodedIn = null
    this.noSchemeCredential = false
    this.schemeWord = true
    // The application's own secrets: in any string long enough, whatever its shape.
    if (redactor.knownSecrets !== null && original.length >= redactor.knownSecrets.minLength) {
      emptyArray(KNOWN_SPANS)
      redactor.knownSecrets.collect(original, KNOWN_SPANS, this)
      if (KNOWN_SPANS.length > 0) found = [...KNOWN_SPANS]
    }
    // The shortest thing any detector finds is an email such as a@b.io.
    let detect =
      (redactor.detectors.length > 0 || redactor.literals !== null) &&
      (text.length >= 8 || (text.length >= 6 && (text.includes('@') || text.includes('\uff20'))))
    // A card number, a phone number or a bcrypt hash alone in its member (`+`, `$`, or a digit
    // and at most 19 characters: not a timestamp): its shape is read before the cheap pass
    // below, which it would pass (eight digits and more, or a `$`; see exact-shapes.ts).
    let shapesRead = false
    if (detect) {
      const lead = text.charCodeAt(0)
      if ((lead >= 48 && lead <= 57) || lead === 43 || lead === 40) {
        const phone = this.phoneByName(text, key, at, found)
        if (phone !== undefined) return phone
      }
      if (lead === 43 || lead === 36 || (lead >= 48 && lead <= 57 && text.length <= 19)) {
        shapesRead = true
        const exact = this.exactShape(original, key, at, found)
        if (exact !== undefined) return exact
      }
    }
    // Words and names hold no secret; when nothing in them needs escaping, they are written as they are.
    if (detect && !mayHoldSecretText(text)) {
      // Plain text has no quote: no JSON members written inside it (read by string()).
      if (lastTextPlain()) {
        this.plain = original
        this.quotes = 0
      }
      detect = false
      this.noSchemeCredential = true
    }
    // A timestamp holds no secret, and nothing JSON escapes.
    if (detect && isTimestamp(text, text.length)) {
      this.plain = original
      this.quotes = 0
      detect = false
      this.noSchemeCredential = true
    }
    if (detect) {
      // A card number, a phone number or an email alone in its member: one hand-written pass
      // answers as the detectors would (see exact-shapes.ts), or leaves the string to them.
      if (!shapesRead) {
        const exact = this.exactShape(original, key, at, found)
        if (exact !== undefined) return exact
      }
      const shapes = this.shapes
      if (shapes !== null && shapes !== undefined) {
        const rules = redactor.rules.patterns.length > 0 || redactor.rules.functions.length > 0
        // An id (a UUID in one case) holds nothing a detector finds, unless a provider format
        // reads it by its member's name (`heroku_api_key`); rules and known secrets still apply.
        if (
          shapes.isCleanId(text) &&
          (redactor.literals === null || !redactor.literals.scan.readsMember(key))
        ) {
          this.plain = original
          this.quotes = 0
          this.noSchemeCredential = true
          if (rules) return this.spansOfRules(original, key, at, found ?? [])
          return found === undefined ? NO_SPANS : resolveOverlaps(found)
        }
      }
      // One pass reads the string's features and steps the literal automaton (FUSED_HITS).
      const automaton = redactor.literals?.scan.automaton
      emptyArray(FUSED_HITS)
      let features = stringFeatures(text, automaton, FUSED_HITS, MAX_HITS)
      // What the assignment reader reads: spaces that do not break stay in a value
      // (`password: correct\u00a0horse`), where detectors read them as spaces (grouped numbers).
      let literalText = text
      if (features.fullwidth) {
        // Detectors read fullwidth forms as the ASCII they stand for (NFKC); spans are the same.
        const written = text
        text = foldFullwidth(written)
        // The same text, unless spaces that do not break were folded there.
        literalText = foldedSpaces ? foldFullwidth(written, false) : text
        this.scanned = text
        emptyArray(FUSED_HITS)
        features = stringFeatures(text, automaton, FUSED_HITS, MAX_HITS)
      }
      // Escapes read as the separators they are (`%3Dghp_...`, `\\n` before a token, JSON-escaped
      // quotes around a password): detection reads a view with each escape blanked, the same length.
      const unescaped = text
      if (features.escapes > 0) text = blankEscapes(text)
      // Read again decoded below: escapes (`%`, `&`, `\`), a form-encoded number (`4111+1111+...`),
      // or characters a reader reads otherwise (`4111\u200b1111...`, `④①①①...`: unicode-forms.ts).
      // (Only where such a character stands inside what may be a value: emoji and prose marks are not read twice.)
      const recast = features.recast
      const decode = features.escapes > 0 || (features.plus && features.digits >= 8) || recast
      // Whether the literal scan stopped at its budget (reported once per string).
      let dense = false
      // Read by string(): without a quote, no JSON members are written inside this text.
      this.quotes = features.quotes
      this.noSchemeCredential =
        features.spaces === 0 &&
        features.controls === 0 &&
        features.colons === 0 &&
        !features.plus &&
        features.escapes === 0 &&
        !features.fullwidth
      // The automaton found every scheme word a credential in text follows (or none at all).
      if (automaton !== undefined)
        this.schemeWord = redactor.literals!.scan.mayHoldScheme(FUSED_HITS, text.length)
      // Folding only turns fullwidth forms into ASCII: plain folded text was plain as written.
      if (features.plainJson) this.plain = original
      // Context detectors (AWS secret keys, hex hashes) need a length of 32+, which the gate lets through.
      // A directory's password value alone in its member (`{PLAIN}...`, `{CRYPT}` and a DES hash)
      // is short and holds none of the characters the cheap test looks for; nor does a command
      // line's option (`--pin 4471`).
      if (
        mayHoldSecret(features) ||
        (text.charCodeAt(0) === 123 && text.length >= 14) ||
        (features.dashes >= 2 && text.includes('--')) ||
        (features.dashes > 0 && hasOption(text))
      ) {
        const context: DetectionContext = { key }
        const issuedToken = redactor.passesIssuedTokens && key !== null && isTokenKey(key)
        // Only the detectors this string's coarse facts could interest, in their order.
        const gates = features.gates
        this.candidates ??= candidateTable(redactor.detectors)
        const table = this.candidates
        let candidates = table[gates]
        if (candidates === undefined) {
          candidates = redactor.detectors.filter(({ detector }) => (detector.requires & gates) !== 0)
          table[gates] = candidates
        }
        // A span of the whole string, once found, is what the overlaps keep: it starts first and
        // is the longest, and any later span of the same length loses the tie. The detectors
        // after it, and the literal scan when the pass found no literal (so it cannot report a
        // text too dense either), would only add spans that lose.
        let whole = false
        for (const { detector } of candidates) {
          if (issuedToken && detector.id === 'jwt') continue
          if (!detector.prefilter(text, features, context)) continue
          found ??= []
          const before = found.length
          collectDetector(detector, text, features, found, context)
          if (found.length > before && coversAll(found, before, text.length)) {
            whole = true
            break
          }
        }
        if (whole && FUSED_HITS.length === 0 && features.escapes === 0 && !features.fullwidth) {
          // Nothing decoded can start before or end after the whole string either.
          return redactor.rules.patterns.length > 0 || redactor.rules.functions.length > 0
            ? this.spansOfRules(original, key, at, found!)
            : resolveOverlaps(found!)
        }
        if (redactor.literals !== null) {
          emptyArray(LITERAL_SPANS)
          const scan = redactor.literals.scan
          // The text as written, from the hits the features pass collected...
          const taken = found ?? NO_SPANS
          scan.collect(
            literalText,
            key,
            LITERAL_SPANS,
            this.redactor.textName,
            judgementBudget(literalText.length),
            taken,
            FUSED_HITS,
          )
          let exhausted = scan.exhausted
          // ...and, when it has escapes, with them blanked (a token after %3D, escaped quotes).
          if (text !== unescaped) {
            const blanked = literalText === unescaped ? text : blankEscapes(literalText)
            scan.collect(
              blanked,
              key,
              LITERAL_SPANS,
              this.redactor.textName,
              judgementBudget(blanked.length),
              taken,
            )
            exhausted ||= scan.exhausted
          }
          if (exhausted) {
            this.degrade(at, 'text-too-dense')
            dense = true
          }
          if (LITERAL_SPANS.length > 0) {
            found ??= []
            for (const span of LITERAL_SPANS) found.push(span)
          }
        }
      }
      // Text written in base64 (a Kubernetes secret, a TLS key, an encoded config or cookie) is
      // read decoded by read(), which masks what it finds there (see encodedRuns). A URL's blob
      // is looked for as written, its percent escapes among its characters.
      if (redactor.base64Text && mayHoldBase64(features, unescaped)) this.encodedIn = text
      // Escapes inside a value (`ada%40example.com`, `4111%201111...`, `ada&#64;example.com`):
      // the detectors read the text decoded as well, where the view above blanked them.
      if (decode) {
        const view = decodedView(unescaped, recast)
        if (view !== undefined) found = this.decodedSpans(view.text, view.from, key, found, at, dense)
      }
    }
    const { rules } = redactor
    if (rules.patterns.length > 0 || rules.functions.length > 0)
      return this.spansOfRules(original, key, at, found ?? [])
    return found === undefined ? NO_SPANS : resolveOverlaps(found)
  }

  /**
   * What the detectors find in `text`, a decoded view of the string being read, as spans of that
   * string: `from` maps each unit of the view to its offset there.
   */
  private decodedSpans(
    text: string,
    from: ArrayLike<number>,
    key: string | null,
    found: Span[] | undefined,
    at: PathRef | null,
    /** The string as written was reported too dense already. */
    dense: boolean,
  ): Span[] | undefined {
    const local: Span[] = []
    // The application's own secrets, decoded (a base64 blob percent-encoded in a URL: `%2B`, `%2F`).
    const known = this.redactor.knownSecrets
    if (known !== null && text.length >= known.minLength) known.collect(text, local, this)
    const features = stringFeatures(text)
    if (mayHoldSecret(features)) this.detectDecoded(text, features, key, local, at, dense)
    if (local.length === 0) return found
    found ??= []
    for (const span of local) {
      // A span that ends inside what one character stands for (`⑩` is `10`) takes that character.
      let end = span.end
      while (end < text.length && end > 0 && from[end] === from[end - 1]) end++
      found.push({ ...span, start: from[span.start]!, end: from[end]! })
    }
    return found
  }

  /** {@link decodedSpans}' detectors and literal scan, appended to `local`. */
  private detectDecoded(
    text: string,
    features: StringFeatures,
    key: string | null,
    local: Span[],
    at: PathRef | null,
    dense: boolean,
  ): void {
    const context: DetectionContext = { key }
    const issuedToken = this.redactor.passesIssuedTokens && key !== null && isTokenKey(key)
    for (const { detector } of this.redactor.detectors) {
      if ((detector.requires & features.gates) === 0 || (issuedToken && detector.id === 'jwt')) continue
      if (!detector.prefilter(text, features, context)) continue
      collectDetector(detector, text, features, local, context)
    }
    // Provider formats and assignments too (`sk-ant-\u2060api03-...`, `%73k_live_...`).
    const literals = this.redactor.literals
    if (literals !== null) {
      literals.scan.collect(text, key, local, this.redactor.textName, judgementBudget(text.length), local)
      if (literals.scan.exhausted && !dense) this.degrade(at, 'text-too-dense')
    }
  }

  /**
   * The spans of `text` when it is one whole value of a shape exact-shapes.ts answers for (with
   * `found`, the known secrets read in it, and the rules), `undefined` when it is not.
   */
  private exactShape(
    text: string,
    key: string | null,
    at: PathRef | null,
    found: Span[] | undefined,
  ): readonly Span[] | undefined {
    if (this.shapes === undefined) this.shapes = exactShapesOf(this.redactor)
    const exact = this.shapes === null ? null : this.shapes.find(text, key)
    if (exact === null) return undefined
    return this.wholeFound(text, key, at, found, exact)
  }

  /** Whether this redactor runs the `phone` detector (read once per session). */
  private phones: boolean | undefined
  /** The member name {@link phoneByName} read last, and whether it names a phone (with the detector on). */
  private phoneKey: string | null = null
  private phoneKeyNamed = false
  /** The same for the name of the object around the member (see {@link phoneByName}). */
  private phoneParent: string | null = null
  private phoneParentNamed = false
  private readsPhones(): boolean {
    this.phones ??= this.redactor.detectors.some(({ detector }) => detector.id === 'phone')
    return this.phones
  }

  /**
   * A whole value under a phone's name, or in an object under one, written as a phone number
   * (`+91-9876543210`, `(415) 5552671`): the `phone` detector's, whole, where its pattern would
   * take only the last groups and leave a country or area code; read before a card's reading (a
   * phone number of 13 digits may pass a card's checks, whose mask keeps 10 of them).
   */
  private phoneByName(text: string, key: string | null, at: PathRef | null, found: Span[] | undefined) {
    // The shape first: it is read from the characters alone, and most strings fail it within a
    // few (timestamps, card numbers), where the names would be looked up for each.
    if (key === null || !isPhoneValue(text)) return undefined
    // Names repeat row after row: the last one's answer is kept.
    if (key !== this.phoneKey) {
      this.phoneKey = key
      this.phoneKeyNamed = namesPhone(key) && this.readsPhones()
    }
    if (!this.phoneKeyNamed) {
      if (at === null) return undefined
      // A member of an object under a phone's name (`phone: { number: "4155552671" }`, `phones:
      // [{ type: "home", value: "..." }]`): its value, written whole as a phone number, is one.
      const parent = at.lastKey(1)
      if (parent !== this.phoneParent) {
        this.phoneParent = parent
        this.phoneParentNamed = namesPhone(parent) && this.readsPhones()
      }
      if (!this.phoneParentNamed) return undefined
    }
    return this.wholeFound(text, key, at, found, {
      start: 0,
      end: text.length,
      detector: 'phone',
      verified: false,
    })
  }

  /** The answer for a string one span covers whole, read by its shape (no text around it to scan). */
  private wholeFound(
    text: string,
    key: string | null,
    at: PathRef | null,
    found: Span[] | undefined,
    exact: Span,
  ): readonly Span[] {
    this.plain = text
    this.quotes = 0
    this.noSchemeCredential = true
    const spans = found ?? []
    spans.push(exact)
    const rules = this.redactor.rules
    return rules.patterns.length > 0 || rules.functions.length > 0
      ? this.spansOfRules(text, key, at, spans)
      : resolveOverlaps(spans)
  }

  private spansOfRules(text: string, key: string | null, at: PathRef | null, found: Span[]): readonly Span[] {
    const redactor = this.redactor
    for (const rule of redactor.rules.patterns) collect(rule.pattern, text, rule.id, found)
    for (const rule of redactor.rules.functions) {
      let result: ReturnType<typeof rule.match>
      try {
        result = rule.match(text, { key, path: at === null ? '$' : at.concrete() })
      } catch (error) {
        throw ruleFailed(rule.id, error)
      }
      if (result === true) found.push({ start: 0, end: text.length, detector: rule.id, verified: false })
      else if (Array.isArray(result)) {
        for (const { start, end } of result) {
          if (
            Number.isInteger(start) &&
            Number.isInteger(end) &&
            start >= 0 &&
            end <= text.length &&
            start < end
          ) {
            found.push({ start, end, detector: rule.id, verified: false })
          }
        }
      }
    }
    return resolveOverlaps(found)
  }

  /**
   * The JWTs a route hands out pass unmasked, so what they carry is checked instead: each payload
   * is decoded (not verified) and every claim must be allowed (`issuedTokenClaims`) or, without
   * that list, hold nothing the detectors and member-name rules find.
   * @throws LeakguardResponseError `ERR_LG_RESPONSE_TOKEN_CLAIM`
   */
  private checkIssuedTokens(text: string): void {
    if (!text.includes('eyJ') && !HAS_JWT_START.test(text)) return
    // Tokens nest (an upstream access_token copied into a claim): past a few levels, refuse.
    if (this.tokenDepth >= 4) throw claimError('(nested tokens)')
    // A pattern of its own per call: a nested token's check must not move this loop's position.
    const pattern = new RegExp(JWT_SHAPE.source, 'g')
    this.tokenDepth++
    const scanned = this.scanned
    try {
      const tokens: string[] = []
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) tokens.push(match[0])
      // Tokens glued after other characters (`v1-eyJ...`), as the jwt detector finds them.
      const glued: Span[] = []
      collectGluedJwts(text, glued, true)
      for (const span of glued) tokens.push(text.slice(span.start, span.end))
      for (const token of tokens) {
        // A claim named twice: the parsed payload shows the last value, the token carries both.
        if (hasDuplicateMembers(jwtPayloadText(token))) throw claimError('(duplicate claims)')
        const payload = jwtPayload(token)
        if (typeof payload === 'string' || Array.isArray(payload)) {
          // Not a JSON object: with an allowlist of claims, nothing to apply it to; without, read
          // as text (JSON text included), and nothing may be found in it.
          if (this.redactor.issuedTokenClaims != null) throw claimError('(payload)')
          const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
          if (this.string(text, null, null) !== text) throw claimError('(payload)')
        } else this.checkClaims(payload, '', 0, false)
      }
    } finally {
      this.tokenDepth--
      this.scanned = scanned
    }
  }

  /** How many issued tokens are being checked inside one another. */
  private tokenDepth = 0

  /**
   * Every claim must be allowed; below a claim `issuedTokenClaims` lists (`namesOnly`), members
   * are still read by name: `user` may leave, `user.passwordHash` may not.
   */
  private checkClaims(
    claims: Record<string, unknown> | unknown[],
    path: string,
    depth: number,
    namesOnly: boolean,
  ): void {
    const allowed = this.redactor.issuedTokenClaims ?? null
    for (const [name, value] of Object.entries(claims)) {
      const claim = path === '' ? name : Array.isArray(claims) ? `${path}[${name}]` : `${path}.${name}`
      let listed = namesOnly
      if (path === '' && REGISTERED_CLAIMS.has(name)) {
        // Identifiers and times: no name rule applies, but what they hold is still read.
        if (typeof value === 'string' && this.spans(value, null, null).length > 0) throw claimError(claim)
        continue
      }
      if (path === '' && allowed !== null) {
        if (!allowed.has(name)) throw claimError(claim)
        listed = true
      }
      if (value === null || value === '' || typeof value === 'boolean') continue
      if (!Array.isArray(claims) && this.redactor.keyNameMatcher(name) && !isTokenKey(name))
        throw claimError(claim)
      if (typeof value === 'object') {
        if (depth >= 16) throw claimError(claim)
        this.checkClaims(value as Record<string, unknown>, claim, depth + 1, listed)
      } else if (!listed && typeof value === 'string') {
        // As a string of a response is read: JSON text in it and secret containers included.
        if (this.string(value, Array.isArray(claims) ? null : name, null) !== value) throw claimError(claim)
      }
    }
  }

  /** Degraded values for the event, at most `max` path/reason pairs. */
  degradedSummary(max: number): { values: DegradedSummary[]; truncated: boolean } {
    const values = [...this.degraded.values()].slice(0, max).map((entry) => ({ ...entry }))
    return { values, truncated: this.degraded.size > max }
  }

  /** Summaries for the event, at most `max`. */
  summary(max: number): { findings: FindingSummary[]; truncated: boolean } {
    const findings = [...this.summaries.values()]
      .slice(0, max)
      .map(({ fingerprints, ...finding }) =>
        fingerprints === undefined ? finding : { ...finding, fingerprints: [...fingerprints] },
      )
    return { findings, truncated: this.summaries.size > max || this.summariesCapped }
  }
}

const NO_SPANS: readonly Span[] = Object.freeze([])
/** What a session reports before it has recorded anything (never written to). */
const NO_ENTRIES: ReadonlyMap<string, never> = new Map<string, never>()
const NO_IDS: ReadonlySet<string> = new Set()

/** Confidence of each built-in detector id (rules and error hygiene have none). */
const CONFIDENCE: ReadonlyMap<string, Confidence> = new Map<string, Confidence>([
  ...DETECTORS.map((d): [string, Confidence] => [d.id, d.confidence ?? 'high']),
  ...TOKEN_FORMATS.map((f): [string, Confidence] => [f.id, f.confidence]),
  ...KEYED_FORMATS.map((f): [string, Confidence] => [f.id, f.confidence]),
  [ASSIGNMENT_ID, 'medium'],
  ['key-name', 'medium'],
  [KNOWN_SECRET_ID, 'high'],
  [CANARY_ID, 'high'],
])

/** JWS compact form, as the `jwt` detector finds it. */
const JWT_SHAPE = new RegExp(
  `(?<![A-Za-z0-9-])${JWT_START}[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*(?![\\w-])`,
  'g',
)
/**
 * Registered JWT claims (RFC 7519 section 4.1) and the protocol claims of OpenID Connect ID tokens
 * (Core 1.0 section 2, Front-Channel Logout `sid`): identifiers, times and hashes of the token
 * itself, always allowed. User data (`email`, `name`, ...) is not among them.
 */
const REGISTERED_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  'sid',
])

/**
 * The decoded payload of a JWS compact token: its JSON object or array (whitespace or a byte order
 * mark around it read past), or else its text, to be read as text.
 */
function jwtPayloadText(token: string): string {
  return Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')
}

function jwtPayload(token: string): Record<string, unknown> | unknown[] | string {
  const text = jwtPayloadText(token)
  const json = text.replace(/^\ufeff/, '')
  if (!isJsonText(json)) return text
  try {
    const value: unknown = JSON.parse(json)
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>
    return typeof value === 'string' ? value : text
  } catch {
    return text
  }
}

function claimError(claim: string): LeakguardResponseError {
  return new LeakguardResponseError(
    'ERR_LG_RESPONSE_TOKEN_CLAIM',
    'an issued token carries a claim that may not leave',
    { claim },
  )
}

/**
 * The key prefix of session stores, with the store's own prefix before it or not: `sess:<id>`
 * (connect-redis, connect-mongo), `koa:sess:<id>`, `myapp:sess:<id>`, `PHPREDIS_SESSION:<id>`.
 */
const STORE_KEY = /^(?:[\w.-]*[:_./-])?sess(?:ions?)?[:_./-]/i

/**
 * A member name that may be a session's id: 20-256 characters of a token's alphabet (base64url,
 * hex, PHP's `,` and `-`, the `s:`/`s%3A` of a signed cookie, a store's `sess:`) that reads as
 * random, not as words: two of capitals, lower case and digits make 15% of it or more each, and
 * separators at most an eighth (`qWeRtY...`, `a8f3c9d2...`, a UUID; not `activeSessionCount`,
 * `p99LatencyMilliseconds`, `chrome_120_windows`, `/api/v1/users/profile`). Not a timestamp.
 */
function looksLikeSessionId(name: string): boolean {
  const length = name.length
  if (length < 20 || length > 256) return false
  let upper = 0
  let lower = 0
  let digits = 0
  let separators = 0
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i)
    if (isDigit(c)) digits++
    else if (c >= 65 && c <= 90) upper++
    else if (c >= 97 && c <= 122) lower++
    else if (SESSION_ID_SEPARATORS.includes(c)) separators++
    else return false
  }
  const share = (count: number) => (count * 20 >= length * 3 ? 1 : 0)
  return (
    separators * 8 <= length && share(upper) + share(lower) + share(digits) >= 2 && !isTimestamp(name, length)
  )
}

/**
 * Whether a value assigned to a session's name in text reads as its token: a run of 12 letters and
 * digits or more holding a digit (`7f3a9c2b...`, ASP.NET's `x2ahb4xk...`, the body of a signed
 * cookie), or an id by {@link looksLikeSessionId}; not words and metric names (`duration:p95:ms`).
 */
function readsAsToken(value: string): boolean {
  let run = 0
  let digit = false
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (isDigit(c)) {
      digit = true
      run++
    } else if (isAsciiAlnum(c)) run++
    else {
      run = 0
      digit = false
    }
    if (run >= 12 && digit) return true
  }
  return looksLikeSessionId(value)
}

/** `-` `_` `.` `:` `%` `+` `/` `=` `,` `~`: what ids, signed cookies and store keys hold besides letters and digits. */
const SESSION_ID_SEPARATORS: readonly number[] = [45, 95, 46, 58, 37, 43, 47, 61, 44, 126]

/** Whether `text` is 12 to 19 ASCII digits and nothing else: what a card number alone looks like. */
function isDigitsOnly(text: string): boolean {
  if (text.length < 12 || text.length > 19) return false
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false
  return true
}

/**
 * Strings from this length to {@link REREAD_UPTO} are remembered when read clean (see
 * RedactionSession.cleanReads): shorter ones cost less to read again than to look up, and a
 * timestamp (24-35 characters) never repeats.
 */
const REREAD_FROM = 40
const REREAD_UPTO = 4096
/** A word after `session(s)` naming where sessions are kept: `sessionStore`, `sessionsById`. */
/** Holders a session remembers past its map's 256 (see holderKind): a member's, up to four levels up, twice. */
const RECENT_HOLDERS = 8
const STORE_WORD = /(?<=[sn])[_.-]?(?:stores?|maps?|cache|data|registry|table|db|index|by[_-]?[a-z]+)$/i
/** The longest {@link STORE_WORD} read (`s_by_` and a word of 59 letters), with the letter before it. */
const STORE_WORD_SPAN = 65

/**
 * A holder's name without the word naming a store after it (`sessionsByUser` -> `sessions`). The
 * pattern, tried from each `s` or `n`, reads to the name's end: it reads the name's tail only
 * (from every `sby` of a name of 100,000 characters, it read seconds).
 */
function withoutStoreWord(holder: string): string {
  if (holder.length <= STORE_WORD_SPAN) return holder.replace(STORE_WORD, '')
  const cut = holder.length - STORE_WORD_SPAN
  return holder.slice(0, cut) + holder.slice(cut).replace(STORE_WORD, '')
}

/** {@link RedactionSession.holderKind}'s answers. */
const HOLDS_SESSIONS = 1
const HOLDS_SECRETS = 2

/** A UUID whole, in either case. */
const UUID = new RegExp(`^${UUID_SOURCE}$`, 'i')

/** How many names up a store's holder is looked for (`sessions.byUser.alice.<id>`). */
const STORE_DEPTH = 4
/** Most strings remembered per response. */
const MAX_CLEAN_READS = 512
/** Strings remembered with none read again: past this many, the response is not looked up. */
const MAX_UNREPEATED = 64

/** Scratch for the literal-automaton hits the features pass collects for one string. */
const FUSED_HITS: number[] = []

/** Whether a short string holds a command line's option of one dash (`-token ...`; see optionAt). */
function hasOption(text: string): boolean {
  for (let at = text.indexOf('-'); at !== -1; at = text.indexOf('-', at + 1))
    if (optionAt(text, at)) return true
  return false
}
/** Scratch for the known-secret search of one string (copied out when it found something). */
const KNOWN_SPANS: Span[] = []
/** Scratch for the literal scan of one string (copied out when it found something). */
const LITERAL_SPANS: Span[] = []

const ISO_TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * A string that is exactly an ISO 8601 date or timestamp: APIs are full of them, they pass the
 * digit gate, and no detector can match one, so they skip the prefilters.
 */
function isTimestamp(text: string, length: number): boolean {
  if (length < 10 || length > 35 || text.charCodeAt(4) !== 45) return false
  // `Date.prototype.toJSON()` output, the common case, checked by position without a regex.
  if (length === 24 && text.charCodeAt(23) === 90) return isToJsonTime(text)
  return ISO_TIMESTAMP.test(text)
}

/**
 * `2024-01-31T12:34:56.789Z`: a regex, which runs as native code, costs half of a loop over its
 * 24 characters here.
 */
const TO_JSON_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

function isToJsonTime(text: string): boolean {
  return TO_JSON_TIME.test(text)
}

/** Whether text opens a JSON object or array after a byte order mark and whitespace. */
function startsJson(text: string): boolean {
  let i = 0
  if (text.charCodeAt(0) === 0xfeff) i++
  while (i < text.length && i < 64) {
    const c = text.charCodeAt(i)
    if (c === 123 || c === 91) return true
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false
    i++
  }
  return false
}

/** The last character that is not JSON whitespace (0 when none). */
function lastNonSpace(text: string): number {
  for (let i = text.length - 1; i >= 0 && i >= text.length - 64; i--) {
    const c = text.charCodeAt(i)
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c
  }
  return 0
}

/**
 * `text` with every percent-escape (`%3D`), backslash escape (`\\n`, `\\"`) and `\\uXXXX` escape
 * replaced by as many spaces: what an escape stands next to is read as standing next to a
 * separator, and spans found in the view are spans of the text. `text` itself when it has none.
 */
export function blankEscapes(text: string): string {
  let out: string | undefined
  // The text from `from` to the next escape is copied as one slice (a concatenation per character
  // builds a rope of thousands of one-character strings).
  let from = 0
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    let width = 0
    if (c === 37 && isHexAt(text, i + 1) && isHexAt(text, i + 2)) {
      width = 3
      // Encoded again (`%253D`): the escaped escape and what it escapes go together.
      while (
        text.charCodeAt(i + width - 2) === 50 &&
        text.charCodeAt(i + width - 1) === 53 &&
        isHexAt(text, i + width) &&
        isHexAt(text, i + width + 1)
      )
        width += 2
    } else if (c === 92) {
      // A run of backslashes (escaped again at each level) and the escape it ends in.
      let run = 1
      while (text.charCodeAt(i + run) === 92) run++
      const next = text.charCodeAt(i + run)
      if (next === 117 && hexDigitsAt(text, i + run + 1, 4)) width = run + 5
      else if (run + i < text.length && 'nrtbf"\'/'.includes(text[i + run]!)) width = run + 1
      else if (run >= 2) width = run
    } else if (c === 38) width = htmlEntityAt(text, i)
    if (width === 0) {
      i++
      continue
    }
    out = (out ?? '') + text.slice(from, i) + blanks(width)
    i += width
    from = i
  }
  return out === undefined ? text : out + text.slice(from)
}

const BLANKS = Array.from({ length: 16 }, (_, width) => ' '.repeat(width))

/** `width` spaces. */
function blanks(width: number): string {
  return width < BLANKS.length ? BLANKS[width]! : ' '.repeat(width)
}

/** Length of the HTML character reference at `at` that stands for a quote, `<`, `>` or `=`, or 0. */
function htmlEntityAt(text: string, at: number): number {
  const next = text.charCodeAt(at + 1)
  const entities = next < 128 ? HTML_ENTITIES_BY_SECOND[next] : undefined
  if (entities !== undefined)
    for (const entity of entities) if (text.startsWith(entity, at)) return entity.length
  return 0
}

const HTML_ENTITIES = [
  '&quot;',
  '&#34;',
  '&#x22;',
  '&#39;',
  '&#x27;',
  '&apos;',
  '&lt;',
  '&gt;',
  '&#61;',
  '&#x3d;',
  '&#x3D;',
]

/** {@link HTML_ENTITIES} by the code of their second character (`&amp;` is compared with none). */
const HTML_ENTITIES_BY_SECOND = bySecondCode(HTML_ENTITIES, (entity) => entity)

function isHexAt(text: string, at: number): boolean {
  return isHex(text.charCodeAt(at))
}

/**
 * Fullwidth forms (`ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`, U+FF01-FF5E), spaces that do not break and
 * other scripts' decimal digits as the ASCII they stand for ({@link asciiFold}), one UTF-16 unit
 * for one: spans found in the folded text are spans of the original. `text` itself when it holds none.
 * `spaces: false` leaves the spaces that do not break as they are (the assignment reader's view).
 */
export function foldFullwidth(text: string, spaces = true): string {
  foldedSpaces = false
  emptyArray(FOLDS)
  const length = text.length
  let i = 0
  // A few folds (a CJK text's `：《》`): the text between them is copied as slices.
  for (; i < length; i++) {
    const folded = foldOf(text.charCodeAt(i), spaces)
    if (folded < 0) continue
    if (FOLDS.length === MAX_SLICED_FOLDS * 2) break
    FOLDS.push(i, folded)
  }
  if (i === length) {
    if (FOLDS.length === 0) return text
    let out = ''
    let from = 0
    for (let k = 0; k < FOLDS.length; k += 2) {
      const at = FOLDS[k]!
      out += text.slice(from, at) + String.fromCharCode(FOLDS[k + 1]!)
      from = at + 1
    }
    return out + text.slice(from)
  }
  // Many (a text written in fullwidth forms): folded in a copy of the code units (a character at a
  // time, a long text became a rope of millions of pieces).
  const bytes = Buffer.allocUnsafeSlow(length * 2)
  bytes.write(text, 'utf16le')
  const units = new Uint16Array(bytes.buffer, bytes.byteOffset, length)
  for (let k = 0; k < FOLDS.length; k += 2) units[FOLDS[k]!] = FOLDS[k + 1]!
  for (; i < length; i++) {
    const folded = foldOf(text.charCodeAt(i), spaces)
    if (folded >= 0) units[i] = folded
  }
  return bytes.toString('utf16le', 0, length * 2)
}

/** What {@link foldFullwidth} writes for the code unit `c` (-1: `c` itself); notes folded spaces. */
function foldOf(c: number, spaces: boolean): number {
  if (c < 128) return -1
  const folded = asciiFold(c)
  if (folded < 0 || (folded === 32 && !spaces)) return -1
  if (folded === 32) foldedSpaces = true
  return folded
}

/** Folds {@link foldFullwidth} makes by slicing the text; past them it folds a copy of its code units. */
const MAX_SLICED_FOLDS = 16
/** Where {@link foldFullwidth} folds, and to what: pairs of (offset, code). */
const FOLDS: number[] = []
/** Whether the last {@link foldFullwidth} call folded a space that does not break. */
let foldedSpaces = false

/**
 * Spans that cover findings of different detectors (see {@link resolveOverlaps}), with the other
 * detectors' ids: masked whole with the label, since a mask that keeps characters would keep some
 * of the second secret's, and each of them reported. Also, with no other id, a span whose value
 * text assigns to a secret name: a partial mask would keep some of that secret.
 */
const MERGED = new WeakMap<Span, string[]>()
/** Whether {@link MERGED} ever held a span: until then, no mask looks a span up there. */
let spansMerged = false

/** The id of a span standing for a base64 run read decoded (see {@link RedactionSession.encodedRuns}). */
const BASE64_TEXT_ID = 'base64-text'
/** Base64 inside base64 is read this many levels deep (a Docker config's `auth` in a Kubernetes secret). */
const MAX_ENCODED_DEPTH = 2
/** `Basic` and the white space before a credential (the end of the text before a run). */
const BASIC_BEFORE = /(?:^|[^A-Za-z])basic[ \t]+$/i
/** What each base64 run span is written as: its text redacted, encoded again. */
const ENCODED = new WeakMap<Span, string>()

/** The strict set's shape-only detector, which loses ties to any detector naming the secret. */
const GENERIC_ID = 'high-entropy'

/**
 * Whether `a` sorts after `b`: starts later, or at the same place and ends earlier, or is the same
 * span found only by the generic `high-entropy` detector (strict set) where `b` names what it is
 * (a provider's token the catalogue knows, a rule): the specific finding labels the mask and the
 * event.
 */
function spanAfter(a: Span, b: Span): boolean {
  return (
    a.start > b.start ||
    (a.start === b.start &&
      (a.end < b.end || (a.end === b.end && a.detector === GENERIC_ID && b.detector !== GENERIC_ID)))
  )
}

/** Whether a span of `found` from index `from` on covers all of a text of `length`. */
function coversAll(found: readonly Span[], from: number, length: number): boolean {
  for (let i = from; i < found.length; i++) if (found[i]!.start === 0 && found[i]!.end === length) return true
  return false
}

/**
 * Sorts spans and keeps, where they overlap, the earliest and then the longest (in `found` itself);
 * a span that overlaps the one kept before it and ends past it extends that one.
 */
function resolveOverlaps(found: Span[]): readonly Span[] {
  if (found.length <= 1) return found
  // Insertion sort, stable like Array#sort: spans come nearly in order, a handful per string, and
  // Array#sort copies its array on every call (a fifth of the allocations of a dense redaction).
  if (found.length <= 16) {
    for (let i = 1; i < found.length; i++) {
      const span = found[i]!
      let j = i
      while (j > 0 && spanAfter(found[j - 1]!, span)) {
        found[j] = found[j - 1]!
        j--
      }
      found[j] = span
    }
  } else
    found.sort(
      (a, b) =>
        a.start - b.start ||
        b.end - a.end ||
        (a.detector === GENERIC_ID ? 1 : 0) - (b.detector === GENERIC_ID ? 1 : 0),
    )
  // Kept in place: the array is the caller's scratch for this one string.
  let kept = 0
  let reach = -1
  for (let i = 0; i < found.length; i++) {
    const span = found[i]!
    if (span.start >= reach) {
      found[kept++] = span
      reach = span.end
    } else if (
      span.end === reach &&
      span.detector === ASSIGNMENT_ID &&
      span.start === found[kept - 1]!.start
    ) {
      // A value assigned to a secret name that a detector found as well (an IBAN, a phone number
      // under `password=`): the detector names it, and it is masked whole as merged spans are
      // (see maskSpan), with no other finding to report (the assignment says what the name does).
      const named = found[kept - 1]!
      if (!MERGED.has(named)) MERGED.set(named, [])
      spansMerged = true
    } else if (span.end > reach) {
      // Starts inside the span kept before it and ends past it (a generic high-entropy run glued
      // to a provider's token): the kept span grows to cover both, or the rest of this one would
      // be sent as it is. The earlier finding names it.
      const before = found[kept - 1]!
      const merged = { ...before, end: span.end }
      // A mask that keeps characters (a card's last 4) would keep the other secret's, and the
      // other finding is reported too: see masked().
      const others = MERGED.get(before)
      if (others !== undefined || merged.detector !== span.detector) {
        const all = others === undefined ? [] : [...others]
        if (span.detector !== merged.detector && !all.includes(span.detector)) all.push(span.detector)
        for (const other of MERGED.get(span) ?? []) if (!all.includes(other)) all.push(other)
        MERGED.set(merged, all)
        spansMerged = true
      }
      found[kept - 1] = merged
      reach = span.end
    }
  }
  found.length = kept
  return found
}
