import { describe, expect, it } from 'vitest'
import { isCanonicalPath, splitPath } from './pattern.js'

/** What splitPath did before it was written with indexOf: the reference its answers must equal. */
function reference(path: string): string[] {
  const q = path.indexOf('?')
  const pathname = q === -1 ? path : path.slice(0, q)
  const out: string[] = []
  for (const part of pathname.split('/')) {
    if (part === '') continue
    let segment = part
    if (part.includes('%')) {
      try {
        segment = decodeURIComponent(part)
      } catch {
        segment = part
      }
    }
    out.push(segment.toLowerCase())
  }
  return out
}

const ALPHABET = [
  '/',
  '/',
  '/',
  'a',
  'B',
  'z',
  '0',
  '%',
  '%2F',
  '%41',
  '%E0%A4',
  '?',
  '.',
  '-',
  'É',
  'ß',
  '~',
  ';',
  ' ',
]

/** A path of `n` pieces drawn with a seeded generator (the same paths every run). */
function randomPath(seed: number, n: number): string {
  let x = seed
  let out = ''
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648
    out += ALPHABET[x % ALPHABET.length]
  }
  return out
}

describe('splitPath', () => {
  it.each([
    ['/', []],
    ['', []],
    ['/users/42', ['users', '42']],
    ['//Users///%41/', ['users', 'a']],
    ['/a/b?x=/c/d', ['a', 'b']],
    ['/%E0%A4%A/x', ['%e0%a4%a', 'x']],
    ['/a%2Fb', ['a/b']],
    ['no/leading', ['no', 'leading']],
    ['/?', []],
  ])('%j -> %j', (path, segments) => {
    expect(splitPath(path)).toEqual(segments)
  })

  it('answers as the split() reference on 20,000 generated paths', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const path = randomPath(seed, 1 + (seed % 24))
      expect(splitPath(path), path).toEqual(reference(path))
    }
  })
})

describe('isCanonicalPath', () => {
  const canonical = (path: string) => `/${reference(path).join('/')}`

  it.each(['/', '/users', '/users/42', '/api/v1/orders.json', '/a-b_c~d;e'])('%j is canonical', (path) => {
    expect(isCanonicalPath(path)).toBe(true)
  })

  it.each(['', 'users', '/Users', '/users/', '//users', '/a//b', '/a%41', '/a?x', '/caf\u00e9', '/\u0130'])(
    '%j is not',
    (path) => {
      expect(isCanonicalPath(path)).toBe(false)
    },
  )

  it('says yes only for paths the canonical form leaves as they are, on 20,000 generated paths', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const path = randomPath(seed * 7, 1 + (seed % 16))
      if (isCanonicalPath(path)) expect(canonical(path), path).toBe(path)
    }
  })
})
