/**
 * Multi-string search with skips (Wu-Manber, blocks of two characters): most positions of a text
 * are passed over several characters at a time, so searching for a hundred literals of 8 or more
 * characters costs a fraction of one read per character. Letters of ASCII are compared ignoring
 * case here; callers confirm the exact case where it matters.
 */
export class MultiSearch {
  /** The shortest literal: every literal's first `m` characters are what the skips are built on. */
  private readonly m: number
  /** Shift by the hashed block ending at a position: how far no literal can start. */
  private readonly shift: Uint8Array
  /** Literals whose first `m` characters end with the block, by block hash (shift 0). */
  private readonly buckets: Map<number, number[]>
  private readonly lower: readonly string[]

  /** @param literals at least 2 characters each (8 or more for the skips to pay). */
  constructor(literals: readonly string[]) {
    // ASCII letters only, as the search folds them: `'Ä'.toLowerCase()` is `ä`, which a text
    // holding `Ä` would never be compared equal to.
    this.lower = literals.map(asciiLowerCase)
    // A loop, not Math.min(...): tens of thousands of literals would overflow the call stack.
    let m = 255
    for (const literal of this.lower) if (literal.length < m) m = literal.length
    this.m = m
    const shift = new Uint8Array(65536).fill(m - 1)
    const buckets = new Map<number, number[]>()
    this.lower.forEach((literal, index) => {
      for (let j = 1; j < m; j++) {
        const h = block(literal, j)
        const s = m - 1 - j
        if (s < shift[h]!) shift[h] = s
        if (s === 0) {
          const list = buckets.get(h)
          if (list === undefined) buckets.set(h, [index])
          else list.push(index)
        }
      }
    })
    this.shift = shift
    this.buckets = buckets
  }

  /**
   * Every occurrence (literals compared ignoring ASCII case), appended to `hits` as pairs
   * (literal index, start). No allocation when there is none.
   */
  search(text: string, hits: number[]): void {
    const { m, shift, buckets, lower } = this
    let i = m - 1
    const length = text.length
    while (i < length) {
      const h = block(text, i)
      const s = shift[h]!
      if (s > 0) {
        i += s
        continue
      }
      const start = i - m + 1
      for (const index of buckets.get(h)!) {
        const literal = lower[index]!
        if (start + literal.length <= length && sameIgnoringCase(text, start, literal))
          hits.push(index, start)
      }
      i++
    }
  }
}

/** `text` with its ASCII capitals in lower case, and nothing else changed. */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase())
}

/** Hash of the two characters ending at `end`, ASCII letters folded to lower case. */
function block(text: string, end: number): number {
  let a = text.charCodeAt(end - 1)
  let b = text.charCodeAt(end)
  if (a >= 65 && a <= 90) a += 32
  if (b >= 65 && b <= 90) b += 32
  return ((a << 8) ^ b) & 0xffff
}

function sameIgnoringCase(text: string, start: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    let c = text.charCodeAt(start + k)
    if (c >= 65 && c <= 90) c += 32
    if (c !== lower.charCodeAt(k)) return false
  }
  return true
}
