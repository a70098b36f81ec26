import { isOptionSource } from '../../lib/option-source.js'
import { emptyArray } from '../../lib/scratch-arrays.js'
import { readsAsWord } from '../../lib/words.js'
import { highEntropy } from '../detectors/strict.js'
import { isAsciiLetter } from '../features.js'
import type { Span } from '../types.js'
import { isInvisible } from '../unicode-forms.js'
import { classTable } from './compile.js'
import { isPlaceholder } from './placeholder.js'

/**
 * Secrets assigned in text: `DB_PASSWORD=hunter2!`, `apiToken := "..."`, `<password>...</password>`,
 * `"client_secret" => '...'`, `System.setProperty("API_TOKEN", "...")`. The name before an
 * assignment operator is read back from the operator and judged by the member-name rule, so every
 * name that rule knows (abbreviations, other languages, your own words) is covered with no list of
 * its own here.
 */

/** Characters of a name in text: letters, digits, `_ - . $ @`. */
const NAME = new Uint8Array(128)
for (let c = 48; c <= 57; c++) NAME[c] = 1
for (let c = 65; c <= 90; c++) NAME[c] = 1
for (let c = 97; c <= 122; c++) NAME[c] = 1
for (const c of '_-.$@') NAME[c.charCodeAt(0)] = 1
/**
 * Characters an unquoted value may end at (see valueAfter): blanks, quotes, `;`, `,`, `)`, `}`, `]`,
 * `<` and `&` always; a backslash before `n`, `r` or `t`; an `=` that is not padding.
 */
const VALUE_STOP = new Uint8Array(128)
for (const c of ' \t\n\r"\'`;,)}]<&\\=') VALUE_STOP[c.charCodeAt(0)] = 1
/** Characters that continue an operator after its first: `:=`, `::=`, `=>`. */
const OPERATOR = new Uint8Array(128)
for (const c of ':=>') OPERATOR[c.charCodeAt(0)] = 1

const MAX_NAME = 64
/** Longest value read (AWS session tokens run to ~1,000 characters, some JWTs to several thousand). */
const MAX_VALUE = 8192
/**
 * Past ASCII, what a name in another script, or one written to slip past the rule, is made of:
 * letters (`contraseña`, a Cyrillic `а` standing for `a`), marks, digits, and the characters that
 * render as nothing (a zero-width space inside `pass\u200bword`). The member-name rule folds them.
 */
const WIDE_NAME = /[\p{L}\p{M}\p{N}\p{Cf}]/u
const isName = (code: number) => (code < 128 ? NAME[code] === 1 : WIDE_NAME.test(String.fromCharCode(code)))
const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13
/** Spaces past ASCII a writer may align an operator with: no-break, ideographic, the typographic ones. */
const isWideSpace = (code: number) =>
  code === 0xa0 || code === 0x3000 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f || code === 0x205f
const isQuote = (code: number) => code === 34 || code === 39 || code === 96

/**
 * Whether text before an operator reads as a name someone wrote (`DB_PASSWORD`, `apiToken`,
 * `x-api-key`), not as a value that happens to stand there: a token or an email followed by `:`
 * (`xoxb-0000...AApwAA: ok`) is not read for words, as a member name that is itself a secret is not.
 */
function looksLikeName(name: string): boolean {
  // Words, not punctuation: `$6$....Ns5.....` is the tail of a password hash.
  if (name.includes('@') || name.includes('..') || name.includes('$$')) return false
  let digits = 0
  let segment = 0
  let segmentDigits = 0
  // Whether digits stand inside the segment other than as a camelCase word's number (see below).
  let inner = false
  const length = name.length
  for (let i = 0; i < length; i++) {
    const code = name.charCodeAt(i)
    const digit = code >= 48 && code <= 57
    if (digit && ++digits >= 6) return false
    if (code === 45 || code === 95 || code === 46) {
      if (segment >= 12 && inner) return false
      segment = 0
      segmentDigits = 0
      inner = false
    } else {
      if (digit) segmentDigits++
      // A letter after a digit: inside a camelCase name, a capital starts the next word after a
      // word's number (`oauth2ClientSecret`, `s3SecretAccessKey`, `x509KeyPassword`); a small
      // letter, or a capital after a capital's number (`kT3vX9...`, `AKIA4NS5...`), reads as a token.
      else if (segmentDigits > 0 && isDigitCode(name.charCodeAt(i - 1)))
        inner ||= !(code >= 65 && code <= 90 && afterLowerWord(name, i))
      if (++segment > 24) return false
    }
  }
  // A long run mixing letters and digits is a token (`AKIAAA4NS5AAAA...`), not a word; camelCase
  // words with a number (`slackTokenRead2`, `oauth2ClientSecret`) are a name.
  return !(segment >= 12 && inner)
}

const isDigitCode = (code: number) => code >= 48 && code <= 57
const isLowerCode = (code: number) => code >= 97 && code <= 122
const isUpperCode = (code: number) => code >= 65 && code <= 90

/** The first character of the name that ends at `end` (a subscript's outer name), or 0. */
function outerFirst(text: string, end: number): number {
  let from = end
  while (from > 0 && end - from < MAX_NAME && isName(text.charCodeAt(from - 1))) from--
  return from < end ? text.charCodeAt(from) : 0
}

/**
 * Whether the digits before the capital at `at` end a word of two small letters or more, or of
 * one at the name's start (`oauth2`, `x509`, `s3`): the number of a camelCase word, not a token's.
 */
function afterLowerWord(name: string, at: number): boolean {
  let i = at
  while (i > 0 && isDigitCode(name.charCodeAt(i - 1))) i--
  if (at - i > 4) return false
  let letters = 0
  while (i > 0 && isLowerCode(name.charCodeAt(i - 1))) {
    i--
    letters++
  }
  return letters >= 2 || (letters === 1 && i === 0)
}

/**
 * Whether the string being read spent its budget (see {@link readNamesCheaply}): new names are
 * then judged by {@link CHEAP_NAME}, a test of a few hundred nanoseconds at most.
 */
let cheapNames = false

/**
 * Stems of secret names in English and the built-in locales, and of the abbreviations the
 * member-name rule knows (`psk`, `mdp`, `dek`, `dsn`, `pat`), anywhere in a name folded by
 * {@link cheaplySecret}: what names past a string's budget are judged by. It says yes to more
 * names than the rule does (`monkey`, `shipping`, `patch`): there only a value that reads as a
 * secret is masked.
 */
const CHEAP_NAME =
  /pas|pw|psk|psw|mdp|secr|segre|token|tok|jeton|key|kek|dek|auth|cred|zugang|sess|sid|cookie|pin|cvv|cvc|otp|private|jwt|bearer|signature|dsn|pat|mnemonic|seed|recovery|backup|connection|ssn|iban|card|dob|birth|saml|anmelde|kennwort|contrase|senha|wachtwoord|parol|clave|geheim/

/**
 * Past a string's budget, judges new names by their stems alone ({@link CHEAP_NAME}): the rest of
 * a long or hostile string is still read, at a bounded cost per operator, and a secret after
 * thousands of unique names (`-Wno-warn1 ... -Wno-warn6000 DB_PASSWORD=...`) is still masked.
 */
export function readNamesCheaply(): void {
  cheapNames = true
}

/**
 * Whether the name before the operator at `at` may be a secret's by its stems alone (see
 * {@link CHEAP_NAME}): the test each operator past a string's budget passes before it is read,
 * a walk back over the name and one search of it.
 */
export function mayNameSecretCheaply(text: string, at: number): boolean {
  // An element's name is read by elementBefore, whose cost is bounded already.
  if (text.charCodeAt(at) === 62) return true
  // An operator is read from its first character (see assignedAt): a run of them once.
  const before = at > 0 ? text.charCodeAt(at - 1) : 0
  if (before === 58 || before === 61) return false
  let end = at
  let skipped = 0
  while (end > 0 && skipped < MAX_GAP) {
    const code = text.charCodeAt(end - 1)
    if (!(isSpace(code) || isQuote(code) || code === 93 || code === 92 || code === 61 || code === 58)) break
    end--
    skipped++
  }
  let start = end
  while (start > 0 && end - start < MAX_NAME && isName(text.charCodeAt(start - 1))) start--
  return start < end && cheaplySecret(text, start, end)
}

/** {@link mayNameSecretCheaply} of a command line option's name, which starts at `start`. */
export function mayOptionBeSecretCheaply(text: string, start: number): boolean {
  let end = start
  while (end < text.length && end - start < MAX_NAME && isName(text.charCodeAt(end))) end++
  return end > start && cheaplySecret(text, start, end)
}

/**
 * {@link CHEAP_NAME} of the name from `start` to `end`, read as the member-name rule reads it in
 * part: small letters, leetspeak's digits and symbols as the letters they stand for (`DB_PA55WORD`,
 * `t0ken`), look-alike Cyrillic and Greek letters as Latin ones, and what renders as nothing
 * left out.
 */
function cheaplySecret(text: string, start: number, end: number): boolean {
  let folded = ''
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    const to = code < 128 ? CHEAP_FOLD[code]! : lookalike(code)
    if (to !== 0) folded += String.fromCharCode(to)
  }
  return CHEAP_NAME.test(folded)
}

/** ASCII as {@link cheaplySecret} reads it: letters in small case, leetspeak's digits and symbols as letters, 0 for what it drops. */
const CHEAP_FOLD = new Uint8Array(128)
for (let c = 97; c <= 122; c++) CHEAP_FOLD[c] = c
for (let c = 65; c <= 90; c++) CHEAP_FOLD[c] = c + 32
for (const [from, to] of ['0o', '1i', '3e', '4a', '5s', '7t', '8b', '@a', '$s', '!i', '|l', '2z', '9g', '6g'])
  CHEAP_FOLD[from!.charCodeAt(0)] = to!.charCodeAt(0)
for (const c of '_-. ') CHEAP_FOLD[c.charCodeAt(0)] = 95

/** A Cyrillic or Greek letter that looks like a Latin one, as that letter; other characters past ASCII as themselves, invisible ones as 0. */
function lookalike(code: number): number {
  const latin = LOOKALIKES.get(code)
  if (latin !== undefined) return latin
  return isInvisible(code) ? 0 : code
}

const LOOKALIKES = new Map<number, number>()
for (const [from, to] of [
  ['аАαΑ', 'a'],
  ['еЕεΕ', 'e'],
  ['оОοΟ', 'o'],
  ['рРρΡ', 'p'],
  ['сС', 'c'],
  ['уУ', 'y'],
  ['хХχΧ', 'x'],
  ['кКκΚ', 'k'],
  ['тТτΤ', 't'],
  ['нН', 'h'],
  ['вВβΒ', 'b'],
  ['мМ', 'm'],
  ['іІιΙ', 'i'],
  ['ѕЅ', 's'],
  ['ν', 'v'],
  ['Ν', 'n'],
] as const)
  for (const ch of from) LOOKALIKES.set(ch.charCodeAt(0), to.charCodeAt(0))

