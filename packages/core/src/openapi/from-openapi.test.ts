import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { createGuard } from '../guard.js'
import type { RouteOptions } from '../options.js'
import { fromOpenAPI } from './from-openapi.js'

const doc = {
  openapi: '3.1.0',
  info: { title: 'shop', version: '1' },
  security: [{ oauth: ['orders:read'] }],
  components: {
    schemas: {
      Entity: { type: 'object', properties: { id: { type: 'integer', readOnly: true } } },
      User: {
        allOf: [
          { $ref: '#/components/schemas/Entity' },
          {
            type: 'object',
            properties: {
              name: { type: 'string' },
              password: { type: 'string', writeOnly: true },
              address: { $ref: '#/components/schemas/Address' },
              tags: { type: 'array', items: { type: 'string' } },
              prefs: { type: 'object', additionalProperties: true },
              self: { $ref: '#/components/schemas/User' },
            },
          },
        ],
      },
      Address: { type: 'object', properties: { city: { type: 'string' }, 'zip-code': { type: 'string' } } },
    },
  },
  paths: {
    '/users/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } },
          '404': { description: 'not found' },
        },
      },
      patch: {
        security: [{ oauth: ['users:write'] }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } },
        responses: { '204': { description: 'ok' } },
        'x-leakguard': { onUnknown: 'reject' },
      },
    },
    '/users': {
      get: {
        responses: {
          '200': {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    data: { type: 'array', items: { $ref: '#/components/schemas/User' } },
                    total: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/health': { get: { security: [], responses: { '200': { content: { 'text/plain': {} } } } } },
  },
}

describe('fromOpenAPI', () => {
  const { routes, report } = fromOpenAPI(doc)

  it('turns response schemas into allow views ($ref, allOf, arrays, writeOnly left out)', () => {
    expect(routes['GET /users/:id']?.allow?.slice().sort()).toEqual(
      ['$.address.city', "$.address['zip-code']", '$.id', '$.name', '$.prefs', '$.self', '$.tags[*]'].sort(),
    )
    expect(routes['GET /users']?.allow).toContain('$.data[*].address.city')
    expect(routes['GET /users']?.allow).not.toContain('$.data[*].password')
  })

  it('turns request schemas into accept (readOnly left out), and security into auth', () => {
    expect(routes['PATCH /users/:id']).toMatchObject({
      auth: { scopes: ['users:write'] },
      onUnknown: 'reject',
    })
    expect(routes['PATCH /users/:id']?.accept).toContain('$.password')
    expect(routes['PATCH /users/:id']?.accept).not.toContain('$.id')
    expect(routes['GET /users/:id']?.auth).toEqual({ scopes: ['orders:read'] })
    expect(routes['GET /health']?.auth).toEqual({ public: true })
  })

  it('reports what it kept whole, with a pointer and a fix', () => {
    expect(report).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          route: 'GET /users/:id',
          message: expect.stringMatching(/additionalProperties/),
        }),
      ]),
    )
  })

  it('gives routes a guard accepts and applies', () => {
    const guard = createGuard({ routes: fromOpenAPI(doc, { auth: false }).routes })
    const context = guard.startRequest({ method: 'GET', path: '/users/1', native: {} })
    const decision = guard.filterResponse(context, {
      status: 200,
      body: { id: 1, name: 'Ann', password: 'hash', ssn: '123', address: { city: 'Oslo', street: 'x' } },
    })
    expect(decision).toEqual({ blocked: false, body: { id: 1, name: 'Ann', address: { city: 'Oslo' } } })
  })

  it('refuses what is not an OpenAPI 3 document', () => {
    expect(() => fromOpenAPI({ swagger: '2.0' })).toThrow(LeakguardConfigError)
  })
})

