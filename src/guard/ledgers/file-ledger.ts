import { resolve } from 'node:path';
import {
  inspectLedger, JOURNAL_RETENTION_MS, linkOfRequest, RETENTION_MS, usageOf, type LedgerState,
} from '../../core/budget/ledger-state.js';
import type { JournalEntry, JournalQuery, Ledger } from '../../core/budget/ledger-types.js';
import { FalBudgetError, LedgerUnavailableError } from '../../core/errors/index.js';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import { checkTime, linkCommand, reserveCommand, settleCommand, settleRequestCommand, type LedgerCommand } from './file-ledger-commands.js';
import { JournalFiles } from './file-ledger-journal.js';
import { lockLedger, type LedgerLock } from './file-ledger-lock.js';
import { FileLedgerLog } from './file-ledger-log.js';
import { resolveLedgerPath } from './file-ledger-path.js';
import { retentionOption } from './memory-ledger.js';

export interface FileLedgerOptions {
  /** The ledger file. Created on first write; its directory must exist. A symlink is followed once and its target kept. */
  readonly path: string;
  /** How long an operation waits for the lock before failing (ms). Default 15 000: longer than staleLockMs, so a killed holder's lock is outwaited. */
  readonly lockTimeoutMs?: number;
  /** A lock not refreshed for this long is taken as abandoned (ms, at least 2 000). Default 10 000. Use one value for every process on a file. */
  readonly staleLockMs?: number;
  /** How long settled holds and their request links are remembered, at least (ms). Default 24 hours. */
  readonly holdRetentionMs?: number;
  /** How long the spend journal keeps an entry, at least (ms; whole UTC days are deleted). Default 90 days. */
  readonly journalRetentionMs?: number;
  /** Compact once the records appended since the last snapshot exceed this many bytes, and the snapshot's own size. Default 4 MiB. */
  readonly compactAfterBytes?: number;
  /**
   * Open for reading only, as an operator does (`fal-budget ledger`): inspect, usage, linkOf and
   * journal read the file as it stands, without the lock, so they can neither block the app nor
   * change a byte; holds due by `now` count as expired in what they answer, not in the file.
   * reserve, commit, release, link and settleRequest are refused.
   */
  readonly readOnly?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** At most this many queued operations share one lock, one append and one fsync. */
const MAX_BATCH = 256;

function wholeMs(option: string, value: unknown, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidOptionError(option, `must be a whole number of at least ${minimum} (got ${String(value)})`);
  }
  return value;
}

