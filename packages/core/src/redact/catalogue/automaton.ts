/**
 * A multi-literal matcher (Aho-Corasick, as a DFA over ASCII letters folded to lower case): every
 * occurrence of any of its literals in one pass over a string, whatever their number. Characters
 * outside the literals' alphabet reset it; non-ASCII characters never match.
 */
export class LiteralAutomaton {
  /**
   * `step[offset + class]`, where `offset` is a state times {@link width}: the next state's offset,
   * or its bitwise complement when literals end there ({@link hitsAt}).
   */
  readonly step: Int32Array
  /** Character code (0-127) to class; 0 is "in no literal". */
  readonly classes: Uint8Array
  readonly width: number
  /** Per state, where its literals start in {@link ends} (-1: none); they run to the next -1. */
  readonly outputs: Int32Array
  /** The literals ending at each state (itself or through suffix links), each list closed by -1. */
  readonly ends: Int32Array
  /** Length of each literal, by index. */
  readonly lengths: readonly number[]

  /** @param literals ASCII literals, compared ignoring the case of letters. */
  constructor(literals: readonly string[]) {
    const classes = new Uint8Array(128)
    let width = 1
    const lower = literals.map((literal) => literal.toLowerCase())
    for (const literal of lower) {
      for (let i = 0; i < literal.length; i++) {
        const code = literal.charCodeAt(i)
        if (code >= 128) throw new Error(`literal "${literal}" is not ASCII`)
        if (classes[code] === 0) classes[code] = width++
      }
    }
    for (let code = 65; code <= 90; code++) classes[code] = classes[code + 32]!
    // Trie.
    const next: number[][] = [[]]
    const ends: number[][] = [[]]
    lower.forEach((literal, index) => {
      let state = 0
      for (let i = 0; i < literal.length; i++) {
        const c = classes[literal.charCodeAt(i)]!
        let to = next[state]![c]
        if (to === undefined) {
          to = next.length
          next.push([])
          ends.push([])
          next[state]![c] = to
        }
        state = to
      }
      ends[state]!.push(index)
    })
    // Breadth-first: failure links folded into a full transition table, outputs merged along them.
    const delta = new Int32Array(next.length * width)
    const fail = new Int32Array(next.length)
    const queue: number[] = []
    for (let c = 1; c < width; c++) {
      const to = next[0]![c]
      if (to !== undefined) {
        delta[c] = to
        queue.push(to)
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!
      const f = fail[state]!
      if (ends[f]!.length > 0) ends[state] = [...ends[state]!, ...ends[f]!]
      for (let c = 1; c < width; c++) {
        const to = next[state]![c]
        if (to === undefined) delta[state * width + c] = delta[f * width + c]!
        else {
          delta[state * width + c] = to
          fail[to] = delta[f * width + c]!
          queue.push(to)
        }
      }
    }
    // The table the loops read: next states premultiplied by the width, negated (~) where
    // literals end, so a step is one load and a sign test.
    const step = new Int32Array(delta.length)
    for (let i = 0; i < delta.length; i++) {
      const to = delta[i]!
      step[i] = ends[to]!.length > 0 ? ~(to * width) : to * width
    }
    this.step = step
    this.classes = classes
    this.width = width
    const outputs = new Int32Array(ends.length).fill(-1)
    const flat: number[] = []
    ends.forEach((list, state) => {
      if (list.length === 0) return
      outputs[state] = flat.length
      flat.push(...list, -1)
    })
    this.outputs = outputs
    this.ends = Int32Array.from(flat)
    this.lengths = lower.map((literal) => literal.length)
  }

  /** Where the last {@link scan} stopped: the next character to read, and the state there. */
  private resumeAt = 0
  private resumeState = 0

  /**
   * Occurrences in `text`, appended to `hits` as pairs (literal index, start offset), from
   * `from` (0, or where the previous call on the same text stopped) until `limit` pairs were
   * appended or the text ends; {@link stoppedAt} says which. Memory stays bounded by `limit`
   * whatever the text, and a text is still read once in all.
   */
  scan(text: string, hits: number[], limit = Number.POSITIVE_INFINITY, from = 0): number {
    const { step, classes } = this
    let state = from === 0 ? 0 : this.resumeState
    let found = 0
    let i = from
    const length = text.length
    for (; i < length; i++) {
      const code = text.charCodeAt(i)
      const next = step[state + (code < 128 ? classes[code]! : 0)]!
      if (next >= 0) {
        state = next
        continue
      }
      state = ~next
      found += this.hitsAt(state, i + 1, hits)
      if (found >= limit) {
        i++
        break
      }
    }
    this.resumeAt = i
    this.resumeState = state
    return found
  }

  /**
   * Appends the literals that end at state offset `state` (a {@link step} entry's complement),
   * just before character `end`, to `hits` as pairs (literal index, start); returns how many.
   */
  hitsAt(state: number, end: number, hits: number[]): number {
    const { ends, lengths } = this
    let at = this.outputs[state / this.width]!
    let found = 0
    for (let index = ends[at]!; index >= 0; index = ends[++at]!) {
      hits.push(index, end - lengths[index]!)
      found++
    }
    return found
  }

  /**
   * Records where a scan run elsewhere (the features pass, which steps this automaton as it reads
   * a string) stopped: the next character and the state (offset) there.
   */
  pause(at: number, state: number): void {
    this.resumeAt = at
    this.resumeState = state
  }

  /** Where the last {@link scan} stopped (the text's length when it read to the end). */
  get stoppedAt(): number {
    return this.resumeAt
  }
}
