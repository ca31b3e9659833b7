import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { joinBilling, signedUsd } from '../../src/cli/commands/reconcile/join-billing.js';
import { amountToNano, nanoToMoney } from '../../src/core/budget/nano-usd.js';
import { reconcileCommand, type ReconcileFlags } from '../../src/cli/commands/reconcile/reconcile-command.js';
import type { ReconcileReport } from '../../src/cli/commands/reconcile/reconcile-report.js';
import { fileLedger } from '../../src/node.js';
import { billingRow, FakePlatform } from '../fal/support/fake-platform.js';
import { ensureBuilt, failureLine, runCli } from './support/cli.js';
import { ledgerSeeder, V2V } from './support/seed-ledger.js';

const NOW = '2026-11-25T12:00:00Z';
const platform = new FakePlatform('admin-key-s3cr3t');
let dir: string;
let ledgerPath: string;
const ids: Record<string, string> = {};

/**
 * One ledger with every case reconcile tells apart, and fal's bill for it (on the fake
 * platform API). Amounts: the fal 2026-11-21 table ($0.72 / $1.08 / $2.16).
 */
beforeAll(async () => {
  ensureBuilt();
  await platform.start();
  dir = mkdtempSync(join(tmpdir(), 'fal-budget-reconcile-'));
  ledgerPath = join(dir, 'ledger.json');
  const seed = ledgerSeeder(fileLedger({ path: ledgerPath }));
  const commit = async (name: string, price: '0.72' | '1.08' | '2.16', submitted: string, settled: string) => {
    ids[name] = await seed.submit(price, submitted);
    await seed.settle(ids[name], 'commit', settled);
  };
  await commit('matched', '0.72', '2026-11-24T10:00:00Z', '2026-11-24T10:01:00Z');
  await commit('over', '2.16', '2026-11-24T10:02:00Z', '2026-11-24T10:03:00Z');
  await commit('under', '0.72', '2026-11-24T10:04:00Z', '2026-11-24T10:05:00Z');
  await commit('unbilled', '1.08', '2026-11-24T10:06:00Z', '2026-11-24T10:07:00Z');
  await commit('fresh', '0.72', '2026-11-25T11:40:00Z', '2026-11-25T11:50:00Z');
  ids.open = await seed.submit('0.72', '2026-11-25T11:30:00Z');
  ids.released = await seed.submit('0.72', '2026-11-24T10:08:00Z');
  await seed.settle(ids.released, 'release', '2026-11-24T10:09:00Z');
  ids.releasedBilled = await seed.submit('1.08', '2026-11-24T10:10:00Z');
  await seed.settle(ids.releasedBilled, 'release', '2026-11-24T10:11:00Z');
  await seed.run('0.72', '2026-11-24T10:12:00Z');
  // Settled before --since but billed inside the range: joined through the 24 h margin.
  await commit('straddles', '0.72', '2026-11-23T23:58:00Z', '2026-11-23T23:59:00Z');

  platform.events = [
    billingRow(ids.matched!, V2V, '2026-11-24T10:01:00Z', '720000000'),
    billingRow(ids.over!, V2V, '2026-11-24T10:03:00Z', '1800000000', '1.80'),
    billingRow(ids.under!, V2V, '2026-11-24T10:05:00Z', '1080000000', '1.08'),
    billingRow(ids.releasedBilled, V2V, '2026-11-24T10:11:00Z', '1080000000', '1.08'),
    billingRow(ids.open, V2V, '2026-11-25T11:45:00Z', '720000000'),
    billingRow(ids.straddles!, V2V, '2026-11-24T00:00:30Z', '720000000'),
    billingRow('not-guarded-1', V2V, '2026-11-24T11:00:00Z', '2160000000', '2.16'),
    billingRow('not-guarded-fresh', 'fal-ai/flux/dev', '2026-11-25T11:59:00Z', '25000000', '0.025'),
    '{"request_id":"not-priced-yet","endpoint_id":"luma/agent/ray/v3.2/video-to-video","timestamp":"2026-11-24T12:00:00Z","output_units":null,"unit_price":null,"percent_discount":null,"cost_estimate_nano_usd":null}',
    // Outside the range and its partners' margin: never reported.
    billingRow('last-month', V2V, '2026-10-24T10:00:00Z', '720000000'),
  ];
});

afterAll(async () => {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
});

const flags = (extra: Partial<ReconcileFlags> = {}): ReconcileFlags => ({ ledger: ledgerPath, since: '2026-11-24', apiUrl: platform.url, ...extra });
const io = { env: { FAL_KEY: platform.key }, now: () => new Date(NOW), stdin: (async function* () {})() };

