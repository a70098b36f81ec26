import { createGuard, type InventoryRoute, type LeakguardEvent } from '@leakguard/core'
import { listen } from '@leakguard/test-utils'
import express, { type Request, type Response } from 'express'
import express4 from 'express4'
import { describe, expect, it, vi } from 'vitest'
import { leakguard } from '../src/index.js'

const ok = (_req: Request, res: Response): void => void res.json({ ok: true })

/** A guard recording its events, its `registerRoute` calls spied on. */
function recordingGuard(routes: Record<string, { allow: string[] }>) {
  const events: LeakguardEvent[] = []
  const guard = createGuard({
    routes,
    ignoreWarnings: ['LEAKGUARD_NO_ERROR_HANDLER'],
    audit: { onEvent: (e) => void events.push(e) },
  })
  const registerRoute = vi.spyOn(guard, 'registerRoute')
  const undeclared = async () => {
    await guard.flush()
    return events.flatMap((e) => (e.type === 'inventory.undeclared_route' ? [e.route] : []))
  }
  return { guard, registerRoute, undeclared }
}

const rows = (inventory: InventoryRoute[]) =>
  inventory.map(({ route, declared, registered, requests }) => ({ route, declared, registered, requests }))

const registeredOnce = (calls: unknown[][]) => {
  const keys = calls.map(([method, path]) => `${String(method)} ${String(path)}`)
  expect(keys).toEqual([...new Set(keys)])
}

describe.each([
  ['express 5', express, { optional: '/opt{/:id}', wildcard: '/files/*rest' }],
  ['express 4', express4 as unknown as typeof express, { optional: '/opt/:id?', wildcard: '/files/*' }],
])('%s: routes under a prefix', (_name, createExpress, syntax) => {
  async function serve(app: express.Express, paths: readonly string[]): Promise<void> {
    const server = await listen(app)
    try {
      for (const path of paths) expect((await fetch(`${server.url}${path}`)).status).toBe(200)
    } finally {
      await server.close()
    }
  }

  it('registers the routes of routers mounted under a prefix, nested, with a parameter or at several paths, by full pattern', async () => {
    const { guard, registerRoute, undeclared } = recordingGuard({
      'GET /health': { allow: ['$'] },
      'GET /api/v1/users/:id': { allow: ['$'] },
      'GET /orgs/:org/members': { allow: ['$'] },
    })
    const app = createExpress()
    app.use(leakguard(guard))
    app.get('/health', ok)
    const v1 = createExpress.Router()
    v1.get('/users/:id', ok)
    v1.post('/users', ok)
    const api = createExpress.Router()
    api.get('/status', ok)
    api.use('/v1', v1)
    app.use('/api', api)
    const org = createExpress.Router({ mergeParams: true })
    org.get('/members', ok)
    org.get('/audit/:entry', ok)
    app.use('/orgs/:org', org)
    const shared = createExpress.Router()
    shared.get('/ping', ok)
    app.use(['/a', '/b/:x'], shared)
    app.use('/a', shared) // mounted again at a path it already has: registered once
    const hidden = createExpress.Router()
    hidden.get('/secret', ok)
    app.use(/^\/re/, hidden)
    app.use(leakguard.errorHandler())

    await serve(app, ['/health'])

    // Parameters and segments with digits read as `:n` in undeclared rows (`v1` too), as when served.
    const expected = [
      { route: 'GET /health', declared: true, registered: true, requests: 1 },
      { route: 'GET /api/v1/users/:id', declared: true, registered: true, requests: 0 },
      { route: 'GET /orgs/:org/members', declared: true, registered: true, requests: 0 },
      { route: '/api/:n/users', declared: false, registered: true, requests: 0 },
      { route: '/api/status', declared: false, registered: true, requests: 0 },
      { route: '/orgs/:n/audit/:n', declared: false, registered: true, requests: 0 },
      { route: '/a/ping', declared: false, registered: true, requests: 0 },
      { route: '/b/:n/ping', declared: false, registered: true, requests: 0 },
    ]
    expect(rows(guard.inventory())).toEqual(expect.arrayContaining(expected))
    // A RegExp prefix cannot be read back exactly: that router's routes join as they are served.
    expect(guard.inventory()).toHaveLength(expected.length)
    registeredOnce(registerRoute.mock.calls)
    expect(registerRoute.mock.calls).toContainEqual(['GET', '/api/v1/users/:id'])
    expect(registerRoute.mock.calls).toContainEqual(['GET', '/b/:x/ping'])

    // Served, each undeclared route lands on the row registered for it and is named once.
    const server = await listen(app)
    try {
      await fetch(`${server.url}/api/status`)
      await fetch(`${server.url}/orgs/42/audit/7`)
      await fetch(`${server.url}/a/ping`)
      await fetch(`${server.url}/b/9/ping`)
      await fetch(`${server.url}/re/secret`)
      await fetch(`${server.url}/api/v1/users`, { method: 'POST' })
    } finally {
      await server.close()
    }
    expect((await undeclared()).sort()).toEqual(
      ['/a/ping', '/api/:n/users', '/api/status', '/b/:n/ping', '/orgs/:n/audit/:n', '/re/secret'].sort(),
    )
    expect(guard.inventory()).toHaveLength(expected.length + 1)
    expect(guard.inventory().find((row) => row.route === '/re/secret')).toMatchObject({ registered: false })
    expect(guard.inventory().find((row) => row.route === '/orgs/:n/audit/:n')).toMatchObject({
      registered: true,
      requests: 1,
    })
  })

  it('registers the routes of a sub-app running leakguard under the mount paths of the apps above it', async () => {
    const { guard, registerRoute, undeclared } = recordingGuard({
      'GET /console/admin/stats': { allow: ['$'] },
    })
    const admin = createExpress()
    admin.use(leakguard(guard))
    admin.get('/stats', ok)
    const reports = createExpress.Router()
    reports.get('/daily/:day', ok)
    admin.use('/reports', reports)
    const tools = createExpress()
    tools.use('/admin', admin)
    const root = createExpress()
    root.use('/console', tools)

    await serve(root, ['/console/admin/stats', '/console/admin/reports/daily/3'])

    expect(rows(guard.inventory())).toEqual([
      { route: 'GET /console/admin/stats', declared: true, registered: true, requests: 1 },
      { route: '/console/admin/reports/daily/:n', declared: false, registered: true, requests: 1 },
    ])
    expect(registerRoute.mock.calls).toContainEqual(['GET', '/console/admin/reports/daily/:day'])
    registeredOnce(registerRoute.mock.calls)
    expect(await undeclared()).toEqual(['/console/admin/reports/daily/:n'])
  })

  it('registers a sub-app mounted below the app that runs leakguard when it first answers', async () => {
    const { guard, undeclared } = recordingGuard({})
    const app = createExpress()
    app.use(leakguard(guard))
    const admin = createExpress()
    admin.get('/stats', ok)
    app.use('/admin', admin)

    await serve(app, ['/admin/stats'])

    // Express keeps a sub-app only in a closure: its routes are known once it has answered.
    expect(rows(guard.inventory())).toEqual([
      { route: '/admin/stats', declared: false, registered: true, requests: 1 },
    ])
    expect(await undeclared()).toEqual(['/admin/stats'])
  })

  it('stops at a router mounted inside itself and serves apps whose stack it cannot read', async () => {
    const { guard, registerRoute } = recordingGuard({})
    const app = createExpress()
    app.use(leakguard(guard))
    const loop = createExpress.Router()
    loop.get('/x', ok)
    loop.use('/again', loop)
    app.use('/loop', loop)
    const odd = (_req: Request, _res: Response, next: () => void): void => next()
    Object.defineProperty(odd, 'stack', {
      get() {
        throw new Error('not a router')
      },
    })
    app.use('/odd', odd)
    app.get('/health', ok)

    await serve(app, ['/health'])

    expect(registerRoute.mock.calls).toEqual(
      expect.arrayContaining([
        ['GET', '/loop/x'],
        ['GET', '/health'],
      ]),
    )
    expect(registerRoute.mock.calls.map(([, path]) => path)).not.toContain('/loop/again/x')
    registeredOnce(registerRoute.mock.calls)
  })

  it('registers prefixes with dots and dashes, and skips those with optional parts or wildcards', async () => {
    const { guard, registerRoute } = recordingGuard({})
    const app = createExpress()
    app.use(leakguard(guard))
    const router = createExpress.Router()
    router.get('/ping', ok)
    app.use('/v1.0/x-y', router)
    app.use(syntax.optional, router)
    app.use(syntax.wildcard, router)
    app.get('/health', ok)

    await serve(app, ['/health'])

    // router 2.3 lists the implicit HEAD of each GET route: the core counts HEAD as GET.
    const registered = registerRoute.mock.calls.filter(([method]) => method !== 'HEAD')
    expect(registered).toEqual([
      ['GET', '/v1.0/x-y/ping'],
      ['GET', '/health'],
    ])
  })
})

