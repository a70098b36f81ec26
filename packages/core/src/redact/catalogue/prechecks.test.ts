import { describe, expect, it } from 'vitest'
import { emptyArray } from '../../lib/scratch-arrays.js'
import { createRedactor } from '../index.js'
import { ASSIGNMENT, type CompiledToken, compileToken } from './compile.js'
import { TOKEN_FORMATS } from './index.js'
import { isPlaceholder } from './placeholder.js'
import { LiteralScan, mayAssignAfter } from './scanner.js'

/**
 * The cheap tests the literal scan runs before a pattern: each must answer as the pattern (or the
 * slow form it replaced) would, on any input, or a secret would pass unread.
 */

/** A deterministic generator (xorshift32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x100000000
  }
}

function text(next: () => number, alphabet: string, max: number): string {
  let out = ''
  const length = Math.floor(next() * max)
  for (let i = 0; i < length; i++) {
    const r = next()
    const last = out.charCodeAt(out.length - 1)
    // Runs and alphabetical steps, which the placeholder test looks for, now and then.
    if (r < 0.25 && out.length > 0) out += out[out.length - 1]
    else if (r < 0.4 && out.length > 0) out += String.fromCharCode(last + 1)
    else out += alphabet[Math.floor(next() * alphabet.length)]
  }
  return out
}

/**
 * The placeholder test as it was written first, every rule counted at every character: `x`, `X`
 * or `*` eight times; a run of eight (another filler repeated, or letters in alphabetical order)
 * where runs of four and more cover half the text; or fewer than five distinct characters.
 */
function placeholderByOnePass(body: string): boolean {
  const seen = new Set<number>()
  const covered = new Array<boolean>(body.length).fill(false)
  let longest = 0
  let typed = false
  let wide = false
  const filler = (c: number) =>
    c === 120 || c === 88 || c === 97 || c === 65 || c === 42 || (c >= 48 && c <= 57)
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    // The longest run of each kind that ends here.
    let same = 1
    while (same <= i && filler(c) && body.charCodeAt(i - same) === c) same++
    let ascending = 1
    while (
      ascending <= i &&
      body.charCodeAt(i - ascending + 1) >= 97 &&
      body.charCodeAt(i - ascending + 1) <= 122 &&
      body.charCodeAt(i - ascending + 1) === body.charCodeAt(i - ascending) + 1
    )
      ascending++
    if (!filler(c)) same = 0
    if (same >= 8 && (c === 120 || c === 88 || c === 42)) typed = true
    for (const run of [same, ascending]) {
      if (run >= 4) for (let k = i - run + 1; k <= i; k++) covered[k] = true
      longest = Math.max(longest, run)
    }
    if (c === 45 || c === 95 || c === 46) continue
    if (c >= 128) wide = true
    else seen.add(c)
  }
  if (body.length >= 10 && !wide && seen.size < 5) return true
  return typed || (longest >= 8 && covered.filter(Boolean).length * 2 >= body.length)
}

