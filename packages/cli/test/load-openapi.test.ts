import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { fromOpenAPI } from '@leakguard/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
      const page = served.get(request.url ?? '')
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
    await expectRefusal(loadOpenAPI(`${base}/local-ref.yaml`), /\$ref.*cannot be resolved/)
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
