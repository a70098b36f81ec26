import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { clientAddressResolver } from '../ratelimit/client-ip.js'
import { compileTransport } from './transport.js'

const trustOne = clientAddressResolver(1, 56, 'trustProxy')
const trustNone = clientAddressResolver(false, 56, 'trustProxy')
const request = (method = 'GET', secure: boolean | undefined = false) => ({
  method,
  target: '/orders/1?x=2',
  secure,
})

describe('transport', () => {
  it('is off unless asked for, and then refuses plain HTTP with 403', () => {
    expect(compileTransport(undefined, 'transport')).toBeUndefined()
    const gate = compileTransport({ requireHttps: true }, 'transport')!
    expect(gate.check(request(), '10.0.0.1', {}, trustNone)).toMatchObject({ ok: false, status: 403 })
    expect(gate.check(request('GET', true), '10.0.0.1', {}, trustNone)).toEqual({ ok: true, secure: true })
  })

  it('reads X-Forwarded-Proto from trusted proxies only, the nearest value', () => {
    const gate = compileTransport({ requireHttps: true }, 'transport')!
    const https = { 'x-forwarded-proto': 'https' }
    expect(gate.check(request(), '10.0.0.1', https, trustOne)).toEqual({ ok: true, secure: true })
    expect(gate.check(request(), '10.0.0.1', https, trustNone)).toMatchObject({
      ok: false,
      untrustedProxy: true,
    })
    expect(gate.check(request(), '10.0.0.1', { 'x-forwarded-proto': 'https, http' }, trustOne)).toMatchObject(
      {
        ok: false,
      },
    )
    const cidr = clientAddressResolver(['10.0.0.0/8'], 56, 'trustProxy')
    expect(gate.check(request(), '10.1.2.3', https, cidr)).toMatchObject({ ok: true })
    expect(gate.check(request(), '203.0.113.5', https, cidr)).toMatchObject({ ok: false })
  })

  it('redirects GET and HEAD to HTTPS on a plain host, and refuses the rest', () => {
    const gate = compileTransport({ requireHttps: 'redirect' }, 'transport')!
    expect(gate.check(request(), undefined, { host: 'api.example.com' }, trustNone)).toMatchObject({
      status: 308,
      headers: { location: 'https://api.example.com/orders/1?x=2', 'cache-control': 'no-store' },
    })
    expect(gate.check(request('POST'), undefined, { host: 'api.example.com' }, trustNone)).toMatchObject({
      status: 403,
    })
    // A Host that is not a plain host name is not echoed into a Location.
    expect(gate.check(request(), undefined, { host: 'evil.test/@x' }, trustNone)).toMatchObject({
      status: 403,
    })
    const fixed = compileTransport(
      { requireHttps: 'redirect', redirectHost: 'api.example.com' },
      'transport',
    )!
    expect(fixed.check(request(), undefined, { host: 'evil.test' }, trustNone)).toMatchObject({
      headers: { location: 'https://api.example.com/orders/1?x=2' },
    })
  })

  it('sends HSTS over HTTPS only, and no-store to callers with credentials', () => {
    const gate = compileTransport(
      { requireHttps: true, hsts: { maxAge: '365d', includeSubDomains: true, preload: true } },
      't',
    )!
    const nosniff = { 'x-content-type-options': 'nosniff' }
    expect(gate.headers(true, false)).toEqual({
      ...nosniff,
      'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    })
    expect(gate.headers(false, false)).toEqual(nosniff)
    expect(gate.headers(false, true)).toEqual({ ...nosniff, 'cache-control': 'no-store' })
    expect(compileTransport({ noStore: false }, 't')!.headers(true, true)).toEqual(nosniff)
    expect(compileTransport({ noStore: false, nosniff: false }, 't')!.headers(true, true)).toEqual({})
  })

  it.each([
    [{ requireHttps: 'yes' }, 'transport.requireHttps'],
    [{ hsts: { maxAge: 'forever' } }, 'transport.hsts.maxAge'],
    [{ hsts: { preload: true } }, 'transport.hsts.preload'],
    [{ redirectHost: 'https://x' }, 'transport.redirectHost'],
    [{ nosniff: 'yes' }, 'transport.nosniff'],
    [{ requireHTTPS: true }, 'transport'],
  ])('refuses %j naming %s', (options, option) => {
    let error: unknown
    try {
      compileTransport(options, 'transport')
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(LeakguardConfigError)
    expect((error as LeakguardConfigError).option).toContain(option)
  })
})
