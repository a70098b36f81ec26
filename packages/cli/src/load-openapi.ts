import { readFile, stat } from 'node:fs/promises'
import { resolve as resolvePath } from 'node:path'
import { fileURLToPath } from 'node:url'
import SwaggerParser from '@apidevtools/swagger-parser'
import { parse as parseYaml } from 'yaml'
import { ScanError } from './errors.js'
import { isLoopback, matchesAllowedHost } from './targets.js'

/** Options of {@link loadOpenAPI}. */
export interface LoadOpenAPIOptions {
  /** Stops the download of the document and of what it refers to. */
  signal?: AbortSignal
  /**
   * Hosts besides loopback that the `$ref`s of a local document may download from, matched like
   * `--allow-host` entries (`api.example.com`, `*.example.com`). The `$ref`s of a downloaded document
   * are followed only to that document's own origin, whatever this says.
   * @default []
   */
  allowHosts?: readonly string[]
}

/** A document {@link loadOpenAPI} read, with every external `$ref` made local. */
export interface LoadedOpenAPI {
  /** The bundled document: parsed JSON or YAML, `$ref`s only to `#/...`, as `fromOpenAPI` reads it. */
  readonly doc: Record<string, unknown>
  /** The absolute path, or the URL without its query and fragment, that it was read from: safe to print. */
  readonly source: string
}

const CODE = 'ERR_LG_SCAN_OPENAPI'
const LOAD_TIMEOUT_MS = 30_000
const MAX_DOWNLOADS = 100
const MiB = 1024 * 1024
const MAX_DOWNLOAD_BYTES = 10 * MiB
const MAX_DOWNLOADED_BYTES = 50 * MiB
const MAX_FILE_BYTES = 50 * MiB
const MAX_YAML_ALIASES = 100
// Far deeper than real documents, well short of the library's recursion limit.
const MAX_DEPTH = 500
const SUPPORTED_VERSION = /^3\.[01]\.\d+/
const HTTP_URL = /^https?:\/\//i
// A scheme, as the library reads one (two letters or more, so that `C:\` stays a path).
const URL_SCHEME = /^(\w{2,}):/i
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/** What one {@link loadOpenAPI} call has read so far, and the limits it reads under. */
interface Load {
  /** The absolute path or full URL given, query included: what is read. */
  readonly location: string
  /** {@link location} without query, fragment and credentials: what is printed. */
  readonly name: string
  /** The origin of a downloaded root document, the only one its `$ref`s may download from. */
  readonly origin: string | undefined
  readonly allowHosts: readonly string[]
  /** The caller's signal, the overall deadline, and the end of the load. */
  readonly signal: AbortSignal
  downloads: number
  downloadedBytes: number
  /** The library replaces a resolver's error with a generic one: why each download failed, by URL. */
  readonly failures: Map<string, string>
  /** The first policy or limit this load broke: it fails the load whatever the library does next. */
  refusal: ScanError | undefined
}

/**
 * Reads an OpenAPI 3.0/3.1 document from a file path or an http(s) URL, JSON or YAML, and bundles
 * the files and URLs its `$ref`s point to into the document. Nothing is validated beyond the
 * version: real documents carry small schema errors that do not stop a scan.
 *
 * What it reads is bounded: the `$ref`s of a downloaded document download only from its origin
 * and never read local files; those of a local document download only from loopback hosts and
 * `allowHosts`; redirects are not followed; at most 100 downloads of 10 MiB each (decompressed) and
 * 50 MiB in all, local files up to 50 MiB, YAML aliases expanded 100 times, and 30 s in all.
 * @throws ScanError (`ERR_LG_SCAN_OPENAPI`) when the document is missing, cannot be parsed, is not
 * OpenAPI 3.0/3.1, has a `$ref` that cannot be resolved, or breaks one of those bounds
 */
