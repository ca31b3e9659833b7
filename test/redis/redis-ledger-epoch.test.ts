import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { LedgerUnavailableError } from '../../src/core/errors/index.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { describeWithRedisServer, RedisServer, uniquePrefix } from './support/redis-server.js';

const HOUR = 3_600_000;

function spend(ledger: Ledger, holdId: string) {
  const now = Date.now();
  return ledger.reserve({ holdId, amount: '20.00', budgets: [{ key: 'total', limit: '25.00' }], now, expiresAt: now + HOUR });
}

/** The first answer that is not "Redis is away" (the ledger reconnects by itself). */
async function afterReconnect(call: () => Promise<unknown>): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await call().then((value) => ({ passed: value }), (error: unknown) => error);
    const away = outcome instanceof LedgerUnavailableError && / is unavailable: /.test(outcome.message);
    if (!away || attempt > 300) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithRedisServer('Redis ledger: a Redis that lost its data is refused, not counted from zero', () => {
  let server: RedisServer;
  beforeAll(async () => (server = await RedisServer.start(['--appendonly', 'no'])));
  afterAll(async () => server?.stop());

  it('refuses after a restart without persistence; a new ledger starts afresh; the old one then sees another epoch', async () => {
    const prefix = uniquePrefix('epoch');
    const ledger = redisLedger({ url: server.url, prefix, timeoutMs: 2_000 });
    await expect(spend(ledger, 'first')).resolves.toEqual({ ok: true });
    await expect(ledger.commit('first', Date.now())).resolves.toBe('committed');

    await server.kill();
    await server.start(); // same port, nothing persisted: an empty Redis

    const error = await afterReconnect(() => spend(ledger, 'second'));
    expect(error).toBeInstanceOf(LedgerUnavailableError);
    expect(error).toMatchObject({
      code: 'ledger_unavailable',
      ledger: 'redis',
      message: `Redis ledger at ${server.url} lost data: its epoch key {${prefix}}:epoch is gone, so Redis was emptied or replaced since this ledger first used it `
        + '(restarted without persistence, flushed, or an empty replica promoted) and every budget would read as nothing spent; reserve is refused. '
        + 'Restore Redis from a backup, or accept starting from what Redis holds now: close this ledger and open a new one (or restart the app).',
    });
    await expect(ledger.usage(['total'], Date.now())).rejects.toThrow(/lost data: its epoch key .* is gone.*usage is refused/);
    const admin = new Redis(server.url);
    expect(await admin.keys(`*${prefix}*`)).toEqual([]); // nothing written, not even an epoch

    // The operator's step: a new ledger adopts what Redis holds now (here: nothing, a new prefix).
    const fresh = redisLedger({ url: server.url, prefix });
    await expect(spend(fresh, 'second')).resolves.toEqual({ ok: true });
    const epoch = await admin.get(`{${prefix}}:epoch`);
    expect(epoch).toMatch(/^[0-9a-f-]{36}$/);
    const other = await afterReconnect(() => spend(ledger, 'third'));
    expect((other as Error).message).toMatch(new RegExp(`lost data: its epoch key \\{.*\\}:epoch is ${epoch}, not [0-9a-f-]{36}, so Redis was emptied`));
    await Promise.all([ledger.close?.(), fresh.close?.()]);
    await admin.quit();
  });

  it('keeps working across a reconnect to the same data', async () => {
    const prefix = uniquePrefix('epoch-same');
    const ledger = redisLedger({ url: server.url, prefix, timeoutMs: 2_000 });
    await expect(spend(ledger, 'first')).resolves.toEqual({ ok: true });
    const admin = new Redis(server.url);
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await expect(afterReconnect(() => ledger.commit('first', Date.now()))).resolves.toEqual({ passed: 'committed' });
    await admin.quit();
    await ledger.close?.();
  });
});