interface Job {
  readonly now: number | undefined;
  readonly run: (log: FileLedgerLog) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A ledger in a file, shared by every process that can see the file (one machine, or containers
 * on one volume) and surviving restarts. Each process keeps the ledger's state in memory; an
 * operation takes the lock, reads only what other processes appended since (file-ledger-log.ts),
 * applies the same pure transition as the memory ledger, appends its record and fsyncs. The
 * operations queued in a process meanwhile share that lock and that fsync. A corrupt file is an
 * error, never a fresh start.
 */
export function fileLedger(options: FileLedgerOptions): Ledger {
  if (typeof options?.path !== 'string' || options.path.length === 0) throw new InvalidOptionError('path', 'must be the path of the ledger file');
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean') throw new InvalidOptionError('readOnly', `must be true or false (got ${String(options.readOnly)})`);
  const readOnly = options.readOnly === true;
  const requested = resolve(options.path);
  const holdRetentionMs = retentionOption('holdRetentionMs', options.holdRetentionMs, RETENTION_MS);
  const journalRetentionMs = retentionOption('journalRetentionMs', options.journalRetentionMs, JOURNAL_RETENTION_MS);
  const compactAfterBytes = wholeMs('compactAfterBytes', options.compactAfterBytes, 4 * 1024 * 1024);
  const lockOptions = {
    timeoutMs: wholeMs('lockTimeoutMs', options.lockTimeoutMs, 15_000),
    staleMs: wholeMs('staleLockMs', options.staleLockMs, 10_000, 2_000),
  };

  let opened: Promise<{ log: FileLedgerLog; journal: JournalFiles }> | undefined;
  /** Resolves the path once (symlinks included): every later operation uses that file. */
  function open(): Promise<{ log: FileLedgerLog; journal: JournalFiles }> {
    opened ??= resolveLedgerPath(requested).then(
      (file) => ({ log: new FileLedgerLog(file, readOnly), journal: new JournalFiles(file) }),
      (cause: unknown) => {
        opened = undefined; // the directory may appear later
        throw new LedgerUnavailableError(`cannot open ledger file ${requested}: ${cause instanceof Error ? cause.message : String(cause)}`, {
          ledger: 'file', location: requested, cause,
        });
      },
    );
    return opened;
  }

  /**
   * The path must still name the file it named when opened, checked under the lock: a symlink
   * swapped meanwhile (ln -sfn to a copy on another volume) would otherwise split the ledger, this
   * process on the old file and the ones started since on the new one, each under its own lock.
   */
  async function sameFile(file: string): Promise<void> {
    let now: string;
    try {
      now = await resolveLedgerPath(requested);
    } catch (cause) {
      throw new LedgerUnavailableError(`cannot resolve ledger path ${requested}: ${cause instanceof Error ? cause.message : String(cause)}`, {
        ledger: 'file', location: requested, cause,
      });
    }
    if (now !== file) {
      throw new LedgerUnavailableError(
        `ledger path ${requested} named ${file} when this process opened it and names ${now} now (a symlink changed?); `
        + 'refusing to go on with either: restart the process to use the new file',
        { ledger: 'file', location: requested },
      );
    }
  }

  const queue: Job[] = [];
  let draining: Promise<void> | undefined;
  let cleaned = false;
  let trimmedDay: number | undefined;

  function enqueue<T>(now: number | undefined, run: (log: FileLedgerLog) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ now: Number.isFinite(now) ? now : undefined, run, resolve: resolve as (value: unknown) => void, reject });
      draining ??= drain();
    });
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await session(queue.splice(0, MAX_BATCH));
    } finally {
      draining = undefined;
    }
  }

  /** Compaction and journal retention, after the batch was answered; a failure is retried next time. */
  async function maintain(log: FileLedgerLog, journal: JournalFiles, lock: LedgerLock, now: number): Promise<void> {
    let compacted = false;
    if (log.shouldCompact(compactAfterBytes)) {
      await log.compact(now, holdRetentionMs, journal, () => lock.held);
      compacted = true;
    }
    const day = Math.floor(now / DAY_MS);
    if (compacted || day !== trimmedDay) {
      await journal.trim(now - journalRetentionMs);
      trimmedDay = day;
    }
  }

  async function session(batch: Job[]): Promise<void> {
    let lock: LedgerLock | undefined;
    let answered = false;
    try {
      const { log, journal } = await open();
      if (!readOnly) lock = await lockLedger(log.file, lockOptions);
      await sameFile(log.file);
      await log.catchUp();
      if (lock !== undefined) {
        if (!cleaned) {
          await log.removeTemps();
          cleaned = true;
        }
        // A compaction died after sealing the file: finish it before anything is appended.
        if (log.sealed) await log.compact(batch.find((job) => job.now !== undefined)?.now ?? Date.now(), holdRetentionMs, journal, () => lock!.held);
      }
      const outcomes = batch.map((job) => {
        try {
          return { ok: true as const, value: job.run(log) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      if (log.pendingWrite) {
        if (!lock!.held) {
          await log.invalidate();
          throw new LedgerUnavailableError(`lost the lock on ledger file ${log.file} before writing; nothing was written`, { ledger: 'file', location: log.file });
        }
        await log.append();
      }
      answered = true;
      outcomes.forEach((outcome, index) => (outcome.ok ? batch[index]!.resolve(outcome.value) : batch[index]!.reject(outcome.error)));
      const now = batch.reduce<number | undefined>((latest, job) => job.now ?? latest, undefined);
      if (lock !== undefined && now !== undefined) await maintain(log, journal, lock, now).catch(() => undefined);
    } catch (error) {
      if (!answered) {
        const failure = error instanceof FalBudgetError ? error : new LedgerUnavailableError(`ledger file ${requested} failed: ${error instanceof Error ? error.message : String(error)}`, {
          ledger: 'file', location: requested, cause: error,
        });
        for (const job of batch) job.reject(failure);
      }
    } finally {
      await lock?.release();
    }
  }

  function refuse(operation: string): Promise<never> {
    return Promise.reject(new LedgerUnavailableError(`ledger file ${requested} is open read-only: ${operation} is refused`, { ledger: 'file', location: requested }));
  }

  async function* readJournal(query: JournalQuery): AsyncGenerator<JournalEntry> {
    // The log's entries first, then the files: an entry leaves the log only once it is filed.
    const unfiled = await enqueue(undefined, (log) => log.unfiledEntries());
    const { journal } = await open();
    yield* journal.read(await journal.list(), unfiled, query);
  }

  function write<T>(now: unknown, operation: string, command: () => LedgerCommand): Promise<T> {
    if (readOnly) return refuse(operation);
    return enqueue(typeof now === 'number' ? now : undefined, (log) => log.execute(command()) as T);
  }

  function read<T>(now: number, view: (state: LedgerState) => T): Promise<T> {
    return enqueue(typeof now === 'number' ? now : undefined, (log) => log.read(checkTime('now', now), view));
  }

  return {
    reserve: (request) => write(request?.now, 'reserve', () => reserveCommand(request)),
    commit: (holdId, now) => write(now, 'commit', () => settleCommand('commit', holdId, now)),
    release: (holdId, now) => write(now, 'release', () => settleCommand('release', holdId, now)),
    link: (request) => write(request?.now, 'link', () => linkCommand(request)),
    settleRequest: (requestId, settlement, now, app) => write(now, 'settleRequest', () => settleRequestCommand(requestId, settlement, now, app)),
    usage: (keys, now) => read(now, (state) => usageOf(state, keys, now)),
    linkOf: (requestId, now) => read(now, (state) => linkOfRequest(state, requestId, now)),
    inspect: (now) => read(now, (state) => inspectLedger(state, now)),
    journal: (query = {}) => readJournal(query),
    close: async () => {
      await draining;
      const current = await opened?.catch(() => undefined);
      await current?.log.close();
    },
  };
}
