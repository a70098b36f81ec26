import { emptyArray } from '../lib/scratch-arrays.js'
import {
  describe,
  fail,
  integerOption,
  isPlainObject,
  objectOption,
  stringArrayOption,
} from '../lib/validate.js'
import { asciiLowerCase, MultiSearch } from './multi-search.js'
import type { Span } from './types.js'

/** The detector id of a known secret found in a response. */
export const KNOWN_SECRET_ID = 'known-secret'
/** The detector id of a canary (honeytoken) found in a response. */
export const CANARY_ID = 'canary'

/**
 * Secrets the application itself holds, masked wherever they appear in a response (bodies, error
 * texts, headers), as written and encoded: base64 and base64url (alone, or inside a larger encoded
 * blob), hex and percent-encoding.
 */
export interface KnownSecretsOptions {
  /**
   * Values of environment variables: `true` reads `process.env` when the guard is created. Values
   * shorter than `minLength`, file-system paths, numbers and booleans are left out, and so are the
   * variables `allow` names (`*` ends a prefix), added to the built-in list (`NODE_ENV`, `PORT`,
   * `PATH`, `HOME`, `PWD`, `npm_*`, `PUBLIC_*`, `NEXT_PUBLIC_*`, `VITE_*`, ...).
   * @default true
   */
  env?:
    | boolean
    | {
        readonly allow?: readonly string[]
        /** @default 12 */
        readonly minLength?: number
        /** Variables read instead of `process.env` (tests, secrets loaded from a vault). */
        readonly from?: Readonly<Record<string, string | undefined>>
      }
  /** Secret values the application holds (8 characters or more). */
  values?: readonly string[]
  /**
   * Canaries (honeytokens): values planted where nothing should ever read them (a fake user's
   * password, a decoy API key). Masked like secrets, and each response that carries one emits a
   * `response.canary` event naming the canary: proof of a leak path. `{ id, value }` names it in
   * events; a plain string is named `canary-<index>`.
   */
  canaries?: ReadonlyArray<string | { readonly id: string; readonly value: string }>
}

/** Variables that are never secrets, read from process.env as they are (a trailing `*` is a prefix). */
const ENV_ALLOW = [
  'NODE_ENV',
  'NODE_OPTIONS',
  'NODE_VERSION',
  'PORT',
  'HOST',
  'HOSTNAME',
  'PATH',
  'HOME',
  'PWD',
  'OLDPWD',
  'SHELL',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TERM',
  'TZ',
  'TMPDIR',
  'EDITOR',
  'CI',
  'LC_*',
  'XDG_*',
  'npm_*',
  'PNPM_*',
  'COREPACK_*',
  'VITEST*',
  'PUBLIC_*',
  'NEXT_PUBLIC_*',
  'VITE_*',
  'REACT_APP_*',
  'EXPO_PUBLIC_*',
  'GITHUB_*',
  'RUNNER_*',
]

interface Secret {
  readonly id: string
  readonly canary: boolean
}

/** Scratch for the hits of one string's search (read before the next string is searched). */
const HITS: number[] = []

/** What a literal's match takes with it: the `=` padding of a base64 form. */
const PADDED = 1
/** ...the base64 character before it, which holds some of the secret's bits (see {@link base64Cores}). */
const MIXED_BEFORE = 2
/** ...the base64 character after it, likewise. */
const MIXED_AFTER = 4

/** base64 and base64url's characters (both alphabets: `+ / - _`). */
const BASE64_CHARS = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_')
  BASE64_CHARS[c.charCodeAt(0)] = 1

const isBase64Char = (code: number): boolean => code < 128 && BASE64_CHARS[code] === 1

/**
 * The base64 characters that hold only `bytes`' bits, for each of the three places the bytes can
 * start in a larger encoded blob (`user:password` in Basic credentials, a secret inside a token's
 * payload or a base64-encoded config file): there a secret's own encoding, made alone, is not
 * written; one of these three is. Each comes with the {@link MIXED_BEFORE} / {@link MIXED_AFTER}
 * characters it leaves out at its edges (bits of the secret and of the bytes around it).
 */
function base64Cores(bytes: Buffer): Array<{ readonly text: string; readonly edges: number }> {
  const cores: Array<{ text: string; edges: number }> = []
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '')
    // From offset 1 or 2: the characters of the bytes before, then one mixing them with the secret.
    const lead = offset === 0 ? 0 : offset + 1
    // A last group the secret does not fill ends with a character mixing it with the bytes after.
    const trail = (offset + bytes.length) % 3 === 0 ? 0 : 1
    cores.push({
      text: encoded.slice(lead, encoded.length - trail),
      edges: (offset === 0 ? 0 : MIXED_BEFORE) | (trail === 0 ? 0 : MIXED_AFTER),
    })
  }
  return cores
}

