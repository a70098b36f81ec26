/** Scratch arrays the hot paths fill and empty once per string. */

/**
 * Longest array {@link emptyArray} empties by popping: setting `length` is a runtime call in V8
 * (~100 ns), popping one element a few nanoseconds.
 */
const POP_UP_TO = 32

/** Empties `list` in place, the cheaper way for its length. */
export function emptyArray(list: unknown[]): void {
  const length = list.length
  if (length === 0) return
  if (length > POP_UP_TO) list.length = 0
  else for (let i = 0; i < length; i++) list.pop()
}

/**
 * Longest typed array a {@link ScratchArray} keeps: longer strings get one of their own (its
 * allocation is then a small share of their reading), so a huge string leaves no huge buffer held.
 */
const MAX_REUSED = 1 << 16

/**
 * A typed array reused from one string to the next. V8 allocates a typed array of more than 64
 * bytes outside its heap, which costs about as much as reading a short string whole (0.6 us
 * here); per-string maps of offsets are taken from one of these instead.
 */
export class ScratchArray<T extends Int32Array | Uint16Array> {
  private array: T

  constructor(private readonly make: (length: number) => T) {
    this.array = make(0)
  }

  /**
   * An array of `length` elements or more, its contents left from earlier use: valid until the
   * next call, and written before it is read.
   */
  get(length: number): T {
    if (length > MAX_REUSED) return this.make(length)
    if (this.array.length < length)
      this.array = this.make(Math.min(MAX_REUSED, Math.max(length, 2 * this.array.length, 256)))
    return this.array
  }
}
