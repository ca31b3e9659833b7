/**
 * The Redis ledger's Lua scripts, one per operation. Each runs atomically in Redis and begins
 * with the expiry of every hold that is due, so a reserve across several budgets, a settle, an
 * expiry and the journal entry of each settlement are applied whole, whichever process sent it.
 *
 * Key layout under a prefix P (the braces are a Redis Cluster hash tag: one ledger, one slot):
 *   {P}:budget:<budget key>  hash    spent, reserved (nano-USD), open (open holds), limit (the
 *                                    last limit reserved against, nano-USD), windowEndsAt
 *   {P}:budgets              zset    budget key -> when its hash expires (Redis ms; +inf: never),
 *                                    so `inspect` lists budgets without SCAN
 *   {P}:open                 zset    holdId -> expiresAt, every unsettled hold
 *   {P}:hold:<holdId>        hash    amount, keys (JSON array), status, expiresAt, settledAt,
 *                                    requestId, app, and the call's details (endpoint, provider,
 *                                    pricingVersion, pricingSha256, scope as JSON)
 *   {P}:request:<requestId>  string  holdId; expires with its hold
 *   {P}:journal              stream  one entry per settled hold, trimmed by age (MINID ~)
 *   {P}:journal-lag          string  how far (ms) an entry's id has run ahead of its `at`
 *   {P}:epoch                string  a random id, written with the ledger's first operation
 *
 * Every ARGV starts with: prefix ("{P}:", after an ioredis keyPrefix if the client has one), now
 * (the caller's clock, epoch ms, a non-negative integer), hold retention (ms), journal retention
 * (ms), the epoch this process saw (refused when {P}:epoch is gone or another: Redis lost data). Scripts build every key from that prefix; KEYS are declared for routing only (ioredis
 * prepends its keyPrefix to them, never to ARGV). Money only ever moves through HINCRBY on
 * integer strings; Lua numbers (doubles) are used for comparisons, and every value they hold
 * stays below 2^53 (see src/core/budget/nano-usd.ts).
 *
 * Redis does not undo a script that fails half-way. Under maxmemory it refuses a write that adds
 * data (OOM) only if it is the script's first write, so no script is stopped half-way by memory:
 * each one's first write is one that adds data (a settlement's XADD, a reserve's HINCRBY, a
 * link's SET), and a full Redis refuses the operation whole. The other failure outside a
 * script's control, an id clash in the stream, is ruled out by reading the stream's last id; and
 * since each settlement writes its journal entry first, a refused XADD leaves nothing of it.
 */

/**
 * Needs \`budgetIndex\`. Every budget hash is listed in the index with the time
 * Redis will expire it, so a hash that is gone before that time was deleted by something else:
 * evicted (a policy changed after the ledger checked it), or removed by hand. Its spend would
 * read as zero, so the script stops with an error the ledger turns into LedgerUnavailableError.
 */
const LOST_BUDGET = `
local redisNowMs
-- Redis's own clock, read once per script: it is the clock that expires keys.
local function redisNow()
  if not redisNowMs then
    local time = redis.call('TIME')
    redisNowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  end
  return redisNowMs
end
-- A second of slack: the index time was read from PTTL at another moment than this TIME.
local function refuseIfLost(key)
  local listedUntil = redis.call('ZSCORE', budgetIndex, key)
  if listedUntil and (listedUntil == 'inf' or tonumber(listedUntil) > redisNow() + 1000) then
    error({err = 'FALBUDGET_LOST ' .. key})
  end
end
`;

