import type { Guard, GuardOptions, LeakguardRequestState, RouteOptions } from '@leakguard/core'

/** A request as every framework exposes it to `getRoles` (Express `req`, Koa `ctx`, Fastify `request`). */
export interface HeaderBearer {
  readonly headers: Record<string, string | string[] | undefined>
}

/** One route of a conformance app, written once for every framework. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Framework path syntax shared by Express, Koa Router and Fastify: `/users/:id`. */
  readonly path: string
  /** @default 200 */
  readonly status?: number
  /** The handler's body; a string is sent as `text/plain`, anything else as the framework's JSON. */
  readonly body: (request: { readonly leakguard: LeakguardRequestState | undefined }) => unknown
  /** Route-level options in the framework's idiom (`leakguard.route()`, `config.leakguard`). */
  readonly routeOptions?: RouteOptions
}

/** An app for one scenario. */
export interface AppSpec {
  /** Options (or a guard) given to the adapter's `leakguard()`. */
  readonly leakguard: GuardOptions<HeaderBearer> | Guard<HeaderBearer>
  readonly routes: readonly RouteSpec[]
  /** Mount the routes under this prefix (an Express router, a Koa router prefix, a Fastify prefix). */
  readonly prefix?: string
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
