import {
  type ConsumeMode,
  type DistinctResult,
  LeakguardConfigError,
  LeakguardRateLimitError,
  type LimitVerdict,
  type RateLimitStore,
  type StoreDecision,
  type StoreLimit,
} from '@leakguard/core'
import { DECIDE, DISTINCT, type LuaScript, REFUND } from './script.js'

/** What `RedisStore` needs of an `ioredis` client (`new Redis()`, `new Cluster()`). */
export interface IoRedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>
}

/** What `RedisStore` needs of a node-redis client (`createClient()`). */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>
}

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** Prefix of every key, to share a Redis with other data. @default 'leakguard:rl:' */
  prefix?: string
  /**
   * Longest a decision may take, in milliseconds. Past it the decision fails with
   * `ERR_LG_RATELIMIT_STORE_TIMEOUT` and the limiter's outage policy applies, so a request never
   * hangs behind a dead connection or a client's offline queue. @default 500
   */
  timeout?: number
}

type Send = (args: string[]) => Promise<unknown>

function sendOf(client: unknown): Send {
  const candidate = client as Partial<IoRedisLike & NodeRedisLike> | null
  if (typeof candidate?.call === 'function') {
    const io = candidate as IoRedisLike
    return ([command, ...args]) => io.call(command!, ...args)
  }
  if (typeof candidate?.sendCommand === 'function') {
    const node = candidate as NodeRedisLike
    return (args) => node.sendCommand(args)
  }
  throw new LeakguardConfigError(
    'ERR_LG_CONFIG_INVALID_OPTION',
    'RedisStore client',
    'expected an ioredis client (new Redis()) or a node-redis client (createClient(), connected)',
  )
}

function isNoScript(error: unknown): boolean {
  return /NOSCRIPT/.test(String((error as Error)?.message ?? error))
}

/**
 * A rate-limit store on Redis, for apps on several instances: one atomic Lua call per decision,
 * per refund and per `distinct` (`EVALSHA`, with the script loaded again after a `NOSCRIPT`), the
 * Redis server's clock, keys hash-tagged per client so Redis Cluster keeps them in one slot (a
 * reset is one `DEL` of them). Pass your own connected client (`ioredis` or `redis`); leakguard
 * never opens or closes it. Configure that client to fail fast (ioredis `enableOfflineQueue:
 * false`, `maxRetriesPerRequest: 1`): `timeout` is the backstop.
 */
export class RedisStore implements RateLimitStore {
  readonly #send: Send
  readonly #prefix: string
  readonly #timeout: number
  readonly #loading = new Map<LuaScript, Promise<unknown>>()

