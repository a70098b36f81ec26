/** The lower-case alphabet in order: `sk_abcdefghijklmnopqrstuvwxyz123` is an example, not a key. */
const SEQUENCE = /abcdefgh|bcdefghi|ijklmnop|qrstuvwx/
/** A filler character eight times in a row: `XXXXXXXX`, `00000000`, `aaaaaaaa`, `********`. */
const RUN = /([0-9xXaA*])\1{7}/

/**
 * A value in a provider's format that is a placeholder, not a secret: `glpat-XXXXXXXXXXXXXXXXXXXX`,
 * `hvs.xxxxxxxx...`, `00000000000000TUVWXYZ`, `123123123...`, `sk_abcdefghijklmnop...`: the
 * alphabet in order, one character eight times in a row, or ten characters or more drawn from
 * fewer than five distinct ones. A random token of 10 characters or more from an alphabet of 16
 * or more does any of these with a probability below one in a million.
 */
export function isPlaceholder(body: string): boolean {
  if (SEQUENCE.test(body) || RUN.test(body)) return true
  if (body.length < 10) return false
  let distinct = 0
  const seen = new Set<number>()
  for (let i = 0; i < body.length && distinct < 5; i++) {
    const code = body.charCodeAt(i)
    if (code === 45 || code === 95 || code === 46) continue // - _ . separate groups
    if (!seen.has(code)) {
      seen.add(code)
      distinct++
    }
  }
  return distinct < 5
}
