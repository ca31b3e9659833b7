/**
 * The Redis ledger's Lua scripts: reserve, settle (commit or release) and usage, each beginning
 * with the expiry of every hold that is due. Each runs atomically in Redis, so a reserve across
 * several budgets, a settle or an expiry is applied whole or not at all, whichever process sent it.
 *
 * Key layout under a prefix P (the braces are a Redis Cluster hash tag: one ledger, one slot):
 *   {P}:budget:<budget key>  hash  spent, reserved      integer nano-USD
 *   {P}:open                 zset  holdId -> expiresAt  every unsettled hold
 *   {P}:hold:<holdId>        hash  amount, keys (JSON array), status, expiresAt, settledAt
 *
 * Like the memory ledger, every script first expires every hold that is due at its `now`, in
 * any budget: so even guards whose clocks differ a little see exactly what the memory ledger
 * would have seen given the same calls.
 *
 * Every ARGV starts with: prefix ("{P}:", after an ioredis keyPrefix if the client has one), now
 * (the guard's clock, epoch ms), retention (ms). Scripts build every key from that prefix; KEYS
 * are declared for routing only (ioredis prepends its keyPrefix to them, never to ARGV).
 * Money only ever moves through HINCRBY on integer strings; Lua numbers (doubles) are used for
 * comparisons, and every value they hold stays below 2^53 (see redis-nano-usd.ts).
 */

const COMMON = `
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])

local openHolds = prefix .. 'open'
local function budgetKey(key) return prefix .. 'budget:' .. key end
local function holdKey(id) return prefix .. 'hold:' .. id end
local function integer(n) return string.format('%.0f', n) end

-- Resolves an open hold: its amount leaves "reserved" in each of its budgets and, unless released,
-- becomes spent (an expired hold counts as spent: its outcome was never seen and may have been billed).
-- A budget whose window has already been forgotten has nothing left to correct.
local function settle(id, amount, keysJson, status)
  for _, key in ipairs(cjson.decode(keysJson)) do
    local budget = budgetKey(key)
    if amount ~= '0' and redis.call('EXISTS', budget) == 1 then
      redis.call('HINCRBY', budget, 'reserved', '-' .. amount)
      if status ~= 'released' then redis.call('HINCRBY', budget, 'spent', amount) end
    end
  end
  redis.call('ZREM', openHolds, id)
  local hold = holdKey(id)
  redis.call('HSET', hold, 'status', status, 'settledAt', ARGV[2])
  -- Settled holds are remembered for the retention period, so a repeated settle stays a no-op.
  redis.call('PEXPIRE', hold, integer(retention))
end

-- Expires every hold whose time is up (expiresAt <= now). Each hold is expired once, so the
-- cost is one sorted-set lookup per call plus the holds that are due.
local function expireDue()
  local due = redis.call('ZRANGEBYSCORE', openHolds, '-inf', ARGV[2])
  for _, id in ipairs(due) do
    local hold = redis.call('HMGET', holdKey(id), 'amount', 'keys', 'status')
    if hold[3] == 'held' then
      settle(id, hold[1], hold[2], 'expired')
    else
      -- Forgotten after a long idle spell (see holdRetentionMs): nothing left to count.
      redis.call('ZREM', openHolds, id)
    end
  end
end
expireDue()
`;

/**
 * KEYS: the hold, the open-hold set, each budget's hash (declared for Redis Cluster routing).
 * ARGV: prefix, now, retention, holdId, amount, expiresAt, keysJson (unique keys), then
 * key, limit, windowEndsAt ('' when none) for each budget in the caller's order.
 * Returns {'ok'} or {'refused', key, limit, spent, reserved, remaining} (nano-USD strings).
 */
