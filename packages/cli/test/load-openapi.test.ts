import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { fromOpenAPI } from '@leakguard/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ScanError } from '../src/errors.js'
import { loadOpenAPI } from '../src/load-openapi.js'

const mainYaml = `openapi: 3.1.0
info: { title: split, version: '1' }
paths:
  /users/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: './schemas.yaml#/User' }
  /users:
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: './schemas.yaml#/User' }
      responses:
        '201': { description: created }
`
const schemasYaml = `User:
  type: object
  properties:
    id: { type: integer, readOnly: true }
    email: { type: ['string', 'null'] }
    friends: { type: array, items: { $ref: '#/User' } }
`
const jsonDoc = {
  openapi: '3.0.3',
  info: { title: 'json', version: '1' },
  paths: {
    '/health': {
      get: {
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
          },
        },
      },
    },
  },
  components: { schemas: { Health: { type: 'object', properties: { status: { type: 'string' } } } } },
}

let dir: string
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** Rejects with a ScanError of code ERR_LG_SCAN_OPENAPI whose message matches `message`. */
async function expectRefusal(loading: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await loading.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(ScanError)
  expect(error).toMatchObject({ code: 'ERR_LG_SCAN_OPENAPI', message: expect.stringMatching(message) })
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakguard-load-openapi-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('loadOpenAPI from files', () => {
  it('reads a JSON document and keeps its local $refs', async () => {
    const path = file('api.json', JSON.stringify(jsonDoc))
    const { doc, source } = await loadOpenAPI(path)
    expect(source).toBe(path)
    expect(doc).toEqual(jsonDoc)
    expect(fromOpenAPI(doc).routes['GET /health']?.allow).toEqual(['$.status'])
  })

  it('reads a YAML document and bundles the file its $ref names into local $refs', async () => {
    file('schemas.yaml', schemasYaml)
    const path = file('main.yaml', mainYaml)
    const { doc } = await loadOpenAPI(pathToFileURL(path).href)
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#)/)
    const { routes } = fromOpenAPI(doc)
    expect(routes['GET /users/:id']?.allow?.slice().sort()).toEqual(['$.email', '$.friends[*]', '$.id'])
    expect(routes['POST /users']?.accept?.slice().sort()).toEqual(['$.email', '$.friends[*]'])
  })

  it('refuses a Swagger 2.0 document and says how to convert it', async () => {
    const path = file('swagger.yaml', "swagger: '2.0'\ninfo: { title: old, version: '1' }\npaths: {}\n")
    await expectRefusal(loadOpenAPI(path), /Swagger 2\.0 document.*convert it/)
  })

  it('refuses a Swagger 2.0 document before resolving its references', async () => {
    const path = file(
      'swagger-ref.yaml',
      "swagger: '2.0'\ninfo: { title: old, version: '1' }\npaths: { /a: { $ref: './gone.yaml' } }\n",
    )
    await expectRefusal(loadOpenAPI(path), /Swagger 2\.0/)
  })

  it('refuses versions other than 3.0 and 3.1', async () => {
    const path = file('v4.json', JSON.stringify({ ...jsonDoc, openapi: '4.0.0' }))
    await expectRefusal(loadOpenAPI(path), /declares openapi: 4\.0\.0; leakguard reads OpenAPI 3\.0 and 3\.1/)
  })

  it('refuses what is not JSON or YAML', async () => {
    await expectRefusal(
      loadOpenAPI(file('broken.json', '{ "openapi": "3.0.0", paths: [')),
      /could not be parsed/,
    )
    await expectRefusal(
      loadOpenAPI(file('broken.yaml', 'openapi: [3.0.0\n  paths: {')),
      /could not be parsed/,
    )
  })

  it('refuses a document without an openapi version', async () => {
    await expectRefusal(loadOpenAPI(file('other.json', '{ "hello": "world" }')), /not an OpenAPI/)
  })

  it('refuses a missing file, naming the path', async () => {
    const path = join(dir, 'nowhere.yaml')
    await expectRefusal(loadOpenAPI(path), new RegExp(`not found: ${path.replaceAll('.', '\\.')}`))
  })

  it('refuses a directory', async () => {
    await expectRefusal(loadOpenAPI(dir), /is not a file/)
  })

  it('refuses a $ref to a missing file, naming it', async () => {
    const path = file('dangling.yaml', mainYaml.replaceAll('./schemas.yaml', './gone.yaml'))
    await expectRefusal(loadOpenAPI(path), /\$ref.*cannot be resolved.*gone\.yaml/s)
  })

  it('refuses a $ref to a member the other file lacks', async () => {
    const path = file('pointer.yaml', mainYaml.replaceAll('#/User', '#/Nobody'))
    await expectRefusal(loadOpenAPI(path), /\$ref.*cannot be resolved/)
  })
})

describe('loadOpenAPI over http (loopback)', () => {
  let server: Server
  let base: string
  const served = new Map<string, { type: string; body: string }>([
    ['/openapi.yaml', { type: 'application/yaml', body: mainYaml }],
    ['/schemas.yaml', { type: 'application/yaml', body: schemasYaml }],
    ['/openapi.json', { type: 'application/json', body: JSON.stringify(jsonDoc) }],
    [
      '/local-ref.yaml',
      { type: 'application/yaml', body: mainYaml.replaceAll('./schemas.yaml', 'file:///etc/hosts') },
    ],
    ['/swagger.json', { type: 'application/json', body: '{"swagger":"2.0","info":{},"paths":{}}' }],
    ['/docs', { type: 'text/html', body: '<!doctype html><html><body>Swagger UI</body></html>' }],
  ])

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/slow') return // never answers: the caller's signal must end the wait
      const page = served.get(new URL(request.url ?? '/', 'http://x').pathname)
      if (page === undefined) {
        response.writeHead(404).end('not found')
        return
      }
      response.writeHead(200, { 'content-type': page.type }).end(page.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('downloads a JSON document', async () => {
    const { doc, source } = await loadOpenAPI(`${base}/openapi.json`)
    expect(source).toBe(`${base}/openapi.json`)
    expect(doc).toEqual(jsonDoc)
  })

  it('downloads a YAML document and bundles the URL its $ref names', async () => {
    const { doc } = await loadOpenAPI(`${base}/openapi.yaml`)
    expect(JSON.stringify(doc)).not.toMatch(/"\$ref":"(?!#)/)
    expect(fromOpenAPI(doc).routes['GET /users/:id']?.allow).toContain('$.email')
  })

  it('refuses a URL that answers 404', async () => {
    await expectRefusal(loadOpenAPI(`${base}/missing.json`), /could not be read \(HTTP 404 Not Found\)/)
  })

  it('refuses a URL where nothing listens, saying why', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    await expectRefusal(
      loadOpenAPI(`http://127.0.0.1:${port}/openapi.json`),
      /could not be read \(.*ECONNREFUSED/,
    )
  })

  it('refuses a $ref to a URL that answers 404', async () => {
    served.set('/dangling.yaml', {
      type: 'application/yaml',
      body: mainYaml.replaceAll('./schemas.yaml', './gone.yaml'),
    })
    await expectRefusal(
      loadOpenAPI(`${base}/dangling.yaml`),
      /a \$ref in .* cannot be resolved \(http:\/\/127\.0\.0\.1:\d+\/gone\.yaml: HTTP 404/,
    )
  })

  it('refuses a page that is not a document, and a Swagger 2.0 one', async () => {
    await expectRefusal(loadOpenAPI(`${base}/docs`), /not an OpenAPI document.*not a documentation page/)
    await expectRefusal(loadOpenAPI(`${base}/swagger.json`), /Swagger 2\.0/)
  })

  it('does not let a downloaded document read local files', async () => {
    await expectRefusal(
      loadOpenAPI(`${base}/local-ref.yaml`),
      /local-ref\.yaml was downloaded, and its \$ref "file:\/\/\/etc\/hosts#\/User" is not an http\(s\) URL/,
    )
  })

  it('refuses credentials in the URL', async () => {
    await expectRefusal(loadOpenAPI(`http://user:secret@127.0.0.1:1/openapi.json`), /holds credentials/)
  })

  it('stops when the signal aborts', async () => {
    const controller = new AbortController()
    const loading = loadOpenAPI(`${base}/slow`, { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stopped by the test')), 50)
    await expect(loading).rejects.toThrow('stopped by the test')
  })
})

const MiB = 1024 * 1024

/** A loopback server that records the paths it was asked for. */
async function listen(
  handler: RequestListener,
): Promise<{ base: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = []
  const server = createServer((request, response) => {
    paths.push(request.url ?? '')
    handler(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** An OpenAPI document whose one operation takes a parameter with `example`. */
const docWithExample = (example: unknown, openapi = '3.0.3') =>
  JSON.stringify({
    openapi,
    info: { title: 'refs', version: '1' },
    paths: {
      '/items': {
        get: {
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string' }, example }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  })

const json =
  (body: string): RequestListener =>
  (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
  }

describe('loadOpenAPI keeps documents read over http away from local files', () => {
  it('refuses a file: $ref in a part that a local document downloads, without reading the file', async () => {
    const secret = file('secret.txt', 'LOCAL-FILE-CONTENT-42\n')
    const remote = await listen(json(JSON.stringify({ value: { $ref: pathToFileURL(secret).href } })))
    try {
      const path = file('local-remote.json', docWithExample({ $ref: `${remote.base}/part.json#/value` }))
      const error = await loadOpenAPI(path).catch((reason: unknown) => reason)
      await expectRefusal(
        Promise.reject(error),
        /part\.json was downloaded, and its \$ref "file:\/\/\/.*secret\.txt" is not an http\(s\) URL/,
      )
      expect(String(error)).not.toContain('LOCAL-FILE-CONTENT-42')
    } finally {
      await remote.close()
    }
  })

  it('refuses a $id that would make the $refs of a downloaded document resolve against a local folder', async () => {
    file('secret.json', '{ "token": "LOCAL-FILE-CONTENT-42" }')
    const base = pathToFileURL(`${dir}/`).href
    const remote = await listen(json(docWithExample({ $id: base, $ref: 'secret.json#/token' }, '3.1.0')))
    try {
      await expectRefusal(
        loadOpenAPI(`${remote.base}/openapi.json`),
        /its \$id "file:\/\/\/.*" is not an http\(s\) URL/,
      )
    } finally {
      await remote.close()
    }
  })

  it('resolves a relative $ref in a downloaded part against the URL of that part', async () => {
    const remote = await listen((request, response) => {
      const parts: Record<string, unknown> = {
        '/nested/part.json': { value: { $ref: './more.json#/value' } },
        '/nested/more.json': { value: 'from-more' },
      }
      const part = parts[request.url ?? '']
      if (part === undefined) response.writeHead(404).end()
      else json(JSON.stringify(part))(request, response)
    })
    try {
      const path = file(
        'local-relative.json',
        docWithExample({ $ref: `${remote.base}/nested/part.json#/value` }),
      )
      const { doc } = await loadOpenAPI(path)
      expect(JSON.stringify(doc)).toContain('from-more')
      expect(remote.paths).toEqual(['/nested/part.json', '/nested/more.json'])
    } finally {
      await remote.close()
    }
  })
})

describe('loadOpenAPI downloads $refs only from allowed hosts', () => {
  it('follows the $refs of a downloaded document only to its own origin', async () => {
    const internal = await listen(json('{"SecretAccessKey":"wJalrXUtnFEMI"}'))
    const remote = await listen(
      json(docWithExample({ $ref: `${internal.base}/latest/meta-data#/SecretAccessKey` })),
    )
    try {
      await expectRefusal(
        loadOpenAPI(`${remote.base}/openapi.json`),
        new RegExp(`${internal.base}/latest/meta-data, named by a \\$ref in .* is not on ${remote.base}`),
      )
      expect(internal.paths).toEqual([])
    } finally {
      await Promise.all([internal.close(), remote.close()])
    }
  })

  it('lets the $refs of a local document download only from loopback hosts', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/iam', 'https://10.0.0.1/schemas.json']) {
      const path = file('local-internal.json', docWithExample({ $ref: `${url}#/x` }))
      const host = new URL(url).hostname.replaceAll('.', '\\.')
      await expectRefusal(loadOpenAPI(path), new RegExp(`${host}.* is not on a loopback host: allow ${host}`))
    }
  })

  it('lets the $refs of a local document download from a host in allowHosts', async () => {
    const remote = await listen(json('{ "value": "allowed" }'))
    try {
      // 0.0.0.0 reaches this machine's listeners, but is not a loopback name.
      const path = file(
        'local-allowed.json',
        docWithExample({ $ref: `${remote.base.replace('127.0.0.1', '0.0.0.0')}/part.json#/value` }),
      )
      await expectRefusal(loadOpenAPI(path), /0\.0\.0\.0.* is not on a loopback host/)
      expect(remote.paths).toEqual([])
      const { doc } = await loadOpenAPI(path, { allowHosts: ['0.0.0.0'] })
      expect(JSON.stringify(doc)).toContain('allowed')
    } finally {
      await remote.close()
    }
  })

  it('refuses allowHosts that is not a list of host names', async () => {
    await expect(
      loadOpenAPI(join(dir, 'nowhere.json'), { allowHosts: 'example.com' as unknown as string[] }),
    ).rejects.toMatchObject({
      code: 'ERR_LG_SCAN_USAGE',
      message: expect.stringMatching(/allowHosts must be an array/),
    })
  })

  it('does not follow redirects, of the document or of its $refs', async () => {
    const internal = await listen(json('{ "value": "internal" }'))
    const remote = await listen((request, response) => {
      if (request.url === '/moved.json')
        response.writeHead(302, { location: '/openapi.json?token=SECRET9' }).end()
      else if (request.url === '/part.json') response.writeHead(307, { location: `${internal.base}/x` }).end()
      else json(docWithExample({ $ref: './part.json#/value' }))(request, response)
    })
    try {
      await expectRefusal(
        loadOpenAPI(`${remote.base}/moved.json`),
        new RegExp(
          `could not be read \\(HTTP 302, a redirect to "${remote.base}/openapi\\.json": leakguard does not follow`,
        ),
      )
      await expectRefusal(loadOpenAPI(`${remote.base}/openapi.json`), /part\.json: HTTP 307, a redirect to/)
      expect(internal.paths).toEqual([])
    } finally {
      await Promise.all([internal.close(), remote.close()])
    }
  })

  it('stops after 100 downloads', async () => {
    const parameters = Array.from({ length: 120 }, (_, index) => ({ $ref: `./parts/${index}.json` }))
    const doc = JSON.parse(docWithExample('x'))
    doc.paths['/items'].get.parameters = parameters
    const remote = await listen((request, response) => {
      if (request.url === '/openapi.json') json(JSON.stringify(doc))(request, response)
      else
        json(JSON.stringify({ name: request.url, in: 'query', schema: { type: 'string' } }))(
          request,
          response,
        )
    })
    try {
      await expectRefusal(
        loadOpenAPI(`${remote.base}/openapi.json`),
        /refers to more than 100 documents to download/,
      )
      expect(remote.paths.length).toBeLessThanOrEqual(100)
    } finally {
      await remote.close()
    }
  })
})

describe('loadOpenAPI bounds what it reads', () => {
  const head = '{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}'

  it('stops reading a download past 10 MiB once decompressed, or one that never ends', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from(head), Buffer.alloc((700 * MiB) / 64, 0x20)]), {
      level: 9,
    })
    const remote = await listen((request, response) => {
      if (request.url === '/bomb.json') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb)
        return
      }
      response.writeHead(200, { 'content-type': 'application/json' }).write(head)
      const chunk = Buffer.alloc(MiB, 0x20)
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
      }
      response.on('drain', pump)
      pump()
    })
    try {
      expect(bomb.length).toBeLessThan(MiB)
      for (const path of ['/bomb.json', '/endless.json'])
        await expectRefusal(
          loadOpenAPI(`${remote.base}${path}`),
          new RegExp(`${path.replace('.', '\\.')} is larger than 10 MiB \\(decompressed\\)`),
        )
    } finally {
      await remote.close()
    }
  })

  it('stops when the downloads of one load pass 50 MiB together', async () => {
    const big = `${' '.repeat(9 * MiB)}{ "value": "big" }`
    const remote = await listen(json(big))
    try {
      const doc = JSON.parse(docWithExample('x'))
      doc.paths['/items'].get.parameters = Array.from({ length: 8 }, (_, index) => ({
        name: `p${index}`,
        in: 'query',
        schema: { type: 'string' },
        example: { $ref: `${remote.base}/big/${index}.json#/value` },
      }))
      await expectRefusal(
        loadOpenAPI(file('many-big.json', JSON.stringify(doc))),
        /larger than 50 MiB together/,
      )
    } finally {
      await remote.close()
    }
  })

  it('gives up after 30 s in all, even while a body is still arriving', async () => {
    const remote = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).write(head.slice(0, 10))
      const drip = setInterval(() => response.write(' '), 10)
      response.on('close', () => clearInterval(drip))
    })
    const deadline = new AbortController()
    const timeout = vi.spyOn(AbortSignal, 'timeout').mockReturnValue(deadline.signal)
    try {
      const loading = loadOpenAPI(`${remote.base}/openapi.json`)
      setTimeout(() => deadline.abort(new DOMException('timed out', 'TimeoutError')), 100)
      await expectRefusal(loading, /could not be read within 30 s/)
      expect(timeout).toHaveBeenCalledWith(30_000)
    } finally {
      timeout.mockRestore()
      await remote.close()
    }
  })

  it('refuses local files over 50 MiB before reading them, and $refs to what is not a file', async () => {
    const huge = file('huge.json', '')
    truncateSync(huge, 51 * MiB) // sparse: takes no room on disk
    await expectRefusal(loadOpenAPI(huge), /huge\.json is 51\.0 MiB, over the 50 MiB/)
    await expectRefusal(
      loadOpenAPI(file('refs-huge.json', docWithExample({ $ref: './huge.json' }))),
      /huge\.json is 51\.0 MiB, over the 50 MiB/,
    )
    mkdirSync(join(dir, 'folder.json'), { recursive: true })
    await expectRefusal(
      loadOpenAPI(file('refs-folder.json', docWithExample({ $ref: './folder.json' }))),
      /\$ref.*cannot be resolved.*folder\.json is not a file/,
    )
  })
})

describe('loadOpenAPI refuses documents built to exhaust the parser', () => {
  /** A YAML document whose `x-z` expands to 9^levels strings through aliases of aliases. */
  const laughs = (levels: number) => {
    let yaml = `openapi: 3.0.3\ninfo: {title: x, version: '1'}\nx-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`
    for (let level = 1; level < levels; level++)
      yaml += `x-l${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(', ')}]\n`
    return `${yaml}paths:\n  /a:\n    get:\n      x-z: *l${levels - 1}\n      responses: {200: {description: ok}}\n`
  }

  it('refuses a YAML alias bomb at once', async () => {
    const started = performance.now()
    await expectRefusal(
      loadOpenAPI(file('laughs.yaml', laughs(10))),
      /laughs\.yaml expands YAML aliases \(\*name\) more than 100 times/,
    )
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it('still reads YAML that reuses a few anchors', async () => {
    const yaml = `openapi: 3.0.3
info: {title: anchors, version: '1'}
x-error: &error {description: failed, content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}}
paths:
  /a: {get: {responses: {'200': {description: ok}, '500': *error}}}
  /b: {get: {responses: {'200': {description: ok}, '500': *error}}}
`
    const { doc } = await loadOpenAPI(file('anchors.yaml', yaml))
    expect(fromOpenAPI(doc).routes['GET /b']).toBeDefined()
  })

  it('refuses a schema nested 2,000 levels deep with a clear message', async () => {
    let schema: Record<string, unknown> = { type: 'string' }
    for (let level = 0; level < 2_000; level++) schema = { type: 'object', properties: { a: schema } }
    const doc = JSON.parse(docWithExample('x'))
    doc.components = { schemas: { Deep: schema } }
    await expectRefusal(
      loadOpenAPI(file('deep.json', JSON.stringify(doc))),
      /deep\.json is nested more than 500 levels deep/,
    )
    const yaml = `openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\nx-deep: ${'['.repeat(2_000)}${']'.repeat(2_000)}\n`
    await expectRefusal(
      loadOpenAPI(file('deep.yaml', yaml)),
      /deep\.yaml is nested (?:more than 500 levels|too deeply)/,
    )
  })
})

describe('loadOpenAPI names a downloaded document without its query', () => {
  it('returns the URL without query and fragment as source, and keeps the query out of messages', async () => {
    const remote = await listen((request, response) => {
      if (request.url?.startsWith('/openapi.json?')) json(JSON.stringify(jsonDoc))(request, response)
      else response.writeHead(404).end()
    })
    try {
      const { source } = await loadOpenAPI(`${remote.base}/openapi.json?access_token=DOCSECRET123#top`)
      expect(source).toBe(`${remote.base}/openapi.json`)
      const error = await loadOpenAPI(`${remote.base}/missing.json?access_token=DOCSECRET123`).catch(
        (reason: unknown) => reason,
      )
      await expectRefusal(
        Promise.reject(error),
        new RegExp(`${remote.base}/missing\\.json could not be read \\(HTTP 404`),
      )
      expect(String(error)).not.toContain('DOCSECRET123')
    } finally {
      await remote.close()
    }
  })
})
