import { describe, expect, it } from 'vitest';
import type { HoldDetails } from '../../src/core/budget/ledger-types.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { journalOf } from '../support/journal.js';

/*
 * The memory ledger keeps a settled hold's record and builds its journal entry each time the
 * journal is read, so the details it keeps must be plain values. A frozen object can still have
 * accessor properties, whose values are computed on every read: only details the guard made as
 * plain data (plainHoldDetails) are kept uncopied; a caller's, frozen or not, are copied at
 * reserve. (Found by review4 on 2026-12-03, when frozen details were kept as they were.)
 */

const budgets = [{ key: 'global', limit: '100.00' }];

describe('a settled hold whose caller gave frozen details with accessors', () => {
  it('reads the same journal entry every time', async () => {
    let endpoint = 'luma/agent/ray/v3.2/video-to-video';
    // Frozen, yet what it says changes: `endpoint` is an own accessor property.
    const details: HoldDetails = Object.freeze({ get endpoint() { return endpoint; }, provider: 'fal' });
    expect(Object.isFrozen(details)).toBe(true);
    const ledger = memoryLedger();
    await ledger.reserve({ holdId: 'h', amount: '2.16', budgets, expiresAt: 10_000, now: 0, details });
    expect(await ledger.commit('h', 100)).toBe('committed');
    const first = await journalOf(ledger);
    expect(first).toEqual([{ endpoint: 'luma/agent/ray/v3.2/video-to-video', provider: 'fal', at: 100, outcome: 'committed', holdId: 'h', amount: '2.16', budgets: ['global'] }]);
    endpoint = 'someone/else';
    expect(await journalOf(ledger)).toEqual(first);
  });
});
