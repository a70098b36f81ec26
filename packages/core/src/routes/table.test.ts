import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { compileRouteTable } from './table.js'

const table = compileRouteTable({
  'GET /users': {},
  'GET /users/:id': {},
  'GET /users/me': {},
  'HEAD /users/me': {},
  'GET /users/*': {},
  'GET /users/:id/orders/*/items': {},
  '* /admin/*': {},
  'POST /users': {},
  'GET /': {},
})
const route = (method: string, path: string) => table.match(method, path)?.pattern.source

describe('route matching', () => {
  it('prefers literal segments over :params over * over a trailing *', () => {
    expect(route('GET', '/users/me')).toBe('GET /users/me')
    expect(route('GET', '/users/42')).toBe('GET /users/:id')
    expect(route('GET', '/users/42/orders/7/items')).toBe('GET /users/:id/orders/*/items')
    expect(route('GET', '/users/42/profile')).toBe('GET /users/*')
    expect(route('GET', '/users')).toBe('GET /users')
  })

  it('matches the method exactly, * matching any method', () => {
    expect(route('POST', '/users')).toBe('POST /users')
    expect(route('DELETE', '/users/1')).toBeUndefined()
    expect(route('DELETE', '/admin/users/1')).toBe('* /admin/*')
    expect(route('get', '/users')).toBe('GET /users')
  })

  it('serves HEAD with GET policies unless a HEAD pattern exists', () => {
    expect(route('HEAD', '/users/42')).toBe('GET /users/:id')
    expect(route('HEAD', '/users/me')).toBe('HEAD /users/me')
  })

  it('normalises trailing and doubled slashes, case, percent-encoding, and ignores the query', () => {
    expect(route('GET', '/users/')).toBe('GET /users')
    expect(route('GET', '//users///42')).toBe('GET /users/:id')
    expect(route('GET', '/USERS/ME')).toBe('GET /users/me')
    expect(route('GET', '/%75sers/%6De')).toBe('GET /users/me')
    expect(route('GET', '/users/42?x=/admin/1')).toBe('GET /users/:id')
    expect(route('GET', '/users/%E0%A4%A')).toBe('GET /users/:id')
    expect(route('GET', '/')).toBe('GET /')
    expect(route('GET', '')).toBe('GET /')
  })

  it('lets a trailing * match nothing below it', () => {
    expect(compileRouteTable({ 'GET /files/*': {} }).match('GET', '/files')?.pattern.source).toBe(
      'GET /files/*',
    )
  })

  it('matches nothing when there are no routes', () => {
    expect(compileRouteTable(undefined).match('GET', '/')).toBeUndefined()
  })
})

describe('route table validation', () => {
  function error(routes: unknown): LeakguardConfigError {
    try {
      compileRouteTable(routes)
    } catch (e) {
      if (e instanceof LeakguardConfigError) return e
      throw e
    }
    throw new Error('accepted')
  }

  it.each([
    ['/users', 'not a route pattern'],
    ['GET users', 'must start with "/"'],
    ['GET /users?x=1', 'no query string'],
    ['G3T /users', 'not an HTTP method'],
    ['GET /users/:id?', 'optional parameters are not supported'],
    ['GET /files/:name.:ext', 'not supported'],
    ['GET /a/(.*)', 'not supported'],
    ['GET /a/:id/:id', 'appears twice'],
  ])('refuses %j with ERR_LG_CONFIG_INVALID_ROUTE', (pattern, why) => {
    const e = error({ [pattern]: {} })
    expect(e.code).toBe('ERR_LG_CONFIG_INVALID_ROUTE')
    expect(e.option).toBe(`routes[${JSON.stringify(pattern)}]`)
    expect(e.message).toContain(why)
  })

  it('refuses two patterns that match the same requests', () => {
    const e = error({ 'GET /users/:id': {}, 'get /Users/:userId/': {} })
    expect(e.code).toBe('ERR_LG_CONFIG_DUPLICATE_ROUTE')
    expect(e.message).toContain('routes["GET /users/:id"]')
  })

  it('refuses unknown route options, such as a typo', () => {
    const e = error({ 'GET /': { alow: ['$.id'] } })
    expect(e.code).toBe('ERR_LG_CONFIG_UNKNOWN_OPTION')
    expect(e.option).toBe('routes["GET /"].alow')
    expect(e.message).toContain('"allow"')
  })

  it('refuses routes that are not an object', () => {
    expect(error([]).option).toBe('routes')
    expect(error({ 'GET /': { views: ['$.a'] } }).option).toBe('routes["GET /"].views')
  })

  it('takes status views for success statuses only, each a valid allowlist', () => {
    expect(error({ 'GET /': { statusViews: ['$.a'] } }).option).toBe('routes["GET /"].statusViews')
    const problem = error({ 'GET /': { statusViews: { '404': ['$.a'] } } })
    expect(problem.message).toMatch(
      /success statuses from 200 to 399, got "404"; error bodies take problemView/,
    )
    expect(error({ 'GET /': { statusViews: { '2XX': ['$.a'] } } }).option).toBe('routes["GET /"].statusViews')
    expect(error({ 'GET /': { statusViews: { '201': ['$..a'] } } }).option).toBe(
      'routes["GET /"].statusViews["201"][0]',
    )
  })
})
