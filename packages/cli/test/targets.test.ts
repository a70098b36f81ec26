import { describe, expect, it } from 'vitest'
import { checkTarget, isLoopback, matchesAllowedHost } from '../src/targets.js'

describe('scan targets', () => {
  it('knows loopback hosts as URL spells them', () => {
    for (const url of [
      'http://localhost:3000',
      'http://LocalHost:3000',
      'http://127.0.0.1',
      'http://127.8.9.10',
      'http://[::1]:8080',
      'http://[::ffff:127.0.0.1]',
    ])
      expect(isLoopback(new URL(url).hostname), url).toBe(true)
    for (const url of [
      'http://example.com',
      // Names DNS may answer: only the hosts file's localhost counts.
      'http://api.localhost',
      'http://LOCALHOST./',
      'http://10.0.0.1',
      'http://128.0.0.1',
      'http://localhost.example.com',
      'http://[::2]',
      'http://[::ffff:10.0.0.1]',
      'http://0x7f000002.example',
    ])
      expect(isLoopback(new URL(url).hostname), url).toBe(false)
  })

  it('matches --allow-host entries exactly or by subdomain wildcard', () => {
    expect(matchesAllowedHost('api.example.com', 'API.example.com')).toBe(true)
    expect(matchesAllowedHost('a.example.com', '*.example.com')).toBe(true)
    expect(matchesAllowedHost('example.com', '*.example.com')).toBe(false)
    expect(matchesAllowedHost('evil-example.com', '*.example.com')).toBe(false)
    expect(matchesAllowedHost('example.com.evil.net', 'example.com')).toBe(false)
    expect(matchesAllowedHost('[2001:db8::1]', '2001:db8::1')).toBe(true)
  })

  it('refuses what it must not scan, each with a code and a fix', () => {
    const refused = (target: string, allow: string[] = []) => {
      try {
        checkTarget(target, allow)
      } catch (error) {
        return error as { code: string; message: string }
      }
      throw new Error(`${target} was accepted`)
    }
    expect(refused('https://example.com')).toMatchObject({
      code: 'ERR_LG_SCAN_HOST_NOT_ALLOWED',
      message: expect.stringContaining('--allow-host example.com'),
    })
    expect(refused('ftp://127.0.0.1').code).toBe('ERR_LG_SCAN_USAGE')
    expect(refused('not a url').code).toBe('ERR_LG_SCAN_USAGE')
    expect(refused('http://user:pass@127.0.0.1').message).toMatch(/--token or --header/)
    expect(refused('http://127.0.0.1/?a=1').code).toBe('ERR_LG_SCAN_USAGE')
    expect(checkTarget('https://example.com/api', ['example.com']).href).toBe('https://example.com/api')
    expect(checkTarget('http://127.0.0.1:3000', []).port).toBe('3000')
  })
})