describe('reconcile: every request in exactly one category, money exact', () => {
  let report: ReconcileReport;
  beforeAll(async () => {
    report = await reconcileCommand(flags(), io);
  });

  it('each request lands where the issue says', () => {
    const categoryOf = Object.fromEntries(report.rows.map((row) => [row.requestId, row.category]));
    expect(categoryOf).toEqual({
      [ids.matched!]: 'matched',
      [ids.straddles!]: 'matched',
      [ids.released!]: 'matched',
      [ids.over!]: 'over_reserved',
      [ids.under!]: 'under_quoted',
      [ids.releasedBilled!]: 'under_quoted',
      'not-guarded-1': 'unguarded',
      [ids.unbilled!]: 'unbilled',
      [ids.fresh!]: 'pending',
      [ids.open!]: 'pending',
      'not-guarded-fresh': 'pending',
      'not-priced-yet': 'pending',
    });
    const pending = Object.fromEntries(report.rows.filter((row) => row.pending).map((row) => [row.requestId, row.pending]));
    expect(pending).toEqual({ [ids.fresh!]: 'settle_delay', [ids.open!]: 'hold_open', 'not-guarded-fresh': 'settle_delay', 'not-priced-yet': 'not_priced' });
    expect(report.counts).toEqual({ under_quoted: 2, unguarded: 1, unbilled: 1, over_reserved: 1, pending: 4, matched: 3 });
  });

  it('amounts per request: counted (the quote, or $0 released), billed, and the signed difference', () => {
    const row = (id: string) => report.rows.find((candidate) => candidate.requestId === id)!;
    expect(row(ids.over!)).toMatchObject({ ledger: { outcome: 'committed', amount: '2.16', counted: '2.16' }, billed: { cost: '1.80', costNanoUsd: '1800000000', unitPrice: '1.8' }, difference: '-0.36' });
    expect(row(ids.under!)).toMatchObject({ ledger: { counted: '0.72' }, billed: { cost: '1.08' }, difference: '+0.36' });
    expect(row(ids.releasedBilled!)).toMatchObject({ ledger: { outcome: 'released', amount: '1.08', counted: '0.00' }, billed: { cost: '1.08' }, difference: '+1.08' });
    expect(row(ids.matched!)).toMatchObject({ difference: '0.00' });
    expect(row(ids.unbilled!)).toMatchObject({ ledger: { counted: '1.08' }, difference: '-1.08' });
    expect(row(ids.unbilled!).billed).toBeUndefined();
    expect(row('not-priced-yet')).toMatchObject({ billed: { cost: undefined }, difference: undefined });
  });

  it('totals per endpoint and overall, per category', () => {
    expect(report.totals.map((total) => total.endpoint)).toEqual(['fal-ai/flux/dev', V2V]);
    const v2v = report.totals[1]!;
    expect(v2v.categories.under_quoted).toEqual({ count: 2, counted: '0.72', billed: '2.16', difference: '+1.44' });
    expect(v2v.categories.over_reserved).toEqual({ count: 1, counted: '2.16', billed: '1.80', difference: '-0.36' });
    expect(v2v.categories.matched).toEqual({ count: 3, counted: '1.44', billed: '1.44', difference: '0.00' });
    // Counted: 0.72 + 0.72 + 0 + 2.16 + 0.72 + 0 + 1.08 + 0.72 (fresh) + 0 (open: no journal entry yet).
    expect(v2v).toMatchObject({ counted: '6.12', billed: '8.28', difference: '+2.16' });
    expect(report.grandTotal).toMatchObject({ counted: '6.12', billed: '8.305', difference: '+2.185' });
  });

  it('the run without a request id is counted apart, not guessed at', () => {
    expect(report.withoutRequestId).toEqual({ count: 1, counted: '0.72', endpoints: [V2V] });
  });

  it('a settle delay of 0: nothing is pending for being new; an open hold still is', async () => {
    const immediate = await reconcileCommand(flags({ settleDelay: '0' }), io);
    expect(immediate.rows.find((row) => row.requestId === ids.fresh)).toMatchObject({ category: 'unbilled' });
    expect(immediate.rows.find((row) => row.requestId === 'not-guarded-fresh')).toMatchObject({ category: 'unguarded' });
    expect(immediate.rows.find((row) => row.requestId === ids.open)).toMatchObject({ category: 'pending', pending: 'hold_open' });
  });

  it('--until leaves later requests out', async () => {
    const morning = await reconcileCommand(flags({ until: '2026-11-24T10:04:30Z' }), io);
    expect(morning.rows.map((row) => row.requestId).sort()).toEqual([ids.matched!, ids.over!, ids.straddles!].sort());
  });

  it('a saved export (JSONL, one event per line) gives the same report as the API', async () => {
    const file = join(dir, 'billing.jsonl');
    writeFileSync(file, `${platform.events.join('\n')}\n`);
    const fromFile = await reconcileCommand(flags({ events: file, apiUrl: undefined }), { ...io, env: {} });
    expect({ ...fromFile, billingSource: '' }).toEqual({ ...report, billingSource: '' });
    // One JSON document of pages, as the API answered them, too.
    writeFileSync(file, JSON.stringify([{ billing_events: [] }]).replace('[]', `[${platform.events.join(',')}]`));
    expect((await reconcileCommand(flags({ events: file }), io)).counts).toEqual(report.counts);
  });
});