describe('express 5 on router before 2.3', () => {
  /** Hides what router 2.3 added: `listRoutes()` always, the layers' `rawPath` when asked. */
  function asOlderRouter(router: object, keepRawPath: boolean): void {
    Object.defineProperty(router, 'listRoutes', { value: undefined })
    for (const layer of (router as { stack: { handle: object; rawPath?: unknown }[] }).stack) {
      if (!keepRawPath) Object.defineProperty(layer, 'rawPath', { value: undefined })
      if (Array.isArray((layer.handle as { stack?: unknown }).stack)) asOlderRouter(layer.handle, keepRawPath)
    }
  }

  async function inventoryOf(keepRawPath: boolean) {
    const { guard } = recordingGuard({})
    const app = express()
    app.use(leakguard(guard))
    app.get('/health', ok)
    const router = express.Router()
    router.get('/ping', ok)
    app.use('/', router)
    app.use('/api/:tenant', router)
    asOlderRouter(app.router, keepRawPath)
    const server = await listen(app)
    try {
      await fetch(`${server.url}/health`)
    } finally {
      await server.close()
    }
    return guard.inventory().map((row) => row.route)
  }

  it('reads mount paths from the layers when the router cannot list its routes', async () => {
    expect((await inventoryOf(true)).sort()).toEqual(['/api/:n/ping', '/health', '/ping'])
  })

  it('registers only routes at the root when the layers keep no mount path', async () => {
    expect((await inventoryOf(false)).sort()).toEqual(['/health', '/ping'])
  })
})
