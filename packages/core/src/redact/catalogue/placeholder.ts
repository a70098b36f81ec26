/**
 * A value in a provider's format that is a placeholder, not a secret: `glpat-XXXXXXXXXXXXXXXXXXXX`,
 * `hvs.xxxxxxxx...`, `00000000000000TUVWXYZ`, `123123123...`, `sk_abcdefghijklmnop...`: eight
 * lower-case letters in alphabetical order, a filler character (`x`, `X`, `a`, `A`, a digit, `*`)
 * eight times in a row, or ten characters or more drawn from fewer than five distinct ones
 * (separators `-`, `_`, `.` aside). A random token of 10 characters or more from an alphabet of
 * 16 or more does any of these with a probability below one in a million. One pass, no allocation.
 */
export function isPlaceholder(body: string): boolean {
  // Distinct ASCII characters seen, as four 32-bit masks.
  let m0 = 0
  let m1 = 0
  let m2 = 0
  let m3 = 0
  let distinct = 0
  let run = 0
  let ascending = 0
  let previous = -1
  const length = body.length
  for (let i = 0; i < length; i++) {
    const c = body.charCodeAt(i)
    if (c === previous) {
      if (++run >= 7 && isFiller(c)) return true
    } else run = 0
    if (c >= 97 && c <= 122 && c === previous + 1) {
      if (++ascending >= 7) return true
    } else ascending = 0
    previous = c
    if (c === 45 || c === 95 || c === 46 || distinct >= 5) continue
    if (c >= 128) {
      distinct = 5 // not a placeholder alphabet
      continue
    }
    const bit = 1 << (c & 31)
    const word = c >> 5
    if (word === 0) {
      if ((m0 & bit) === 0) {
        m0 |= bit
        distinct++
      }
    } else if (word === 1) {
      if ((m1 & bit) === 0) {
        m1 |= bit
        distinct++
      }
    } else if (word === 2) {
      if ((m2 & bit) === 0) {
        m2 |= bit
        distinct++
      }
    } else if ((m3 & bit) === 0) {
      m3 |= bit
      distinct++
    }
  }
  return length >= 10 && distinct < 5
}

/** Characters people type to fill a placeholder: x, X, a, A, digits, `*`. */
function isFiller(c: number): boolean {
  return c === 120 || c === 88 || c === 97 || c === 65 || c === 42 || (c >= 48 && c <= 57)
}
