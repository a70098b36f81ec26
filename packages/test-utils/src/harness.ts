import { Readable } from 'node:stream'
import type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'

/** A request as every framework exposes it to `getRoles` (Express `req`, Koa `ctx`, Fastify `request`). */
export interface HeaderBearer {
  readonly headers: Record<string, string | string[] | undefined>
}

/**
 * How a handler sends its body: `object` through the framework's JSON; `string`, `buffer`, `stream`
 * (a Node Readable) and `web-stream` (a `ReadableStream`) send the text `body()` returns, with
 * `contentType`; `throw` throws what `body()` returns. `web-response` sends a Web `Response`: the
 * one (or the promise of one, such as `fetch(upstream)`) `body()` returns, or one made of the text
 * it returns with `status` and `contentType`; each harness sends it the way an app of its
 * framework does (Express has no native support: the app copies status, headers and body).
 * `raw` writes the text to the Node response past the framework: Fastify `reply.hijack()`, Koa
 * `ctx.respond = false`, Express `http.ServerResponse.prototype`.
 */
export type BodyKind =
  | 'object'
  | 'string'
  | 'buffer'
  | 'stream'
  | 'web-stream'
  | 'throw'
  | 'web-response'
  | 'raw'
  /** The framework's redirect to the URL `body()` returns (`res.redirect`, `ctx.redirect`, `reply.redirect`), status 302 unless given. */
  | 'redirect'

/** What a conformance handler reads of its request. */
export interface HandlerRequest {
  readonly leakguard: LeakguardRequestState | undefined
  /** The parsed body, as the handler reads it (`undefined` without a body parser). */
  readonly body?: unknown
  /** The parsed query. */
  readonly query?: unknown
  /** The route's path parameters. */
  readonly params?: Readonly<Record<string, string>>
}

/** One route of a conformance app, written once for every framework. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Framework path syntax shared by Express, Koa Router and Fastify: `/users/:id`. */
  readonly path: string
  /** @default 200 */
  readonly status?: number
  /**
   * The handler's body; see {@link BodyKind}. It sees the request as the handler would read it:
   * the parsed body (`req.body`, `ctx.request.body`, `request.body`), query and path parameters.
   */
  readonly body: (request: HandlerRequest) => unknown
  /**
   * @default 'object', or 'string' when `body()` returns a string
   */
  readonly send?: BodyKind
  /**
   * Content-Type the handler sets; `null` sets none, leaving it to the framework.
   * @default text/plain for strings, application/octet-stream for the rest
   */
  readonly contentType?: string | null
  /** Route-level options in the framework's idiom (`leakguard.route()`, `config.leakguard`). */
  readonly routeOptions?: RouteOptions
  /** Response headers the handler sets (a redirect's `Location`, custom `X-` headers), before it throws too. */
  readonly headers?: Readonly<Record<string, string>>
  /** The status text (reason phrase) the handler sets. */
  readonly statusMessage?: string
}

