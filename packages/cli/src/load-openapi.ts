import { stat } from 'node:fs/promises'
import { resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import SwaggerParser from '@apidevtools/swagger-parser'
import { ScanError } from './errors.js'

/** Options of {@link loadOpenAPI}. */
export interface LoadOpenAPIOptions {
  /** Stops the download of the document and of what it refers to. */
  signal?: AbortSignal
}

/** A document {@link loadOpenAPI} read, with every external `$ref` made local. */
export interface LoadedOpenAPI {
  /** The bundled document: parsed JSON or YAML, `$ref`s only to `#/...`, as `fromOpenAPI` reads it. */
  readonly doc: Record<string, unknown>
  /** The absolute path or the URL it was read from. */
  readonly source: string
}

const CODE = 'ERR_LG_SCAN_OPENAPI'
const HTTP_TIMEOUT_MS = 30_000
const SUPPORTED_VERSION = /^3\.[01]\.\d+/
const HTTP_URL = /^https?:\/\//i

/**
 * Reads an OpenAPI 3.0/3.1 document from a file path or an http(s) URL, JSON or YAML, and bundles
 * the files and URLs its `$ref`s point to into the document. Nothing is validated beyond the
 * version: real documents carry small schema errors that do not stop a scan.
 * @throws ScanError (`ERR_LG_SCAN_OPENAPI`) when the document is missing, cannot be parsed, is not
 * OpenAPI 3.0/3.1, or has a `$ref` that cannot be resolved
 */
export async function loadOpenAPI(source: string, options: LoadOpenAPIOptions = {}): Promise<LoadedOpenAPI> {
  const { signal } = options
  signal?.throwIfAborted()
  const location = await locate(source)
  const remote = HTTP_URL.test(location)
  // The library replaces a resolver's error with a generic one: why each download failed, by URL.
  const failures = new Map<string, string>()
  const parserOptions: SwaggerParser.Options = {
    resolve: {
      external: true,
      // A downloaded document must not read this machine's files through `$ref: file:///...`.
      ...(remote ? { file: false } : {}),
      http: {
        order: 200,
        canRead: HTTP_URL,
        // The library's own resolver refuses loopback and private hosts, where APIs under scan live.
        read: (file: SwaggerParser.FileInfo) => download(file.url, signal, failures),
      },
    },
  }
  const parser = new SwaggerParser()
  try {
    // Parsed first, so that a Swagger 2.0 document is refused before its references are fetched.
    const parsed = await untilAborted(parser.parse(location, parserOptions), signal)
    checkVersion(parsed, location)
    const bundled = await untilAborted(parser.bundle(location, parsed, parserOptions), signal)
    return { doc: bundled as unknown as Record<string, unknown>, source: location }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    if (error instanceof ScanError) throw error
    throw explain(error, location, failures)
  }
}

/** The absolute path or URL of `source`, and a clear error when it names no file. */
async function locate(source: string): Promise<string> {
  if (HTTP_URL.test(source)) {
    let url: URL
    try {
      url = new URL(source)
    } catch (cause) {
      throw new ScanError(CODE, `the OpenAPI URL ${JSON.stringify(source)} is not a valid URL`, { cause })
    }
    if (url.username !== '' || url.password !== '')
      throw new ScanError(
        CODE,
        'the OpenAPI URL holds credentials: download the document and pass its file path instead (the URL would be printed in the report)',
      )
    return url.href
  }
  let path: string
  try {
    path = source.startsWith('file:') ? fileURLToPath(source) : resolvePath(source)
  } catch (cause) {
    throw new ScanError(CODE, `the OpenAPI location ${JSON.stringify(source)} is not a valid file URL`, {
      cause,
    })
  }
  const info = await stat(path).catch(() => undefined)
  if (info === undefined)
    throw new ScanError(
      CODE,
      `OpenAPI document not found: ${path}. Check the path, or pass the URL the API serves it at (e.g. http://127.0.0.1:3000/openapi.json)`,
    )
  if (!info.isFile())
    throw new ScanError(
      CODE,
      `${path} is not a file: pass the OpenAPI document itself (openapi.json or openapi.yaml)`,
    )
  return path
}

function checkVersion(doc: unknown, location: string): void {
  const record =
    typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {}
  if (record.swagger !== undefined)
    throw new ScanError(
      CODE,
      `${location} is a Swagger ${String(record.swagger)} document; leakguard reads OpenAPI 3.0 and 3.1: convert it first (for example \`npx swagger2openapi ${location} -o openapi.json\`, or "Convert to OpenAPI 3" in editor.swagger.io)`,
    )
  if (record.openapi === undefined) throw new ScanError(CODE, notOpenAPI(location))
  if (typeof record.openapi !== 'string' || !SUPPORTED_VERSION.test(record.openapi))
    throw new ScanError(CODE, unsupportedVersion(location, JSON.stringify(record.openapi)))
}

const notOpenAPI = (location: string) =>
  `${location} is not an OpenAPI document (no \`openapi: 3.x.y\` at its top): pass the JSON or YAML document itself, not a documentation page`

const unsupportedVersion = (location: string, version: string) =>
  `${location} declares openapi: ${version}; leakguard reads OpenAPI 3.0 and 3.1 (a string such as '3.1.0')`

/** The library's error as a ScanError that says which file failed and what to do. */
function explain(error: unknown, location: string, failures: ReadonlyMap<string, string>): ScanError {
  const { code, source, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    source?: unknown
    message?: unknown
  }
  const file = typeof source === 'string' && source !== '' ? source.split('#')[0]! : undefined
  const detail =
    (file !== undefined ? failures.get(file) : undefined) ??
    (typeof message === 'string' ? message.split('\n')[0]!.trim() : String(error))
  const isRoot = file === undefined || file === location
  const remote = HTTP_URL.test(location)
  const unresolved = (why: string) =>
    new ScanError(
      CODE,
      `a $ref in ${location} cannot be resolved (${file !== undefined && !why.includes(file) ? `${file}: ` : ''}${why}): check that the file or URL it names exists relative to the document, or inline the schema${remote ? '; a downloaded document may refer to URLs only, not to local files' : ''}`,
      { cause: error },
    )
  if (code === 'EPARSER' || code === 'EUNMATCHEDPARSER')
    return new ScanError(
      CODE,
      isRoot
        ? `${location} could not be parsed as JSON or YAML (${detail}): fix the syntax, or check that the path or URL serves the document itself`
        : `${file}, named by a $ref in ${location}, could not be parsed as JSON or YAML (${detail})`,
      { cause: error },
    )
  if (code === 'ERESOLVER' && isRoot)
    return new ScanError(
      CODE,
      `${location} could not be read (${detail})${remote ? ': check the URL, and that the API serves its document there' : ''}`,
      { cause: error },
    )
  if (
    code === 'ERESOLVER' ||
    code === 'EUNMATCHEDRESOLVER' ||
    code === 'EMISSINGPOINTER' ||
    code === 'EINVALIDPOINTER'
  )
    return unresolved(detail)
  if (error instanceof SyntaxError) {
    if (/Unable to resolve \$ref/.test(detail)) return unresolved(detail)
    const version = /Unsupported OpenAPI version: (\S+?)\.?(?:\s|$)/.exec(detail)
    if (version !== null)
      return new ScanError(CODE, unsupportedVersion(location, version[1]!), { cause: error })
    if (/is not a valid (?:Openapi API definition|JSON Schema)/.test(detail))
      return new ScanError(CODE, notOpenAPI(location), { cause: error })
    return new ScanError(CODE, `${location} is not a usable OpenAPI 3.0 or 3.1 document: ${detail}`, {
      cause: error,
    })
  }
  return new ScanError(CODE, `${location} could not be loaded: ${detail}`, { cause: error })
}

/** The body at `url`; why it failed is kept in `failures` (the library replaces the error). */
async function download(
  url: string,
  signal: AbortSignal | undefined,
  failures: Map<string, string>,
): Promise<Buffer> {
  const timeout = AbortSignal.timeout(HTTP_TIMEOUT_MS)
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5' },
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    })
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim())
    }
    return Buffer.from(await response.arrayBuffer())
  } catch (error) {
    // fetch reports a refused connection as "fetch failed", with the reason in `cause`.
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error
    failures.set(
      url,
      timeout.aborted
        ? `no answer within ${HTTP_TIMEOUT_MS / 1000} s`
        : reason instanceof Error
          ? reason.message
          : String(reason),
    )
    throw error
  }
}

/** `work`, or the signal's reason as soon as it aborts (file reads cannot be stopped midway). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
