/**
 * The drop queue's Lua scripts. Every script gets the same four keys, all under the drop's
 * hash tag (one Cluster slot): M meta hash, Q waiting tickets (zset, score = rank),
 * T tickets (hash user -> JSON), H holds (zset user -> expiry ms). Time is Redis' own clock
 * (TIME), so every replica sees the same "now" and the open is one instant for everyone.
 *
 * Ticket JSON: id (ticket id), s (W waiting, A admitted, C claimed by an order in flight,
 * O ordered, E expired), n (join number), p (1: joined before the open), q (units held),
 * x (hold expiry ms), h (admission number), k (the idempotency key that claimed the hold).
 *
 * `advance(now)`: expired holds give their units back, the admission bucket refills at `rate`
 * per second (capacity one second), and the head of the queue is admitted while tokens and
 * unheld units remain. It runs in every script that writes (open, claim, settle, release, give
 * back) and in the status read, which the drop ticker (gate/drop-ticker.ts) calls every 100 ms
 * on each replica; joins and polls do not run it (see QUEUE).
 */
const PRELUDE = `
local M, Q, T, H = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local function nowMs() local t = redis.call('TIME'); return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
local function num(v) return tonumber(v) or 0 end
local function getT(user) local raw = redis.call('HGET', T, user); if raw then return cjson.decode(raw) end; return nil end
local function putT(user, t) redis.call('HSET', T, user, cjson.encode(t)) end
local function advance(now)
  local m = redis.call('HMGET', M, 'status', 'unheld', 'tokens', 'tokensAt', 'rate', 'cap', 'holdMs', 'admitted')
  local status = m[1]
  if status ~= 'OPEN' and status ~= 'SOLD_OUT' then return status end
  local unheld, tokens, tokensAt, rate = num(m[2]), num(m[3]), num(m[4]), num(m[5])
  local cap, holdMs, admitted = num(m[6]), num(m[7]), num(m[8])
  local expired = redis.call('ZRANGEBYSCORE', H, '-inf', now, 'LIMIT', 0, 500)
  for _, user in ipairs(expired) do
    local t = getT(user)
    if t and (t.s == 'A' or t.s == 'C') then unheld = unheld + t.q; t.s = 'E'; putT(user, t) end
    redis.call('ZREM', H, user)
  end
  if now > tokensAt then tokens = math.min(rate, tokens + (now - tokensAt) * rate / 1000) end
  while tokens >= 1 and unheld >= 1 do
    local head = redis.call('ZPOPMIN', Q, 1)
    if #head == 0 then break end
    local user = head[1]
    local t = getT(user)
    local q = math.min(cap, unheld)
    unheld = unheld - q; tokens = tokens - 1; admitted = admitted + 1
    t.s = 'A'; t.q = q; t.x = now + holdMs; t.h = admitted
    putT(user, t)
    redis.call('ZADD', H, t.x, user)
  end
  if unheld <= 0 and redis.call('ZCARD', H) == 0 then status = 'SOLD_OUT' else status = 'OPEN' end
  redis.call('HSET', M, 'status', status, 'unheld', unheld, 'tokens', tostring(tokens), 'tokensAt', now, 'admitted', admitted)
  return status
end
local function state(status, now)
  local m = redis.call('HMGET', M, 'opensAt', 'admitted', 'units', 'sold', 'seed', 'rate', 'product')
  return {status, m[1] or '0', redis.call('ZCARD', Q), m[2] or '0', m[3] or '', m[4] or '0', redis.call('ZCARD', H), m[5] or '', now, m[6] or '1', m[7] or ''}
end
`;

// Post-open joiners rank after every pre-queue ticket (whose ranks are 0..N-1 after the open).
const POST_OPEN_OFFSET = 1e12;

/**
 * ARGV: mode ('join' | 'poll' | 'status'), user, new ticket id (join only).
 * Returns {state..., ticket JSON or '', position (0: none)}; {'NO_DROP'} when the drop is unknown.
 *
 * Only 'status' runs advance() (the drop ticker calls it every 100 ms on each replica, and it
 * is what GET /api/drops/:id reads). A poll only reads, and a join only adds its ticket: a crowd
 * of thousands then costs Redis a few reads each instead of advance()'s writes each. A hold
 * whose time ran out reads as expired at once; its units go back on the next tick.
 */
export const QUEUE = `${PRELUDE}
local mode, user = ARGV[1], ARGV[2]
local now = nowMs()
local status
if mode == 'status' then status = advance(now) else status = redis.call('HGET', M, 'status') end
if not status then return {'NO_DROP'} end
if mode == 'status' then return {state(status, now), '', 0} end
local t = getT(user)
if not t and mode == 'join' and status ~= 'CLOSED' then
  local n = redis.call('HINCRBY', M, 'seq', 1)
  local pre = (status == 'SCHEDULED' and now < num(redis.call('HGET', M, 'opensAt'))) and 1 or 0
  t = {id = ARGV[3], s = 'W', n = n, p = pre}
  putT(user, t)
  redis.call('ZADD', Q, pre == 1 and n or (${POST_OPEN_OFFSET} + n), user)
end
if not t then return {state(status, now), '', 0} end
if t.s == 'A' and now >= num(t.x) then t.s = 'E' end
local pos = 0
if t.s == 'W' then local r = redis.call('ZRANK', Q, user); if r then pos = r + 1 end end
return {state(status, now), cjson.encode(t), pos}`;

