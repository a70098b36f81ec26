import { describe, expect, it } from 'vitest'
import type { LeakguardEvent } from '../audit/events.js'
import type { Principal } from '../auth/principal.js'
import { LeakguardConfigError } from '../errors.js'
import { createGuard } from '../guard.js'
import type { GuardOptions } from '../options.js'
import { MemoryStore } from '../ratelimit/memory-store.js'
import { mayReadBody, type OwnerCheck } from './owner.js'

function setup(options: GuardOptions) {
  const events: LeakguardEvent[] = []
  const guard = createGuard({ ...options, audit: { onEvent: (event) => void events.push(event) } })
  const start = (method: string, path: string, principal?: Partial<Principal>) => {
    const context = guard.startRequest({ method, path, native: {}, clientAddress: '203.0.113.9' })
    if (principal !== undefined)
      (context as { principal?: Principal }).principal = {
        sub: undefined,
        issuer: undefined,
        scopes: [],
        roles: [],
        claims: {},
        ...principal,
      } as Principal
    return context
  }
  return { guard, events, start }
}

function configError(options: GuardOptions): LeakguardConfigError {
  try {
    createGuard(options)
  } catch (error) {
    if (error instanceof LeakguardConfigError) return error
    throw error
  }
  throw new Error('accepted')
}

describe('accept (mass assignment)', () => {
  const routes = { 'POST /users': { accept: ['$.name', '$.email', '$.address.*'] } }

  it('drops members the route does not accept, and says which (paths, never values)', async () => {
    const { guard, events, start } = setup({ routes })
    const context = start('POST', '/users')
    const decision = await guard.checkInput(context, {
      body: {
        name: 'Ann',
        email: 'a@x.io',
        role: 'admin',
        address: { city: 'Oslo', zip: '0150' },
        isAdmin: true,
      },
    })
    expect(decision).toMatchObject({
      allowed: true,
      bodyChanged: true,
      body: { name: 'Ann', email: 'a@x.io', address: { city: 'Oslo', zip: '0150' } },
    })
    await guard.flush()
    const dropped = events.find((e) => e.type === 'request.member_dropped')
    expect(dropped).toMatchObject({ source: 'body', members: { count: 2, paths: ['$.role', '$.isAdmin'] } })
    expect(JSON.stringify(events)).not.toContain('admin"')
  })

  it("answers 422 with onUnknown: 'reject', naming the members", async () => {
    const { guard, events, start } = setup({
      routes: { 'POST /users': { ...routes['POST /users'], onUnknown: 'reject' } },
    })
    const decision = await guard.checkInput(start('POST', '/users'), { body: { name: 'x', role: 'admin' } })
    expect(decision).toMatchObject({ allowed: false, status: 422, code: 'ERR_LG_REQUEST_UNKNOWN_MEMBERS' })
    if (decision.allowed) throw new Error('allowed')
    expect(decision.body).toMatchObject({ status: 422, members: ['$.role'] })
    expect(decision.payload).not.toContain('admin')
    await guard.flush()
    expect(events.map((e) => e.type)).toContain('request.rejected_members')
  })

  it('never accepts prototype-polluting names, even under a wildcard', async () => {
    const { guard, start } = setup({ routes: { 'POST /x': { accept: ['$.*', '$.deep.*'] } } })
    const body = JSON.parse(
      '{"a":1,"__proto__":{"isAdmin":true},"deep":{"constructor":{"prototype":{"x":1}},"ok":2}}',
    )
    const decision = await guard.checkInput(start('POST', '/x'), { body })
    if (!decision.allowed) throw new Error('refused')
    expect(JSON.stringify(decision.body)).toBe('{"a":1,"deep":{"ok":2}}')
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined()
    expect(configError({ routes: { 'POST /x': { accept: ['$.constructor.prototype'] } } }).message).toMatch(
      /never accepted/,
    )
  })

  it('refuses hostile bodies with a clear 4xx: too deep, not data', async () => {
    const { guard, start } = setup({ routes, requests: { maxDepth: 8 } })
    let deep: unknown = 1
    for (let i = 0; i < 10_000; i++) deep = { name: deep }
    expect(await guard.checkInput(start('POST', '/users'), { body: deep })).toMatchObject({
      status: 400,
      code: 'ERR_LG_REQUEST_TOO_DEEP',
    })
    expect(await guard.checkInput(start('POST', '/users'), { body: '{"role":"admin"}' })).toMatchObject({
      status: 415,
      code: 'ERR_LG_REQUEST_UNSUPPORTED_BODY',
    })
    expect(await guard.checkInput(start('POST', '/users'), { body: Buffer.from('{}') })).toMatchObject({
      status: 415,
    })
    const huge = { name: 'x'.repeat(2 * 1024 * 1024) }
    expect(await guard.checkInput(start('POST', '/users'), { body: huge })).toMatchObject({ status: 413 })
    const big = Array.from({ length: 200_000 }, (_, i) => ({ name: i, role: 'x' }))
    const list = await guard.checkInput(start('POST', '/users'), { body: big })
    expect(list).toMatchObject({ allowed: true })
  })

  it('takes role views, and a body set by a parser is filtered at once', async () => {
    const { guard, start } = setup({
      routes: { 'PATCH /users/:id': { accept: ['$.name'], acceptViews: { admin: ['$.role'] } } },
    })
    const admin = start('PATCH', '/users/1', { roles: ['admin'] })
    expect(await guard.checkInput(admin, { body: { name: 'a', role: 'b', x: 1 } })).toMatchObject({
      body: { role: 'b' },
    })
    const user = start('PATCH', '/users/1', { roles: [] })
    expect(guard.filterBody(user, { name: 'a', role: 'b' })).toEqual({ name: 'a' })
  })

  it('filters the query with acceptQuery', async () => {
    const { guard, start } = setup({ routes: { 'GET /items': { acceptQuery: ['$.page'] } } })
    expect(
      await guard.checkInput(start('GET', '/items'), { query: { page: '2', debug: '1' } }),
    ).toMatchObject({
      query: { page: '2' },
      queryChanged: true,
    })
  })
})

