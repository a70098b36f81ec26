import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { parsePath } from './parse.js'

const names = (expr: string) => parsePath(expr, 'allow[0]').map((s) => (s.kind === 'any' ? '*' : s.name))

function refusal(expr: unknown): LeakguardConfigError {
  try {
    parsePath(expr, 'routes["GET /x"].allow[2]')
  } catch (error) {
    if (error instanceof LeakguardConfigError) return error
    throw error
  }
  throw new Error(`${String(expr)} was accepted`)
}

describe('parsePath', () => {
  it('reads names, wildcards, indices and quoted names', () => {
    expect(names('$')).toEqual([])
    expect(names('$.id')).toEqual(['id'])
    expect(names('$.users[*].name')).toEqual(['users', '*', 'name'])
    expect(names('$[*].id')).toEqual(['*', 'id'])
    expect(names('$.a.*')).toEqual(['a', '*'])
    expect(names('$.items[0].x')).toEqual(['items', '0', 'x'])
    expect(names("$['a key'].b")).toEqual(['a key', 'b'])
    expect(names('$["a.b"]')).toEqual(['a.b'])
    expect(names('$.kebab-case')).toEqual(['kebab-case'])
    expect(names("$['__proto__']")).toEqual(['__proto__'])
  })

  it('treats a quoted star as a literal name, not a wildcard', () => {
    expect(parsePath("$['*']", 'x')).toEqual([{ kind: 'name', name: '*' }])
  })

  it.each([
    ['$.a[?(@.x)]', 'filter expression'],
    ['$.a[?(@.constructor.constructor("return process")())]', 'filter expression'],
    ['$.a[(@.length-1)]', 'script expression'],
    ['$..name', 'recursive descent'],
    ['$.a[0:2]', 'slice'],
    ['$.a[-1]', 'negative index'],
    ["$['a','b']", 'union'],
    ['$.a~', 'extension'],
    ['$.a^', 'extension'],
    ['$.a@string()', 'extension'],
  ])('refuses %s as unsupported (%s), naming the option', (expr, what) => {
    const error = refusal(expr)
    expect(error.code).toBe('ERR_LG_CONFIG_UNSUPPORTED_PATH')
    expect(error.option).toBe('routes["GET /x"].allow[2]')
    expect(error.message).toContain(what)
    expect(error.message).toContain(JSON.stringify(expr))
  })

  it.each(['', 'users.name', '$.', '$.a[', '$[]', '$.a b', '$$.a', ' $.a', '$.a.', "$['it\\'s']"])(
    'refuses the malformed path %j',
    (expr) => {
      expect(refusal(expr).code).toBe('ERR_LG_CONFIG_INVALID_PATH')
    },
  )

  it('suggests the rooted form of a path written without "$"', () => {
    expect(refusal('users.name').message).toContain('did you mean "$.users.name"?')
  })

  it('refuses a non-string path', () => {
    expect(refusal(42).code).toBe('ERR_LG_CONFIG_INVALID_OPTION')
  })
})
