import { Readable } from 'node:stream'
import compress from '@fastify/compress'
import etag from '@fastify/etag'
import { createGuard, type LeakguardEvent } from '@leakguard/core'
import { recordWrites } from '@leakguard/test-utils'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
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
  it('sends a large body decided in turns with the head the reply had then, whatever is set meanwhile', async () => {
    // A status and a header set by a timer after the handler returned: the body was decided for
    // the status it had, so the head it goes out with is that one (a small reply is out already).
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ id: i, email: `u${i}@example.com` }))
    const text = JSON.stringify(rows)
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {} })
      const late = (reply: { code(status: number): unknown; header(name: string, value: string): unknown }) =>
        setImmediate(() => {
          reply.code(500)
          reply.header('x-late', 'yes')
        })
      app.get('/object', async (_request, reply) => {
        late(reply)
        reply.header('set-cookie', ['a=1; Path=/', 'b=2; Path=/'])
        return rows
      })
      app.get('/text', async (_request, reply) => {
        late(reply)
        return reply.type('application/json').send(text)
      })
    })
    try {
      for (const path of ['/object', '/text']) {
        const res = await fetch(`${url}${path}`)
        expect(res.status, path).toBe(200)
        expect(res.headers.get('x-late'), path).toBeNull()
        // Held and put back as they were: not added to themselves.
        if (path === '/object') expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
        const sent = (await res.json()) as Array<{ id: number; email: string }>
        expect(sent, path).toHaveLength(30_000)
        expect(sent[29_999], path).toEqual({ id: 29_999, email: '[REDACTED:email]' })
      }
    } finally {
      await close()
    }
  })

  it("reads route options as the route config's own member, never from a polluted prototype", async () => {
    // A red-team pass: `Object.prototype.leakguard = { redact: { enabled: false }, allow: ['$'] }`
    // (a prototype-pollution bug elsewhere in the app, at run time) turned filtering off everywhere.
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { routes: { 'GET /users/:id': { allow: ['$.id'] } }, redact: {} })
      app.get('/users/:id', async () => ({ id: 1, email: 'ada@example.com' }))
      app.get('/notes', async () => ({ note: 'mail ada@example.com' }))
    })
    const proto = Object.prototype as Record<string, unknown>
    try {
      proto.leakguard = { redact: { enabled: false }, allow: ['$'] }
      expect(await (await fetch(`${url}/users/1`)).json()).toEqual({ id: 1 })
      expect(await (await fetch(`${url}/notes`)).json()).toEqual({ note: 'mail [REDACTED:email]' })
    } finally {
      delete proto.leakguard
      await close()
    }
  })

  it('reads the route Fastify matched live: a reply moved to the not-found handler is filtered there', async () => {
    // config.leakguard of the route that called callNotFound() no longer applies: the not-found
    // route has none, and its body is redacted like any other (over a real socket).
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, {})
      app.setNotFoundHandler(async (_request, reply) =>
        reply.code(404).send({ error: 'not here', owner: 'ada@example.com', card: '4111 1111 1111 1111' }),
      )
      app.get('/moved', { config: { leakguard: { allow: ['$.kept'] } } }, async (_request, reply) => {
        reply.callNotFound()
        return reply
      })
      app.get('/kept', { config: { leakguard: { allow: ['$.kept'] } } }, async () => ({
        kept: 1,
        ssn: SECRET,
      }))
    })
    try {
      const moved = await fetch(`${url}/moved`)
      expect(moved.status).toBe(404)
      const text = await moved.text()
      expect(JSON.parse(text).error).toBe('not here')
      expect(text).not.toContain('ada@example.com')
      expect(text).not.toContain('4111 1111 1111 1111')
      const kept = await fetch(`${url}/kept`)
      expect(await kept.json()).toEqual({ kept: 1 })
    } finally {
      await close()
    }
  })

  it('decides on the route Fastify matched, whatever its router options and prefixes', async () => {
    const SECRET_ROW = { id: 1, ssn: SECRET }
    for (const options of [
      { ignoreTrailingSlash: true, caseSensitive: false, ignoreDuplicateSlashes: true },
      { useSemicolonDelimiter: true },
      { routerOptions: { useSemicolonDelimiter: true } },
      {},
    ]) {
      const app = Fastify(options as never)
      await app.register(leakguard, {
        auth: {
          issuer: 'https://issuer.test/',
          audience: 'https://api.test',
          algorithms: ['HS256'],
          secret: 'test-secret-of-thirty-two-bytes!!',
          default: 'public',
        },
        routes: { 'GET /api/me': { auth: {}, allow: ['$.id'] } },
      })
      await app.register(
        async (scope) => {
          scope.get('/Me', async () => SECRET_ROW)
        },
        { prefix: '/api' },
      )
      await app.ready()
      for (const url of [
        '/api/Me',
        '/api/me',
        '/API/ME/',
        '/api//Me',
        '/api/Me;x=1',
        '/api/Me#x',
        '/api/%4De',
      ]) {
        const res = await app.inject({ method: 'GET', url })
        expect([400, 401, 404], `${JSON.stringify(options)} ${url} -> ${res.statusCode}`).toContain(
          res.statusCode,
        )
        expect(res.body, url).not.toContain(SECRET)
      }
      await app.close()
    }
  })

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

  it('fails closed when a route serializer, a serializer compiler or a response schema throws after leakguard filtered', async () => {
    const leaky = `serializer saw ${SECRET} at /srv/app/serialize.js:1:1`
    const schema = { response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } } }
    const server = await serve(async (app) => {
      await app.register(leakguard)
      app.get('/route-compiler', {
        schema,
        serializerCompiler: () => () => {
          throw new Error(leaky)
        },
        handler: async () => ({ n: 1 }),
      })
      await app.register(async (scope) => {
        scope.setSerializerCompiler(() => () => {
          throw new Error(leaky)
        })
        scope.get('/scope-compiler', { schema }, async () => ({ n: 1 }))
      })
      // fast-json-stringify names the value it could not coerce.
      app.get('/schema', { schema }, async () => ({ n: SECRET }))
      app.get('/reply-serializer', async (_request, reply) =>
        reply
          .serializer(() => {
            throw new Error(leaky)
          })
          .send({ n: 1 }),
      )
    })
    try {
      for (const path of ['/route-compiler', '/scope-compiler', '/schema', '/reply-serializer']) {
        const res = await fetch(`${server.url}${path}`)
        const text = await res.text()
        expect(res.status, path).toBe(500)
        expect(text, path).not.toMatch(/SENTINEL|\/srv\/app/)
      }
    } finally {
      await server.close()
    }
  })

  it('reports a hijacked reply and a reply.raw write as response.unfiltered, naming which', async () => {
    const events: LeakguardEvent[] = []
    const guard = createGuard({ audit: { onEvent: (event) => void events.push(event) } })
    const server = await serve(async (app) => {
      await app.register(leakguard, { guard })
      app.get('/hijack', async (_request, reply) => {
        reply.hijack()
        reply.raw.end(JSON.stringify({ secret: SECRET }))
        return reply
      })
      app.get('/raw', async (_request, reply) => {
        reply.raw.writeHead(200, { 'content-type': 'application/json' })
        reply.raw.end(JSON.stringify({ secret: SECRET }))
        return reply
      })
      // A head flushed on its own sends no bytes of a body: nothing to report.
      app.get('/flushed', async (_request, reply) => {
        reply.raw.flushHeaders()
        return { id: 1 }
      })
      // Written raw, then a reply of its own (a red-team pass: no event said the first bytes passed).
      app.get('/raw-then-reply', async (_request, reply) => {
        reply.raw.write(JSON.stringify({ secret: SECRET }))
        return { id: 1 }
      })
      // Read from the reply itself: in an encapsulated plugin too, one with a Reply class of its
      // own (decorateReply) included.
      await app.register(async (child) => {
        child.decorateReply('extra', null)
        child.get('/nested/hijack', async (_request, reply) => {
          reply.hijack()
          reply.raw.end(JSON.stringify({ secret: SECRET }))
          return reply
        })
      })
    })
    try {
      for (const path of ['/hijack', '/raw', '/nested/hijack', '/hijack'])
        await (await fetch(`${server.url}${path}`)).text()
      // Fastify cannot send a head after the raw one: it closes the connection (the app's bug).
      await fetch(`${server.url}/flushed`)
        .then((res) => res.text())
        .catch(() => '')
      await fetch(`${server.url}/raw-then-reply`)
        .then((res) => res.text())
        .catch(() => '')
    } finally {
      await server.close()
    }
    await guard.flush()
    const unfiltered = events.filter((event) => event.type === 'response.unfiltered')
    expect(unfiltered.map((event) => [event.request?.path, 'via' in event && event.via])).toEqual([
      ['/hijack', 'hijack'],
      ['/raw', 'raw'],
      ['/nested/hijack', 'hijack'],
      ['/hijack', 'hijack'],
      ['/raw-then-reply', 'raw'],
    ])
    // Nothing of Fastify's own is patched: another instance in the process is left as it was.
    const other = Fastify()
    let hijack: unknown
    other.get('/', async (_request, reply) => {
      hijack = reply.hijack
      return {}
    })
    await other.inject('/')
    expect(String(hijack)).toContain('kReplyHijacked')
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

  it('writes plain replies itself through the compiled view, and leaves schemas and serializers of the app in charge', async () => {
    const guard = createGuard({ routes: { 'GET /*': { allow: ['$.id', '$.rows[*].id'] } } })
    const written = recordWrites(guard)
    const seen: string[][] = []
    const server = await serve(async (app) => {
      await app.register(leakguard, guard)
      app.get('/plain', async () => ({ id: 1, secret: SECRET, rows: [{ id: 2, secret: SECRET }] }))
      // A hook that runs after leakguard's (a plugin registered after it) sees the filtered
      // value, as it always did: leakguard then filters in preSerialization, not as the serializer.
      await app.register(async (scope) => {
        scope.addHook('preSerialization', async (_request, _reply, payload) => {
          seen.push(Object.keys(payload as object))
          return payload
        })
        scope.get('/late', async () => ({ id: 3, secret: SECRET }))
      })
      await app.register(async (scope) => {
        scope.setReplySerializer((payload) => `${JSON.stringify(payload)}\n`)
        scope.get('/custom', async () => ({ id: 4, secret: SECRET }))
      })
      app.get(
        '/own-serializer',
        {
          preSerialization: (_request, reply, payload, done) => {
            reply.serializer((value: unknown) => JSON.stringify(value))
            done(null, payload)
          },
        },
        async () => ({ id: 5, secret: SECRET }),
      )
      await app.register(async (scope) => {
        scope.addHook('onSend', async (_request, _reply, payload) => {
          if (typeof payload === 'string' && payload.startsWith('{"id":6')) throw new Error(SECRET)
          return payload
        })
        scope.get('/fails-late', async () => ({ id: 6, secret: SECRET }))
      })
    })
    try {
      const plain = await fetch(`${server.url}/plain`)
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await plain.text()).toBe('{"id":1,"rows":[{"id":2}]}')
      expect(written).toHaveLength(1)
      expect(await (await fetch(`${server.url}/late`)).text()).toBe('{"id":3}')
      expect(seen).toEqual([['id']])
      expect(written).toHaveLength(1)
      // setReplySerializer: the app's serializer writes the filtered object, newline included.
      expect(await (await fetch(`${server.url}/custom`)).text()).toBe('{"id":4}\n')
      expect(written).toHaveLength(1)
      // A reply serializer set by a route-level hook after leakguard's never sees the raw body.
      expect(await (await fetch(`${server.url}/own-serializer`)).text()).toBe('{"id":5}')
      // An error reply after leakguard wrote one keeps Fastify's own serializer and JSON type.
      const failed = await fetch(`${server.url}/fails-late`)
      expect(failed.status).toBe(500)
      expect(failed.headers.get('content-type')).toMatch(/json/)
      expect(await failed.text()).not.toContain(SECRET)
    } finally {
      await server.close()
    }
  })

  it("filters a payload every later onSend hook replaced, at the end of the route's own, and warns once per route", async () => {
    const events: LeakguardEvent[] = []
    const token = `ghp_${'Q7'.repeat(18)}`
    const added = (payload: unknown, extra: Record<string, unknown>) =>
      typeof payload === 'string' && payload.startsWith('{')
        ? JSON.stringify({ ...JSON.parse(payload), ...extra })
        : payload
    // A plugin registered after leakguard whose onRoute hooks add route-level onSend hooks, one
    // pushed onto the route's list (as @fastify/compress does), one assigned as a new list.
    const late = fp(async (app: FastifyInstance) => {
      app.addHook('onRoute', (route) => {
        const pushed = async (_request: unknown, _reply: unknown, payload: unknown) =>
          added(payload, { pushed: token })
        if (Array.isArray(route.onSend)) route.onSend.push(pushed)
        else route.onSend = route.onSend === undefined ? [pushed] : [route.onSend, pushed]
      })
      app.addHook('onRoute', (route) => {
        const assigned = async (_request: unknown, _reply: unknown, payload: unknown) =>
          added(payload, { assigned: `AKIA${'QWERTYUIOPASDFGH'}` })
        route.onSend = [...(route.onSend as unknown[]), assigned] as typeof route.onSend
      })
    })
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {}, audit: { onEvent: (event) => void events.push(event) } })
      await app.register(late)
      // An instance-level hook registered after leakguard's.
      app.addHook('onSend', async (_request, _reply, payload) =>
        added(payload, { instance: 'hunter2@example.com' }),
      )
      // A route-level hook, and an XSSI guard: JSON behind `)]}',` is read as text, not refused.
      app.get(
        '/users/:id',
        {
          onSend: async (_request, _reply, payload) =>
            added(payload, { route: { password: 'route-hunter2' } }),
        },
        async () => ({ id: 1 }),
      )
      app.get(
        '/guarded',
        { onSend: async (_request, _reply, payload) => `)]}',\n${payload as string}` },
        async () => ({ id: 2, note: 'mail ada@example.com' }),
      )
    })
    try {
      for (const id of [1, 2]) {
        const res = await fetch(`${url}/users/${id}`)
        expect(res.status).toBe(200)
        expect(await res.json()).toEqual({
          id: 1,
          instance: '[REDACTED:email]',
          route: { password: '[REDACTED]' },
          pushed: '[REDACTED:github-token]',
          assigned: '[REDACTED:aws-access-key]',
        })
      }
      const guarded = await fetch(`${url}/guarded`)
      expect(guarded.status).toBe(200)
      expect(await guarded.text()).toBe(
        `)]}',\n{"id":2,"note":"mail [REDACTED:email]","instance":"[REDACTED:email]"}`,
      )
    } finally {
      await close()
    }
    const warnings = events.filter(
      (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_LATE_PAYLOAD',
    )
    expect(warnings.map((event) => (event.type === 'config.warning' ? event.warning.message : ''))).toEqual([
      expect.stringContaining('the GET /users/:id response'),
      expect.stringContaining('the GET /guarded response'),
    ])
  })

  it('reads again what a preSerialization hook after leakguard made of the filtered value', async () => {
    const events: LeakguardEvent[] = []
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, {
        redact: {},
        routes: { 'GET /listed': { allow: ['$.id', '$.meta'] } },
        audit: { onEvent: (event) => void events.push(event) },
      })
      app.addHook('preSerialization', async (request, _reply, payload) =>
        request.url === '/plain'
          ? payload
          : { ...(payload as object), meta: { owner: 'ada@example.com', apiKey: SECRET } },
      )
      app.get('/users', async () => ({ id: 1, email: 'grace@example.com' }))
      app.get('/listed', async () => ({ id: 2, email: 'grace@example.com' }))
      app.get('/plain', async () => ({ id: 3, email: 'grace@example.com' }))
    })
    try {
      expect(await (await fetch(`${url}/users`)).json()).toEqual({
        id: 1,
        email: '[REDACTED:email]',
        meta: { owner: '[REDACTED:email]', apiKey: '[REDACTED]' },
      })
      // The route's allowlist names `meta`: its members are still redacted.
      expect(await (await fetch(`${url}/listed`)).json()).toEqual({
        id: 2,
        meta: { owner: '[REDACTED:email]', apiKey: '[REDACTED]' },
      })
      expect(await (await fetch(`${url}/plain`)).json()).toEqual({ id: 3, email: '[REDACTED:email]' })
    } finally {
      await close()
    }
    const late = events.filter(
      (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_LATE_PAYLOAD',
    )
    expect(late.map((event) => (event.type === 'config.warning' ? event.warning.message : ''))).toEqual([
      expect.stringMatching(/^a preSerialization hook .* the GET \/users response/),
      expect.stringMatching(/the GET \/listed response/),
    ])
  })

  it("vouches only for what it filtered: a hook after leakguard's, compression after it, a send from a hook, a lost hook list", async () => {
    const token = `ghp_${'K4'.repeat(18)}`
    const envelope = async (_request: unknown, _reply: unknown, payload: unknown) =>
      typeof payload === 'string' && payload.startsWith('{')
        ? JSON.stringify({ data: JSON.parse(payload), debug: token, pad: 'x'.repeat(2048) })
        : payload
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {} })
      // A plugin whose onRoute hook takes the route's onSend list over as a plain member.
      app.addHook('onRoute', (route) => {
        const own = route.onSend
        delete route.onSend
        route.onSend = own
      })
      await app.register(async (child) => {
        // An envelope, then @fastify/compress: what is compressed is what leakguard vouches for.
        child.addHook('onSend', envelope)
        await child.register(compress, { threshold: 0 })
        child.get('/compressed', async () => ({ id: 1 }))
      })
      await app.register(async (child) => {
        // A hook that sends anew: that payload is read as any other.
        child.addHook('onSend', (request, reply, payload, done) => {
          if ((request as { resent?: boolean }).resent) return done(null, payload)
          ;(request as { resent?: boolean }).resent = true
          reply.type('application/json').send(JSON.stringify({ resent: token }))
        })
        child.get('/resent', async () => ({ id: 2 }))
      })
      await app.register(async (child) => {
        child.addHook('onSend', envelope)
        child.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ missing: true }))
      })
    })
    try {
      const compressed = await fetch(`${url}/compressed`, { headers: { 'accept-encoding': 'gzip' } })
      expect(compressed.headers.get('content-encoding')).toBe('gzip')
      const text = await compressed.text()
      expect(text).not.toContain(token)
      expect(JSON.parse(text).debug).toBe('[REDACTED:github-token]')
      const resent = await fetch(`${url}/resent`)
      expect(await resent.json()).toEqual({ resent: '[REDACTED:github-token]' })
      const missing = await fetch(`${url}/nowhere`)
      expect(missing.status).toBe(404)
      expect(await missing.text()).not.toContain(token)
    } finally {
      await close()
    }
  })

  it('scans the head of a Web Response it does not read, and replaces a Set-Cookie it masked instead of adding one', async () => {
    const token = `ghp_${'H3'.repeat(18)}`
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: { headers: { setCookie: true } } })
      app.get(
        '/png',
        async () =>
          new Response(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), {
            headers: { 'content-type': 'image/png', 'x-debug-token': token },
          }),
      )
      app.get('/cookie', async (_request, reply) => {
        reply.header('set-cookie', `debug=${token}; Path=/`)
        return { ok: true }
      })
    })
    try {
      const png = await fetch(`${url}/png`)
      expect(png.headers.get('content-type')).toBe('image/png')
      expect(png.headers.get('x-debug-token')).not.toContain(token)
      expect(Buffer.from(await png.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))
      const cookie = await fetch(`${url}/cookie`)
      expect(cookie.headers.getSetCookie()).toEqual(['debug=[REDACTED:github-token]; Path=/'])
    } finally {
      await close()
    }
  })

  it("sends its generic 500 in place of Fastify's last-resort answer when a hook after it fails on every send", async () => {
    const key = `AKIA${'QWERTZUV23456723'}`
    const token = `ghp_${'L6'.repeat(18)}`
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {} })
      // A hook after leakguard's that fails on every payload, the error handlers' ones included:
      // Fastify's last resort would write its message and the reply's head past every hook.
      app.addHook('onSend', async (request) => {
        const error = new Error(`signing failed for key ${key}`) as Error & {
          statusCode?: number
          code?: string
        }
        error.code = `E_${key}`
        if (request.url === '/bad') error.statusCode = 400
        throw error
      })
      app.get('/fails', async (_request, reply) => {
        reply.header('x-debug', token)
        return { id: 1 }
      })
      app.get('/bad', async () => ({ id: 2 }))
    })
    try {
      for (const path of ['/fails', '/bad']) {
        const res = await fetch(`${url}${path}`)
        expect(res.status).toBe(500)
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(res.headers.get('x-debug')).toBeNull()
        expect(await res.text()).not.toContain(key)
      }
    } finally {
      await close()
    }
  })

  it('reads again what an onSend hook registered before leakguard changed in the serialized text, an XSSI prefix as text', async () => {
    const token = `ghp_${'B7'.repeat(18)}`
    const { url, close } = await serve(async (app) => {
      app.addHook('onSend', async (request, _reply, payload) => {
        if (typeof payload !== 'string') return payload
        if (request.url.startsWith('/xssi')) return `)]}',\n${payload}`
        return JSON.stringify({ data: JSON.parse(payload), debug: token })
      })
      await app.register(leakguard, { redact: {} })
      app.get('/object', async () => ({ id: 1 }))
      const schema = { response: { 200: { type: 'object', properties: { id: { type: 'integer' } } } } }
      app.get('/schema', { schema }, async () => ({ id: 2 }))
      app.get('/xssi', async (_request, reply) =>
        reply.type('application/json').send('{"id":3,"note":"mail ada@example.com"}'),
      )
    })
    try {
      expect(await (await fetch(`${url}/object`)).json()).toEqual({
        data: { id: 1 },
        debug: '[REDACTED:github-token]',
      })
      expect(await (await fetch(`${url}/schema`)).json()).toEqual({
        data: { id: 2 },
        debug: '[REDACTED:github-token]',
      })
      const xssi = await fetch(`${url}/xssi`)
      expect(xssi.status).toBe(200)
      expect(await xssi.text()).toBe(`)]}',\n{"id":3,"note":"mail [REDACTED:email]"}`)
    } finally {
      await close()
    }
  })

  it('still reads what later hooks send when a plugin registered first wraps every hook (OpenTelemetry), and says so once', async () => {
    const events: LeakguardEvent[] = []
    const token = `ghp_${'O8'.repeat(18)}`
    const { url, close } = await serve(async (app) => {
      // What an instrumentation registered first does: every hook added later is wrapped.
      const addHook = app.addHook.bind(app)
      app.addHook = ((name: string, hook: (...args: unknown[]) => unknown) =>
        addHook(
          name as 'onSend',
          function instrumented(this: unknown, ...args: unknown[]) {
            return hook.apply(this, args)
          } as never,
        )) as typeof app.addHook
      await app.register(leakguard, { redact: {}, audit: { onEvent: (event) => void events.push(event) } })
      app.addHook('onSend', async (_request, _reply, payload) =>
        typeof payload === 'string' ? JSON.stringify({ data: JSON.parse(payload), debug: token }) : payload,
      )
      app.get('/users', async () => ({ id: 1 }))
    })
    try {
      for (let i = 0; i < 2; i++)
        expect(await (await fetch(`${url}/users`)).json()).toEqual({
          data: { id: 1 },
          debug: '[REDACTED:github-token]',
        })
    } finally {
      await close()
    }
    const unchecked = events.filter(
      (event) => event.type === 'config.warning' && event.warning.code === 'LEAKGUARD_HOOKS_UNCHECKED',
    )
    expect(unchecked.length).toBeGreaterThan(0)
  })

  it('hands on the filtered copy when a hook after a replaced stream answers nothing', async () => {
    const token = `ghp_${'S9'.repeat(18)}`
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {} })
      app.addHook('onSend', async (_request, reply) => {
        reply.type('application/json')
        return Readable.from([Buffer.from(JSON.stringify({ replaced: token }))])
      })
      // A hook that only sets a header, answering nothing (Fastify keeps what it was given).
      app.addHook('onSend', async (_request, reply) => {
        reply.header('x-seen', 'yes')
      })
      app.get('/users', async () => ({ id: 1 }))
    })
    try {
      const res = await fetch(`${url}/users`)
      expect(res.headers.get('x-seen')).toBe('yes')
      expect(await res.json()).toEqual({ replaced: '[REDACTED:github-token]' })
    } finally {
      await close()
    }
  })

  it('starts with a second leakguard in a child scope', async () => {
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {} })
      await app.register(async (child) => {
        await child.register(leakguard, { routes: { 'GET /inner': { allow: ['$.id'] } } })
        child.get('/inner', async () => ({ id: 1, email: 'ada@example.com' }))
      })
    })
    try {
      expect(await (await fetch(`${url}/inner`)).json()).toEqual({ id: 1 })
    } finally {
      await close()
    }
  })

  it('leaves a payload compressed after leakguard as it is, with no warning', async () => {
    const events: LeakguardEvent[] = []
    const { url, close } = await serve(async (app) => {
      await app.register(leakguard, { redact: {}, audit: { onEvent: (event) => void events.push(event) } })
      await app.register(compress, { threshold: 0 })
      app.get('/users', async () => ({
        note: 'mail ada@example.com',
        rows: Array.from({ length: 50 }, (_, id) => ({ id })),
      }))
    })
    try {
      const res = await fetch(`${url}/users`, { headers: { 'accept-encoding': 'gzip' } })
      expect(res.headers.get('content-encoding')).toBe('gzip')
      expect(((await res.json()) as { note: string }).note).toBe('mail [REDACTED:email]')
    } finally {
      await close()
    }
    expect(events.filter((event) => event.type === 'config.warning')).toEqual([])
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