describe('owner', () => {
  it('runs before the handler with the principal and decoded params; anything but true denies (404)', async () => {
    const seen: unknown[] = []
    const { guard, events, start } = setup({
      routes: {
        'GET /orders/:id': {
          owner: (principal, params) => {
            seen.push(params)
            return params.id === `${principal?.sub}-1`
          },
        },
      },
    })
    expect(await guard.checkInput(start('GET', '/orders/u1-1', { sub: 'u1' }), {})).toMatchObject({
      allowed: true,
    })
    expect(await guard.checkInput(start('GET', '/orders/u2%2D1', { sub: 'u1' }), {})).toMatchObject({
      allowed: false,
      status: 404,
      code: 'ERR_LG_REQUEST_NOT_OWNER',
    })
    expect(seen).toEqual([{ id: 'u1-1' }, { id: 'u2-1' }])
    await guard.flush()
    expect(events.find((e) => e.type === 'access.denied')).toMatchObject({ check: 'owner', status: 404 })
  })

  it('fails closed when the check throws or rejects, with ownerDenied as the status', async () => {
    const { guard, start } = setup({
      routes: {
        'GET /a/:id': {
          owner: () => {
            throw new Error('db down')
          },
          ownerDenied: 403,
        },
        'GET /b/:id': { owner: async () => Promise.reject(new Error('x')) },
        'GET /c/:id': { owner: (() => 'yes') as never },
      },
    })
    expect(await guard.checkInput(start('GET', '/a/1'), {})).toMatchObject({
      status: 403,
      code: 'ERR_LG_REQUEST_OWNER_FAILED',
    })
    expect(await guard.checkInput(start('GET', '/b/1'), {})).toMatchObject({
      status: 404,
      code: 'ERR_LG_REQUEST_OWNER_FAILED',
    })
    expect(await guard.checkInput(start('GET', '/c/1'), {})).toMatchObject({ status: 404 })
  })
})

describe('mayReadBody', () => {
  // Written as strings and compiled, so that the source read is the one written here.
  const of = (source: string) => new Function(`return (${source})`)() as OwnerCheck
  it.each([
    'function (p, params, body) { return true }',
    '(p, params, body = {}) => true',
    '(p, { id }, { from } = {}) => from === p.sub',
    '(...args) => true',
    '(p, ...rest) => true',
    'async (p, params, body = (() => ({}))()) => true',
    'function (p, params) { return arguments.length > 2 }',
    '(p, params = { a: "x,y" }, body = [1, 2]) => true',
    // What a reader of the list would misread (a red-team pass): it waits, whatever the list says.
    '(p, params = `${`)`}`, body = {}) => true',
    '(p, params = /\\//,\n body = {}) => true',
    '(p, params = /\\)/, body = {}) => true',
    "({ [Symbol.for('owner')](p, params, { from } = {}) { return true } })[Symbol.for('owner')]",
    '(p, params = {}) => true',
    '(p, /* body, */ params) => true',
  ])('waits for the body: %s', (source) => {
    expect(mayReadBody(of(source))).toBe(true)
  })
  it.each([
    '(p, params) => p.sub === params.id',
    'p => true',
    'async p => true',
    'async function check(principal, params) { return true }',
    '({ owner(p, params) { return true } }).owner',
    '(p, params,) => true',
    '() => true',
  ])('runs early: %s', (source) => {
    expect(mayReadBody(of(source))).toBe(false)
  })
  it('waits for a function whose parameters it cannot read', () => {
    expect(mayReadBody(((p: unknown) => p !== undefined).bind(null) as unknown as OwnerCheck)).toBe(true)
  })
})

