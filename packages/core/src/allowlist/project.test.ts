import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test/seeded-random.js'
import { LeakguardResponseError } from '../errors.js'
import { compileAllowlist, EMPTY, KEEP, type ProjectionNode } from './compile.js'
import { childPath, lastMemberName, project } from './project.js'

const limits = { maxDepth: 128, maxPaths: 32 }
const apply = (paths: string[], value: unknown) => project(value, compileAllowlist(paths, 'allow'), limits)

function failure(value: unknown, tree: ProjectionNode = KEEP, maxDepth = 128): string {
  try {
    project(value, tree, { maxDepth, maxPaths: 4 })
  } catch (error) {
    if (error instanceof LeakguardResponseError) return error.code
    throw error
  }
  throw new Error('did not throw')
}

describe('project', () => {
  it('keeps only allowed members and counts each dropped one with its templated path', () => {
    const result = apply(['$.id', '$.users[*].name'], {
      id: 1,
      token: 't',
      users: [
        { name: 'a', password: 'p' },
        { name: 'b', password: 'q', 'odd key': 1 },
      ],
    })
    expect(result.value).toEqual({ id: 1, users: [{ name: 'a' }, { name: 'b' }] })
    expect(result.dropped).toBe(4)
    expect(result.droppedPaths).toEqual(['$.token', '$.users[*].password', "$.users[*]['odd key']"])
    expect(result.pathsTruncated).toBe(false)
  })

  it('gives the same result when objects of a list share their keys, or change them midway', () => {
    const row = (id: number) => ({ id, name: `n${id}`, secret: 's', address: { city: 'c', street: 'x' } })
    const rows = [
      row(1),
      row(2),
      { id: 3, secret: 's', name: 'n3' },
      row(4),
      { name: 'n5', id: 5 },
      row(6),
      7,
    ]
    const result = apply(['$.rows[*].id', '$.rows[*].name', '$.rows[*].address.city', '$.other[*].secret'], {
      rows,
      other: [
        { secret: 'kept', id: 1 },
        { secret: 'kept too', id: 2 },
      ],
    })
    expect(result.value).toEqual({
      rows: [
        { id: 1, name: 'n1', address: { city: 'c' } },
        { id: 2, name: 'n2', address: { city: 'c' } },
        { id: 3, name: 'n3' },
        { id: 4, name: 'n4', address: { city: 'c' } },
        { name: 'n5', id: 5 },
        { id: 6, name: 'n6', address: { city: 'c' } },
      ],
      other: [{ secret: 'kept' }, { secret: 'kept too' }],
    })
    // 5 secrets, 4 streets, the primitive 7 where objects are expected, and 2 ids under other.
    expect(result.dropped).toBe(12)
    expect(result.droppedPaths).toEqual([
      '$.rows[*]',
      '$.rows[*].secret',
      '$.rows[*].address.street',
      '$.other[*].id',
    ])
  })

  it('throws a RangeError for a sparse array longer than a copy can hold, as JSON.stringify does', () => {
    // A red-team pass: `redact({ data: a })` with a.length = 2^32 - 1 ended the process.
    const sparse: unknown[] = []
    sparse.length = 2 ** 32 - 1
    expect(() => JSON.stringify(sparse)).toThrow(RangeError)
    expect(() => project({ data: sparse }, KEEP, { maxDepth: 8, maxPaths: 0 })).toThrow(RangeError)
  })

  it('keeps only the listed array indices, compacted', () => {
    const result = apply(['$.items[1]'], { items: ['a', 'b', 'c'] })
    expect(result.value).toEqual({ items: ['b'] })
    expect(result.dropped).toBe(2)
  })

  it('drops a primitive where the allowlist expects members below it', () => {
    const result = apply(['$.user.name'], { user: 'just a string' })
    expect(result.value).toEqual({})
    expect(result.droppedPaths).toEqual(['$.user'])
  })

  it('keeps the root container kind when nothing is allowed', () => {
    expect(project({ a: 1 }, EMPTY, limits).value).toEqual({})
    expect(project([1, 2], EMPTY, limits).value).toEqual([])
    expect(project('text', EMPTY, limits).value).toBeNull()
    expect(project('text', KEEP, limits).value).toBe('text')
  })

  it('builds a new value and never mutates the input', () => {
    const input = { a: { b: [1, { c: 2 }] }, d: 3 }
    const frozen = structuredClone(input)
    const { value } = project(input, KEEP, limits)
    expect(value).toEqual(input)
    expect(value).not.toBe(input)
    expect((value as typeof input).a).not.toBe(input.a)
    expect(input).toEqual(frozen)
  })

  it('converts values as JSON.stringify does', () => {
    const value = {
      date: new Date(0),
      custom: { toJSON: (key: string) => `key was ${key}` },
      boxed: [new Number(1), new String('s'), new Boolean(false)],
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      undef: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      list: [undefined, () => 1, Symbol('t')],
      map: new Map([[1, 2]]),
      typed: new Uint8Array([7]),
    }
    expect(project(value, KEEP, limits).value).toEqual(JSON.parse(JSON.stringify(value)))
  })

  it('passes an undefined root through', () => {
    expect(project(undefined, KEEP, limits).value).toBeUndefined()
  })

  it('records at most maxPaths distinct paths, with an exact count', () => {
    const body = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]))
    const result = project(body, EMPTY, { maxDepth: 8, maxPaths: 3 })
    expect(result.dropped).toBe(10)
    expect(result.droppedPaths).toEqual(['$.k0', '$.k1', '$.k2'])
    expect(result.pathsTruncated).toBe(true)
  })

  it('outputs __proto__ keys as own data members', () => {
    const hostile = JSON.parse('{"__proto__":{"admin":true},"a":1}')
    const { value } = project(hostile, KEEP, limits)
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.hasOwn(value as object, '__proto__')).toBe(true)
    expect(JSON.stringify(value)).toBe('{"__proto__":{"admin":true},"a":1}')
  })

  it('handles 1,000,000 elements and 100,000 members without recursion', () => {
    const items = Array.from({ length: 1_000_000 }, (_, i) => i)
    expect(
      (project({ items }, compileAllowlist(['$.items'], 'a'), limits).value as { items: number[] }).items,
    ).toHaveLength(1_000_000)
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))
    expect(project(wide, EMPTY, limits).dropped).toBe(100_000)
  })

  it('fails on nesting deeper than maxDepth, on cycles and on BigInt', () => {
    let deep: unknown = 1
    for (let i = 0; i < 10_000; i++) deep = [deep]
    expect(failure(deep)).toBe('ERR_LG_RESPONSE_TOO_DEEP')
    expect(failure({ a: { b: {} } }, KEEP, 2)).toBe('ERR_LG_RESPONSE_TOO_DEEP')
    const cyclic: Record<string, unknown> = { list: [] }
    ;(cyclic.list as unknown[]).push({ back: cyclic })
    expect(failure(cyclic)).toBe('ERR_LG_RESPONSE_CYCLE')
    expect(failure({ n: 1n })).toBe('ERR_LG_RESPONSE_UNSERIALIZABLE')
    expect(failure({ n: Object(1n) })).toBe('ERR_LG_RESPONSE_UNSERIALIZABLE')
  })

  it('stops walking a value larger than maxBytes, measured as its compact JSON text', () => {
    const bodies: unknown[] = [
      [1, 2, 3],
      { a: 'x', list: [true, null, { b: 'é' }], n: -1.5 },
      { 'odd "key"': ['a\nb', {}, []], e: '' },
      Array.from({ length: 50 }, (_, i) => ({ id: i, name: `user ${i}` })),
    ]
    for (const body of bodies) {
      const length = JSON.stringify(body).length
      // Never more than the JSON text: a body within the limit as bytes is within it here too.
      expect(project(body, KEEP, { ...limits, maxBytes: length }).value).toEqual(body)
    }
    const big = { data: Array.from({ length: 1000 }, (_, i) => ({ id: i, bio: 'x'.repeat(100) })) }
    const tooLarge = (maxBytes: number) => {
      try {
        project(big, KEEP, { ...limits, maxBytes })
        return 'fits'
      } catch (error) {
        return (error as LeakguardResponseError).code
      }
    }
    expect(tooLarge(100_000)).toBe('ERR_LG_RESPONSE_TOO_LARGE')
    expect(tooLarge(JSON.stringify(big).length)).toBe('fits')
    // What the allowlist drops is never walked, so it does not count.
    expect(apply(['$.data[*].id'], big).value).toEqual({ data: big.data.map(({ id }) => ({ id })) })
    expect(
      project(big, compileAllowlist(['$.data[*].id'], 'allow'), { ...limits, maxBytes: 20_000 }).dropped,
    ).toBe(1000)
  })

  it('accepts a shared reference that is not a cycle', () => {
    const shared = { x: 1 }
    expect(project({ a: shared, b: [shared, shared] }, KEEP, limits).value).toEqual({
      a: { x: 1 },
      b: [{ x: 1 }, { x: 1 }],
    })
  })

  it('does not look at dropped members, so a BigInt or cycle there is harmless', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(apply(['$.id'], { id: 1, big: 2n, cyclic }).value).toEqual({ id: 1 })
  })

  it('lets a getter that throws propagate, for the guard to fail closed', () => {
    const body = {
      get boom(): never {
        throw new Error('getter')
      },
    }
    expect(() => project(body, KEEP, limits)).toThrow('getter')
  })
})

