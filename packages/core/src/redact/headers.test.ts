import { describe, expect, it } from 'vitest'
import type { LeakguardEvent } from '../audit/events.js'
import { createGuard } from '../guard.js'

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1oZXJl'
const CARD = '4111 1111 1111 1111'

function filter(headers: Record<string, string | string[]>, options: Parameters<typeof createGuard>[0] = {}) {
  const events: LeakguardEvent[] = []
  const guard = createGuard({ ...options, audit: { onEvent: (event) => void events.push(event) } })
  const context = guard.startRequest({ method: 'GET', path: '/cb', native: {} })
  return { changed: guard.filterHeaders(context, { status: 302, headers }), events, guard }
}

describe('response headers', () => {
  it('masks tokens in the query and fragment of a redirect, read as named members', () => {
    const { changed } = filter({
      Location: 'https://app.example/cb?state=xyz&access_token=opaque-abc-123&id_token=' + JWT,
      'Content-Location': '/cb#access_token=opaque-abc-123&token_type=bearer',
    })
    expect(changed?.Location).toBe(
      'https://app.example/cb?state=xyz&access_token=%5BREDACTED%5D&id_token=%5BREDACTED%5D',
    )
    expect(changed?.['Content-Location']).toBe('/cb#access_token=%5BREDACTED%5D&token_type=bearer')
  })

  it('reads ; separators, path parameters, nested encoded URLs and malformed escapes as well', () => {
    const T = 'opaque-secret-value-123'
    const { changed } = filter({
      Location: `/cb?a=1;access_token=${T}`,
      'Content-Location': `/cb;access_token=${T}`,
      Link: `</next?redirect=${encodeURIComponent(`https://x/?access_token=${T}`)}>; rel="next"`,
      Refresh: `0; URL='/cb?access_token=${T}&q=${encodeURIComponent(`a&password=${T}`)}'`,
      'X-Redirect-To': `/cb?access_token=${T}%zz`,
    })
    for (const [name, value] of Object.entries(changed ?? {})) expect(String(value), name).not.toContain(T)
    expect(Object.keys(changed ?? {}).sort()).toEqual([
      'Content-Location',
      'Link',
      'Location',
      'Refresh',
      'X-Redirect-To',
    ])
    expect(changed?.Refresh).toMatch(/^0; URL='\/cb\?access_token=%5BREDACTED%5D&q=[^']*'$/)
    expect(changed?.Link).toMatch(/; rel="next"$/)
  })

  it('reads hostile URL-like values once (red-team: patterns read them from each # or <)', () => {
    const T = 'opaque-secret-value-123'
    const { changed } = filter({
      'X-Next': `/${'#'.repeat(100_000)}`,
      Link: `?${'<'.repeat(100_000)}</next?access_token=${T}>; rel="next"`,
      'X-Redirect-To': `/${'#'.repeat(100_000)}x=1 /cb?access_token=${T}`,
    })
    expect(changed?.Link).toBe(`?${'<'.repeat(100_000)}</next?access_token=%5BREDACTED%5D>; rel="next"`)
    expect(changed?.['X-Next']).toBeUndefined()
    // A blank ends the URL a custom header starts with: its parameters are before it.
    expect(String(changed?.['X-Redirect-To'] ?? '')).not.toContain(T)
  })

  it('masks what the detectors find in custom X- headers and Content-Disposition, and secret header names', () => {
    const { changed } = filter({
      'X-Card': `card ${CARD}`,
      'X-Api-Key': 'k-1234567890',
      'Content-Disposition': 'attachment; filename="jane.doe@example.com.pdf"',
      'X-Request-Id': 'abc',
      'Cache-Control': `no-store ${CARD}`,
    })
    expect(changed?.['X-Card']).not.toContain('1111 1111')
    expect(changed?.['X-Api-Key']).toBe('[REDACTED]')
    expect(changed?.['Content-Disposition']).not.toContain('jane.doe@example.com')
    expect(changed).not.toHaveProperty('X-Request-Id')
    expect(changed).not.toHaveProperty('Cache-Control')
  })

  it('leaves Set-Cookie alone unless asked, and scans every value of a repeated header', () => {
    const cookies = [`session=${JWT}; HttpOnly`, 'theme=dark']
    expect(filter({ 'Set-Cookie': cookies }).changed).toBeUndefined()
    const { changed } = filter({ 'Set-Cookie': cookies }, { redact: { headers: { setCookie: true } } })
    expect(changed?.['Set-Cookie']).toEqual([expect.not.stringContaining(JWT), 'theme=dark'])
  })

  it('reports what it masked by header path, never the value', async () => {
    const { events, guard } = filter({ Location: `/cb?token=${JWT}` })
    await guard.flush()
    const redacted = events.find((event) => event.type === 'response.redacted')
    expect(JSON.stringify(redacted)).toContain('$headers.location?token')
    expect(JSON.stringify(events)).not.toContain(JWT)
  })

  it('changes nothing in report mode, and scans nothing when turned off', () => {
    expect(filter({ Location: `/cb?token=${JWT}` }, { mode: 'report' }).changed).toBeUndefined()
    expect(
      filter({ Location: `/cb?token=${JWT}` }, { redact: { headers: { enabled: false } } }).changed,
    ).toBeUndefined()
  })

  it('refuses header names it cannot match', () => {
    expect(() => createGuard({ redact: { headers: { names: ['X-Upper'] } } })).toThrow(
      /redact\.headers\.names/,
    )
    expect(() => createGuard({ redact: { headers: { setCookie: 'yes' as never } } })).toThrow(/setCookie/)
  })
})

describe('the status text (reason phrase)', () => {
  function reason(message: string, status = 502, options: Parameters<typeof createGuard>[0] = {}) {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ ...options, audit: { onEvent: (event) => void events.push(event) } })
    const context = guard.startRequest({ method: 'GET', path: '/x', native: {} })
    return { out: guard.filterStatusMessage(context, { status, message }), events, guard }
  }

  it('sends the standard phrase instead of one holding a secret or, at 4xx/5xx, an internal detail', async () => {
    const { out, events, guard } = reason(`upstream refused key AKIAIOSFODNN7EXAMPLE card ${CARD}`)
    expect(out).toBe('Bad Gateway')
    expect(reason('connect ECONNREFUSED at /srv/app/db.js:12:7', 500).out).toBe('Internal Server Error')
    await guard.flush()
    const redacted = events.find((event) => event.type === 'response.redacted') as
      | { findings: { path: string; detector: string }[] }
      | undefined
    expect(redacted?.findings.map((finding) => [finding.path, finding.detector]).sort()).toEqual([
      ['$status', 'aws-access-key'],
      ['$status', 'card'],
    ])
    expect(JSON.stringify(events)).not.toContain('AKIAIOSFODNN7EXAMPLE')
  })

  it('leaves an empty, standard or harmless phrase, and changes nothing in report mode or with redaction off', () => {
    expect(reason('').out).toBeUndefined()
    expect(reason('Bad Gateway').out).toBeUndefined()
    expect(reason('Upstream Busy').out).toBeUndefined()
    expect(reason(`card ${CARD}`, 502, { mode: 'report' }).out).toBeUndefined()
    expect(
      reason(`card ${CARD}`, 502, { redact: { detectors: 'none', keyNames: false, errorHygiene: false } })
        .out,
    ).toBeUndefined()
    // A status without a standard phrase gets an empty one.
    expect(reason(`card ${CARD}`, 599).out).toBe('')
  })
})
