import { describe, expect, it } from 'vitest'
import { compileAllowlist, EMPTY, KEEP, mergeNodes, type ProjectionNode } from './compile.js'

/** The tree as nested plain objects, for readable assertions. */
function shape(node: ProjectionNode): unknown {
  if (node.keep) return 'KEEP'
  const out: Record<string, unknown> = {}
  for (const [name, child] of node.children ?? []) out[name] = shape(child)
  if (node.any !== null) out['[*]'] = shape(node.any)
  return out
}

describe('compileAllowlist', () => {
  it('builds one tree from several paths', () => {
    const tree = compileAllowlist(['$.id', '$.profile.name', '$.profile.city'], 'allow')
    expect(shape(tree)).toEqual({ id: 'KEEP', profile: { name: 'KEEP', city: 'KEEP' } })
  })

  it('lets a whole-member path absorb deeper ones, in any order', () => {
    expect(shape(compileAllowlist(['$.a.b', '$.a'], 'allow'))).toEqual({ a: 'KEEP' })
    expect(shape(compileAllowlist(['$.a', '$.a.b'], 'allow'))).toEqual({ a: 'KEEP' })
    expect(compileAllowlist(['$.a', '$'], 'allow')).toBe(KEEP)
  })

  it('folds a wildcard into the named members it also covers', () => {
    const tree = compileAllowlist(['$.users[*].id', '$.users[0].email'], 'allow')
    expect(shape(tree)).toEqual({ users: { '0': { id: 'KEEP', email: 'KEEP' }, '[*]': { id: 'KEEP' } } })
  })

  it('compiles an empty list to a tree that keeps nothing', () => {
    expect(compileAllowlist([], 'allow')).toBe(EMPTY)
  })

  it('names the offending entry of the list', () => {
    expect(() => compileAllowlist(['$.ok', '$.a[?(@.x)]'], 'routes["GET /"].allow')).toThrow(
      /^routes\["GET \/"\]\.allow\[1\]: /,
    )
    expect(() => compileAllowlist('$.id', 'allow')).toThrow(/allow: expected an array of strings/)
  })
})

describe('mergeNodes', () => {
  it('keeps what either tree keeps without changing either', () => {
    const a = compileAllowlist(['$.id', '$.x.y'], 'a')
    const b = compileAllowlist(['$.name', '$.x.z', '$.list[*].v'], 'b')
    const before = [shape(a), shape(b)]
    expect(shape(mergeNodes(a, b))).toEqual({
      id: 'KEEP',
      name: 'KEEP',
      x: { y: 'KEEP', z: 'KEEP' },
      list: { '[*]': { v: 'KEEP' } },
    })
    expect([shape(a), shape(b)]).toEqual(before)
  })

  it('returns KEEP when either side keeps everything', () => {
    expect(mergeNodes(KEEP, compileAllowlist(['$.a'], 'a'))).toBe(KEEP)
  })
})