describe('ownerPath (response side)', () => {
  const routes = {
    'GET /orders/:id': { ownerPath: '$.userId' },
    'GET /orders': { ownerPath: '$.orders[*].userId' },
    'GET /tenant': { ownerPath: '$[*].tenant', ownerClaim: 'org.ids', ownerDenied: 403 as const },
  }

  it("denies another caller's object with a 404 that says nothing of it", () => {
    const { guard, start } = setup({ routes })
    const mine = guard.filterResponse(start('GET', '/orders/1', { sub: 'u1' }), {
      status: 200,
      body: { userId: 'u1', total: 5 },
    })
    expect(mine).toEqual({ blocked: false, body: { userId: 'u1', total: 5 } })
    const theirs = guard.filterResponse(start('GET', '/orders/2', { sub: 'u1' }), {
      status: 200,
      body: { userId: 'u2', total: 9 },
    })
    expect(theirs).toMatchObject({ blocked: true, status: 404 })
    expect(JSON.stringify(theirs)).not.toContain('u2')
    const anonymous = guard.serializeResponse(start('GET', '/orders/2'), {
      status: 200,
      body: { userId: 'u2' },
    })
    expect(anonymous).toMatchObject({ blocked: true, status: 404 })
    const text = guard.filterSerialized(start('GET', '/orders/2', { sub: 'u1' }), {
      status: 200,
      payload: '{"userId":"u2"}',
    })
    expect(text).toMatchObject({ blocked: true, status: 404 })
  })

  it('drops the items of a list that are not the caller’s, and counts them', async () => {
    const { guard, events, start } = setup({ routes })
    const body = {
      orders: [{ id: 1, userId: 'u1' }, { id: 2, userId: 'u2' }, { id: 3, userId: 'u1' }, { id: 4 }],
      page: 1,
    }
    const decision = guard.filterResponse(start('GET', '/orders', { sub: 'u1' }), { status: 200, body })
    expect(decision).toEqual({
      blocked: false,
      body: {
        orders: [
          { id: 1, userId: 'u1' },
          { id: 3, userId: 'u1' },
        ],
        page: 1,
      },
    })
    expect(body.orders).toHaveLength(4) // the app's value is never changed
    await guard.flush()
    expect(events.find((e) => e.type === 'access.items_dropped')).toMatchObject({ count: 2 })
    const tenant = guard.serializeResponse(
      start('GET', '/tenant', { sub: 'x', claims: { org: { ids: ['t1', 't2'] } } }),
      {
        status: 200,
        body: [{ tenant: 't1' }, { tenant: 't3' }, { tenant: 't2' }],
      },
    )
    expect(tenant).toEqual({ blocked: false, payload: '[{"tenant":"t1"},{"tenant":"t2"}]' })
    expect(
      guard.filterResponse(start('GET', '/tenant', { sub: 'x' }), { status: 200, body: { not: 'a list' } }),
    ).toMatchObject({
      status: 403,
    })
  })

  it('leaves error bodies to the problem view', () => {
    const { guard, start } = setup({ routes })
    expect(
      guard.filterResponse(start('GET', '/orders/1', { sub: 'u1' }), { status: 404, body: { title: 'x' } }),
    ).toMatchObject({
      blocked: false,
    })
  })
})

