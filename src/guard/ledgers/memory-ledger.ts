import {
  commitHold, drainJournal, emptyLedgerState, inspectLedger, JOURNAL_RETENTION_MS, linkOfRequest, linkRequest, pruneLedger, releaseHold,
  reserveHold, RETENTION_MS, settleRequestHold, usageOf, type LedgerState,
} from '../../core/budget/ledger-state.js';
import type { Ledger } from '../../core/budget/ledger-types.js';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import { MemoryJournal } from './memory-journal.js';

export interface MemoryLedgerOptions {
  /** How long settled holds and their request links are remembered (ms). Default 24 hours. */
  readonly holdRetentionMs?: number;
  /** How long the spend journal keeps an entry (ms). Default 90 days. */
  readonly journalRetentionMs?: number;
}

export function retentionOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(name, `must be a positive whole number of milliseconds (got ${String(value)})`);
  }
  return value;
}

/**
 * A ledger in this process's memory: the default. Each operation runs synchronously to the end,
 * so concurrent calls in one process cannot interleave inside it, and a settlement and its
 * journal entry are one step. It is one process's budget only: several instances need the file
 * ledger (one machine, or a shared volume) or the Redis ledger.
 */
export function memoryLedger(options: MemoryLedgerOptions = {}): Ledger {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('memoryLedger', 'takes an options object');
  const holdRetentionMs = retentionOption('holdRetentionMs', options.holdRetentionMs, RETENTION_MS);
  const journal = new MemoryJournal(retentionOption('journalRetentionMs', options.journalRetentionMs, JOURNAL_RETENTION_MS));
  const state = emptyLedgerState();
  let operations = 0;

  /** Runs one transition, then files its journal entries; pruning every 1024 operations keeps it O(1) amortised. */
  function step<T>(now: number, apply: (ledger: LedgerState) => T): T {
    const result = apply(state);
    const settled = drainJournal(state);
    if (settled.length > 0) journal.append(settled, now);
    operations += 1;
    if ((operations & 1023) === 0) pruneLedger(state, now, holdRetentionMs);
    return result;
  }

  return {
    reserve: async (request) => step(request.now, (ledger) => reserveHold(ledger, request)),
    commit: async (holdId, now) => step(now, (ledger) => commitHold(ledger, holdId, now)),
    release: async (holdId, now) => step(now, (ledger) => releaseHold(ledger, holdId, now)),
    usage: async (keys, now) => step(now, (ledger) => usageOf(ledger, keys, now)),
    link: async (request) => step(request.now, (ledger) => linkRequest(ledger, request)),
    settleRequest: async (requestId, settlement, now, app) => step(now, (ledger) => settleRequestHold(ledger, requestId, settlement, now, app)),
    linkOf: async (requestId, now) => step(now, (ledger) => linkOfRequest(ledger, requestId, now)),
    inspect: async (now) => step(now, (ledger) => inspectLedger(ledger, now)),
    journal: (query) => toAsync(journal.read(query)),
  };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
