import fc from 'fast-check';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import type { BudgetKey, HoldDetails, JournalEntry, JournalQuery, Ledger, Settlement } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { redisLedger } from '../../src/guard/ledgers/redis-ledger.js';
import { journalOf as journalOfLedger } from '../support/journal.js';
import { describeWithRedis, useRedisServer, uniquePrefix } from './support/redis-server.js';

/**
 * Differential test: any sequence of operations, applied to the memory ledger (the reference,
 * built on the pure state machine) and to the Redis ledger, gives the same result at every step
 * (links, settles by request id and inspect included) and the same usage, budgets and journal
 * at the end.
 */
const KEYS = ['global', 'user:1', 'user:2:day'] as const;
const HOLDS = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'] as const;
const REQUESTS = ['req-0', 'req-1', 'req-2'] as const;
const APPS = ['luma/agent', 'someone/else'] as const;
const DETAILS: readonly HoldDetails[] = [
  { endpoint: 'luma/agent/ray/v3.2/video-to-video', provider: 'fal', pricingVersion: '2026-11-21', pricingSha256: 'ab'.repeat(32), scope: { user: '1', project: 'x' } },
  { endpoint: 'luma/agent/ray/v3.2/text-to-video', provider: 'fal' },
  { scope: {} },
];

/** Money with up to 9 decimals: a few round figures and any nano-USD amount up to $6. */
const money = fc.oneof(
  fc.constantFrom('0', '0.1', '0.2', '0.30', '1', '2.5', '3.333333333', '0.000000001'),
  fc.bigInt({ min: 0n, max: 6_000_000_000n }).map((nano) => {
    const digits = nano.toString().padStart(10, '0');
    return `${digits.slice(0, -9).replace(/^0+(?=\d)/, '')}.${digits.slice(-9)}`;
  }),
);
const limit = fc.constantFrom('0', '1', '2.75', '5', '10.00', '9000000');

const budget: fc.Arbitrary<BudgetKey> = fc.record(
  { key: fc.constantFrom(...KEYS), limit, windowEndsAt: fc.integer({ min: 0, max: 500 }) },
  { requiredKeys: ['key', 'limit'] },
);

type Step =
  | { op: 'reserve'; holdId: string; amount: string; budgets: BudgetKey[]; ttl: number; skew: number; details?: HoldDetails }
  | { op: 'commit' | 'release'; holdId: string; skew: number }
  | { op: 'usage'; keys: string[]; skew: number }
  | { op: 'link'; requestId: string; holdId: string; app?: string; skew: number }
  | { op: 'settleRequest'; requestId: string; settlement: Settlement; app?: string; skew: number }
  | { op: 'linkOf'; requestId: string; skew: number }
  | { op: 'inspect'; skew: number }
  | { op: 'advance'; by: number };

const skew = fc.integer({ min: -3, max: 3 });
const app = fc.constantFrom(...APPS);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
    op: fc.constant('reserve' as const), holdId: fc.constantFrom(...HOLDS), amount: money,
    budgets: fc.array(budget, { maxLength: 3 }), ttl: fc.integer({ min: 1, max: 40 }), skew, details: fc.constantFrom(...DETAILS),
  }, { requiredKeys: ['op', 'holdId', 'amount', 'budgets', 'ttl', 'skew'] }) },
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('link' as const), requestId: fc.constantFrom(...REQUESTS), holdId: fc.constantFrom(...HOLDS, 'never'), app, skew,
  }, { requiredKeys: ['op', 'requestId', 'holdId', 'skew'] }) },
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('settleRequest' as const), requestId: fc.constantFrom(...REQUESTS, 'never'), settlement: fc.constantFrom<Settlement>('commit', 'release'), app, skew,
  }, { requiredKeys: ['op', 'requestId', 'settlement', 'skew'] }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('linkOf' as const), requestId: fc.constantFrom(...REQUESTS, 'never'), skew }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('inspect' as const), skew }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('commit' as const), holdId: fc.constantFrom(...HOLDS, 'never'), skew: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), holdId: fc.constantFrom(...HOLDS, 'never'), skew: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('usage' as const), keys: fc.array(fc.constantFrom(...KEYS), { maxLength: 4 }), skew: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 25 }) }) },
);