describe('enumeration', () => {
  it('throttles new ids past max in the window, and serves ids already read', async () => {
    let now = 1_000_000
    const store = new MemoryStore({ now: () => now })
    const { guard, events, start } = setup({
      requests: { store },
      routes: { 'GET /orders/:id': { enumeration: { max: 3, window: '1m' } } },
    })
    const statuses: number[] = []
    for (const id of [1, 2, 3, 1, 4, 5, 2]) {
      const decision = await guard.checkInput(start('GET', `/orders/${id}`), {})
      statuses.push(decision.allowed ? 200 : decision.status)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 200])
    await guard.flush()
    const alerts = events.filter((e) => e.type === 'abuse.enumeration')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({
      kind: 'distinct_ids',
      threshold: 3,
      action: 'throttle',
      subject: { kind: 'address', id: '203.0.113.9' },
    })
    now += 61_000
    expect(await guard.checkInput(start('GET', '/orders/9'), {})).toMatchObject({ allowed: true })
  })

  it('blocks every request of the client for blockFor, counted per principal', async () => {
    const { guard, start } = setup({
      requests: { store: new MemoryStore() },
      routes: { 'GET /orders/:id': { enumeration: { max: 2, action: 'block', blockFor: '5m' } } },
    })
    const run = async (id: number, sub: string) => {
      const decision = await guard.checkInput(start('GET', `/orders/${id}`, { sub }), {})
      return decision.allowed ? 200 : decision.status
    }
    expect([
      await run(1, 'a'),
      await run(2, 'a'),
      await run(3, 'a'),
      await run(1, 'a'),
      await run(1, 'b'),
    ]).toEqual([200, 200, 429, 429, 200])
  })

  it('raises the miss-ratio alert when most answers are 403/404', async () => {
    const { guard, events, start } = setup({
      routes: {
        'GET /orders/:id': { enumeration: { max: 1000, action: 'alert', misses: { ratio: 0.8, min: 5 } } },
      },
    })
    for (let id = 0; id < 6; id++) {
      const context = start('GET', `/orders/${id}`)
      await guard.checkInput(context, {})
      guard.endRequest(context, 404)
    }
    await guard.flush()
    expect(events.filter((e) => e.type === 'abuse.enumeration')).toMatchObject([
      { kind: 'miss_ratio', count: 5 },
    ])
  })

  it('validates its options with the route’s parameters', () => {
    expect(configError({ routes: { 'GET /orders': { enumeration: { max: 5 } } } }).message).toMatch(
      /no path parameter/,
    )
    expect(
      configError({ routes: { 'GET /o/:id': { enumeration: { max: 5, param: 'oid' } } } }).message,
    ).toMatch(/no parameter "oid"; its parameters: id/)
    expect(configError({ routes: { 'GET /o/:id': { enumeration: {} as never } } }).message).toMatch(
      /max: is required/,
    )
  })
})

describe('inventory.sequential_ids', () => {
  it('reports a route whose responses carry small dense ids, once', async () => {
    const { guard, events, start } = setup({})
    for (let id = 1001; id < 1030; id++)
      guard.serializeResponse(start('GET', `/orders/${id}`), { status: 200, body: { id, total: 1 } })
    guard.serializeResponse(start('GET', '/things'), {
      status: 200,
      body: Array.from({ length: 25 }, () => ({ id: Math.floor(Math.random() * 1e12) })),
    })
    await guard.flush()
    expect(events.filter((e) => e.type === 'inventory.sequential_ids')).toEqual([
      expect.objectContaining({ route: '/orders/:n', path: '$.id', distinct: 20, span: 20 }),
    ])
  })
})

describe('findings of the request-side red team', () => {
  it('keeps a body assigned after a refusal empty (a second parser)', () => {
    const { guard, start } = setup({ routes: { 'POST /users': { accept: ['$.name'], onUnknown: 'reject' } } })
    const context = start('POST', '/users')
    expect(guard.filterBody(context, { name: 'a', role: 'admin' })).toEqual({})
    expect(guard.filterBody(context, { name: 'a', role: 'admin' })).toEqual({})
  })

  it("reads a table rule's parameter by the table's name, whatever the framework calls it", async () => {
    const { guard, start } = setup({
      requests: { store: new MemoryStore() },
      routes: { 'GET /orders/:id': { enumeration: { max: 1, param: 'id' } } },
    })
    const first = await guard.checkInput(start('GET', '/orders/1'), { params: { orderId: '1' } })
    const second = await guard.checkInput(start('GET', '/orders/2'), { params: { orderId: '2' } })
    expect([first.allowed, second.allowed]).toEqual([true, false])
  })

  it('counts the digits of numbers against requests.maxBodyBytes', async () => {
    const { guard, start } = setup({
      routes: { 'POST /n': { accept: ['$[*]'] } },
      requests: { maxBodyBytes: 1000 },
    })
    const numbers = Array.from({ length: 200 }, (_, i) => 1e15 + i)
    expect(await guard.checkInput(start('POST', '/n'), { body: numbers })).toMatchObject({ status: 413 })
  })
})
