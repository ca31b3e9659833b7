import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/core/budget/ledger-types.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { FakeFal } from '../fal/support/fake-fal.js';
import { describeWithRedis, type StartedRedis, useRedisServer, uniquePrefix } from './support/redis-server.js';

const WORKER = fileURLToPath(new URL('./fixtures/guard-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const T2V = 'luma/agent/ray/v3.2/text-to-video';
const ONE_DOLLAR = { prompt: 'a lighthouse at dusk', resolution: '720p', duration: '5s' }; // $1.00
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One app instance in its own OS process (test/redis/fixtures/guard-worker.ts). */
class Instance {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;
  private readonly reader: Interface;

  constructor(url: string, prefix: string, origin: string, options: Record<string, unknown>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, prefix, origin, JSON.stringify(options)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    this.reader = createInterface({ input: this.child.stdout! });
    this.lines = this.reader[Symbol.asyncIterator]();
  }

  private async line(): Promise<string> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`the instance exited (${this.child.exitCode}) without answering`);
    return next.value;
  }

  async ready(): Promise<this> {
    expect(await this.line()).toBe('ready');
    return this;
  }

  async send<T = Record<string, unknown>>(command: Record<string, unknown>): Promise<T> {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    return JSON.parse(await this.line()) as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.end(`${JSON.stringify({ op: 'exit' })}\n`);
    await exited;
    this.reader.close();
  }
}