/** The names judged in the string being read (see {@link startValues}), whatever the rule's map holds. */
const namesInString = new Map<string, boolean>()

/** Names judged per rule (bounded): a text reads the same names again and again (`password=`, `token:`). */
const NAMES_JUDGED = new WeakMap<(name: string) => boolean, Map<string, boolean>>()
const MAX_NAMES_JUDGED = 4096
/** The rule last judged by, and its names: a redactor reads a whole body with one rule. */
let lastRule: ((name: string) => boolean) | null = null
let lastJudged = new Map<string, boolean>()

/**
 * Whether `name`, read before an operator, is a name someone wrote ({@link looksLikeName}), not an
 * authentication scheme's word, and a secret's by `isSecretName`: one lookup for a name seen before.
 */
function isSecretNameInText(name: string, isSecretName: (name: string) => boolean): boolean {
  if (isSecretName !== lastRule) {
    let names = NAMES_JUDGED.get(isSecretName)
    if (names === undefined) {
      names = new Map()
      NAMES_JUDGED.set(isSecretName, names)
    }
    lastRule = isSecretName
    lastJudged = names
    namesInString.clear()
  }
  const judged = lastJudged
  let secret = judged.get(name)
  if (secret === undefined && cheapNames) {
    // Past the string's budget: new names by their stems alone, at no charge.
    return (namesInString.get(name) ?? cheaplySecret(name, 0, name.length)) && looksLikeName(name)
  }
  if (secret === undefined) {
    // Judged in this string already (the rule's map may be full of other names): no charge.
    secret = namesInString.get(name)
    if (secret === undefined) {
      judgements += NAME_COST
      secret = looksLikeName(name) && !SCHEME_ONLY.test(name) && isSecretName(name)
      if (namesInString.size < MAX_NAMES_JUDGED) namesInString.set(name, secret)
    }
    // Full, the map starts again: names read often come back at once, and a body of new names
    // cannot keep them out for the life of the process.
    if (judged.size >= MAX_NAMES_JUDGED) judged.clear()
    judged.set(name, secret)
  }
  return secret
}

/** The `key="..."` attribute just before a `value=` one. */
const KEY_ATTRIBUTE = /\bkey\s*=\s*["']([^"'<>]{1,64})["']\s+$/i
/**
 * The `name="..."` attribute just before a `value=` one, in a configuration's element
 * (`<property name="password" value="..."/>`); not in an HTML form's, whose values the page sends
 * back (a form's CSRF `authenticity_token` must reach the browser as it is).
 */
const NAME_ATTRIBUTE = /<([A-Za-z][\w:.-]{0,40})\b[^<>]*?\bname\s*=\s*["']([^"'<>]{1,64})["']\s+$/i
const FORM_ELEMENTS = new Set([
  'input',
  'meta',
  'button',
  'option',
  'select',
  'textarea',
  'param',
  'output',
  'data',
])
/** A YAML `name: ...` line just before a `value:` one (Kubernetes' and ECS's environments). */
const NAME_LINE = /\bname\s*:\s*["']?([^"'\s]{1,64})["']?[ \t]*\r?\n[ \t]*(?:-[ \t]*)?$/

/**
 * Whether the `=` at `at` ends a base64 value that starts at `start`: followed by `=` or by the
 * value's end. Before a quote, only where base64 can end so (`...IQ=="`, or one `=` after 4n + 3
 * characters, the last with no bits past its byte): `DB_PASSWORD="..."`, `-credentials
 * password="..."` are a pair, whose value is read by its own operator.
 */
function isPadding(text: string, at: number, start: number): boolean {
  const next = at + 1 < text.length ? text.charCodeAt(at + 1) : 32
  if (isQuote(next)) return padded(text, start, at)
  return (
    next === 61 ||
    isSpace(next) ||
    next === 59 ||
    next === 44 ||
    next === 38 ||
    next === 125 ||
    // An XML element's closing tag (`<password>...==</password>`).
    next === 60
  )
}

/** Whether `text` from `start` to `end` is made of a name's characters only (`DB_PASSWORD`). */
function nameOnly(text: string, start: number, end: number): boolean {
  if (end === start) return false
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (!(code < 128 && NAME[code] === 1)) return false
  }
  return true
}

/** Whether the `=` at `at` can end base64 that starts at `start` (see {@link isPadding}). */
function padded(text: string, start: number, at: number): boolean {
  const last = text.charCodeAt(at - 1)
  return last === 61 || ((at - start) % 4 === 3 && last < 128 && ENDS_BEFORE_PADDING[last] === 1)
}

/** Base64's characters whose last two bits are zero: the last before one `=` of padding. */
const ENDS_BEFORE_PADDING = classTable('AEIMQUYcgkosw048')

/** A name as written before an inner `=`: letters, `_`, `.` and `-` (`JSESSIONID`, `connect.sid`). */
const PLAIN_WORD = /^[A-Za-z_][A-Za-z_.-]*$/

/**
 * Characters quoted values may still be read past {@link SHORT_VALUE} in the string being read:
 * four times its length (and 8 KiB), so that a string dense with opening quotes costs a bounded
 * multiple of its length, not a long read per operator. (Unquoted values are read once each.)
 */
let valueBudget = 0
/** The longest value read once {@link valueBudget} is spent. */
const SHORT_VALUE = 512

/** The unquoted value last read to its own end, in `readIn` (see {@link valueAfter}). */
let readIn: string | null = null
let readFrom = -1
let readTo = -1
let readStopped = false

/**
 * What the string being read has cost so far, in units of about a microsecond: a name judged for
 * the first time costs {@link NAME_COST} (the member-name rule reads its words, folds leetspeak
 * and looks for compounds), a value read and judged after a secret name {@link VALUE_COST}; an
 * operator with no name before it, or with a name judged before, costs nothing here (a lookup).
 * The literal scan bounds a string by this count, not by its operators: a long log's timestamps
 * and an HTML page's tags do not use up its budget.
 */
let judgements = 0
const NAME_COST = 4
const VALUE_COST = 1

/** What the string being read has cost so far (see {@link judgements}). */
export function judgementsMade(): number {
  return judgements
}

/** Starts reading the values of a new string of `length` characters. */
export function startValues(length: number): void {
  cheapNames = false
  valueBudget = 4 * length + 8192
  readIn = null
  judgements = 0
  if (namesInString.size > 0) namesInString.clear()
}

/** Ends the reading of a string: what this module kept of it (for reads within it) is let go. */
export function endValues(): void {
  cheapNames = false
  if (namesInString.size > 0) namesInString.clear()
  readIn = null
  cutIn = null
  acceptedIn = null
  claimedBy = NO_CLAIM
}

/** Blanks (spaces, tabs, line ends), quotes, `=` or backslashes read between an operator and its value. */
const MAX_GAP = 64

/** Where a value assigned by the operator at `at` starts and ends, and the quote around it (0: none). */
interface ValueRead {
  readonly start: number
  readonly end: number
  readonly quote: number
  /** Whether the value starts on a later line than its operator (YAML's nested mappings). */
  readonly nextLine: boolean
}

/**
 * Reads the value after the operator at `at`: past the rest of the operator, then past blanks
 * and quotes (aligned configuration: `password          = ...`), then to the value's end.
 * `undefined` when a quote opened is not closed on its line. A value longer than the limit is
 * read to the limit: what is read is masked, never let through because it is long.
 */
function valueAfter(text: string, at: number): ValueRead | undefined {
  let cursor = at + 1
  while (cursor - at < 4 && OPERATOR[text.charCodeAt(cursor)] === 1) cursor++
  let quote = 0
  let escaped = false
  let nextLine = false
  for (let n = 0; n < MAX_GAP && cursor < text.length; n++) {
    const code = text.charCodeAt(cursor)
    if (code === 10) nextLine = true
    if (isQuote(code)) {
      quote = code
      escaped = text.charCodeAt(cursor - 1) === 92
    } else if (
      !(
        isSpace(code) ||
        code === 61 ||
        code === 92 ||
        // Markdown's emphasis around a label (`**Password:** ...`).
        code === 42 ||
        // Characters that render as nothing, written between an operator and its value to hide it.
        (code > 127 && (isWideSpace(code) || isInvisible(code)))
      )
    )
      break
    cursor++
  }
  const start = cursor
  const limit = Math.min(text.length, start + (valueBudget > 0 ? MAX_VALUE : SHORT_VALUE))
  if (quote !== 0 && escaped) {
    // A value between escaped quotes (`\\"password\\":\\"letmein\\"`): it ends at the backslashes
    // before the closing quote.
    while (cursor < limit) {
      const code = text.charCodeAt(cursor)
      if (code === 92) {
        let run = cursor
        while (run < limit && text.charCodeAt(run) === 92) run++
        if (run < limit && text.charCodeAt(run) === quote) break
        // The run is the value's: read past it once (from each of its backslashes, a run of
        // thousands was read thousands of times).
        cursor = run
        continue
      }
      if (code === quote || code === 10 || code === 13) break
      cursor++
    }
    if (cursor < limit && text.charCodeAt(cursor) !== 92) return undefined
  } else if (quote !== 0) {
    while (cursor < limit) {
      const code = text.charCodeAt(cursor)
      if (code === quote || code === 10 || code === 13) break
      if (code === 92 && cursor + 1 < limit) cursor++ // an escaped character
      cursor++
    }
    if (cursor < limit && text.charCodeAt(cursor) !== quote) return undefined
  } else {
    const end = Math.min(text.length, start + MAX_VALUE)
    // Inside a value read before in this string, no stop lies between here and where that read
    // ended: every stop is the same from any start before it (an `=` stops only past the start,
    // and one at this start would have stopped that read here). So reading resumes there, and
    // operator-dense text (`password:password:...`) is read once, not once per operator.
    if (text === readIn && start > readFrom && start < readTo) {
      cursor = Math.min(readTo, end)
      if (readStopped || cursor === end) {
        return { start, end: cursor, quote, nextLine }
      }
    }
    while (cursor < end) {
      const code = text.charCodeAt(cursor)
      // One load for the characters of a value (most of them), the cases below for the rest.
      if (code < 128 && VALUE_STOP[code] === 1) {
        if (code === 92) {
          // An escaped line end or tab (`\n`, `\r`, `\t`); other backslashes are the value's
          // (before a quote, they are judged with it and left out of its span: see spanEnd).
          const next = text.charCodeAt(cursor + 1)
          if (next === 110 || next === 114 || next === 116) break
        } else if (code === 61) {
          // Another pair starts (`a=b=c`, `password=password=...`): base64 padding (`==`, `=`
          // at the end of the value) stays part of it.
          if (cursor > start && !isPadding(text, cursor, start)) break
        } else break // a space, a quote, `;`, `,`, a closing bracket, `<` or `&`
      }
      cursor++
    }
    readIn = text
    readFrom = start
    readTo = cursor
    // Whether it ended by itself (a stop, or the text's end), not at the length limit.
    readStopped = cursor < end || end === text.length
    return { start, end: cursor, quote, nextLine }
  }
  valueBudget -= cursor - start
  return { start, end: cursor, quote, nextLine }
}

