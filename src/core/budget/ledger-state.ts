import { InvalidLedgerRequestError } from '../errors/invalid-ledger-request-error.js';
import { decide, type BudgetUsage } from './decide.js';
import { ExpiryHeap } from './expiry-heap.js';
import { SettledQueue } from './settled-queue.js';
import type {
  BudgetKeyStatus, HoldDetails, HoldStatus, JournalEntry, LinkRequest, RequestLink, ReserveRequest, ReserveResult, Settlement, SettleResult, Usage,
} from './ledger-types.js';
import { amountToNano, limitToNano, nanoToMoney } from './nano-usd.js';

/**
 * One hold. Every record has every field from the start (undefined until known), so all records
 * share one shape and carry no separate property store (a day's holds are kept in memory). Once
 * settled a record never changes: the journal keeps it as its entry (see journalEntryOf).
 */
export interface HoldRecord {
  readonly holdId: string;
  /** nano-USD. */
  readonly amount: bigint;
  readonly keys: readonly string[];
  readonly expiresAt: number;
  status: HoldStatus;
  /** When it resolved; resolved holds are kept a while so a repeated settle stays a no-op. */
  settledAt: number | undefined;
  details: HoldDetails | undefined;
  requestId: string | undefined;
  app: string | undefined;
}

/** A new hold record, all fields in one order (see HoldRecord). */
export function holdRecord(holdId: string, amount: bigint, keys: readonly string[], expiresAt: number, status: HoldStatus): HoldRecord {
  return { holdId, amount, keys, expiresAt, status, settledAt: undefined, details: undefined, requestId: undefined, app: undefined };
}

interface BudgetRecord {
  /** nano-USD. */
  spent: bigint;
  reserved: bigint;
  /** Open holds drawing on this key. */
  openHolds: number;
  /** The last limit reserved against (nano-USD), for operators. */
  limit?: bigint;
  windowEndsAt?: number;
}

/**
 * A ledger's whole state, and the pure transitions on it. The memory ledger keeps one in RAM;
 * the file ledger rebuilds one from its files. Same code, same rule. Each transition that settles
 * a hold appends its journal entry to `journal`, which the ledger drains into its journal store
 * in the same step.
 */
export interface LedgerState {
  budgets: Map<string, BudgetRecord>;
  holds: Map<string, HoldRecord>;
  /** Open holds by expiry: expiry costs O(log n) per due hold, nothing when none is due. */
  expiry: ExpiryHeap;
  /** Settled holds in the order they settled: pruning stops at the first young one. */
  settledOrder: SettledQueue<HoldRecord>;
  /** fal request id -> hold id. */
  requests: Map<string, string>;
  /** Holds settled since the ledger last drained them: each one's journal entry (journalEntryOf). */
  journal: HoldRecord[];
  /**
   * The latest end of a window whose budget record was forgotten (-Infinity when none). A window
   * ending at or before it is never started afresh: its spend is gone, so a call dated into it
   * (a clock stepped back) is refused rather than counted from zero.
   */
  windowsForgottenThrough: number;
}

/**
 * How long settled holds, their request links and finished windows are remembered. Forgetting a
 * settled hold moves no money (its amount is already in its budgets; the journal keeps the
 * record); a settle repeated after that answers 'unknown'. A day is far beyond one-hour holds.
 */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** How long the spend journal is kept by default: 90 days. */
export const JOURNAL_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export function emptyLedgerState(): LedgerState {
  return {
    budgets: new Map(), holds: new Map(), expiry: new ExpiryHeap(), settledOrder: new SettledQueue<HoldRecord>(), requests: new Map(), journal: [],
    windowsForgottenThrough: Number.NEGATIVE_INFINITY,
  };
}

function budget(state: LedgerState, key: string): BudgetRecord {
  let record = state.budgets.get(key);
  if (!record) {
    record = { spent: 0n, reserved: 0n, openHolds: 0 };
    state.budgets.set(key, record);
  }
  return record;
}

