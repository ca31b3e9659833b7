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

describe('a window whose record was pruned is never started afresh', () => {
  it('refuses a call dated into a forgotten window (a clock stepped back), in the state every ledger but Redis shares', async () => {
    const { emptyLedgerState, pruneLedger, reserveHold, commitHold } = await import('../src/core/budget/ledger-state.js');
    const state = emptyLedgerState();
    const day = { key: 'daily/day=2026-12-02@UTC', limit: '25.00', windowEndsAt: 10_000 };
    expect(reserveHold(state, { holdId: 'a', amount: '20.00', budgets: [day], expiresAt: 9_000, now: 5_000 })).toEqual({ ok: true });
    commitHold(state, 'a', 6_000);
    // A clock days ahead prunes the finished window...
    pruneLedger(state, 10_000 + 2_000, 1_000);
    expect(state.budgets.has(day.key)).toBe(false);
    // ...and once the clock is back, that window is not counted from zero again.
    expect(() => reserveHold(state, { holdId: 'b', amount: '20.00', budgets: [day], expiresAt: 9_500, now: 7_000 })).toThrow(/already forgotten/);
    expect(() => reserveHold(state, { holdId: 'b', amount: '20.00', budgets: [day], expiresAt: 9_500, now: 7_000 })).toThrow(expect.objectContaining({ name: 'InvalidLedgerRequestError', code: 'window_forgotten' }));
    // A later window starts as usual.
    expect(reserveHold(state, { holdId: 'c', amount: '20.00', budgets: [{ ...day, key: 'daily/day=2026-12-03@UTC', windowEndsAt: 20_000 }], expiresAt: 19_000, now: 13_000 })).toEqual({ ok: true });
  });
});
