import { setTimeout as sleep } from 'node:timers/promises'
import { isJsonContentType } from '@leakguard/core'

/** The limits every scan keeps to, whatever the target answers. */
export interface ClientLimits {
  /** Requests sent at most, bursts included. */
  readonly maxRequests: number
  /** Requests per second at most outside the rate-limit burst (0: no pacing). */
  readonly rate: number
  /** Milliseconds a request may take, headers and body. */
  readonly timeoutMs: number
  /** Bytes of a body read at most; the rest is not read. */
  readonly maxBodyBytes: number
}

export interface RequestSpec {
  readonly method: string
  /** Path and query, appended to the base URL's path. */
  readonly path: string
  /** Send the `--token`/`--header` credentials. */
  readonly credentials: boolean
  readonly body?: string
  readonly contentType?: string
  /** `path` is under the origin, not under the base URL's path (shadow paths of the whole site). */
  readonly atOrigin?: boolean
}

/** A request and what came back; the body as text, cut at the limit. */
export interface Exchange {
  readonly method: string
  readonly path: string
  readonly url: string
  readonly credentialed: boolean
  /** `0` when no response came (see `error`). */
  readonly status: number
  /** Response headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** Whether the body was longer than `maxBodyBytes`. */
  readonly truncated: boolean
  /** The parsed body, when the response says JSON and it parses. */
  readonly json: unknown
  readonly isJson: boolean
  /** Why no response came (a timeout, a refused connection). */
  readonly error?: string
}

export interface Client {
  /** Sends one request when the budget allows; `undefined` once it is spent. */
  send(spec: RequestSpec): Promise<Exchange | undefined>
  /** Sends `count` requests at once (capped by the budget); unpaced. */
  burst(spec: RequestSpec, count: number): Promise<Exchange[]>
  /** Requests sent so far. */
  readonly sent: number
  /** Requests the budget refused. */
  readonly refused: number
}

export interface ClientOptions {
  readonly base: URL
  /** Headers on every request (`--header` that are not credentials, a `user-agent`). */
  readonly headers: Readonly<Record<string, string>>
  /** Headers only on credentialed requests (`--token`, credential `--header`s). */
  readonly credentials: Readonly<Record<string, string>>
  readonly limits: ClientLimits
  /** Called before each request is sent. */
  readonly onRequest?: (spec: RequestSpec, sent: number) => void
  readonly signal?: AbortSignal
}

/** The URL of `path` under the base URL (`http://h/api` + `/users` = `http://h/api/users`). */
export function urlOf(base: URL, path: string): string {
  const prefix = base.pathname.replace(/\/+$/, '')
  return `${base.origin}${prefix}${path.startsWith('/') ? path : `/${path}`}`
}

async function readCapped(response: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let truncated = false
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const room = max - size
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room))
      size = max
      truncated = true
      await reader.cancel().catch(() => {})
      break
    }
    chunks.push(value)
    size += value.byteLength
  }
  return { text: Buffer.concat(chunks, size).toString('utf8'), truncated }
}

/**
 * An HTTP client that keeps to the scan's limits: a request budget, a pace, a timeout and a body
 * cap. Redirects are never followed (a redirect could lead off the allowed hosts).
 */
export function createClient(options: ClientOptions): Client {
  const { base, limits } = options
  let sent = 0
  let refused = 0
  let next = 0

  const take = (): boolean => {
    // Stopped (Ctrl-C): nothing more is sent, and the scan reports itself incomplete.
    if (sent >= limits.maxRequests || options.signal?.aborted === true) {
      refused++
      return false
    }
    sent++
    return true
  }

  const exchange = async (spec: RequestSpec): Promise<Exchange> => {
    const url = spec.atOrigin === true ? `${base.origin}${spec.path}` : urlOf(base, spec.path)
    options.onRequest?.(spec, sent)
    const headers: Record<string, string> = { ...options.headers }
    if (spec.credentials) Object.assign(headers, options.credentials)
    if (spec.contentType !== undefined) headers['content-type'] = spec.contentType
    const signals = [AbortSignal.timeout(limits.timeoutMs)]
    if (options.signal !== undefined) signals.push(options.signal)
    const signal = AbortSignal.any(signals)
    const common = { method: spec.method, path: spec.path, url, credentialed: spec.credentials }
    try {
      const response = await fetch(url, {
        method: spec.method,
        headers,
        body: spec.body ?? null,
        redirect: 'manual',
        signal,
      })
      const received: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        received[name] = value
      })
      const { text, truncated } = await readCapped(response, limits.maxBodyBytes)
      const isJson = isJsonContentType(received['content-type'])
      let json: unknown
      if (isJson && !truncated && text !== '')
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
      return { ...common, status: response.status, headers: received, body: text, truncated, json, isJson }
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause : error) : undefined
      return {
        ...common,
        status: 0,
        headers: {},
        body: '',
        truncated: false,
        json: undefined,
        isJson: false,
        error:
          signal.aborted && options.signal?.aborted !== true
            ? `no answer within ${limits.timeoutMs} ms`
            : (reason?.message ?? String(error)),
      }
    }
  }

  return {
    async send(spec) {
      if (!take()) return undefined
      if (limits.rate > 0) {
        const now = Date.now()
        const wait = next - now
        next = Math.max(now, next) + 1000 / limits.rate
        if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => {})
      }
      return exchange(spec)
    },
    async burst(spec, count) {
      const taken: Promise<Exchange>[] = []
      for (let i = 0; i < count && take(); i++) taken.push(exchange(spec))
      return Promise.all(taken)
    },
    get sent() {
      return sent
    },
    get refused() {
      return refused
    },
  }
}
