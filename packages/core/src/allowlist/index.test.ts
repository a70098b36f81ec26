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

  it('lists what it would drop as templated paths, bounded by maxPaths', () => {
    const view = compileAllowlistPaths(['$.users[*].id'], { maxPaths: 2 })
    const value = {
      users: [
        { id: 1, password: 'x' },
        { id: 2, email: 'y', token: 'z' },
      ],
      total: 2,
    }
    const dropped = view.dropped(value)
    expect(dropped).toHaveLength(2)
    expect(compileAllowlistPaths(['$.users[*].id']).dropped(value)).toEqual(
      expect.arrayContaining(['$.users[*].password', '$.users[*].email', '$.users[*].token', '$.total']),
    )
    expect(view.dropped({ users: [{ id: 1 }] })).toEqual([])
    expect(value.users[0]).toEqual({ id: 1, password: 'x' })
    expect(() => compileAllowlistPaths(['$.x'], { maxPaths: 0 })).toThrow(/maxPaths/)
  })
})