const COMMON = `
local prefix = ARGV[1]
local nowText = ARGV[2]
local now = tonumber(nowText)
local retention = tonumber(ARGV[3])
local journalRetention = tonumber(ARGV[4])

-- The epoch this process saw (see EPOCH_SCRIPT), taken out of ARGV so that each script's own
-- arguments still start at ARGV[5].
local expectedEpoch = table.remove(ARGV, 5)
local storedEpoch = redis.call('GET', prefix .. 'epoch')
if storedEpoch ~= expectedEpoch then error({err = 'FALBUDGET_EPOCH ' .. (storedEpoch or '')}) end

local openHolds = prefix .. 'open'
local budgetIndex = prefix .. 'budgets'
local journalKey = prefix .. 'journal'
local journalLagKey = prefix .. 'journal-lag'
local function budgetKey(key) return prefix .. 'budget:' .. key end
local function holdKey(id) return prefix .. 'hold:' .. id end
local function requestKey(id) return prefix .. 'request:' .. id end
local function integer(n) return string.format('%.0f', n) end
${LOST_BUDGET}
-- The hold fields a settlement reads; 4 to 9 are copied into its journal entry when present.
local HOLD_FIELDS = {'amount', 'keys', 'status', 'requestId', 'endpoint', 'provider', 'pricingVersion', 'pricingSha256', 'scope', 'app'}
local function readHold(id) return redis.call('HMGET', holdKey(id), unpack(HOLD_FIELDS)) end

-- Stream ids must grow; the callers' clocks need not. An entry's id is max(now, the last id),
-- so an id is never below its entry's \`at\`; how far it ran ahead is kept for range reads.
local lastMs, lastSeq
local function nextJournalId()
  if lastMs == nil then
    lastMs, lastSeq = -1, 0
    if redis.call('EXISTS', journalKey) == 1 then
      local info = redis.call('XINFO', 'STREAM', journalKey)
      for i = 1, #info, 2 do
        if info[i] == 'last-generated-id' then
          local ms, seq = string.match(info[i + 1], '^(%d+)%-(%d+)$')
          lastMs, lastSeq = tonumber(ms), tonumber(seq)
        end
      end
    end
  end
  if now > lastMs then
    lastMs, lastSeq = now, 0
    if now == 0 then lastSeq = 1 end -- 0-0 is not a valid stream id
  else
    lastSeq = lastSeq + 1
  end
  return integer(lastMs) .. '-' .. integer(lastSeq)
end

local function appendJournal(entry)
  local id = nextJournalId()
  local trimBelow = lastMs - journalRetention
  if trimBelow < 0 then trimBelow = 0 end
  redis.call('XADD', journalKey, 'MINID', '~', integer(trimBelow), id, unpack(entry))
  local lag = lastMs - now
  if lag > 0 and lag > tonumber(redis.call('GET', journalLagKey) or '0') then
    redis.call('SET', journalLagKey, integer(lag))
  end
end

-- Resolves an open hold: its journal entry first (see above), then its amount leaves "reserved"
-- in each of its budgets and, unless released, becomes spent (an expired hold counts as spent:
-- its outcome was never seen and may have been billed). A budget whose window has already been
-- forgotten has nothing left to correct.
local function settle(id, hold, status)
  local entry = {'at', nowText, 'outcome', status, 'holdId', id, 'amount', hold[1], 'budgets', hold[2]}
  for i = 4, 9 do
    if hold[i] then
      entry[#entry + 1] = HOLD_FIELDS[i]
      entry[#entry + 1] = hold[i]
    end
  end
  appendJournal(entry)
  for _, key in ipairs(cjson.decode(hold[2])) do
    local budget = budgetKey(key)
    if redis.call('EXISTS', budget) == 1 then
      redis.call('HINCRBY', budget, 'open', -1)
      if hold[1] ~= '0' then
        redis.call('HINCRBY', budget, 'reserved', '-' .. hold[1])
        if status ~= 'released' then redis.call('HINCRBY', budget, 'spent', hold[1]) end
      end
    end
  end
  redis.call('ZREM', openHolds, id)
  local record = holdKey(id)
  redis.call('HSET', record, 'status', status, 'settledAt', nowText)
  -- Settled holds, and their request links, are remembered for the retention period, so a
  -- repeated settle stays a no-op.
  redis.call('PEXPIRE', record, integer(retention))
  if hold[4] then redis.call('PEXPIRE', requestKey(hold[4]), integer(retention)) end
end

-- Expires every hold whose time is up (expiresAt <= now), earliest first. Each hold is expired
-- once, so the cost is one sorted-set lookup per call plus the holds that are due.
local function expireDue()
  local due = redis.call('ZRANGEBYSCORE', openHolds, '-inf', nowText)
  for _, id in ipairs(due) do
    local hold = readHold(id)
    if hold[3] == 'held' then
      settle(id, hold, 'expired')
    else
      -- Forgotten after a long idle spell (see holdRetentionMs): nothing left to count.
      redis.call('ZREM', openHolds, id)
    end
  end
end

local ALREADY = {committed = 'already_committed', released = 'already_released', expired = 'expired'}

-- Settles a hold the caller named (by id or through its request link) after expireDue.
local function settleNamed(id, hold, wanted)
  local status = hold[3]
  if not status then return 'unknown' end
  -- A hold that was due has just been expired above, and reports 'expired'.
  if status == 'held' then
    settle(id, hold, wanted)
    return wanted
  end
  return ALREADY[status] or 'unknown'
end

expireDue()
`;