/** Scheme words that are never a variable's name (`"tokenType":"Bearer",` in a quoted body). */
const SCHEME_ONLY = /^(?:bearer|basic|digest|negotiate|dpop|ssws)$/i
/** `Authorization` and `Proxy-Authorization`, however written: a scheme of any name comes first there. */
const AUTHORIZATION_NAME = /^(?:x[-_]?)?(?:proxy[-_]?)?authori[sz]ation$/i
/** A scheme's name: a word of letters, digits, `-` and `_`. */
const SCHEME_WORD = /^[A-Za-z][A-Za-z0-9_-]{1,23}$/
/** HTTP authentication schemes, written before the credential (`Authorization: Bearer ...`). */
const AUTH_SCHEME = /^(?:bearer|basic|token|digest|bot|ssws|apikey|negotiate|jwt|dpop)$/i

/**
 * A challenge's parameter after a scheme (`realm=`, `error="invalid_token"`, `username=`): a
 * lower-case word and `=`. Not base64 padding: `Basic YWRtaW46UzNjcjN0IQ==` is a credential.
 */
const CHALLENGE_PARAMETER = /^[a-z][a-z_-]{0,23}=(?!=)/

/** Three digits: what a PIN or a card's security code may be, too short for {@link looksLikeSecret}. */
const SHORT_CODE = /^\d{3}$/
/** Names of a card's security code or a PIN: `CVV`, `cvc2`, `card_pin`, `PIN code`. */
const SHORT_CODE_NAME = /(?:^|[^a-z])(?:cvv|cvc|cvn|cid|csc|pin)(?:2|code)?$/i
/** A constant's name, not its value: `access_token=ACCESS_TOKEN`. */
const CONSTANT = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/

