import {
  commitHold, drainSettled, emptyLedgerState, inspectLedger, JOURNAL_RETENTION_MS, linkOfRequest, linkRequest, pruneLedger, releaseHold,
  reserveHold, RETENTION_MS, settleRequestHold, usageOf,
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

  /**
   * After each transition: files the holds it settled in the journal; pruning every 1024
   * operations keeps it O(1) amortised. Called with the transition's result, not a closure of it.
   */
  function done<T>(now: number, result: T): T {
    const settled = drainSettled(state);
    if (settled.length > 0) journal.append(settled, now);
    operations += 1;
    if ((operations & 1023) === 0) pruneLedger(state, now, holdRetentionMs);
    return result;
  }

  return {
    reserve: async (request) => done(request.now, reserveHold(state, request)),
    commit: async (holdId, now) => done(now, commitHold(state, holdId, now)),
    release: async (holdId, now) => done(now, releaseHold(state, holdId, now)),
    usage: async (keys, now) => done(now, usageOf(state, keys, now)),
    link: async (request) => done(request.now, linkRequest(state, request)),
    settleRequest: async (requestId, settlement, now, app) => done(now, settleRequestHold(state, requestId, settlement, now, app)),
    linkOf: async (requestId, now) => done(now, linkOfRequest(state, requestId, now)),
    inspect: async (now) => done(now, inspectLedger(state, now)),
    journal: (query) => toAsync(journal.read(query)),
  };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
