import { Redis } from 'ioredis';
import { createServer, type Server, type Socket } from 'node:net';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { LedgerUnavailableError } from '../../src/core/errors/index.js';
import { Decimal, formatMoney } from '../../src/core/money.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { describeWithRedisServer, RedisServer, uniquePrefix } from './support/redis-server.js';
import { eventually } from './support/eventually.js';

const TIMEOUT_MS = 300;
/** Generous: proves "no hang", not speed. An operation must give up near TIMEOUT_MS, never wait for Redis. */
const GIVE_UP_BY_MS = TIMEOUT_MS + 2_000;
const HOUR = 3_600_000;

async function failsClosed(call: () => Promise<unknown>): Promise<LedgerUnavailableError> {
  const started = performance.now();
  const outcome = await call().then(
    (value) => ({ passed: value }),
    (error: unknown) => ({ error }),
  );
  const elapsed = performance.now() - started;
  expect(outcome).not.toHaveProperty('passed');
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(LedgerUnavailableError);
  expect(elapsed).toBeLessThan(GIVE_UP_BY_MS);
  return error as LedgerUnavailableError;
}

async function everyOperationFailsClosed(ledger: Ledger, now = Date.now()): Promise<LedgerUnavailableError[]> {
  return [
    await failsClosed(() => ledger.reserve({ holdId: `h-${now}`, amount: '1', budgets: [{ key: 'g', limit: '100' }], now, expiresAt: now + HOUR })),
    await failsClosed(() => ledger.commit('h-any', now)),
    await failsClosed(() => ledger.release('h-any', now)),
    await failsClosed(() => ledger.usage(['g'], now)),
    await failsClosed(() => ledger.link({ requestId: 'req-any', holdId: 'h-any', now })),
    await failsClosed(() => ledger.settleRequest('req-any', 'commit', now)),
    await failsClosed(() => ledger.linkOf('req-any', now)),
    await failsClosed(() => ledger.inspect(now)),
    await failsClosed(async () => {
      for await (const entry of ledger.journal()) return entry;
      return undefined;
    }),
    await failsClosed(() => ledger.clock!()),
  ];
}


