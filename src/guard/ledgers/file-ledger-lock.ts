import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerUnavailableError } from '../../core/errors/index.js';
import { errorCode } from './file-ledger-io.js';

/** The lock on one ledger file, held for one batch of operations. */
export interface LedgerLock {
  /** False once proper-lockfile found the lock taken from us (its mtime not ours, or not refreshed in time). */
  readonly held: boolean;
  release(): Promise<void>;
}

export interface LedgerLockOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** A lock whose mtime has not been refreshed for this long (ms) is abandoned. */
  readonly staleMs: number;
}

// Loaded on first use: importing fal-budget must not install proper-lockfile's exit handlers
// (signal-exit) in apps that never open a file ledger.
let library: Promise<typeof import('proper-lockfile')> | undefined;

/** A waiter's note is taken as left by a dead one once it has not been rewritten for this long. */
const HINT_STALE_MS = 1_000;
/** How long a process about to lock again lets a waiter go first. */
const YIELD_MS = 50;

/** How long ago the waiting note was last written, or undefined when there is none. */
async function hintAge(hint: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(hint)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Removes the note if it is ours (`token`), or, without a token, if its writer is gone. */
async function removeHint(hint: string, token: string | undefined): Promise<void> {
  try {
    if (token !== undefined ? (await readFile(hint, 'utf8')) !== token : ((await hintAge(hint)) ?? 0) < HINT_STALE_MS) return;
    await unlink(hint);
  } catch {
    // Gone already, or another waiter's: only turn-taking depends on it.
  }
}

/** A lock's mtime this far ahead of our clock is not clock jitter between machines. */
const FUTURE_TOLERANCE_MS = 1_000;

/**
 * How long ago the lock was refreshed, for the error. An mtime in the future (this machine's clock
 * stepped back after the holder crashed, or the holder's clock ahead on a shared volume) says
 * nothing about whether its holder lives: proper-lockfile takes it as fresh until this clock passes
 * it. It is not broken on that guess (a live holder ahead in time would lose its lock); the error
 * says so and what to do.
 */
function lockAge(file: string, ageMs: number): string {
  if (ageMs >= -FUTURE_TOLERANCE_MS) return `, last refreshed ${Math.max(0, ageMs).toFixed(0)} ms ago`;
  return `, whose mtime is ${(-ageMs).toFixed(0)} ms in the future (was this clock stepped back, or is the holder's clock ahead?), `
    + `so whether it is abandoned cannot be told: it is taken only staleLockMs after this clock passes that mtime. `
    + `If no process uses the ledger, remove ${file}.lock`;
}

/**
 * Locks `<file>.lock` with proper-lockfile: a directory made by an atomic mkdir, its mtime
 * refreshed while held, taken as abandoned only when not refreshed for `staleMs`. No pid is ever
 * looked at, so processes in other pid namespaces (containers sharing a volume) keep their locks.
 *
 * proper-lockfile has no queue, and a process that releases the lock and asks again at once
 * would win nearly every time against waiters polling at intervals. So taking turns rests on a
 * note: a process that had to wait writes its token to `<file>.lock-waiting` while it polls (every
 * 1-4 ms); a process about to lock first gives a fresh note's writer up to 50 ms to go first. A
 * note not rewritten for a second was left by a dead waiter and is removed by the next holder.
 */
export async function lockLedger(file: string, options: LedgerLockOptions): Promise<LedgerLock> {
  const lockfile = await (library ??= import('proper-lockfile'));
  const hint = `${file}.lock-waiting`;
  const token = randomUUID();
  const deadline = Date.now() + options.timeoutMs;
  let held = true;
  let release: () => Promise<void>;
  let waited = false;
  let noted = false;
  try {
    for (const until = Date.now() + YIELD_MS; Date.now() < until; ) {
      const age = await hintAge(hint);
      if (age === undefined) break;
      noted = true;
      if (age >= HINT_STALE_MS) break;
      await sleep(1);
    }
    for (;;) {
      try {
        release = await lockfile.lock(file, {
          realpath: false, // resolved once by the ledger (file-ledger-path.ts)
          stale: options.staleMs,
          update: Math.floor(options.staleMs / 2),
          onCompromised: () => {
            held = false;
          },
        });
        break;
      } catch (error) {
        if (errorCode(error) !== 'ELOCKED' || Date.now() >= deadline) throw error;
        await writeFile(hint, token, { mode: 0o600 });
        waited = true;
        await sleep(1 + Math.random() * 3);
      }
    }
  } catch (error) {
    if (waited) await removeHint(hint, token);
    if (errorCode(error) === 'ELOCKED') {
      const refreshed = await stat(`${file}.lock`).then((found) => lockAge(file, Date.now() - found.mtimeMs), () => '');
      throw new LedgerUnavailableError(
        `could not lock ledger file ${file} within ${options.timeoutMs} ms: another process holds ${file}.lock${refreshed} `
        + `(a lock not refreshed for staleLockMs, ${options.staleMs} ms, is taken as abandoned)`,
        { ledger: 'file', location: file, cause: error },
      );
    }
    throw new LedgerUnavailableError(`cannot lock ledger file ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      ledger: 'file', location: file, cause: error,
    });
  }
  // Our own note, or a dead waiter's.
  if (waited || noted) await removeHint(hint, waited ? token : undefined);
  return {
    get held() {
      return held;
    },
    // A lock we could not remove is abandoned, and taken over once stale.
    release: () => release().catch(() => undefined),
  };
}
