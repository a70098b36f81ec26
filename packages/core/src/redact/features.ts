import { LiteralAutomaton } from './catalogue/automaton.js'
import { keyWords } from './keys.js'
import type { StringFeatures } from './types.js'
import { isCombiningMark, isCompat, isInvisible, mayRecastPair } from './unicode-forms.js'

// Character classes, each under 32 (the IBAN shape packs three of them in 15 bits). Class 0 is
// every other character: lower-case letters (most of any text), punctuation, non-ASCII.
const DIGIT = 1
const SPACE = 2
const SEPARATOR = 3 // ( ) /
const DOT = 4
const DASH = 5
const UPPER = 6
const AT = 7
const DOLLAR = 8
const UNDERSCORE = 9
const PLUS = 10
const COLON = 11
const ASSIGN = 12
const LOWER = 13
const FULLWIDTH = 14
const QUOTE = 15 // "
const ESCAPE = 16 // % &: percent-encoding, HTML entities
const BACKSLASH = 17
const CONTROL = 18 // U+0000-001F
const SURROGATE = 19 // U+D800-DFFF, paired or not
const FOLDED_SPACE = 20 // a space that does not break, a narrow one, a dash (asciiFold)
const FOLDED_DIGIT = 21 // a decimal digit of another script (asciiFold)
const INVISIBLE = 22 // a default-ignorable code point (unicode-forms.ts)
const COMPAT = 23 // a compatibility form NFKC turns into ASCII letters or digits (unicode-forms.ts)
const COMBINING = 24 // a combining mark (unicode-forms.ts): read otherwise only after ASCII
const CLASS_COUNT = 25

const CLASSES = new Uint8Array(128)
for (let c = 48; c <= 57; c++) CLASSES[c] = DIGIT
for (let c = 65; c <= 90; c++) CLASSES[c] = UPPER
for (let c = 97; c <= 122; c++) CLASSES[c] = LOWER
CLASSES[32] = SPACE
for (const c of '()/') CLASSES[c.charCodeAt(0)] = SEPARATOR
CLASSES[46] = DOT
CLASSES[45] = DASH
CLASSES[64] = AT
CLASSES[36] = DOLLAR
CLASSES[95] = UNDERSCORE
CLASSES[43] = PLUS
CLASSES[58] = COLON
CLASSES[61] = ASSIGN // =
CLASSES[62] = ASSIGN // >
CLASSES[34] = QUOTE
CLASSES[37] = ESCAPE
CLASSES[92] = BACKSLASH
for (let c = 0; c < 32; c++) CLASSES[c] = CONTROL
CLASSES[38] = ESCAPE

/** {@link StringFeatures.groups} when they cannot be relied on: every length. */
const ALL_GROUPS = -1

/**
 * The bits of {@link StringFeatures.groups} for runs of these lengths, made once by a detector:
 * `(f.groups & SSN) === SSN` where `SSN = digitGroups(3, 2, 4)` holds for 123-45-6789.
 */
export function digitGroups(...lengths: number[]): number {
  return lengths.reduce((bits, length) => bits | (1 << Math.min(length, 30)), 0)
}

/** Whether a character code is an ASCII digit. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

/** Whether a character code is an ASCII letter. */
export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

/** Whether a character code is an ASCII letter or digit. */
export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

