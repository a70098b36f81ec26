import etag from '@fastify/etag'
import { createGuard } from '@leakguard/core'
import Fastify, { type FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { leakguard } from '../src/index.js'

const SECRET = 'SENTINEL-fastify-secret'

async function serve(build: (app: FastifyInstance) => Promise<void> | void) {
  const app = Fastify()
  await build(app)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

describe('fastify specifics', () => {
  it('filters the error reply of a hook that throws after leakguard filtered the payload', async () => {
    const leaky = `dup key (apiKey)=(${SECRET}) AKIAIOSFODNN7EXAMPLE at /srv/app/db.js:9:9`
    const server = await serve(async (app) => {
      await app.register(leakguard)
      await app.register(async (scope) => {
        scope.addHook('preSerialization', async () => {
          throw new Error(leaky)
        })
        scope.get('/pre', async () => ({ ok: 1 }))
      })
      await app.register(async (scope) => {
        scope.addHook('onSend', async (_request, _reply, payload) => {
          if (typeof payload === 'string' && payload.includes('"ok"')) throw new Error(leaky)
          return payload
        })
        scope.get('/send', async () => ({ ok: 1 }))
      })
    })
    try {
      for (const path of ['/pre', '/send']) {
        const res = await fetch(`${server.url}${path}`)
        const text = await res.text()
        expect(res.status, path).toBe(500)
        expect(text, path).not.toMatch(/SENTINEL|AKIA|\/srv\/app/)
      }
    } finally {
      await server.close()
    }
  })

  it("filters the default error handler's payload: a 5xx loses its message, a 4xx keeps it", async () => {
    const server = await serve(async (app) => {
      await app.register(leakguard)
      app.get('/boom', async () => {
        throw new Error(`ER_DUP_ENTRY: Duplicate entry '${SECRET}'`)
      })
      app.post('/validate', { schema: { body: { type: 'object', required: ['name'] } } }, async () => ({}))
    })
    try {
      const boom = await fetch(`${server.url}/boom`)
      expect([boom.status, await boom.json()]).toEqual([
        500,
        { statusCode: 500, error: 'Internal Server Error' },
      ])
      const invalid = await fetch(`${server.url}/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(invalid.status).toBe(400)
      expect(await invalid.json()).toMatchObject({
        statusCode: 400,
        message: "body must have required property 'name'",
      })
    } finally {
      await server.close()
    }
  })

  it('filters before a response schema or a custom serializer sees the payload', async () => {
    const server = await serve(async (app) => {
      await app.register(leakguard, { routes: { 'GET /*': { allow: ['$.id'] } } })
      const schema = {
        response: {
          200: { type: 'object', properties: { id: { type: 'number' }, secret: { type: 'string' } } },
        },
      }
      app.get('/schema', { schema }, async () => ({ id: 1, secret: SECRET }))
      app.get('/serializer', async (_request, reply) =>
        reply.serializer((p: unknown) => JSON.stringify(p)).send({ id: 2, secret: SECRET }),
      )
    })
    try {
      expect(await (await fetch(`${server.url}/schema`)).json()).toEqual({ id: 1 })
      expect(await (await fetch(`${server.url}/serializer`)).json()).toEqual({ id: 2 })
    } finally {
      await server.close()
    }
  })

  it('accepts a guard, and refuses options.guard that is not one', async () => {
    const guard = createGuard({ routes: { 'GET /x': { allow: ['$.id'] } } })
    const server = await serve(async (app) => {
      await app.register(leakguard, { guard })
      app.get('/x', async () => ({ id: 1, secret: SECRET }))
    })
    try {
      expect(await (await fetch(`${server.url}/x`)).json()).toEqual({ id: 1 })
    } finally {
      await server.close()
    }
    const app = Fastify()
    await expect(app.register(leakguard, { guard: {} as never }).ready()).rejects.toThrow(/createGuard/)
  })

  it('validates config.leakguard when the route is added', async () => {
    const app = Fastify()
    await app.register(leakguard)
    expect(() => app.get('/bad', { config: { leakguard: { allow: ['$..x'] } } }, async () => ({}))).toThrow(
      /config\.leakguard of GET \/bad\.allow\[0\]/,
    )
  })

  it('still serves filtered bytes when @fastify/etag is registered before leakguard (its ETag then describes them too)', async () => {
    const server = await serve(async (app) => {
      await app.register(etag)
      await app.register(leakguard, { routes: { 'GET /x': { allow: ['$.id'] } } })
      app.get('/x', async () => ({ id: 1, secret: SECRET }))
    })
    try {
      const res = await fetch(`${server.url}/x`)
      expect(await res.text()).toBe('{"id":1}')
    } finally {
      await server.close()
    }
  })
})

describe('fastify auth specifics', () => {
  it('refuses config.leakguard.auth on a guard without auth options, when the route is added', async () => {
    const app = Fastify()
    await app.register(leakguard)
    expect(() =>
      app.get('/x', { config: { leakguard: { auth: { scopes: ['x'] } } } }, async () => ({})),
    ).toThrow(/config\.leakguard of GET \/x\.auth: needs token verification/)
  })

  it('lets config.leakguard make one route public, which Express and Koa helpers cannot', async () => {
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, {
        auth: { issuer: 'https://i.test/', audience: 'a', algorithms: ['HS256'], secret: 'x'.repeat(32) },
      })
      app.get('/open', { config: { leakguard: { auth: { public: true } } } }, async () => ({ open: true }))
      app.get('/closed', async () => ({ open: false }))
    })
    try {
      expect((await fetch(`${url}/open`)).status).toBe(200)
      expect((await fetch(`${url}/closed`)).status).toBe(401)
    } finally {
      await close()
    }
  })
})
