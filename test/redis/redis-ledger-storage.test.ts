import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { FalBudgetError, LedgerUnavailableError } from '../../src/core/errors/index.js';
import { InvalidOptionError } from '../../src/core/errors/invalid-option-error.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { describeWithRedis, type StartedRedis, useRedisServer, uniquePrefix } from './support/redis-server.js';

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;

describeWithRedis('Redis ledger: what it stores, and for how long', () => {
  let redis: StartedRedis;
  let client: Redis;
  useRedisServer((started) => ({ redis, client } = started));

  describe('key layout and exact amounts', () => {
    it('keeps spend and holds apart, as integer nano-USD under one hash-tagged prefix', async () => {
      const prefix = uniquePrefix('layout');
      const ledger = redisLedger({ client, prefix });
      await ledger.reserve({ holdId: 'call-1', amount: '12.5', budgets: [{ key: 'global', limit: '100' }, { key: 'user:42', limit: '20' }], now: T0, expiresAt: T0 + HOUR });
      await ledger.reserve({ holdId: 'call-2', amount: '0.000000001', budgets: [{ key: 'global', limit: '100' }], now: T0, expiresAt: T0 + 2 * HOUR });
      await ledger.commit('call-2', T0);
      expect(await client.hgetall(`{${prefix}}:budget:global`)).toEqual({ reserved: '12500000000', spent: '1', open: '1', limit: '100000000000' });
      expect(await client.hgetall(`{${prefix}}:budget:user:42`)).toEqual({ reserved: '12500000000', open: '1', limit: '20000000000' });
      expect(await client.zrange(`{${prefix}}:open`, 0, -1, 'WITHSCORES')).toEqual(['call-1', String(T0 + HOUR)]);
      expect(await client.zrange(`{${prefix}}:budgets`, 0, -1, 'WITHSCORES')).toEqual(['global', 'inf', 'user:42', 'inf']);
      expect(await client.hgetall(`{${prefix}}:hold:call-1`)).toEqual({
        amount: '12500000000', keys: '["global","user:42"]', status: 'held', expiresAt: String(T0 + HOUR),
      });
      expect(await client.hgetall(`{${prefix}}:hold:call-2`)).toMatchObject({ amount: '1', status: 'committed', settledAt: String(T0) });
      const [[id, fields]] = (await client.xrange(`{${prefix}}:journal`, '-', '+')) as [[string, string[]]];
      expect(id).toBe(`${T0}-0`);
      expect(fields).toEqual(['at', String(T0), 'outcome', 'committed', 'holdId', 'call-2', 'amount', '1', 'budgets', '["global"]']);
    });

    it('keeps every key under an ioredis keyPrefix, when the client has one', async () => {
      const prefix = uniquePrefix('key-prefix');
      const prefixed = new Redis(redis.url, { keyPrefix: 'someapp:' });
      const ledger = redisLedger({ client: prefixed, prefix });
      await ledger.reserve({ holdId: 'h', amount: '1', budgets: [{ key: 'g', limit: '5' }], now: T0, expiresAt: T0 + HOUR });
      await ledger.commit('h', T0);
      expect((await client.keys(`*{${prefix}}*`)).sort()).toEqual(
        ['budget:g', 'budgets', 'epoch', 'hold:h', 'journal'].map((name) => `someapp:{${prefix}}:${name}`),
      );
      const entries = [];
      for await (const entry of ledger.journal()) entries.push(entry);
      expect(entries).toEqual([{ at: T0, outcome: 'committed', holdId: 'h', amount: '1.00', budgets: ['g'] }]);
      await prefixed.quit();
    });

    it('rounds an amount with more than 9 decimals UP to the next nano-USD (never under-counts)', async () => {
      const ledger = redisLedger({ client, prefix: uniquePrefix('round') });
      await ledger.reserve({ holdId: 'a', amount: '1.0000000001', budgets: [{ key: 'g', limit: '2' }], now: T0, expiresAt: T0 + HOUR });
      await ledger.reserve({ holdId: 'b', amount: '0.0000000000001', budgets: [{ key: 'g', limit: '2' }], now: T0, expiresAt: T0 + HOUR });
      await expect(ledger.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '1.000000002' }]);
    });

    it('is exact at the $9,000,000 ceiling, one nano-USD at a time', async () => {
      const ledger = redisLedger({ client, prefix: uniquePrefix('ceiling') });
      const budgets = [{ key: 'big', limit: '9000000' }, { key: 'also', limit: '9000000.00' }];
      await expect(ledger.reserve({ holdId: 'a', amount: '8999999.999999999', budgets, now: T0, expiresAt: T0 + HOUR })).resolves.toEqual({ ok: true });
      await ledger.commit('a', T0);
      await expect(ledger.reserve({ holdId: 'b', amount: '0.000000002', budgets, now: T0, expiresAt: T0 + HOUR })).resolves.toEqual({
        ok: false, refusal: { key: 'big', limit: '9000000.00', spent: '8999999.999999999', reserved: '0.00', remaining: '0.000000001' },
      });
      await expect(ledger.reserve({ holdId: 'c', amount: '0.000000001', budgets, now: T0, expiresAt: T0 + HOUR })).resolves.toEqual({ ok: true });
      await expect(ledger.usage(['big', 'also'], T0 + 2 * HOUR)).resolves.toEqual([
        { key: 'big', spent: '9000000.00', reserved: '0.00' },
        { key: 'also', spent: '9000000.00', reserved: '0.00' },
      ]);
    });

    it('refuses, before touching Redis, limits and amounts it cannot hold exactly, naming the field', async () => {
      const prefix = uniquePrefix('reject');
      const ledger = redisLedger({ client, prefix });
      const attempt = (amount: string, limit: string) =>
        ledger.reserve({ holdId: 'x', amount, budgets: [{ key: 'ok', limit: '1' }, { key: 'g', limit }], now: T0, expiresAt: T0 + HOUR });
      await expect(attempt('1', '9000000.000000001')).rejects.toThrow('ledger: budgets[1].limit "9000000.000000001" is above the ledgers\' ceiling of $9000000.00 (9e15 nano-USD)');
      await expect(attempt('9000000.000000001', '1')).rejects.toThrow('amount "9000000.000000001" is above the ledgers\' ceiling');
      await expect(attempt('1', '0.0000000001')).rejects.toThrow('budgets[1].limit "0.0000000001" has more than 9 decimals');
      for (const bad of ['-1', '1e3', 'abc', '', ' 1']) {
        const error = await attempt(bad, '1').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(FalBudgetError);
        expect(error).toMatchObject({ code: 'invalid_ledger_amount', message: `ledger: amount ${JSON.stringify(bad)} is not an unsigned USD decimal string such as "12.50"` });
      }
      for (const now of [Number.NaN, 1.5, -1, 2 ** 53]) {
        await expect(ledger.reserve({ holdId: 'x', amount: '1', budgets: [], now, expiresAt: T0 })).rejects.toThrow(`redisLedger: now must be a whole, non-negative epoch time in ms, got ${now}`);
      }
      await expect(ledger.reserve({ holdId: 'x', amount: '1', budgets: [], now: T0, expiresAt: 1e300 })).rejects.toThrow('expiresAt must be a whole epoch time in ms');
      await expect(ledger.reserve({ holdId: 'x', amount: '1', budgets: [], now: T0, expiresAt: T0, details: { endpoint: 7 as unknown as string } })).rejects.toThrow('details.endpoint must be a string');
      await expect(ledger.reserve({ holdId: 'x', amount: '1', budgets: [], now: T0, expiresAt: T0, details: { scope: { user: 42 as unknown as string } } })).rejects.toThrow('details.scope.user must be a string');
      expect(await client.keys(`{${prefix}}:*`)).toEqual([]);
    });
  });

  describe('retention: windows and settled holds vanish by themselves', () => {
    it('gives a windowed budget a TTL of window end + retention, and an endless budget none', async () => {
      const prefix = uniquePrefix('ttl');
      const ledger = redisLedger({ client, prefix, holdRetentionMs: HOUR });
      await ledger.reserve({
        holdId: 'h', amount: '1', now: T0, expiresAt: T0 + 60_000,
        budgets: [{ key: 'day:2027-01-01', limit: '5', windowEndsAt: T0 + 2 * HOUR }, { key: 'forever', limit: '5' }],
      });
      const windowTtl = await client.pttl(`{${prefix}}:budget:day:2027-01-01`);
      expect(windowTtl).toBeGreaterThan(3 * HOUR - 60_000);
      expect(windowTtl).toBeLessThanOrEqual(3 * HOUR);
      expect(await client.pttl(`{${prefix}}:budget:forever`)).toBe(-1);
      // An open hold under an endless budget stays until it is settled or expires.
      expect(await client.pttl(`{${prefix}}:hold:h`)).toBe(-1);
      await ledger.release('h', T0 + 1);
      const settledTtl = await client.pttl(`{${prefix}}:hold:h`);
      expect(settledTtl).toBeGreaterThan(HOUR - 60_000);
      expect(settledTtl).toBeLessThanOrEqual(HOUR);
    });

    it('forgets a finished window and its settled holds after the retention period, with no sweeper', async () => {
      const prefix = uniquePrefix('vanish');
      const ledger = redisLedger({ client, prefix, holdRetentionMs: 150 });
      const now = Date.now();
      await ledger.reserve({ holdId: 'h', amount: '1', now, expiresAt: now + 50, budgets: [{ key: 'minute', limit: '5', windowEndsAt: now + 100 }] });
      await ledger.commit('h', Date.now());
      expect(await client.exists(`{${prefix}}:budget:minute`, `{${prefix}}:hold:h`)).toBe(2);
      for (let waited = 0; waited < 5_000 && (await client.exists(`{${prefix}}:budget:minute`, `{${prefix}}:hold:h`)) > 0; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // What stays is the journal, and the index entry of the budget, dropped by the next reserve or inspect.
      expect((await client.keys(`{${prefix}}:*`)).sort()).toEqual([`{${prefix}}:budgets`, `{${prefix}}:epoch`, `{${prefix}}:journal`]);
      await expect(ledger.inspect(Date.now())).resolves.toEqual([]);
      expect(await client.zcard(`{${prefix}}:budgets`)).toBe(0);
      // After retention a repeated settle no longer remembers the hold: the same as the memory ledger after pruning.
      await expect(ledger.commit('h', Date.now())).resolves.toBe('unknown');
    });

    it('keeps an open hold as long as its longest-lived windowed budget', async () => {
      const prefix = uniquePrefix('hold-ttl');
      const ledger = redisLedger({ client, prefix, holdRetentionMs: HOUR });
      await ledger.reserve({
        holdId: 'h', amount: '1', now: T0, expiresAt: T0 + 60_000,
        budgets: [{ key: 'day', limit: '5', windowEndsAt: T0 + HOUR }, { key: 'month', limit: '50', windowEndsAt: T0 + 20 * HOUR }],
      });
      const monthTtl = await client.pttl(`{${prefix}}:budget:month`);
      const holdTtl = await client.pttl(`{${prefix}}:hold:h`);
      expect(holdTtl).toBeGreaterThan(20 * HOUR);
      expect(Math.abs(holdTtl - monthTtl)).toBeLessThan(1_000);
    });
  });

  describe('the journal stream, request links and the budget index', () => {
    async function entries(ledger: ReturnType<typeof redisLedger>, query = {}) {
      const out = [];
      for await (const entry of ledger.journal(query)) out.push(entry);
      return out;
    }
    const reserveOne = (ledger: ReturnType<typeof redisLedger>, holdId: string, now = T0) =>
      ledger.reserve({ holdId, amount: '1', budgets: [{ key: 'g', limit: '1000' }], now, expiresAt: now + HOUR });

    it('keeps entries in settlement order when clocks disagree, and still reads them by their own time', async () => {
      const prefix = uniquePrefix('journal-order');
      const ledger = redisLedger({ client, prefix });
      await reserveOne(ledger, 'ahead');
      await reserveOne(ledger, 'behind');
      await ledger.commit('ahead', T0 + 100);
      await ledger.release('behind', T0 + 50); // another instance, its clock 50 ms behind
      const ids = (await client.xrange(`{${prefix}}:journal`, '-', '+')).map(([id]) => id);
      expect(ids).toEqual([`${T0 + 100}-0`, `${T0 + 100}-1`]);
      expect(await client.get(`{${prefix}}:journal-lag`)).toBe('50');
      expect((await entries(ledger)).map((entry) => [entry.holdId, entry.at])).toEqual([['ahead', T0 + 100], ['behind', T0 + 50]]);
      // Its id is later than its time; a read that ends before the first entry's time still finds it.
      expect((await entries(ledger, { until: T0 + 60 })).map((entry) => entry.holdId)).toEqual(['behind']);
      expect((await entries(ledger, { since: T0 + 60 })).map((entry) => entry.holdId)).toEqual(['ahead']);
    });

    it('trims the stream by age (MINID ~) and never shows an entry older than the retention', async () => {
      const prefix = uniquePrefix('journal-trim');
      const ledger = redisLedger({ client, prefix, journalRetentionMs: 100 });
      for (let index = 0; index < 1_000; index += 1) {
        await reserveOne(ledger, `h${index}`, T0 + index);
        await ledger.commit(`h${index}`, T0 + index);
      }
      // Approximate trimming removes whole stream nodes (100 entries each by default).
      expect(await client.xlen(`{${prefix}}:journal`)).toBeLessThan(300);
      const kept = await entries(ledger);
      expect(kept.map((entry) => entry.at)).toEqual(Array.from({ length: 101 }, (_, index) => T0 + 899 + index));
    });

    it('keeps a request link exactly as long as its hold', async () => {
      const prefix = uniquePrefix('link-ttl');
      const ledger = redisLedger({ client, prefix, holdRetentionMs: HOUR });
      await ledger.reserve({ holdId: 'w', amount: '1', budgets: [{ key: 'day', limit: '5', windowEndsAt: T0 + 2 * HOUR }], now: T0, expiresAt: T0 + 60_000 });
      await ledger.reserve({ holdId: 'e', amount: '1', budgets: [{ key: 'forever', limit: '5' }], now: T0, expiresAt: T0 + 60_000 });
      await ledger.link({ requestId: 'req-w', holdId: 'w', now: T0 });
      await ledger.link({ requestId: 'req-e', holdId: 'e', now: T0 });
      expect(await client.get(`{${prefix}}:request:req-w`)).toBe('w');
      expect(Math.abs((await client.pttl(`{${prefix}}:request:req-w`)) - (await client.pttl(`{${prefix}}:hold:w`)))).toBeLessThan(1_000);
      // A hold under a budget that never ends has no TTL while open; its link ends a retention after the hold's expiry.
      expect(await client.pttl(`{${prefix}}:hold:e`)).toBe(-1);
      const linkTtl = await client.pttl(`{${prefix}}:request:req-e`);
      expect(linkTtl).toBeGreaterThan(HOUR + 60_000 - 1_000);
      expect(linkTtl).toBeLessThanOrEqual(HOUR + 60_000);
      await ledger.settleRequest('req-e', 'commit', T0 + 1);
      for (const key of [`{${prefix}}:hold:e`, `{${prefix}}:request:req-e`]) {
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(HOUR - 1_000);
        expect(ttl).toBeLessThanOrEqual(HOUR);
      }
      await expect(client.hgetall(`{${prefix}}:hold:e`)).resolves.toMatchObject({ requestId: 'req-e', status: 'committed' });
    });

    it('lists budgets from its index, without SCAN or KEYS, and drops index entries whose budget expired', async () => {
      const prefix = uniquePrefix('index');
      const ledger = redisLedger({ client, prefix });
      await ledger.reserve({ holdId: 'a', amount: '1', budgets: [{ key: 'day', limit: '5', windowEndsAt: T0 + HOUR }, { key: 'total', limit: '50' }], now: T0, expiresAt: T0 + HOUR });
      const day = await client.zscore(`{${prefix}}:budgets`, 'day');
      const ttl = await client.pttl(`{${prefix}}:budget:day`);
      expect(Math.abs(Number(day) - (Date.now() + ttl))).toBeLessThan(1_000);
      expect(await client.zscore(`{${prefix}}:budgets`, 'total')).toBe('inf');
      // A later hold that outlives the window moves the key's TTL, and its index entry with it.
      await ledger.reserve({ holdId: 'b', amount: '1', budgets: [{ key: 'day', limit: '5', windowEndsAt: T0 + HOUR }], now: T0, expiresAt: T0 + 5 * HOUR });
      const moved = await client.pttl(`{${prefix}}:budget:day`);
      expect(moved).toBeGreaterThan(ttl + 3 * HOUR);
      expect(Math.abs(Number(await client.zscore(`{${prefix}}:budgets`, 'day')) - (Date.now() + moved))).toBeLessThan(1_000);
      await ledger.release('b', T0);
      const scans = async () => {
        const stats = await client.info('commandstats');
        return ['scan', 'keys'].map((name) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0));
      };
      const before = await scans();
      await expect(ledger.inspect(T0)).resolves.toEqual([
        { key: 'day', limit: '5.00', spent: '0.00', reserved: '1.00', openHolds: 1, windowEndsAt: T0 + HOUR },
        { key: 'total', limit: '50.00', spent: '0.00', reserved: '1.00', openHolds: 1 },
      ]);
      expect(await scans()).toEqual(before);
      // Its TTL runs out, as the index said it would (a hash gone before that is lost data: see the eviction tests).
      await client.pexpire(`{${prefix}}:budget:day`, 1);
      await client.zadd(`{${prefix}}:budgets`, Date.now() + 1, 'day');
      await new Promise((resolve) => setTimeout(resolve, 10));
      await expect(ledger.inspect(T0)).resolves.toMatchObject([{ key: 'total' }]);
      expect(await client.zrange(`{${prefix}}:budgets`, 0, -1)).toEqual(['total']);
    });
  });

  describe('scripts and clients', () => {
    it('sends scripts by SHA and loads them again after SCRIPT FLUSH (NOSCRIPT)', async () => {
      const ledger = redisLedger({ client, prefix: uniquePrefix('noscript') });
      await ledger.reserve({ holdId: 'a', amount: '1', budgets: [{ key: 'g', limit: '5' }], now: T0, expiresAt: T0 + HOUR });
      await client.script('FLUSH');
      await expect(ledger.reserve({ holdId: 'b', amount: '1', budgets: [{ key: 'g', limit: '5' }], now: T0, expiresAt: T0 + HOUR })).resolves.toEqual({ ok: true });
      await client.script('FLUSH');
      await expect(ledger.commit('a', T0)).resolves.toBe('committed');
      await client.script('FLUSH');
      await expect(ledger.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '1.00', reserved: '1.00' }]);
    });

    it('refuses unusable options by name', () => {
      expect(() => redisLedger({})).toThrow(InvalidOptionError);
      expect(() => redisLedger({ url: redis.url, client })).toThrow('pass exactly one of `url`');
      expect(() => redisLedger({ client: {} })).toThrow('client: must be an ioredis instance or a node-redis client');
      expect(() => redisLedger({ url: 'http://127.0.0.1:6379' })).toThrow('url: must be a redis:// or rediss:// URL');
      expect(() => redisLedger({ client, prefix: '{x}' })).toThrow('prefix: must be a non-empty string without braces');
      expect(() => redisLedger({ client, timeoutMs: 0 })).toThrow('timeoutMs: must be a positive number of milliseconds (got 0)');
      expect(() => redisLedger({ client, holdRetentionMs: -1 })).toThrow('holdRetentionMs: must be a positive whole number of milliseconds (got -1)');
      expect(() => redisLedger({ client, journalRetentionMs: 1.5 })).toThrow('journalRetentionMs: must be a positive whole number of milliseconds (got 1.5)');
    });

    it('closes only the connection it opened', async () => {
      const own = redisLedger({ url: redis.url, prefix: uniquePrefix('close') });
      await own.usage(['g'], T0);
      await own.close?.();
      await expect(own.usage(['g'], T0)).rejects.toBeInstanceOf(LedgerUnavailableError);
      const borrowed = redisLedger({ client, prefix: uniquePrefix('close') });
      await borrowed.close?.();
      await expect(client.ping()).resolves.toBe('PONG');
    });
  });
});