/** Whether the digit at `at`, after a digit, ends two letters and two digits (`GB29`, `gb29`). */
function ibanStart(text: string, at: number): boolean {
  const c1 = text.charCodeAt(at - 1)
  const c2 = text.charCodeAt(at - 2)
  const c3 = text.charCodeAt(at - 3)
  // Letters of either case: an IBAN typed into a form is often in lower case.
  const l2 = c2 | 32
  const l3 = c3 | 32
  return c1 >= 48 && c1 <= 57 && l2 >= 97 && l2 <= 122 && l3 >= 97 && l3 <= 122
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// Reused for every string: the hot path allocates nothing. The features of one string are read
// before the next string is looked at (nothing re-enters in between).
const SCRATCH: Mutable<StringFeatures> = {
  length: 0,
  digits: 0,
  digitRun: 0,
  upper: 0,
  lower: 0,
  spaces: 0,
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
  quotes: 0,
  escapes: 0,
  base64Chars: 0,
  controls: 0,
  plainJson: false,
  recast: false,
  gates: 0,
  groups: 0,
}
const COUNTS = new Int32Array(CLASS_COUNT)

/**
 * Coarse facts of a string, one bit each ({@link StringFeatures.gates}): every detector declares
 * the bits of which its prefilter needs at least one ({@link Detector.requires}), so a string is
 * only offered to the detectors it could interest, without a call to each of them.
 */
export const GATE = {
  AT: 1 << 0,
  DOLLAR: 1 << 1,
  UNDERSCORE: 1 << 2,
  /** Two dots or more. */
  DOTS2: 1 << 3,
  COLON: 1 << 4,
  /** Five dashes or more. */
  DASH5: 1 << 5,
  /** A run of 6 digits or more ({@link StringFeatures.digitRun}). */
  RUN6: 1 << 6,
  RUN8: 1 << 7,
  /** Eight digits or more in all. */
  DIGITS8: 1 << 8,
  /** At least 14, 24, 37 characters. */
  LENGTH14: 1 << 9,
  LENGTH24: 1 << 10,
  LENGTH37: 1 << 11,
  /** Four capitals or more. */
  UPPER4: 1 << 12,
  /** Each bit set, for detectors with no cheaper gate. */
  ANY: (1 << 13) - 1,
} as const

/**
 * The ASCII character detectors read a non-ASCII one as, or -1: fullwidth forms (NFKC), spaces
 * that do not break or are narrow (U+00A0, U+2000-200A, U+202F, U+205F, U+3000: `4111\u00a01111...`
 * is a grouped card number), hyphens and dashes (U+2010-2015, U+2212), and the decimal digits of
 * other scripts ({@link DIGIT_ZEROS}). Each folds to one character: spans found in the folded text
 * are those of the text as written.
 */
export function asciiFold(code: number): number {
  if (code >= 0xff01 && code <= 0xff5e) return code - 0xfee0
  if (code === 0xa0 || code === 0x3000 || code === 0x202f || code === 0x205f) return 32
  if (code >= 0x2000 && code <= 0x200a) return 32
  // Hyphens and dashes that separate groups (`4111‑1111`, U+2010-2015, and the minus sign).
  if ((code >= 0x2010 && code <= 0x2015) || code === 0x2212) return 45
  if (code >= 0x660 && code <= 0x1049) {
    for (let i = 0; i < DIGIT_ZEROS.length; i++) {
      const zero = DIGIT_ZEROS[i]!
      if (code >= zero && code <= zero + 9) return code - zero + 48
    }
  }
  return -1
}

/**
 * The zero of each script's decimal digits detectors read as ASCII: Arabic-Indic, Eastern
 * Arabic-Indic (Persian, Urdu), Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu,
 * Kannada, Malayalam, Thai, Lao, Tibetan, Myanmar.
 */
const DIGIT_ZEROS = [
  0x660, 0x6f0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xe50, 0xed0, 0xf20, 0x1040,
]

/**
 * Whether a JSON number is an integer of 13 to 16 digits: what a card number stored as a number
 * (`{"pan": 4111111111111111}`: Visa 13 and 16, Diners 14, Amex 15) looks like. Such numbers are
 * read as their digits by the detectors (unless they are named as ids); every other number is
 * written as it is, unread. Longer ones lost digits to the double already.
 */
export function isLongInteger(value: number): boolean {
  return (value >= 1e12 ? value < 1e16 : value <= -1e12 && value > -1e16) && Number.isInteger(value)
}

/**
 * Whether `digits` (a number, or a string of digits only) under the member `key` is that member's
 * id or product code rather than a card: the member is named as an id, or a list of them (`id`,
 * `userId`, `order_id`, `ID`, `uid`, `guid`, `userIds`), or
 * as a product code (`gtin`, `ean13`, `upc`, `isbn`, `barcode`, `sku`) and the digits carry a
 * valid GS1 check digit (one EAN-13 from Germany in ten, `40...` to `44...`, passes a card's
 * checks; a card passes GS1's one time in ten). Never under a name that speaks of a card or an
 * account (`cardId`, `panId`, `paymentMethodId`, `accountId`): a card stored as an id is a card.
 */
export function namesIdOrCode(key: string | null, digits: string): boolean {
  const kind = idOrCodeName(key)
  return kind === 1 || (kind === 2 && gs1Valid(digits))
}

/**
 * What {@link namesIdOrCode} reads of the name alone: 1 for an id's name, 2 for a product code's
 * (the digits' GS1 check digit then decides), 0 for neither or a name that speaks of payment.
 */
export function idOrCodeName(key: string | null): 0 | 1 | 2 {
  if (key === null) return 0
  const id = ID_NAME.test(key)
  if (!id && !CODE_NAME.test(key)) return 0
  if (keyWords(key).some(isPaymentWord)) return 0
  return id ? 1 : 2
}

const PAYMENT_PARTS = ['card', 'account', 'payment', 'credit', 'debit', 'funding', 'instrument']

function isPaymentWord(word: string): boolean {
  return word === 'pan' || word === 'cc' || PAYMENT_PARTS.some((part) => word.includes(part))
}

/** GS1's check digit (EAN-8, UPC-A, EAN-13, GTIN-14): weights 3 and 1 from the right. */
function gs1Valid(digits: string): boolean {
  let sum = 0
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight) {
    const d = digits.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    sum += d * weight
  }
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48
}

