import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { LedgerUnavailableError } from '../../src/core/errors/index.js';
import { Decimal } from '../../src/core/money.js';
import { createBudgetGuard, RedisEvictionPolicyError } from '../../src/index.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { eventually } from './support/eventually.js';
import { describeWithRedisServer, RedisServer, uniquePrefix } from './support/redis-server.js';

const HOUR = 3_600_000;
const EVICTING = ['allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'allkeys-random', 'volatile-random', 'volatile-ttl'] as const;

function reserve(ledger: Ledger, holdId: string, amount = '1.00', now = Date.now()) {
  return ledger.reserve({ holdId, amount, budgets: [{ key: 'day', limit: '1000', windowEndsAt: now + HOUR }, { key: 'total', limit: '1000' }], now, expiresAt: now + HOUR });
}

async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  return call().then((value) => ({ passed: value }), (error: unknown) => error);
}


describeWithRedisServer('Redis ledger: a Redis that may evict budget keys is refused', () => {
  describe('noeviction: the one safe policy', () => {
    let server: RedisServer;
    beforeAll(async () => (server = await RedisServer.start(['--maxmemory', '64mb', '--maxmemory-policy', 'noeviction'])));
    afterAll(async () => server?.stop());

    it('runs as usual', async () => {
      const ledger = redisLedger({ url: server.url, prefix: uniquePrefix('noeviction') });
      await expect(reserve(ledger, 'a')).resolves.toEqual({ ok: true });
      await expect(ledger.commit('a', Date.now())).resolves.toBe('committed');
      await ledger.close?.();
    });
  });

  describe.each(EVICTING)('maxmemory-policy %s', (policy) => {
    let server: RedisServer;
    let client: Redis;
    beforeAll(async () => {
      server = await RedisServer.start(['--maxmemory', '64mb', '--maxmemory-policy', policy]);
      client = new Redis(server.url);
    });
    afterAll(async () => {
      await client?.quit();
      await server?.stop();
    });

    it('fails closed before writing anything, naming the policy and the fix, through a URL, ioredis and node-redis', async () => {
      const prefix = uniquePrefix(policy);
      const nodeRedis = createClient({ url: server.url });
      await nodeRedis.connect();
      const ledgers = [redisLedger({ url: server.url, prefix }), redisLedger({ client, prefix }), redisLedger({ client: nodeRedis, prefix })];
      for (const ledger of ledgers) {
        const error = await refusal(() => reserve(ledger, 'a'));
        expect(error).toBeInstanceOf(RedisEvictionPolicyError);
        expect(error).toBeInstanceOf(LedgerUnavailableError);
        expect(error).toMatchObject({ name: 'RedisEvictionPolicyError', code: 'ledger_unavailable', ledger: 'redis', risk: 'evicting', policy });
        expect((error as RedisEvictionPolicyError).location).toBe(server.url);
        expect((error as Error).message).toBe(
          `Redis ledger at ${server.url} refuses to run: maxmemory-policy is ${policy}, so under memory pressure Redis may delete budget keys and their spend would be counted again. `
          + 'Only noeviction is safe: run `CONFIG SET maxmemory-policy noeviction` (and `CONFIG REWRITE`), or set `maxmemory-policy noeviction` in redis.conf.',
        );
        // Every operation, reads included: a budget read from an evicting Redis may read as nothing spent.
        for (const call of [() => ledger.commit('a', Date.now()), () => ledger.usage(['day'], Date.now()), () => ledger.inspect(Date.now())]) {
          await expect(call()).rejects.toBeInstanceOf(RedisEvictionPolicyError);
        }
      }
      // Declaring the Redis safe does not override what the Redis says of itself.
      await expect(reserve(redisLedger({ client, prefix, assumeNoEviction: true }), 'b')).rejects.toMatchObject({ risk: 'evicting', policy });
      expect(await client.keys(`*${prefix}*`)).toEqual([]);
      for (const ledger of ledgers) await ledger.close?.();
      await nodeRedis.quit();
    });

    it('refuses the guard\'s calls too: LedgerUnavailableError, so nothing reaches fal', async () => {
      const guard = createBudgetGuard({ limit: '10.00', ledger: redisLedger({ client, prefix: uniquePrefix(`${policy}-guard`) }) });
      const input = { prompt: 'a lighthouse at dusk', resolution: '720p', duration: '5s' };
      await expect(guard.reserve('luma/agent/ray/v3.2/text-to-video', input)).rejects.toMatchObject({ name: 'RedisEvictionPolicyError', policy });
    });
  });

  describe('the policy is checked on every new connection', () => {
    let server: RedisServer;
    let admin: Redis;
    beforeAll(async () => {
      server = await RedisServer.start(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
      admin = new Redis(server.url);
    });
    afterAll(async () => {
      await admin?.quit();
      await server?.stop();
    });

    it('works once the policy is fixed, without a restart, and refuses again after a reconnect to an evicting Redis', async () => {
      const prefix = uniquePrefix('recheck');
      const ledger = redisLedger({ url: server.url, prefix, timeoutMs: 5_000 });
      await expect(reserve(ledger, 'a')).rejects.toMatchObject({ policy: 'allkeys-lru' });
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await expect(reserve(ledger, 'a')).resolves.toEqual({ ok: true });
      // Someone turns eviction on and the ledger's connection drops (a failover, a restart):
      // the new connection is checked before anything is sent on it.
      await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
      await expect(reserve(ledger, 'b')).resolves.toEqual({ ok: true }); // same connection, checked under 10 s ago
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const error = await eventually(async () => {
        const caught = await refusal(() => reserve(ledger, 'c'));
        if (!(caught instanceof RedisEvictionPolicyError)) throw new Error(`not refused for its policy yet: ${String(caught)}`);
        return caught;
      }, 15_000, 50);
      expect(error).toMatchObject({ risk: 'evicting', policy: 'volatile-lru' });
      expect(await admin.hget(`{${prefix}}:budget:total`, 'reserved')).toBe('2000000000');
      await ledger.close?.();
    });
  });

  describe('a policy changed while the ledger runs', () => {
    let server: RedisServer;
    let admin: Redis;
    beforeAll(async () => {
      server = await RedisServer.start(['--maxmemory-policy', 'noeviction', '--appendonly', 'no']);
      admin = new Redis(server.url);
    });
    afterAll(async () => {
      await admin?.quit();
      await server?.stop();
    });

    it('is seen again on the same connection within evictionCheckIntervalMs', async () => {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      const ledger = redisLedger({ url: server.url, prefix: uniquePrefix('interval'), evictionCheckIntervalMs: 50 });
      await expect(reserve(ledger, 'a')).resolves.toEqual({ ok: true });
      await admin.config('SET', 'maxmemory-policy', 'volatile-random');
      const error = await eventually(async () => {
        const caught = await refusal(() => reserve(ledger, `b${Date.now()}`));
        if (!(caught instanceof RedisEvictionPolicyError)) throw new Error(`not refused for its policy yet: ${String(caught)}`);
        return caught;
      }, 15_000, 50);
      expect(error).toMatchObject({ risk: 'evicting', policy: 'volatile-random' });
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await ledger.close?.();
    });

    it('a budget evicted before the check saw the policy is refused by the scripts themselves, until an operator accepts the loss', async () => {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      const prefix = uniquePrefix('evicted');
      // The policy is not read again during this test: only the scripts can notice.
      const ledger = redisLedger({ url: server.url, prefix, evictionCheckIntervalMs: 3_600_000 });
      const now = Date.now();
      const day = (holdId: string) => ledger.reserve({ holdId, amount: '20.00', budgets: [{ key: 'day', limit: '25.00', windowEndsAt: now + HOUR }], now, expiresAt: now + HOUR });
      await expect(day('first')).resolves.toEqual({ ok: true });
      await expect(ledger.commit('first', now)).resolves.toBe('committed');

      // A shared-cache tenant turns eviction on and fills the cache: keys with a TTL go, the
      // windowed budget among them.
      await admin.config('SET', 'maxmemory-policy', 'volatile-random');
      await admin.config('SET', 'maxmemory', '3mb');
      let batch = 0;
      while (await admin.exists(`{${prefix}}:budget:day`) === 1) {
        expect(batch).toBeLessThan(50);
        const pipeline = admin.pipeline();
        for (let index = 0; index < 5_000; index += 1) pipeline.set(`cache:${batch}:${index}`, 'x'.repeat(200), 'EX', 3600);
        await pipeline.exec();
        batch += 1;
      }
      // Noticed and put back, but the budget is gone: its $20 would read as nothing spent.
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '0');
      const lost = (operation: string) => `Redis ledger at ${server.url} lost data: budget "day" is gone from Redis before its time (evicted, or deleted), `
        + `so its spend would read as zero and ${operation} is refused. Restore Redis from a backup, or accept that its spend is forgotten: ZREM {${prefix}}:budgets "day".`;
      const error = await refusal(() => day('second'));
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect(error).toMatchObject({ code: 'ledger_unavailable', ledger: 'redis', message: lost('reserve') });
      await expect(ledger.usage(['day'], now)).rejects.toMatchObject({ message: lost('usage') });
      await expect(ledger.inspect(now)).rejects.toMatchObject({ message: lost('inspect') });
      await expect(redisLedger({ url: server.url, prefix, readOnly: true }).inspect(now)).rejects.toMatchObject({ message: lost('inspect') });
      expect(await admin.exists(`{${prefix}}:hold:second`)).toBe(0);

      // The operator's step: the budget starts again from nothing.
      await admin.zrem(`{${prefix}}:budgets`, 'day');
      await expect(day('second')).resolves.toEqual({ ok: true });
      await ledger.close?.();
    });
  });

  describe('a Redis that does not allow CONFIG GET (an ACL user without `config`)', () => {
    let server: RedisServer;
    let admin: Redis;
    beforeAll(async () => {
      server = await RedisServer.start();
      admin = new Redis(server.url);
      await admin.acl('SETUSER', 'ledger', 'on', '>s3cret', '~*', '&*', '+@all', '-config');
    });
    afterAll(async () => {
      await admin?.quit();
      await server?.stop();
    });
    const url = () => `redis://ledger:s3cret@127.0.0.1:${server.port}`;

    it('is refused, saying how to declare it safe, unless assumeNoEviction is passed', async () => {
      const prefix = uniquePrefix('acl');
      const ledger = redisLedger({ url: url(), prefix });
      const error = await refusal(() => reserve(ledger, 'a'));
      expect(error).toBeInstanceOf(RedisEvictionPolicyError);
      expect(error).toMatchObject({ risk: 'unverified', policy: undefined, location: `redis://127.0.0.1:${server.port}` });
      expect((error as Error).message).toMatch(/refuses to run: this Redis does not allow CONFIG GET \(NOPERM .*config\|get.*\), so it cannot check that Redis never evicts budget keys\. If its maxmemory-policy is noeviction \(ask your provider\), pass redisLedger\(\{ \.\.\., assumeNoEviction: true \}\)\.$/);
      expect((error as Error).message).not.toContain('s3cret');
      expect(await admin.keys(`*${prefix}*`)).toEqual([]);
      await ledger.close?.();

      const declared = redisLedger({ url: url(), prefix, assumeNoEviction: true });
      await expect(reserve(declared, 'a')).resolves.toEqual({ ok: true });
      await expect(declared.commit('a', Date.now())).resolves.toBe('committed');
      await expect(declared.usage(['total'], Date.now())).resolves.toEqual([{ key: 'total', spent: '1.00', reserved: '0.00' }]);
      await declared.close?.();
    });

    it('the same through a client the app owns', async () => {
      const own = new Redis({ port: server.port, host: '127.0.0.1', username: 'ledger', password: 's3cret' });
      await expect(reserve(redisLedger({ client: own, prefix: uniquePrefix('acl-client') }), 'a')).rejects.toMatchObject({ risk: 'unverified' });
      await expect(reserve(redisLedger({ client: own, prefix: uniquePrefix('acl-client'), assumeNoEviction: true }), 'a')).resolves.toEqual({ ok: true });
      await own.quit();
    });
  });

  describe('under memory pressure (noeviction, a small maxmemory)', () => {
    let server: RedisServer;
    let admin: Redis;
    beforeAll(async () => {
      server = await RedisServer.start(['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction']);
      admin = new Redis(server.url);
    });
    afterAll(async () => {
      await admin?.quit();
      await server?.stop();
    });

    /** Writes filler until Redis refuses it: from then on, writes that add data fail with OOM. */
    async function fill(): Promise<number> {
      for (let index = 0; ; index += 1) {
        try {
          await admin.set(`filler:${index}`, 'x'.repeat(32 * 1024));
        } catch (error) {
          expect(String(error)).toContain('OOM');
          return index;
        }
      }
    }

    async function empty(count: number): Promise<void> {
      for (let index = 0; index < count; index += 1) await admin.del(`filler:${index}`);
    }

    /** Everything the ledger stores, checked against itself: each budget is exactly its holds. */
    async function consistent(prefix: string): Promise<{ held: number; settled: number; journal: number }> {
      const holdKeys = await admin.keys(`{${prefix}}:hold:*`);
      const reserved = new Map<string, Decimal>();
      const spent = new Map<string, Decimal>();
      let held = 0;
      let settled = 0;
      for (const key of holdKeys) {
        const hold = await admin.hgetall(key);
        for (const budget of JSON.parse(hold.keys!) as string[]) {
          if (hold.status === 'released') continue;
          const into = hold.status === 'held' ? reserved : spent;
          into.set(budget, (into.get(budget) ?? new Decimal(0)).plus(hold.amount!));
        }
        if (hold.status === 'held') held += 1;
        else settled += 1;
      }
      for (const budget of ['day', 'total']) {
        const stored = await admin.hgetall(`{${prefix}}:budget:${budget}`);
        expect({ budget, reserved: stored.reserved ?? '0', spent: stored.spent ?? '0', open: stored.open ?? '0' }).toEqual({
          budget, reserved: (reserved.get(budget) ?? new Decimal(0)).toFixed(0), spent: (spent.get(budget) ?? new Decimal(0)).toFixed(0), open: String(held),
        });
      }
      const journal = await admin.xlen(`{${prefix}}:journal`);
      expect(await admin.zcard(`{${prefix}}:open`)).toBe(held);
      expect(journal).toBe(settled);
      return { held, settled, journal };
    }

    it('fails closed while Redis is full, splits nothing, and carries on exactly once memory is free', async () => {
      const prefix = uniquePrefix('oom');
      const ledger = redisLedger({ url: server.url, prefix });
      const now = Date.now();
      await expect(reserve(ledger, 'before', '1.00', now)).resolves.toEqual({ ok: true });
      await ledger.link({ requestId: 'req-before', holdId: 'before', now });
      await expect(reserve(ledger, 'due', '0.25', now)).resolves.toEqual({ ok: true });
      const filled = await fill();
      // Keep Redis over its limit: left at the brink, the memory a refused write frees can let the
      // next small write in.
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
      await admin.config('SET', 'maxmemory', String(used - 256 * 1024));

      // Every write is refused, whole: reserve, commit, a settle by request id, a link, and the
      // expiry that a read would have to write.
      for (const call of [
        () => reserve(ledger, 'during', '1.00', now),
        () => ledger.commit('before', now),
        () => ledger.settleRequest('req-before', 'commit', now),
        () => ledger.link({ requestId: 'req-due', holdId: 'due', now }),
        () => ledger.usage(['total'], now + 2 * HOUR),
      ]) {
        const error = await refusal(call);
        expect(error).toBeInstanceOf(LedgerUnavailableError);
        expect((error as Error).message).toContain('OOM command not allowed');
      }
      // Reads that have nothing to write still answer.
      await expect(ledger.usage(['total'], now)).resolves.toEqual([{ key: 'total', spent: '0.00', reserved: '1.25' }]);
      await expect(consistent(prefix)).resolves.toEqual({ held: 2, settled: 0, journal: 0 });

      await empty(filled);
      await admin.config('SET', 'maxmemory', '4mb');
      await expect(ledger.settleRequest('req-before', 'commit', now)).resolves.toBe('committed');
      await expect(ledger.usage(['total'], now + 2 * HOUR)).resolves.toEqual([{ key: 'total', spent: '1.25', reserved: '0.00' }]);
      await expect(consistent(prefix)).resolves.toEqual({ held: 0, settled: 2, journal: 2 });
      await ledger.close?.();
    });

    it('many calls while memory runs out: each one applied whole or not at all', async () => {
      const prefix = uniquePrefix('oom-race');
      const ledger = redisLedger({ url: server.url, prefix, timeoutMs: 5_000 });
      let filled = 0;
      let full = false;
      const filler = (async () => {
        filled = await fill();
        full = true;
      })();
      let next = 0;
      const outcomes = { ok: 0, failed: 0 };
      const lane = async () => {
        while (!full || outcomes.failed < 20) {
          const holdId = `h${next++}`;
          try {
            await reserve(ledger, holdId, '0.000000007');
            outcomes.ok += 1;
            if (next % 2 === 0) await ledger.commit(holdId, Date.now());
            else await ledger.release(holdId, Date.now());
          } catch (error) {
            expect(error).toBeInstanceOf(LedgerUnavailableError);
            outcomes.failed += 1;
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      await filler;
      expect(outcomes.ok).toBeGreaterThan(0);
      expect(outcomes.failed).toBeGreaterThanOrEqual(20);
      await consistent(prefix);
      await empty(filled);
      await ledger.close?.();
    });
  });
});
