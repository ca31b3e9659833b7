import { randomUUID } from 'node:crypto';
import { JOURNAL_RETENTION_MS, RETENTION_MS } from '../../core/budget/ledger-state.js';
import type {
  BudgetKeyStatus, HoldDetails, JournalEntry, JournalQuery, Ledger, LinkRequest, RequestLink, ReserveRequest, ReserveResult, Settlement,
  SettleResult, Usage,
} from '../../core/budget/ledger-types.js';
import { amountToNano, limitToNano, nanoToMoney } from '../../core/budget/nano-usd.js';
import { FalBudgetError, InvalidLedgerRequestError, LedgerUnavailableError } from '../../core/errors/index.js';
import { InvalidOptionError } from '../../core/errors/invalid-option-error.js';
import { retentionOption } from './memory-ledger.js';
import { connectUrl, LuaScript, redactUrl, timeLeft, wrapClient, type RedisConnection } from './redis-client.js';
import { checkEvictionPolicy } from './redis-eviction-check.js';
import { readJournal, type JournalBounds } from './redis-journal.js';
import {
  EPOCH_SCRIPT, INSPECT_READ_ONLY_SCRIPT, INSPECT_SCRIPT, JOURNAL_BOUNDS_SCRIPT, LINK_OF_SCRIPT, LINK_SCRIPT, RESERVE_SCRIPT, SETTLE_REQUEST_SCRIPT, SETTLE_SCRIPT, USAGE_SCRIPT,
} from './redis-scripts.js';

/** An ioredis instance or a node-redis client; told apart by shape, so neither package is required. */
export type RedisLedgerClient = object;

export interface RedisLedgerOptions {
  /** redis:// or rediss:// URL; the ledger opens (and closes) its own ioredis client. */
  readonly url?: string;
  /** A connected client the application owns (ioredis, or node-redis v4/v5); never closed by the ledger. */
  readonly client?: RedisLedgerClient;
  /** Namespace for every key, so several apps (or tests) share one Redis. Default "fal-budget". */
  readonly prefix?: string;
  /** How long one operation may take before it fails closed with LedgerUnavailableError. Default 1000 ms. */
  readonly timeoutMs?: number;
  /** How long settled holds, their request links (and finished windows) are remembered, in ms. Default 24 hours. */
  readonly holdRetentionMs?: number;
  /** How long the spend journal keeps an entry, in ms. Default 90 days. */
  readonly journalRetentionMs?: number;
  /**
   * Declares that this Redis never evicts keys (its maxmemory-policy is noeviction), for a Redis
   * that does not allow CONFIG GET (managed Redis, an ACL user without `config`). Without it such
   * a Redis is refused. A policy Redis does report always wins over this declaration.
   */
  readonly assumeNoEviction?: boolean;
  /**
   * How often the eviction policy is read again on a connection already checked, in ms, so a
   * policy changed while the app runs is seen within this time. Default 10 seconds.
   */
  readonly evictionCheckIntervalMs?: number;
  /**
   * Read only, as an operator looks (`fal-budget ledger`): inspect answers as of `now` without
   * expiring anything in Redis (a due hold counts as spent in the answer only) and journal reads
   * the stream; every other operation is refused. Nothing is written.
   */
  readonly readOnly?: boolean;
}

const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_PREFIX = 'fal-budget';
const DEFAULT_EVICTION_CHECK_INTERVAL_MS = 10_000;

const SCRIPTS = {
  reserve: new LuaScript(RESERVE_SCRIPT),
  settle: new LuaScript(SETTLE_SCRIPT),
  settleRequest: new LuaScript(SETTLE_REQUEST_SCRIPT),
  link: new LuaScript(LINK_SCRIPT),
  linkOf: new LuaScript(LINK_OF_SCRIPT),
  usage: new LuaScript(USAGE_SCRIPT),
  inspect: new LuaScript(INSPECT_SCRIPT),
  inspectReadOnly: new LuaScript(INSPECT_READ_ONLY_SCRIPT),
  journalBounds: new LuaScript(JOURNAL_BOUNDS_SCRIPT),
  epoch: new LuaScript(EPOCH_SCRIPT),
};

