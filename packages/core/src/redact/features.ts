import type { LiteralAutomaton } from './catalogue/automaton.js'
import type { StringFeatures } from './types.js'

const DIGIT = 1
const SEPARATOR = 2 // space ( ) /
const DOT = 3
const DASH = 4
const UPPER = 5
const AT = 6
const DOLLAR = 7
const UNDERSCORE = 8
const PLUS = 9
const COLON = 10
const ASSIGN = 11

const CLASSES = new Uint8Array(128)
for (let c = 48; c <= 57; c++) CLASSES[c] = DIGIT
for (let c = 65; c <= 90; c++) CLASSES[c] = UPPER
for (const c of ' ()/') CLASSES[c.charCodeAt(0)] = SEPARATOR
CLASSES[46] = DOT
CLASSES[45] = DASH
CLASSES[64] = AT
CLASSES[36] = DOLLAR
CLASSES[95] = UNDERSCORE
CLASSES[43] = PLUS
CLASSES[58] = COLON
CLASSES[61] = ASSIGN // =
CLASSES[62] = ASSIGN // >

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// Reused for every string: the hot path allocates nothing. The features of one string are read
// before the next string is looked at (nothing re-enters in between).
const SCRATCH: Mutable<StringFeatures> = {
  length: 0,
  digits: 0,
  digitRun: 0,
  upper: 0,
  dots: 0,
  dashes: 0,
  colons: 0,
  at: false,
  dollar: false,
  underscore: false,
  plus: false,
  assign: false,
  fullwidth: false,
  ibanShape: false,
}

/**
 * One pass over the string: the facts every prefilter reads, valid until the next call. With an
 * `automaton`, the same pass steps it and appends its occurrences to `hits` (literal index, start),
 * up to `limit` of them, then records where it stopped ({@link LiteralAutomaton.pause}): a string
 * is read once for both.
 */
export function stringFeatures(
  text: string,
  automaton?: LiteralAutomaton,
  hits?: number[],
  limit = Number.POSITIVE_INFINITY,
): StringFeatures {
  let digits = 0
  let digitRun = 0
  let run = 0
  let gap = 0
  let upper = 0
  let dots = 0
  let dashes = 0
  let colons = 0
  let at = false
  let dollar = false
  let underscore = false
  let plus = false
  let assign = false
  let fullwidth = false
  let ibanShape = false
  // Classes of the last three characters, for the IBAN shape (two capitals, two digits).
  let c1 = 0
  let c2 = 0
  let c3 = 0
  let scanning = automaton !== undefined
  const delta = automaton?.delta
  const width = automaton?.width ?? 0
  const letters = automaton?.classes
  const outputs = automaton?.outputs
  const ends = automaton?.ends
  const lengths = automaton?.lengths
  let state = 0
  let found = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (scanning) {
      state = delta![state * width + (code < 128 ? letters![code]! : 0)]!
      let at = outputs![state]!
      if (at >= 0) {
        for (let index = ends![at]!; index >= 0; index = ends![++at]!) {
          hits!.push(index, i + 1 - lengths![index]!)
          found++
        }
        if (found >= limit) {
          scanning = false
          automaton!.pause(i + 1, state)
        }
      }
    }
    const kind = code < 128 ? CLASSES[code]! : 0
    if (code >= 0xff01 && code <= 0xff5e) fullwidth = true
    switch (kind) {
      case DIGIT:
        digits++
        run++
        gap = 0
        if (run > digitRun) digitRun = run
        if (c1 === DIGIT && c2 === UPPER && c3 === UPPER) ibanShape = true
        break
      case SEPARATOR:
      case DOT:
      case DASH:
        if (++gap > 2) run = 0
        if (kind === DOT) dots++
        else if (kind === DASH) dashes++
        break
      default:
        run = 0
        gap = 0
        if (kind === UPPER) upper++
        else if (kind === AT) at = true
        else if (kind === DOLLAR) dollar = true
        else if (kind === UNDERSCORE) underscore = true
        else if (kind === PLUS) plus = true
        else if (kind === COLON) colons++
        else if (kind === ASSIGN) assign = true
    }
    c3 = c2
    c2 = c1
    c1 = kind
  }
  if (scanning) automaton!.pause(text.length, state)
  const out = SCRATCH
  out.length = text.length
  out.digits = digits
  out.digitRun = digitRun
  out.upper = upper
  out.dots = dots
  out.dashes = dashes
  out.colons = colons
  out.at = at
  out.dollar = dollar
  out.underscore = underscore
  out.plus = plus
  out.assign = assign
  out.fullwidth = fullwidth
  out.ibanShape = ibanShape
  return out
}

/**
 * {@link mayHoldSecret} of a string, decided in one cheap pass for the short strings that make up
 * most of a body (names, cities, words): `false` only when no clause can hold, so the full
 * {@link stringFeatures} pass runs only on strings that may need it. Strings of 24 characters or
 * more always pass.
 */
export function mayHoldSecretText(text: string): boolean {
  const n = text.length
  if (n >= 24) return true
  let digits = 0
  let upper = 0
  let dots = 0
  let dashes = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c >= 97 && c <= 122) continue // a-z
    if (c >= 0xff01 && c <= 0xff5e) return true // fullwidth forms: read as ASCII
    if (c >= 48 && c <= 57) {
      if (++digits >= 8) return true
    } else if (c >= 65 && c <= 90) upper++
    else if (c === 64 || c === 36 || c === 95 || c === 61 || c === 58 || c === 62)
      return true // @ $ _ = : > (an assignment in text)
    else if (c === 46) {
      if (++dots >= 2) return true
    } else if (c === 45) dashes++
  }
  // National ids (a NINO's 6 digits), dashed MAC addresses, long ids.
  return dashes >= 5 || digits >= 6 || upper + digits >= 20
}

/**
 * Whether any built-in detector could match a string with these features: most strings (names,
 * cities, words) have none of the digits, symbols or length the catalogue needs, and skip it whole.
 * Each clause is what some detector's prefilter requires (digits: cards, IBANs, SSNs, phones, Slack
 * tokens; dashes: PEM armour; dots: JWTs, webhook URLs; capitals and digits: AWS ids; `=`, `>`, `:`:
 * a value assigned in text; length: the rest).
 */
export function mayHoldSecret(f: StringFeatures): boolean {
  return (
    f.digits >= 8 ||
    f.at ||
    f.dollar ||
    f.underscore ||
    f.assign ||
    f.colons > 0 ||
    f.dashes >= 5 ||
    f.digits >= 6 ||
    f.dots >= 2 ||
    f.upper + f.digits >= 20 ||
    f.length >= 24
  )
}
