import { describe, expect, it } from 'vitest'
import { LeakguardConfigError } from '../errors.js'
import { createGuard } from '../guard.js'
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