const CODE_NAME =
  /(?:^|[^A-Za-z])(?:gtin|ean|upc|isbn|barcode|sku|GTIN|EAN|UPC|ISBN|BARCODE|SKU|Gtin|Ean|Upc|Isbn|Barcode|Sku)(?:\d{1,2})?[sS]?$|[a-z0-9](?:Gtin|GTIN|Ean|EAN|Upc|UPC|Isbn|ISBN|Barcode|Sku|SKU)(?:\d{1,2})?s?$/

const ID_NAME =
  /(?:^|[^A-Za-z])(?:id|uid|guid|uuid|ID|UID|GUID|UUID|Id|Uid|Guid|Uuid)[sS]?$|[a-z0-9](?:Id|Uid|Guid|Uuid|ID|UID|GUID|UUID)s?$/

/** The class of a character past ASCII, worked out (see {@link nonAscii}). */
function classOf(code: number): number {
  if (code >= 0xd800 && code <= 0xdfff) return SURROGATE
  // Fullwidth forms, digits and dashes included, are always read folded (one in a token is enough).
  if (code >= 0xff01 && code <= 0xff5e) return FULLWIDTH
  if (isInvisible(code)) return INVISIBLE
  if (isCompat(code)) return COMPAT
  if (isCombiningMark(code)) return COMBINING
  const folded = asciiFold(code)
  return folded < 0
    ? 0
    : folded === 32 || folded === 45
      ? FOLDED_SPACE
      : folded >= 48 && folded <= 57
        ? FOLDED_DIGIT
        : FULLWIDTH
}

/** {@link classOf} of every BMP code unit, built on the first character past ASCII read. */
let nonAsciiClasses: Uint8Array | undefined

/** The class of a character past ASCII: one load (text in other scripts reads its characters at ASCII's pace). */
function nonAscii(code: number): number {
  if (nonAsciiClasses === undefined) nonAsciiClasses = nonAsciiTable()
  return nonAsciiClasses[code]!
}

/**
 * Blocks outside which {@link classOf} is 0 for every character (most scripts' letters): only
 * these are worked out one by one.
 */
