/**
 * A value in a provider's format that is a placeholder, not a secret: `glpat-XXXXXXXXXXXXXXXXXXXX`,
 * `hvs.xxxxxxxx...`, `00000000000000TUVWXYZ`, `123123123...`, `sk_abcdefghijklmnop...`: eight
 * `x`, `X` or `*` eight times in a row; eight lower-case letters in alphabetical order, or `a`,
 * `A` or a digit eight times in a row, where such runs (of four and more) make half the value; or
 * ten characters or more drawn from fewer than five distinct ones (separators `-`, `_`, `.`
 * aside). A random token of 10 characters or more from an alphabet of 16 or more does any of
 * these with a probability below one in a million. No allocation; `start` and `end` read a range
 * of `body`.
 */
export function isPlaceholder(body: string, start = 0, end = body.length): boolean {
  if (end - start >= 10 && fewDistinct(body, start, end)) return true
  // A run of eight holds exactly one position whose offset from `start` is 7 modulo 8: only those
  // are read first, and the run is measured around one only when a neighbour continues it. A
  // random token is read an eighth of the way for this (and five distinct characters in).
  for (let k = start + 7; k < end; k += 8) {
    const c = body.charCodeAt(k)
    // Only a filler repeats into a placeholder, and only a lower-case letter (or the `` ` `` before
    // `a`) stands in an alphabetical run.
    if (isFiller(c) && sameRun(body, start, end, k, c) >= 8)
      return isTypedFiller(c) || fillCovers(body, start, end)
    if (c >= 96 && c <= 122 && ascendingRun(body, start, end, k) >= 8) return fillCovers(body, start, end)
  }
  return false
}

/** `x`, `X` and `*`: filler only a person types, so that eight of them make a placeholder wherever they stand. */
function isTypedFiller(c: number): boolean {
  return c === 120 || c === 88 || c === 42
}

/**
 * Whether runs of four or more (one filler repeated, or letters in alphabetical order) make half
 * of `body` from `start` to `end` at least. Digits, `a` and `A` also repeat inside real values
 * (`kT3vX9pQ2mRAAAAAAAAAAbY6cH1jF5dG0aZ`, base64 of zero bytes inside a token;
 * `Xq7Lm2Vr9Tz4Wp1700000000`), as letters run in order (`Zaq1Wsx2abcdefghEdc3Rfv4`): such a run
 * makes a placeholder only where the value is mostly made of runs
 * (`5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa`, `sk_abcdefghijklmnop`).
 */
function fillCovers(body: string, start: number, end: number): boolean {
  let covered = 0
  // Where the runs counted so far end: a repeated run and an alphabetical one share one character at most.
  let coveredTo = start
  let same = start
  let ascending = start
  for (let i = start + 1; i <= end; i++) {
    const c = i < end ? body.charCodeAt(i) : -1
    const previous = body.charCodeAt(i - 1)
    if (c !== previous || !isFiller(c)) {
      if (i - same >= 4 && isFiller(previous)) {
        covered += i - Math.max(same, coveredTo)
        coveredTo = i
      }
      same = i
    }
    if (!(isLower(c) && c === previous + 1)) {
      if (i - ascending >= 4) {
        covered += Math.max(0, i - Math.max(ascending, coveredTo))
        coveredTo = Math.max(coveredTo, i)
      }
      ascending = i
    }
  }
  return covered * 2 >= end - start
}

/** Whether `body` from `start` to `end` is drawn from fewer than five characters (`-`, `_`, `.` aside). */
function fewDistinct(body: string, start: number, end: number): boolean {
  // Distinct ASCII characters seen, as four 32-bit masks.
  let m0 = 0
  let m1 = 0
  let m2 = 0
  let m3 = 0
  let distinct = 0
  for (let i = start; i < end; i++) {
    const c = body.charCodeAt(i)
    if (c === 45 || c === 95 || c === 46) continue
    // Past ASCII: not a placeholder's alphabet.
    if (c >= 128) return false
    const bit = 1 << (c & 31)
    const word = c >> 5
    const mask = word === 0 ? m0 : word === 1 ? m1 : word === 2 ? m2 : m3
    if ((mask & bit) !== 0) continue
    if (++distinct >= 5) return false
    if (word === 0) m0 |= bit
    else if (word === 1) m1 |= bit
    else if (word === 2) m2 |= bit
    else m3 |= bit
  }
  return true
}

/** The length of the run of `c` through position `k`. */
function sameRun(body: string, start: number, end: number, k: number, c: number): number {
  let from = k
  while (from > start && body.charCodeAt(from - 1) === c) from--
  let to = k + 1
  while (to < end && body.charCodeAt(to) === c) to++
  return to - from
}

/**
 * The length of the run through position `k` where each character is a lower-case letter one
 * after the one before it (`abcdefgh`; the first may be any character, as in `` `abcdefg ``).
 */
function ascendingRun(body: string, start: number, end: number, k: number): number {
  let from = k
  while (
    from > start &&
    isLower(body.charCodeAt(from)) &&
    body.charCodeAt(from - 1) === body.charCodeAt(from) - 1
  )
    from--
  let to = k + 1
  while (to < end && isLower(body.charCodeAt(to)) && body.charCodeAt(to) === body.charCodeAt(to - 1) + 1) to++
  return to - from
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122
}

/** Characters people type to fill a placeholder: x, X, a, A, digits, `*`. */
function isFiller(c: number): boolean {
  return c === 120 || c === 88 || c === 97 || c === 65 || c === 42 || (c >= 48 && c <= 57)
}
