import { isHex } from '../../lib/hex.js'
import { emptyArray } from '../../lib/scratch-arrays.js'
import { collect } from '../collect.js'
import { isAsciiAlnum } from '../features.js'
import type { Span } from '../types.js'
import {
  assignmentAt,
  endValues,
  flagAt,
  judgementsMade,
  mayNameSecretCheaply,
  mayOptionBeSecretCheaply,
  mayStartFlag,
  type NameRule,
  readNamesCheaply,
  startValues,
} from './assignment.js'
import { LiteralAutomaton } from './automaton.js'
import { type CompiledKeyed, type CompiledToken, classTable, compileKeyed, compileToken } from './compile.js'
import { isPlaceholder } from './placeholder.js'
import type { KeyedFormat, TokenFormat } from './types.js'

/** The id of the detector that finds secrets assigned to secret-looking names in text. */
export const ASSIGNMENT_ID = 'secret-assignment'

const TOKEN = 0
const KEYWORD = 1
const OPERATOR = 2
const FLAG = 3
/** A blank, then an option of one dash (`-password`): see {@link flagAt}. */
const SHORT_FLAG = 4
/** An HTTP authentication scheme's word that prose does not use (see {@link LiteralScan.mayHoldScheme}). */
const SCHEME = 5
const SCHEME_WORDS = ['bearer', 'dpop', 'ssws']
/** The characters an assignment is found from (see {@link assignmentAt}). */
const OPERATORS = ['=', ':', '>', ',']
/** What starts a command line's long option (see {@link flagAt}). */
const FLAG_START = '--'
/**
 * What stands before an option of one dash (`-password hunter2`): a blank, a line's start, a
 * quote (`"args": "-password ..."`). Read from the dash.
 */
const SHORT_FLAG_STARTS = [' -', '\t-', '\n-', '"-', "'-"]
/** Triggers handled per chunk of a string (see {@link LiteralScan.collect}). */
export const MAX_HITS = 512

/**
 * Whether the character before a token's prefix only looks like part of the token: the end of an
 * escape (`%3D`, `%20`, `\\n`, `\\u0022`: the text was encoded around the token), a `-` before a
 * distinctive prefix of 4 or more characters (`backup-glpat-...`), or a digit before one that
 * ends with punctuation (`42glpat-...`: an id glued to it). Not before a prefix of letters and
 * digits alone (`4b1d`, `EAAA`), which hex digests and base64 hold by chance; never a letter, since
 * a word may end with a prefix's first letters.
 */
function freeBefore(text: string, at: number, prefix: number, before: number, punctuated: boolean): boolean {
  if (before === 45) return prefix >= 4
  if (before >= 48 && before <= 57) return prefix >= 4 && punctuated
  // %XX
  if (at >= 3 && text.charCodeAt(at - 3) === 37 && isHex(text.charCodeAt(at - 2)) && isHex(before))
    return true
  // \n, \t, \r, \"  and \uXXXX
  if (at >= 2 && text.charCodeAt(at - 2) === 92) return true
  return at >= 6 && text.charCodeAt(at - 6) === 92 && text.charCodeAt(at - 5) === 117
}

/**
 * The last run of a run-bodied format read in the string being read: its text ('' once the string
 * is read), where it was read from, where it ends, what follows its end (the padding's length, -1
 * for no token, NaN unknown yet), and whether a token of it was found (not a placeholder).
 */
interface RunRead {
  text: string
  from: number
  end: number
  outcome: number
  pushed: boolean
}

/** `text.startsWith(prefix, at)` for the short prefixes of token formats, as one loop. */
function startsAt(text: string, prefix: string, at: number): boolean {
  if (at + prefix.length > text.length) return false
  for (let k = 0; k < prefix.length; k++) if (text.charCodeAt(at + k) !== prefix.charCodeAt(k)) return false
  return true
}

/** Whether a character code is ASCII and neither a letter nor a digit (`-`, `_`, `.`...). */
function isPunctuation(code: number): boolean {
  return code < 128 && !isAsciiAlnum(code)
}

/** `compile`, run once per format object (formats are shared by every scan that runs them). */
function once<F extends object, C>(compile: (format: F) => C): (format: F) => C {
  const cache = new WeakMap<F, C>()
  return (format) => {
    let compiled = cache.get(format)
    if (compiled === undefined) {
      compiled = compile(format)
      cache.set(format, compiled)
    }
    return compiled
  }
}

const token = once<TokenFormat, CompiledToken>(compileToken)
const keyed = once<KeyedFormat, CompiledKeyed>(compileKeyed)

