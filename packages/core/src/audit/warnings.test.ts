import { describe, expect, it, vi } from 'vitest'
import { createGuard } from '../guard.js'
import type { LeakguardEvent } from './events.js'
import { WARNING_CODES } from './warnings.js'

describe('setup warnings', () => {
  it('reports a warning as an event each time and prints it to the process once', async () => {
    const printed = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const events: LeakguardEvent[] = []
    const guard = createGuard({ audit: { onEvent: (event) => void events.push(event) } })
    const message = `unique ${Math.random()}`
    guard.warn('LEAKGUARD_ENCODED_BODY', message)
    guard.warn('LEAKGUARD_ENCODED_BODY', message)
    await guard.flush()
    expect(events.filter((e) => e.type === 'config.warning')).toHaveLength(2)
    expect(printed.mock.calls.filter(([text]) => String(text).includes(message))).toHaveLength(1)
    expect(printed.mock.calls.find(([text]) => String(text).includes(message))?.[1]).toEqual({
      code: 'LEAKGUARD_ENCODED_BODY',
    })
    printed.mockRestore()
  })

  it('says nothing of the warnings listed in ignoreWarnings', async () => {
    const printed = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const events: LeakguardEvent[] = []
    const guard = createGuard({
      ignoreWarnings: ['LEAKGUARD_NO_ERROR_HANDLER'],
      audit: { onEvent: (event) => void events.push(event) },
    })
    expect(guard.ignoresWarning('LEAKGUARD_NO_ERROR_HANDLER')).toBe(true)
    expect(guard.ignoresWarning('LEAKGUARD_ENCODED_BODY')).toBe(false)
    guard.warn('LEAKGUARD_NO_ERROR_HANDLER', 'ignored')
    await guard.flush()
    expect(events).toEqual([])
    expect(printed).not.toHaveBeenCalled()
    printed.mockRestore()
  })

  it('refuses unknown warning codes with the list of known ones', () => {
    expect(() => createGuard({ ignoreWarnings: ['LEAKGUARD_NO_ERRORHANDLER' as never] })).toThrow(
      /ignoreWarnings\[0\]: unknown warning code "LEAKGUARD_NO_ERRORHANDLER"; known: LEAKGUARD_NO_ERROR_HANDLER/,
    )
    expect(() => createGuard({ ignoreWarnings: 'LEAKGUARD_NO_ERROR_HANDLER' as never })).toThrow(
      /expected an array/,
    )
  })

  it('names each route sent around leakguard once, never the request path', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const events: LeakguardEvent[] = []
    const guard = createGuard({ audit: { onEvent: (event) => void events.push(event) } })
    for (let i = 0; i < 3; i++)
      guard.unguardedResponse({ method: 'GET', route: '/users/:id', status: 200, mount: 'x' })
    guard.unguardedResponse({ method: 'GET', route: '/orders/:id', status: 200, mount: 'x' })
    await guard.flush()
    expect(events.map((e) => e.type === 'config.warning' && e.warning.message.split(' sent ')[0])).toEqual([
      'GET /users/:id',
      'GET /orders/:id',
    ])
    vi.restoreAllMocks()
  })

  it('lists every code in docs/audit.md', async () => {
    const { readFileSync } = await import('node:fs')
    const docs = readFileSync(new URL('../../../../docs/audit.md', import.meta.url), 'utf8')
    for (const code of WARNING_CODES) expect(docs, code).toContain(`\`${code}\``)
  })
})