describe('joinBilling properties', () => {
  it('the category is the sign of billed - counted; the totals are the exact sums of every row', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.constantFrom('a', 'b')), { maxLength: 30 }), (cases) => {
      const entries = cases.map(([counted, , endpoint], index) => ({
        at: 1_000 + index, outcome: 'committed' as const, holdId: `h${index}`, amount: nanoToMoney(counted), budgets: ['global'], requestId: `r${index}`, endpoint,
      }));
      const events = cases.map(([counted, delta, endpoint], index) => ({
        requestId: `r${index}`, endpointId: endpoint, timestamp: '', at: 1_000 + index, outputUnits: undefined, unitPrice: undefined, percentDiscount: undefined,
        costNanoUsd: counted + delta < 0n ? 0n : counted + delta,
      }));
      const joined = joinBilling({ entries, events, since: 0, until: 10_000, now: 1e12, settleDelayMs: 0, openHolds: new Set() });
      let difference = 0n;
      for (const [index, [counted, delta]] of cases.entries()) {
        const billed = counted + delta < 0n ? 0n : counted + delta;
        difference += billed - counted;
        const expected = billed === counted ? 'matched' : billed > counted ? 'under_quoted' : 'over_reserved';
        expect(joined.rows.find((row) => row.requestId === `r${index}`)!.category).toBe(expected);
      }
      expect(joined.grandTotal.difference).toBe(signedUsd(difference));
      const nano = (usd: string) => amountToNano('usd', usd);
      expect(joined.totals.reduce((sum, total) => sum + nano(total.billed) - nano(total.counted), 0n)).toBe(difference);
    }));
  });
});