/**
 * Every literal-triggered detector of a redactor in one pass: provider tokens from their prefixes,
 * keyed credentials from their keywords (in the text or in the member name), and secrets assigned
 * to secret names from the assignment operators. One automaton run per string finds every trigger,
 * so the cost of a string does not grow with the number of formats.
 */
export class LiteralScan {
  readonly automaton: LiteralAutomaton
  /** Per literal: what it triggers (TOKEN, KEYWORD, OPERATOR, FLAG) and which format. */
  private readonly kinds: Uint8Array
  private readonly targets: ReadonlyArray<CompiledToken | CompiledKeyed | null>
  /**
   * Per literal: the prefix as written when its format compares case (the automaton folds case,
   * so `sk` also stops at `SK` and `Sk` in random text), `null` otherwise.
   */
  private readonly cased: ReadonlyArray<string | null>
  private readonly hits: number[] = []
  /** Per span the first loop of {@link collect} found, the index of its hit. */
  private readonly triggers: number[] = []
  /** Per run-bodied format (see RunBody), the last run read (see {@link RunRead}). */
  private readonly runs = new Map<CompiledToken, RunRead>()
  /** The entries of {@link runs} this string read: let go of its text at its end (no Map to clear). */
  private readonly runsRead: RunRead[] = []
  /** The other detectors' spans, for the names of one {@link collect}. */
  private readonly sweep = new SpanSweep()
  /** Whether the last {@link collect} stopped reading assignments at its budget. */
  exhausted = false
  /** Keyed formats whose keyword a member name holds, by name (bounded). */
  private readonly byMember = new Map<string, readonly CompiledKeyed[]>()

  constructor(
    tokens: readonly TokenFormat[],
    private readonly keyedFormats: readonly KeyedFormat[],
    /** Whether {@link ASSIGNMENT_ID} runs. */
    assignments: boolean,
  ) {
    const literals: string[] = []
    const kinds: number[] = []
    const targets: Array<CompiledToken | CompiledKeyed | null> = []
    const cased: Array<string | null> = []
    for (const format of tokens) {
      for (const prefix of format.prefixes) {
        literals.push(prefix)
        kinds.push(TOKEN)
        targets.push(token(format))
        cased[literals.length - 1] = format.ignoreCase === true ? null : prefix
      }
    }
    for (const format of keyedFormats) {
      for (const keyword of format.keywords) {
        literals.push(keyword)
        kinds.push(KEYWORD)
        targets.push(keyed(format))
      }
    }
    if (assignments) {
      for (const operator of OPERATORS) {
        literals.push(operator)
        kinds.push(OPERATOR)
        targets.push(null)
      }
      literals.push(FLAG_START)
      kinds.push(FLAG)
      targets.push(null)
      for (const start of SHORT_FLAG_STARTS) {
        literals.push(start)
        kinds.push(SHORT_FLAG)
        targets.push(null)
      }
      for (const word of SCHEME_WORDS) {
        literals.push(word)
        kinds.push(SCHEME)
        targets.push(null)
      }
    }
    this.automaton = new LiteralAutomaton(literals)
    this.kinds = Uint8Array.from(kinds)
    this.targets = targets
    this.cased = Array.from(literals, (_, index) => cased[index] ?? null)
  }

