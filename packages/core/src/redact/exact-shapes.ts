import { emptyArray } from '../lib/scratch-arrays.js'
import type { LiteralAutomaton } from './catalogue/automaton.js'
import { card as builtInCard, digitsOnlyCard } from './detectors/card.js'
import { email as builtInEmail, isFileExtension } from './detectors/email.js'
import { phone as builtInPhone } from './detectors/phone.js'
import { idOrCodeName, namesIdOrCode } from './features.js'
import type { Detector, Span } from './types.js'

/**
 * Whole values of the shapes a response carries most (a card number, an international phone
 * number, an email address, a bcrypt hash, each alone in its member), recognized by one pass over
 * the string instead of the features pass, every candidate's prefilter and a pattern.
 *
 * The answer is the one the detection loop gives, or no answer (the loop then runs as before):
 * the detector the shape names would take the whole string and its validator accepts it, and no
 * detector before it in the catalogue's order can match the whole of such a string (each is
 * listed below, with why). Whatever else would be found in the string then lies inside that span
 * and is dropped with it: the provider catalogue's literals, what a decoded view would show, a
 * shorter match of another detector. `exact-shapes.test.ts` checks that both give the same masks
 * and findings on generated strings of each shape and their near misses, with each detector set.
 */
export interface ExactShapes {
  /** The span of the whole `text` and the detector that finds it, or `null`: read it in full. */
  find(text: string, key: string | null): Span | null
  /**
   * Whether `text` is a UUID in one case (`3f2c...-...`, an id: leakguard masks no UUID by its
   * shape) in which no detector finds anything, nor a literal of the provider catalogue occurs.
   * The caller checks what reads a value by its member's name (keyed formats, rules).
   */
  isCleanId(text: string): boolean
}

/**
 * The detectors before `password-hash` in the catalogue's order: none takes a `$`, which a bcrypt
 * hash starts with.
 */
const BEFORE_PASSWORD_HASH = [
  'private-key',
  'jwt',
  'github-token',
  'slack-token',
  'stripe-key',
  'google-api-key',
  'npm-token',
  'aws-access-key',
  'aws-secret-key',
  'azure-ad-client-secret',
  'facebook-app-token',
]
/**
 * The detectors before `card` in the catalogue's order: none matches the whole of 12 to 19 digits
 * (each needs a letter, a symbol, or 32 characters and more: hex hashes, AWS secret keys).
 */
const BEFORE_CARD = [...BEFORE_PASSWORD_HASH, 'password-hash', 'hex-password-hash', 'crypto-wallet']
/**
 * The detectors before `email`: none takes an `@` but `url-password`, after a `scheme://` (an
 * email has no `:`); none but `email` and `phone` matches from a leading `+` (AWS secret keys take
 * `+`, in runs of 40 with no space).
 */
const BEFORE_EMAIL = [
  ...BEFORE_CARD,
  'card',
  'iban',
  'uk-nino',
  'us-ssn',
  'us-ssn-dotted',
  'us-ssn-bare',
  'us-itin',
  'aba-routing',
  'uk-nhs',
  'url-password',
]

/**
 * Per shape, the detectors that may stand before its own, each checked against that shape: any
 * other before it turns the shape off (a detector added to the catalogue later is read the long way
 * until it is checked and listed here).
 */
const MAY_PRECEDE: Readonly<Record<'card' | 'email' | 'phone' | 'password-hash', readonly string[]>> = {
  'password-hash': BEFORE_PASSWORD_HASH,
  card: BEFORE_CARD,
  email: BEFORE_EMAIL,
  phone: [...BEFORE_EMAIL, 'email'],
}

interface Active {
  readonly detector: Detector
}

/**
 * The shapes `detectors` (a redactor's, in order) can answer for. `automaton`: the provider
 * catalogue's literals, which a clean id must not hold.
 */
export function compileExactShapes(detectors: readonly Active[], automaton?: LiteralAutomaton): ExactShapes {
  const pick = (id: 'card' | 'email' | 'phone' | 'password-hash'): Detector | null => {
    const at = detectors.findIndex((d) => d.detector.id === id)
    if (at === -1) return null
    for (let i = 0; i < at; i++) if (!MAY_PRECEDE[id].includes(detectors[i]!.detector.id)) return null
    return detectors[at]!.detector
  }
  const card = pick('card')
  const email = pick('email')
  const phone = pick('phone')
  const hash = pick('password-hash')
  // A UUID's characters spell no literal of most catalogues; where one can, it is looked for.
  const hexLiterals = automaton !== undefined && spellsLiteral(automaton, '0123456789abcdefABCDEF-')
  return new Shapes(card, email, phone, hash, hexLiterals ? automaton : undefined)
}