/** The fields of HoldDetails, in the order the guard writes them. */
const DETAIL_FIELDS = ['endpoint', 'provider', 'pricingVersion', 'pricingSha256', 'scope'] as const;

/**
 * Which of the known detail fields `details` has (bit i: DETAIL_FIELDS[i]), when it has only
 * those and in that order; -1 for anything else, which takes the general copy.
 */
function knownDetailFields(details: object): number {
  let mask = 0;
  let next = 0;
  for (const key of Object.keys(details)) {
    while (next < DETAIL_FIELDS.length && DETAIL_FIELDS[next] !== key) next += 1;
    if (next === DETAIL_FIELDS.length) return -1;
    mask |= 1 << next;
    next += 1;
  }
  return mask;
}

/**
 * A copy of the details: the same own keys in the same order as `{ ...details }`. Written out
 * field by field for the guard's shapes, since in V8 11 (Node 20) an object spread followed by
 * more properties builds a fresh hidden class per object (~1 µs and garbage per settlement).
 */
function copyOfDetails(details: HoldDetails): Record<string, unknown> {
  const mask = knownDetailFields(details);
  if (mask < 0) return { ...details };
  const copy: Record<string, unknown> = {};
  if (mask & 1) copy.endpoint = details.endpoint;
  if (mask & 2) copy.provider = details.provider;
  if (mask & 4) copy.pricingVersion = details.pricingVersion;
  if (mask & 8) copy.pricingSha256 = details.pricingSha256;
  if (mask & 16) copy.scope = details.scope;
  return copy;
}

/**
 * Hold details the guard builds from plain values: an instance of this (otherwise ordinary)
 * class, frozen by plainHoldDetails, is kept by a hold as it is. A class rather than a WeakSet
 * of them: a day of holds in a WeakSet cost the collector ~0.3 µs a call (bench/guard.bench.mjs).
 */
class PlainHoldDetails {
  declare endpoint?: string;
  declare provider?: string;
  declare pricingVersion?: string;
  declare pricingSha256?: string;
  declare scope?: Readonly<Record<string, string>>;
}

/** New, empty details for plainHoldDetails to freeze once its fields are set, in HoldDetails' order. */
export function newHoldDetails(): { -readonly [Field in keyof HoldDetails]: HoldDetails[Field] } {
  return new PlainHoldDetails();
}

/**
 * Freezes details made by newHoldDetails and set to plain values (a scope of strings, frozen
 * with them), so the ledger keeps them without a copy.
 */
export function plainHoldDetails(details: HoldDetails): HoldDetails {
  if (details.scope !== undefined) Object.freeze(details.scope);
  return Object.freeze(details);
}

/**
 * The details as a hold keeps them: a frozen copy of their values (a scope copied too), so the
 * journal, built from the record when it is read, says what was reserved even if the caller's
 * object or its getters say something else later (a frozen object can still have getters). The
 * guard's (frozen PlainHoldDetails) are kept as they are.
 */
function keptDetails(details: HoldDetails): HoldDetails {
  if (details instanceof PlainHoldDetails && Object.isFrozen(details)) return details;
  const copy = copyOfDetails(details);
  const { scope } = copy;
  if (typeof scope === 'object' && scope !== null) copy.scope = Object.freeze({ ...scope });
  return Object.freeze(copy);
}

/**
 * The journal entry of a settled hold (details first, so the ledger's own fields win). Built when
 * it is read rather than when the hold settles: the settled record is the entry's whole content,
 * and the memory ledger keeps 90 days of them.
 */
export function journalEntryOf(hold: HoldRecord): JournalEntry {
  const { holdId } = hold;
  // Only settled records reach here (state.journal, the memory journal): both fields are set.
  const at = hold.settledAt!;
  const outcome = hold.status as JournalEntry['outcome'];
  // The budgets list is copied: it is the hold's own, and a reader may sort its entry in place.
  if (hold.details === undefined && hold.requestId === undefined) return { at, outcome, holdId, amount: nanoToMoney(hold.amount), budgets: hold.keys.slice() };
  const entry = hold.details === undefined ? {} : copyOfDetails(hold.details);
  entry.at = at;
  entry.outcome = outcome;
  entry.holdId = holdId;
  entry.amount = nanoToMoney(hold.amount);
  entry.budgets = hold.keys.slice();
  if (hold.requestId !== undefined) entry.requestId = hold.requestId;
  return entry as unknown as JournalEntry;
}