const CLASSED_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [0x80, 0x36f], // Latin-1 and Latin Extended: no-break space, soft hyphen, ª ² ³ ¹ º, ligatures; combining marks
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x660, 0x1049], // other scripts' digits
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5], // Khmer inherent vowels
  [0x180b, 0x180f], // Mongolian variation selectors
  [0x1ab0, 0x1aff], // combining marks
  [0x1d2c, 0x1dff], // phonetic superscripts, combining marks
  [0x2000, 0x24ff], // spaces, dashes, invisible marks, super- and subscripts, letterlike, enclosed
  [0x2c7c, 0x2c7d],
  [0x3000, 0x3000],
  [0x3164, 0x3164],
  [0x3250, 0x33ff],
  [0xa7f1, 0xa7f4],
  [0xd800, 0xdfff],
  [0xfb00, 0xfb29],
  [0xfe00, 0xfe6b],
  [0xfeff, 0xffff],
]

function nonAsciiTable(): Uint8Array {
  const table = new Uint8Array(0x10000)
  for (const [from, to] of CLASSED_BLOCKS) for (let c = from; c <= to; c++) table[c] = classOf(c)
  return table
}

/** An automaton's classes (high bits) with {@link CLASSES} (low 5 bits), per ASCII code. */
function packClasses(literalClasses: Uint8Array): Uint16Array {
  const packed = new Uint16Array(128)
  for (let code = 0; code < 128; code++) packed[code] = (literalClasses[code]! << 5) | CLASSES[code]!
  return packed
}

/** The automaton of no literal: the pass then only reads features (one state, never a hit). */
const NO_LITERALS = new LiteralAutomaton([])
const NO_LITERALS_PACKED = packClasses(NO_LITERALS.classes)
const NO_HITS: number[] = []

/** The packed classes of the automaton last read (a redactor has one; routes share it). */
let packedFor: LiteralAutomaton = NO_LITERALS
let packed: Uint16Array = NO_LITERALS_PACKED

/** Writes what a pass found into {@link SCRATCH}. */
function features(
  length: number,
  digitRun: number,
  ibanShape: boolean,
  groups: number,
  recast: boolean,
): StringFeatures {
  const counts = COUNTS
  const out = SCRATCH
  out.length = length
  out.digits = counts[DIGIT]!
  out.digitRun = digitRun
  out.upper = counts[UPPER]!
  out.lower = counts[LOWER]!
  out.spaces = counts[SPACE]!
  out.dots = counts[DOT]!
  out.dashes = counts[DASH]!
  out.colons = counts[COLON]!
  out.at = counts[AT]! > 0
  out.dollar = counts[DOLLAR]! > 0
  out.underscore = counts[UNDERSCORE]! > 0
  out.plus = counts[PLUS]! > 0
  out.assign = counts[ASSIGN]! > 0
  // Fullwidth forms are always read folded; spaces that do not break and other scripts' digits
  // only where they can make a number worth finding (prose with a U+00A0 before `?` is not).
  const digits = counts[DIGIT]! + counts[FOLDED_DIGIT]!
  out.fullwidth =
    counts[FULLWIDTH]! > 0 ||
    (counts[FOLDED_DIGIT]! > 0 && digits >= 6) ||
    (counts[FOLDED_SPACE]! > 0 && digits >= 6)
  out.ibanShape = ibanShape
  out.quotes = counts[QUOTE]!
  out.escapes = counts[ESCAPE]! + counts[BACKSLASH]!
  out.base64Chars =
    out.digits +
    out.upper +
    out.lower +
    out.dashes +
    counts[UNDERSCORE]! +
    counts[PLUS]! +
    counts[SEPARATOR]! +
    counts[ASSIGN]!
  out.controls = counts[CONTROL]!
  out.plainJson =
    counts[QUOTE] === 0 && counts[BACKSLASH] === 0 && counts[CONTROL] === 0 && counts[SURROGATE] === 0
  out.recast = recast
  // Detectors read escapes blanked (`%2D` as three spaces): digits inside them are no group there.
  out.groups = out.escapes > 0 ? ALL_GROUPS : groups
  let gates = 0
  if (out.at) gates |= GATE.AT
  if (out.dollar) gates |= GATE.DOLLAR
  if (out.underscore) gates |= GATE.UNDERSCORE
  if (out.dots >= 2) gates |= GATE.DOTS2
  if (out.colons > 0) gates |= GATE.COLON
  if (out.dashes >= 5) gates |= GATE.DASH5
  if (digitRun >= 6) gates |= digitRun >= 8 ? GATE.RUN6 | GATE.RUN8 : GATE.RUN6
  if (out.digits >= 8) gates |= GATE.DIGITS8
  if (length >= 14)
    gates |=
      length >= 37
        ? GATE.LENGTH14 | GATE.LENGTH24 | GATE.LENGTH37
        : length >= 24
          ? GATE.LENGTH14 | GATE.LENGTH24
          : GATE.LENGTH14
  if (out.upper >= 4) gates |= GATE.UPPER4
  out.gates = gates
  return out
}

