import { classTable } from './catalogue/compile.js'
import { isAsciiAlnum } from './features.js'

/**
 * Credentials written after an HTTP authentication scheme: a value that is a scheme and one
 * credential (`Bearer q8Zr...`, an Authorization header's value copied into a member of any name),
 * and, inside longer text (an error message, a log line quoting a request), a credential after
 * `Bearer`, `DPoP` or `SSWS`. Where they are; the redaction session decides what to mask.
 */

/** A credential found in a string: where it starts, and its text. */
export interface SchemeCredential {
  readonly start: number
  readonly credential: string
}

/**
 * An HTTP authentication scheme, white space, and one credential of 16 characters or more, the
 * whole string (`Bearer q8Zr3NvX0bLk...`, `Token ...`, `SSWS ...`): `Basic` credentials are read by
 * the base64 reading, which keeps their user.
 */
const SCHEME_CREDENTIAL = /^(?:bearer|token|bot|dpop|ssws|apikey|jwt)[ \t]+([^ \t]{16,})[ \t]*$/i
/**
 * `Bearer`, `DPoP` or `SSWS` (any case) inside longer text, what separates a scheme from its
 * credential there (white space of any kind, `:`, `+` or `%20` of a URL, a quote), and a
 * credential of 20 characters or more that nothing but a separator follows (the character before
 * the scheme is checked apart: a lookbehind first would cost the search its quick scan).
 */
/**
 * A scheme's word and what separates it from its credential. The credential after it (20
 * characters of RFC 6750's token68 or more, then `=` padding, then none of them) is read by hand:
 * as one pattern, each scheme word of `bearer+bearer+...=x` read the whole run again, failing.
 */
const SCHEME_LEAD = /(?:bearer|dpop|ssws)(?:[ \t\r\n\u00a0\u3000:+]|%20)+["']?/gi
const MIN_CREDENTIAL = 20
/** Whether a string may hold {@link SCHEME_IN_TEXT} (one quick scan for its scheme words). */
const SCHEME_WORD = /earer|dpop|ssws/i
/** A credential's characters (RFC 6750's token68), and a digit or both cases among them. */
const CREDENTIAL = /^[A-Za-z0-9._~+/-]+=*$/

/**
 * Whether a string starts with the first two letters of an HTTP authentication scheme, in any
 * case (`Be`, `to`, `bo`, `DP`, `ss`, `ap`, `jw`): checked before {@link SCHEME_CREDENTIAL}.
 */
export function schemeLed(text: string): boolean {
  const c = text.charCodeAt(0) | 32
  const d = text.charCodeAt(1) | 32
  switch (c) {
    case 98: // b: bearer, bot
      return d === 101 || d === 111
    case 116: // t: token
      return d === 111
    case 100: // d: dpop
      return d === 112
    case 115: // s: ssws
      return d === 115
    case 97: // a: apikey
      return d === 112
    case 106: // j: jwt
      return d === 119
    default:
      return false
  }
}

/** The credential of a string that is a scheme and a credential alone (token68, a digit or both cases). */
export function wholeSchemeCredential(text: string): SchemeCredential | undefined {
  if (text.length < 20 || !schemeLed(text)) return undefined
  const credential = SCHEME_CREDENTIAL.exec(text)?.[1]
  if (credential === undefined || !isCredential(credential)) return undefined
  return { start: text.indexOf(credential, 4), credential }
}

/** The credentials after `Bearer`, `DPoP` or `SSWS` inside text that look generated (see {@link randomLooking}). */
export function schemeCredentialsInText(text: string): SchemeCredential[] {
  if (!SCHEME_WORD.test(text)) return NONE
  let found: SchemeCredential[] | undefined
  // The credential run last read: every start inside it ends where it does.
  let runFrom = -1
  let runEnd = -1
  let end = -1
  SCHEME_LEAD.lastIndex = 0
  for (let match = SCHEME_LEAD.exec(text); match !== null; match = SCHEME_LEAD.exec(text)) {
    const from = match.index + match[0].length
    SCHEME_LEAD.lastIndex = match.index + 1
    if (!(from >= runFrom && from <= runEnd)) {
      runFrom = from
      runEnd = from
      while (runEnd < text.length && TOKEN68[text.charCodeAt(runEnd)] === 1) runEnd++
      end = runEnd
      while (text.charCodeAt(end) === 61) end++
    }
    // Too short, or padding followed by more of the alphabet: no credential from here.
    if (
      runEnd - from < MIN_CREDENTIAL ||
      (end < text.length && (TOKEN68[text.charCodeAt(end)] === 1 || text.charCodeAt(end) === 61))
    )
      continue
    // A word that ends in the scheme's letters (`Sbearer`, `xDPoP`) is not the scheme.
    const before = match.index === 0 ? 32 : text.charCodeAt(match.index - 1)
    if (isAsciiAlnum(before) || before === 95) continue
    const credential = text.slice(from, end)
    if (!isCredential(credential) || !randomLooking(credential)) continue
    found ??= []
    found.push({ start: from, credential })
    SCHEME_LEAD.lastIndex = end
  }
  return found ?? NONE
}

/** RFC 6750's token68 characters but `=`, per ASCII code. */
const TOKEN68 = classTable('A-Za-z0-9._~+/-')

const NONE: SchemeCredential[] = []

function isCredential(credential: string): boolean {
  return CREDENTIAL.test(credential) && mixed(credential)
}

/**
 * A digit, or letters of both cases: one pass (a pattern such as `[a-z].*[A-Z]` read the rest of
 * the text from every letter of one case, seconds for `Bearer aaaa...` of 64 KB).
 */
function mixed(text: string): boolean {
  let lower = false
  let upper = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) return true
    if (c >= 97 && c <= 122) lower = true
    else if (c >= 65 && c <= 90) upper = true
    if (lower && upper) return true
  }
  return false
}

/**
 * Whether a credential found inside text looks generated rather than written: a run of 16
 * letters and digits or more with two digits and a letter in it (`q8Zr3NvX0bLk...`, a hex
 * token, Google's `ya29.a0Af...`). Words joined by separators (`JWT-signed-with-RS256`,
 * `X-Request-Id-5f3a9c1e`), versions, addresses, class names and numbers have none.
 */
function randomLooking(credential: string): boolean {
  let run = 0
  let digits = 0
  let letters = 0
  for (let i = 0; i <= credential.length; i++) {
    const c = i < credential.length ? credential.charCodeAt(i) : 0
    if (c >= 48 && c <= 57) {
      run++
      digits++
      continue
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      run++
      letters++
      continue
    }
    if (run >= 16 && digits >= 2 && letters >= 1) return true
    run = 0
    digits = 0
    letters = 0
  }
  return false
}
