import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { joinBilling } from '../../src/cli/commands/reconcile/join-billing.js';
import { readLedgerSide } from '../../src/cli/commands/reconcile/read-ledger-side.js';
import type { ReconcileReport } from '../../src/cli/commands/reconcile/reconcile-report.js';
import type { Ledger } from '../../src/core/budget/ledger-types.js';
import { LedgerUnavailableError, memoryLedger } from '../../src/index.js';
import { fileLedger, redisLedger } from '../../src/node.js';
import { billingRow } from '../fal/support/fake-platform.js';
import { describeWithRedisServer, RedisServer } from '../redis/support/redis-server.js';
import { ensureBuilt, runCli } from './support/cli.js';
import { ledgerSeeder, V2V } from './support/seed-ledger.js';

/**
 * A hold nobody settled expires; its expiry is journaled at the operation that found it due,
 * which may be days after the range (an app idle over a weekend). fal billed the request inside
 * the range: it is quoted below billed (exit 3), never "unknown to the ledger".
 */
const SUBMITTED = '2026-11-24T12:00:00Z';
/** The seeder's holds last 24 h: this one is due 2026-11-25T12:00Z, and found due two days later. */
const NEXT_WRITE = '2026-11-26T09:00:00Z';
const RANGE = ['--since', '2026-11-24', '--until', '2026-11-25'];

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'fal-budget-reconcile-late-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Submits one $0.72 request fal bills $1.08 and never settles it; optionally writes again later. */
async function lateExpiry(ledger: Ledger, options: { writeLater: boolean }): Promise<{ requestId: string; events: string }> {
  const seed = ledgerSeeder(ledger);
  const requestId = await seed.submit('0.72', SUBMITTED);
  if (options.writeLater) await seed.submit('0.72', NEXT_WRITE);
  await ledger.close?.();
  const events = join(dir, `billing-${requestId}.jsonl`);
  writeFileSync(events, `${billingRow(requestId, V2V, '2026-11-24T12:00:05Z', '1080000000', '1.08')}\n`);
  return { requestId, events };
}

async function expectQuotedBelow(where: string, events: string, requestId: string, settledAt: string | undefined) {
  const result = await runCli(['reconcile', '--ledger', where, ...RANGE, '--events', events, '--json']);
  expect(result.stderr).toBe('fal-budget: 1 request was quoted below what fal billed (fal billed $1.08, the ledger counted $0.72)\n');
  expect(result.code).toBe(3);
  const report = JSON.parse(result.stdout) as ReconcileReport;
  expect(report.counts).toMatchObject({ under_quoted: 1, unguarded: 0 });
  const row = report.rows.find((candidate) => candidate.requestId === requestId)!;
  expect(row).toMatchObject({ category: 'under_quoted', ledger: { outcome: 'expired', amount: '0.72', counted: '0.72' }, billed: { cost: '1.08' }, difference: '+0.36' });
  if (settledAt !== undefined) expect(row.ledger!.at).toBe(settledAt);
}

describe('reconcile: a billed request whose hold expired and was journaled after the window read', () => {
  it('file ledger, the expiry found due by a write two days later: quoted below billed, exit 3', async () => {
    const path = join(dir, 'swept-later.json');
    const { requestId, events } = await lateExpiry(fileLedger({ path }), { writeLater: true });
    await expectQuotedBelow(path, events, requestId, '2026-11-26T09:00:00.000Z');
  });

  it('file ledger, no write since: the expiry reconcile itself finds due is read too', async () => {
    const path = join(dir, 'never-swept.json');
    const { requestId, events } = await lateExpiry(fileLedger({ path }), { writeLater: false });
    await expectQuotedBelow(path, events, requestId, undefined);
  });
});