  /**
   * Appends the spans found in `text` (a value of member `key`) to `found`. `isSecretName` is the
   * member-name rule, applied to names that text assigns values to.
   */
  collect(
    text: string,
    key: string | null,
    found: Span[],
    isSecretName: NameRule,
    /** Judgements of names and values past which the rest is left to the detectors (see judgementsMade). */
    maxJudgements = Number.POSITIVE_INFINITY,
    taken: readonly Span[] = [],
    /** Hits of this text the features pass collected while stepping {@link automaton}. */
    scanned?: number[],
  ): void {
    let hits = this.hits
    this.exhausted = false
    const automaton = this.automaton
    // In chunks of at most MAX_HITS triggers: a text dense with them (a long log, a repeated
    // `a=b`) is still read once, in bounded memory. The first chunk may come from the features
    // pass, which stepped the automaton already.
    let from = 0
    let first = scanned !== undefined
    startValues(text.length)
    // Where the spans names are judged against reach (see overlapsBefore): a name that starts
    // there or later overlaps none of them. The other detectors' spans are swept in order.
    // Spans found before this call (a first reading's, when the caller reads the text again with
    // its escapes blanked; a decoded view's caller's own) are swept with the other detectors'.
    let reach = -1
    let atStart = true
    // Whether the rest of the string was masked past twice its budget (see below).
    let stopped = false
    const initial = found.length
    const sweep = this.sweep
    sweep.reset(taken === found ? NO_SPANS : taken, found, initial)
    do {
      if (first) {
        hits = scanned!
        first = false
      } else {
        hits = this.hits
        emptyArray(hits)
        automaton.scan(text, hits, MAX_HITS, from)
      }
      from = automaton.stoppedAt
      // Tokens and keyed values first, then assignments: a value a provider's format holds whole
      // is reported under that format (it wins the tie), and is not judged again as an
      // assignment's (see assignmentAt's `claimed`). Each span read first keeps the index of
      // the hit that found it: a name is judged against the spans of earlier hits only, as if
      // all were read in order (a `postgres://` token's `:` still assigns what follows it).
      const before = found.length
      const triggers = this.triggers
      emptyArray(triggers)
      for (let i = 0; i < hits.length; i += 2) {
        const literal = hits[i]!
        const at = hits[i + 1]!
        const kind = this.kinds[literal]
        const count = found.length
        if (kind === TOKEN) {
          const prefix = this.cased[literal]!
          if (prefix === null || startsAt(text, prefix, at))
            this.tokenAt(this.targets[literal] as CompiledToken, text, at, automaton.lengths[literal]!, found)
        } else if (kind === KEYWORD)
          this.keywordAt(this.targets[literal] as CompiledKeyed, text, at, automaton.lengths[literal]!, found)
        if (found.length > count) triggers.push(i)
      }
      const firstRead = found.length
      // An option of one dash at the string's start (`-password ...`, a command's arguments in a
      // member of their own): no character before it for the automaton to find it by.
      if (atStart && text.charCodeAt(0) === 45 && mayStartFlag(text, 0, 1)) {
        const option = flagAt(text, 0, isSecretName, 1)
        if (option !== undefined) {
          found.push({ start: option.start, end: option.end, detector: ASSIGNMENT_ID, verified: false })
          reach = Math.max(reach, option.end)
        }
      }
      atStart = false
      // A caller may pass one list as both (the decoded view's reading): its spans before this
      // chunk are then read through `found`, in order, like the rest.
      const others = taken === found ? NO_SPANS : taken
      claimed[0] = others
      claimed[1] = found
      // The first loop's spans join what names are judged against as their hits come (see below).
      let pending = before
      for (let i = 0; i < hits.length; i += 2) {
        const literal = hits[i]!
        const at = hits[i + 1]!
        const kind = this.kinds[literal]
        if (
          kind === TOKEN ||
          kind === KEYWORD ||
          kind === SCHEME ||
          (kind === FLAG && !mayStartFlag(text, at)) ||
          (kind === SHORT_FLAG && !mayStartFlag(text, at + 1, 1))
        )
          continue
        if (judgementsMade() >= maxJudgements) {
          if (!this.exhausted) {
            // Reported, and read on: names by their stems alone (a test of each operator's name
            // before it is read), values as before, up to twice the budget.
            this.exhausted = true
            readNamesCheaply()
          } else if (judgementsMade() >= 2 * maxJudgements) {
            // Past twice the budget (only a hostile string gets there: tens of thousands of values
            // under secret names), the rest of the string from this operator on is masked, never
            // let through.
            if (kind === OPERATOR ? mayNameSecretCheaply(text, at) : mayOptionBeSecretCheaply(text, at + 2)) {
              found.push({ start: at, end: text.length, detector: ASSIGNMENT_ID, verified: false })
              stopped = true
              break
            }
            continue
          }
        }
        if (
          this.exhausted &&
          (kind === OPERATOR ? !mayNameSecretCheaply(text, at) : !mayOptionBeSecretCheaply(text, at + 2))
        )
          continue
        // Values another span holds whole are not judged: their spans would give way to it. Past
        // a few dozen spans the test would cost more than it saves, once per pair (a log of
        // thousands of emails and `password=` pairs): such values are judged.
        const assigned =
          kind === FLAG
            ? flagAt(text, at, isSecretName)
            : kind === SHORT_FLAG
              ? flagAt(text, at + 1, isSecretName, 1)
              : assignmentAt(
                  text,
                  at,
                  isSecretName,
                  others.length + found.length <= MAX_CLAIMS ? claimed : NO_CLAIMS,
                )
        if (assigned === undefined) continue
        while (pending < firstRead && triggers[pending - before]! < i)
          reach = Math.max(reach, found[pending++]!.end)
        // A "name" another detector found is a secret itself (`AKIA...: note`), not a name. (Each
        // test reads every span only where one may reach the name: a string of thousands of
        // pairs is read in linear time.)
        if (
          !sweep.overlaps(assigned.nameStart, at) &&
          (reach <= assigned.nameStart ||
            !overlapsBefore(found, initial, before, firstRead, triggers, i, assigned.nameStart, at))
        ) {
          found.push({ start: assigned.start, end: assigned.end, detector: ASSIGNMENT_ID, verified: false })
          reach = Math.max(reach, assigned.end)
          const items = assigned.items
          if (items !== undefined)
            for (let k = 0; k < items.length; k += 2) {
              found.push({ start: items[k]!, end: items[k + 1]!, detector: ASSIGNMENT_ID, verified: false })
              reach = Math.max(reach, items[k + 1]!)
            }
        }
      }
      while (pending < firstRead) reach = Math.max(reach, found[pending++]!.end)
    } while (from < text.length && !stopped)
    sweep.clear()
    // Nothing of this string stays referenced: the runs read are let go.
    const runsRead = this.runsRead
    if (runsRead.length > 0) {
      for (const run of runsRead) run.text = ''
      emptyArray(runsRead)
    }
    // Nothing of this string stays referenced from module state once it is read.
    endValues()
    claimed[0] = NO_SPANS
    claimed[1] = NO_SPANS
    if (key !== null && this.keyedFormats.length > 0) {
      for (const compiled of this.keyedFor(key))
        collectAll(compiled.value, text, compiled.format.id, found, [])
    }
  }