describe('fromOpenAPI on a public document (OAI Petstore, Apache-2.0, test/corpus/openapi)', () => {
  it('derives every operation, and the guard applies the views', async () => {
    const { readFileSync } = await import('node:fs')
    const petstore = JSON.parse(
      readFileSync(new URL('../../../../test/corpus/openapi/petstore.json', import.meta.url), 'utf8'),
    )
    const { routes, report } = fromOpenAPI(petstore)
    expect(Object.keys(routes).sort()).toEqual(['GET /pets', 'GET /pets/:petId', 'POST /pets'])
    expect(routes['GET /pets']?.allow?.slice().sort()).toEqual(['$[*].id', '$[*].name', '$[*].tag'])
    expect(routes['POST /pets']?.accept?.slice().sort()).toEqual(['$.id', '$.name', '$.tag'])
    expect(report).toEqual([])
    const guard = createGuard({ routes })
    const list = guard.filterResponse(guard.startRequest({ method: 'GET', path: '/pets', native: {} }), {
      status: 200,
      body: [{ id: 1, name: 'Rex', tag: 'dog', ownerEmail: 'a@b.c', internalNotes: 'x' }],
    })
    expect(list).toEqual({ blocked: false, body: [{ id: 1, name: 'Rex', tag: 'dog' }] })
  })
})

/** A 3.1 document with these paths and schemas. */
const openapi = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}) => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  components: { schemas },
  paths,
})
/** `responses` with one 200 JSON body of this schema. */
const ok = (schema: unknown) => ({
  '200': { description: 'ok', content: { 'application/json': { schema } } },
})
/** What the guard lets through of `body` on `path`, with these routes. */
function filtered(routes: Record<string, RouteOptions>, path: string, body: unknown, method = 'GET') {
  const guard = createGuard({ routes })
  return guard.filterResponse(guard.startRequest({ method, path, native: {} }), { status: 200, body })
}
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