/** ARGV: productId, opensAt ms, rate, holdMs, seedHash. Creates the meta hash once (NX semantics). */
export const SCHEDULE = `${PRELUDE}
if redis.call('EXISTS', M) == 1 then return 0 end
redis.call('HSET', M, 'status', 'SCHEDULED', 'product', ARGV[1], 'opensAt', ARGV[2], 'rate', ARGV[3], 'holdMs', ARGV[4],
  'seedHash', ARGV[5], 'admitted', 0, 'seq', 0, 'sold', 0)
return 1`;

/** The pre-queue, frozen once Redis' clock passed opensAt: {status, now, opensAt, user, ticket, user, ticket, ...}. */
export const PRE_QUEUE = `${PRELUDE}
local now = nowMs()
local m = redis.call('HMGET', M, 'status', 'opensAt')
local out = {m[1] or '', now, m[2] or '0'}
if m[1] ~= 'SCHEDULED' or now < num(m[2]) then return out end
local all = redis.call('HGETALL', T)
for i = 1, #all, 2 do
  local t = cjson.decode(all[i + 1])
  if t.p == 1 then out[#out + 1] = all[i]; out[#out + 1] = t.id end
end
return out`;

/**
 * ARGV: seed, units, cap, then the pre-queue users in shuffled order. Ranks them 0..N-1,
 * reveals the seed, starts admitting. 0 when not SCHEDULED (another replica opened it).
 */
export const OPEN = `${PRELUDE}
if redis.call('HGET', M, 'status') ~= 'SCHEDULED' then return 0 end
local now = nowMs()
for i = 4, #ARGV do redis.call('ZADD', Q, i - 4, ARGV[i]) end
redis.call('HSET', M, 'status', 'OPEN', 'seed', ARGV[1], 'units', ARGV[2], 'unheld', ARGV[2], 'cap', ARGV[3],
  'tokens', 1, 'tokensAt', now, 'openedAt', now)
advance(now)
return 1`;

/**
 * An order with the admission token is about to be created. ARGV: user, admission number, idempotency key, lease ms.
 * 'ok' (claimed now), 'same' (this key claimed it before: a retry), 'used', 'expired', 'invalid'.
 */
export const CLAIM = `${PRELUDE}
local now = nowMs()
advance(now)
local user, h, key = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local t = getT(user)
if not t or t.h ~= h then return 'invalid' end
if t.s == 'C' or t.s == 'O' then if t.k == key then return 'same' end; return 'used' end
if t.s ~= 'A' then return 'expired' end
if now >= t.x then return 'expired' end
t.s = 'C'; t.k = key
putT(user, t)
redis.call('ZADD', H, math.max(t.x, now + tonumber(ARGV[4])), user)
return 'ok'`;

/**
 * The order committed with `ordered` units of the hold: the rest go back at once (admitting
 * the next buyer). A hold whose lease ran out already gave its units back: take them again.
 * ARGV: user, admission number, ordered units.
 */
export const SETTLE = `${PRELUDE}
local now = nowMs()
local user, h, ordered = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local t = getT(user)
if not t or t.h ~= h or t.s == 'O' then return 0 end
local back = t.q - ordered
if t.s == 'E' then back = -ordered end
t.s = 'O'; t.o = ordered
putT(user, t)
redis.call('ZREM', H, user)
redis.call('HINCRBY', M, 'unheld', back)
redis.call('HINCRBY', M, 'sold', ordered)
advance(now)
return 1`;

/** The order was not created: the hold is the buyer's again until its own expiry. ARGV: user, admission number, key. */
export const RELEASE = `${PRELUDE}
local user, h, key = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local t = getT(user)
if not t or t.h ~= h or t.s ~= 'C' or t.k ~= key then return 0 end
t.s = 'A'; t.k = nil
putT(user, t)
redis.call('ZADD', H, t.x, user)
advance(nowMs())
return 1`;

/** An order of the drop ended without a sale (rejected, cancelled, expired): its units are for sale again. ARGV: units. */
export const GIVE_BACK = `${PRELUDE}
local s = redis.call('HGET', M, 'status')
if s ~= 'OPEN' and s ~= 'SOLD_OUT' then return 0 end
redis.call('HINCRBY', M, 'unheld', ARGV[1])
redis.call('HINCRBY', M, 'sold', -tonumber(ARGV[1]))
redis.call('HSET', M, 'status', 'OPEN')
advance(nowMs())
return 1`;

/**
 * An admin closed the drop: every ticket reads the final CLOSED state, admissions stop, and the
 * keys expire after ARGV[1] seconds (Postgres keeps the drop; a ticket is gone after that).
 * 0 when Redis does not know the drop.
 */
export const CLOSE = `${PRELUDE}
if redis.call('EXISTS', M) == 0 then return 0 end
if redis.call('HGET', M, 'status') ~= 'CLOSED' then redis.call('HSET', M, 'status', 'CLOSED', 'closedAt', nowMs()) end
for _, k in ipairs(KEYS) do redis.call('EXPIRE', k, ARGV[1]) end
return 1`;