describe('plans reused per place', () => {
  it('never reuses the plan of an item kept under an index for the items under [*]', () => {
    const tree = compileAllowlist(['$.items[0].price', '$.items[*].sku'], 'allow')
    const body = {
      items: [
        { sku: 'a', price: 1 },
        { sku: 'b', price: 2 },
        { sku: 'c', price: 3 },
      ],
    }
    const result = project(body, tree, { maxDepth: 32, maxPaths: 32 })
    expect(result.value).toEqual({ items: [{ sku: 'a', price: 1 }, { sku: 'b' }, { sku: 'c' }] })
    expect(result.dropped).toBe(2)
  })
})

describe('childPath', () => {
  it('writes identifiers after a dot and every other name quoted, as the JSONPath pattern decides', () => {
    const names = ['', 'a', 'A1', '_x', '$y', '1a', 'a-b', 'a b', "it's", 'é', 'a$1_', '9', '_', '$', 'a.b']
    const random = seededRandom(7)
    const alphabet = 'aZ_$09-. \'é"\\'
    for (let i = 0; i < 2000; i++) {
      let name = ''
      for (let c = Math.floor(random() * 5); c > 0; c--)
        name += alphabet[Math.floor(random() * alphabet.length)]
      names.push(name)
    }
    for (const name of names) {
      const expected = /^[A-Za-z_$][\w$]*$/.test(name) ? `$.${name}` : `$['${name.replaceAll("'", "\\'")}']`
      expect(childPath('$', name), name).toBe(expected)
    }
    expect(childPath('$.a', null)).toBe('$.a[*]')
  })
})

describe('lastMemberName', () => {
  it.each([
    ['$.data[*].accessToken', 'accessToken'],
    ['$.tokens[*]', 'tokens'],
    ["$['access-token'][*]", 'access-token'],
    ["$.a['x.y'][2][*]", 'x.y'],
    ['$[*]', ''],
    ['$', ''],
    ["$['a[1]'][3]", 'a[1]'],
    ['$.a[]', 'a'],
  ])('%s -> %s', (path, name) => {
    expect(lastMemberName(path)).toBe(name)
  })

  it('reads a name made of thousands of index steps once (red-team: a pattern read it from each)', () => {
    const name = '[1]'.repeat(50_000)
    expect(lastMemberName(`$['${name}'][*][2]`)).toBe(name)
  })
})