const SETTLE_RESULTS: ReadonlySet<string> = new Set<SettleResult>([
  'committed', 'released', 'already_committed', 'already_released', 'expired', 'unknown', 'endpoint_mismatch',
]);
const HOLD_STATUSES: ReadonlySet<string> = new Set(['held', 'committed', 'released', 'expired']);

function invalid(message: string): InvalidLedgerRequestError {
  return new InvalidLedgerRequestError('invalid_ledger_request', `redisLedger: ${message}`);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidOptionError(name, `must be a positive number of milliseconds (got ${String(value)})`);
  return value;
}

/** `now`: whole epoch ms, as every clock gives them (they also become stream ids). */
function instant(field: string, value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`${field} must be a whole, non-negative epoch time in ms, got ${String(value)}`);
  return String(value);
}

/** Expiries and window ends: any time, as long as Redis's TTL arithmetic on it stays exact. */
function epochMs(field: string, value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${field} must be a whole epoch time in ms, got ${String(value)}`);
  return String(value);
}

function text(field: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string, got ${String(value)}`);
  // A lone surrogate reaches Redis as bytes cjson cannot read back: once such a hold was due,
  // every script's expiry would fail, for every instance.
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) throw invalid(`${field} must be well-formed UTF-16 (it has a lone surrogate): ${JSON.stringify(value)}`);
  return value;
}