describeWithRedisServer('reconcile on a Redis ledger: the same late expiry', () => {
  let server: RedisServer;
  beforeEach(async () => {
    // A server of its own for each case: reconcile reads the default prefix, and the seeder's request ids repeat.
    server = await RedisServer.start();
  });
  afterEach(async () => server?.stop());

  it('quoted below billed, exit 3', async () => {
    const { requestId, events } = await lateExpiry(redisLedger({ url: server.url }), { writeLater: true });
    await expectQuotedBelow(server.url, events, requestId, '2026-11-26T09:00:00.000Z');
  });

  it('no write since: the expiry reconcile itself finds due is read too', async () => {
    const { requestId, events } = await lateExpiry(redisLedger({ url: server.url }), { writeLater: false });
    await expectQuotedBelow(server.url, events, requestId, undefined);
  });
});

describe('readLedgerSide', () => {
  const at = Date.parse('2026-11-24T12:00:00Z');
  const HOUR = 60 * 60 * 1000;
  const reserve = (ledger: Ledger, holdId: string) =>
    ledger.reserve({ holdId, amount: '0.72', budgets: [{ key: 'global', limit: '1000' }], expiresAt: at + HOUR, now: at, details: { endpoint: V2V } });

  it('linked and settled, but no journal entry anywhere: an error naming the request, never a guess', async () => {
    const ledger = memoryLedger({ journalRetentionMs: 1 });
    await reserve(ledger, 'h1');
    await ledger.link({ requestId: 'req-1', holdId: 'h1', now: at });
    await ledger.commit('h1', at + 1);
    // A later operation trims the journal (kept 1 ms); the link stays a day.
    await reserve(ledger, 'h2');
    await ledger.commit('h2', at + 10);
    const side = readLedgerSide(ledger, { since: at - 24 * HOUR, until: at + 24 * HOUR, now: at + 2 * HOUR, billed: ['req-1'] });
    await expect(side).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(side).rejects.toThrow('the ledger links request req-1 to hold h1, settled, but its journal has no entry for that hold: cannot tell what it counted');
  });

  it('links are looked up many at a time (a file ledger answers a queue under one lock), each answer kept with its request', async () => {
    const inner = memoryLedger();
    for (let index = 0; index < 600; index += 1) {
      await reserve(inner, `h${index}`);
      await inner.link({ requestId: `req-${index}`, holdId: `h${index}`, now: at });
    }
    let inFlight = 0;
    let most = 0;
    const ledger: Ledger = {
      ...inner,
      linkOf: async (requestId, now) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return inner.linkOf(requestId, now);
      },
    };
    const billed = [...Array.from({ length: 600 }, (_, index) => `req-${index}`), 'not-linked'];
    const side = await readLedgerSide(ledger, { since: at - HOUR, until: at + HOUR, now: at + 1, billed });
    expect(most).toBe(256);
    expect([...side.openHolds].sort()).toEqual(billed.slice(0, 600).sort());
  });

  it('a hold linked after it settled: its entry is joined by the link, not also counted as without a request id', async () => {
    const ledger = memoryLedger();
    await reserve(ledger, 'h1');
    await ledger.commit('h1', at + 1);
    expect(await ledger.link({ requestId: 'req-1', holdId: 'h1', now: at + 2 })).toBe(true);
    const side = await readLedgerSide(ledger, { since: at - HOUR, until: at + HOUR, now: at + HOUR, billed: ['req-1'] });
    expect(side.entries).toMatchObject([{ holdId: 'h1', requestId: 'req-1', outcome: 'committed' }]);
    const events = [{ requestId: 'req-1', endpointId: V2V, timestamp: '', at: at + 1, outputUnits: undefined, unitPrice: undefined, percentDiscount: undefined, costNanoUsd: 1_080_000_000n }];
    const joined = joinBilling({ entries: side.entries, events, since: at - HOUR, until: at + HOUR, now: at + HOUR, settleDelayMs: 0, openHolds: side.openHolds });
    expect(joined.rows.map((row) => [row.requestId, row.category])).toEqual([['req-1', 'under_quoted']]);
    expect(joined.withoutRequestId.count).toBe(0);
  });
});
