// fromOpenAPI on two large public descriptions (test/corpus/openapi, README.md there for their
// sources and licences): Stripe's (OpenAPI 3.0.0, 417 operations, linked expandable objects) and
// GitHub's (OpenAPI 3.0.3, 623 operations, deep inline schemas).
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createGuard } from '../guard.js'
import type { RouteOptions } from '../options.js'
import { fromOpenAPI, type OpenAPIPolicies } from './from-openapi.js'

type Doc = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> }

function fixture(name: string): Doc {
  const file = new URL(`../../../../test/corpus/openapi/${name}.json.gz`, import.meta.url)
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Doc
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']
const operations = (doc: Doc) =>
  Object.values(doc.paths).reduce((count, item) => count + METHODS.filter((m) => m in item).length, 0)

/** The value a report pointer names in the document. */
function at(doc: Doc, pointer: string): unknown {
  return pointer
    .slice(2)
    .split('/')
    .map((token) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((value, token) => (value as Record<string, unknown> | undefined)?.[token], doc)
}

/** What a guard over `routes` lets through of `body` on `GET path`; the guard is built once. */
function viewer(routes: Record<string, RouteOptions>) {
  let guard: ReturnType<typeof createGuard> | undefined
  return (path: string, body: unknown) => {
    guard ??= createGuard({ routes })
    return guard.filterResponse(guard.startRequest({ method: 'GET', path, native: {} }), {
      status: 200,
      body,
    })
  }
}

function expectWellFormed(doc: Doc, { routes, operations: derived, report }: OpenAPIPolicies): void {
  expect(Object.keys(routes)).toHaveLength(operations(doc))
  expect(derived).toHaveLength(operations(doc))
  for (const operation of derived) expect(at(doc, operation.pointer), operation.pointer).toBeDefined()
  for (const entry of report) {
    expect(entry).toEqual({
      route: expect.any(String),
      pointer: expect.any(String),
      message: expect.any(String),
    })
    expect(routes[entry.route], entry.route).toBeDefined()
    expect(at(doc, entry.pointer), entry.pointer).toBeDefined()
    expect(entry.message.length).toBeGreaterThan(0)
  }
  for (const policy of Object.values(routes)) expect(policy.allow?.length ?? 0).toBeLessThanOrEqual(1000)
}

describe('fromOpenAPI on the Stripe description (stripe/openapi, MIT)', () => {
  const doc = fixture('stripe')
  const derived = fromOpenAPI(doc)
  const { routes, report } = derived
  // The guard needs token settings for `auth`; the views are what is checked here.
  const filtered = viewer(fromOpenAPI(doc, { auth: false }).routes)

  it('derives one route per operation, each report entry naming a route and a pointer that exist', () => {
    expect(operations(doc)).toBe(417)
    expectWellFormed(doc, derived)
  })

  it("views a customer as the schema names it, expandable objects included, and the members it doesn't name never", () => {
    const customer = routes['GET /v1/customers/:customer']!
    expect(customer.allow).toEqual(
      expect.arrayContaining(['$.email', '$.id', '$.address.city', '$.metadata', '$.default_source.last4']),
    )
    const own = customer.allow!.filter((path) => /^\$\.\w+$/.test(path))
    expect(own.filter((path) => /secret|password|token|_key$/i.test(path))).toEqual([])
    expect(
      filtered('/v1/customers/cus_1', {
        id: 'cus_1',
        email: 'a@example.com',
        password_hash: '$2b$...',
        api_key: 'sk_live_x',
        address: { city: 'Oslo', internal_note: 'x' },
      }),
    ).toEqual({
      blocked: false,
      body: {
        id: 'cus_1',
        email: expect.any(String) /* masked by the default redaction */,
        address: { city: 'Oslo' },
      },
    })
  })

  it('keeps metadata maps and recursive expansions whole, and reports them', () => {
    const customerReport = report.filter((entry) => entry.route === 'GET /v1/customers/:customer')
    expect(customerReport).toEqual(
      expect.arrayContaining([
        {
          route: 'GET /v1/customers/:customer',
          pointer: '#/components/schemas/customer/properties/metadata',
          message: expect.stringMatching(/^\$\.metadata: additionalProperties/),
        },
        expect.objectContaining({
          message: expect.stringMatching(/^\$\.default_source\.customer: the schema contains itself/),
        }),
      ]),
    )
  })

  it('requires a token on every route (basic or bearer, no scopes) and derives no accept from form bodies', () => {
    expect(new Set(Object.values(routes).map((route) => JSON.stringify(route.auth)))).toEqual(new Set(['{}']))
    expect(Object.values(routes).filter((route) => route.accept !== undefined)).toEqual([])
  })

  it('gives routes a guard accepts', () => {
    expect(filtered('/v1/balance', { object: 'balance', livemode: false, secret: 'x' })).toEqual({
      blocked: false,
      body: { object: 'balance', livemode: false },
    })
  })
})

describe('fromOpenAPI on the GitHub REST description (github/rest-api-description, MIT)', () => {
  const doc = fixture('github')
  const derived = fromOpenAPI(doc)
  const { routes, report } = derived
  const filtered = viewer(routes)

  it('derives one route per operation, each report entry naming a route and a pointer that exist', () => {
    expect(operations(doc)).toBe(623)
    expectWellFormed(doc, derived)
  })

  it('views a repository as the schema names it', () => {
    const repo = routes['GET /repos/:owner/:repo']!
    expect(repo.allow).toEqual(
      expect.arrayContaining(['$.full_name', '$.owner.login', '$.permissions.admin', '$.license.spdx_id']),
    )
    expect(
      filtered('/repos/octocat/hello', {
        full_name: 'octocat/hello',
        owner: { login: 'octocat', password: 'x' },
        deploy_keys: ['ssh-rsa ...'],
      }),
    ).toEqual({ blocked: false, body: { full_name: 'octocat/hello', owner: { login: 'octocat' } } })
  })

  it('derives accept from JSON request bodies, and no auth where the document declares no security', () => {
    expect(routes['PATCH /repos/:owner/:repo']?.accept).toEqual(
      expect.arrayContaining(['$.name', '$.private']),
    )
    expect(doc.security).toBeUndefined()
    expect(Object.values(routes).filter((route) => route.auth !== undefined)).toEqual([])
    const secured = fromOpenAPI({ ...doc, security: [{ oauth: ['repo'] }] }).routes
    expect(secured['GET /repos/:owner/:repo']?.auth).toEqual({ scopes: ['repo'] })
  })

  it('matches a path template with text between two parameters', () => {
    expect(routes['GET /repos/:owner/:repo/compare/:base_head']?.allow).toContain('$.ahead_by')
    expect(report).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          route: 'GET /repos/:owner/:repo/compare/:base_head',
          message: expect.stringMatching(/mixes parameters and text/),
        }),
      ]),
    )
    expect(filtered('/repos/o/r/compare/main...dev', { ahead_by: 1, token: 'x' })).toEqual({
      blocked: false,
      body: { ahead_by: 1 },
    })
  })

  it('gives routes a guard accepts', () => {
    expect(() => createGuard({ routes })).not.toThrow()
  })
})