describeWithRedisServer('Redis ledger: Redis down or slow fails closed', () => {
  describe('without a server', () => {
    let silent: Server;
    let silentPort: number;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      // Accepts connections and never answers a byte: a hung Redis, or a black hole in the network.
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentPort = (silent.address() as { port: number }).port;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('refuses every operation when nothing listens, naming where without the password', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      const ledger = redisLedger({ url: `redis://app:s3cret@127.0.0.1:${port}`, timeoutMs: TIMEOUT_MS });
      for (const error of await everyOperationFailsClosed(ledger)) {
        expect(error).toMatchObject({ code: 'ledger_unavailable', ledger: 'redis', location: `redis://127.0.0.1:${port}` });
        expect(error.message).not.toContain('s3cret');
      }
      await ledger.close?.();
    });

    it('gives up after timeoutMs on a server that never answers', async () => {
      const ledger = redisLedger({ url: `redis://127.0.0.1:${silentPort}`, timeoutMs: TIMEOUT_MS });
      for (const error of await everyOperationFailsClosed(ledger)) {
        // Our deadline, or the connect timeout (the same value) that then leaves the connection
        // reconnecting, whichever comes first; the first thing sent on a connection is the policy check.
        expect(error.message).toMatch(
          /is unavailable: (reserve|commit|release|usage|link|settleRequest|linkOf|inspect|journal|clock) (got no answer within 300 ms|failed: (could not read maxmemory-policy: )?(could not connect: Command timed out|the connection is reconnecting \(last error: Command timed out\)))$/,
        );
      }
      await ledger.close?.();
    });
  });

  describe('with a server that hangs, dies and comes back', () => {
    let server: RedisServer;

    beforeAll(async () => {
      server = await RedisServer.start();
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('fails closed while Redis is frozen (SIGSTOP), for ioredis and node-redis clients alike, then recovers', async () => {
      const ioredis = new Redis(server.url);
      const nodeRedis = createClient({ url: server.url });
      await nodeRedis.connect();
      const ledgers = [
        redisLedger({ url: server.url, prefix: uniquePrefix('frozen'), timeoutMs: TIMEOUT_MS }),
        redisLedger({ client: ioredis, prefix: uniquePrefix('frozen'), timeoutMs: TIMEOUT_MS }),
        redisLedger({ client: nodeRedis, prefix: uniquePrefix('frozen'), timeoutMs: TIMEOUT_MS }),
      ];
      const now = Date.now();
      for (const ledger of ledgers) {
        await expect(ledger.reserve({ holdId: 'before', amount: '2', budgets: [{ key: 'g', limit: '10' }], now, expiresAt: now + HOUR })).resolves.toEqual({ ok: true });
      }
      server.pause();
      try {
        for (const ledger of ledgers) await everyOperationFailsClosed(ledger, now);
      } finally {
        server.resume();
      }
      for (const ledger of ledgers) {
        await eventually(() => ledger.commit('before', now));
        // The hold reserved before the freeze is intact; anything that timed out during it and
        // still reached Redis afterwards is an ordinary hold (it expires as spent: over-count, never under).
        const [usage] = await ledger.usage(['g'], now);
        expect(usage!.spent).toBe('2.00');
        await ledger.close?.();
      }
      await ioredis.quit();
      await nodeRedis.quit();
    });

    it('fails closed while Redis is down (SIGKILL) and loses nothing committed when it returns', async () => {
      const ledger = redisLedger({ url: server.url, prefix: uniquePrefix('killed'), timeoutMs: TIMEOUT_MS });
      const budgets = [{ key: 'global', limit: '1000' }, { key: 'user:7', limit: '500' }];
      const acknowledged: string[] = [];
      const unsure: string[] = [];
      const unsureReserves: string[] = [];
      const failures: unknown[] = [];
      let stopping = false;
      const now = Date.now();

      // The app keeps working through the outage: reserve, then commit what it reserved.
      const app = (async () => {
        for (let index = 0; !stopping; index += 1) {
          const holdId = `call-${index}`;
          try {
            const reserved = await ledger.reserve({ holdId, amount: '0.123456789', budgets, now, expiresAt: now + HOUR });
            if (!reserved.ok) throw new Error('refused: the budget is far from full');
          } catch (error) {
            failures.push(error);
            unsureReserves.push(holdId);
            await new Promise((resolve) => setTimeout(resolve, 20));
            continue;
          }
          try {
            expect(await ledger.commit(holdId, now)).toBe('committed');
            acknowledged.push(holdId);
          } catch (error) {
            failures.push(error);
            unsure.push(holdId);
          }
        }
      })();

      await eventually(async () => {
        if (acknowledged.length < 40) throw new Error('warming up');
      });
      await server.kill('SIGKILL');
      const before = failures.length;
      await eventually(async () => {
        if (failures.length < before + 5) throw new Error('waiting for calls to fail');
      });
      await failsClosed(() => ledger.usage(['global'], now));
      await server.start();
      // The same ledger object reconnects by itself.
      await eventually(() => ledger.usage(['global'], now));
      stopping = true;
      await app;

      expect(failures.length).toBeGreaterThanOrEqual(5);
      for (const failure of failures) expect(failure).toBeInstanceOf(LedgerUnavailableError);
      // Every acknowledged commit survived the kill (appendfsync always): committing again is a no-op.
      for (const holdId of acknowledged) expect(await ledger.commit(holdId, now)).toBe('already_committed');
      // A commit whose answer was lost either landed or did not; settling it now makes it certain.
      for (const holdId of unsure) expect(['committed', 'already_committed']).toContain(await ledger.commit(holdId, now));
      // A reserve whose answer was lost may have landed: the app never called fal for it, so it
      // releases it (left alone, it would expire as spent).
      for (const holdId of unsureReserves) expect(['released', 'unknown']).toContain(await ledger.release(holdId, now));
      const committed = acknowledged.length + unsure.length;
      const exact = (count: number) => formatMoney(new Decimal('0.123456789').times(count));
      const [global, user] = await ledger.usage(['global', 'user:7'], now);
      expect(global).toEqual({ key: 'global', spent: exact(committed), reserved: '0.00' });
      expect(user).toEqual({ key: 'user:7', spent: exact(committed), reserved: '0.00' });
      await ledger.close?.();
    });
  });
});