/**
 * Strings this long or longer are read from a copy of their code units ({@link readUnits});
 * shorter, the copy's call (~50 ns) costs more than it saves.
 */
const COPY_FROM = 96
/** Code units per chunk read by {@link readUnits}. */
const CHUNK = 1 << 14
const UNIT_BYTES = Buffer.allocUnsafeSlow(CHUNK * 2)
/** The chunk of the string being read, as UTF-16 code units (lone surrogates included). */
const UNITS = new Uint16Array(UNIT_BYTES.buffer, UNIT_BYTES.byteOffset, CHUNK)
const BIG_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 0

/**
 * Copies the code units of `text` from `base` (up to {@link CHUNK} of them) into {@link UNITS};
 * returns how many. The copy is native and costs a few hundredths of a nanosecond per character;
 * reading the array instead of `charCodeAt` (which checks the string's representation at every
 * character) saves about half a nanosecond of each character's two.
 */
function readUnits(text: string, base: number, length: number): number {
  const chunk = Math.min(length - base, CHUNK)
  UNIT_BYTES.write(chunk === length ? text : text.slice(base, base + chunk), 0, chunk * 2, 'utf16le')
  if (BIG_ENDIAN) UNIT_BYTES.subarray(0, chunk * 2).swap16()
  return chunk
}

/** What a scan leaves beside {@link COUNTS}, read by {@link stringFeatures}. */
let digitRunOut = 0
let ibanShapeOut = false
let groupsOut = 0
let recastOut = false

/** The table of both classes for `automaton` (see {@link packClasses}), cached for the last one. */
function tableOf(automaton: LiteralAutomaton): Uint16Array {
  if (automaton === packedFor) return packed
  if (automaton === NO_LITERALS) return NO_LITERALS_PACKED
  // The one cache slot is kept for a redactor's automaton (the empty one has its own table).
  packed = packClasses(automaton.classes)
  packedFor = automaton
  return packed
}

/**
 * One pass over the string: the facts every prefilter reads, valid until the next call. With an
 * `automaton`, the same pass steps it and appends its occurrences to `hits` (literal index, start),
 * up to `limit` of them, then records where it stopped ({@link LiteralAutomaton.pause}): a string
 * is read once for both.
 */
export function stringFeatures(
  text: string,
  automaton: LiteralAutomaton = NO_LITERALS,
  hits: number[] = NO_HITS,
  limit = Number.POSITIVE_INFINITY,
): StringFeatures {
  const counts = COUNTS
  for (let k = 0; k < CLASS_COUNT; k++) counts[k] = 0
  const table = tableOf(automaton)
  const complete =
    text.length < COPY_FROM
      ? scanText(text, automaton, table, hits, limit)
      : scanUnits(text, automaton, table, hits, limit)
  // Rare (a string dense with literals): read again without the automaton, which is paused.
  if (!complete) return stringFeatures(text)
  return features(text.length, digitRunOut, ibanShapeOut, groupsOut, recastOut)
}