export async function loadOpenAPI(source: string, options: LoadOpenAPIOptions = {}): Promise<LoadedOpenAPI> {
  const { signal } = options
  const allowHosts = checkAllowHosts(options.allowHosts)
  signal?.throwIfAborted()
  const location = await locate(source)
  const remote = HTTP_URL.test(location)
  const deadline = AbortSignal.timeout(LOAD_TIMEOUT_MS)
  // Ends the downloads still running when one part has failed and the load has given up.
  const finished = new AbortController()
  const load: Load = {
    location,
    name: remote ? printable(location) : location,
    origin: remote ? new URL(location).origin : undefined,
    allowHosts,
    signal: AbortSignal.any([...(signal === undefined ? [] : [signal]), deadline, finished.signal]),
    downloads: 0,
    downloadedBytes: 0,
    failures: new Map(),
    refusal: undefined,
  }
  const parserOptions: SwaggerParser.Options = {
    resolve: {
      external: true,
      file: { read: (file: SwaggerParser.FileInfo) => readLocalFile(load, file) },
      http: {
        order: 200,
        canRead: HTTP_URL,
        // The library's own resolver refuses loopback and private hosts, where APIs under scan live.
        read: (file: SwaggerParser.FileInfo) => download(load, file),
      },
    },
    parse: {
      json: { parse: (file: SwaggerParser.FileInfo) => parseDocument(load, file, 'json') },
      yaml: { parse: (file: SwaggerParser.FileInfo) => parseDocument(load, file, 'yaml') },
    },
  }
  const parser = new SwaggerParser()
  try {
    // Parsed first, so that a Swagger 2.0 document is refused before its references are fetched.
    const parsed = await untilAborted(parser.parse(location, parserOptions), load.signal)
    if (load.refusal !== undefined) throw load.refusal
    checkVersion(parsed, load.name)
    const bundled = await untilAborted(parser.bundle(location, parsed, parserOptions), load.signal)
    // A refused part may still have been read by the text parser, which never fails.
    if (load.refusal !== undefined) throw load.refusal
    return { doc: bundled as unknown as Record<string, unknown>, source: load.name }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    if (load.refusal !== undefined) throw load.refusal
    if (deadline.aborted)
      throw new ScanError(
        CODE,
        `${load.name} and the documents it refers to could not be read within ${LOAD_TIMEOUT_MS / 1000} s: check that the server answers, or download them and pass the local file`,
        { cause: error },
      )
    if (error instanceof ScanError) throw error
    throw explain(error, load)
  } finally {
    finished.abort()
  }
}

function checkAllowHosts(allowHosts: unknown): readonly string[] {
  if (allowHosts === undefined) return []
  if (!Array.isArray(allowHosts) || allowHosts.some((entry) => typeof entry !== 'string' || entry === ''))
    throw new ScanError(
      'ERR_LG_SCAN_USAGE',
      `loadOpenAPI: allowHosts must be an array of host names such as 'api.example.com' or '*.example.com', got ${escapeUnprintable(String(JSON.stringify(allowHosts) ?? allowHosts))}`,
    )
  return allowHosts
}

