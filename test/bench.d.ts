declare module '@leakguard/bench/engine/setups' {
  interface Setup {
    name: string
    run(body: unknown): string
    protects?: boolean
  }
  export const payloads: Record<string, unknown>
  export const SENTINEL_HASH: string
  export function createSetups(): { baseline: Setup; setups: Setup[] }
  export function expectedView(body: unknown): unknown
}