describe('isPlaceholder', () => {
  it('answers as the one-pass test on random text, whole or as a range of a longer text', () => {
    const next = random(0x5eed)
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz`{',
      'xXaA0123456789*-_.',
      'ab',
      'xyz\u00e9',
      'A-Za-z0-9+/=',
    ]
    for (let i = 0; i < 20_000; i++) {
      const body = text(next, alphabets[i % alphabets.length]!, 40)
      const around = `zz${body}q`
      expect(isPlaceholder(body), JSON.stringify(body)).toBe(placeholderByOnePass(body))
      expect(isPlaceholder(around, 2, 2 + body.length), JSON.stringify(body)).toBe(placeholderByOnePass(body))
    }
  })

  it('finds a run of eight at every offset, and not a run of seven', () => {
    for (let at = 0; at <= 8; at++) {
      const head = 'Q7wR3mK5'.slice(0, at)
      const tail = '9kTrZqW8'.slice(0, 8 - at)
      expect(isPlaceholder(`${head}XXXXXXXX${tail}`)).toBe(true)
      expect(isPlaceholder(`${head}abcdefgh${tail}`)).toBe(true)
      expect(isPlaceholder(`${head}\`abcdefg${tail}`)).toBe(true)
      expect(isPlaceholder(`${head}XXXXXXX${tail}`)).toBe(false)
      expect(isPlaceholder(`${head}abcdefg${tail}`)).toBe(false)
    }
  })

  it('takes a run for a placeholder only where runs make half the value (red-team pass)', () => {
    // Base64 of zero bytes inside a token, a password ending in a timestamp's zeros.
    for (const value of [
      'kT3vX9pQ2mRAAAAAAAAAAbY6cH1jF5dG0aZ',
      'Xq7Lm2Vr9Tz4Wp1700000000',
      'Zaq1Wsx2abcdefghEdc3Rfv4',
    ])
      expect(isPlaceholder(value), value).toBe(false)
    for (const value of [
      'XXXXXXXXXX_PUT_YOUR_TOKEN_HERE_XXXXXXXXXXXX',
      '5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa',
      'your-key-xxxxxxxxxxxxxxxx',
      '00000000000000TUVWXYZ',
    ])
      expect(isPlaceholder(value), value).toBe(true)
  })
})

describe('mayAssignAfter', () => {
  const pattern = new RegExp(ASSIGNMENT, 'y')
  const byPattern = (value: string, end: number) => {
    pattern.lastIndex = end
    return pattern.test(value)
  }

  it('answers as the assignment pattern from any offset of random text', () => {
    const next = random(0xa551)
    const alphabet = 'ab_.-9 \t\n\'"`]=:>,|?!x\u00a0\u3000\u2028'
    for (let i = 0; i < 4_000; i++) {
      const value = text(next, alphabet, 40)
      for (let end = 0; end <= value.length; end++)
        expect(mayAssignAfter(value, end), `${JSON.stringify(value)} at ${end}`).toBe(byPattern(value, end))
    }
  })

  it('takes the rest of a name up to 24 characters, three blanks or quotes, then an operator', () => {
    expect(mayAssignAfter('heroku_api_key = "x"', 6)).toBe(true)
    expect(mayAssignAfter(`heroku${'k'.repeat(24)}=x`, 6)).toBe(true)
    expect(mayAssignAfter(`heroku${'k'.repeat(25)}=x`, 6)).toBe(false)
    expect(mayAssignAfter('heroku"   :x', 6)).toBe(false)
    expect(mayAssignAfter('heroku"  :x', 6)).toBe(true)
    expect(mayAssignAfter('heroku\u00a0=x', 6)).toBe(true)
    expect(mayAssignAfter('heroku || x', 6)).toBe(true)
    expect(mayAssignAfter('heroku ?= x', 6)).toBe(true)
    expect(mayAssignAfter('heroku | x', 6)).toBe(false)
    expect(mayAssignAfter('see heroku.com/docs', 10)).toBe(false)
  })
})

describe('the literal scan', () => {
  const redactor = createRedactor({ knownSecrets: false })
  const detectors = (value: string) => redactor.scan({ note: value }).map((f) => f.detector)

  it('reads a prefix in the case its format is written in, and only that case', () => {
    const token = 'glpat-A1b2C3d4E5f6G7h8I9j0'
    expect(detectors(`deploy with ${token} today`)).toEqual(['gitlab-pat'])
    expect(detectors(`deploy with ${token.toUpperCase()} today`)).not.toContain('gitlab-pat')
    expect(detectors(`deploy with Glpat-${token.slice(6)} today`)).not.toContain('gitlab-pat')
  })

  it('reads a keyed value after its keyword only where an assignment follows', () => {
    const value = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'
    expect(detectors(`heroku_api_key = "${'9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a'}"`)).not.toEqual([])
    expect(detectors(`see heroku.com/docs ${value}`)).toEqual([])
  })

  it('judges a name it met before as it did the first time (one answer per name and rule)', () => {
    const names = createRedactor({ knownSecrets: false, keyNames: { words: ['launchcode'] } })
    expect(names.scan({ note: 'launchcode=Xk9mQ2vLp0Rt7Yw3' })).toHaveLength(1)
    expect(redactor.scan({ note: 'launchcode=Xk9mQ2vLp0Rt7Yw3' })).toHaveLength(0)
    expect(names.scan({ note: 'launchcode=Xk9mQ2vLp0Rt7Yw3' })).toHaveLength(1)
  })
})