function settle(state: LedgerState, hold: HoldRecord, status: 'committed' | 'released' | 'expired', now: number): void {
  for (const key of hold.keys) {
    const record = budget(state, key);
    record.reserved -= hold.amount;
    record.openHolds -= 1;
    // Expiry counts as spent: an outcome we never saw may have been billed.
    if (status !== 'released') record.spent += hold.amount;
  }
  hold.status = status;
  hold.settledAt = now;
  state.settledOrder.push(hold);
  state.journal.push(hold);
}

/** Turns every hold whose time is up into spend, earliest first. Returns the ids it expired. */
export function expireHolds(state: LedgerState, now: number): string[] {
  const expired: string[] = [];
  while (state.expiry.peekTime() <= now) {
    const holdId = state.expiry.pop()!;
    const hold = state.holds.get(holdId);
    // Settled (or pruned) since it was queued: nothing is due.
    if (hold === undefined || hold.status !== 'held' || hold.expiresAt > now) continue;
    settle(state, hold, 'expired', now);
    expired.push(holdId);
  }
  return expired;
}

/** Forgets settled holds (and their request links) and idle finished windows older than the retention period. */
export function pruneLedger(state: LedgerState, now: number, retentionMs = RETENTION_MS): void {
  // Oldest settlements first: stop at the first one still within retention, so pruning costs
  // what it removes, not what the ledger holds.
  for (;;) {
    const oldest = state.settledOrder.peek();
    if (oldest === undefined || oldest.settledAt! + retentionMs >= now) break;
    state.settledOrder.shift();
    const { holdId } = oldest;
    // The record linked after it settled, if any (linkRequest replaces a settled record).
    const hold = state.holds.get(holdId);
    if (hold?.requestId !== undefined && state.requests.get(hold.requestId) === holdId) state.requests.delete(hold.requestId);
    state.holds.delete(holdId);
  }
  for (const [key, record] of state.budgets) {
    if (record.windowEndsAt !== undefined && record.windowEndsAt + retentionMs < now && record.openHolds === 0) {
      state.budgets.delete(key);
      if (record.windowEndsAt > state.windowsForgottenThrough) state.windowsForgottenThrough = record.windowEndsAt;
    }
  }
}

// Amounts come from a few price cells and limits from configuration: the same strings again and
// again. Converting each once keeps reserve cheap. Bounded, so arbitrary amounts cannot grow it.
const convertedAmounts = new Map<string, bigint>();
const convertedLimits = new Map<string, bigint>();

/** `field` names the value in an error: only a value not seen before can fail, so it is built then. */
function cachedNano(convert: (field: string, value: unknown) => bigint, converted: Map<string, bigint>, text: string, field: (text: string) => string, of: string): bigint {
  if (typeof text !== 'string') return convert(field(of), text);
  let nano = converted.get(text);
  if (nano === undefined) {
    nano = convert(field(of), text);
    if (converted.size >= 4096) converted.clear();
    converted.set(text, nano);
  }
  return nano;
}
const amountField = () => 'amount';
const limitField = (key: string) => `limit of ${key}`;

function checkHoldId(holdId: unknown): string {
  if (typeof holdId !== 'string' || holdId.length === 0) throw new InvalidLedgerRequestError('invalid_ledger_request', `ledger: holdId must be a non-empty string (got ${String(holdId)})`);
  return holdId;
}

// A lone surrogate cannot be stored as UTF-8 (JSON, Redis's cjson): every ledger refuses it.
const isIllFormed = (text: unknown): boolean => typeof text === 'string' && !(text as string & { isWellFormed(): boolean }).isWellFormed();

