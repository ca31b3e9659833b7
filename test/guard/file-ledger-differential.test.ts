import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { BudgetKey, Ledger } from '../../src/core/budget/ledger-types.js';
import { fileLedger } from '../../src/guard/ledgers/file-ledger.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { journalOf } from '../support/journal.js';

/**
 * Differential test: any sequence of operations, applied to the memory ledger (the reference,
 * the pure state machine in RAM) and to one ledger file through two instances taking turns (two
 * processes' copies, each catching up on what the other appended), some of them reopened from
 * the file mid-way, with compaction from constant to never, gives the same answer at every step
 * and the same usage, request links, inspect and journal at the end.
 */
const KEYS = ['global', 'user:1', 'user:2:day'] as const;
const HOLDS = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5'] as const;
const REQUESTS = ['r0', 'r1', 'r2', 'r3'] as const;
const APPS = ['luma/agent', 'other/app'] as const;

const money = fc.oneof(
  fc.constantFrom('0', '0.1', '0.2', '0.30', '1', '2.5', '3.333333333', '0.000000001', '0.0000000001'),
  fc.bigInt({ min: 0n, max: 6_000_000_000n }).map((nano) => {
    const digits = nano.toString().padStart(10, '0');
    return `${digits.slice(0, -9).replace(/^0+(?=\d)/, '')}.${digits.slice(-9)}`;
  }),
);
const limit = fc.constantFrom('0', '1', '2.75', '5', '10.00', '9000000');
const T0 = 1_800_000_000_000;
// Windows end near the start, as real ones do: none is old enough to be pruned in a run (pruning
// runs every 1024 operations in memory and at each compaction in a file; both keep 24 hours).
const budget: fc.Arbitrary<BudgetKey> = fc.record(
  { key: fc.constantFrom(...KEYS), limit, windowEndsAt: fc.integer({ min: 0, max: 500 }).map((offset) => T0 + offset) },
  { requiredKeys: ['key', 'limit'] },
);
const details = fc.option(fc.record({ endpoint: fc.constantFrom('luma/agent/ray/v3.2/video-to-video'), provider: fc.constant('fal'), scope: fc.constant({ user: 'u1' }) }), { nil: undefined });
const skew = fc.integer({ min: -3, max: 3 });
/** Which of the two instances runs the step. */
const on = fc.constantFrom(0, 1);

type Step =
  | { op: 'reserve'; on: number; holdId: string; amount: string; budgets: BudgetKey[]; ttl: number; skew: number; details: object | undefined }
  | { op: 'commit' | 'release'; on: number; holdId: string; skew: number }
  | { op: 'usage'; on: number; keys: string[]; skew: number }
  | { op: 'link'; on: number; requestId: string; holdId: string; app: string | undefined; skew: number }
  | { op: 'settleRequest'; on: number; requestId: string; settlement: 'commit' | 'release'; app: string | undefined; skew: number }
  | { op: 'linkOf'; on: number; requestId: string; skew: number }
  | { op: 'inspect'; on: number; skew: number }
  | { op: 'reopen'; on: number }
  | { op: 'advance'; by: number };

const app = fc.option(fc.constantFrom(...APPS), { nil: undefined });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
    op: fc.constant('reserve' as const), on, holdId: fc.constantFrom(...HOLDS), amount: money,
    budgets: fc.array(budget, { maxLength: 3 }), ttl: fc.integer({ min: 1, max: 40 }), skew, details,
  }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('commit' as const, 'release' as const), on, holdId: fc.constantFrom(...HOLDS, 'never'), skew }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('usage' as const), on, keys: fc.array(fc.constantFrom(...KEYS), { maxLength: 4 }), skew }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('link' as const), on, requestId: fc.constantFrom(...REQUESTS), holdId: fc.constantFrom(...HOLDS, 'never'), app, skew }) },
  { weight: 2, arbitrary: fc.record({
    op: fc.constant('settleRequest' as const), on, requestId: fc.constantFrom(...REQUESTS, 'never'), settlement: fc.constantFrom('commit' as const, 'release' as const), app, skew,
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('linkOf' as const), on, requestId: fc.constantFrom(...REQUESTS), skew }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('inspect' as const), on, skew }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const), on }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 25 }) }) },
);

async function apply(ledger: Ledger, current: Exclude<Step, { op: 'reopen' | 'advance' }>, now: number): Promise<unknown> {
  const at = now + current.skew;
  try {
    switch (current.op) {
      case 'reserve':
        return await ledger.reserve({
          holdId: current.holdId, amount: current.amount, budgets: current.budgets, now: at, expiresAt: now + current.ttl,
          ...(current.details === undefined ? {} : { details: current.details }),
        });
      case 'commit':
        return await ledger.commit(current.holdId, at);
      case 'release':
        return await ledger.release(current.holdId, at);
      case 'usage':
        return await ledger.usage(current.keys, at);
      case 'link':
        return await ledger.link({ requestId: current.requestId, holdId: current.holdId, now: at, ...(current.app === undefined ? {} : { app: current.app }) });
      case 'settleRequest':
        return await ledger.settleRequest(current.requestId, current.settlement, at, current.app);
      case 'linkOf':
        return await ledger.linkOf(current.requestId, at);
      case 'inspect':
        return await ledger.inspect(at);
    }
  } catch (error) {
    // Both must refuse the same bad input the same way.
    return { threw: (error as { code?: string }).code };
  }
}

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

it('file ledger vs memory ledger: the same answers, links, inspect and journal after any sequence (fast-check)', async () => {
  let compactions = 0;
  const runs = Number(process.env.DIFF_RUNS ?? 80);
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), fc.constantFrom(1, 600, 4 * 1024 * 1024), async (steps, compactAfterBytes) => {
      const directory = mkdtempSync(join(tmpdir(), 'fal-budget-diff-'));
      directories.push(directory);
      const path = join(directory, 'ledger.jsonl');
      const open = () => fileLedger({ path, compactAfterBytes });
      const reference = memoryLedger();
      const instances = [open(), open()];
      let now = T0;
      try {
        for (const [index, current] of steps.entries()) {
          if (current.op === 'advance') {
            now += current.by;
            continue;
          }
          if (current.op === 'reopen') {
            await instances[current.on]!.close?.();
            instances[current.on] = open();
            continue;
          }
          const expected = await apply(reference, current, now);
          const actual = await apply(instances[current.on]!, current, now);
          expect({ index, step: current, result: actual }).toEqual({ index, step: current, result: expected });
        }
        instances.push(open()); // and a process that only reads the file
        for (const ledger of instances) {
          for (const at of [now, now + 1_000]) expect(await ledger.usage(KEYS, at)).toEqual(await reference.usage(KEYS, at));
          for (const requestId of REQUESTS) expect(await ledger.linkOf(requestId, now + 1_000)).toEqual(await reference.linkOf(requestId, now + 1_000));
          expect(await ledger.inspect(now + 1_000)).toEqual(await reference.inspect(now + 1_000));
          expect(await journalOf(ledger)).toEqual(await journalOf(reference));
        }
        // Compacted at least once: the snapshot is no longer the new file's empty one.
        if (existsSync(path) && (JSON.parse(readFileSync(path, 'utf8').split('\n')[1]!) as { holds: unknown[] }).holds.length > 0) compactions += 1;
      } finally {
        await Promise.all(instances.map((ledger) => ledger.close?.()));
      }
    }),
    { numRuns: runs },
  );
  // The property ran across compactions, not only on one growing log (about half the runs do).
  console.log(`file ledger differential: ${compactions} of ${runs} runs compacted`);
  expect(compactions).toBeGreaterThan(runs / 5);
});