/**
 * KEYS: the hold, the open-hold set, the budget index, the journal, each budget's hash.
 * ARGV: the common four, holdId, amount, expiresAt, keysJson (unique keys), n, then n detail
 * field/value pairs, then key, limit, windowEndsAt ('' when none) for each budget in the caller's
 * order. Returns {'ok'} or {'refused', key, limit, spent, reserved, remaining} (nano-USD strings).
 */
export const RESERVE_SCRIPT = `${COMMON}
local holdId, amountText, expiresAtText, keysJson = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local amount, expiresAt = tonumber(amountText), tonumber(expiresAtText)
local detailCount = tonumber(ARGV[9])
local first = 10 + 2 * detailCount
local count = (#ARGV - first + 1) / 3
local function budgetArg(i, field) return ARGV[first + 3 * (i - 1) + field] end

local hold = holdKey(holdId)
-- The same hold again (open or settled) is a no-op: the first call already decided.
if redis.call('EXISTS', hold) == 1 then return {'ok'} end

-- The one budget rule (src/core/budget/decide.ts): spent + reserved + amount <= limit in every
-- budget, equal fits, and the first budget in the caller's order that it would break refuses.
local stored = {}
for i = 1, count do
  local key, limitText = budgetArg(i, 0), budgetArg(i, 1)
  local budget = redis.call('HMGET', budgetKey(key), 'spent', 'reserved', 'limit', 'windowEndsAt')
  local spent, reserved = budget[1] or '0', budget[2] or '0'
  -- Every stored budget has a "reserved" field (HINCRBY below creates it).
  if budget[2] then stored[key] = budget else refuseIfLost(key) end
  local remaining = tonumber(limitText) - tonumber(spent) - tonumber(reserved)
  if amount > remaining then
    if remaining < 0 then remaining = 0 end
    return {'refused', key, limitText, spent, reserved, integer(remaining)}
  end
end

-- Each key once, in the caller's order: a key listed twice is one budget, reserved once, under
-- the limit it was first listed with; as in the memory ledger, the last window end given wins.
local keys, limits, windowEnds = {}, {}, {}
for i = 1, count do
  local key, limitText, windowEndsAt = budgetArg(i, 0), budgetArg(i, 1), budgetArg(i, 2)
  if not limits[key] then
    keys[#keys + 1] = key
    limits[key] = limitText
  end
  if windowEndsAt ~= '' then windowEnds[key] = windowEndsAt end
end

local pruned = false
local persistent = false
local holdTtl = math.ceil(math.max(expiresAt - now, 0) + retention)
for _, key in ipairs(keys) do
  local budget = budgetKey(key)
  local before = stored[key] or {}
  redis.call('HINCRBY', budget, 'reserved', amountText)
  redis.call('HINCRBY', budget, 'open', 1)
  if before[3] ~= limits[key] then redis.call('HSET', budget, 'limit', limits[key]) end
  -- The index entry is written when the key is new (or predates the index) or its TTL moves.
  local reindex = not stored[key] or not before[3]
  local windowEndsAt = windowEnds[key]
  if not windowEndsAt then
    -- A budget without a window never ends (windows are encoded in keys by the guard).
    persistent = true
  else
    if before[4] ~= windowEndsAt then redis.call('HSET', budget, 'windowEndsAt', windowEndsAt) end
    -- A windowed budget forgets itself a retention period after its window (and its latest
    -- hold) ends: a new window is a new key, so no sweeper is needed. Never shorten a TTL.
    local ttl = math.ceil(math.max(tonumber(windowEndsAt) - now, expiresAt - now, 0) + retention)
    local left = -2
    if stored[key] then left = redis.call('PTTL', budget) end
    if left == -1 then
      persistent = true
    elseif left < ttl then
      redis.call('PEXPIRE', budget, integer(ttl))
      reindex = true
    else
      ttl = left
    end
    if ttl > holdTtl then holdTtl = ttl end
  end
  if reindex then
    -- Redis's own clock, only to know when a budget hash with a TTL will be gone; and index
    -- entries of budgets Redis has expired go now (after the first write: see the top).
    if not pruned then
      redis.call('ZREMRANGEBYSCORE', budgetIndex, '-inf', '(' .. integer(redisNow()))
      pruned = true
    end
    local left = redis.call('PTTL', budget)
    if left < 0 then
      redis.call('ZADD', budgetIndex, '+inf', key)
    else
      redis.call('ZADD', budgetIndex, integer(redisNow() + left), key)
    end
  end
end

redis.call('ZADD', openHolds, expiresAtText, holdId)
redis.call('HSET', hold, 'amount', amountText, 'keys', keysJson, 'status', 'held', 'expiresAt', expiresAtText)
if detailCount > 0 then redis.call('HSET', hold, unpack(ARGV, 10, first - 1)) end
-- An open hold lives as long as its longest-lived budget; under a budget that never ends it
-- stays until it is settled or expires.
if not persistent then redis.call('PEXPIRE', hold, integer(holdTtl)) end
return {'ok'}
`;

