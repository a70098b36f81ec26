import { createHash } from 'node:crypto'

/** A Lua script and the SHA-1 that `EVALSHA` and `SCRIPT LOAD` name it by. */
export interface LuaScript {
  readonly source: string
  readonly sha: string
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

/**
 * The clock and the window arithmetic both scripts share, that of `@leakguard/core`'s
 * algorithms.ts. A counter is a hash: `s` its fixed window's index, `c` and `p` the current and
 * previous windows' counts, `n` when its newest charge was made. Once `n` is a whole window old,
 * nothing it counted is in the sliding window any more and it starts over, which keeps every reset
 * and retry time within one window. A log is a sorted set of `<time>:<seq>:<cost>` members scored
 * by time.
 */
const COMMON = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local function roll_counter(key, w)
  local v = redis.call('HMGET', key, 's', 'c', 'p', 'n')
  local idx = math.floor(now / w)
  local s = tonumber(v[1])
  local c = tonumber(v[2]) or 0
  local p = tonumber(v[3]) or 0
  -- A hash written before 'n' existed: its newest charge may have been made just now.
  local n = tonumber(v[4]) or now
  if now - n >= w then
    c = 0
    p = 0
  elseif s ~= idx then
    if s == idx - 1 then p = c else p = 0 end
    c = 0
  end
  return { idx = idx, c = c, p = p, n = n, elapsed = now - idx * w }
end

local function cost_of(member)
  return tonumber(string.match(member, ':(%d+)$'))
end
`

/**
 * One decision, atomically: for every limit of a key, roll its window, check `cost`, then charge
 * every limit or none. The clock is the Redis server's TIME, so instances with skewed clocks agree.
 *
 * KEYS: one per limit (a hash for a sliding-window counter, a sorted set for a sliding log), all
 * sharing one hash tag so Redis Cluster keeps them in one slot.
 * ARGV: mode ('consume' | 'check' | 'record'), cost, then per limit: windowMs, limit, algorithm
 * ('w' counter, 'l' log).
 * Returns: { allowed (0/1), now, then per limit: allowed, remaining, resetMs, retryAfterMs }; `now`
 * stamps the charge, for a refund.
 */
export const DECIDE = script(`${COMMON}
local mode = ARGV[1]
local cost = tonumber(ARGV[2])
local n = #KEYS
local plans = {}
local all = true

local function counter_wait(p, c, elapsed, w, target)
  if target < 0 then target = 0 end
  if c <= target then
    if p <= 0 then return 0 end
    local at = w * (p - target + c) / p
    return math.max(0, math.ceil(at - elapsed))
  end
  return math.ceil(2 * w - elapsed - w * target / c)
end

for i = 1, n do
  local base = 3 + (i - 1) * 3
  local w = tonumber(ARGV[base])
  local limit = tonumber(ARGV[base + 1])
  local algo = ARGV[base + 2]
  local key = KEYS[i]
  local plan = { algo = algo, w = w, limit = limit, key = key }
  if algo == 'w' then
    local state = roll_counter(key, w)
    plan.state = state
    plan.used = state.p * (w - state.elapsed) / w + state.c
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
    local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    local used = 0
    local costs = {}
    local times = {}
    local seq = 0
    for j = 1, #entries, 2 do
      local unit = cost_of(entries[j])
      local at = tonumber(entries[j + 1])
      used = used + unit
      costs[#costs + 1] = unit
      times[#times + 1] = at
      -- Members charged this millisecond: the next one takes a sequence number none of them has.
      if at == now then seq = math.max(seq, tonumber(string.match(entries[j], '^%d+:(%d+):')) + 1) end
    end
    plan.used = used
    plan.costs = costs
    plan.times = times
    plan.seq = seq
  end
  plan.ok = (mode == 'record') or (plan.used + cost <= limit)
  if not plan.ok then all = false end
  plans[i] = plan
end

local charge = (mode == 'record') or (mode == 'consume' and all)
local out = { all and 1 or 0, now }
for i = 1, n do
  local plan = plans[i]
  local w = plan.w
  local limit = plan.limit
  local remaining, reset, retry
  if plan.algo == 'w' then
    local state = plan.state
    local c = state.c
    local newest = state.n
    if charge then
      c = c + cost
      newest = math.max(newest, now)
      redis.call('HSET', plan.key, 's', state.idx, 'c', c, 'p', state.p, 'n', newest)
      -- Everything counted is forgotten a window after the newest charge.
      redis.call('PEXPIRE', plan.key, w)
    end
    local after = state.p * (w - state.elapsed) / w + c
    local forgotten = 0
    if after > 0 then forgotten = math.min(w, newest + w - now) end
    remaining = math.max(0, math.floor(limit - after))
    reset = math.min(forgotten, counter_wait(state.p, c, state.elapsed, w, 0))
    retry = 0
    if not plan.ok then retry = math.min(forgotten, counter_wait(state.p, c, state.elapsed, w, limit - cost)) end
  else
    local used = plan.used
    local times = plan.times
    local costs = plan.costs
    if charge then
      redis.call('ZADD', plan.key, now, now .. ':' .. plan.seq .. ':' .. cost)
      redis.call('PEXPIRE', plan.key, w)
      used = used + cost
      times[#times + 1] = now
      costs[#costs + 1] = cost
    end
    remaining = math.max(0, limit - used)
    reset = 0
    if #times > 0 then reset = math.max(0, times[#times] + w - now) end
    retry = 0
    if not plan.ok then
      local freed = used
      local j = 0
      while j < #times and freed + cost > limit do
        j = j + 1
        freed = freed - costs[j]
      end
      if freed + cost > limit or j == 0 then retry = w else retry = math.max(0, times[j] + w - now) end
    end
  end
  out[#out + 1] = plan.ok and 1 or 0
  out[#out + 1] = remaining
  out[#out + 1] = reset
  out[#out + 1] = retry
end
return out
`)

/**
 * Gives back a charge, atomically, to every limit of a key that still counts it; never creates a
 * key, and deletes one that counts nothing afterwards (an empty sorted set goes by itself).
 *
 * KEYS: as for DECIDE.
 * ARGV: cost, chargedAt (the `now` DECIDE returned), then per limit: windowMs, algorithm.
 * Returns: 1.
 */
export const REFUND = script(`${COMMON}
local cost = tonumber(ARGV[1])
local charged_at = tonumber(ARGV[2])
for i = 1, #KEYS do
  local base = 3 + (i - 1) * 2
  local w = tonumber(ARGV[base])
  local key = KEYS[i]
  if ARGV[base + 1] == 'w' then
    if redis.call('EXISTS', key) == 1 then
      local state = roll_counter(key, w)
      local at = math.floor(charged_at / w)
      if at == state.idx then
        state.c = math.max(0, state.c - cost)
      elseif at == state.idx - 1 then
        state.p = math.max(0, state.p - cost)
      end
      if state.c == 0 and state.p == 0 then
        -- Nothing left counted (a failures-only success refunded): the key goes.
        redis.call('DEL', key)
      else
        redis.call('HSET', key, 's', state.idx, 'c', state.c, 'p', state.p)
      end
    end
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
    local members = redis.call('ZRANGEBYSCORE', key, charged_at, charged_at)
    for j = #members, 1, -1 do
      if cost_of(members[j]) == cost then
        redis.call('ZREM', key, members[j])
        break
      end
    end
  end
end
return 1
`)

/**
 * Counts a member once in a key's set, atomically (`RateLimitStore.distinct`). The set's fixed
 * window is its TTL, set only when the set is created, so adding never extends it; a full set
 * (`cap` members) takes no more, and `cap` 0 only reads. No clock is needed: Redis expires the set.
 *
 * KEYS: the set (`<prefix>{<key>}:d`).
 * ARGV: member, windowMs, cap.
 * Returns: { count, seen (0/1), resetIn (ms; 0 without a live set) }.
 */
export const DISTINCT = script(`
local key = KEYS[1]
local member = ARGV[1]
local w = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local size = redis.call('SCARD', key)
if size == 0 then
  if cap == 0 then return { 0, 0, 0 } end
  redis.call('SADD', key, member)
  redis.call('PEXPIRE', key, w)
  return { 1, 0, w }
end
local ttl = redis.call('PTTL', key)
if ttl < 0 then
  -- A set without a TTL was not written by this script: give it a window from now, not forever.
  redis.call('PEXPIRE', key, w)
  ttl = w
end
if redis.call('SISMEMBER', key, member) == 1 then return { size, 1, ttl } end
if cap == 0 then return { size, 0, ttl } end
if size >= cap then return { cap + 1, 0, ttl } end
redis.call('SADD', key, member)
return { size + 1, 0, ttl }
`)

/** The decision script's source and SHA-1, to load it ahead of time (`SCRIPT LOAD`). */
export const DECIDE_SCRIPT = DECIDE.source
export const DECIDE_SHA = DECIDE.sha
/** The refund script's source and SHA-1. */
export const REFUND_SCRIPT = REFUND.source
export const REFUND_SHA = REFUND.sha
/** The distinct-members script's source and SHA-1. */
export const DISTINCT_SCRIPT = DISTINCT.source
export const DISTINCT_SHA = DISTINCT.sha
