import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import type { Refusal } from '../../src/core/budget/ledger-types.js';
import { Decimal, formatMoney } from '../../src/core/money.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { describeWithRedis, type StartedRedis, useRedisServer, uniquePrefix } from './support/redis-server.js';

const WORKER = fileURLToPath(new URL('./fixtures/ledger-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function worker(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** Resolves with the first stdout line that satisfies `match`. */
function line(child: ChildProcess, match: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      const found = lines.find(match);
      if (found !== undefined) {
        child.stdout!.off('data', onData);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before printing the expected line`)));
  });
}

describeWithRedis('Redis ledger: several OS processes on one budget', () => {
  let redis: StartedRedis;
  let client: Redis;
  useRedisServer((started) => ({ redis, client } = started));

  it('8 processes x 200 concurrent reservations: never overspent, spent exact', async () => {
    const prefix = uniquePrefix('storm');
    const amount = '0.123456789';
    const limit = '123.456789'; // exactly 1000 holds of 0.123456789: 1600 attempts compete for them
    const children = Array.from({ length: 8 }, () => worker('storm', redis.url, prefix, '200', amount, limit));
    await Promise.all(children.map((child) => line(child, (text) => text === 'ready')));
    const reports = children.map((child) => line(child, (text) => text.startsWith('{')));
    for (const child of children) child.stdin!.write('go\n');
    const results = (await Promise.all(reports)).map((text) => JSON.parse(text) as { committed: number; refusals: Refusal[] });

    const committed = results.reduce((sum, result) => sum + result.committed, 0);
    expect(committed).toBe(1000);
    expect(results.reduce((sum, result) => sum + result.refusals.length, 0)).toBe(600);
    // Every refusal was real: what remained (spent + reserved + remaining = limit) was less than the amount.
    for (const refusal of results.flatMap((result) => result.refusals)) {
      expect(new Decimal(refusal.remaining).lt(amount)).toBe(true);
      expect(new Decimal(refusal.spent).plus(refusal.reserved).plus(refusal.remaining).eq(limit)).toBe(true);
    }
    const ledger = redisLedger({ client, prefix });
    await expect(ledger.usage(['global'], Date.now())).resolves.toEqual([
      { key: 'global', spent: formatMoney(new Decimal(amount).times(committed)), reserved: '0.00' },
    ]);
    expect(formatMoney(new Decimal(amount).times(committed))).toBe('123.456789');
  });

  it('a process killed with SIGKILL between reserve and settle: its hold expires as spent', async () => {
    const prefix = uniquePrefix('sigkill');
    // Long enough for the checks below to run while the hold stands, even on a loaded machine.
    const child = worker('hang', redis.url, prefix, 'lost-call', '4.20', '10', '5000');
    const reserved = await line(child, (text) => text.startsWith('reserved') || text === 'refused');
    expect(reserved).toMatch(/^reserved \d+$/);
    const expiresAt = Number(reserved.split(' ')[1]);
    child.kill('SIGKILL');
    await once(child, 'exit');

    const ledger = redisLedger({ client, prefix });
    await expect(ledger.usage(['global'], Date.now())).resolves.toEqual([{ key: 'global', spent: '0.00', reserved: '4.20' }]);
    // While the hold stands, the budget is short by its amount: 5.80 left, not 10.
    const refused = await ledger.reserve({ holdId: 'next', amount: '5.81', budgets: [{ key: 'global', limit: '10' }], now: Date.now(), expiresAt: Date.now() + 60_000 });
    expect(refused).toMatchObject({ ok: false, refusal: { remaining: '5.80' } });
    while (Date.now() <= expiresAt) await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(ledger.usage(['global'], Date.now())).resolves.toEqual([{ key: 'global', spent: '4.20', reserved: '0.00' }]);
    await expect(ledger.commit('lost-call', Date.now())).resolves.toBe('expired');
    await expect(ledger.release('lost-call', Date.now())).resolves.toBe('expired');
  });

  it('a process killed with SIGKILL in the middle of its calls leaves no half-applied reservation', async () => {
    const prefix = uniquePrefix('flood');
    const child = worker('flood', redis.url, prefix, '0.000000007');
    await line(child, (text) => text === 'flooding');
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    await once(child, 'exit');

    // Count what the dead process left, hold by hold, and check both budgets agree with it.
    const holdKeys = await client.keys(`{${prefix}}:hold:*`);
    expect(holdKeys.length).toBeGreaterThan(16);
    let total = new Decimal(0);
    for (const key of holdKeys) {
      const hold = await client.hgetall(key);
      expect(hold).toMatchObject({ amount: '7', keys: '["global","flood"]', status: 'held' });
      total = total.plus('0.000000007');
    }
    const ledger = redisLedger({ client, prefix });
    const now = Date.now();
    await expect(ledger.usage(['global', 'flood'], now)).resolves.toEqual([
      { key: 'global', spent: '0.00', reserved: formatMoney(total) },
      { key: 'flood', spent: '0.00', reserved: formatMoney(total) },
    ]);
    // Its holds all expire (after 1 s) as spent, in both budgets.
    await expect(ledger.usage(['global', 'flood'], now + 1_000)).resolves.toEqual([
      { key: 'global', spent: formatMoney(total), reserved: '0.00' },
      { key: 'flood', spent: formatMoney(total), reserved: '0.00' },
    ]);
  });
});
