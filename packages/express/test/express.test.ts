import { fileURLToPath } from 'node:url'
import { createGuard, type LeakguardEvent } from '@leakguard/core'
import { listen } from '@leakguard/test-utils'
import express from 'express'
import express4 from 'express4'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { leakguard } from '../src/index.js'

const SECRET = 'SENTINEL-disk-secret'
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const user = { id: 7, name: 'From disk', apiKey: SECRET }

function recording(routes: Record<string, { allow: string[] }>) {
  const events: LeakguardEvent[] = []
  const guard = createGuard({ routes, audit: { onEvent: (e) => void events.push(e) } })
  const responseEvents = () => events.filter((e) => e.type !== 'config.warning')
  return { guard, events: async () => (await guard.flush(), responseEvents()) }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each([
  ['express 5', express],
  ['express 4', express4 as unknown as typeof express],
])('%s specifics', (_name, createExpress) => {
  async function serve(setup: (app: express.Express) => void) {
    const app = createExpress()
    setup(app)
    return listen(app)
  }

  it('filters res.send(object), res.jsonp() and JSON written by res.sendFile', async () => {
    const { guard } = recording({ 'GET /*': { allow: ['$.id', '$.name'] } })
    const server = await serve((app) => {
      app.use(leakguard(guard))
      app.get('/send', (_req, res) => void res.send(user))
      app.get('/jsonp', (_req, res) => void res.jsonp(user))
      app.get('/file', (_req, res) => res.sendFile(fixture('user.json')))
      app.get('/text', (_req, res) => res.sendFile(fixture('notes.txt')))
    })
    try {
      expect(await (await fetch(`${server.url}/send`)).json()).toEqual({ id: 7, name: 'From disk' })
      const jsonp = await (await fetch(`${server.url}/jsonp?callback=cb`)).text()
      expect(jsonp).toContain('cb({"id":7,"name":"From disk"})')
      expect(jsonp).not.toContain(SECRET)
      const file = await fetch(`${server.url}/file`)
      const text = await file.text()
      expect(JSON.parse(text)).toEqual({ id: 7, name: 'From disk' })
      expect(Number(file.headers.get('content-length'))).toBe(Buffer.byteLength(text))
      expect(await (await fetch(`${server.url}/text`)).text()).toContain(SECRET) // not JSON: untouched
    } finally {
      await server.close()
    }
  })

  it('keeps its patches in a mounted sub-app, which swaps the prototype of res', async () => {
    const { guard, events } = recording({ 'GET /admin/users/:id': { allow: ['$.id'] } })
    const server = await serve((app) => {
      const sub = createExpress()
      sub.set('json spaces', 2)
      sub.get('/users/:id', (_req, res) => void res.json(user))
      app.use(leakguard(guard))
      app.use('/admin', sub)
    })
    try {
      const res = await fetch(`${server.url}/admin/users/7`)
      expect(await res.text()).toBe('{\n  "id": 7\n}')
    } finally {
      await server.close()
    }
    expect((await events())[0]?.request?.route).toBe('GET /admin/users/:id')
  })

  it('closes the connection when JSON must change after the headers were sent', async () => {
    const { guard, events } = recording({ 'GET /raw': { allow: ['$.id'] } })
    const server = await serve((app) => {
      app.use(leakguard(guard))
      app.get('/raw', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(user))
      })
    })
    try {
      await expect(fetch(`${server.url}/raw`).then((r) => r.text())).rejects.toThrow()
    } finally {
      await server.close()
    }
    const blocked = (await events()).filter((e) => e.type === 'response.blocked')
    expect(blocked.map((e) => e.type === 'response.blocked' && e.error.code)).toEqual([
      'ERR_LG_RESPONSE_HEADERS_SENT',
    ])
  })

  it("scrubs Express's own error page, which shows the stack outside production", async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const server = await serve((app) => {
      app.set('env', 'development')
      app.use(leakguard())
      app.get('/boom', () => {
        throw new Error(`boom ${SECRET}`)
      })
    })
    try {
      const res = await fetch(`${server.url}/boom`)
      expect(res.status).toBe(500)
      const text = await res.text()
      expect(text).toMatch(/^An internal error occurred\. Reference: [0-9a-f-]{36}$/)
      expect(text).not.toContain(SECRET)
    } finally {
      await server.close()
    }
  })

  it('warns once per app when leakguard.errorHandler() is not mounted, and not when it is', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const bare = await serve((app) => {
      app.use(leakguard())
      app.get('/', (_req, res) => void res.json({}))
    })
    const guarded = await serve((app) => {
      app.use(leakguard())
      app.get('/', (_req, res) => void res.json({}))
      app.use(leakguard.errorHandler())
    })
    try {
      for (let i = 0; i < 3; i++) await fetch(`${bare.url}/`)
      await fetch(`${guarded.url}/`)
    } finally {
      await bare.close()
      await guarded.close()
    }
    const ours = warning.mock.calls.filter(
      ([, options]) => (options as { code?: string })?.code === 'LEAKGUARD_NO_ERROR_HANDLER',
    )
    expect(ours).toHaveLength(1)
  })
})

describe('express 4 legacy signatures', () => {
  it('filters res.json(status, body) and res.send(body, status) with the status they set', async () => {
    const app = express4()
    app.use(leakguard({ routes: { 'GET /*': { allow: ['$.id'] } } }))
    const legacy = app as unknown as {
      get(
        path: string,
        handler: (req: unknown, res: { json(...a: unknown[]): void; send(...a: unknown[]): void }) => void,
      ): void
    }
    legacy.get('/json', (_req, res) => res.json(404, { title: 'Not Found', status: 404, stack: SECRET }))
    legacy.get('/send', (_req, res) => res.send(user, 201))
    const server = await listen(app)
    try {
      const notFound = await fetch(`${server.url}/json`)
      expect([notFound.status, await notFound.json()]).toEqual([404, { title: 'Not Found', status: 404 }])
      const created = await fetch(`${server.url}/send`)
      expect([created.status, await created.json()]).toEqual([201, { id: 7 }])
    } finally {
      await server.close()
    }
  })
})

describe('express auth specifics', () => {
  it('refuses public and optional policies in leakguard.route(), which runs after the token check', () => {
    expect(() => leakguard.route({ auth: { public: true } })).toThrow(/declared in the guard's routes/)
    expect(() => leakguard.route({ auth: { optional: true } })).toThrow(/leakguard\.route\(\) options\.auth/)
    expect(() => leakguard.route({ auth: { scopes: ['a b'] } })).toThrow(/scopes\[0\]/)
  })

  it('fails closed when leakguard.route() enforces auth without leakguard() mounted', async () => {
    const app = express()
    app.get('/x', leakguard.route({ auth: { scopes: ['x'] } }), (_req, res) => {
      res.json({ reached: true })
    })
    app.use(leakguard.errorHandler())
    const server = await listen(app)
    try {
      const res = await fetch(`${server.url}/x`)
      expect(res.status).toBe(500)
      expect(await res.text()).not.toContain('reached')
    } finally {
      await server.close()
    }
  })
})
