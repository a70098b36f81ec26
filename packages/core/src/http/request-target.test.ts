import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import { readRequestTarget } from './request-target.js'

describe('readRequestTarget', () => {
  it.each([
    ['/users/1', '/users/1'],
    ['/users/1?x=1', '/users/1'],
    ['/me#frag', '/me'],
    ['/me#/x/y', '/me'],
    ['/me?x#y', '/me'],
    ['http://example.com/users/1', '/users/1'],
    ['HTTPS://example.com:8443/users/1?q', '/users/1'],
    ['http://example.com', '/'],
    ['http://example.com?x', '/'],
    ['/%6De', '/%6De'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['*', '*'],
    ['http://[::1]:8080/me', '/me'],
    ['http://h:/me', '/me'],
    ['http:///me', '/me'],
  ])('reads %s as %s', (target, path) => {
    expect(readRequestTarget(target)).toEqual({ path })
  })

  it.each([
    '/a/../me',
    '/a/%2e%2E/me',
    '/./me',
    '/me/.',
    '/me;x',
    '/me%3Bx',
    '/me%2Fx',
    '/me%5cx',
    '/me%00',
    '/me%0a',
    '/me%zz',
    '/me%4',
    '/me%C3',
    '/me\\x',
    '/me x',
    'me',
    'http:/me',
    'http://h\\admin',
    // Authorities url.parse (Express, Koa) spills into the path: `/:acme/transfer`, `%41/x`.
    'http://h:acme/transfer',
    'http://a:b@h:acme/x',
    'http://:acme/x',
    'http://h:1:2/x',
    'http://h:+1/x',
    'http://h:5x/y',
    'http://h%41/x',
    "http://h'x/y",
    'http://h{x/y',
    'http://h|x/y',
    'http://h"x/y',
    'http://h<x/y',
    'http://[::1]x/me',
    'http://h!x/y',
    // url.parse reads `javascript:` as hostless (`//private/x`), other schemes its own ways.
    'javascript://private/me',
    'JavaScript://h/me',
    'ftp://h/me',
    'ws://h/me',
    // User information (RFC 9110 4.2.4: an error in an http(s) URI; url.parse throws on `%zz`).
    'http://%zz@h/me',
    'http://user@h/me',
    'http://user:pass@h.example.com:80/me',
    'http://a@b@h/me',
    // Origin-form that url.parse reads as an authority (parseurl hands it over on a `#`).
    '//u@h/admin/stats#x',
    '//u:p@h:1/admin/stats#',
    '//u@h/admin/stats',
    '//u@h[::1]/users/1#x',
    '//h?@#',
    '//h:fk#@h/adm/x',
    '//lQ%40?u@h:80/adm/x?q#f',
  ])('refuses %s', (target) => {
    expect(readRequestTarget(target).refused).toMatch(/./)
  })
})

describe('the guard and request targets', () => {
  const guard = createGuard({ routes: { 'GET /me': { allow: ['$.id'] } } })

  it('matches the route of an absolute-form target and keys it by one canonical path', () => {
    for (const target of ['/me', 'http://h/me', '/ME/', '//me', '/%6de#x']) {
      const context = guard.startRequest({ method: 'GET', path: target, native: {} })
      expect(context.route, target).toBe('GET /me')
    }
  })

  it('answers a refused target with a 400 problem before anything else', () => {
    const context = guard.startRequest({ method: 'GET', path: '/x/../me', native: {} })
    expect(context.route).toBeUndefined()
    expect(guard.checkRequest(context, { headers: {} })).toMatchObject({
      allowed: false,
      status: 400,
      code: 'ERR_LG_REQUEST_INVALID_TARGET',
      body: { status: 400 },
    })
  })

  it('fails closed when the framework routed elsewhere or changed the method', () => {
    for (const framework of [
      { method: 'GET', path: '/other' },
      { method: 'DELETE', path: '/me' },
    ]) {
      const context = guard.startRequest({ method: 'GET', path: '/me', native: {} })
      guard.routed(context, framework)
      expect(guard.filterResponse(context, { status: 200, body: { id: 1 } })).toMatchObject({ blocked: true })
    }
    const agreeing = guard.startRequest({ method: 'GET', path: 'http://h/ME', native: {} })
    guard.routed(agreeing, { method: 'GET', path: '/me/' })
    expect(guard.filterResponse(agreeing, { status: 200, body: { id: 1, x: 2 } })).toEqual({
      blocked: false,
      body: { id: 1 },
    })
  })
})