describe('the built CLI', () => {
  const cliArgs = (...extra: string[]) => ['reconcile', '--ledger', ledgerPath, '--since', '2026-11-24', '--until', '2026-11-25', '--api-url', platform.url, ...extra];
  const env = { FAL_KEY: platform.key };

  it('exit 3 when any request was quoted below what fal billed; the table names them', async () => {
    const result = await runCli(cliArgs(), { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('fal-budget: 2 requests were quoted below what fal billed (fal billed $2.16, the ledger counted $0.72)\n');
    expect(result.stdout).toContain('Reconcile 2026-11-24T00:00:00.000Z → 2026-11-25T00:00:00.000Z');
    expect(result.stdout).toMatch(/quoted below billed\s*│\s*2\s*│\s*\$0\.72\s*│\s*\$2\.16/);
    expect(result.stdout).toContain(ids.releasedBilled!);
    expect(result.stdout).toContain('the guard released a hold fal billed');
    expect(result.stdout).not.toContain(platform.key);
  });

  it('--json: the whole report, every request, money as decimal strings', async () => {
    const result = await runCli(cliArgs('--json'), { env });
    expect(result.code).toBe(3);
    const json = JSON.parse(result.stdout) as Omit<ReconcileReport, 'kind'>;
    expect(json.counts).toEqual({ under_quoted: 2, unguarded: 1, unbilled: 1, over_reserved: 1, pending: 1, matched: 3 });
    expect(json.rows).toHaveLength(9);
    expect(json.grandTotal).toMatchObject({ counted: '5.40', billed: '7.56', difference: '+2.16' });
  });

  it('--format markdown', async () => {
    const result = await runCli(cliArgs('--format', 'markdown'), { env });
    expect(result.stdout).toContain('| **quoted below billed** | 2 | $0.72 | $2.16 | +1.44 |');
    expect(result.stdout).toContain(`| quoted below billed | \`${ids.under}\` | \`${V2V}\` | $0.72 | $1.08 | +0.36 |  |`);
    expect(result.stdout).toContain(`| quoted below billed | \`${ids.releasedBilled}\` | \`${V2V}\` | $0.00 | $1.08 | +1.08 | the guard released a hold fal billed |`);
  });

  it('exit 0 when nothing was quoted below billed', async () => {
    const result = await runCli(['reconcile', '--ledger', ledgerPath, '--since', '2026-11-24T10:00:00Z', '--until', '2026-11-24T10:04:00Z', '--api-url', platform.url, '--json'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect((JSON.parse(result.stdout) as ReconcileReport).counts).toMatchObject({ matched: 1, over_reserved: 1, under_quoted: 0 });
  });

  it('a key fal refuses: exit 2, one line naming the endpoint and status, never the key', async () => {
    const result = await runCli(cliArgs(), { env: { FAL_KEY: 'wrong-key-s3cr3t' } });
    expect(failureLine(result)).toBe('fal-budget: GET /v1/models/billing-events answered 401 (check FAL_KEY; billing events need an ADMIN key): Invalid authentication credentials');
    expect(result.stderr).not.toContain('s3cr3t');
  });

  it('billing events that page without end: exit 2, one line naming the endpoint', async () => {
    platform.endless = 'empty';
    try {
      expect(failureLine(await runCli(cliArgs(), { env }))).toBe('fal-budget: GET /v1/models/billing-events: page 1 has no billing_events but says has_more: true');
    } finally {
      platform.endless = undefined;
    }
  });

  it('no FAL_KEY and no --events: exit 2 before anything is asked', async () => {
    const calls = platform.calls.length;
    const result = await runCli(cliArgs(), { env: { FAL_KEY: undefined } });
    expect(failureLine(result)).toBe('fal-budget: GET /v1/models/billing-events: no API key: set FAL_KEY (billing events need an ADMIN key)');
    expect(platform.calls.length).toBe(calls);
  });

  const usage: [string, string[], string][] = [
    ['an empty --events file', ['reconcile', '--ledger', '/nonexistent/ledger.json', '--since', '2026-11-24', '--events', '/dev/null'], 'fal-budget: --events /dev/null: not JSON or JSONL (unexpected end of JSON at position 0)'],
    ['a bad --since', ['reconcile', '--ledger', 'x', '--since', 'yesterday'], 'fal-budget: --since: expected a date like 2026-11-24 or a date-time with offset like 2026-11-24T12:00:00Z (got "yesterday")'],
    ['--until before --since', ['reconcile', '--ledger', 'x', '--since', '2026-11-24', '--until', '2026-11-23'], 'fal-budget: --until (2026-11-23T00:00:00.000Z) must be after --since (2026-11-24T00:00:00.000Z)'],
    ['a bad --settle-delay', ['reconcile', '--ledger', 'x', '--since', '2026-11-24', '--settle-delay', '1 hour'], 'fal-budget: --settle-delay: expected a duration like 1h, 90m, 45s or 0 (got "1 hour")'],
    ['no --since', ['reconcile', '--ledger', 'x'], 'fal-budget: Missing required argument: since (see fal-budget --help)'],
  ];
  for (const [label, args, line] of usage) {
    it(`${label}: exit 2, one line`, async () => {
      expect(failureLine(await runCli(args, { env }))).toBe(line);
    });
  }

  it('an --events line that is not a billing event: exit 2 naming the line and field', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${billingRow('a', V2V, '2026-11-24T10:00:00Z', '1')}\n${billingRow('b', V2V, '2026-11-24T10:00:00Z', '1.5')}\n`);
    const result = await runCli(['reconcile', '--ledger', ledgerPath, '--since', '2026-11-24', '--events', file], { env });
    expect(failureLine(result)).toBe(`fal-budget: --events ${file} line 2: request b: cost_estimate_nano_usd: must be a whole number of nano-USD (got "1.5")`);
  });

  it('a ledger path that does not exist is refused, not read as an empty ledger', async () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, `${billingRow('a', V2V, '2026-11-24T10:00:00Z', '1')}\n`);
    const result = await runCli(['reconcile', '--ledger', join(dir, 'typo.json'), '--since', '2026-11-24', '--events', file], { env });
    expect(failureLine(result)).toBe(`fal-budget: --ledger ${join(dir, 'typo.json')}: no such ledger file (give a file path or a redis:// URL)`);
  });
});
