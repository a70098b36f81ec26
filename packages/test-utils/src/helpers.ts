import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import {
  createGuard,
  type Guard,
  type GuardOptions,
  type LeakguardEvent,
  type LeakguardEventOf,
} from '@leakguard/core'
import type { AdapterHarness, AppSpec, HeaderBearer, RouteSpec } from './harness.js'

export const SECRET = 'SENTINEL-5f1c-never-leaves'

export const roleHeader = (request: HeaderBearer): string[] => {
  const value = request.headers['x-roles']
  return typeof value === 'string' && value !== '' ? value.split(',') : []
}

/** Redaction off: for scenarios about the allowlist alone. */
export const NO_REDACTION = { detectors: 'none', keyNames: false, errorHygiene: false } as const

/**
 * A guard whose events the test can read after `flush()`. Redaction is off unless `options.redact`
 * says otherwise, so allowlist scenarios see only the allowlist.
 */
export function recordingGuard(options: GuardOptions<HeaderBearer> = {}) {
  const events: LeakguardEvent[] = []
  const guard = createGuard<HeaderBearer>({
    getRoles: roleHeader,
    redact: NO_REDACTION,
    ...options,
    audit: { onEvent: (event) => void events.push(event) },
  })
  return {
    guard,
    /**
     * Events about requests; setup warnings (Express's missing error handler) and the route
     * inventory's `inventory.undeclared_route` (every test route is undeclared) are left out.
     */
    async events(): Promise<LeakguardEvent[]> {
      await guard.flush()
      return events.filter(
        (event) => event.type !== 'config.warning' && event.type !== 'inventory.undeclared_route',
      )
    },
  }
}

export function user(id: number) {
  return {
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    passwordHash: `$2b$12$${SECRET}`,
    profile: { bio: 'hello', ssn: SECRET, address: { city: 'Lyon', street: SECRET } },
  }
}

export interface Fetched {
  readonly status: number
  readonly contentType: string | null
  readonly text: string
  readonly json: unknown
}

export async function call(url: string, init: RequestInit = {}): Promise<Fetched> {
  const response = await fetch(url, init)
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, json }
}

export function ofType<T extends LeakguardEvent['type']>(
  events: LeakguardEvent[],
  type: T,
): LeakguardEventOf<T>[] {
  return events.filter((event): event is LeakguardEventOf<T> => event.type === type)
}

/**
 * A raw body as the client's decoder reads it, per the response's own `Content-Encoding`. Plain
 * zlib, not leakguard's decoder: the oracle must not share code with what it checks.
 */
export function decodedBody(res: RawResponse): string {
  const coding = String(res.headers['content-encoding'] ?? 'identity')
  if (coding === 'gzip') return gunzipSync(res.body).toString()
  if (coding === 'br') return brotliDecompressSync(res.body).toString()
  if (coding === 'deflate') return inflateSync(res.body).toString()
  if (coding !== 'identity') throw new Error(`unexpected Content-Encoding ${coding}`)
  return res.body.toString()
}

/** A response read byte for byte, without fetch's transparent decompression. */
export interface RawResponse {
  readonly status: number
  /** The status line's text (reason phrase). */
  readonly statusMessage: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** The generic body of a blocked response. */
export const BLOCKED_BODY = { type: 'about:blank', title: 'Internal Server Error', status: 500 }

/** Starts an app for one scenario and always closes it. */
export function appRunner(harness: AdapterHarness) {
  return async function withApp(app: AppSpec, run: (url: string) => Promise<void>): Promise<void> {
    const server = await harness.start(app)
    try {
      await run(server.url)
    } finally {
      await server.close()
    }
  }
}

/** A GET route of a conformance app. */
export function getRoute(path: string, body: RouteSpec['body'], extra: Partial<RouteSpec> = {}): RouteSpec {
  return { method: 'GET', path, body, ...extra }
}

/**
 * Runs scenarios on apps whose handlers count their calls (to prove a refusal came before the
 * handler), each with a recording guard whose roles come from the token (no `getRoles`).
 */
export function countingScenario(harness: AdapterHarness) {
  const withApp = appRunner(harness)
  return async function scenario(
    options: GuardOptions<HeaderBearer>,
    routes: readonly RouteSpec[],
    check: (url: string, handled: () => number) => Promise<void>,
    middleware?: AppSpec['middleware'],
  ): Promise<LeakguardEvent[]> {
    let calls = 0
    const counted = routes.map((route) => ({
      ...route,
      body: (request: Parameters<RouteSpec['body']>[0]) => {
        calls++
        return route.body(request)
      },
    }))
    const recorder = recordingGuard({ getRoles: undefined, ...options })
    await withApp(
      { leakguard: recorder.guard, routes: counted, ...(middleware === undefined ? {} : { middleware }) },
      (url) => check(url, () => calls),
    )
    return recorder.events()
  }
}

/**
 * Records, for each body a guard decides in turns (`serializeResponseInTurns`,
 * `filterSerializedInTurns`), whether it took more than one turn (a promise came back).
 */
export function recordTurns<T>(guard: Guard<T>): boolean[] {
  const promised: boolean[] = []
  const record = <R>(result: R): R => {
    promised.push(result instanceof Promise)
    return result
  }
  const serialize = guard.serializeResponseInTurns.bind(guard)
  guard.serializeResponseInTurns = (context, response) => record(serialize(context, response))
  const filter = guard.filterSerializedInTurns.bind(guard)
  guard.filterSerializedInTurns = (context, response) => record(filter(context, response))
  return promised
}

/**
 * Records the bodies a guard writes through its compiled views (`serializeResponse`,
 * `serializeResponseInTurns`), passing each
 * call through: tells a test which path an adapter took.
 */
export function recordWrites<T>(guard: Guard<T>): unknown[] {
  const bodies: unknown[] = []
  const serializeResponse = guard.serializeResponse.bind(guard)
  guard.serializeResponse = (context, response) => {
    bodies.push(response.body)
    return serializeResponse(context, response)
  }
  const inTurns = guard.serializeResponseInTurns.bind(guard)
  guard.serializeResponseInTurns = (context, response) => {
    bodies.push(response.body)
    return inTurns(context, response)
  }
  return bodies
}
