import { describe, expect, it } from 'vitest';
import {
  commitHold, drainJournal, emptyLedgerState, linkOfRequest, linkRequest, pruneLedger, releaseHold, reserveHold,
} from '../../src/core/budget/ledger-state.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';
import { journalOf } from '../support/journal.js';

/*
 * The memory ledger keeps a settled hold's record as its journal entry (read out when the journal
 * is read) and queues settled holds in an array for pruning. These pin what that must not change:
 * an entry says what was known when the hold settled, and pruning forgets exactly the holds (and
 * links) older than the retention, across the queue's compactions.
 */

const budgets = [{ key: 'global', limit: '100000.00' }];

describe('a settled hold as its journal entry', () => {
  it('a request linked after the hold settled is not written into the entry after the fact', async () => {
    const ledger = memoryLedger();
    await ledger.reserve({ holdId: 'h', amount: '2.16', budgets, expiresAt: 10_000, now: 0 });
    expect(await ledger.commit('h', 100)).toBe('committed');
    expect(await ledger.link({ requestId: 'req-late', holdId: 'h', now: 200, app: 'luma/agent' })).toBe(true);
    expect(await ledger.linkOf('req-late', 300)).toEqual({ requestId: 'req-late', holdId: 'h', status: 'committed', app: 'luma/agent' });
    expect(await journalOf(ledger)).toEqual([{ at: 100, outcome: 'committed', holdId: 'h', amount: '2.16', budgets: ['global'] }]);
    // A settle by the late link finds the settled hold and changes nothing.
    expect(await ledger.settleRequest('req-late', 'release', 400)).toBe('already_committed');
    expect(await ledger.usage(['global'], 500)).toEqual([{ key: 'global', spent: '2.16', reserved: '0.00' }]);
  });

  it('an entry read twice is the same, and reading builds a fresh object each time', async () => {
    const ledger = memoryLedger();
    const details = { endpoint: 'e', provider: 'fal', scope: { user: 'u' } };
    await ledger.reserve({ holdId: 'h', amount: '0.000000001', budgets, expiresAt: 10_000, now: 0, details });
    await ledger.link({ requestId: 'r', holdId: 'h', now: 1 });
    await ledger.release('h', 2);
    const [first] = await journalOf(ledger);
    const [second] = await journalOf(ledger);
    expect(first).toEqual({ endpoint: 'e', provider: 'fal', scope: { user: 'u' }, at: 2, outcome: 'released', holdId: 'h', amount: '0.000000001', budgets: ['global'], requestId: 'r' });
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it("a caller changing its details object after reserving does not rewrite the hold's entry", async () => {
    const ledger = memoryLedger();
    const scope: Record<string, string> = { user: 'u' };
    const details: { endpoint: string; provider: string; scope: Record<string, string> } = { endpoint: 'e', provider: 'fal', scope };
    await ledger.reserve({ holdId: 'h', amount: '1.00', budgets, expiresAt: 10_000, now: 0, details });
    details.endpoint = 'changed-before-settling';
    await ledger.commit('h', 5);
    details.provider = 'changed-after';
    scope.user = 'someone-else';
    expect(await journalOf(ledger)).toEqual([{ endpoint: 'e', provider: 'fal', scope: { user: 'u' }, at: 5, outcome: 'committed', holdId: 'h', amount: '1.00', budgets: ['global'] }]);
  });

  it('pruning after a late link forgets the hold and its link together (the link is on a copy of the settled record)', () => {
    const state = emptyLedgerState();
    reserveHold(state, { holdId: 'h', amount: '1.00', budgets, expiresAt: 10_000, now: 0 });
    commitHold(state, 'h', 100);
    expect(drainJournal(state)).toEqual([{ at: 100, outcome: 'committed', holdId: 'h', amount: '1.00', budgets: ['global'] }]);
    expect(linkRequest(state, { requestId: 'r', holdId: 'h', now: 200 })).toBe(true);
    expect(linkOfRequest(state, 'r', 200)).toEqual({ requestId: 'r', holdId: 'h', status: 'committed' });
    pruneLedger(state, 1_099, 1_000);
    expect(state.holds.has('h')).toBe(true);
    pruneLedger(state, 1_101, 1_000);
    expect(state.holds.size).toBe(0);
    expect(state.requests.size).toBe(0);
    expect(linkOfRequest(state, 'r', 1_200)).toBeUndefined();
  });
});

describe('pruning settled holds in settlement order', () => {
  it('forgets exactly the holds settled more than the retention ago, across the queue\'s compactions', () => {
    const state = emptyLedgerState();
    const retention = 1_000;
    const settledAt = new Map<string, number>();
    let now = 0;
    // Rounds of settlements interleaved with pruning, so the queue is read past half and compacted.
    for (let round = 0; round < 6; round += 1) {
      for (let index = 0; index < 1_500; index += 1) {
        now += 1;
        const holdId = `h${round}-${index}`;
        reserveHold(state, { holdId, amount: '0.01', budgets, expiresAt: now + 10_000_000, now });
        if (index % 3 === 0) releaseHold(state, holdId, now);
        else commitHold(state, holdId, now);
        settledAt.set(holdId, now);
        if (index % 250 === 0) pruneLedger(state, now, retention);
      }
      pruneLedger(state, now, retention);
      const kept = [...settledAt].filter(([, at]) => at + retention >= now).map(([holdId]) => holdId);
      expect([...state.holds.keys()].sort()).toEqual(kept.sort());
      expect(commitHold(state, kept[0]!, now)).toMatch(/^already_/);
    }
    const forgotten = [...settledAt].find(([, at]) => at + retention < now)![0];
    expect(commitHold(state, forgotten, now)).toBe('unknown');
  });
});
