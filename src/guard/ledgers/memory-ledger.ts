import {
  commitHold, emptyLedgerState, pruneLedger, releaseHold, reserveHold, usageOf,
} from '../../core/budget/ledger-state.js';
import type { Ledger } from '../../core/budget/ledger-types.js';

/**
 * A ledger in this process's memory: the default. Each operation runs synchronously to the end,
 * so concurrent calls in one process cannot interleave inside it. It is one process's budget
 * only: several instances need the file ledger (one machine) or the Redis ledger.
 */
export function memoryLedger(): Ledger {
  const state = emptyLedgerState();
  let operations = 0;
  const housekeeping = (now: number) => {
    // Pruning walks every hold; doing it every 1024 operations keeps reserve O(1) amortised.
    operations += 1;
    if ((operations & 1023) === 0) pruneLedger(state, now);
  };
  return {
    async reserve(request) {
      housekeeping(request.now);
      return reserveHold(state, request);
    },
    async commit(holdId, now) {
      housekeeping(now);
      return commitHold(state, holdId, now);
    },
    async release(holdId, now) {
      housekeeping(now);
      return releaseHold(state, holdId, now);
    },
    async usage(keys, now) {
      return usageOf(state, keys, now);
    },
  };
}