function strings(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected reply from Redis: ${String(reply)}`);
  return reply.map((item) => String(item));
}

function settleResult(reply: unknown): SettleResult {
  const result = String(reply);
  if (!SETTLE_RESULTS.has(result)) throw new Error(`unexpected reply from Redis: ${result}`);
  return result as SettleResult;
}

const DETAIL_TEXT = ['endpoint', 'provider', 'pricingVersion', 'pricingSha256'] as const;

/** An inspect script's reply: key, limit, spent, reserved, open, windowEndsAt for each budget. */
function inspectReply(reply: unknown): BudgetKeyStatus[] {
  const values = strings(reply);
  if (values.length % 6 !== 0) throw new Error(`unexpected reply from Redis: ${values.length} values`);
  const statuses: BudgetKeyStatus[] = [];
  for (let index = 0; index < values.length; index += 6) {
    const [name, limit, spent, reserved, open, windowEndsAt] = values.slice(index, index + 6) as [string, string, string, string, string, string];
    statuses.push({
      key: name,
      ...(limit === '' ? {} : { limit: nanoToMoney(limit) }),
      spent: nanoToMoney(spent),
      reserved: nanoToMoney(reserved),
      openHolds: Number(open),
      ...(windowEndsAt === '' ? {} : { windowEndsAt: Number(windowEndsAt) }),
    });
  }
  // Sorted here, as the memory ledger sorts (UTF-16 code units), not by Lua's locale.
  return statuses.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A hold's details as hash field/value pairs; the scope as JSON, its key order kept. */
function detailFields(details: HoldDetails | undefined): string[] {
  if (details === undefined) return [];
  if (typeof details !== 'object' || details === null) throw invalid(`details must be an object, got ${String(details)}`);
  const fields: string[] = [];
  for (const name of DETAIL_TEXT) {
    if (details[name] !== undefined) fields.push(name, text(`details.${name}`, details[name]));
  }
  if (details.scope !== undefined) {
    const scope = details.scope;
    if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) throw invalid(`details.scope must map scope kinds to ids, got ${String(scope)}`);
    for (const [kind, id] of Object.entries(scope)) text(`details.scope.${text('details.scope kind', kind)}`, id);
    fields.push('scope', JSON.stringify(scope));
  }
  return fields;
}

/**
 * A ledger in Redis, shared by every process that points at the same Redis and prefix. Every
 * operation (reserve, commit, release, a link, a settle by request id, and the reads) is one Lua
 * script, beginning with the expiry of what is due and applying the same rule as the memory
 * ledger (src/core/budget/ledger-state.ts) to amounts stored as integer nano-USD; each
 * settlement writes its journal entry to a stream in the same script. Redis down or slow: each
 * call rejects with LedgerUnavailableError within `timeoutMs`; a Redis that may evict keys is
 * refused (RedisEvictionPolicyError). Never a pass.
 */
export function redisLedger(options: RedisLedgerOptions): Ledger {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('redisLedger', 'takes { url } or { client }');
  if ((options.url === undefined) === (options.client === undefined)) throw new InvalidOptionError('redisLedger', 'pass exactly one of `url` (a redis:// URL) or `client` (an ioredis or node-redis client)');
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  // setTimeout fires at once beyond 2^31 - 1 ms: a deadline that large would be no deadline.
  if (timeoutMs > 2_147_483_647) throw new InvalidOptionError('timeoutMs', `must be at most 2147483647 ms (got ${timeoutMs})`);
  const retentionMs = retentionOption('holdRetentionMs', options.holdRetentionMs, RETENTION_MS);
  const journalRetentionMs = retentionOption('journalRetentionMs', options.journalRetentionMs, JOURNAL_RETENTION_MS);
  const evictionCheckIntervalMs = positive('evictionCheckIntervalMs', options.evictionCheckIntervalMs, DEFAULT_EVICTION_CHECK_INTERVAL_MS);
  const assumeNoEviction = options.assumeNoEviction ?? false;
  if (typeof assumeNoEviction !== 'boolean') throw new InvalidOptionError('assumeNoEviction', `must be true or false (got ${String(assumeNoEviction)})`);
  const readOnly = options.readOnly ?? false;
  if (typeof readOnly !== 'boolean') throw new InvalidOptionError('readOnly', `must be true or false (got ${String(readOnly)})`);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) throw new InvalidOptionError('prefix', `must be a non-empty string without braces (got ${JSON.stringify(prefix)})`);
  const tag = `{${prefix}}:`;
  const key = {
    budget: (name: string) => `${tag}budget:${name}`,
    hold: (id: string) => `${tag}hold:${id}`,
    request: (id: string) => `${tag}request:${id}`,
    open: `${tag}open`,
    index: `${tag}budgets`,
    journal: `${tag}journal`,
    journalLag: `${tag}journal-lag`,
    epoch: `${tag}epoch`,
  };
  const retention = [String(retentionMs), String(journalRetentionMs)];

  let connection: () => Promise<RedisConnection>;
  let opened: Promise<RedisConnection> | undefined;
  let location: string;
  if (options.url !== undefined) {
    if (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url)) throw new InvalidOptionError('url', 'must be a redis:// or rediss:// URL');
    const url = options.url;
    location = redactUrl(url);
    // Opened on first use, so creating a ledger (or importing this package) never touches the network.
    connection = () => (opened ??= connectUrl(url, timeoutMs));
  } else {
    const wrapped = wrapClient(options.client);
    location = wrapped.location;
    connection = async () => wrapped;
  }
  let closed = false;
  // A guard sends the same few limits, and mostly the same few prices, with every call:
  // convert each once (a small cache, emptied when it fills).
  const cached = (convert: (field: string, value: unknown) => bigint) => {
    const seen = new Map<unknown, string>();
    return (field: string, value: unknown): string => {
      let nano = seen.get(value);
      if (nano === undefined) {
        nano = convert(field, value).toString();
        if (seen.size >= 1024) seen.clear();
        seen.set(value, nano);
      }
      return nano;
    };
  };
  const nanoLimit = cached(limitToNano);
  const nanoAmount = cached(amountToNano);

  const unavailable = (operation: string, reason: string, cause?: unknown) =>
    new LedgerUnavailableError(`Redis ledger at ${location} is unavailable: ${operation} ${reason}`, { ledger: 'redis', location, cause });

  // Each connection's eviction policy is checked before anything else is sent on it, and again
  // every evictionCheckIntervalMs, since an operator can change it at any time. Scripts also
  // refuse a budget that is gone before its time (see LOST_BUDGET in redis-scripts.ts).
  let checkedGeneration: number | undefined;
  let checkedAt = 0;
  let checking: Promise<void> | undefined;
  async function verified(connected: RedisConnection, deadline: number): Promise<void> {
    if (checkedGeneration === connected.generation() && performance.now() - checkedAt < evictionCheckIntervalMs) return;
    // Calls arriving together share one CONFIG GET.
    checking ??= (async () => {
      try {
        const started = performance.now();
        // Pinned: the answer comes from this connection, or the check fails and is made again.
        await connected.ready?.();
        const generation = connected.generation();
        const send = (args: readonly string[]) => connected.send(args, timeLeft(deadline), generation);
        await checkEvictionPolicy(send, location, assumeNoEviction);
        checkedGeneration = generation;
        checkedAt = started;
      } finally {
        checking = undefined;
      }
    })();
    await checking;
  }

  // The epoch this ledger found (or wrote) on its first operation: a Redis that loses its data
  // (restarted without persistence, flushed, an empty replica promoted) loses it too, and every
  // script then refuses instead of counting from zero. Kept across reconnects on purpose.
  let epoch: string | undefined;
  async function epochOf(connected: RedisConnection, deadline: number): Promise<string> {
    epoch ??= String(await SCRIPTS.epoch.run(connected.send, [key.epoch], [connected.keyPrefix + tag, randomUUID()], deadline));
    return epoch;
  }

  /** A script's own refusal (error({err = 'FALBUDGET_...'})), in words, or undefined. */
  function scriptRefusal(operation: string, error: unknown): LedgerUnavailableError | undefined {
    const message = error instanceof Error ? error.message : '';
    const lost = /^FALBUDGET_LOST (.*?)(?: script: [0-9a-f]+, on @user_script:\d+\.)?$/s.exec(message);
    if (lost) {
      return new LedgerUnavailableError(
        `Redis ledger at ${location} lost data: budget ${JSON.stringify(lost[1])} is gone from Redis before its time (evicted, or deleted), `
        + `so its spend would read as zero and ${operation} is refused. Restore Redis from a backup, or accept that its spend is forgotten: `
        + `ZREM ${tag}budgets ${JSON.stringify(lost[1])}.`,
        { ledger: 'redis', location, cause: error },
      );
    }
    const epochError = /^FALBUDGET_EPOCH (\S*)/.exec(message);
    if (epochError) {
      const found = epochError[1] === '' ? `its epoch key ${tag}epoch is gone` : `its epoch key ${tag}epoch is ${epochError[1]}, not ${epoch}`;
      return new LedgerUnavailableError(
        `Redis ledger at ${location} lost data: ${found}, so Redis was emptied or replaced since this ledger first used it (restarted without persistence, flushed, `
        + `or an empty replica promoted) and every budget would read as nothing spent; ${operation} is refused. Restore Redis from a backup, `
        + 'or accept starting from what Redis holds now: close this ledger and open a new one (or restart the app).',
        { ledger: 'redis', location, cause: error },
      );
    }
    return undefined;
  }

  /** Runs one step against a deadline: an answer, or LedgerUnavailableError. Never a hang. */
  async function withinTimeout<T>(operation: string, work: (connected: RedisConnection, deadline: number) => Promise<T>): Promise<T> {
    if (closed) throw unavailable(operation, 'was called after close()');
    const deadline = performance.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(operation, `got no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const run = (async () => {
      const connected = await connection();
      await verified(connected, deadline);
      // Every command of this step goes out on the connection just verified, or not at all.
      const generation = connected.generation();
      const pinned: RedisConnection = { ...connected, send: (args, timeout) => connected.send(args, timeout, generation) };
      return work(pinned, deadline);
    })();
    try {
      return await Promise.race([run, timeout]);
    } catch (error) {
      if (error instanceof LedgerUnavailableError) throw error;
      throw scriptRefusal(operation, error) ?? unavailable(operation, `failed: ${error instanceof Error ? error.message : String(error)}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One script: its KEYS (for routing), then the prefix and its ARGV. */
  function run<T>(operation: string, lua: LuaScript, keys: string[], args: string[], read: (reply: unknown) => T): Promise<T> {
    return withinTimeout(operation, async (connected, deadline) => read(await lua.run(connected.send, keys, [connected.keyPrefix + tag, ...args], deadline)));
  }

  /** An operation's script: the common ARGV (prefix, now, retentions, epoch), then its own. */
  function script<T>(operation: string, lua: LuaScript, keys: string[], now: string, args: string[], read: (reply: unknown) => T): Promise<T> {
    return withinTimeout(operation, async (connected, deadline) => {
      const common = [connected.keyPrefix + tag, now, ...retention, await epochOf(connected, deadline)];
      return read(await lua.run(connected.send, [...keys, key.epoch], [...common, ...args], deadline));
    });
  }

  function settle(operation: 'commit' | 'release', holdId: string, now: number): Promise<SettleResult> {
    const id = text('holdId', holdId);
    const args = [id, operation === 'commit' ? 'committed' : 'released'];
    return script(operation, SCRIPTS.settle, [key.hold(id), key.open, key.journal], instant('now', now), args, settleResult);
  }

  function appArgs(app: unknown): string[] {
    return app === undefined ? ['0', ''] : ['1', text('app', app)];
  }

  async function* journal(query: JournalQuery): AsyncGenerator<JournalEntry> {
    const bounds = await run('journal', SCRIPTS.journalBounds, [key.journal, key.journalLag], [], (reply): JournalBounds => {
      const [top, lagText] = strings(reply);
      const lag = Number(lagText);
      if (top === undefined || !Number.isSafeInteger(lag) || lag < 0) throw new Error(`unexpected reply from Redis: ${String(reply)}`);
      return { topMs: top === '' ? undefined : Number(top.split('-')[0]), lag };
    });
    // A plain command: ioredis adds its keyPrefix to the key itself (it does not to a script's ARGV).
    const range = (start: string, end: string, count: number) => withinTimeout('journal', (connected, deadline) =>
      connected.send(['XRANGE', key.journal, start, end, 'COUNT', String(count)], timeLeft(deadline)));
    try {
      yield* readJournal(range, bounds, journalRetentionMs, query);
    } catch (error) {
      if (error instanceof FalBudgetError) throw error;
      throw unavailable('journal', `failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }

  const ledger: Ledger = {
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      const holdId = text('holdId', request.holdId);
      const amount = nanoAmount('amount', request.amount);
      if (!Array.isArray(request.budgets)) throw invalid('budgets must be an array');
      const budgetArgs: string[] = [];
      const keys: string[] = [];
      request.budgets.forEach((budget, index) => {
        const name = text(`budgets[${index}].key`, budget.key);
        const limit = nanoLimit(`budgets[${index}].limit`, budget.limit);
        const windowEndsAt = budget.windowEndsAt === undefined ? '' : epochMs(`budgets[${index}].windowEndsAt`, budget.windowEndsAt);
        budgetArgs.push(name, limit, windowEndsAt);
        if (!keys.includes(name)) keys.push(name);
      });
      const details = detailFields(request.details);
      const now = instant('now', request.now);
      const args = [holdId, amount, epochMs('expiresAt', request.expiresAt), JSON.stringify(keys), String(details.length / 2), ...details, ...budgetArgs];
      const redisKeys = [key.hold(holdId), key.open, key.index, key.journal, ...keys.map(key.budget)];
      return script('reserve', SCRIPTS.reserve, redisKeys, now, args, (reply): ReserveResult => {
        const [verdict, refusedKey, limit, spent, reserved, remaining] = strings(reply);
        if (verdict === 'ok') return { ok: true };
        if (verdict !== 'refused' || refusedKey === undefined || remaining === undefined) throw new Error(`unexpected reply from Redis: ${String(reply)}`);
        return {
          ok: false,
          refusal: { key: refusedKey, limit: nanoToMoney(limit!), spent: nanoToMoney(spent!), reserved: nanoToMoney(reserved!), remaining: nanoToMoney(remaining) },
        };
      });
    },

    commit: (holdId, now) => settle('commit', holdId, now),
    release: (holdId, now) => settle('release', holdId, now),

    async usage(keys: readonly string[], now: number): Promise<Usage[]> {
      if (!Array.isArray(keys)) throw invalid('keys must be an array');
      const checked = keys.map((name, index) => text(`keys[${index}]`, name));
      const redisKeys = [key.open, key.journal, ...[...new Set(checked)].map(key.budget)];
      return script('usage', SCRIPTS.usage, redisKeys, instant('now', now), checked, (reply) => {
        const values = strings(reply);
        if (values.length !== checked.length * 2) throw new Error(`unexpected reply from Redis: ${values.length} values for ${checked.length} keys`);
        return checked.map((name, index) => ({ key: name, spent: nanoToMoney(values[2 * index]!), reserved: nanoToMoney(values[2 * index + 1]!) }));
      });
    },

    async link(request: LinkRequest): Promise<boolean> {
      const requestId = text('requestId', request.requestId);
      const holdId = text('holdId', request.holdId);
      const redisKeys = [key.request(requestId), key.hold(holdId), key.open, key.journal];
      return script('link', SCRIPTS.link, redisKeys, instant('now', request.now), [requestId, holdId, ...appArgs(request.app)], (reply) => Number(reply) === 1);
    },

    async settleRequest(requestId: string, settlement: Settlement, now: number, app?: string): Promise<SettleResult> {
      const id = text('requestId', requestId);
      if (settlement !== 'commit' && settlement !== 'release') throw invalid(`settlement must be 'commit' or 'release', got ${String(settlement)}`);
      const args = [id, settlement === 'commit' ? 'committed' : 'released', ...appArgs(app)];
      return script('settleRequest', SCRIPTS.settleRequest, [key.request(id), key.open, key.journal], instant('now', now), args, settleResult);
    },

    async linkOf(requestId: string, now: number): Promise<RequestLink | undefined> {
      const id = text('requestId', requestId);
      return script('linkOf', SCRIPTS.linkOf, [key.request(id), key.open, key.journal], instant('now', now), [id], (reply) => {
        const values = strings(reply);
        if (values.length === 0) return undefined;
        const [holdId, status, hasApp, app] = values;
        if (holdId === undefined || status === undefined || !HOLD_STATUSES.has(status) || app === undefined) throw new Error(`unexpected reply from Redis: ${String(reply)}`);
        return { requestId: id, holdId, status: status as RequestLink['status'], ...(hasApp === '1' ? { app } : {}) };
      });
    },

    journal(query: JournalQuery = {}): AsyncIterable<JournalEntry> {
      if (typeof query !== 'object' || query === null) throw invalid('journal takes { since?, until? }');
      for (const field of ['since', 'until'] as const) {
        const value = query[field];
        if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) throw invalid(`journal ${field} must be epoch ms, got ${String(value)}`);
      }
      return journal(query);
    },

    inspect: (now: number): Promise<BudgetKeyStatus[]> => (readOnly
      ? run('inspect', SCRIPTS.inspectReadOnly, [key.index, key.open], [instant('now', now)], inspectReply)
      : script('inspect', SCRIPTS.inspect, [key.index, key.open, key.journal], instant('now', now), [], inspectReply)),

    // Redis's TIME: the one clock every instance on this Redis reads, for picking windows.
    clock: () => withinTimeout('clock', async (connected, deadline) => {
      const reply = await connected.send(['TIME'], timeLeft(deadline));
      const [seconds, micros] = strings(reply);
      const ms = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`unexpected reply from Redis to TIME: ${String(reply)}`);
      return ms;
    }),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Only a connection this ledger opened is closed; a client passed in belongs to the app.
      const own = await opened?.catch(() => undefined);
      await own?.close();
    },
  };
  if (!readOnly) return ledger;
  const refuse = (operation: string) => async (): Promise<never> => {
    throw new LedgerUnavailableError(`Redis ledger at ${location} is open read-only: ${operation} is refused`, { ledger: 'redis', location });
  };
  return {
    reserve: refuse('reserve'), commit: refuse('commit'), release: refuse('release'), usage: refuse('usage'),
    link: refuse('link'), settleRequest: refuse('settleRequest'), linkOf: refuse('linkOf'),
    inspect: ledger.inspect, journal: ledger.journal, close: ledger.close!,
  };
}