// The two scans below are one loop, specialised by where it reads characters from: `charCodeAt`
// (short strings) or the copied code units (the rest). A branch per character between the two
// cost a tenth of the pass on each kind; keep their bodies the same.

/** {@link stringFeatures}'s pass with `charCodeAt`; `false` when it stopped at `limit` hits. */
function scanText(
  text: string,
  automaton: LiteralAutomaton,
  table: Uint16Array,
  hits: number[],
  limit: number,
): boolean {
  const counts = COUNTS
  // The automaton's table holds each next state premultiplied by its width, negated (~) where
  // literals end: one load and one sign test per character on the common path.
  const step = automaton.step
  let digitRun = 0
  let run = 0
  let gap = 0
  let ibanShape = false
  let state = 0
  let found = 0
  let group = 0
  let groups = 0
  let recast = false
  const length = text.length
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    let next: number
    let kind: number
    if (code < 128) {
      // Both classes of each ASCII code in one load: the automaton's (high bits) and ours (low 5).
      const classes = table[code]!
      next = step[state + (classes >> 5)]!
      kind = classes & 31
    } else {
      next = step[state]!
      kind = nonAscii(code)
      if (!recast && (kind >= INVISIBLE || (kind === SURROGATE && mayRecastPair(code))))
        recast =
          kind === COMBINING
            ? i > 0 && marksValue(text.charCodeAt(i - 1))
            : recastsNear(text, i, kind === SURROGATE ? 2 : 1, kind === COMPAT)
    }
    counts[kind]!++
    if (kind === DIGIT) {
      // Two capitals and two digits (`GB29`), read back from the second digit.
      // Capitals end a run, so the second digit of an IBAN is the one seen with a run of 1.
      if (run === 1 && !ibanShape && i >= 3) ibanShape = ibanStart(text, i)
      if (++run > digitRun) digitRun = run
      gap = 0
      group++
    } else if (run !== 0) {
      // Just after digits: a group ends, separators may join the next digits to this run. Away
      // from digits (run 0, so no group open either) there is nothing to track: prose takes no
      // branch here at each word boundary.
      if (group !== 0) {
        groups |= 1 << Math.min(group, 30)
        group = 0
      }
      // A tab joins digits as a space does (a card written `4111\t1111\t...`).
      if ((kind >= SPACE && kind <= DASH) || code === 9) {
        if (++gap > 2) run = 0
      } else run = 0
    }
    if (next >= 0) state = next
    else {
      state = ~next
      found += automaton.hitsAt(state, i + 1, hits)
      if (found >= limit) {
        automaton.pause(i + 1, state)
        return false
      }
    }
  }
  automaton.pause(length, state)
  if (group !== 0) groups |= 1 << Math.min(group, 30)
  digitRunOut = digitRun
  ibanShapeOut = ibanShape
  groupsOut = groups
  recastOut = recast
  return true
}