/**
 * KEYS: the hold, the open-hold set, the journal. ARGV: the common four, holdId,
 * 'committed' | 'released'. Returns the SettleResult.
 */
export const SETTLE_SCRIPT = `${COMMON}
local holdId = ARGV[5]
return settleNamed(holdId, readHold(holdId), ARGV[6])
`;

/**
 * KEYS: the request link, the open-hold set, the journal. ARGV: the common four, requestId,
 * 'committed' | 'released', '1' when an app is named, the app. Returns the SettleResult.
 */
export const SETTLE_REQUEST_SCRIPT = `${COMMON}
local holdId = redis.call('GET', requestKey(ARGV[5]))
if not holdId then return 'unknown' end
local hold = readHold(holdId)
if not hold[3] then return 'unknown' end
-- A link made without an app is another app to a settle that names one.
if ARGV[7] == '1' and hold[10] ~= ARGV[8] then return 'endpoint_mismatch' end
return settleNamed(holdId, hold, ARGV[6])
`;

/**
 * KEYS: the request link, the hold, the open-hold set, the journal. ARGV: the common four,
 * requestId, holdId, '1' when an app is named, the app. Returns 1 (linked to that hold) or 0.
 */
export const LINK_SCRIPT = `${COMMON}
local requestId, holdId = ARGV[5], ARGV[6]
local link = requestKey(requestId)
local linked = redis.call('GET', link)
-- The first link stands while its hold is remembered.
if linked and redis.call('EXISTS', holdKey(linked)) == 1 then
  if linked == holdId then return 1 end
  return 0
end
local hold = holdKey(holdId)
local holdTtl = redis.call('PTTL', hold)
if holdTtl == -2 then return 0 end
-- One request per hold (as in every ledger): a second id would outlive what it points at.
local current = redis.call('HGET', hold, 'requestId')
if current and current ~= requestId then return 0 end
-- As long as the hold: its TTL, or for a hold that has none yet (under a budget that never
-- ends), until a retention period after it expires; settling it sets both to the retention.
local ttl = holdTtl
if ttl < 0 then ttl = math.ceil(math.max(tonumber(redis.call('HGET', hold, 'expiresAt')) - now, 0) + retention) end
redis.call('SET', link, holdId, 'PX', integer(math.max(ttl, 1)))
redis.call('HSET', hold, 'requestId', requestId)
if ARGV[7] == '1' then redis.call('HSET', hold, 'app', ARGV[8]) end
return 1
`;

/**
 * KEYS: the request link, the open-hold set, the journal. ARGV: the common four, requestId.
 * Returns {} or {holdId, status, '1' | '0' (has an app), app}.
 */
export const LINK_OF_SCRIPT = `${COMMON}
local holdId = redis.call('GET', requestKey(ARGV[5]))
if not holdId then return {} end
local hold = redis.call('HMGET', holdKey(holdId), 'status', 'app')
if not hold[1] then return {} end
if hold[2] then return {holdId, hold[1], '1', hold[2]} end
return {holdId, hold[1], '0', ''}
`;

/**
 * KEYS: the open-hold set, the journal, each budget's hash. ARGV: the common four, then the
 * budget keys. Returns spent, reserved (nano-USD strings) for each key in order.
 */