function checkWellFormed(field: string, text: unknown): void {
  if (isIllFormed(text)) throw new InvalidLedgerRequestError('invalid_ledger_request', `ledger: ${field} must be well-formed UTF-16 (it has a lone surrogate): ${JSON.stringify(text)}`);
}

/** Whether a key is listed twice (a few budgets per call: pairwise, no Set). */
function hasRepeatedKey(usages: readonly BudgetUsage[]): boolean {
  for (let index = 1; index < usages.length; index += 1) {
    for (let before = 0; before < index; before += 1) if (usages[before]!.key === usages[index]!.key) return true;
  }
  return false;
}

export function reserveHold(state: LedgerState, request: ReserveRequest): ReserveResult {
  expireHolds(state, request.now);
  const holdId = checkHoldId(request.holdId);
  checkWellFormed('holdId', holdId);
  for (let index = 0; index < request.budgets.length; index += 1) {
    const { key } = request.budgets[index]!;
    // The field's name is built only for a key that fails.
    if (isIllFormed(key)) checkWellFormed(`budgets[${index}].key`, key);
  }
  if (state.holds.has(holdId)) return { ok: true };
  const amount = cachedNano(amountToNano, convertedAmounts, request.amount, amountField, '');
  const usages = request.budgets.map((limitKey): BudgetUsage => {
    const record = state.budgets.get(limitKey.key);
    if (record === undefined && limitKey.windowEndsAt !== undefined && limitKey.windowEndsAt <= state.windowsForgottenThrough) {
      throw new InvalidLedgerRequestError('window_forgotten', `ledger: budget ${limitKey.key} is for a window that ended ${new Date(limitKey.windowEndsAt).toISOString()}, whose record this ledger has already forgotten; a call dated into it (a clock stepped back?) is refused rather than counted from zero`);
    }
    const limit = cachedNano(limitToNano, convertedLimits, limitKey.limit, limitField, limitKey.key);
    return { key: limitKey.key, limit, spent: record?.spent ?? 0n, reserved: record?.reserved ?? 0n };
  });
  // A key listed twice is one budget: checked twice against the same figures, reserved once.
  const distinct = hasRepeatedKey(usages) ? usages.filter((usage, index) => usages.findIndex((other) => other.key === usage.key) === index) : usages;
  const decision = decide(amount, usages);
  if (!decision.fits) {
    return {
      ok: false,
      refusal: {
        key: decision.key,
        limit: nanoToMoney(decision.limit),
        spent: nanoToMoney(decision.spent),
        reserved: nanoToMoney(decision.reserved),
        remaining: nanoToMoney(decision.remaining),
      },
    };
  }
  request.budgets.forEach((limitKey) => {
    if (limitKey.windowEndsAt !== undefined) budget(state, limitKey.key).windowEndsAt = limitKey.windowEndsAt;
  });
  for (const usage of distinct) {
    const record = budget(state, usage.key);
    record.reserved += amount;
    record.openHolds += 1;
    record.limit = usage.limit;
  }
  // Kept a day: `map` sizes the list exactly (one grown by push keeps room for 16 more keys).
  const hold = holdRecord(holdId, amount, distinct.map((usage) => usage.key), request.expiresAt, 'held');
  if (request.details !== undefined) hold.details = keptDetails(request.details);
  state.holds.set(holdId, hold);
  state.expiry.push(request.expiresAt, holdId);
  return { ok: true };
}

const ALREADY: Record<Exclude<HoldStatus, 'held'>, SettleResult> = {
  committed: 'already_committed',
  released: 'already_released',
  expired: 'expired',
};

function settleHold(state: LedgerState, holdId: string, now: number, status: 'committed' | 'released'): SettleResult {
  expireHolds(state, now);
  const hold = state.holds.get(holdId);
  if (!hold) return 'unknown';
  return settleFound(state, hold, now, status);
}

/** Settles a hold already looked up (after expiry ran): a lookup in a map of a day's holds costs a cache miss. */
function settleFound(state: LedgerState, hold: HoldRecord, now: number, status: 'committed' | 'released'): SettleResult {
  if (hold.status !== 'held') return ALREADY[hold.status];
  settle(state, hold, status, now);
  return status;
}

