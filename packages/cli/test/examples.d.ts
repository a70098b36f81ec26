// The example apps are JavaScript: what the scan tests use of them.
interface ExampleServer {
  url: string
  close(): Promise<void>
}
declare module '@leakguard/example-express-app' {
  export function start(options?: { protect?: boolean }): Promise<ExampleServer>
}
declare module '@leakguard/example-koa-app' {
  export function start(options?: { protect?: boolean }): Promise<ExampleServer>
}
declare module '@leakguard/example-fastify-app' {
  export function start(options?: { protect?: boolean }): Promise<ExampleServer>
}
declare module '@leakguard/example-shop' {
  export function demoToken(sub: string, claims?: Record<string, unknown>): string
}