/** Whether some literal of `automaton` is spelled with `chars` alone (a walk of its states on them). */
function spellsLiteral(automaton: LiteralAutomaton, chars: string): boolean {
  const classes = new Set<number>()
  for (let i = 0; i < chars.length; i++) classes.add(automaton.classes[chars.charCodeAt(i)]!)
  const seen = new Set([0])
  const queue = [0]
  while (queue.length > 0) {
    const state = queue.pop()!
    for (const c of classes) {
      const next = automaton.step[state + c]!
      if (next < 0) return true
      if (!seen.has(next)) {
        seen.add(next)
        queue.push(next)
      }
    }
  }
  return false
}

/** Hex digits: 1 lower case, 2 upper case, 3 digits (either case). */
const HEX = new Uint8Array(128)
for (let c = 48; c <= 57; c++) HEX[c] = 3
for (let c = 97; c <= 102; c++) HEX[c] = 1
for (let c = 65; c <= 70; c++) HEX[c] = 2

/** Code units 0-127 in an email's local part: letters, digits, `.`, `_`, `+`, `-` (no `%`: an escape). */
const LOCAL = new Uint8Array(128)
/** Letters, digits and `-`: a domain label. */
const LABEL = new Uint8Array(128)
for (let c = 48; c <= 57; c++) LOCAL[c] = LABEL[c] = 1
for (let c = 65; c <= 90; c++) LOCAL[c] = LABEL[c] = LOCAL[c + 32] = LABEL[c + 32] = 1
LOCAL[46] = LOCAL[95] = LOCAL[43] = LOCAL[45] = LABEL[45] = 1

/** Longest string answered here: longer ones are rare and read in full. */
const MAX_LENGTH = 128

class Shapes implements ExactShapes {
  /** The context validators get (a member name; reused, never kept by them). */
  private readonly context: { key: string | null } = { key: null }
  /** The member name last read for a card, and whether it names an id or a code (see namesIdOrCode). */
  private lastKey: string | null = null
  private lastKind = 0

  private readonly hits: number[] = []

  constructor(
    private readonly card: Detector | null,
    private readonly email: Detector | null,
    private readonly phone: Detector | null,
    private readonly hash: Detector | null,
    /** The catalogue's automaton when some literal is spelled with a UUID's characters. */
    private readonly hexLiterals: LiteralAutomaton | undefined,
  ) {}

  isCleanId(text: string): boolean {
    if (text.length !== 36) return false
    // 8-4-4-4-12 hex digits, in one case: a mixed-case one is left to the strict set's reading.
    let cases = 0
    for (let i = 0; i < 36; i++) {
      const c = text.charCodeAt(i)
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== 45) return false
        continue
      }
      const kind = c < 128 ? HEX[c]! : 0
      if (kind === 0) return false
      if (kind !== 3) cases |= kind
    }
    if (cases === 3) return false
    const automaton = this.hexLiterals
    if (automaton === undefined) return true
    if (automaton.scan(text, this.hits, 1) === 0) return true
    emptyArray(this.hits)
    return false
  }

  find(text: string, key: string | null): Span | null {
    const length = text.length
    if (length < 6 || length > MAX_LENGTH) return null
    this.context.key = key
    const first = text.charCodeAt(0)
    let detector: Detector | null
    if (first === 43) {
      detector = this.phone
      if (detector === null || !phoneShape(text, length)) return null
      // The built-in validator of a number led by `+` counts its 8 to 15 digits: the shape did.
      if (detector.validate === builtInPhone.validate)
        return { start: 0, end: length, detector: detector.id, verified: false }
    } else if (first === 36) {
      detector = this.hash
      if (detector === null || !bcryptShape(text, length)) return null
    } else if (first >= 48 && first <= 57 && length >= 12 && length <= 19 && this.card !== null) {
      detector = this.card
      if (detector.validate === builtInCard.validate) {
        // The digits are read once, for their shape and their checks (the built-in validator's).
        const valid = digitsOnlyCard(text, length)
        if (valid === -1) return this.emailAt(text, length)
        if (valid === 0 || this.idOrCode(key, text)) return null
        return { start: 0, end: length, detector: detector.id, verified: false }
      }
      for (let i = 1; i < length; i++) {
        const c = text.charCodeAt(i)
        if (c < 48 || c > 57) return this.emailAt(text, length)
      }
      if (this.idOrCode(key, text)) return null
    } else return this.emailAt(text, length)
    if (detector.validate !== undefined && !detector.validate(text, this.context)) return null
    return { start: 0, end: length, detector: detector.id, verified: false }
  }

  private emailAt(text: string, length: number): Span | null {
    const detector = this.email
    // No `@`: one native scan, not the loop below (ids, words).
    if (detector === null || text.indexOf('@') === -1 || !emailShape(text, length)) return null
    if (detector.validate === builtInEmail.validate) {
      // What the built-in validator checks beyond the shape: a file's name (`logo@2x.png`, a host
      // of one label and a file's extension for a top-level domain).
      if ((hostLabels === 2 || hostDigits) && isFileExtension(text, lastLabel)) return null
    } else if (detector.validate !== undefined && !detector.validate(text, this.context)) return null
    return { start: 0, end: length, detector: detector.id, verified: false }
  }

  /** The card detector's prefilter on a string of digits only: an id or a product code's name. */
  private idOrCode(key: string | null, digits: string): boolean {
    if (key !== this.lastKey) {
      this.lastKey = key
      this.lastKind = idOrCodeName(key)
    }
    return this.lastKind !== 0 && namesIdOrCode(key, digits)
  }
}