export const USAGE_SCRIPT = `${COMMON}
local out = {}
for i = 5, #ARGV do
  local usage = redis.call('HMGET', budgetKey(ARGV[i]), 'spent', 'reserved')
  if not usage[2] then refuseIfLost(ARGV[i]) end
  out[#out + 1] = usage[1] or '0'
  out[#out + 1] = usage[2] or '0'
end
return out
`;

/**
 * KEYS: the budget index, the open-hold set, the journal. ARGV: the common four. Returns, for
 * every budget the index lists and Redis still has, key, limit, spent, reserved, open,
 * windowEndsAt ('' when absent). Index entries whose hash has expired are dropped.
 */
export const INSPECT_SCRIPT = `${COMMON}
local out = {}
for _, key in ipairs(redis.call('ZRANGE', budgetIndex, 0, -1)) do
  local budget = redis.call('HMGET', budgetKey(key), 'limit', 'spent', 'reserved', 'open', 'windowEndsAt')
  if budget[3] then
    out[#out + 1] = key
    out[#out + 1] = budget[1] or ''
    out[#out + 1] = budget[2] or '0'
    out[#out + 1] = budget[3]
    out[#out + 1] = budget[4] or '0'
    out[#out + 1] = budget[5] or ''
  else
    refuseIfLost(key)
    redis.call('ZREM', budgetIndex, key)
  end
end
return out
`;

/**
 * KEYS: the journal, its lag. ARGV: the prefix. Read-only (no expiry: the journal has no clock).
 * Returns {newest entry id or '', lag in ms}.
 */
export const JOURNAL_BOUNDS_SCRIPT = `
local prefix = ARGV[1]
local top = redis.call('XREVRANGE', prefix .. 'journal', '+', '-', 'COUNT', 1)
local lag = redis.call('GET', prefix .. 'journal-lag') or '0'
if top[1] then return {top[1][1], lag} end
return {'', lag}
`;

/**
 * KEYS: the budget index, the open-hold set. ARGV: prefix, now. For a read-only ledger
 * (`fal-budget ledger status`): what INSPECT_SCRIPT answers after its expiry, computed without a
 * single write, so Redis runs it as EVAL_RO. Each due hold's amount moves from reserved to spent
 * in the answer only (integers below 2^53: exact), and budgets Redis has forgotten are skipped,
 * not dropped from the index.
 */
export const INSPECT_READ_ONLY_SCRIPT = `
local prefix, now = ARGV[1], ARGV[2]
local budgetIndex = prefix .. 'budgets'
${LOST_BUDGET}
local dueAmount, dueCount = {}, {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', prefix .. 'open', '-inf', now)) do
  local hold = redis.call('HMGET', prefix .. 'hold:' .. id, 'amount', 'keys', 'status')
  if hold[3] == 'held' then
    for _, key in ipairs(cjson.decode(hold[2])) do
      dueAmount[key] = (dueAmount[key] or 0) + tonumber(hold[1])
      dueCount[key] = (dueCount[key] or 0) + 1
    end
  end
end
local function integer(n) return string.format('%.0f', n) end
local out = {}
for _, key in ipairs(redis.call('ZRANGE', prefix .. 'budgets', 0, -1)) do
  local budget = redis.call('HMGET', prefix .. 'budget:' .. key, 'limit', 'spent', 'reserved', 'open', 'windowEndsAt')
  if not budget[3] then refuseIfLost(key) end
  if budget[3] then
    local amount, count = dueAmount[key] or 0, dueCount[key] or 0
    out[#out + 1] = key
    out[#out + 1] = budget[1] or ''
    out[#out + 1] = integer(tonumber(budget[2] or '0') + amount)
    out[#out + 1] = integer(tonumber(budget[3]) - amount)
    out[#out + 1] = integer(tonumber(budget[4] or '0') - count)
    out[#out + 1] = budget[5] or ''
  end
end
return out
`;

/**
 * KEYS: the epoch key. ARGV: the prefix, a fresh random id. Returns the epoch every later script
 * of this process must find: the stored one, or (none stored: a new prefix, or one written
 * before epochs existed) the fresh id, stored now.
 */
export const EPOCH_SCRIPT = `
local key = ARGV[1] .. 'epoch'
local epoch = redis.call('GET', key)
if epoch then return epoch end
redis.call('SET', key, ARGV[2])
return ARGV[2]
`;
