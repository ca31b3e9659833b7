import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerUnavailableError } from '../../core/errors/index.js';

/**
 * An exclusive lock between processes on one machine: a lock file that only one process can
 * create. It names its holder (pid, token, when), so a lock left by a killed process is
 * recognised (its pid is gone, or it is older than `staleMs`) and broken, under a second
 * "breaker" lock so that two processes never break the same lock and both proceed.
 */
export interface FileLock {
  readonly token: string;
  /** Whether the lock file still names this holder (checked before every write). */
  holds(): boolean;
  release(): void;
}

export interface LockOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** A lock older than this (ms) is stale even if its pid seems alive (pid reuse). */
  readonly staleMs: number;
  /** The ledger file, for error messages. */
  readonly file: string;
}

interface Holder {
  readonly pid: number | undefined;
  readonly token: string;
  readonly at: number;
}

const BREAKER_STALE_MS = 5_000;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

/** Creates `path` holding `content` only if it does not exist: a complete file or none. */
function tryCreate(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    // A file system without hard links: create-exclusive, then write (a torn lock ages out).
    try {
      const fd2 = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd2, content);
      } finally {
        closeSync(fd2);
      }
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    unlinkSync(temp);
  }
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(path, 'utf8');
    mtime = statSync(path).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.token === 'string' && typeof parsed.at === 'number') {
      return { pid: typeof parsed.pid === 'number' ? parsed.pid : undefined, token: parsed.token, at: parsed.at };
    }
  } catch {
    // A torn lock file: judged by its age alone.
  }
  return { pid: undefined, token: `torn:${text}`, at: mtime };
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  if (holder.pid !== undefined && !pidAlive(holder.pid)) return true;
  return Date.now() - holder.at > staleMs;
}

function unlinkIfHeldBy(path: string, token: string): void {
  const current = readHolder(path);
  if (current?.token !== token) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/** Breaks `stale` if it is still the lock, holding the breaker lock while it checks and removes. */
function breakStale(lockPath: string, stale: Holder, content: string): void {
  const breaker = `${lockPath}.break`;
  if (!tryCreate(breaker, content)) {
    const other = readHolder(breaker);
    if (other && isStale(other, BREAKER_STALE_MS)) unlinkIfHeldBy(breaker, other.token);
    return;
  }
  try {
    unlinkIfHeldBy(lockPath, stale.token);
  } finally {
    try {
      unlinkSync(breaker);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
}

function trySync(path: string, content: string, staleMs: number): { locked: true } | { locked: false; holder: Holder | undefined } {
  if (tryCreate(path, content)) return { locked: true };
  const holder = readHolder(path);
  if (holder && isStale(holder, staleMs)) {
    breakStale(path, holder, content);
    return { locked: false, holder: undefined };
  }
  return { locked: false, holder };
}

/**
 * Taking turns: a process that had to wait leaves its token in `<lock>.waiting`; a process about
 * to lock again defers once to a waiter it sees there, so a busy process cannot starve another.
 */
function waiting(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function announce(path: string, token: string): void {
  try {
    writeFileSync(path, token, { mode: 0o600 });
  } catch {
    // Only fairness depends on it.
  }
}

function withdraw(path: string, token: string): void {
  if (waiting(path) !== token) return;
  try {
    unlinkSync(path);
  } catch {
    // Someone else replaced or removed it.
  }
}

export async function acquireFileLock(lockPath: string, options: LockOptions): Promise<FileLock> {
  const token = `${process.pid}:${randomUUID()}`;
  const content = JSON.stringify({ pid: process.pid, token, at: Date.now() });
  const deadline = Date.now() + options.timeoutMs;
  const waitPath = `${lockPath}.waiting`;
  const waiter = waiting(waitPath);
  if (waiter !== undefined && !waiter.startsWith(`${process.pid}:`)) {
    const waiterPid = Number(waiter.split(':')[0]);
    if (Number.isInteger(waiterPid) && waiterPid > 0 && !pidAlive(waiterPid)) withdraw(waitPath, waiter);
    else await sleep(2);
  }
  let delayMs = 0.5;
  let holder: Holder | undefined;
  let announced = false;
  for (;;) {
    let attempt: ReturnType<typeof trySync>;
    try {
      attempt = trySync(lockPath, content, options.staleMs);
    } catch (cause) {
      throw new LedgerUnavailableError(`cannot lock ledger file ${options.file} (lock ${lockPath}): ${cause instanceof Error ? cause.message : String(cause)}`, {
        ledger: 'file', location: options.file, cause,
      });
    }
    if (attempt.locked) break;
    holder = attempt.holder ?? holder;
    if (!announced) {
      announce(waitPath, token);
      announced = true;
    }
    if (Date.now() >= deadline) {
      withdraw(waitPath, token);
      const who = holder ? ` (held by pid ${holder.pid ?? 'unknown'} since ${new Date(holder.at).toISOString()})` : '';
      throw new LedgerUnavailableError(`could not lock ledger file ${options.file} within ${options.timeoutMs} ms${who}`, { ledger: 'file', location: options.file });
    }
    await sleep(delayMs + Math.random() * delayMs);
    delayMs = Math.min(delayMs * 2, 5);
  }
  if (announced) withdraw(waitPath, token);
  return {
    token,
    holds: () => readHolder(lockPath)?.token === token,
    release: () => unlinkIfHeldBy(lockPath, token),
  };
}
