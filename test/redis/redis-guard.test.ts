import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { BudgetExceededError, createBudgetGuard, LedgerUnavailableError, memoryLedger } from '../../src/index.js';
import { redisLedger } from '../../src/node.js';
import { describeWithRedis, type StartedRedis, useRedisServer, uniquePrefix } from './support/redis-server.js';

const ENDPOINT = 'luma/agent/ray/v3.2/text-to-video';
const INPUT = { prompt: 'a lighthouse at dusk', resolution: '720p', duration: '5s' }; // $1.00

describeWithRedis('createBudgetGuard with a Redis ledger: one budget across instances', () => {
  let redis: StartedRedis;
  let client: Redis;
  useRedisServer((started) => ({ redis, client } = started));

  it('four instances with $10.00 between them admit exactly $10.00, where four memory ledgers would admit $40.00', async () => {
    const prefix = uniquePrefix('guard');
    const instances = Array.from({ length: 4 }, () => createBudgetGuard({ limit: '10.00', ledger: redisLedger({ url: redis.url, prefix }) }));
    const attempts = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) => instances[index % 4]!.reserve(ENDPOINT, INPUT)),
    );
    const admitted = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    expect(admitted).toHaveLength(10);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(BudgetExceededError);
    }
    expect(await instances[3]!.status()).toMatchObject({ limit: '10.00', spent: '0.00', reserved: '10.00', remaining: '0.00' });
    await Promise.all(admitted.map((reservation) => reservation.commit()));
    expect(await instances[0]!.status()).toMatchObject({ limit: '10.00', spent: '10.00', reserved: '0.00', remaining: '0.00' });
    const refusal = await instances[1]!.reserve(ENDPOINT, INPUT).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal).toMatchObject({ limit: '10.00', spent: '10.00', reserved: '0.00', remaining: '0.00' });
    for (const instance of instances) await instance.ledger.close?.();

    const separate = Array.from({ length: 4 }, () => createBudgetGuard({ limit: '10.00', ledger: memoryLedger() }));
    const alone = await Promise.allSettled(Array.from({ length: 40 }, (_, index) => separate[index % 4]!.reserve(ENDPOINT, INPUT)));
    expect(alone.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(40);
  });

  it('starts a new daily window in a new key; the old one expires by itself', async () => {
    const prefix = uniquePrefix('guard-day');
    let now = Date.parse('2026-11-24T23:59:00Z');
    const guard = createBudgetGuard({
      budgets: [{ name: 'daily', limit: '2.00', window: 'day' }],
      ledger: redisLedger({ client, prefix, holdRetentionMs: 60_000 }),
      now: () => now,
    });
    await (await guard.reserve(ENDPOINT, INPUT)).commit();
    await (await guard.reserve(ENDPOINT, INPUT)).commit();
    await expect(guard.reserve(ENDPOINT, INPUT)).rejects.toBeInstanceOf(BudgetExceededError);
    now = Date.parse('2026-11-25T00:00:00Z');
    await expect(guard.reserve(ENDPOINT, INPUT)).resolves.toMatchObject({ amount: '1.00' });
    const keys = (await client.keys(`{${prefix}}:budget:*`)).sort();
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
  });

  it('refuses to spend when Redis cannot be reached: LedgerUnavailableError, never a pass', async () => {
    const guard = createBudgetGuard({ limit: '10.00', ledger: redisLedger({ url: 'redis://127.0.0.1:1', timeoutMs: 200 }) });
    await expect(guard.reserve(ENDPOINT, INPUT)).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(guard.status()).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(guard.check(ENDPOINT, INPUT)).rejects.toBeInstanceOf(LedgerUnavailableError);
    await guard.ledger.close?.();
  });
});
