declare module '@leakguard/demo' {
  export interface TourResult {
    stop: { path: string; role?: string; why: string }
    unprotected: { status: number; text: string }
    protected: { status: number; text: string }
    leaked: Array<[string, unknown]>
    events: unknown[]
  }
  export function runTour(options?: { framework?: 'express' | 'koa' | 'fastify' }): Promise<TourResult[]>
}