  /** A keyed format's value after its keyword at `at` (`HEROKU_API_KEY = "..."`), if any. */
  private keywordAt(compiled: CompiledKeyed, text: string, at: number, length: number, found: Span[]): void {
    const end = at + length
    if (!mayAssignAfter(text, end) || !standsAlone(text, at, length)) return
    const sticky = compiled.assigned
    sticky.lastIndex = end
    const match = sticky.exec(text)
    if (match === null) return
    const valueEnd = match.index + match[0].length
    const valueStart = valueEnd - match[1]!.length
    if (!isPlaceholder(text, valueStart, valueEnd))
      found.push({ start: valueStart, end: valueEnd, detector: compiled.format.id, verified: false })
  }

  private tokenAt(compiled: CompiledToken, text: string, at: number, prefix: number, found: Span[]): void {
    if (at > 0) {
      const before = text.charCodeAt(at - 1)
      if (
        before < 128 &&
        compiled.boundary[before] === 1 &&
        !freeBefore(text, at, prefix, before, isPunctuation(text.charCodeAt(at + prefix - 1)))
      )
        return
    }
    const end =
      compiled.run === undefined ? this.tokenEnd(compiled, text, at) : this.runEnd(compiled, text, at, prefix)
    if (end === -2) return
    if (end !== -1 && !isPlaceholder(text, at + prefix, end)) {
      if (compiled.run !== undefined) this.runs.get(compiled)!.pushed = true
      const { id, checksum } = compiled.format
      found.push({
        start: at,
        end,
        detector: id,
        verified: checksum?.(text.slice(at, end)) === true,
      })
    }
  }

  /** Where the token that starts at `at` ends, by its pattern; -1 for none. */
  private tokenEnd(compiled: CompiledToken, text: string, at: number): number {
    const sticky = compiled.sticky
    sticky.lastIndex = at
    const match = sticky.exec(text)
    return match === null ? -1 : at + match[0].length
  }