/** `.`, `/`, letters and digits: bcrypt's base64 alphabet. */
const CRYPT64 = new Uint8Array(128)
for (let c = 48; c <= 57; c++) CRYPT64[c] = 1
for (let c = 65; c <= 90; c++) CRYPT64[c] = CRYPT64[c + 32] = 1
CRYPT64[46] = CRYPT64[47] = 1

/**
 * A bcrypt hash whole: `$2`, `a`/`b`/`x`/`y` or nothing, `$`, a cost of two digits, `$`, then 53
 * characters of its base64 (`$2b$12$R9h/cIPz0gi.URNNX3kh2O...`): the password-hash pattern's
 * first form.
 */
function bcryptShape(text: string, length: number): boolean {
  let at = 2
  if (text.charCodeAt(1) !== 50) return false
  const variant = text.charCodeAt(2)
  if (variant === 97 || variant === 98 || variant === 120 || variant === 121) at = 3
  if (length !== at + 57 || text.charCodeAt(at) !== 36 || text.charCodeAt(at + 3) !== 36) return false
  const tens = text.charCodeAt(at + 1)
  const ones = text.charCodeAt(at + 2)
  if (tens < 48 || tens > 57 || ones < 48 || ones > 57) return false
  for (let i = at + 4; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 128 || CRYPT64[c] === 0) return false
  }
  return true
}

/**
 * `+`, a country code of 1-3 digits, a space, a group of 1-6 digits, then 1-5 groups of 1-8 digits
 * after single spaces, 8-15 digits in all: the phone pattern's second form, taken whole (`+44 7700
 * 900123`, `+1 415 555 2671`).
 */
function phoneShape(text: string, length: number): boolean {
  let digits = 0
  let group = 0
  let groups = 0
  for (let i = 1; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      digits++
      group++
      continue
    }
    if (c !== 32 || group === 0) return false
    // The country code, the first group, then the rest.
    if (group > (groups === 0 ? 3 : groups === 1 ? 6 : 8)) return false
    groups++
    group = 0
  }
  if (group === 0 || group > 8) return false
  groups++
  return groups >= 3 && groups <= 7 && digits >= 8 && digits <= 15
}

/**
 * Set by {@link emailShape}: the number of the host's labels, where its last one starts, and
 * whether every label before it is digits (a version: `react@18.2.0.tgz`).
 */
let hostLabels = 0
let lastLabel = 0
let hostDigits = false

/**
 * A local part of 1-64 of `[A-Za-z0-9._+-]` that neither starts with a dot nor holds two in a
 * row, `@`, then two or more labels of 1-63 letters, digits and dashes, each starting and ending
 * with a letter or a digit, the last one 2-24 letters: the email pattern, taken whole, in ASCII,
 * with what the built-in validator reads of the local part.
 */
function emailShape(text: string, length: number): boolean {
  let i = 0
  let previous = 46 // a leading dot reads as two in a row
  for (; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === 64) break
    if (c >= 128 || LOCAL[c] === 0 || (c === 46 && previous === 46)) return false
    previous = c
  }
  if (i === 0 || i > 64 || i === length) return false
  let labels = 0
  let start = i + 1
  let letters = true
  let digits = true
  let allDigits = true
  for (let j = start; j <= length; j++) {
    const c = j === length ? 46 : text.charCodeAt(j)
    if (c === 46) {
      const size = j - start
      if (size === 0 || size > 63 || text.charCodeAt(start) === 45 || text.charCodeAt(j - 1) === 45)
        return false
      labels++
      if (j === length) {
        hostLabels = labels
        lastLabel = start
        hostDigits = allDigits
        return labels >= 2 && letters && size >= 2 && size <= 24
      }
      allDigits &&= digits
      start = j + 1
      letters = true
      digits = true
      continue
    }
    if (c >= 128 || LABEL[c] === 0) return false
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) letters = false
    if (c < 48 || c > 57) digits = false
  }
  return false
}
