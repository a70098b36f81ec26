declare module '@leakguard/bench/engine/setups' {
  interface Payload {
    body: unknown
    allow: string[]
    redactPaths: string[] | null
    expected(body: unknown): unknown
  }
  interface Setup {
    name: string
    run(body: unknown): string
    protects: boolean | 'redacts'
  }
  export const payloads: Record<string, Payload>
  export const SENTINEL_HASH: string
  export function createSetups(payload: Payload): { baseline: Setup; setups: Setup[] }
  export function checkSetup(setup: Setup, payload: Payload): string
  export function expectedView(body: unknown): unknown
}

declare module '@leakguard/bench/http/servers' {
  export const FRAMEWORKS: readonly ('express' | 'koa' | 'fastify')[]
  export const CONFIGS: readonly ('bare' | 'full' | 'pipeline' | 'peer')[]
  export const ISSUER: string
  export const AUDIENCE: string
  export function buildServer(
    framework: string,
    config: string,
    payload: '19kb' | '1mb',
    publicKeyPem: string,
  ): Promise<import('node:http').Server>
}

declare module '@leakguard/bench/http/check' {
  export function checkSetup(name: string, config: string, url: string, authorization: string): Promise<void>
}