async function apply(ledger: Ledger, current: Step, now: number): Promise<unknown> {
  switch (current.op) {
    case 'reserve':
      return ledger.reserve({
        holdId: current.holdId, amount: current.amount, budgets: current.budgets,
        // Windows relative to the start; the guard's clocks are epoch ms.
        now: now + current.skew, expiresAt: now + current.ttl,
        ...(current.details === undefined ? {} : { details: current.details }),
      });
    case 'link':
      return ledger.link({ requestId: current.requestId, holdId: current.holdId, now: now + current.skew, ...(current.app === undefined ? {} : { app: current.app }) });
    case 'settleRequest':
      return ledger.settleRequest(current.requestId, current.settlement, now + current.skew, current.app);
    case 'linkOf':
      return ledger.linkOf(current.requestId, now + current.skew);
    case 'inspect':
      return ledger.inspect(now + current.skew);
    case 'commit':
      return ledger.commit(current.holdId, now + current.skew);
    case 'release':
      return ledger.release(current.holdId, now + current.skew);
    case 'usage':
      return ledger.usage(current.keys, now + current.skew);
    case 'advance':
      return undefined;
  }
}

/**
 * The journal in a canonical order. Holds found due by one operation expire at the same `at`;
 * the memory ledger's heap and Redis's sorted set may list equal expiries in different orders,
 * and the contract does not order them, so each such run is sorted by hold id.
 */
function canonical(entries: JournalEntry[]): JournalEntry[] {
  const out: JournalEntry[] = [];
  let run: JournalEntry[] = [];
  const flush = () => {
    out.push(...run.sort((a, b) => (a.holdId < b.holdId ? -1 : 1)));
    run = [];
  };
  for (const entry of entries) {
    if (run.length > 0 && !(entry.outcome === 'expired' && run[0]!.outcome === 'expired' && entry.at === run[0]!.at)) flush();
    run.push(entry);
  }
  flush();
  return out;
}

async function journalOf(ledger: Ledger, query?: JournalQuery): Promise<JournalEntry[]> {
  return canonical(await journalOfLedger(ledger, query));
}

const query: fc.Arbitrary<JournalQuery> = fc.record(
  { since: fc.integer({ min: -10, max: 400 }), until: fc.integer({ min: -10, max: 400 }) },
  { requiredKeys: [] },
);

describeWithRedis('Redis ledger vs memory ledger (fast-check differential)', () => {
  let client: Redis;
  useRedisServer((started) => ({ client } = started));

  it('gives the same result for every operation and the same usage after any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), query, async (steps, window) => {
        const reference = memoryLedger();
        const shared = redisLedger({ client, prefix: uniquePrefix('diff') });
        const start = 1_800_000_000_000;
        let now = start;
        for (const [index, current] of steps.entries()) {
          if (current.op === 'advance') {
            now += current.by;
            continue;
          }
          const expected = await apply(reference, current, now);
          const actual = await apply(shared, current, now);
          expect({ index, step: current, result: actual }).toEqual({ index, step: current, result: expected });
        }
        for (const at of [now, now + 1_000]) {
          expect(await shared.usage(KEYS, at)).toEqual(await reference.usage(KEYS, at));
        }
        for (const holdId of HOLDS) {
          expect(await shared.commit(holdId, now + 1_000)).toBe(await reference.commit(holdId, now + 1_000));
        }
        for (const requestId of REQUESTS) {
          expect(await shared.linkOf(requestId, now + 1_000)).toEqual(await reference.linkOf(requestId, now + 1_000));
        }
        expect(await shared.inspect(now + 1_000)).toEqual(await reference.inspect(now + 1_000));
        expect(await journalOf(shared)).toEqual(await journalOf(reference));
        const bounded = {
          ...(window.since === undefined ? {} : { since: start + window.since }),
          ...(window.until === undefined ? {} : { until: start + window.until }),
        };
        expect(await journalOf(shared, bounded)).toEqual(await journalOf(reference, bounded));
      }),
      { numRuns: 200 },
    );
  });
});
