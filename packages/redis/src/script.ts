import { createHash } from 'node:crypto'

/**
 * One decision, atomically: for every limit of a key, roll its window, check `cost`, then charge
 * every limit or none. The clock is the Redis server's TIME, so instances with skewed clocks agree.
 * The arithmetic is that of `@leakguard/core`'s algorithms.ts.
 *
 * KEYS: one per limit (a hash for a sliding-window counter, a sorted set for a sliding log), all
 * sharing one hash tag so Redis Cluster keeps them in one slot.
 * ARGV: mode ('consume' | 'check' | 'record'), cost, then per limit: windowMs, limit, algorithm
 * ('w' counter, 'l' log).
 * Returns: { allowed (0/1), then per limit: allowed, remaining, resetMs, retryAfterMs }.
 */
export const DECIDE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local mode = ARGV[1]
local cost = tonumber(ARGV[2])
local n = #KEYS
local plans = {}
local all = true

local function counter_wait(p, c, elapsed, w, target)
  if target < 0 then target = 0 end
  if c <= target then
    if p <= 0 then return 0 end
    local at = w * (1 - (target - c) / p)
    return math.max(0, math.ceil(at - elapsed))
  end
  return math.ceil(w - elapsed + w * (1 - target / c))
end

for i = 1, n do
  local base = 3 + (i - 1) * 3
  local w = tonumber(ARGV[base])
  local limit = tonumber(ARGV[base + 1])
  local algo = ARGV[base + 2]
  local key = KEYS[i]
  local plan = { algo = algo, w = w, limit = limit, key = key }
  if algo == 'w' then
    local v = redis.call('HMGET', key, 's', 'c', 'p')
    local idx = math.floor(now / w)
    local s = tonumber(v[1])
    local c = tonumber(v[2]) or 0
    local p = tonumber(v[3]) or 0
    plan.rolled = s ~= idx
    if plan.rolled then
      if s == idx - 1 then p = c else p = 0 end
      c = 0
    end
    plan.idx = idx
    plan.c = c
    plan.p = p
    plan.elapsed = now - idx * w
    plan.used = p * (w - plan.elapsed) / w + c
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
    local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    local used = 0
    local costs = {}
    local times = {}
    for j = 1, #entries, 2 do
      local unit = tonumber(string.match(entries[j], ':(%d+)$'))
      used = used + unit
      costs[#costs + 1] = unit
      times[#times + 1] = tonumber(entries[j + 1])
    end
    plan.used = used
    plan.costs = costs
    plan.times = times
  end
  plan.ok = (mode == 'record') or (plan.used + cost <= limit)
  if not plan.ok then all = false end
  plans[i] = plan
end

local charge = (mode == 'record') or (mode == 'consume' and all)
local out = { all and 1 or 0 }
for i = 1, n do
  local plan = plans[i]
  local w = plan.w
  local limit = plan.limit
  local remaining, reset, retry
  if plan.algo == 'w' then
    local c = plan.c
    if charge then c = c + cost end
    if charge then
      if plan.rolled then
        -- A new fixed window: it and the next one must outlive this write.
        redis.call('HSET', plan.key, 's', plan.idx, 'c', c, 'p', plan.p)
        redis.call('PEXPIRE', plan.key, 2 * w)
      else
        redis.call('HINCRBY', plan.key, 'c', cost)
      end
    end
    local after = plan.p * (w - plan.elapsed) / w + c
    remaining = math.max(0, math.floor(limit - after))
    reset = counter_wait(plan.p, c, plan.elapsed, w, 0)
    retry = 0
    if not plan.ok then retry = counter_wait(plan.p, c, plan.elapsed, w, limit - cost) end
  else
    local used = plan.used
    local times = plan.times
    local costs = plan.costs
    if charge then
      redis.call('ZADD', plan.key, now, now .. ':' .. #times .. ':' .. cost)
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
`

/** SHA-1 of the script, as `EVALSHA` and `SCRIPT LOAD` name it. */
export const DECIDE_SHA = createHash('sha1').update(DECIDE_SCRIPT).digest('hex')
