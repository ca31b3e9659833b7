import { describe, expect, it } from 'vitest';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { journalOf } from '../support/journal.js';

/*
 * A journal entry read from the memory ledger must not share its `budgets` array with the hold
 * record the ledger keeps: a reader that sorts or extends the list it was given would rewrite
 * what the journal says the hold was reserved in, for every later reader (reconcile, ledger
 * journal). Found by review4 on 2026-12-03; the list had been shared since the journal began.
 */

const budgets = [{ key: 'user:bob', limit: '100.00' }, { key: 'global', limit: '100.00' }];

describe('a journal entry a reader was given', () => {
  it('changing its budgets list does not change what the journal says next time', async () => {
    const ledger = memoryLedger();
    await ledger.reserve({ holdId: 'h', amount: '2.16', budgets, expiresAt: 10_000, now: 0 });
    expect(await ledger.commit('h', 100)).toBe('committed');
    const [first] = await journalOf(ledger);
    expect(first!.budgets).toEqual(['user:bob', 'global']);
    // An ordinary reader's in-place work on what it was handed (sort is in place).
    try {
      (first!.budgets as string[]).sort();
    } catch {
      // A frozen list refusing the sort is a fine answer too.
    }
    const [again] = await journalOf(ledger);
    expect(again!.budgets).toEqual(['user:bob', 'global']);
  });
});
