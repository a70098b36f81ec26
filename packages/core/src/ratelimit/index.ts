// The public face of rate limiting: what @leakguard/core exports of ratelimit/.
export type { Algorithm, ConsumeMode, LimitVerdict, StoreLimit } from './algorithms.js'
export type { TrustProxy } from './client-ip.js'
export {
  createRateLimiter,
  type LimitState,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
} from './limiter.js'
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js'
export type {
  LimiterOptions,
  LimitOptions,
  RateLimitKey,
  RateLimitOptions,
  RateLimitRequest,
  RouteRateLimitOptions,
} from './options.js'
export type { RateLimitProblem, RateLimitProblemOption, RateLimitRefusal } from './problem.js'
export type { DistinctResult, RateLimitStore, StoreDecision } from './store.js'