/** {@link scanText}'s loop over the copied code units, a chunk at a time. */
function scanUnits(
  text: string,
  automaton: LiteralAutomaton,
  table: Uint16Array,
  hits: number[],
  limit: number,
): boolean {
  const counts = COUNTS
  const step = automaton.step
  const units = UNITS
  let digitRun = 0
  let run = 0
  let gap = 0
  let ibanShape = false
  let state = 0
  let found = 0
  let group = 0
  let groups = 0
  let recast = false
  const length = text.length
  for (let base = 0; base < length; base += CHUNK) {
    const chunk = readUnits(text, base, length)
    for (let k = 0; k < chunk; k++) {
      const code = units[k]!
      let next: number
      let kind: number
      if (code < 128) {
        const classes = table[code]!
        next = step[state + (classes >> 5)]!
        kind = classes & 31
      } else {
        next = step[state]!
        kind = nonAscii(code)
        if (!recast && (kind >= INVISIBLE || (kind === SURROGATE && mayRecastPair(code))))
          recast =
            kind === COMBINING
              ? base + k > 0 && marksValue(text.charCodeAt(base + k - 1))
              : recastsNear(text, base + k, kind === SURROGATE ? 2 : 1, kind === COMPAT)
      }
      counts[kind]!++
      if (kind === DIGIT) {
        if (run === 1 && !ibanShape && base + k >= 3) ibanShape = ibanStart(text, base + k)
        if (++run > digitRun) digitRun = run
        gap = 0
        group++
      } else if (run !== 0) {
        if (group !== 0) {
          groups |= 1 << Math.min(group, 30)
          group = 0
        }
        if ((kind >= SPACE && kind <= DASH) || code === 9) {
          if (++gap > 2) run = 0
        } else run = 0
      }
      if (next >= 0) state = next
      else {
        state = ~next
        found += automaton.hitsAt(state, base + k + 1, hits)
        if (found >= limit) {
          automaton.pause(base + k + 1, state)
          return false
        }
      }
    }
  }
  automaton.pause(length, state)
  if (group !== 0) groups |= 1 << Math.min(group, 30)
  digitRunOut = digitRun
  ibanShapeOut = ibanShape
  groupsOut = groups
  recastOut = recast
  return true
}

let plain = false

/**
 * {@link mayHoldSecret} of a string, decided in one cheap pass for the short strings that make up
 * most of a body (names, cities, words): `false` only when no clause can hold, so the full
 * {@link stringFeatures} pass runs only on strings that may need it. Strings of 24 characters or
 * more always pass.
 */
export function mayHoldSecretText(text: string): boolean {
  const n = text.length
  if (n >= 24) return true
  plain = true
  let digits = 0
  let upper = 0
  let dots = 0
  let dashes = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c >= 97 && c <= 122) continue // a-z
    if (c >= 128) {
      if (c >= 0xd800 && c <= 0xdfff) {
        plain = false // JSON.stringify escapes a lone surrogate
        // A pair may be a mathematical digit or letter (`𝟒`): counted as a digit.
        if (c <= 0xdbff && ++digits >= 8) return true
        continue
      }
      // What renders as nothing may split a value (a known secret, `Zq8vL\u200bm3TrX9pW`).
      if (isInvisible(c) || isCombiningMark(c)) return true
      // Compatibility forms of letters and digits (`④`, `²`) may end a known secret or a value.
      if (isCompat(c)) return true
      // Fullwidth forms are read as ASCII; other scripts' digits count as digits, spaces that
      // do not break as nothing.
      const folded = asciiFold(c)
      if (folded >= 48 && folded <= 57) {
        if (++digits >= 8) return true
      } else if (folded === 45) dashes++
      else if (folded > 32) return true
      continue
    }
    if (c >= 48 && c <= 57) {
      if (++digits >= 8) return true
    } else if (c >= 65 && c <= 90) upper++
    else if (c === 64 || c === 36 || c === 95 || c === 61 || c === 58 || c === 62)
      return true // @ $ _ = : > (an assignment in text)
    else if (c === 37 || c === 38 || c === 92)
      return true // % & \: an escape may stand for an @ (`ada%40x.io`, `ada\u0040x.io`)
    else if (c === 123 && i === 0 && n >= 14)
      return true // a directory's `{PLAIN}...`, `{CRYPT}...`
    else if (c === 46) {
      if (++dots >= 2) return true
    } else if (c === 45) {
      // `--` starts a command line's long option (`--password hunter2`), and a dash at the start
      // or after a blank or a quote one of one dash (`-token ...`).
      if (++dashes >= 2 && i > 0 && text.charCodeAt(i - 1) === 45) return true
      if (optionAt(text, i)) return true
    } else if (c === 34 || c < 32) plain = false
  }
  // National ids (a NINO's 6 digits), dashed MAC addresses, long ids.
  return dashes >= 5 || digits >= 6 || upper + digits >= 20
}

