import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ledger } from '../../../core/budget/ledger-types.js';
import { LedgerUnavailableError } from '../../../core/errors/index.js';
import { fileLedger } from '../../../guard/ledgers/file-ledger.js';
import { redactUrl } from '../../../guard/ledgers/redis-client.js';
import { DEFAULT_PREFIX, redisLedger } from '../../../guard/ledgers/redis-ledger.js';
import { CliError } from '../../cli-error.js';
import type { LedgerFlags } from './ledger-flags.js';
import { ReadOnlyRedis } from './read-only-redis.js';

/** Which ledger a report describes (a Redis URL without its credentials). */
export interface LedgerRef {
  readonly kind: 'file' | 'redis';
  readonly location: string;
  readonly prefix?: string;
  readonly keyPrefix?: string;
}

export interface OpenedLedger {
  readonly ledger: Ledger;
  readonly ref: LedgerRef;
  close(): Promise<void>;
}

/** An operator's one look may wait longer than an app's hot path, but never hangs. */
const LEDGER_TIMEOUT_MS = 5000;

const usage = (message: string) => new CliError('usage', message);

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function openFile(path: string, flags: LedgerFlags): OpenedLedger {
  if (flags.prefix !== undefined) throw usage('--prefix: only a Redis ledger has a prefix (--ledger names a file)');
  if (flags.keyPrefix !== undefined) throw usage('--key-prefix: only a Redis ledger has a key prefix (--ledger names a file)');
  const file = resolve(path);
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw usage(`--ledger: no ledger file at ${path}`);
    throw new LedgerUnavailableError(`cannot read ledger file ${file}: ${(error as Error).message}`, { ledger: 'file', location: file, cause: error });
  }
  if (stat.isDirectory()) throw usage(`--ledger: ${path} is a directory, not a ledger file`);
  if (!stat.isFile()) throw usage(`--ledger: ${path} is not a regular file`);
  // Read-only: no lock taken, nothing written, whatever the file holds.
  return { ledger: fileLedger({ path: file, readOnly: true }), ref: { kind: 'file', location: file }, close: async () => {} };
}

function checkPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && (prefix === '' || /[{}]/.test(prefix))) {
    throw usage(`--prefix: must be a non-empty Redis ledger prefix without braces (got ${JSON.stringify(prefix)})`);
  }
}

async function openRedis(url: string, flags: LedgerFlags): Promise<OpenedLedger> {
  const { prefix, keyPrefix } = flags;
  checkPrefix(prefix);
  if (keyPrefix === '') throw usage('--key-prefix: must be the non-empty keyPrefix of the app\'s ioredis client');
  try {
    new URL(url);
  } catch {
    // Not echoed: a URL that does not parse cannot have its password removed.
    throw usage('--ledger: not a valid redis:// URL');
  }
  const location = redactUrl(url);
  const unavailable = (reason: string, cause?: unknown) =>
    new LedgerUnavailableError(`Redis ledger at ${location} is unavailable: ${reason}`, { ledger: 'redis', location, cause });
  const client = new ReadOnlyRedis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: LEDGER_TIMEOUT_MS,
    commandTimeout: LEDGER_TIMEOUT_MS,
    // One look, one connection: no reconnecting behind the operator's back.
    retryStrategy: () => null,
    // ioredis adds it to every key sent, as it does for the app; the ledger adds it to its scripts'.
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    const version = /^redis_version:(\d+)/m.exec(await client.info('server'))?.[1];
    // EVAL_RO, which keeps the ledger's scripts from writing, came with Redis 7.
    if (version !== undefined && Number(version) < 7) throw unavailable(`it runs Redis ${version}; fal-budget ledger reads through EVAL_RO, which needs Redis 7 or later`);
    // A wrong --prefix or a missing --key-prefix would otherwise read as an empty ledger.
    const tag = `{${prefix ?? DEFAULT_PREFIX}}:`;
    if (await client.exists(...['budgets', 'journal', 'open', 'epoch'].map((name) => tag + name)) === 0) {
      throw new LedgerUnavailableError(
        `Redis ledger at ${location}: no ledger under ${JSON.stringify((keyPrefix ?? '') + tag)} (no budget index, journal, open holds or epoch). `
        + 'Check --prefix (the prefix given to redisLedger) and --key-prefix (the keyPrefix of the app\'s ioredis client, if any).',
        { ledger: 'redis', location },
      );
    }
  } catch (error) {
    // A connection that never opened has ended already; disconnect() would wait 2 s for a close event that came and went.
    if (client.status !== 'end') client.disconnect();
    if (error instanceof LedgerUnavailableError) throw error;
    const cause = lastError ?? error;
    throw unavailable(`could not connect: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const ledger = redisLedger({ client, readOnly: true, timeoutMs: LEDGER_TIMEOUT_MS, ...(prefix === undefined ? {} : { prefix }) });
  return {
    ledger,
    ref: { kind: 'redis', location, prefix: prefix ?? DEFAULT_PREFIX, ...(keyPrefix === undefined ? {} : { keyPrefix }) },
    close: async () => {
      await ledger.close?.();
      client.disconnect();
    },
  };
}

/**
 * Opens the ledger `--ledger` names, for reading only: a redis:// or rediss:// URL, or a file path.
 * Any other URL, a missing file or a directory is a usage error (exit 2); a ledger that cannot be
 * reached or read is a LedgerUnavailableError.
 */
export async function openLedgerForReading(flags: LedgerFlags): Promise<OpenedLedger> {
  const target = flags.ledger;
  if (target.trim() === '') throw usage('--ledger: give a ledger file path or a redis:// URL');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined) return openFile(target, flags);
  if (scheme !== 'redis' && scheme !== 'rediss') throw usage(`--ledger: a ${scheme}:// URL is not a ledger; give a file path or a redis:// or rediss:// URL`);
  return openRedis(`${scheme}${target.slice(scheme.length)}`, flags);
}