  /**
   * {@link tokenEnd} of a format whose body is one run (see RunBody): the run after the prefix is
   * read once for every prefix inside it, and the pattern run once for the run's end; -2 for a
   * prefix after the first of a run a token ends (read, it would be a span inside that token's).
   */
  private runEnd(compiled: CompiledToken, text: string, at: number, prefix: number): number {
    const { chars, min, max } = compiled.run!
    const from = at + prefix
    let known = this.runs.get(compiled)
    if (known === undefined || known.text !== text || from < known.from || from > known.end) {
      let end = from
      while (end < text.length) {
        const code = text.charCodeAt(end)
        if (code >= 128 || chars[code] !== 1) break
        end++
      }
      if (known === undefined) {
        known = { text: '', from: 0, end: 0, outcome: Number.NaN, pushed: false }
        this.runs.set(compiled, known)
      }
      // Let go at the string's end (an entry a throw left holding an earlier string's text too).
      if (known.text !== text) this.runsRead.push(known)
      known.text = text
      known.from = from
      known.end = end
      known.outcome = Number.NaN
      known.pushed = false
    }
    // Too short, or too long: the boundary after the token holds every character of the run, so no
    // shorter reading ends where the boundary allows.
    const length = known.end - from
    if (length < min || length > max) return -1
    // The same for every prefix inside the run: the run ends there, then padding, then the boundary.
    if (Number.isNaN(known.outcome)) {
      const end = this.tokenEnd(compiled, text, at)
      known.outcome = end === -1 ? -1 : end - known.end
    } else if (known.pushed) {
      // A token was found from an earlier prefix of the run to the same end: this one lies inside
      // it (the overlaps keep the first), and is not judged again (its placeholder test reads to
      // the end: once per prefix, thousands of prefixes read a run of 16,000 characters each).
      // Not after a placeholder: the token after it may be real (`pypi-...XXXX-pypi-...`).
      return -2
    }
    return known.outcome === -1 ? -1 : known.end + known.outcome
  }

  /**
   * Whether a text of `length` characters whose automaton hits (literal, start) are `hits` may
   * hold a scheme's word (`Bearer`, `DPoP`, `SSWS`) a credential follows in text: one of them was
   * found, or the pass stopped before the text's end.
   */
  mayHoldScheme(hits: readonly number[], length: number): boolean {
    if (this.automaton.stoppedAt < length) return true
    for (let i = 0; i < hits.length; i += 2) if (this.kinds[hits[i]!] === SCHEME) return true
    return false
  }

  /** Whether a keyed format reads values of member `key` by its name (`heroku_api_key`: a UUID). */
  readsMember(key: string | null): boolean {
    return key !== null && this.keyedFormats.length > 0 && this.keyedFor(key).length > 0
  }

  private keyedFor(key: string): readonly CompiledKeyed[] {
    let list = this.byMember.get(key)
    if (list === undefined) {
      const lower = key.toLowerCase()
      list = this.keyedFormats
        .filter((f) =>
          f.keywords.some((k) => {
            for (let at = lower.indexOf(k); at !== -1; at = lower.indexOf(k, at + 1))
              if (standsAlone(key, at, k.length)) return true
            return false
          }),
        )
        .map(keyed)
      if (this.byMember.size < 4096) this.byMember.set(key, list)
    }
    return list
  }
}

function collectAll(
  pattern: RegExp,
  text: string,
  id: string,
  found: Span[],
  prefixes: readonly string[],
): void {
  // A placeholder in the format (glpat-XXXX...) is not a finding.
  collect(pattern, text, id, found, (value) => {
    const prefix = prefixes.find((p) => value.toLowerCase().startsWith(p.toLowerCase()))?.length ?? 0
    return !isPlaceholder(value.slice(prefix))
  })
}

/**
 * Whether a keyword found at `at` is a word of its own in a name, not letters inside another word:
 * `ETSY_KEY`, `etsy_key`, `myEtsyKey`, `Etsy`, but not `SetSysctl` or `ReactNativeCameraKit`. Its
 * letters are all lower case, all upper case, or capitalized; before it may stand a lower-case
 * letter or digit only when it starts with a capital (a camelCase hump).
 */
export function standsAlone(text: string, at: number, length: number): boolean {
  let upper = 0
  let lower = 0
  for (let i = at; i < at + length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 65 && c <= 90) {
      // A capital after a lower-case letter inside the keyword: another word starts there.
      if (lower > 0) return false
      upper++
    } else if (c >= 97 && c <= 122) {
      // A lower-case letter after two capitals (`ETsy`): not one word either.
      if (upper > 1) return false
      lower++
    }
  }
  const first = text.charCodeAt(at)
  if (at === 0 || (first >= 65 && first <= 90)) return true
  const before = text.charCodeAt(at - 1)
  return !((before >= 97 && before <= 122) || (before >= 48 && before <= 57))
}

/** `[\w.-]`: what the rest of a keyed format's name is made of (see ASSIGNMENT in compile.ts). */
const NAME_REST = classTable('\\w.-')
/** `[\s'"\x60\]]`, in ASCII: what may stand between that name and its operator. */
const GAP = classTable('\\s\'"\\x60\\]')
const WIDE_SPACE = /\s/

function isGap(code: number): boolean {
  return code < 128 ? GAP[code] === 1 : WIDE_SPACE.test(String.fromCharCode(code))
}

