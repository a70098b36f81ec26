import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { compileAllowlistPaths } from './index.js'

describe('allowlist() for values outside a framework', () => {
  it('applies the same syntax and semantics as route allowlists', () => {
    const publicUser = compileAllowlistPaths(['$.id', '$.tags[*]'])
    expect(publicUser.apply({ id: 1, secret: 's', tags: ['a'] })).toEqual({ id: 1, tags: ['a'] })
  })

  it('validates paths and options when compiled', () => {
    expect(() => compileAllowlistPaths(['$..x'])).toThrow(LeakguardConfigError)
    expect(() => compileAllowlistPaths(['$.x'], { maxDepth: -1 })).toThrow(/maxDepth/)
  })
})