/** The absolute path or URL of `source`, and a clear error when it names no file. */
async function locate(source: string): Promise<string> {
  if (HTTP_URL.test(source)) {
    let url: URL
    try {
      url = new URL(source)
    } catch (cause) {
      throw new ScanError(CODE, `the OpenAPI URL ${quote(source)} is not a valid URL`, { cause })
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
    throw new ScanError(CODE, `the OpenAPI location ${quote(source)} is not a valid file URL`, { cause })
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
  if (info.size > MAX_FILE_BYTES) throw new ScanError(CODE, tooLargeFile(path, info.size))
  return path
}

const tooLargeFile = (path: string, size: number) =>
  `${path} is ${(size / MiB).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / MiB} MiB leakguard reads from one file: pass the OpenAPI document itself`

/**
 * A URL, or a path as the library spells it (`#` encoded), as it may be printed: no credentials,
 * query or fragment (they may hold tokens).
 */
function printable(location: string): string {
  if (!HTTP_URL.test(location)) return location.split('#')[0]!
  try {
    const url = new URL(location)
    url.username = ''
    url.password = ''
    url.search = ''
    url.hash = ''
    return url.href
  } catch {
    return location.replace(/[?#].*$/s, '')
  }
}

/** `text` with its control and bidi characters escaped: it may come from a downloaded document. */
const escapeUnprintable = (text: string) =>
  text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** `text` quoted for a message, escaped, at most 200 characters. */
const quote = (text: string) =>
  escapeUnprintable(JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text))

/** Records the first refusal of this load, and throws it. */
function refuse(load: Load, message: string): never {
  const refusal = new ScanError(CODE, message)
  load.refusal ??= refusal
  throw refusal
}

/** Whether `base` (the document a `$ref` is resolved against) is a local path, not a URL. */
const isLocalBase = (base: string) => {
  const scheme = URL_SCHEME.exec(base)?.[1]
  return scheme === undefined || scheme.toLowerCase() === 'file'
}

/** The contents of a local file a `$ref` names, when a local document names it. */
async function readLocalFile(load: Load, file: SwaggerParser.FileInfo): Promise<Buffer> {
  // `file.baseUrl` is undefined for the root document only.
  if (file.baseUrl !== undefined && !isLocalBase(file.baseUrl))
    refuse(
      load,
      `a $ref in ${printable(file.baseUrl)} names the local file ${quote(file.reference ?? file.url)}: a document read over http(s) may refer only to http(s) URLs`,
    )
  load.signal.throwIfAborted()
  // The library hands paths and file URLs percent-encoded; `C:/...` is a Windows path.
  const path = fileURLToPath(
    /^[a-z]:[\\/]/i.test(file.url) ? `file:///${file.url}` : new URL(file.url, 'file:///'),
  )
  const info = await stat(path).catch((error: unknown) => {
    load.failures.set(file.url, error instanceof Error ? error.message : String(error))
    throw error
  })
  if (!info.isFile()) {
    load.failures.set(file.url, `${path} is not a file`)
    throw new Error(`${path} is not a file`)
  }
  if (info.size > MAX_FILE_BYTES) refuse(load, tooLargeFile(path, info.size))
  const data = await readFile(path, { signal: load.signal })
  // A file that grew since `stat` (or reports no size, as /proc does).
  if (data.byteLength > MAX_FILE_BYTES) refuse(load, tooLargeFile(path, data.byteLength))
  return data
}

/** Refuses the download of `url` for a `$ref` (the root document is always read) that policy forbids. */
function checkDownload(load: Load, url: URL, referrer: string): void {
  const named = `${printable(url.href)}, named by a $ref in ${printable(referrer)},`
  if (url.username !== '' || url.password !== '')
    refuse(load, `${named} holds credentials: leakguard does not send them`)
  if (load.origin !== undefined) {
    if (url.origin !== load.origin)
      refuse(
        load,
        `${named} is not on ${load.origin}: the $refs of a downloaded document are followed only to its own origin; download the parts and pass the local file instead`,
      )
  } else if (
    !isLoopback(url.hostname) &&
    !load.allowHosts.some((entry) => matchesAllowedHost(url.hostname, entry))
  )
    refuse(
      load,
      `${named} is not on a loopback host: allow ${url.hostname} explicitly (allowHosts, --allow-host) to let the $refs of a local document download from it`,
    )
  if (load.downloads >= MAX_DOWNLOADS)
    refuse(load, `${load.name} refers to more than ${MAX_DOWNLOADS} documents to download: bundle them first`)
}

/** The body at `file.url`; why it failed is kept in `load.failures` (the library replaces the error). */
async function download(load: Load, file: SwaggerParser.FileInfo): Promise<Buffer> {
  load.signal.throwIfAborted()
  const url = new URL(file.url)
  // The root document is the one the user typed: always allowed.
  if (file.baseUrl !== undefined) checkDownload(load, url, file.baseUrl)
  load.downloads += 1
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.5' },
      redirect: 'manual',
      signal: load.signal,
    })
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel()
      const to = response.headers.get('location')
      throw new Error(
        `HTTP ${response.status}, a redirect${to === null ? '' : ` to ${quote(printable(new URL(to, url).href))}`}: leakguard does not follow redirects, pass the URL the document is at`,
      )
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`HTTP ${response.status} ${response.statusText}`.trim())
    }
    return await readBody(load, response, url)
  } catch (error) {
    // fetch reports a refused connection as "fetch failed", with the reason in `cause`.
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error
    load.failures.set(file.url, reason instanceof Error ? reason.message : String(reason))
    throw error
  }
}