describeWithRedis('two guards in two OS processes on one Redis', () => {
  let redis: StartedRedis;
  let client: Redis;
  let fake: FakeFal;
  let server: Server;
  let origin: string;
  useRedisServer((started) => ({ redis, client } = started));
  beforeAll(async () => {
    fake = new FakeFal();
    ({ server, origin } = await fake.listen());
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  async function journal(prefix: string): Promise<JournalEntry[]> {
    const ledger = redisLedger({ client, prefix });
    const entries: JournalEntry[] = [];
    for await (const entry of ledger.journal()) entries.push(entry);
    return entries;
  }

  it('a job submitted through one is committed by the result fetched through the other, and released on fal\'s 5xx', async () => {
    const prefix = uniquePrefix('two-guards');
    const options = { budgets: [{ name: 'total', limit: '10.00' }, { name: 'per-user', limit: '5.00', scope: 'user' }], context: { user: '42' } };
    const [a, b] = await Promise.all([new Instance(redis.url, prefix, origin, options).ready(), new Instance(redis.url, prefix, origin, options).ready()]);
    const ledger = redisLedger({ client, prefix });
    const usage = () => ledger.usage(['total', 'per-user/user=42'], Date.now());
    try {
      const done = await a.send<{ requestId: string }>({ op: 'submit', endpoint: T2V, input: { ...ONE_DOLLAR, prompt: 'a lighthouse, fate:success' } });
      const failed = await a.send<{ requestId: string }>({ op: 'submit', endpoint: T2V, input: { ...ONE_DOLLAR, prompt: 'a lighthouse, fate:fail_500' } });
      await expect(usage()).resolves.toEqual([
        { key: 'total', spent: '0.00', reserved: '2.00' }, { key: 'per-user/user=42', spent: '0.00', reserved: '2.00' },
      ]);
      await expect(ledger.linkOf(done.requestId, Date.now())).resolves.toMatchObject({ status: 'held' });

      // The other process never saw these submits: only the ledger links the request ids to their holds.
      await expect(b.send({ op: 'result', endpoint: T2V, requestId: done.requestId })).resolves.toEqual({ ok: true });
      await expect(b.send({ op: 'result', endpoint: T2V, requestId: failed.requestId })).resolves.toMatchObject({ error: { name: 'ApiError', status: 500 } });
      await expect(usage()).resolves.toEqual([
        { key: 'total', spent: '1.00', reserved: '0.00' }, { key: 'per-user/user=42', spent: '1.00', reserved: '0.00' },
      ]);
      await expect(ledger.linkOf(done.requestId, Date.now())).resolves.toMatchObject({ status: 'committed' });
      await expect(ledger.linkOf(failed.requestId, Date.now())).resolves.toMatchObject({ status: 'released' });
      const entries = await journal(prefix);
      const pricing = { endpoint: T2V, provider: 'fal', pricingVersion: expect.any(String), pricingSha256: expect.stringMatching(/^[0-9a-f]{64}$/), scope: { user: '42' } };
      expect(entries).toEqual([
        { at: expect.any(Number), outcome: 'committed', holdId: expect.any(String), amount: '1.00', budgets: ['total', 'per-user/user=42'], requestId: done.requestId, ...pricing },
        { at: expect.any(Number), outcome: 'released', holdId: expect.any(String), amount: '1.00', budgets: ['total', 'per-user/user=42'], requestId: failed.requestId, ...pricing },
      ]);
      // A second result for the same request settles nothing again.
      await expect(a.send({ op: 'result', endpoint: T2V, requestId: done.requestId })).resolves.toEqual({ ok: true });
      expect(await journal(prefix)).toHaveLength(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await ledger.close?.();
    }
  });

  describe('clock skew: two instances ten minutes apart at midnight, a daily budget of $2.00', () => {
    /** Offsets putting one clock 5 minutes before and the other 5 after the UTC midnight nearest now. */
    function straddleMidnight(): [number, number] {
      const now = Date.now();
      const midnight = Math.round(now / DAY) * DAY;
      return [midnight - 5 * MINUTE - now, midnight + 5 * MINUTE - now];
    }

    /** Each instance spends $1.00 calls until it is refused; returns what was committed, per key. */
    async function spendBoth(prefix: string, extra: Record<string, unknown>): Promise<Map<string, number>> {
      const budgets = [{ name: 'daily', limit: '2.00', window: 'day' }];
      // Holds outlive the skew (up to 12 h here), so no instance expires another's early.
      const instances = await Promise.all(straddleMidnight().map((clockOffsetMs) =>
        new Instance(redis.url, prefix, origin, { budgets, clockOffsetMs, holdTtlMs: DAY, ...extra }).ready()));
      const committed = new Map<string, number>();
      try {
        for (let round = 0; round < 3; round += 1) {
          for (const instance of instances) {
            const answer = await instance.send<{ key?: string; settled?: string; error?: { name: string } }>({ op: 'spend', endpoint: T2V, input: ONE_DOLLAR });
            if (answer.error) {
              expect(answer.error.name).toBe('BudgetExceededError');
              continue;
            }
            expect(answer.settled).toBe('committed');
            committed.set(answer.key!, (committed.get(answer.key!) ?? 0) + 1);
          }
        }
      } finally {
        await Promise.all(instances.map((instance) => instance.stop()));
      }
      return committed;
    }

    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const redisDay = async () => {
      const [seconds] = await client.time();
      return dayOf(Number(seconds) * 1000);
    };

    it('with the Redis ledger\'s clock (no `now` option): both pick Redis\'s day, and the budget is spent once', async () => {
      const before = await redisDay();
      const committed = await spendBoth(uniquePrefix('skew-redis-clock'), {});
      const after = await redisDay();
      expect([...committed.values()]).toEqual([2]);
      expect([`daily/day=${before}@UTC`, `daily/day=${after}@UTC`]).toContain([...committed.keys()][0]);
    });

    it('with each instance\'s own clock (`now` passed to the guard): each picks its own day, and the budget is spent twice', async () => {
      const [behind, ahead] = straddleMidnight().map((offset) => dayOf(Date.now() + offset));
      const committed = await spendBoth(uniquePrefix('skew-own-clock'), { callerClock: true });
      expect(Object.fromEntries(committed)).toEqual({ [`daily/day=${behind}@UTC`]: 2, [`daily/day=${ahead}@UTC`]: 2 });
    });
  });
});
