import { KEEP } from '../allowlist/compile.js'
import { project } from '../allowlist/project.js'
import { KEYED_FORMATS, TOKEN_FORMATS } from './catalogue/index.js'
import { ASSIGNMENT_ID } from './catalogue/scanner.js'
import type { Confidence } from './catalogue/types.js'
import { DETECTORS } from './detectors/index.js'
import {
  compileRedactor,
  type Finding,
  RedactionSession,
  type RedactOptions,
  type Redactor,
} from './engine.js'

/** Redaction compiled once, for hot paths such as a logger. */
export interface CompiledRedactor {
  /** A redacted copy of `value` (plain data, as JSON would serialize it). */
  redact<T>(value: T): T
  /** What would be redacted, with concrete paths and spans; changes nothing. */
  scan(value: unknown): Finding[]
}

/**
 * Compiles redaction options once (the same options as `createGuard({ redact })`).
 * @throws LeakguardConfigError
 */
export function createRedactor(options: RedactOptions = {}): CompiledRedactor {
  const redactor: Redactor = compileRedactor(options, 'redact')
  const run = (value: unknown, detailed: boolean) => {
    const session = new RedactionSession(redactor, {
      hygiene: false,
      requestId: '',
      detailed,
      // Findings are counted or listed whole (scan()): no one reads summaries.
      summarize: false,
    })
    const result = project(value, KEEP, { maxDepth: 128, maxPaths: 0, hooks: session })
    return { value: result.value, session }
  }
  return {
    redact: <T>(value: T) => run(value, false).value as T,
    scan: (value) => run(value, true).session.findings,
  }
}

const compiled = new WeakMap<RedactOptions, CompiledRedactor>()
let defaults: CompiledRedactor | undefined

function redactorFor(options: RedactOptions | undefined): CompiledRedactor {
  if (options === undefined) {
    defaults ??= createRedactor()
    return defaults
  }
  let entry = compiled.get(options)
  if (entry === undefined) {
    entry = createRedactor(options)
    compiled.set(options, entry)
  }
  return entry
}

/**
 * A redacted copy of `value`: every string scanned by the detectors and rules, members named like
 * secrets masked. With no options, the `'default'` detectors. Options objects are compiled once and
 * cached; for the hottest paths prefer {@link createRedactor}.
 * @throws LeakguardConfigError for invalid options; LeakguardResponseError for cycles, BigInt, depth
 */
export function redact<T>(value: T, options?: RedactOptions): T {
  return redactorFor(options).redact(value)
}

/** What {@link redact} would mask in `value`, as `{ path, detector, start, end }`, changing nothing. */
export function scan(value: unknown, options?: RedactOptions): Finding[] {
  return redactorFor(options).scan(value)
}

/** The built-in detectors: id, the set they belong to, and what they find. */
export function listDetectors(): ReadonlyArray<DetectorInfo> {
  return [
    ...DETECTORS.map(({ id, set, description, confidence }) => ({
      id,
      set,
      kind: 'pattern' as const,
      confidence: confidence ?? ('high' as const),
      description,
    })),
    ...TOKEN_FORMATS.map(({ id, provider, description, confidence, checksum }) => ({
      id,
      set: 'default' as const,
      kind: 'token' as const,
      provider,
      confidence,
      checksum: checksum !== undefined,
      description,
    })),
    ...KEYED_FORMATS.map(({ id, provider, description, confidence }) => ({
      id,
      set: 'default' as const,
      kind: 'keyed' as const,
      provider,
      confidence,
      description,
    })),
    {
      id: ASSIGNMENT_ID,
      set: 'default',
      kind: 'assignment',
      confidence: 'medium',
      description:
        'Values text assigns to a name the member-name rule calls secret: DB_PASSWORD=..., apiToken := "...", <password>...</password>.',
    },
  ]
}

/** A built-in detector, as {@link listDetectors} describes it. */
export interface DetectorInfo {
  readonly id: string
  /** In `'default'` and `'strict'`, or only in `'strict'`. */
  readonly set: 'default' | 'strict'
  /**
   * `pattern`: a structural detector (cards, IBANs, emails, ...); `token`: a provider token found
   * by its documented prefix; `keyed`: a provider credential found next to the provider's name;
   * `assignment`: a value assigned to a secret name in text.
   */
  readonly kind: 'pattern' | 'token' | 'keyed' | 'assignment'
  /** The provider, for `token` and `keyed`. */
  readonly provider?: string
  readonly confidence: Confidence
  /** Whether the provider's own checksum is verified (findings that pass it are `high`). */
  readonly checksum?: boolean
  readonly description: string
}

export type { DegradeReason, Finding, RedactOptions, RouteRedactOptions } from './engine.js'
export type { HeaderRedactOptions } from './headers.js'
export type { KnownSecretsOptions } from './known-secrets.js'
export type { RedactRule } from './rules.js'
export type { MaskSpec } from './types.js'