/** The decompressed body, read no further than this download's and this load's byte limits. */
async function readBody(load: Load, response: Response, url: URL): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return Buffer.concat(chunks, size)
      size += value.byteLength
      load.downloadedBytes += value.byteLength
      if (size > MAX_DOWNLOAD_BYTES)
        refuse(
          load,
          `${printable(url.href)} is larger than ${MAX_DOWNLOAD_BYTES / MiB} MiB (decompressed): leakguard reads no more from one URL; check the URL, or download the document and pass the local file`,
        )
      if (load.downloadedBytes > MAX_DOWNLOADED_BYTES)
        refuse(
          load,
          `the documents downloaded for ${load.name} are larger than ${MAX_DOWNLOADED_BYTES / MiB} MiB together: download them and pass the local file`,
        )
      chunks.push(value)
    }
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  }
}

/**
 * A document parsed as JSON or YAML (YAML aliases expanded a bounded number of times), and checked
 * before the library walks it: not nested too deeply, and, when downloaded, referring to URLs only.
 */
function parseDocument(load: Load, file: SwaggerParser.FileInfo, format: 'json' | 'yaml'): unknown {
  // The library tries the next parser when one fails: a refused document is not read again.
  if (load.refusal !== undefined) throw load.refusal
  const text = Buffer.isBuffer(file.data) ? file.data.toString('utf8') : file.data
  if (typeof text !== 'string') return text
  // Both as the library's parsers do: empty is allowed, JSON may start with a byte order mark.
  if (text.trim() === '') return undefined
  let doc: unknown
  if (format === 'json') doc = JSON.parse(text.replace(/^\uFEFF/, ''))
  else {
    try {
      doc = parseYaml(text, { maxAliasCount: MAX_YAML_ALIASES, logLevel: 'error' })
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message))
        refuse(
          load,
          `${printable(file.url)} expands YAML aliases (*name) more than ${MAX_YAML_ALIASES} times, as a YAML "billion laughs" bomb does: write the repeated parts once under components and $ref them`,
        )
      throw error
    }
  }
  inspect(load, doc, file.url)
  return doc
}

/**
 * Refuses a document nested deeper than {@link MAX_DEPTH}, and a downloaded document with a `$ref`
 * or `$id` that does not resolve to an http(s) URL: the library would read local files for it.
 */
function inspect(load: Load, doc: unknown, url: string): void {
  const downloaded = HTTP_URL.test(url)
  const seen = new Set<object>()
  const pending: [unknown, number][] = [[doc, 0]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next
    if (typeof node !== 'object' || node === null || seen.has(node)) continue
    seen.add(node)
    if (depth > MAX_DEPTH)
      refuse(
        load,
        `${printable(url)} is nested more than ${MAX_DEPTH} levels deep: leakguard reads OpenAPI documents up to that depth`,
      )
    if (downloaded && !Array.isArray(node)) {
      const { $ref, $id } = node as { $ref?: unknown; $id?: unknown }
      if (typeof $ref === 'string') checkReference(load, $ref, '$ref', url)
      if (typeof $id === 'string') checkReference(load, $id, '$id', url)
    }
    for (const value of Object.values(node)) pending.push([value, depth + 1])
  }
}

