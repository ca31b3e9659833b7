/**
 * Writes the ledger files the docs' console examples read (docs/examples/*.jsonl), through the
 * real guard and the real @fal-ai/client, at fixed instants, as test/cli's goldens fill theirs.
 * Hold ids are random, so a rerun changes the journal lines the docs show: rerun the docs test
 * (test/docs/console-examples.test.ts) and update the examples it names.
 *
 *   npx tsx test/docs/support/make-doc-examples.ts
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileLedger } from '../../../src/node.js';
import { fillLedger } from '../../cli/support/ledger-fill.js';
import { ledgerSeeder, V2V } from '../../cli/support/seed-ledger.js';
import { billingRow } from '../../fal/support/fake-platform.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'docs', 'examples');
const fresh = (name: string) => {
  const path = join(EXAMPLES, name);
  rmSync(path, { force: true });
  return path;
};

// docs/ledgers.md: `ledger status` and `ledger journal` (the figures are in ledger-fill.ts).
await fillLedger(fileLedger({ path: fresh('budget-ledger.jsonl') }));

// docs/webhooks-and-reconcile.md: one request in each category reconcile tells apart. The fake
// fal numbers its requests req-1, req-2, ...; nothing is left open, so reading the ledger later
// expires nothing and the report does not depend on the clock.
const seed = ledgerSeeder(fileLedger({ path: fresh('reconcile-ledger.jsonl') }));
const matched = await seed.submit('0.72', '2026-11-24T10:00:00Z');
await seed.settle(matched, 'commit', '2026-11-24T10:01:00Z');
const over = await seed.submit('2.16', '2026-11-24T10:02:00Z');
await seed.settle(over, 'commit', '2026-11-24T10:03:00Z');
const under = await seed.submit('0.72', '2026-11-24T10:04:00Z');
await seed.settle(under, 'commit', '2026-11-24T10:05:00Z');
const unbilled = await seed.submit('1.08', '2026-11-24T10:06:00Z');
await seed.settle(unbilled, 'commit', '2026-11-24T10:07:00Z');
await seed.run('0.72', '2026-11-24T10:08:00Z');

writeFileSync(fresh('billing.jsonl'), [
  billingRow(matched, V2V, '2026-11-24T10:01:00Z', '720000000'),
  billingRow(over, V2V, '2026-11-24T10:03:00Z', '1800000000', '1.80'),
  billingRow(under, V2V, '2026-11-24T10:05:00Z', '1080000000', '1.08'),
  billingRow('0f9e2d1c-unguarded', 'luma/agent/ray/v3.2/image-to-video', '2026-11-24T11:00:00Z', '500000000', '0.50'),
].join('\n') + '\n');
