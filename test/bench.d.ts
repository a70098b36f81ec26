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