describe('fromOpenAPI on large and unusual schemas', () => {
  it('reads a schema graph level by level and keeps members past maxPaths whole, with a report', () => {
    // Each level names two members of the next: 2^24 paths if nothing stopped it.
    const schemas: Record<string, unknown> = {}
    for (let i = 0; i < 30; i++)
      schemas[`L${i}`] = {
        type: 'object',
        properties: { id: { type: 'string' }, a: ref(`L${i + 1}`), b: ref(`L${i + 1}`) },
      }
    const doc = openapi({ '/tree': { get: { responses: ok(ref('L0')) } } }, schemas)
    const { routes, report } = fromOpenAPI(doc, { maxPaths: 100 })
    const allow = routes['GET /tree']?.allow ?? []
    expect(allow.length).toBeLessThanOrEqual(100)
    expect(allow).toEqual(expect.arrayContaining(['$.id', '$.a.id', '$.a.b.id', '$.b.b.b.id']))
    expect(report).toEqual([
      expect.objectContaining({
        route: 'GET /tree',
        message: expect.stringMatching(/more than 100 members/),
      }),
    ])
    expect(fromOpenAPI(doc).routes['GET /tree']?.allow?.length).toBeLessThanOrEqual(1000)
    expect(() => createGuard({ routes })).not.toThrow()
  })

  it('reports nesting deeper than 24 levels instead of keeping it whole silently', () => {
    let schema: unknown = { type: 'string' }
    for (let i = 0; i < 30; i++) schema = { type: 'object', properties: { inner: schema } }
    const { routes, report } = fromOpenAPI(openapi({ '/deep': { get: { responses: ok(schema) } } }))
    expect(routes['GET /deep']?.allow).toEqual([`$${'.inner'.repeat(24)}`])
    expect(report).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/deeper than 24 levels/) }),
    ])
  })

  it('derives the same lists whether a recursive schema is written inline or behind a $ref', () => {
    // A bundler writes a shared schema inline at its first use and points the others at it.
    const inline = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        children: {
          type: 'array',
          items: { $ref: '#/paths/~1nodes/get/responses/200/content/application~1json/schema' },
        },
      },
    }
    const doc = openapi({
      '/nodes': {
        get: { responses: ok(inline) },
        put: {
          requestBody: {
            content: {
              'application/json': {
                schema: { $ref: '#/paths/~1nodes/get/responses/200/content/application~1json/schema' },
              },
            },
          },
          responses: ok({ $ref: '#/paths/~1nodes/get/responses/200/content/application~1json/schema' }),
        },
      },
    })
    const { routes } = fromOpenAPI(doc)
    const expected = ['$.children[*]', '$.name']
    expect(routes['GET /nodes']?.allow?.slice().sort()).toEqual(expected)
    expect(routes['PUT /nodes']?.allow?.slice().sort()).toEqual(expected)
    expect(routes['PUT /nodes']?.accept?.slice().sort()).toEqual(expected)
  })

  it('does not take a mixin reused below for recursion', () => {
    const schemas = {
      Entity: { type: 'object', properties: { id: { type: 'integer' } } },
      Address: { allOf: [ref('Entity'), { type: 'object', properties: { city: { type: 'string' } } }] },
      User: { allOf: [ref('Entity'), { type: 'object', properties: { address: ref('Address') } }] },
    }
    const { routes, report } = fromOpenAPI(
      openapi({ '/me': { get: { responses: ok(ref('User')) } } }, schemas),
    )
    expect(routes['GET /me']?.allow?.slice().sort()).toEqual(['$.address.city', '$.address.id', '$.id'])
    expect(report).toEqual([])
  })

  it('reads 3.1 type lists and nullable without reporting them, and additionalProperties: false', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        email: { type: ['string', 'null'] },
        nickname: { type: 'string', nullable: true },
        either: { oneOf: [{ type: 'boolean' }, { nullable: true }] },
        address: { type: ['object', 'null'], properties: { city: { type: 'string' } } },
        tags: { type: ['array', 'null'], items: { type: 'string' } },
        pair: { type: 'array', prefixItems: [{ type: 'object', properties: { x: { type: 'number' } } }] },
      },
    }
    const { routes, report } = fromOpenAPI(openapi({ '/me': { get: { responses: ok(schema) } } }))
    expect(routes['GET /me']?.allow?.slice().sort()).toEqual(
      ['$.address.city', '$.either', '$.email', '$.nickname', '$.pair[*].x', '$.tags[*]'].sort(),
    )
    expect(report).toEqual([])
  })

  it('honours readOnly and writeOnly written next to a $ref (3.1)', () => {
    const schemas = { Secret: { type: 'string' } }
    const schema = {
      type: 'object',
      properties: {
        id: { $ref: '#/components/schemas/Secret', readOnly: true },
        password: { $ref: '#/components/schemas/Secret', writeOnly: true },
      },
    }
    const doc = openapi(
      {
        '/me': {
          put: { requestBody: { content: { 'application/json': { schema } } }, responses: ok(schema) },
        },
      },
      schemas,
    )
    const { routes } = fromOpenAPI(doc)
    expect(routes['PUT /me']).toMatchObject({ allow: ['$.id'], accept: ['$.password'] })
  })

  it('reports what it keeps whole with the pointer of the schema in the document and the member', () => {
    const schemas = {
      Prefs: { type: 'object', additionalProperties: { type: 'string' } },
      Blob: { type: 'object' },
      Any: {},
    }
    const schema = {
      type: 'object',
      properties: {
        prefs: ref('Prefs'),
        blob: ref('Blob'),
        any: ref('Any'),
        list: { type: 'array', items: {} },
      },
    }
    const { report } = fromOpenAPI(openapi({ '/me': { get: { responses: ok(schema) } } }, schemas))
    expect(report).toEqual(
      expect.arrayContaining([
        {
          route: 'GET /me',
          pointer: '#/components/schemas/Prefs',
          message: expect.stringMatching(/^\$\.prefs: additionalProperties/),
        },
        {
          route: 'GET /me',
          pointer: '#/components/schemas/Blob',
          message: expect.stringMatching(/^\$\.blob: a free-form object/),
        },
        {
          route: 'GET /me',
          pointer: '#/components/schemas/Any',
          message: expect.stringMatching(/^\$\.any: a schema that allows any value/),
        },
        {
          route: 'GET /me',
          pointer: '#/paths/~1me/get/responses/200/content/application~1json/schema/properties/list/items',
          message: expect.stringMatching(/^\$\.list\[\*\]: a schema that allows any value/),
        },
      ]),
    )
  })

  it('resolves percent-encoded $refs and reports those that point at nothing', () => {
    const doc = openapi(
      {
        '/a': { get: { responses: ok({ $ref: '#/components/schemas/Foo%20Bar' }) } },
        '/b': { get: { responses: ok({ $ref: '#/components/schemas/Nothing' }) } },
      },
      { 'Foo Bar': { type: 'object', properties: { id: { type: 'string' } } } },
    )
    const { routes, report } = fromOpenAPI(doc)
    expect(routes['GET /a']?.allow).toEqual(['$.id'])
    expect(routes['GET /b']?.allow).toEqual(['$'])
    expect(report).toEqual([
      expect.objectContaining({ route: 'GET /b', message: expect.stringMatching(/points at nothing/) }),
    ])
  })

  it('turns path templates the guard cannot read as such into patterns it matches', () => {
    const body = { type: 'object', properties: { id: { type: 'string' } } }
    const doc = openapi({
      '/repos/{owner}/{repo}/compare/{base}...{head}': { get: { responses: ok(body) } },
      '/orgs/{org-id}/{org_id}/{1st}': { get: { responses: ok(body) } },
      '/files:batch': { post: { responses: ok(body) } },
      '/odd (segment)+': { get: { responses: ok(body) } },
    })
    const { routes, report } = fromOpenAPI(doc)
    expect(Object.keys(routes).sort()).toEqual([
      'GET /odd%20%28segment%29%2B',
      'GET /orgs/:org_id/:org_id_2/:_1st',
      'GET /repos/:owner/:repo/compare/:base_head',
      'POST /files%3Abatch',
    ])
    expect(report).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/mixes parameters and text/) }),
    ])
    const leak = { id: '1', secret: 'x' }
    const kept = { blocked: false, body: { id: '1' } }
    expect(filtered(routes, '/repos/o/r/compare/main...dev', leak)).toEqual(kept)
    expect(filtered(routes, '/orgs/a/b/c', leak)).toEqual(kept)
    expect(filtered(routes, '/files:batch', leak, 'POST')).toEqual(kept)
    expect(filtered(routes, '/odd%20(segment)+', leak)).toEqual(kept)
  })

  it('merges operations the guard cannot tell apart (trailing slash, case)', () => {
    const doc = openapi({
      '/users': {
        get: { security: [], responses: ok({ type: 'object', properties: { a: { type: 'string' } } }) },
      },
      '/users/': {
        get: {
          security: [{ oauth: ['users:read'] }],
          responses: ok({ type: 'object', properties: { b: { type: 'string' } } }),
        },
      },
      '/USERS': { post: { responses: ok({ type: 'object', properties: { c: { type: 'string' } } }) } },
    })
    const { routes, operations, report } = fromOpenAPI(doc)
    expect(routes).toEqual({
      'GET /users': { allow: ['$.a', '$.b'], auth: { scopes: ['users:read'] } },
      'POST /USERS': { allow: ['$.c'] },
    })
    expect(operations.map(({ method, template, route }) => [method, template, route])).toEqual([
      ['GET', '/users', 'GET /users'],
      ['GET', '/users/', 'GET /users'],
      ['POST', '/USERS', 'POST /USERS'],
    ])
    expect(report.map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^GET \/users\/ is the same route as GET \/users for the guard/),
      expect.stringMatching(/security requirements differ/),
    ])
    expect(() => createGuard({ routes: fromOpenAPI(doc, { auth: false }).routes })).not.toThrow()
  })

  it('leaves out members the guard cannot name, and members no request may set', () => {
    const schema = {
      type: 'object',
      properties: {
        ok: { type: 'string' },
        'a[0]': { type: 'string' },
        'x~y': { type: 'string' },
        constructor: { type: 'string' },
        prototype: { type: 'string' },
        '0': { type: 'string' },
        $ref: { type: 'string' },
      },
    }
    const doc = openapi({
      '/things': {
        post: { requestBody: { content: { 'application/json': { schema } } }, responses: ok(schema) },
      },
    })
    const { routes, report } = fromOpenAPI(doc)
    expect(routes['POST /things']?.allow?.slice().sort()).toEqual(
      ["$['$ref']", "$['0']", '$.constructor', '$.ok', '$.prototype'].sort(),
    )
    expect(routes['POST /things']?.accept?.slice().sort()).toEqual(["$['$ref']", "$['0']", '$.ok'].sort())
    expect(report.map((entry) => entry.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"a\[0\]" cannot be written as an allowlist path/),
        expect.stringMatching(/"x~y" cannot be written/),
        expect.stringMatching(/"constructor" is never accepted/),
        expect.stringMatching(/"prototype" is never accepted/),
      ]),
    )
    expect(() => createGuard({ routes })).not.toThrow()
  })

  it('makes a route optional when an empty requirement stands among others, and reads trace and */*', () => {
    const doc = openapi({
      '/feed': {
        get: { security: [{}, { oauth: ['feed:read'] }], responses: {} },
        trace: { responses: {} },
      },
      '/legacy': {
        get: {
          responses: {
            '200': {
              content: { '*/*': { schema: { type: 'object', properties: { id: { type: 'string' } } } } },
            },
          },
        },
      },
    })
    const { routes } = fromOpenAPI(doc)
    expect(routes['GET /feed']?.auth).toEqual({ optional: true })
    expect(routes['TRACE /feed']).toEqual({})
    expect(routes['GET /legacy']?.allow).toEqual(['$.id'])
  })

  it('reads path items given as a $ref (bundlers write them for a path file used twice)', () => {
    const doc = openapi({
      '/a': { get: { responses: ok({ type: 'object', properties: { id: { type: 'string' } } }) } },
      '/b': { $ref: '#/paths/~1a' },
    })
    expect(fromOpenAPI(doc).routes['GET /b']?.allow).toEqual(['$.id'])
  })

  it('refuses invalid options, naming them', () => {
    expect(() => fromOpenAPI(doc, { maxPaths: 0 })).toThrow(/maxPaths/)
    expect(() => fromOpenAPI(doc, { successStatuses: 'first' as never })).toThrow(/successStatuses/)
    expect(() => fromOpenAPI(doc, { max: 1 } as never)).toThrow(LeakguardConfigError)
  })

  it('gives bodies that differ by status their own views, the union in allow', () => {
    const json = (properties: Record<string, unknown>) => ({
      content: { 'application/json': { schema: { type: 'object', properties } } },
    })
    const jobs = fromOpenAPI({
      openapi: '3.1.0',
      info: { title: 'jobs', version: '1' },
      paths: {
        '/jobs/{id}': {
          get: {
            responses: {
              '200': json({ id: { type: 'string' }, result: { type: 'string' } }),
              '202': json({ id: { type: 'string' }, retryAfter: { type: 'integer' } }),
              '404': { description: 'no such job' },
            },
          },
        },
        '/same': { get: { responses: { '200': json({ id: {} }), '201': json({ id: {} }) } } },
      },
    })
    expect(jobs.routes['GET /jobs/:id']).toEqual({
      allow: ['$.id', '$.result', '$.retryAfter'],
      statusViews: { '200': ['$.id', '$.result'], '202': ['$.id', '$.retryAfter'] },
    })
    // The same schema for every status: allow says it all.
    expect(jobs.routes['GET /same']).toEqual({ allow: ['$.id'] })
    expect(() => createGuard({ routes: jobs.routes })).not.toThrow()
  })
})