/** An app for one scenario. */
export interface AppSpec {
  /** Options (or a guard) given to the adapter's `leakguard()`. */
  readonly leakguard: GuardOptions<HeaderBearer> | Guard<HeaderBearer>
  readonly routes: readonly RouteSpec[]
  /** Mount the routes under this prefix (an Express router, a Koa router prefix, a Fastify prefix). */
  readonly prefix?: string
  /**
   * `'routes-first'` mounts the routes before leakguard, the mistake a newcomer makes.
   * @default 'leakguard-first'
   */
  readonly order?: 'leakguard-first' | 'routes-first'
  /** The framework's usual companions, each registered where adapters.md says it must be. */
  readonly middleware?: {
    /** Conditional GET with ETags (Express's built-in one is always on). */
    readonly etag?: boolean
    /**
     * gzip/brotli compression of responses: `true` where adapters.md says it goes, `'misplaced'`
     * where a newcomer (or an app leakguard wraps) puts it, so that leakguard sees encoded bodies.
     */
    readonly compress?: boolean | 'misplaced'
    /**
     * A method-override middleware (`X-HTTP-Method-Override`) mounted after leakguard, where it
     * changes the method after leakguard decided. Fastify routes before any hook: ignored there.
     */
    readonly methodOverride?: boolean
    /**
     * A URL rewrite mounted before leakguard that strips this prefix (`/v1`), as version and
     * locale prefixes are often handled (Fastify: its `rewriteUrl` option).
     */
    readonly stripPrefix?: string
    /** The adapter's `leakguard.errorHandler()`. */
    readonly errorHandler?: boolean
    /**
     * JSON and form body parsing (Fastify always parses JSON): `true` mounts the parser after
     * leakguard with the `leakguard.body()` checkpoint after it, as docs/request-protection.md
     * says; `'before-leakguard'` mounts the parser first; `'no-checkpoint'` mounts it after
     * leakguard without the checkpoint (only the body setter guards); `'filling'` mounts, with the
     * checkpoint, a parser that assigns an empty body and fills it afterwards (multer's way;
     * Fastify: a preValidation hook after leakguard that sets a new body, as
     * @fastify/multipart's attachFieldsToBody does).
     */
    readonly bodyParser?: boolean | 'before-leakguard' | 'no-checkpoint' | 'filling'
    /**
     * An envelope (see {@link envelope}) put around every JSON body where it runs after leakguard
     * filtered it: Express, a `res.send` wrapper mounted before leakguard; Koa, a middleware
     * registered before leakguard that replaces `ctx.body` after `await next()`; Fastify, an
     * `onSend` hook registered after leakguard.
     */
    readonly envelope?: boolean
  }
}

/** What {@link envelope} adds beside the body: a token and a password, in members of their own. */
export const ENVELOPE_EXTRA = {
  debug: { token: `ghp_${'Z9'.repeat(18)}`, password: 'envelope-hunter2', build: 'b-1042' },
} as const

/**
 * JSON text wrapped as `{ data, ...ENVELOPE_EXTRA }`, as a response envelope does; `undefined` for
 * text that is not JSON (an error page, bytes).
 */
export function envelope(text: string): string | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }
  return JSON.stringify({ data, ...ENVELOPE_EXTRA })
}

/** Turns the text a handler returns into the body kind it sends. */
export function materialize(
  text: string,
  kind: Exclude<BodyKind, 'object' | 'throw' | 'web-response' | 'raw' | 'redirect'>,
): unknown {
  const third = Math.ceil(text.length / 3)
  const parts = [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)].map((part) =>
    Buffer.from(part),
  )
  switch (kind) {
    case 'string':
      return text
    case 'buffer':
      return Buffer.from(text)
    case 'stream':
      return Readable.from(parts)
    case 'web-stream':
      return new ReadableStream({
        start(controller) {
          for (const part of parts) controller.enqueue(new Uint8Array(part))
          controller.close()
        },
      })
  }
}

/** The kind a route sends and the Content-Type it sets (undefined: the framework's default). */
export function bodyKind(
  route: RouteSpec,
  body: unknown,
): { kind: BodyKind; contentType: string | undefined } {
  const kind = route.send ?? (typeof body === 'string' ? 'string' : 'object')
  const fallback =
    kind === 'string' || kind === 'raw'
      ? 'text/plain'
      : kind === 'object' || kind === 'throw'
        ? undefined
        : 'application/octet-stream'
  return { kind, contentType: route.contentType === null ? undefined : (route.contentType ?? fallback) }
}

/** The Web `Response` a `web-response` route sends: the one `body` is or resolves to, or one of its text. */
export async function webResponse(route: RouteSpec, body: unknown): Promise<Response> {
  if (typeof body !== 'string') return (await body) as Response
  const contentType = route.contentType ?? 'application/octet-stream'
  return new Response(body, {
    status: route.status ?? 200,
    headers: contentType === null ? {} : { 'content-type': contentType },
  })
}

/** A server listening on a real loopback socket. */
export interface RunningApp {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string
  close(): Promise<void>
}

/** What each adapter package provides to run the conformance suite. */
export interface AdapterHarness {
  readonly name: string
  /** Builds the app, listens on port 0 of 127.0.0.1 and resolves once it accepts connections. */
  start(app: AppSpec): Promise<RunningApp>
}
