import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  commitHold, drainJournal, emptyLedgerState, inspectLedger, JOURNAL_RETENTION_MS, linkOfRequest, linkRequest, pruneLedger, releaseHold,
  reserveHold, RETENTION_MS, settleRequestHold, usageOf, type LedgerState,
} from '../../core/budget/ledger-state.js';
import type { JournalEntry, Ledger } from '../../core/budget/ledger-types.js';
import { FalBudgetError, LedgerUnavailableError } from '../../core/errors/index.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { retentionOption } from './memory-ledger.js';
import { acquireFileLock, type FileLock } from './file-lock.js';
import { parseLedger, serializeLedger } from './ledger-file-format.js';

export interface FileLedgerOptions {
  /** The ledger file (JSON, mode 0600). Created on first use; its directory must exist. */
  readonly path: string;
  /** How long an operation waits for the lock before failing (ms). Default 10 000. */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is taken as left by a dead process (ms). Default 30 000. */
  readonly staleLockMs?: number;
  /** How long settled holds and their request links are remembered (ms). Default 24 hours. */
  readonly holdRetentionMs?: number;
  /** How long the spend journal keeps an entry (ms). Default 90 days. */
  readonly journalRetentionMs?: number;
  /**
   * Open for reading only, as an operator does (`fal-budget ledger`): inspect and journal read
   * the file as it stands, without the lock (a rename never shows half a file), so they can
   * neither block the app nor change a byte; holds due by `now` count as expired in what inspect
   * answers, not in the file. Every other operation is refused.
   */
  readonly readOnly?: boolean;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function positiveMs(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidOptionError(option, `must be a positive number of milliseconds (got ${String(value)})`);
  return value;
}

/**
 * A ledger in one JSON file, shared by every process on this machine and surviving restarts.
 * Each operation: take the lock, read and check the whole state, apply the same pure transition
 * the memory ledger uses, write a temp file, fsync, rename it over the ledger, release the lock.
 * A reader never sees half a file; a corrupt file is an error, never a fresh start.
 */
export function fileLedger(options: FileLedgerOptions): Ledger {
  if (typeof options?.path !== 'string' || options.path.length === 0) throw new InvalidOptionError('path', 'must be the path of the ledger file');
  const file = resolve(options.path);
  const lockPath = `${file}.lock`;
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean') throw new InvalidOptionError('readOnly', `must be true or false (got ${String(options.readOnly)})`);
  const readOnly = options.readOnly === true;
  const holdRetentionMs = retentionOption('holdRetentionMs', options.holdRetentionMs, RETENTION_MS);
  const journalRetentionMs = retentionOption('journalRetentionMs', options.journalRetentionMs, JOURNAL_RETENTION_MS);
  const lockOptions = {
    file,
    timeoutMs: positiveMs('lockTimeoutMs', options.lockTimeoutMs, 10_000),
    staleMs: positiveMs('staleLockMs', options.staleLockMs, 30_000),
  };
  const unavailable = (doing: string, cause: unknown) => new LedgerUnavailableError(
    `cannot ${doing} ledger file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { ledger: 'file', location: file, cause },
  );

  function read(): { state: LedgerState; journal: JournalEntry[]; text: string | undefined } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { state: emptyLedgerState(), journal: [], text: undefined };
      throw unavailable('read', error);
    }
    return { ...parseLedger(text, file), text };
  }

  function write(text: string, lock: FileLock): void {
    const temp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      const fd = openSync(temp, 'wx', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (!lock.holds()) {
        unlinkSync(temp);
        throw new LedgerUnavailableError(`lost the lock on ledger file ${file} before writing; nothing was written`, { ledger: 'file', location: file });
      }
      renameSync(temp, file);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // Already renamed or never created.
      }
      if (error instanceof FalBudgetError) throw error;
      throw unavailable('write', error);
    }
    // Make the rename itself durable.
    try {
      const directory = openSync(dirname(file), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
    } catch {
      // Some platforms cannot fsync a directory; the rename is still atomic.
    }
  }

  // Operations of this process queue here first, so they never poll the lock against each other.
  let tail: Promise<unknown> = Promise.resolve();

  /** A read-only ledger's read: the state as the file has it, changed in memory only. */
  async function peek<T>(apply: (state: LedgerState) => T): Promise<T> {
    return apply(read().state);
  }

  function refuse(operation: string): Promise<never> {
    return Promise.reject(new LedgerUnavailableError(`ledger file ${file} is open read-only: ${operation} is refused`, { ledger: 'file', location: file }));
  }

  function transact<T>(now: number, apply: (state: LedgerState) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const lock = await acquireFileLock(lockPath, lockOptions);
      try {
        const { state, journal, text } = read();
        const result = apply(state);
        // The settlements and their journal entries are written together, in one rename.
        const cutoff = now - journalRetentionMs;
        const kept = journal.filter((entry) => entry.at >= cutoff).concat(drainJournal(state));
        pruneLedger(state, now, holdRetentionMs);
        const next = serializeLedger(state, kept);
        if (next !== text) write(next, lock);
        return result;
      } finally {
        try {
          lock.release();
        } catch {
          // A lock we cannot remove ages out as stale.
        }
      }
    };
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  }

  async function* readJournal(query: { since?: number; until?: number }): AsyncGenerator<JournalEntry> {
    const { since = Number.NEGATIVE_INFINITY, until = Number.POSITIVE_INFINITY } = query;
    const { journal } = read();
    for (const entry of journal) if (entry.at >= since && entry.at < until) yield entry;
  }

  if (readOnly) {
    return {
      reserve: () => refuse('reserve'),
      commit: () => refuse('commit'),
      release: () => refuse('release'),
      usage: () => refuse('usage'),
      link: () => refuse('link'),
      settleRequest: () => refuse('settleRequest'),
      linkOf: () => refuse('linkOf'),
      inspect: (now) => peek((state) => inspectLedger(state, now)),
      journal: (query = {}) => readJournal(query),
      close: async () => {},
    };
  }

  return {
    reserve: (request) => transact(request.now, (state) => reserveHold(state, request)),
    commit: (holdId, now) => transact(now, (state) => commitHold(state, holdId, now)),
    release: (holdId, now) => transact(now, (state) => releaseHold(state, holdId, now)),
    usage: (keys, now) => transact(now, (state) => usageOf(state, keys, now)),
    link: (request) => transact(request.now, (state) => linkRequest(state, request)),
    settleRequest: (requestId, settlement, now, app) => transact(now, (state) => settleRequestHold(state, requestId, settlement, now, app)),
    linkOf: (requestId, now) => transact(now, (state) => linkOfRequest(state, requestId, now)),
    inspect: (now) => transact(now, (state) => inspectLedger(state, now)),
    journal: (query = {}) => readJournal(query),
    close: async () => {
      await tail;
    },
  };
}
