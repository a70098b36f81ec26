import { describe, expect, it } from 'vitest'
import { bySecondCode } from './by-second-code.js'

describe('bySecondCode', () => {
  it('groups names by their second character, in their order', () => {
    const table = bySecondCode(['&quot;', '&#34;', '&#x22;', '&lt;'], (name) => name)
    expect(table['#'.charCodeAt(0)]).toEqual(['&#34;', '&#x22;'])
    expect(table['q'.charCodeAt(0)]).toEqual(['&quot;'])
    expect(table['a'.charCodeAt(0)]).toBeUndefined()
  })
})