/** Values that say there is no secret: placeholders, references, booleans, masks. */
const PLACEHOLDER =
  /^(?:true|false|null|nil|none|undefined|empty|required|optional|invalid|missing|changed|redacted|hidden|secret|password|token|string|example|xxx+|\*+|\.+|-+|#+)$/i
// A variable (`$DB_PASSWORD`, `$HOME/.pgpass`, `$$DB_PASSWORD` escaped for Compose or make) is a
// name and what may end one: a password such as `$ecretP4ss!` runs on into characters no
// variable's name has, and holds symbols no path after a variable does (`$ecret-P4ss!`, see
// PASSWORD_SYMBOL).
const REFERENCE =
  /^(?:\$\{|\$\(|\$\$[A-Za-z_{(]|\{|%[A-Za-z_(]|<[A-Za-z%]|\$[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_!#%^&*+=~?]|@(?!\$))|process\.env|os\.environ|ENV\[|\[REDACTED|\[MASKED|%5BREDACTED|%5BMASKED)/i

/** A value led by a variable's name (`$ecret...`), not `${...}`, `$(...)` or `$$`. */
const VARIABLE_LED = /^\$[A-Za-z_]/
/** Symbols a password holds and a variable followed by a path does not (`$ecret/P4ss!`, `$pa$$w0rd!`). */
const PASSWORD_SYMBOL = /[!#%^&*+=~?\\]|\$\$/

/** A found assignment: where the value starts and ends, and the name it was assigned to. */
export interface Assigned {
  readonly start: number
  readonly end: number
  readonly name: string
  /** Where the name starts (the variable's, for a typed declaration). */
  readonly nameStart: number
  /**
   * A list's other items, as pairs of start and end (`tokens: [a, b]`): masked with the first,
   * `start` to `end`, as a JSON array under a secret's name is masked whole.
   */
  readonly items?: readonly number[]
}

/**
 * Reads the assignment whose operator is at `at` (an `=`, `:`, `>` or `,` found in `text`): the
 * name before it and, when `isSecretName` accepts the name, the value after it. `undefined` when
 * there is none, or when the value is empty, a placeholder or a reference (`${DB_PASSWORD}`,
 * `process.env.X`).
 */
export function assignmentAt(
  text: string,
  at: number,
  isSecretName: NameRule,
  /**
   * Spans other detectors found (sorted or not): a value one of them holds whole is not judged,
   * since its span would give way to theirs (see the literal scan, which reads tokens first).
   */
  claimed: Claimed = NONE_CLAIMED,
): Assigned | undefined {
  const found = assignedAt(text, at, isSecretName, claimed)
  if (found === undefined || isSecretName.accepts === undefined) return found
  return accepted(text, found, isSecretName.accepts) ? found : undefined
}

/**
 * The member-name rule as assignments in text read it: whether a name says the value assigned to
 * it is secret, and, for names that say so only of some values (`session: ...` is a session's
 * token, `session:duration:p95:ms` a metric's name), whether this value is one.
 */
export type NameRule = ((name: string) => boolean) & {
  readonly accepts?: (name: string, value: string) => boolean
}

/** Lists of spans found by other detectors in the text being read. */
export type Claimed = readonly (readonly Span[])[]
const NONE_CLAIMED: Claimed = []

/**
 * Whether a value between `start` and `end` is held whole by a span of `claimed`: a value another
 * detector found (a provider's token) gives way to it, and is not judged again here. Not a value
 * before a blank, unquoted: a scheme's word there (`Bearer`) leads to the credential after it.
 */
function isClaimedValue(text: string, quote: number, start: number, end: number, claimed: Claimed): boolean {
  if (claimed.length === 0 || start === end) return false
  if (quote === 0 && (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9)) return false
  // Not a generic high-entropy run: it gives way to any other finding of the same span.
  for (const spans of claimed)
    for (const span of spans)
      if (span.start <= start && span.end >= end && span.detector !== GENERIC_ID) {
        claimedBy = span
        claimedByStructural = spans === claimed[0]
        return true
      }
  return false
}

/** The span the last {@link isClaimedValue} call that answered yes found holding the value. */
const NO_CLAIM: Span = { start: 0, end: 0, detector: '', verified: false }
let claimedBy: Span = NO_CLAIM
/** Whether {@link claimedBy} is one of the first list's (the structural detectors', see Claimed). */
let claimedByStructural = false

/**
 * The assignment of a value a structural detector's span holds ({@link claimedBy}), unjudged: its
 * span is that span's, so that it ties with it. The detector names the value and its mask
 * applies, but whole (see resolveOverlaps in engine.ts): under a secret name, an IBAN's last four
 * are a secret's. A provider's token (the scan's own spans) keeps its tie as it is: its label is
 * its mask, and a span for each of the thousands a body may hold would cost a tenth of the scan.
 */
function claimedAssignment(name: string, nameStart: number): Assigned | undefined {
  if (!claimedByStructural) return undefined
  return { start: claimedBy.start, end: claimedBy.end, name, nameStart }
}

/**
 * What a name rule's `accepts` says of an assignment, judging the value's first
 * {@link SHORT_VALUE} characters, and once for a name and value met again in the same string: a
 * value another detector holds may be that detector's whole span (a private key's armour with no
 * end runs to the end of the string), and every operator inside it would read it all again.
 */
function accepted(text: string, found: Assigned, accepts: (name: string, value: string) => boolean): boolean {
  if (
    text === acceptedIn &&
    found.start === acceptedFound.start &&
    found.end === acceptedFound.end &&
    found.name === acceptedFound.name
  )
    return acceptedWas
  acceptedIn = text
  acceptedFound = found
  acceptedWas = accepts(found.name, text.slice(found.start, Math.min(found.end, found.start + SHORT_VALUE)))
  return acceptedWas
}

/** The last assignment {@link accepted} judged, in the string being read (see endValues). */
let acceptedIn: string | null = null
let acceptedFound: Assigned = { start: 0, end: 0, name: '', nameStart: 0 }
let acceptedWas = false

/** The generic detector (`strict` set), which loses a tie to every other (see resolveOverlaps). */
const GENERIC_ID = highEntropy.id

function assignedAt(
  text: string,
  at: number,
  isSecretName: (name: string) => boolean,
  claimed: Claimed,
): Assigned | undefined {
  const op = text.charCodeAt(at)
  // Each operator is read once, from its first character: `:=`, `::=`, `=>` from the `:` or `=`;
  // `?=`, `+=` and PHP's ` .=` from the `=`, with the name read before their first character.
  let opStart = at
  const before = at > 0 ? text.charCodeAt(at - 1) : 0
  if (before === 58 || before === 61) return undefined
  if (op === 61 && (before === 63 || before === 43)) opStart = at - 1
  else if (op === 61 && before === 46 && at > 1 && isSpace(text.charCodeAt(at - 2))) opStart = at - 1
  // The name: back over up to MAX_GAP quotes, blanks, `]` or backslashes (`\\"password\\":`, or the
  // blanks escapes leave), then name characters.
  let end = opStart
  let start = end
  let nameAt = -1
  if (op === 62) {
    // `<password>value`, `<wsse:Password Type="...">value`, `<entry key="password">value`.
    if (!elementBefore(text, at)) return undefined
    start = elementStart
    end = elementEnd
  } else {
    let skipped = 0
    while (end > 0 && skipped < MAX_GAP) {
      const code = text.charCodeAt(end - 1)
      if (
        !(isSpace(code) || isQuote(code) || code === 93 || code === 92 || (code > 127 && isWideSpace(code)))
      )
        break
      end--
      skipped++
    }
    // `"API_TOKEN", "value"`: a comma counts only after a quoted name.
    if (op === 44 && !(end < opStart && isQuote(text.charCodeAt(end)))) return undefined
    start = end
    while (start > 0 && end - start < MAX_NAME && isName(text.charCodeAt(start - 1))) start--
    // A subscript (`api_keys[]=...`, `password[0]=...`, `token[prod]=...`, Spring's
    // `passwords[0]=...`): the name before the brackets, unless the one inside is a secret's
    // (`config[password] = ...`).
    if (
      op !== 44 &&
      text.charCodeAt(start - 1) === 91 &&
      (start === end ||
        (text.charCodeAt(end) === 93 &&
          // An index or a form's parameter (`password[0]=`, `token[prod]=`), a type's parameter
          // (`Optional[str] =`); not code's variable (`passwords[user] = ...`).
          (allDigits(text, start, end) || end + 1 === opStart || isUpperCode(outerFirst(text, start - 1))) &&
          !isSecretNameInText(text.slice(start, end), isSecretName)))
    ) {
      const outer = start - 1
      let from = outer
      while (from > 0 && outer - from < MAX_NAME && isName(text.charCodeAt(from - 1))) from--
      if (from < outer) {
        start = from
        end = outer
      }
    }
    if (start === end) return undefined
  }
  // `setProperty("API_TOKEN", "value")`: a comma counts only as the first argument of a call
  // (`"auth","token_uri"` in JSON text is two strings, not a name and a value).
  if (op === 44) {
    let open = start - 1 // the quote before the name
    while (open > 0 && isSpace(text.charCodeAt(open - 1))) open--
    if (!(open > 0 && isQuote(text.charCodeAt(start - 1)) && text.charCodeAt(open - 1) === 40))
      return undefined
  }
  let name = text.slice(start, end)
  if (name === 'value' || name === 'Value') {
    // .NET and Java configuration: `<add key="DbPassword" value="..." />`, `<property
    // name="password" value="..."/>`, the name in the attribute before; a YAML environment's
    // `- name: DB_PASSWORD` then `value: ...`, the name on the line before.
    const before = text.slice(Math.max(0, start - 96), start)
    if (op === 61) {
      const keyed = KEY_ATTRIBUTE.exec(before)
      const named = keyed === null ? NAME_ATTRIBUTE.exec(before) : null
      if (keyed !== null) name = keyed[1]!
      else if (named !== null && !FORM_ELEMENTS.has(named[1]!.toLowerCase())) name = named[2]!
    } else if (op === 58) {
      const named = NAME_LINE.exec(before)
      if (named !== null) name = named[1]!
    }
  }
  const label =
    (op === 58 || op === 61) && !isSecretNameInText(name, isSecretName)
      ? labelStart(text, start, end, isSecretName)
      : -1
  if (label !== -1) {
    // A label of words (`API Key: ...`, `Private Key = ...`, `Mot de passe : ...`).
    name = text.slice(label, end)
    nameAt = label
  } else if (!isSecretNameInText(name, isSecretName)) {
    // A typed declaration names the variable before its type: `var apiToken string = "..."`,
    // `var apiToken: String = "..."`.
    let typeStart = start
    while (typeStart > 0 && start - typeStart < 3) {
      const code = text.charCodeAt(typeStart - 1)
      if (!(code === 32 || code === 9 || code === 58)) break
      typeStart--
    }
    // Only before `=`: after `:` the word before is prose (`API Token https://...`).
    if (typeStart === start || op !== 61) return undefined
    let nameStart = typeStart
    while (nameStart > 0 && typeStart - nameStart < MAX_NAME && isName(text.charCodeAt(nameStart - 1)))
      nameStart--
    name = text.slice(nameStart, typeStart)
    nameAt = nameStart
    // In logfmt (`grant_type=password client_id=x`) the word before is another pair's value; in
    // a start tag (`<password type="text">`), the element's name, whose value the `>` reads.
    const prior = nameStart > 0 ? text.charCodeAt(nameStart - 1) : 0
    if (prior === 61 || prior === 58 || prior === 60) return undefined
    // `Bearer error="invalid_token"` is a challenge, not a variable typed `error`.
    if (nameStart === typeStart || !isSecretNameInText(name, isSecretName)) return undefined
  }
  judgements += VALUE_COST
  let read = valueAfter(text, at)
  if (read === undefined) return undefined
  // A type, not a value (`password: Optional[str] = "..."`, `apiKeys: string[] = [...]`): the
  // `=` after it assigns the value, to this name (see the typed declarations above).
  if (op === 58 && read.quote === 0 && typeBefore(text, read.end)) return undefined
  const nameStart = nameAt === -1 ? start : nameAt
  // An element's text in a CDATA section (`<password><![CDATA[...]]></password>`).
  if (op === 62 && text.startsWith(CDATA, read.start)) {
    let value = read.start + CDATA.length
    let end = cdataEnd(text, value)
    if (end === -1) return undefined
    // Read as the element's own text is: past blanks, to its first blank after them (prose is
    // words, not a value).
    while (value < end && isSpace(text.charCodeAt(value))) value++
    for (let i = value; i < end; i++)
      if (isSpace(text.charCodeAt(i))) {
        end = i
        break
      }
    return judgeValue(text, op, 0, value, end, name, nameStart)
  }
  // An element's text holds its `&` as an entity (`Hunter2&amp;pass`): read through them.
  if (op === 62 && read.quote === 0 && read.end > read.start && text.charCodeAt(read.end) === 38)
    read = { ...read, end: throughEntities(text, read.end) }
  // A singular name's value with commas in it (`JWT_SECRET=abc,def`): one value to its last comma
  // that no pair follows (`user=bob,password=...` ends before the pair).
  if (
    read.quote === 0 &&
    (op === 61 || op === 58) &&
    text.charCodeAt(read.end) === 44 &&
    read.end > read.start &&
    !isSpace(text.charCodeAt(read.end + 1)) &&
    !isPluralName(name) &&
    valueBudget > 0
  ) {
    emptyArray(ITEMS)
    joinedItems(text, read.start)
    // Not settings joined by commas (`token: read,write`, `cookie: Secure,HttpOnly`).
    let value = false
    for (let i = 0; i < ITEMS.length && !value; i += 2)
      value = itemMayBeSecret(text, ITEMS[i]!, ITEMS[i + 1]!)
    if (ITEMS.length > 2 && value) read = { ...read, end: ITEMS[ITEMS.length - 1]! }
  }
  if (read.quote === 0) {
    const list = listAfter(text, op, read, name, nameStart)
    if (list !== undefined) return list === NO_LIST ? undefined : list
  }
  // A phrase of words is the value of a name for one (`mnemonic: abandon ability able ...`,
  // `passphrase: correct horse battery staple`): read to the end of its line, not its first blank.
  if (read.quote === 0 && !read.nextLine && isSpace(text.charCodeAt(read.end)) && PHRASE_NAME.test(name)) {
    const end = phraseEnd(text, read.end)
    if (end > read.end) read = { ...read, end }
  }
  // A pair inside the value (`Cookie: SID=...`, `token: access_token=...`, YAML's
  // `auth:\n  password: ...`, chains of them): what stands first is an inner name (a plain word),
  // and the secret is the innermost value, which the detectors may also find (a card, an IBAN:
  // their spans start there too, and the longer wins). Where that value is no secret
  // (`password: Xk9mQ2vL: use it`), the value as first read is judged instead: with `=`, whole
  // (`correct-horse=battery`); with `:`, up to the `:`.
  let inner = read
  let merged = read.start
  let extendFrom = -1
  for (let depth = 0; depth < 3 && inner.quote === 0 && inner.end > inner.start; depth++) {
    const end = inner.end
    const equals = text.charCodeAt(end) === 61
    const operator = equals
      ? end
      : text.charCodeAt(end - 1) === 58 && isSpace(text.charCodeAt(end))
        ? end - 1
        : -1
    if (operator === -1) break
    // Before `:`, an inner name is a plain word, or any key on a line of its own (YAML:
    // `serviceAccountToken:` then `  fn::secret: ...`). Before `=`, a word that is not plain
    // (`Secr3t=Value123`): both parts are the value, whole.
    const innerName = equals ? '' : text.slice(inner.start, operator)
    if (!equals && !inner.nextLine && !PLAIN_WORD.test(innerName)) break
    const nested = valueAfter(text, operator)
    if (nested === undefined || nested.end === nested.start) break
    if (!equals) {
      merged = nested.start
      // The inner value decides; where it is a secret, a word before it on the same line may be
      // the secret's first part (`secret: Quiet-Harbor_Lantern: AZ21...`) and goes masked with it,
      // unless that word is a key (a YAML mapping's, on a line of its own) or a secret's own name
      // (`credentials: password: ...`).
      extendFrom = inner.nextLine || isSecretNameInText(innerName, isSecretName) ? -1 : read.start
    }
    inner = nested
  }
  if (inner !== read) {
    // Judged even where another detector holds it: a value the judge turns away (a password
    // hash that reads as a reference, a card of repeated digits) sends the reading back to the
    // value before it, which may be the secret (`password: Summer-Breeze: $apr1$...`).
    let found = judgeValue(text, op, inner.quote, merged, inner.end, name, nameStart)
    if (found !== undefined && extendFrom !== -1) found = { ...found, start: extendFrom }
    if (found !== undefined)
      // Held whole by another detector's span, it is theirs: this span would give way to it.
      return isClaimedValue(text, inner.quote, found.start, found.end, claimed)
        ? claimedAssignment(name, nameStart)
        : found
    // A key on a line of its own is a nested mapping's, never a value.
    if (read.nextLine && merged !== read.start) return undefined
  }
  if (isClaimedValue(text, read.quote, read.start, read.end, claimed))
    return claimedAssignment(name, nameStart)
  return judgeValue(text, op, read.quote, read.start, read.end, name, nameStart)
}

/**
 * Whether what follows a value read to `end` closes a type and assigns (`]`, `>`, `)`, `?`, `[]`,
 * blanks, then `=` that is not `==` or `=>`): the value read was a type annotation.
 */
function typeBefore(text: string, end: number): boolean {
  let at = end
  const limit = Math.min(text.length, end + 8)
  while (at < limit) {
    const code = text.charCodeAt(at)
    if (!(code === 93 || code === 91 || code === 62 || code === 41 || code === 63 || isBlank(code))) break
    at++
  }
  if (at === end || text.charCodeAt(at) !== 61) return false
  const next = text.charCodeAt(at + 1)
  return next !== 61 && next !== 62
}

const CDATA = '<![CDATA['

/** Where the CDATA section whose text starts at `from` ends (its `]]>`), or -1 within the limit of a value. */
function cdataEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + Math.max(SHORT_VALUE, valueBudget))
  let at = from
  while (at < limit && !(text.charCodeAt(at) === 93 && text.startsWith(']]>', at))) at++
  valueBudget -= at - from
  return at < limit ? at : -1
}

/**
 * Where an element's unquoted text read to the `&` at `at` ends, read on through entities
 * (`&amp;`, `&#38;`, `&#x26;`) and the value's characters after each.
 */
function throughEntities(text: string, at: number): number {
  const limit = Math.min(text.length, at + MAX_VALUE)
  let end = at
  while (end < limit && text.charCodeAt(end) === 38) {
    const entity = ENTITY.exec(text.slice(end, end + 12))
    if (entity === null) break
    end += entity[0].length
    while (end < limit) {
      const code = text.charCodeAt(end)
      if (code < 128 && VALUE_STOP[code] === 1) break
      end++
    }
  }
  return end
}

/** An entity at the start: named, decimal or hexadecimal. */
const ENTITY = /^&(?:[A-Za-z]{2,8}|#\d{1,7}|#[xX][\dA-Fa-f]{1,6});/

/** What {@link listAfter} answers for a list with nothing secret in it. */
const NO_LIST: Assigned = { start: 0, end: 0, name: '', nameStart: 0 }

/**
 * The items of a list assigned to a secret's name, masked each when one of them reads as a
 * secret: a flow list (`tokens: [a, "b"]`, `passwords=["a", "b"]`, over several lines, with
 * comments), YAML's block list (`api_keys:` then a `- a` line per item; blank and comment lines
 * between them, a comment or an anchor after the name), or a plural name's values joined by
 * commas (`API_KEYS=a,b`). {@link NO_LIST} for a list with no secret in it (placeholders, `[]`,
 * names such as a Compose file's `- db_password`, hosts, paths: see itemMayBeSecret), `undefined` for a value that is no
 * list, or reads as prose (`- are scoped per project`, `JWT, PASETO, opaque`) or as a mapping
 * (PHP's `['min_length' => 12]`): that is read as any value is.
 */
function listAfter(
  text: string,
  op: number,
  read: ValueRead,
  name: string,
  nameStart: number,
): Assigned | undefined {
  // Past the budget values share, a list's first value is read as a value alone is: lists read
  // in a string cost at most four times its length (a string of lists opened again and again).
  if ((op !== 61 && op !== 58) || valueBudget <= 0) return undefined
  let start = read.start
  let first = text.charCodeAt(start)
  let nextLine = read.nextLine
  // `api_keys: # rotated monthly` or `api_keys: &keys`, then the list on the lines after.
  if (op === 58 && !nextLine && read.quote === 0 && (first === 35 || first === 38)) {
    start = blockAfter(text, start)
    if (start === -1) return undefined
    first = 45
    nextLine = true
  }
  emptyArray(ITEMS)
  listRefused = false
  if (first === 91) flowItems(text, start)
  else if (first === 123 && isPluralName(name)) mappingValues(text, start)
  else if (first === 45 && nextLine && isBlank(text.charCodeAt(start + 1))) blockItems(text, start)
  else if (
    text.charCodeAt(read.end) === 44 &&
    read.end > read.start &&
    isPluralName(name) &&
    !isSpace(text.charCodeAt(read.end + 1))
  ) {
    joinedItems(text, read.start)
    // One value before a comma is judged as any value is.
    if (ITEMS.length <= 2) return undefined
  } else return undefined
  if (listRefused) return undefined
  if (ITEMS.length === 0) return NO_LIST
  const joined = first !== 91 && first !== 45 && first !== 123
  let secret = false
  for (let i = 0; i < ITEMS.length && !secret; i += 2)
    secret = itemMayBeSecret(text, ITEMS[i]!, ITEMS[i + 1]!)
  // Values joined by commas with none a secret: the first is judged as a value alone is.
  if (!secret) return joined ? undefined : NO_LIST
  return { start: ITEMS[0]!, end: ITEMS[1]!, name, nameStart, items: ITEMS.slice(2) }
}

/** The items {@link listAfter} read: start and end of each (a list's quotes left out). */
const ITEMS: number[] = []
/** Whether the last list read reads as prose or a mapping instead (see {@link listAfter}). */
let listRefused = false
const isBlank = (code: number) => code === 32 || code === 9

/**
 * Where a list may be read to from `from`: as far as the budget quoted values share lets (see
 * {@link valueBudget}), so that a long list is read whole, and a string of lists in bounded time.
 */
function listLimit(text: string, from: number): number {
  return Math.min(text.length, from + valueBudget)
}

/**
 * Whether a list's item may be a secret: judged as an unquoted value is (a list's quotes are its
 * syntax, not a sign of a string), and not a number (counts, ids, a tokenizer's token ids), nor a
 * name, host, path, region, scope or date, which a list of settings holds far more often than a
 * secret: words of small letters (a capital first) and digits between `-`, `_`, `.`, `:` or `/`
 * (`db_password`, `db1.example.com`, `/etc/ssl/key.pem`, `us-east-1`, `read:user`,
 * `2024-01-01`, `X-Api-Key`), unless a word mixes digits inside letters (`s3cr3t-Pa55`), runs 12
 * characters or more mixing both (a token's), or has a capital and a number beside (`Summer_2024`);
 * nor a tag (`<s>`, `<|endoftext|>`) or words (`ssh-ed25519 AAAA... user@host`). One word alone
 * with a digit (`hunter2`), or of letters that read as no word (`qwhzxkvbnmtrplsd`), is a value.
 */
function itemMayBeSecret(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start)
  const last = text.charCodeAt(end - 1)
  // A tag; a pair's name quoted with it (`["DB_PASSWORD="...""]`), whose own operator reads it
  // (not base64's padding: `c2VjcmV0S2V5MQ==`).
  if (
    first === 60 ||
    ((last === 58 || (last === 61 && !padded(text, start, end - 1))) && nameOnly(text, start, end - 1))
  )
    return false
  // Numbers in a list are counts, ids or a tokenizer's token ids (`tokens=[1, 15043, 3186]`),
  // and design tokens' colours and sizes (`#1E40AF`, `rgb(30, 64, 175)`, `768px`, `150ms`).
  const head = text.slice(start, Math.min(end, start + 40))
  if (
    allDigits(text, start, end) ||
    DESIGN_VALUE.test(head) ||
    SECRET_REFERENCE.test(head) ||
    // A ticker, a method, a constant of capitals (`USDC`, `POST`, `ERC721`, `ANTHROPIC`).
    (end - start <= 12 && CAPITALS.test(head))
  )
    return false
  // Words (`Inter, sans-serif`, `ssh-ed25519 AAAA... user@host`).
  for (let i = start; i < end; i++) if (isSpace(text.charCodeAt(i))) return false
  let identifier = true
  let separated = false
  let anyDigit = false
  // A word with a capital first, and a number: a password's shape (`Summer_2024`), not a setting's.
  let titled = false
  let segment = 0
  let letters = false
  let digits = false
  for (let i = start; i <= end && identifier; i++) {
    const code = i < end ? text.charCodeAt(i) : 47
    const lower = code >= 97 && code <= 122
    // Small letters, and a capital at a word's start (`X-Api-Key`, `Authorization`, `HttpOnly`).
    if (lower || (code >= 65 && code <= 90 && (segment === 0 || isLowerCode(text.charCodeAt(i - 1))))) {
      // A letter after a digit after a letter (`s3cr3t`, `e29b`): written so, not named so.
      if (digits && letters && isDigitCode(text.charCodeAt(i - 1))) identifier = false
      if (!lower) titled = true
      segment++
      letters = true
    } else if (code >= 48 && code <= 57) {
      segment++
      digits = true
      anyDigit = true
    } else if (code === 45 || code === 95 || code === 46 || code === 58 || code === 47 || code === 126) {
      if (i < end && i > start) separated = true
      // A long run mixing letters and digits is a token's.
      if (segment >= 12 && letters && digits) identifier = false
      segment = 0
      letters = false
      digits = false
    } else identifier = false
  }
  if (identifier && titled && anyDigit) identifier = false
  // One word of letters and digits (`hunter2`), or of letters that reads as none (`qwhzxkvbnmtrplsd`,
  // an app password), is judged as a value is.
  if (identifier && !separated && (anyDigit || !pronounceable(text, start, end))) identifier = false
  return !identifier && looksLikeSecret(text, start, end, false)
}

/**
 * Whether letters read as a word would: a vowel (or `y`) for one letter in four at least, and
 * no run of five consonants. Random letters fail it most of the time; words of settings do not.
 */
function pronounceable(text: string, start: number, end: number): boolean {
  let vowels = 0
  let run = 0
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i) | 32
    if (code === 97 || code === 101 || code === 105 || code === 111 || code === 117 || code === 121) {
      vowels++
      run = 0
    } else if (++run >= 5) return false
  }
  return vowels * 4 >= end - start
}

/** Where the line after `at` starts, past blank lines and comment lines; the `- ` there, or -1. */
function blockAfter(text: string, at: number): number {
  const limit = Math.min(text.length, at + MAX_GAP * 4)
  let line = at
  while (line < limit && text.charCodeAt(line) !== 10) line++
  const dash = nextItemLine(text, line, limit, -1)
  return dash !== -1 && isBlank(text.charCodeAt(dash + 1)) ? dash : -1
}

/**
 * From the line end at `end`: past blank lines and comment lines (`# ...`), the `-` that starts
 * the next line's item at `column` blanks (any column when -1), or -1.
 */
function nextItemLine(text: string, end: number, limit: number, column: number): number {
  let at = end
  while (at < limit) {
    if (text.charCodeAt(at) === 13) at++
    if (text.charCodeAt(at) !== 10) return -1
    at++
    let blanks = 0
    while (at + blanks < limit && isBlank(text.charCodeAt(at + blanks))) blanks++
    const code = text.charCodeAt(at + blanks)
    if (code === 10 || code === 13) {
      at += blanks
      continue
    }
    if (code === 35) {
      at += blanks
      while (at < limit && text.charCodeAt(at) !== 10) at++
      continue
    }
    if (code !== 45 || (column !== -1 && blanks !== column)) return -1
    return at + blanks
  }
  return -1
}

/**
 * Appends the item from `start` to `end` to {@link ITEMS}, blanks set aside: none when empty, a
 * mapping's pair (`- name: x`, `'reset' => ...`: read by its own operator), or a nested list.
 * An unquoted item of several words refuses the list (prose: {@link listRefused}).
 */
function pushPlain(text: string, start: number, end: number, flow: boolean): void {
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  if (end === start) return
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code === 91 || code === 123 || code === 40) return
    if (code === 61 && onlyPadding(text, i, end)) break
    if (
      (code === 58 || code === 61) &&
      (i + 1 === end || isBlank(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === 62)
    ) {
      // `- name: x`: a block list of mappings, whose pairs are read on their own; `=>`, or `:`
      // in a flow list: a mapping, not a list.
      if (code === 61 || flow) listRefused = true
      return
    }
    // Words (`- are scoped per project`, `rotate every month`): prose, no value; the other items count.
    if (isBlank(code)) return
  }
  ITEMS.push(start, end)
}

/** Whether `text` from `at` to `end` is base64's `=` padding (one or two, the item's end). */
function onlyPadding(text: string, at: number, end: number): boolean {
  if (end - at > 2 || at === 0) return false
  for (let i = at; i < end; i++) if (text.charCodeAt(i) !== 61) return false
  return true
}

/**
 * Where the quoted item at `at` ends (its closing quote, or the backslash of a closing `\"` in
 * JSON-escaped text), on its line; pushes its text to {@link ITEMS}. -1 when it does not close.
 */
function pushQuoted(text: string, at: number, limit: number): number {
  const escaped = text.charCodeAt(at) === 92
  const open = escaped ? at + 1 : at
  const quote = text.charCodeAt(open)
  let end = open + 1
  while (end < limit) {
    const code = text.charCodeAt(end)
    if (code === 10 || code === 13) return -1
    if (code === 92) {
      if (escaped && text.charCodeAt(end + 1) === quote) break
      end += 2
      continue
    }
    if (code === quote && !escaped) break
    end++
  }
  if (end >= limit) return -1
  if (end > open + 1) ITEMS.push(open + 1, end)
  return escaped ? end + 1 : end
}

/**
 * The items of `[a, "b", 'c']` from the `[` at `open`, to its `]` (or the read's limit): items
 * split at commas outside quotes and nested brackets, comments (`# ...`) set aside.
 */
function flowItems(text: string, open: number): void {
  const limit = listLimit(text, open)
  let depth = 0
  let itemStart = open + 1
  let cursor = open + 1
  // Whether only blanks were read of the item so far (a quote there opens a quoted one).
  let fresh = true
  for (; cursor < limit && !listRefused; cursor++) {
    const code = text.charCodeAt(cursor)
    if (fresh && depth === 0) {
      if (isSpace(code)) continue
      if (
        (code === 34 || code === 39 || (code === 92 && isQuote(text.charCodeAt(cursor + 1)))) &&
        depth === 0
      ) {
        const close = pushQuoted(text, cursor, limit)
        if (close === -1) break
        cursor = close
        itemStart = -1 // read: up to the comma, nothing more is the item's
        fresh = false
        continue
      }
      fresh = false
    }
    const comment = commentAt(text, cursor)
    if (comment !== 0) {
      // A comment (`#` or `//` to the line's end, `/* */`): an item started before it ends there,
      // or one starts after it.
      const pushed = ITEMS.length
      if (itemStart !== -1 && depth === 0) pushPlain(text, itemStart, cursor, true)
      if (comment === 1) while (cursor < limit && text.charCodeAt(cursor) !== 10) cursor++
      else {
        const close = text.indexOf('*/', cursor + 2)
        cursor = close === -1 || close >= limit ? limit : close + 1
      }
      if (ITEMS.length === pushed && itemStart !== -1) {
        itemStart = cursor + 1
        fresh = true
      } else itemStart = -1
    } else if (itemStart === -1 && depth === 0 && (code === 61 || code === 58)) {
      // A quoted key and its value (`'min_length' => 12`, `"a": 1`): a mapping, not a list.
      listRefused = true
    } else if (code === 91 || code === 123) depth++
    else if (code === 93 || code === 125) {
      if (depth === 0) break
      depth--
    } else if (code === 44 && depth === 0) {
      if (itemStart !== -1) pushPlain(text, itemStart, cursor, true)
      itemStart = cursor + 1
      fresh = true
    }
  }
  if (itemStart !== -1 && !listRefused) pushPlain(text, itemStart, Math.min(cursor, limit), true)
  valueBudget -= cursor - open
}

/**
 * The comment at `at` in a flow list, after a blank or a line's start: 1 for `#` or `//` (to the
 * line's end), 2 for `/*`, 0 for none.
 */
function commentAt(text: string, at: number): number {
  const code = text.charCodeAt(at)
  if (code !== 35 && code !== 47) return 0
  if (at > 0 && !isSpace(text.charCodeAt(at - 1))) return 0
  if (code === 35) return 1
  const next = text.charCodeAt(at + 1)
  return next === 47 ? 1 : next === 42 ? 2 : 0
}

/**
 * The values of a flow mapping from the `{` at `open` (`passwords: {prod: a, dev: "b"}`, HCL's
 * `{ prod = "a" }`), to its `}`: each pair split at its first `:` or `=` outside quotes, its
 * value read as a list's item. A pair with no operator refuses it (a set, a block of code).
 */
function mappingValues(text: string, open: number): void {
  const limit = listLimit(text, open)
  let cursor = open + 1
  while (cursor < limit && !listRefused) {
    // The key, to its operator, past blanks and comments (`# production`, `// staging`).
    cursor = pastComments(text, cursor, limit)
    if (cursor >= limit || text.charCodeAt(cursor) === 125) break
    const lead = text.charCodeAt(cursor)
    if (isQuote(lead)) {
      const close = text.indexOf(String.fromCharCode(lead), cursor + 1)
      if (close === -1 || close >= limit) break
      cursor = close + 1
    }
    while (cursor < limit) {
      const code = text.charCodeAt(cursor)
      if (code === 58 || code === 61 || code === 44 || code === 125 || code === 10) break
      cursor++
    }
    const operator = text.charCodeAt(cursor)
    if (operator !== 58 && operator !== 61) {
      listRefused = true
      break
    }
    cursor++
    while (cursor < limit && isBlank(text.charCodeAt(cursor))) cursor++
    // The value, to the comma or the brace that ends the pair (a nested one is read by its own pairs).
    const value = cursor
    const first = text.charCodeAt(value)
    if (first === 34 || first === 39 || (first === 92 && isQuote(text.charCodeAt(value + 1)))) {
      const close = pushQuoted(text, value, limit)
      if (close === -1) break
      cursor = close + 1
    } else {
      let depth = 0
      while (cursor < limit) {
        const code = text.charCodeAt(cursor)
        if (code === 123 || code === 91) depth++
        else if ((code === 125 || code === 93) && depth > 0) depth--
        else if (
          depth === 0 &&
          (code === 44 ||
            code === 125 ||
            code === 10 ||
            escapedLineEnd(text, cursor) ||
            commentAt(text, cursor) !== 0)
        )
          break
        cursor++
      }
      if (depth === 0) pushPlain(text, value, cursor, false)
    }
    while (cursor < limit && isBlank(text.charCodeAt(cursor))) cursor++
    // A comment after the value (`prod = "..." # rotated`), to its line's end.
    if (commentAt(text, cursor) === 1) while (cursor < limit && text.charCodeAt(cursor) !== 10) cursor++
    const stop = text.charCodeAt(cursor)
    if (stop === 44 || stop === 10 || stop === 13) cursor++
    else if (escapedLineEnd(text, cursor)) cursor += 2
    else break
  }
  valueBudget -= cursor - open
}

/** Whether a JSON-escaped line end (`\\n`, `\\r`) stands at `at` (text quoted in a log line). */
function escapedLineEnd(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 92) return false
  const next = text.charCodeAt(at + 1)
  return next === 110 || next === 114
}

/** Where blanks, JSON-escaped line ends and comments from `at` end (see {@link commentAt}). */
function pastComments(text: string, at: number, limit: number): number {
  for (;;) {
    while (at < limit && (isSpace(text.charCodeAt(at)) || escapedLineEnd(text, at)))
      at += text.charCodeAt(at) === 92 ? 2 : 1
    const comment = commentAt(text, at)
    if (comment === 0) return at
    if (comment === 1) while (at < limit && text.charCodeAt(at) !== 10) at++
    else {
      const close = text.indexOf('*/', at + 2)
      at = close === -1 || close >= limit ? limit : close + 2
    }
  }
}

/**
 * The items of YAML's block list from the `-` at `dash`: a `- item` line per item, each at the
 * same column, blank and comment lines between them.
 */
function blockItems(text: string, dash: number): void {
  const limit = listLimit(text, dash)
  let lineStart = dash
  while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) lineStart--
  const column = dash - lineStart
  let at = dash
  while (at < limit && !listRefused) {
    let end = at + 1
    while (end < limit && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++
    let itemStart = at + 1
    while (itemStart < end && isBlank(text.charCodeAt(itemStart))) itemStart++
    const lead = text.charCodeAt(itemStart)
    if (lead === 34 || lead === 39) pushQuoted(text, itemStart, end + 1)
    else {
      // A comment after the item.
      let itemEnd = itemStart
      while (itemEnd < end && !(text.charCodeAt(itemEnd) === 35 && isBlank(text.charCodeAt(itemEnd - 1))))
        itemEnd++
      pushPlain(text, itemStart, itemEnd, false)
    }
    const next = nextItemLine(text, end, limit, column)
    if (next === -1 || !isBlank(text.charCodeAt(next + 1))) {
      at = end
      break
    }
    at = next
  }
  valueBudget -= at - dash
}

/**
 * The values of a plural name joined by commas with no blank (`API_KEYS=a,b,c`), from `start`:
 * each to the next stop of a value (base64's `=` padding is a value's), while a comma joins the
 * next; not a pair after the comma (`passwords=a,user=b` ends before `user`).
 */
function joinedItems(text: string, start: number): void {
  const limit = listLimit(text, start)
  let at = start
  for (;;) {
    let end = at
    while (end < limit) {
      const code = text.charCodeAt(end)
      if (code < 128 && VALUE_STOP[code] === 1 && !(code === 61 && end > at && isPadding(text, end, at)))
        break
      end++
    }
    const stop = text.charCodeAt(end)
    if (stop === 61 || stop === 58) break // another pair's name
    if (end > at) ITEMS.push(at, end)
    if (stop !== 44 || end >= limit || isSpace(text.charCodeAt(end + 1))) break
    at = end + 1
  }
  valueBudget -= at - start
}

/** Whether a name is a plural's (`API_KEYS`, `tokens`, `creds`), not one ending in `ss` (`pass`, `access`). */
function isPluralName(name: string): boolean {
  const last = name.charCodeAt(name.length - 1) | 32
  return last === 115 && (name.charCodeAt(name.length - 2) | 32) !== 115
}

/** Where {@link elementBefore} found the element's name (or its `key`/`name` attribute's value). */
let elementStart = 0
let elementEnd = 0
/** The longest start tag read back from its `>`. */
const MAX_TAG = 256

/**
 * Whether the `>` at `at` closes an element's start tag, and its name (left in
 * {@link elementStart} and {@link elementEnd}): `<password>`, with a namespace's prefix
 * (`<wsse:Password>`, the name after the prefix), with attributes (`<password type="text">`), or
 * the value of a `key` or `name` attribute of an element that is not a form's (`<entry
 * key="password">`, Java's properties in XML; an `<input name="token">` is the page's own).
 */
function elementBefore(text: string, at: number): boolean {
  // A tag ends with its name or an attribute's quoted value: not `->`, `a > b`, `>>`.
  const last = at > 0 ? text.charCodeAt(at - 1) : 0
  if (!(isQuote(last) || (last < 128 && NAME[last] === 1))) return false
  let open = at - 1
  while (open >= 0 && at - open <= MAX_TAG) {
    const code = text.charCodeAt(open)
    if (code === 60) break
    if (code === 62 || code === 10) return false
    open--
  }
  if (open < 0 || text.charCodeAt(open) !== 60) return false
  let nameEnd = open + 1
  while (nameEnd < at && (isName(text.charCodeAt(nameEnd)) || text.charCodeAt(nameEnd) === 58)) nameEnd++
  if (nameEnd === open + 1) return false
  // The local name, after a namespace's prefix.
  let nameStart = nameEnd
  while (nameStart > open + 1 && text.charCodeAt(nameStart - 1) !== 58) nameStart--
  if (nameStart === nameEnd) return false
  const tag = nameEnd < at ? text.slice(nameEnd, at) : ''
  // A property list's value is named by the `<key>` before it: `<key>apiToken</key><string>`, or `<data>`.
  if (
    tag === '' &&
    ((nameEnd - nameStart === 6 && text.startsWith('string', nameStart)) ||
      (nameEnd - nameStart === 4 && text.startsWith('data', nameStart))) &&
    keyBefore(text, open)
  )
    return true
  if (tag !== '' && !FORM_ELEMENTS.has(text.slice(nameStart, nameEnd).toLowerCase())) {
    const keyed = TAG_KEY.exec(tag)
    if (keyed !== null) {
      elementStart = nameEnd + keyed.index + keyed[0].length - keyed[1]!.length - 1
      elementEnd = elementStart + keyed[1]!.length
      return true
    }
  }
  // Attributes after the name: blanks first, and no `/` (`<br/>`, a self-closing tag, holds no value).
  if (tag !== '' && !(isSpace(tag.charCodeAt(0)) && tag.charCodeAt(tag.length - 1) !== 47)) return false
  elementStart = nameStart
  elementEnd = nameEnd
  return true
}

/**
 * Whether a property list's `<key>name</key>` ends just before `open` (blanks between them), and
 * its name (left in {@link elementStart} and {@link elementEnd}).
 */
function keyBefore(text: string, open: number): boolean {
  let end = open
  while (end > 0 && open - end < MAX_GAP && isSpace(text.charCodeAt(end - 1))) end--
  if (end < 6 || !text.startsWith('</key>', end - 6)) return false
  const nameEnd = end - 6
  let nameStart = nameEnd
  while (nameStart > 0 && nameEnd - nameStart < MAX_NAME && text.charCodeAt(nameStart - 1) !== 62) nameStart--
  if (nameStart === nameEnd || nameStart < 5 || !text.startsWith('<key>', nameStart - 5)) return false
  elementStart = nameStart
  elementEnd = nameEnd
  return true
}

/** A `key` or `name` attribute of a start tag, its value in group 1. */
const TAG_KEY = /\s(?:key|name)\s*=\s*["']([^"'<>]{1,64})["']/

/** Names of a phrase of words: a wallet's mnemonic or seed phrase, a passphrase. */
const PHRASE_NAME = /(?:phrase|mnemonic|seed[\s_.-]?words|recovery[\s_.-]?words)s?$/i
/** The longest phrase read (24 words of a BIP-39 mnemonic are at most 215 characters). */
const MAX_PHRASE = 256

/**
 * Where a phrase of words from `at` ends: at the end of its line, a quote, `;`, `,`, `<`, `&`,
 * an escaped line end, or past {@link MAX_PHRASE} characters; blanks at its end left out.
 */
function phraseEnd(text: string, at: number): number {
  let end = at
  const limit = Math.min(text.length, at + MAX_PHRASE)
  while (end < limit) {
    const code = text.charCodeAt(end)
    if (
      code === 10 ||
      code === 13 ||
      isQuote(code) ||
      code === 59 ||
      code === 44 ||
      code === 60 ||
      code === 38
    )
      break
    if (code === 92 && (text.charCodeAt(end + 1) === 110 || text.charCodeAt(end + 1) === 114)) break
    end++
  }
  while (end > at && isSpace(text.charCodeAt(end - 1))) end--
  return end
}

/** Most words a label is read with before its last (`Mot de passe`: two). */
const MAX_LABEL_WORDS = 2
/**
 * Last words of labels that name a secret with the words before them (`API Key`, `Recovery
 * Code`, `Client Secret`, `Mot de passe`, `Seed Phrase`): after another last word, the words
 * before are prose (`Slash as iban separator: ...`, `type=password ip=...`).
 */
const LABEL_ENDS = new Set([
  'key',
  'keys',
  'code',
  'codes',
  'secret',
  'token',
  'phrase',
  'passe',
  'word',
  'number',
  'id',
])
const MAX_LABEL_END = 6
/** First letters of {@link LABEL_ENDS}, lower case. */
const LABEL_END_FIRST = classTable('kcstpwni')

/**
 * Where a label of words ends at the word from `start` to `end` starts, when the words before
 * it on its line, one blank apart, make a secret's name with it (`API Key`, `Private Key`,
 * `Recovery Code`, `Mot de passe`): the nearest that does, or -1. Words of letters only: prose
 * before a value (`see the docs: ...`) names nothing the rule calls secret.
 */
function labelStart(
  text: string,
  start: number,
  end: number,
  isSecretName: (name: string) => boolean,
): number {
  // Most names end no label: one look at the first letter and the length first.
  if (end - start > MAX_LABEL_END || end - start < 2 || LABEL_END_FIRST[text.charCodeAt(start) | 32] !== 1)
    return -1
  if (!lettersOnly(text, start, end) || !LABEL_ENDS.has(text.slice(start, end).toLowerCase())) return -1
  let from = start
  for (let words = 0; words < MAX_LABEL_WORDS; words++) {
    const blank = text.charCodeAt(from - 1)
    if (from < 2 || !(blank === 32 || blank === 9)) return -1
    let word = from - 1
    while (word > 0 && word > from - 1 - MAX_NAME && isAsciiLetter(text.charCodeAt(word - 1))) word--
    if (word === from - 1) return -1
    if (isSecretNameInText(text.slice(word, end), isSecretName)) return word
    from = word
  }
  return -1
}

function lettersOnly(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isAsciiLetter(text.charCodeAt(i))) return false
  return true
}

/**
 * A command line's long option (`--password hunter2`, `--api-token "..."`) at the `--` at `at`: a
 * secret name after it, blanks (no line end), then the value, judged as a `=` assignment's. Not
 * inside a word or a rule of dashes (`a--b`, `-----BEGIN`), nor a value that is another option
 * (`--password --verbose`) or a reference (`--token $TOKEN`). Written with `=` (`--password=...`),
 * the option is an assignment like any other. With `dashes` 1, an option of one dash
 * (`mysql -password ...`, `openssl ... -passin ...`) at the `-` at `at`.
 */
export function flagAt(text: string, at: number, isSecretName: NameRule, dashes = 2): Assigned | undefined {
  if (!mayStartFlag(text, at, dashes)) return undefined
  const nameStart = at + dashes
  let cursor = nameStart
  while (cursor < text.length && cursor - nameStart < MAX_NAME) {
    const code = text.charCodeAt(cursor)
    if (!(code < 128 && NAME[code] === 1 && code !== 36 && code !== 64 && code !== 46)) break
    cursor++
  }
  const blank = text.charCodeAt(cursor)
  // The value's operator: the blank after the name, or, in a list of a command's arguments
  // (`['keytool', '-storepass', '...']`, `[keytool, -storepass, ...]`, JSON-escaped too), the
  // comma after the option's closing quote.
  const operator = isBlank(blank) ? cursor : argumentComma(text, at, cursor)
  if (operator === -1) return undefined
  const name = text.slice(nameStart, cursor)
  if (!isSecretNameInText(name, isSecretName)) return undefined
  // An empty quoted value (`--password "" --user bob`) is none.
  let after = operator + 1
  while (isBlank(text.charCodeAt(after))) after++
  if (isQuote(text.charCodeAt(after)) && text.charCodeAt(after + 1) === text.charCodeAt(after))
    return undefined
  const read = valueAfter(text, operator)
  if (read === undefined || read.nextLine || read.end === read.start) return undefined
  // A pair as the option's value (`-api_keys api_key='...'`): its own operator reads its value
  // (not a value with `=` or `:` in it: `--password Tr0ub4dor=3`, `--token Zm9v...=)`).
  const stop = text.charCodeAt(read.end)
  if (
    read.quote === 0 &&
    (stop === 61 || stop === 58) &&
    nameOnly(text, read.start, read.end) &&
    isSecretNameInText(text.slice(read.start, read.end), isSecretName)
  )
    return undefined
  // Another option, a subexpression (`-AccountPassword (Read-Host -AsSecureString)`), a file's
  // path (`-credentials ~/.aws/credentials`), or prose between dashes (`the -password reset- flow`).
  // (Quoted too in a list of arguments: `['app', '--secret', '--verbose']`.)
  if (read.quote === 0 || operator !== cursor) {
    const lead = text.charCodeAt(read.start)
    if (
      lead === 45 ||
      lead === 40 ||
      isOptionSource(text.slice(read.start, Math.min(read.end, read.start + 6)))
    )
      return undefined
    if (text.charCodeAt(read.end - 1) === 45) return undefined
  }
  const found = judgeValue(text, 61, read.quote, read.start, read.end, name, nameStart)
  if (found === undefined || isSecretName.accepts === undefined) return found
  return accepted(text, found, isSecretName.accepts) ? found : undefined
}

/**
 * Where the comma after an option that ends at `end` stands when the option is an element of a
 * list (its closing quote, escaped or not, then blanks, then the comma), or the next item's `-`
 * in a YAML block list; -1 otherwise.
 */
function argumentComma(text: string, at: number, end: number): number {
  let next = end
  const open = at > 0 ? text.charCodeAt(at - 1) : 0
  // YAML's block list of arguments (`args:` then `- --password` and `- ...` lines): the next
  // item's `-` at the same column.
  const lineEnd = text.charCodeAt(end)
  if ((lineEnd === 10 || lineEnd === 13) && open === 32 && text.charCodeAt(at - 2) === 45) {
    let lineStart = at - 2
    while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) lineStart--
    for (let i = lineStart; i < at - 2; i++) if (!isBlank(text.charCodeAt(i))) return -1
    const dash = nextItemLine(text, end, Math.min(text.length, end + MAX_GAP * 4), at - 2 - lineStart)
    return dash !== -1 && isBlank(text.charCodeAt(dash + 1)) ? dash : -1
  }
  if (text.charCodeAt(next) === 92 && isQuote(text.charCodeAt(next + 1))) next++
  const close = text.charCodeAt(next)
  if (isQuote(close)) {
    if (close !== open) return -1
    next++
  }
  while (isBlank(text.charCodeAt(next))) next++
  return text.charCodeAt(next) === 44 ? next : -1
}

/**
 * Whether the `--` at `at` may start a long option (see {@link flagAt}): after a blank, a quote or
 * a bracket (or at the start), and before a letter. Others are not counted against a string's
 * budget of pairs (a rule of dashes, `-- comment` lines).
 */
export function mayStartFlag(text: string, at: number, dashes = 2): boolean {
  if (at > 0) {
    const before = text.charCodeAt(at - 1)
    if (!(isSpace(before) || isQuote(before) || before === 40 || before === 91)) return false
  }
  const first = text.charCodeAt(at + dashes)
  return (first >= 65 && first <= 90) || (first >= 97 && first <= 122)
}

/** The value read between `valueStart` and `end` as an assignment's secret, or `undefined`. */
function judgeValue(
  text: string,
  op: number,
  quote: number,
  valueStart: number,
  end: number,
  name: string,
  nameStart: number,
): Assigned | undefined {
  let cursor = end
  // A container (`"pins": [1234]`) is read member by member elsewhere, not as one value.
  if (quote === 0 && (text.charCodeAt(valueStart) === 91 || text.charCodeAt(valueStart) === 123))
    return undefined
  const blankAfter = text.charCodeAt(cursor) === 32 || text.charCodeAt(cursor) === 9
  let from = valueStart
  if (quote === 0 && blankAfter && isScheme(text.slice(valueStart, cursor), name)) {
    // `Authorization: Bearer <token>`: the credential is the word after the scheme (and the blanks
    // after it); under an `Authorization` name, after any scheme (`NTLM`, `Splunk`, `Hawk`...).
    from = cursor + 1
    while (
      from < text.length &&
      from - cursor < MAX_GAP &&
      isSpace(text.charCodeAt(from)) &&
      text.charCodeAt(from) !== 10
    )
      from++
    cursor = from
    while (cursor < text.length && cursor - from < MAX_VALUE && !isSpace(text.charCodeAt(cursor))) {
      const code = text.charCodeAt(cursor)
      if (isQuote(code) || code === 59 || code === 44) break
      cursor++
    }
    const value = text.slice(from, cursor)
    // A challenge or its parameters (`Bearer realm="api"`, `Digest username="bob"`), not a
    // credential; nor a command line's next option (`-auth basic -user bob`).
    if (
      value.length >= 4 &&
      !REFERENCE.test(value) &&
      !CHALLENGE_PARAMETER.test(value) &&
      value.charCodeAt(0) !== 45
    )
      return { start: from, end: spanEnd(text, from, cursor), name, nameStart }
    return undefined
  }
  if (op === 44 && quote === 0) return undefined
  // An index expression or a call, code's not a secret's (`tokens[i] = tokens[i].strip()`,
  // `passwords[user] = hash_password(pw)`, `token: str = Depends(oauth2_scheme)`).
  if (quote === 0) {
    const close = text.charCodeAt(cursor)
    if ((close === 93 || close === 41) && text.lastIndexOf(close === 93 ? '[' : '(', cursor) >= valueStart)
      return undefined
  }
  // Another option (`<password> --user <user>` in a command's help) is no value.
  if (quote === 0 && text.charCodeAt(valueStart) === 45 && text.charCodeAt(valueStart + 1) === 45)
    return undefined
  // A shell command substitution: `` KEY=`vault read ...` ``.
  if (quote === 96 && text.slice(valueStart, cursor).includes(' ')) return undefined
  // Prose ends its words with punctuation: `Token: expired.` is the word "expired" (the check
  // reads the value without it; a secret is masked with it). A long value is judged by its first
  // characters: every operator of a dense string may read one, and each must cost little.
  // (Judged where it stands in the text: no copy of each value read.)
  let judgedEnd = Math.min(cursor, valueStart + SHORT_VALUE)
  if (quote === 0 && judgedEnd === cursor && judgedEnd > valueStart && endsWithStop(text, judgedEnd))
    judgedEnd--
  // A card's security code or a PIN is three digits at least: short, and a secret all the same.
  if (
    judgedEnd - valueStart === 3 &&
    SHORT_CODE.test(text.slice(valueStart, judgedEnd)) &&
    SHORT_CODE_NAME.test(name)
  )
    return { start: from, end: cursor, name, nameStart }
  if (!looksLikeSecret(text, valueStart, judgedEnd, quote !== 0)) return undefined
  return { start: from, end: quote === 0 ? spanEnd(text, from, cursor) : cursor, name, nameStart }
}

/**
 * Where the span of an unquoted value read from `from` to `end` ends: before the backslashes of
 * an escaped quote that closes it (`\\"`, `\\\\\\"`: in JSON-escaped text they are the text's, and
 * masked with the value they would break its escaping), at `end` otherwise. The value is judged
 * with them, as written.
 */
function spanEnd(text: string, from: number, end: number): number {
  if (!isQuote(text.charCodeAt(end))) return end
  let at = end
  while (at > from + 1 && text.charCodeAt(at - 1) === 92) at--
  return at
}

/** Whether an unquoted value followed by a blank is an authentication scheme's word (see judgeValue). */
function isScheme(value: string, name: string): boolean {
  return AUTH_SCHEME.test(value) || (AUTHORIZATION_NAME.test(name) && SCHEME_WORD.test(value))
}

/** Whether the text before `end` ends with `.`, `,`, `;` or `:`, as a word of prose does. */
function endsWithStop(text: string, end: number): boolean {
  const last = text.charCodeAt(end - 1)
  return last === 46 || last === 44 || last === 59 || last === 58
}

/** Masked or cut short already (`ops_eyJzaWdu..[Redacted]`, `sk-…`, `sk-abc...xyz`; see {@link cutAt}). */
const CUT_SHORT = /\[redacted|\[masked|\.\.(?:\.|\[|$)|…/i

/**
 * Whether an assigned value can be a secret: not a placeholder or a reference; unquoted, it must
 * not read as a word (`password: required`): 12 characters or more, or a digit, a capital after
 * the first character, or a symbol.
 */
function looksLikeSecret(text: string, start: number, end: number, quoted: boolean): boolean {
  const length = end - start
  if (length < 4) return false
  // Each pattern below is tried only where its first character (or length) lets it match: a
  // dense text reads a value per operator, and most values fail every one of them.
  const first = text.charCodeAt(start)
  if (
    (length <= MAX_PLACEHOLDER_WORD || FILLER_START[first] === 1) &&
    PLACEHOLDER.test(text.slice(start, end))
  )
    return false
  if (REFERENCE_START[first] === 1) {
    const value = text.slice(start, end)
    if (REFERENCE.test(value) && !(VARIABLE_LED.test(value) && PASSWORD_SYMBOL.test(value))) return false
  }
  // Masked or cut short already (`ops_eyJzaWdu..[Redacted]`, `sk-…`), or a constant's name.
  if (cutShort(text, start, end) || (first >= 65 && first <= 90 && CONSTANT.test(text.slice(start, end))))
    return false
  // A short value of digits alone, eight at most or one digit repeated, is a PIN, a numeric code
  // or a weak password (`11111111` and `00000000` are among the most used), not a format's
  // filler; a longer run of one digit is (`00000000000000`), and a timestamp (`1700000000`).
  if (!(end - start <= MAX_DIGITS_CODE && codeOrRepeat(text, start, end)) && isPlaceholder(text, start, end))
    return false
  return quoted || length >= 12 || !readsAsWord(text.slice(start, end))
}

/** The longest value of one digit repeated read as a code or a password. */
const MAX_DIGITS_CODE = 12
/** The longest value of digits read as a code or a password whatever its digits. */
const MAX_CODE = 8

/** A design token's value: a colour (`#1E40AF`, `rgb(...)`, `hsl(...)`), a size or a duration (`768px`, `1.5rem`, `150ms`). */
const DESIGN_VALUE =
  /^(?:#(?:[\dA-Fa-f]{3,4}|[\dA-Fa-f]{6}|[\dA-Fa-f]{8})$|(?:rgba?|hsla?|oklch|var|calc)\(|-?\d+(?:\.\d+)?(?:px|r?em|ms|s|vh|vw|pt|%|deg|ch)$)/

/**
 * Where a secret is kept, not the secret: a secret manager's or vault's reference (`arn:aws:...`,
 * `vault:secret/data/db#password`, `op://vault/item/field`, `ssm:/app/db`, `sm://...`).
 */
const SECRET_REFERENCE =
  /^(?:arn|vault|ssm|sm|op|akv|azurekeyvault|gcpsm|secretsmanager|kms|sops|ref|k8s|secret):/i

const CAPITALS = /^[A-Z]{2,}\d{0,4}$/

/** Whether `text` from `start` to `end` is ASCII digits alone. */
function allDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigitCode(text.charCodeAt(i))) return false
  return true
}

/** Whether `text` from `start` to `end` is digits alone, {@link MAX_CODE} at most or one repeated. */
function codeOrRepeat(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start)
  let same = true
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return false
    if (code !== first) same = false
  }
  return same || end - start <= MAX_CODE
}

/** The longest word {@link PLACEHOLDER} names (`undefined`); longer values match only a filler run. */
const MAX_PLACEHOLDER_WORD = 9
/** First characters of {@link PLACEHOLDER}'s filler runs: `xxx`, `***`, `...`, `---`, `###`. */
const FILLER_START = classTable('xX*.#-')
/** First characters {@link REFERENCE} can match: `$`, `{`, `%`, `<`, `[`, and `process.env`, `os.environ`, `ENV[` in either case. */
const REFERENCE_START = classTable('${%<\\[pPoOeE')

/** The text {@link cutShort} last looked at, and whether it holds `[`, `..` or `…` anywhere. */
let cutIn: string | null = null
let cutAnywhere = false

/** {@link CUT_SHORT} in `text` from `start` to `end`, in one pass that tries the pattern only from a `[`. */
function cutShort(text: string, start: number, end: number): boolean {
  // Most texts hold none of these at all: three native searches per text, not a read per value.
  if (text !== cutIn) {
    cutIn = text
    cutAnywhere = text.includes('[') || text.includes('..') || text.includes('…')
  }
  if (!cutAnywhere) return false
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x2026 || (c === 46 && i + 1 < end && text.charCodeAt(i + 1) === 46 && cutAt(text, i + 2, end)))
      return true
    if (c === 91) return CUT_SHORT.test(text.slice(i, end))
  }
  return false
}

/**
 * Whether two dots ending at `at` cut a value short: a third dot (`sk-abc...xyz`), the value's
 * end (`ghp_abc..`) or a mask after them (`..[Redacted]`); not two dots inside a password
 * (`Sup3r..Secret!`).
 */
function cutAt(text: string, at: number, end: number): boolean {
  if (at >= end) return true
  const next = text.charCodeAt(at)
  return next === 46 || next === 91
}
