declare module '@leakguard/demo' {
  export interface TourResult {
    stop: {
      path: string
      role?: string
      why: string
      method?: string
      token?: string
      body?: unknown
      walk?: { from: number; count: number }
    }
    unprotected: { status: number; text: string; statuses?: number[] }
    protected: { status: number; text: string; statuses?: number[] }
    leaked: Array<[string, unknown]>
    events: unknown[]
  }
  export function runTour(options?: { framework?: 'express' | 'koa' | 'fastify' }): Promise<TourResult[]>
}