  constructor(client: IoRedisLike | NodeRedisLike, options: RedisStoreOptions = {}) {
    this.#send = sendOf(client)
    const prefix = options.prefix ?? 'leakguard:rl:'
    if (typeof prefix !== 'string' || /[{}\s]/.test(prefix)) {
      throw new LeakguardConfigError(
        'ERR_LG_CONFIG_INVALID_OPTION',
        'RedisStore options.prefix',
        'expected a string without braces or spaces (leakguard adds the Cluster hash tag itself)',
      )
    }
    const timeout = options.timeout ?? 500
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60_000) {
      throw new LeakguardConfigError(
        'ERR_LG_CONFIG_INVALID_OPTION',
        'RedisStore options.timeout',
        `expected milliseconds from 1 to 60000, got ${String(timeout)}`,
      )
    }
    this.#prefix = prefix
    this.#timeout = timeout
  }

  /** The Redis keys of one client key: `<prefix>{<key>}:<w|l><windowMs>`. */
  keysOf(key: string, limits: readonly StoreLimit[]): string[] {
    return limits.map((limit) => `${this.#prefix}{${key}}:${algorithmCode(limit)}${limit.windowMs}`)
  }

  /** The Redis key of the `distinct` set of one key: `<prefix>{<key>}:d`, apart from its counters. */
  distinctKeyOf(key: string): string {
    return `${this.#prefix}{${key}}:d`
  }

  async consume(
    key: string,
    limits: readonly StoreLimit[],
    cost: number,
    mode: ConsumeMode,
  ): Promise<StoreDecision> {
    const keys = this.keysOf(key, limits)
    const args = [String(keys.length), ...keys, mode, String(cost)]
    for (const limit of limits) {
      args.push(String(limit.windowMs), String(limit.limit), algorithmCode(limit))
    }
    const reply = await this.#withTimeout(this.#evaluate(DECIDE, args))
    const decision = parseReply(reply, limits.length)
    const charged = mode === 'record' || (mode === 'consume' && decision.allowed)
    return charged ? decision : { allowed: decision.allowed, verdicts: decision.verdicts }
  }

  async refund(key: string, limits: readonly StoreLimit[], cost: number, chargedAt: number): Promise<void> {
    const keys = this.keysOf(key, limits)
    const args = [String(keys.length), ...keys, String(cost), String(chargedAt)]
    for (const limit of limits) args.push(String(limit.windowMs), algorithmCode(limit))
    await this.#withTimeout(this.#evaluate(REFUND, args))
  }

  async reset(key: string, limits: readonly StoreLimit[]): Promise<void> {
    await this.#withTimeout(this.#send(['DEL', ...this.keysOf(key, limits)]))
  }

  /**
   * Counts `member` once in the set of `key`, in one atomic Lua call, as
   * {@link RateLimitStore.distinct} says; the window is the set's TTL, kept by Redis. Fails like
   * `consume`: `ERR_LG_RATELIMIT_STORE_TIMEOUT` past `timeout`, the client's error otherwise.
   */
  async distinct(key: string, member: string, windowMs: number, cap: number): Promise<DistinctResult> {
    const args = ['1', this.distinctKeyOf(key), member, String(windowMs), String(cap)]
    return parseDistinct(await this.#withTimeout(this.#evaluate(DISTINCT, args)))
  }

  async #evaluate(script: LuaScript, args: string[]): Promise<unknown> {
    try {
      return await this.#send(['EVALSHA', script.sha, ...args])
    } catch (error) {
      if (!isNoScript(error)) throw error
      // The script cache was flushed (restart, failover, SCRIPT FLUSH): load it once, retry.
      let loading = this.#loading.get(script)
      if (loading === undefined) {
        loading = this.#send(['SCRIPT', 'LOAD', script.source]).finally(() => this.#loading.delete(script))
        this.#loading.set(script, loading)
      }
      await loading
      return this.#send(['EVALSHA', script.sha, ...args])
    }
  }

  #withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LeakguardRateLimitError(
              'ERR_LG_RATELIMIT_STORE_TIMEOUT',
              `Redis did not answer within ${this.#timeout} ms`,
            ),
          ),
        this.#timeout,
      )
      timer.unref()
    })
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
  }
}

const algorithmCode = (limit: StoreLimit): 'l' | 'w' => (limit.algorithm === 'sliding-log' ? 'l' : 'w')

/** The decision script's reply; `chargedAt` is its clock, whether or not it charged. */
function parseReply(reply: unknown, count: number): StoreDecision & { chargedAt: number } {
  if (!Array.isArray(reply) || reply.length !== 2 + 4 * count) {
    throw new LeakguardRateLimitError(
      'ERR_LG_RATELIMIT_STORE_FAILED',
      'unexpected reply from the Redis script',
    )
  }
  const numbers = reply.map(Number)
  const verdicts: LimitVerdict[] = []
  for (let i = 0; i < count; i++) {
    const at = 2 + 4 * i
    verdicts.push({
      allowed: numbers[at] === 1,
      remaining: numbers[at + 1]!,
      resetMs: numbers[at + 2]!,
      retryAfterMs: numbers[at + 3]!,
    })
  }
  return { allowed: numbers[0] === 1, verdicts, chargedAt: numbers[1]! }
}

/** The distinct-members script's reply: `{ count, seen, resetIn }`. */
function parseDistinct(reply: unknown): DistinctResult {
  if (!Array.isArray(reply) || reply.length !== 3) {
    throw new LeakguardRateLimitError(
      'ERR_LG_RATELIMIT_STORE_FAILED',
      'unexpected reply from the Redis script',
    )
  }
  const [count, seen, resetIn] = reply.map(Number) as [number, number, number]
  return { count, seen: seen === 1, resetIn }
}

export {
  DECIDE_SCRIPT,
  DECIDE_SHA,
  DISTINCT_SCRIPT,
  DISTINCT_SHA,
  REFUND_SCRIPT,
  REFUND_SHA,
} from './script.js'