export function commitHold(state: LedgerState, holdId: string, now: number): SettleResult {
  return settleHold(state, holdId, now, 'committed');
}

export function releaseHold(state: LedgerState, holdId: string, now: number): SettleResult {
  return settleHold(state, holdId, now, 'released');
}

export function linkRequest(state: LedgerState, request: LinkRequest): boolean {
  expireHolds(state, request.now);
  checkWellFormed('requestId', request.requestId);
  checkWellFormed('holdId', request.holdId);
  checkWellFormed('app', request.app);
  const linked = state.requests.get(request.requestId);
  if (linked !== undefined) return linked === request.holdId;
  let hold = state.holds.get(request.holdId);
  // One request per hold: a second id would leave a link that pruning the hold cannot find.
  if (!hold || (hold.requestId !== undefined && hold.requestId !== request.requestId)) return false;
  if (hold.status !== 'held') {
    // A settled record is its journal entry, which says what was known when it settled: the
    // link goes on a copy. (Rare: the guard links a request before the hold can settle.)
    hold = { ...hold };
    state.holds.set(request.holdId, hold);
  }
  state.requests.set(request.requestId, request.holdId);
  hold.requestId = request.requestId;
  if (request.app !== undefined) hold.app = request.app;
  return true;
}

export function settleRequestHold(state: LedgerState, requestId: string, settlement: Settlement, now: number, app?: string): SettleResult {
  expireHolds(state, now);
  const holdId = state.requests.get(requestId);
  const hold = holdId === undefined ? undefined : state.holds.get(holdId);
  if (holdId === undefined || hold === undefined) return 'unknown';
  if (app !== undefined && hold.app !== app) return 'endpoint_mismatch';
  // Expiry ran above and nothing since: the hold found is the one settleHold would find.
  return settleFound(state, hold, now, settlement === 'commit' ? 'committed' : 'released');
}

export function linkOfRequest(state: LedgerState, requestId: string, now: number): RequestLink | undefined {
  expireHolds(state, now);
  const holdId = state.requests.get(requestId);
  const hold = holdId === undefined ? undefined : state.holds.get(holdId);
  if (holdId === undefined || hold === undefined) return undefined;
  return hold.app === undefined ? { requestId, holdId, status: hold.status } : { requestId, holdId, status: hold.status, app: hold.app };
}

export function usageOf(state: LedgerState, keys: readonly string[], now: number): Usage[] {
  expireHolds(state, now);
  return keys.map((key) => {
    const record = state.budgets.get(key);
    return { key, spent: nanoToMoney(record?.spent ?? 0n), reserved: nanoToMoney(record?.reserved ?? 0n) };
  });
}

export function inspectLedger(state: LedgerState, now: number): BudgetKeyStatus[] {
  expireHolds(state, now);
  return [...state.budgets.keys()].sort().map((key) => {
    const record = state.budgets.get(key)!;
    return {
      key,
      ...(record.limit === undefined ? {} : { limit: nanoToMoney(record.limit) }),
      spent: nanoToMoney(record.spent),
      reserved: nanoToMoney(record.reserved),
      openHolds: record.openHolds,
      ...(record.windowEndsAt === undefined ? {} : { windowEndsAt: record.windowEndsAt }),
    };
  });
}

/** Takes the journal entries the last transitions produced. */
export function drainJournal(state: LedgerState): JournalEntry[] {
  if (state.journal.length === 0) return [];
  return drainSettled(state).map(journalEntryOf);
}

/** Takes the holds the last transitions settled, each one's journal entry to be (journalEntryOf). */
export function drainSettled(state: LedgerState): readonly HoldRecord[] {
  if (state.journal.length === 0) return NONE_SETTLED;
  const settled = state.journal;
  state.journal = [];
  return settled;
}
const NONE_SETTLED: readonly HoldRecord[] = Object.freeze([]);