describe('emptyArray', () => {
  it('empties short and long arrays in place', () => {
    for (const length of [0, 1, 2, 31, 32, 33, 1000]) {
      const list = Array.from({ length }, (_, i) => i)
      emptyArray(list)
      expect(list).toEqual([])
      list.push(7)
      expect(list).toEqual([7])
    }
  })
})

describe('run-bodied token formats', () => {
  type Ends = {
    tokenEnd(compiled: CompiledToken, text: string, at: number): number
    runEnd(compiled: CompiledToken, text: string, at: number, prefix: number): number
  }

  it('end where their pattern ends, from every prefix of a run, for any text', () => {
    const formats = TOKEN_FORMATS.map(compileToken).filter((compiled) => compiled.run !== undefined)
    // The long bodies a red team read once per prefix (quadratic), and a few short ones.
    expect(formats.map((compiled) => compiled.format.id)).toEqual(
      expect.arrayContaining([
        '1password-service-account-token',
        'der-private-key',
        'google-oauth-access-token',
      ]),
    )
    const next = random(0x7e57)
    let matched = 0
    let refused = 0
    for (const compiled of formats) {
      const scan = new LiteralScan([compiled.format], [], false) as unknown as Ends
      const { prefixes } = compiled.format
      const { min, max } = compiled.run!
      for (let round = 0; round < 60; round++) {
        // Prefixes inside runs of the body's characters as long as its bounds, padding, and
        // characters inside and outside the boundary.
        let text = ''
        const target = [min - 1, min, min + 1, Math.min(max, min + 40), max, max + 1].map((n) =>
          Number.isFinite(n) ? n : min + 200,
        )[round % 6]!
        while (text.length < target + 60) {
          const r = next()
          if (r < 0.08) text += prefixes[Math.floor(next() * prefixes.length)]!
          else if (r < 0.1) text += '='
          else if (r < 0.13) text += ' -_+/.%'[Math.floor(next() * 7)]!
          else text += 'aZ09kQ'[Math.floor(next() * 6)]!.repeat(Math.floor(next() * (target / 4 + 1)) + 1)
        }
        // Every prefix in the order the scan meets them; a prefix inside a token read from an
        // earlier one (-2) ends where that token does.
        const hits: [number, number][] = []
        for (const prefix of prefixes)
          for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1))
            hits.push([at, prefix.length])
        hits.sort((a, b) => a[0] - b[0])
        let lastMatched = -1
        for (const [at, length] of hits) {
          const end = scan.tokenEnd(compiled, text, at)
          const read = scan.runEnd(compiled, text, at, length)
          expect(read === -2 ? lastMatched : read, `${compiled.format.id} ${at}`).toBe(end)
          if (read >= 0) lastMatched = read
          if (end === -1) refused++
          else matched++
        }
      }
    }
    expect(matched).toBeGreaterThan(200)
    expect(refused).toBeGreaterThan(200)
  })
})

describe('a run of one format holding two tokens', () => {
  it('reads a real token after a placeholder in the same run (a re-attack found it skipped)', () => {
    const real = 'pypi-AgEIcHlwaS5vcmcLwX8jKvW7iJuV6hItU5gHsT4fGrS3eFqR2dEpQ1cDoP0bCnOzaBmNyZAlMxY'
    const text = `pypi-AgEIcHlwaS5vcmc${'X'.repeat(32)}-${real}`
    const redactor = createRedactor({ knownSecrets: false })
    expect(redactor.redact(text)).not.toContain(real.slice(20))
    expect(redactor.redact({ k: text }).k).not.toContain(real.slice(20))
  })
})
