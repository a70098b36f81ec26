import { describe, expect, it } from 'vitest'
import { readsAsWord } from './words.js'

describe('readsAsWord', () => {
  it('reads small letters, with a capital first or not, as a word', () => {
    for (const word of ['required', 'Email', 'x', '']) expect(readsAsWord(word), word).toBe(true)
  })

  it('reads a digit, a symbol, a capital inside or a letter past ASCII as a value', () => {
    for (const value of ['hunter2', 'S3cret', 'pass!word', 'camelCase', 'two words', 'señal'])
      expect(readsAsWord(value), value).toBe(false)
  })
})