/**
 * Whether the assignment a keyed format reads after its keyword (`ASSIGNMENT` in compile.ts) can
 * start at `end`: the rest of a name (at most 24 of `[\w.-]`), at most three blanks or quotes,
 * then an operator's first character. The same test as the pattern's, without running it: a
 * provider's name in prose or a URL (`cloudflare.com/...`) is most of what the keywords meet.
 */
export function mayAssignAfter(text: string, end: number): boolean {
  const length = text.length
  let i = end
  const nameEnd = Math.min(length, end + 25)
  while (i < nameEnd) {
    const c = text.charCodeAt(i)
    if (!(c < 128 && NAME_REST[c] === 1)) break
    i++
  }
  if (i - end > 24) return false
  const gapEnd = Math.min(length, i + 3)
  while (i < gapEnd && isGap(text.charCodeAt(i))) i++
  if (i >= length) return false
  const c = text.charCodeAt(i)
  // `=`, `>`, `:`, `,`, `||`, `?=`.
  if (c === 61 || c === 62 || c === 58 || c === 44) return true
  const next = text.charCodeAt(i + 1)
  return (c === 124 && next === 124) || (c === 63 && next === 61)
}

/** What assignmentAt is told other detectors found: the structural detectors', then the scan's own. */
const claimed: [readonly Span[], readonly Span[]] = [[], []]
const NO_CLAIMS: readonly (readonly Span[])[] = []
const NO_SPANS: readonly Span[] = []
/** Spans of this reading {@link overlapsBefore} reads back, at most. */
const MAX_LOOKBACK = 64
/** Most spans {@link claimed} is read through, for each pair (see collect). */
const MAX_CLAIMS = 32

/**
 * {@link overlaps} over the spans of `found` from `from` (this call's) an in-order reading would
 * hold at hit `hit`: those found before this chunk, those of the first loop whose hit came earlier
 * (`triggers`, one per span from `firstFrom` to `firstTo`), and the assignments found since.
 */
function overlapsBefore(
  found: readonly Span[],
  from: number,
  firstFrom: number,
  firstTo: number,
  triggers: readonly number[],
  hit: number,
  start: number,
  end: number,
): boolean {
  // From the last found back: a name inside the value read just before it (`a: b: c: ...`) is
  // answered at once. Past the last MAX_LOOKBACK spans, none is read: a name then counts as one
  // (its value masked, never let through), and a string of thousands of pairs whose values reach
  // past the next names (`Authorization: Authorization: ...`) is read in linear time.
  const last = Math.max(from, found.length - MAX_LOOKBACK)
  for (let k = found.length - 1; k >= last; k--) {
    if (k >= firstFrom && k < firstTo && triggers[k - firstFrom]! > hit) continue
    const span = found[k]!
    if (span.start < end && span.end > start) return true
  }
  return false
}

/** Whether any span covers part of `[start, end)`. */
function overlaps(spans: readonly Span[], start: number, end: number): boolean {
  for (const span of spans) if (span.start < end && span.end > start) return true
  return false
}

/**
 * {@link overlaps} over one list of spans for ranges asked in order of their ends, as a string's
 * names are: the list sorted by start once, each span read once, however many names.
 */
class SpanSweep {
  private readonly sorted: Span[] = []
  /** The first span not yet read: every one before it starts before {@link lastEnd}. */
  private next = 0
  /** The furthest end of the spans read. */
  private reach = -1
  private lastEnd = -1

  /** Sweeps `spans` and the first `count` of `more`. */
  reset(spans: readonly Span[], more: readonly Span[], count: number): void {
    emptyArray(this.sorted)
    for (const span of spans) this.sorted.push(span)
    for (let k = 0; k < count; k++) this.sorted.push(more[k]!)
    if (this.sorted.length > 1) this.sorted.sort(byStart)
    this.next = 0
    this.reach = -1
    this.lastEnd = -1
  }

  /** Whether a span covers part of `[start, end)` (as {@link overlaps} says). */
  overlaps(start: number, end: number): boolean {
    const sorted = this.sorted
    // Out of order (not a case of the scan's hits): read the list whole.
    if (end < this.lastEnd) return overlaps(sorted, start, end)
    this.lastEnd = end
    while (this.next < sorted.length && sorted[this.next]!.start < end) {
      this.reach = Math.max(this.reach, sorted[this.next]!.end)
      this.next++
    }
    return this.reach > start
  }

  /** Lets the spans of the string read go. */
  clear(): void {
    emptyArray(this.sorted)
  }
}

const byStart = (a: Span, b: Span) => a.start - b.start