export const RESERVE_SCRIPT = `${COMMON}
local holdId, amountText, expiresAtText, keysJson = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local amount, expiresAt = tonumber(amountText), tonumber(expiresAtText)
local count = (#ARGV - 7) / 3

local hold = holdKey(holdId)
-- The same hold again (open or settled) is a no-op: the first call already decided.
if redis.call('EXISTS', hold) == 1 then return {'ok'} end

-- The one budget rule (src/core/budget/decide.ts): spent + reserved + amount <= limit in every
-- budget, equal fits, and the first budget in the caller's order that it would break refuses.
local existed = {}
for i = 1, count do
  local key, limitText = ARGV[3 * i + 5], ARGV[3 * i + 6]
  local usage = redis.call('HMGET', budgetKey(key), 'spent', 'reserved')
  local spent, reserved = usage[1] or '0', usage[2] or '0'
  -- Every stored budget has a "reserved" field (HINCRBY below creates it).
  existed[key] = usage[2] ~= false
  local remaining = tonumber(limitText) - tonumber(spent) - tonumber(reserved)
  if amount > remaining then
    if remaining < 0 then remaining = 0 end
    return {'refused', key, limitText, spent, reserved, integer(remaining)}
  end
end

local seen = {}
local persistent = false
local holdTtl = math.ceil(math.max(expiresAt - now, 0) + retention)
for i = 1, count do
  local key, windowEndsAt = ARGV[3 * i + 5], ARGV[3 * i + 7]
  if not seen[key] then
    seen[key] = true
    local budget = budgetKey(key)
    redis.call('HINCRBY', budget, 'reserved', amountText)
    if windowEndsAt == '' then
      -- A budget without a window never ends (windows are encoded in keys by the guard).
      persistent = true
    else
      -- A windowed budget forgets itself a retention period after its window (and its latest
      -- hold) ends: a new window is a new key, so no sweeper is needed. Never shorten a TTL.
      local ttl = math.ceil(math.max(tonumber(windowEndsAt) - now, expiresAt - now, 0) + retention)
      local before = -2
      if existed[key] then before = redis.call('PTTL', budget) end
      if before == -1 then
        persistent = true
      elseif before < ttl then
        redis.call('PEXPIRE', budget, integer(ttl))
      else
        ttl = before
      end
      if ttl > holdTtl then holdTtl = ttl end
    end
  end
end

redis.call('ZADD', openHolds, expiresAtText, holdId)
redis.call('HSET', hold, 'amount', amountText, 'keys', keysJson, 'status', 'held', 'expiresAt', expiresAtText)
-- An open hold lives as long as its longest-lived budget; under a budget that never ends it
-- stays until it is settled or expires.
if not persistent then redis.call('PEXPIRE', hold, integer(holdTtl)) end
return {'ok'}
`;

/**
 * KEYS: the hold, the open-hold set. ARGV: prefix, now, retention, holdId, 'committed' | 'released'.
 * Returns the SettleResult.
 */
export const SETTLE_SCRIPT = `${COMMON}
local holdId, wanted = ARGV[4], ARGV[5]
local hold = redis.call('HMGET', holdKey(holdId), 'amount', 'keys', 'status')
local status = hold[3]
if not status then return 'unknown' end
-- A hold that was due has just been expired above, and reports 'expired'.
if status == 'held' then
  settle(holdId, hold[1], hold[2], wanted)
  return wanted
end
if status == 'committed' then return 'already_committed' end
if status == 'released' then return 'already_released' end
return 'expired'
`;

/**
 * KEYS: the open-hold set, each budget's hash. ARGV: prefix, now, retention, then the budget keys.
 * Expires what is due, then returns spent, reserved (nano-USD strings) for each key in order.
 */
export const USAGE_SCRIPT = `${COMMON}
local out = {}
for i = 4, #ARGV do
  local usage = redis.call('HMGET', budgetKey(ARGV[i]), 'spent', 'reserved')
  out[#out + 1] = usage[1] or '0'
  out[#out + 1] = usage[2] or '0'
end
return out
`;