/** `value` as HTML templates escape it: named entities (`&amp;`, `&quot;`), and numeric ones for quotes. */
function htmlEscapes(value: string): string[] {
  if (!/[&"'<>]/.test(value)) return []
  const named = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return [
    named.replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    named.replace(/"/g, '&quot;').replace(/'/g, '&#x27;'),
    named.replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
    named.replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
  ]
}

/** `value` percent-encoded, or as it is when it has none (a lone surrogate has no UTF-8). */
function percentEncoded(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return value
  }
}

/** `value` with its printable ASCII (but spaces) as fullwidth forms (U+FF01-FF5E). */
function toFullwidth(value: string): string {
  return value.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

/** The compiled matcher: every form of every secret in one multi-string search. */
export class KnownSecrets {
  private readonly search: MultiSearch
  /** Per literal: the exact text (`null`: compared ignoring case, hex) and the secret. */
  private readonly exact: ReadonlyArray<string | null>
  private readonly lower: readonly string[]
  private readonly owners: readonly Secret[]
  /** Per literal: what its match takes with it ({@link PADDED}, {@link MIXED_BEFORE}, {@link MIXED_AFTER}). */
  private readonly edges: readonly number[]
  /** The shortest literal: shorter strings are not searched. */
  readonly minLength: number

  constructor(secrets: ReadonlyArray<{ readonly value: string } & Secret>) {
    const literals: string[] = []
    const exact: Array<string | null> = []
    const owners: Secret[] = []
    const edges: number[] = []
    const seen = new Set<string>()
    const add = (literal: string, caseless: boolean, owner: Secret, edge = 0) => {
      if (seen.has(literal) || literal.length < 8) return
      seen.add(literal)
      literals.push(literal)
      exact.push(caseless ? null : literal)
      owners.push(owner)
      edges.push(edge)
    }
    for (const secret of secrets) {
      const bytes = Buffer.from(secret.value, 'utf8')
      // As written, and in both Unicode normal forms (a value typed on another system).
      const normal = new Set([secret.value, secret.value.normalize('NFC'), secret.value.normalize('NFD')])
      for (const form of normal) add(form, false, secret)
      // Unpadded: a padded occurrence holds it. base64url differs where the value has + or /.
      add(bytes.toString('base64').replace(/=+$/, ''), false, secret, PADDED)
      add(bytes.toString('base64url'), false, secret, PADDED)
      add(bytes.toString('hex'), true, secret)
      const percent = percentEncoded(secret.value)
      if (percent !== secret.value) add(percent, true, secret)
      // Inside JSON text escaped for ASCII (\u00e4) or with escaped slashes (PHP's \/), and
      // percent-encoded twice.
      const json = JSON.stringify(secret.value).slice(1, -1)
      const ascii = json.replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
      const slashes = secret.value.replaceAll('/', '\\/')
      for (const form of [json, slashes]) if (form !== secret.value) add(form, false, secret)
      // Escapes and percent-escapes are written in either case.
      for (const form of [ascii, percentEncoded(percent)]) if (form !== secret.value) add(form, true, secret)
      // Inside a larger base64 or base64url blob (Basic credentials, a token's payload, an encoded
      // config file): what the bytes of each form a blob's text holds it in (as written, either
      // normal form, JSON-escaped) write alone, wherever they start in it.
      for (const text of new Set([...normal, json, ascii, slashes])) {
        for (const core of base64Cores(Buffer.from(text, 'utf8'))) {
          add(core.text, false, secret, core.edges | PADDED)
          add(core.text.replaceAll('+', '-').replaceAll('/', '_'), false, secret, core.edges | PADDED)
        }
      }
      // Form encoding (URLSearchParams): spaces as +, and !'()* escaped as well.
      const form = new URLSearchParams({ v: secret.value }).toString().slice(2)
      if (form !== secret.value && form !== percent) add(form, true, secret)
      // In HTML or XML text: & " ' < > as the entities templates write (named, or numeric).
      for (const html of htmlEscapes(secret.value)) if (html !== secret.value) add(html, false, secret)
      // Fullwidth and other forms detectors fold to ASCII: a copy typed on another keyboard.
      const fullwidth = toFullwidth(secret.value)
      if (fullwidth !== secret.value) add(fullwidth, false, secret)
    }
    this.search = new MultiSearch(literals)
    this.exact = exact
    this.lower = literals.map(asciiLowerCase)
    this.owners = owners
    this.edges = edges
    this.minLength = literals.reduce(
      (min, literal) => Math.min(min, literal.length),
      Number.POSITIVE_INFINITY,
    )
  }

  /** Appends every occurrence in `text` to `found`, as {@link KNOWN_SECRET_ID} or {@link CANARY_ID} spans. */
  collect(text: string, found: Span[], canaries: { addCanary(id: string): void } | undefined): void {
    if (text.length < this.minLength) return
    const hits = HITS
    emptyArray(hits)
    this.search.search(text, hits)
    for (let i = 0; i < hits.length; i += 2) {
      const literal = hits[i]!
      const at = hits[i + 1]!
      // Hex is read in any case; every other form exactly as written.
      const exact = this.exact[literal]!
      if (exact !== null && !text.startsWith(exact, at)) continue
      const owner = this.owners[literal]!
      if (owner.canary) canaries?.addCanary(owner.id)
      const edges = this.edges[literal]!
      let start = at
      let end = at + this.lower[literal]!.length
      // Inside a base64 blob, the characters at the edges that carry some of the secret's bits.
      if ((edges & MIXED_BEFORE) !== 0 && start > 0 && isBase64Char(text.charCodeAt(start - 1))) start--
      if ((edges & MIXED_AFTER) !== 0 && isBase64Char(text.charCodeAt(end))) end++
      // The padding of a base64 form goes with it.
      if ((edges & PADDED) !== 0) {
        const limit = end + 2
        while (end < limit && text.charCodeAt(end) === 61) end++
      }
      found.push({ start, end, detector: owner.canary ? CANARY_ID : KNOWN_SECRET_ID, verified: false })
    }
  }
}

const allowed = (name: string, allow: readonly string[]) =>
  allow.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry))

/** Environment values that are not secrets whatever their variable: paths, numbers, booleans. */
const NOT_SECRET = /^(?:\/|[A-Za-z]:\\|~\/|\.\.?\/)|^[-+]?\d+(?:\.\d+)?$|^(?:true|false|yes|no|on|off)$/i

/** Validates `redact.knownSecrets` and compiles it; `null` when it holds nothing. @throws LeakguardConfigError */
export function compileKnownSecrets(value: unknown, option: string): KnownSecrets | null {
  const raw = objectOption(value, option, ['env', 'values', 'canaries'] as const)
  const secrets: Array<{ value: string } & Secret> = []
  const env = raw.env ?? true
  if (env !== false) {
    if (env !== true && !isPlainObject(env))
      fail(`${option}.env`, `expected true, false or { allow, minLength, from }, got ${describe(env)}`)
    const settings =
      env === true ? {} : objectOption(env, `${option}.env`, ['allow', 'minLength', 'from'] as const)
    const allow = [...ENV_ALLOW, ...(stringArrayOption(settings.allow, `${option}.env.allow`) ?? [])]
    const minLength = integerOption(settings.minLength, `${option}.env.minLength`, 8, 4096, 12)
    if (settings.from !== undefined && !isPlainObject(settings.from))
      fail(`${option}.env.from`, `expected an object of variable -> value, got ${describe(settings.from)}`)
    const source = (settings.from ?? process.env) as Record<string, string | undefined>
    for (const [name, text] of Object.entries(source)) {
      if (
        typeof text !== 'string' ||
        text.length < minLength ||
        allowed(name, allow) ||
        NOT_SECRET.test(text)
      )
        continue
      secrets.push({ value: text, id: `env:${name}`, canary: false })
    }
  }
  const values = stringArrayOption(raw.values, `${option}.values`) ?? []
  values.forEach((text, i) => {
    if (text.length < 8)
      fail(
        `${option}.values[${i}]`,
        `a known secret needs 8 characters or more (shorter ones match ordinary text)`,
      )
    secrets.push({ value: text, id: `value-${i}`, canary: false })
  })
  const canaries = raw.canaries ?? []
  if (!Array.isArray(canaries))
    fail(`${option}.canaries`, `expected a list of strings or { id, value }, got ${describe(canaries)}`)
  ;(canaries as unknown[]).forEach((entry, i) => {
    const where = `${option}.canaries[${i}]`
    const canary =
      typeof entry === 'string'
        ? { id: `canary-${i}`, value: entry }
        : isPlainObject(entry) && typeof entry.id === 'string' && typeof entry.value === 'string'
          ? { id: entry.id, value: entry.value }
          : fail(where, `expected a string or { id, value }, got ${describe(entry)}`)
    if (canary.value.length < 8) fail(`${where}`, 'a canary needs 8 characters or more')
    secrets.push({ ...canary, canary: true })
  })
  return secrets.length === 0 ? null : new KnownSecrets(secrets)
}
