import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { compileAllowlist } from '../allowlist/compile.js'
import { project } from '../allowlist/project.js'
import { acceptMembers, compileAcceptList } from './accept.js'

const LIMITS = { maxDepth: 32, maxPaths: 32, maxBytes: 1024 * 1024 }
const NAMES = ['a', 'b', 'c', 'name', 'role', '0', '1']
const PATHS = ['$.a', '$.b.*', '$.c[*].name', '$.name', '$[*].a', '$.b.c', '$.c[0]', '$.*.a', '$']

function randomValue(random: () => number, depth: number): unknown {
  const pick = random()
  if (depth > 3 || pick < 0.35) {
    const leaves = ['x', 1, true, null, 'y']
    return leaves[Math.floor(random() * leaves.length)]
  }
  if (pick < 0.6)
    return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1))
  const out: Record<string, unknown> = {}
  for (const name of NAMES) if (random() < 0.3) out[name] = randomValue(random, depth + 1)
  return out
}

describe('acceptMembers', () => {
  it('hands back the body itself exactly when the projection would keep all of it', () => {
    const random = seededRandom(17)
    let same = 0
    for (let i = 0; i < 3000; i++) {
      const paths = PATHS.filter(() => random() < 0.3)
      const tree = compileAllowlist(paths, 'accept')
      const value = randomValue(random, 0)
      // A body that is one primitive sets no member: it is handed over as it is (strings: 415).
      if (typeof value !== 'object' || value === null) continue
      const accepted = acceptMembers(value, tree, LIMITS)
      const projected = project(value, tree, { maxDepth: 32, maxPaths: 32 })
      // The fast path and the projection agree on what is kept and how much is dropped.
      expect(accepted.value, JSON.stringify({ paths, value })).toEqual(projected.value)
      expect(accepted.dropped).toBe(projected.dropped)
      if (accepted.value === value && typeof value === 'object' && value !== null) same++
    }
    expect(same).toBeGreaterThan(100) // the fast path was taken, and often
  })

  it('never keeps a forbidden name, at any depth, even when everything is accepted', () => {
    const body = JSON.parse('{"a":{"b":[{"__proto__":{"x":1},"ok":1}]},"constructor":{"prototype":{}}}')
    const result = acceptMembers(body, compileAcceptList(['$'], 'accept'), LIMITS)
    expect(JSON.stringify(result.value)).toBe('{"a":{"b":[{"ok":1}]}}')
    expect(result).toMatchObject({
      dropped: 2,
      forbidden: true,
      paths: ['$.constructor', '$.a.b[*].__proto__'],
    })
  })
})