function checkReference(load: Load, reference: string, key: '$ref' | '$id', url: string): void {
  let protocol: string | undefined
  try {
    protocol = new URL(reference, url).protocol
  } catch {
    protocol = undefined
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    refuse(
      load,
      `${printable(url)} was downloaded, and its ${key} ${quote(reference)} is not an http(s) URL: a document read over http(s) may refer only to http(s) URLs, not to local files`,
    )
}

function checkVersion(doc: unknown, name: string): void {
  const record =
    typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {}
  if (record.swagger !== undefined)
    throw new ScanError(
      CODE,
      `${name} is a Swagger ${escapeUnprintable(String(record.swagger))} document; leakguard reads OpenAPI 3.0 and 3.1: convert it first (for example \`npx swagger2openapi ${name} -o openapi.json\`, or "Convert to OpenAPI 3" in editor.swagger.io)`,
    )
  if (record.openapi === undefined) throw new ScanError(CODE, notOpenAPI(name))
  if (typeof record.openapi !== 'string' || !SUPPORTED_VERSION.test(record.openapi))
    throw new ScanError(
      CODE,
      unsupportedVersion(name, escapeUnprintable(String(JSON.stringify(record.openapi)))),
    )
}

const notOpenAPI = (name: string) =>
  `${name} is not an OpenAPI document (no \`openapi: 3.x.y\` at its top): pass the JSON or YAML document itself, not a documentation page`

const unsupportedVersion = (name: string, version: string) =>
  `${name} declares openapi: ${version}; leakguard reads OpenAPI 3.0 and 3.1 (a string such as '3.1.0')`

/** The library's error as a ScanError that says which file failed and what to do. */
function explain(error: unknown, load: Load): ScanError {
  const { location, name } = load
  const { code, source, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    source?: unknown
    message?: unknown
  }
  const file = typeof source === 'string' && source !== '' ? source.split('#')[0]! : undefined
  const raw =
    (file !== undefined ? load.failures.get(file) : undefined) ??
    (typeof message === 'string' ? message.split('\n')[0]!.trim() : String(error))
  // The library's messages quote URLs whole: keep the root's query (a token, maybe) out of them.
  const detail = escapeUnprintable(raw.replaceAll(location, name))
  const part = file === undefined ? undefined : printable(file)
  const isRoot = file === undefined || file === location
  const remote = HTTP_URL.test(location)
  const unresolved = (why: string) =>
    new ScanError(
      CODE,
      `a $ref in ${name} cannot be resolved (${part !== undefined && !why.includes(part) ? `${part}: ` : ''}${why}): check that the file or URL it names exists relative to the document, or inline the schema`,
      { cause: error },
    )
  if (/Maximum call stack size exceeded/.test(detail))
    return new ScanError(
      CODE,
      `${part ?? name} is nested too deeply to be read: leakguard reads OpenAPI documents up to ${MAX_DEPTH} levels deep`,
      { cause: error },
    )
  if (code === 'EPARSER' || code === 'EUNMATCHEDPARSER')
    return new ScanError(
      CODE,
      isRoot
        ? `${name} could not be parsed as JSON or YAML (${detail}): fix the syntax, or check that the path or URL serves the document itself`
        : `${part}, named by a $ref in ${name}, could not be parsed as JSON or YAML (${detail})`,
      { cause: error },
    )
  if (code === 'ERESOLVER' && isRoot)
    return new ScanError(
      CODE,
      `${name} could not be read (${detail})${remote ? ': check the URL, and that the API serves its document there' : ''}`,
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
    if (version !== null) return new ScanError(CODE, unsupportedVersion(name, version[1]!), { cause: error })
    if (/is not a valid (?:Openapi API definition|JSON Schema)/.test(detail))
      return new ScanError(CODE, notOpenAPI(name), { cause: error })
    return new ScanError(CODE, `${name} is not a usable OpenAPI 3.0 or 3.1 document: ${detail}`, {
      cause: error,
    })
  }
  return new ScanError(CODE, `${name} could not be loaded: ${detail}`, { cause: error })
}

/** `work`, or the signal's reason as soon as it aborts (file reads cannot be stopped midway). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
