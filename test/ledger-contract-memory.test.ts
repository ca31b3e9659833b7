import { describe, expect, it } from 'vitest';
import { memoryLedger } from '../src/guard/ledgers/memory-ledger.js';
import { describeLedgerContract } from './support/ledger-contract.js';

// The reference: the memory ledger is the pure state machine of src/core/budget/ledger-state.ts.
describeLedgerContract('memoryLedger', () => memoryLedger());

describe('pruning settled holds', () => {
  it('forgets holds settled more than a retention period ago, oldest first, and moves no money', async () => {
    const { commitHold, emptyLedgerState, pruneLedger, releaseHold, reserveHold, usageOf } = await import('../src/core/budget/ledger-state.js');
    const state = emptyLedgerState();
    const budgets = [{ key: 'global', limit: '100.00' }];
    for (let index = 0; index < 5; index += 1) {
      expect(reserveHold(state, { holdId: `h${index}`, amount: '1.00', budgets, expiresAt: 10_000_000, now: index })).toEqual({ ok: true });
    }
    commitHold(state, 'h0', 100);
    releaseHold(state, 'h1', 200);
    commitHold(state, 'h3', 300);
    pruneLedger(state, 1250, 1000);
    expect([...state.holds.keys()]).toEqual(['h2', 'h3', 'h4']);
    expect(commitHold(state, 'h0', 1300)).toBe('unknown');
    expect(commitHold(state, 'h3', 1300)).toBe('already_committed');
    expect(usageOf(state, ['global'], 1300)).toEqual([{ key: 'global', spent: '2.00', reserved: '2.00' }]);
  });
});
