import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';

/*
 * A settlement's journal entry is `{ ...details, at, outcome, holdId, amount, budgets, requestId? }`:
 * the details first, so the ledger's own fields win. The memory ledger writes the guard's detail
 * shapes out field by field (ledger-state.ts copyOfDetails); any details, known fields in any
 * order or unknown ones, must come out with the same keys, in the same order, as that spread.
 */

const NOW = 1_800_000_000_000;
const field = fc.constantFrom('endpoint', 'provider', 'pricingVersion', 'pricingSha256', 'scope', 'extra', 'at', 'amount');
const details = fc.uniqueArray(field, { maxLength: 6 }).chain((keys) => fc.tuple(...keys.map((key) => fc.constant(key)), ...keys.map(() => fc.oneof(fc.string({ maxLength: 4 }), fc.constant(undefined))))
  .map((parts) => Object.fromEntries(keys.map((key, index) => [key, parts[keys.length + index]]))));

async function entryOf(given: Record<string, unknown> | undefined, requestId: string | undefined): Promise<JournalEntry> {
  const ledger = memoryLedger();
  await ledger.reserve({ holdId: 'h', amount: '4.32', budgets: [{ key: 'global', limit: '10.00' }], expiresAt: NOW + 1000, now: NOW, details: given });
  if (requestId !== undefined) await ledger.link({ requestId, holdId: 'h', now: NOW });
  await ledger.commit('h', NOW + 1);
  const entries: JournalEntry[] = [];
  for await (const entry of ledger.journal()) entries.push(entry);
  return entries[0]!;
}

describe('memory ledger journal entries', () => {
  it('have the keys and values of the spread, in its order, for any details (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(fc.option(details, { nil: undefined }), fc.option(fc.constant('req-1'), { nil: undefined }), async (given, requestId) => {
      const entry = await entryOf(given, requestId);
      const expected = {
        ...given, at: NOW + 1, outcome: 'committed', holdId: 'h', amount: '4.32', budgets: ['global'], ...(requestId === undefined ? {} : { requestId }),
      };
      expect(Object.entries(entry)).toEqual(Object.entries(expected));
    }), { numRuns: 400 });
  });

  it('of the guard\'s shape: the details, then the settlement', async () => {
    const entry = await entryOf({ endpoint: 'e', provider: 'fal', pricingVersion: 'v', pricingSha256: 's', scope: { user: 'u' } }, 'r');
    expect(Object.keys(entry)).toEqual(['endpoint', 'provider', 'pricingVersion', 'pricingSha256', 'scope', 'at', 'outcome', 'holdId', 'amount', 'budgets', 'requestId']);
  });
});