/** Whether the `-` at `at` may start a command line's option of one dash: at the start, or after a blank or a quote, and before a letter. */
export function optionAt(text: string, at: number): boolean {
  const before = at === 0 ? 32 : text.charCodeAt(at - 1)
  return (
    (before === 32 || before === 9 || before === 10 || before === 34 || before === 39) &&
    isAsciiLetter(text.charCodeAt(at + 1))
  )
}

/**
 * Whether the last {@link mayHoldSecretText} call that read its whole string found nothing JSON
 * escapes in it (no `"`, `\\`, control character or surrogate).
 */
export function lastTextPlain(): boolean {
  return plain
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

/** Whether the unit at `at` is the second of a surrogate pair. */
function isLowSurrogateAfterHigh(text: string, at: number): boolean {
  const c = text.charCodeAt(at)
  const high = text.charCodeAt(at - 1)
  return c >= 0xdc00 && c <= 0xdfff && high >= 0xd800 && high <= 0xdbff
}

/** Whether the code unit `c` is an ASCII letter or digit, or may be read otherwise itself. */
function joinsValue(c: number): boolean {
  if (c < 128) return isAsciiAlnum(c)
  if (c >= 0xd800 && c <= 0xdbff) return mayRecastPair(c)
  if (c >= 0xdc00 && c <= 0xdfff) return false // a pair's second unit: its first was read
  const kind = nonAscii(c)
  return kind === INVISIBLE || kind === COMPAT
}

/**
 * Whether a combining mark after the code unit `c` may hide a value from the first reading: after
 * printable ASCII or a space (`4\u0332`, `@\u0332`, `4111 \u0332...`), or after a character the
 * detectors fold or the second reading recasts (a no-break space, `④`), or another mark.
 */
function marksValue(c: number): boolean {
  if (c < 128) return c >= 32 && c < 127
  if (c >= 0xd800 && c <= 0xdfff) return false
  const kind = nonAscii(c)
  return kind === FOLDED_SPACE || kind === FOLDED_DIGIT || kind === FULLWIDTH || kind >= INVISIBLE
}

/** Superscripts, subscripts and ordinal indicators (`ª º ¹ ² ³ ⁰-⁹ ₀-₉`, modifier letters). */
function isScriptForm(code: number): boolean {
  return (
    code === 0xaa ||
    code === 0xba ||
    code === 0xb2 ||
    code === 0xb3 ||
    code === 0xb9 ||
    (code >= 0x2b0 && code <= 0x2e3) ||
    (code >= 0x1d2c && code <= 0x1dbf) ||
    (code >= 0x2070 && code <= 0x209c)
  )
}

/**
 * Whether the character a reader reads otherwise at `at` (invisible, a compatibility form, or a
 * pair that may be either) stands next to an ASCII letter or digit or another such character (a
 * compatibility form: next to a digit or another such, or between letters or digits):
 * only then can the second reading (the decoded view) find what the first did not. Emoji with
 * their variation selectors and joiners, a ZWNJ between Persian letters, a mark after a
 * parenthesis are not read twice.
 */
function recastsNear(text: string, at: number, width: number, compat: boolean): boolean {
  // A pair before it is read by its first unit.
  const back = at >= 2 && isLowSurrogateAfterHigh(text, at - 1) ? at - 2 : at - 1
  const before = back >= 0 ? text.charCodeAt(back) : 32
  const after = at + width < text.length ? text.charCodeAt(at + width) : 32
  // A superscript or subscript next to one letter (`m²`, `nº`, a unit or an ordinal) makes no
  // value: it needs a digit or another such form beside it (`3º`, `④①①`), or letters or digits on
  // both sides (`H₂O`). Other forms (`W⑫`, `ⓐ`) join a letter as an invisible character does.
  if (compat && isScriptForm(text.charCodeAt(at)))
    return (
      (before < 128 ? isDigit(before) : joinsValue(before)) ||
      (after < 128 ? isDigit(after) : joinsValue(after)) ||
      (isAsciiAlnum(before) && isAsciiAlnum(after))
    )
  return joinsValue(before) || joinsValue(after)
}
