import { FalBudgetError } from '../errors/fal-budget-error.js';
import { formatMoney, parseDecimal, ZERO, type Decimal } from '../money.js';
import { decide, type BudgetUsage } from './decide.js';
import type { ReserveRequest, ReserveResult, SettleResult, Usage } from './ledger-types.js';

export type HoldStatus = 'held' | 'committed' | 'released' | 'expired';

export interface HoldRecord {
  amount: Decimal;
  keys: string[];
  expiresAt: number;
  status: HoldStatus;
  /** When it resolved; resolved holds are kept a while so a repeated settle stays a no-op. */
  settledAt?: number;
}

export interface BudgetRecord {
  spent: Decimal;
  reserved: Decimal;
  windowEndsAt?: number;
}

/**
 * A ledger's whole state, and the pure transitions on it. The memory ledger keeps one in RAM;
 * the file ledger loads, transforms and writes one under a lock. Same code, same rule.
 */
export interface LedgerState {
  budgets: Map<string, BudgetRecord>;
  holds: Map<string, HoldRecord>;
  /** The earliest expiresAt among open holds (Infinity when none): expiry scans only when due. */
  nextExpiryAt: number;
  /** Settled hold ids in the order they settled, with when: pruning stops at the first young one. */
  settledOrder: Map<string, number>;
}

/**
 * How long settled holds and finished windows are remembered. Forgetting a settled hold moves no
 * money (its amount is already in its budgets); a settle repeated after that answers 'unknown'
 * instead of 'already_committed'. A day is far beyond the guard's one-hour holds.
 */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

export function emptyLedgerState(): LedgerState {
  return { budgets: new Map(), holds: new Map(), nextExpiryAt: Number.POSITIVE_INFINITY, settledOrder: new Map() };
}

function budget(state: LedgerState, key: string): BudgetRecord {
  let record = state.budgets.get(key);
  if (!record) {
    record = { spent: ZERO, reserved: ZERO };
    state.budgets.set(key, record);
  }
  return record;
}

function settle(state: LedgerState, holdId: string, hold: HoldRecord, status: 'committed' | 'released' | 'expired', now: number): void {
  for (const key of hold.keys) {
    const record = budget(state, key);
    record.reserved = record.reserved.minus(hold.amount);
    // Expiry counts as spent: an outcome we never saw may have been billed.
    if (status !== 'released') record.spent = record.spent.plus(hold.amount);
  }
  hold.status = status;
  hold.settledAt = now;
  state.settledOrder.set(holdId, now);
}

/** Turns every hold whose time is up into spend. Returns the ids it expired. */
export function expireHolds(state: LedgerState, now: number): string[] {
  if (now < state.nextExpiryAt) return [];
  const expired: string[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const [holdId, hold] of state.holds) {
    if (hold.status !== 'held') continue;
    if (hold.expiresAt <= now) {
      settle(state, holdId, hold, 'expired', now);
      expired.push(holdId);
    } else if (hold.expiresAt < next) {
      next = hold.expiresAt;
    }
  }
  state.nextExpiryAt = next;
  return expired;
}

/** Forgets settled holds and idle finished windows older than the retention period. */
export function pruneLedger(state: LedgerState, now: number, retentionMs = RETENTION_MS): void {
  // Oldest settlements first: stop at the first one still within retention, so pruning costs
  // what it removes, not what the ledger holds.
  for (const [holdId, settledAt] of state.settledOrder) {
    if (settledAt + retentionMs >= now) break;
    state.settledOrder.delete(holdId);
    state.holds.delete(holdId);
  }
  for (const [key, record] of state.budgets) {
    if (record.windowEndsAt !== undefined && record.windowEndsAt + retentionMs < now && record.reserved.isZero()) state.budgets.delete(key);
  }
}

// Amounts come from a few price cells and limits from configuration: the same strings again and
// again. Parsing each once (and sharing the Decimal between holds) keeps reserve cheap and holds
// small. Bounded, so arbitrary amounts cannot grow it without limit.
const parsedAmounts = new Map<string, Decimal>();

function ledgerAmount(text: string, field: string): Decimal {
  let amount = parsedAmounts.get(text);
  if (amount === undefined) {
    amount = typeof text === 'string' ? parseDecimal(text) : undefined;
    if (amount === undefined) {
      throw new FalBudgetError('invalid_ledger_amount', `${field} must be an unsigned decimal string like "4.32" (got ${JSON.stringify(text)})`);
    }
    if (parsedAmounts.size >= 4096) parsedAmounts.clear();
    parsedAmounts.set(text, amount);
  }
  return amount;
}

export function reserveHold(state: LedgerState, request: ReserveRequest): ReserveResult {
  expireHolds(state, request.now);
  if (state.holds.has(request.holdId)) return { ok: true };
  const amount = ledgerAmount(request.amount, 'amount');
  const usages: BudgetUsage[] = [];
  const keys: string[] = [];
  for (const limitKey of request.budgets) {
    const record = budget(state, limitKey.key);
    if (limitKey.windowEndsAt !== undefined) record.windowEndsAt = limitKey.windowEndsAt;
    usages.push({ key: limitKey.key, limit: ledgerAmount(limitKey.limit, `limit of ${limitKey.key}`), spent: record.spent, reserved: record.reserved });
    // A key listed twice is one budget: checked twice against the same figures, reserved once.
    if (!keys.includes(limitKey.key)) keys.push(limitKey.key);
  }
  const decision = decide(amount, usages);
  if (!decision.fits) {
    return {
      ok: false,
      refusal: {
        key: decision.key,
        limit: formatMoney(decision.limit),
        spent: formatMoney(decision.spent),
        reserved: formatMoney(decision.reserved),
        remaining: formatMoney(decision.remaining),
      },
    };
  }
  for (const key of keys) {
    const record = budget(state, key);
    record.reserved = record.reserved.plus(amount);
  }
  state.holds.set(request.holdId, { amount, keys, expiresAt: request.expiresAt, status: 'held' });
  state.nextExpiryAt = Math.min(state.nextExpiryAt, request.expiresAt);
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
  if (hold.status !== 'held') return ALREADY[hold.status];
  settle(state, holdId, hold, status, now);
  return status;
}

export function commitHold(state: LedgerState, holdId: string, now: number): SettleResult {
  return settleHold(state, holdId, now, 'committed');
}

export function releaseHold(state: LedgerState, holdId: string, now: number): SettleResult {
  return settleHold(state, holdId, now, 'released');
}

export function usageOf(state: LedgerState, keys: readonly string[], now: number): Usage[] {
  expireHolds(state, now);
  return keys.map((key) => {
    const record = state.budgets.get(key);
    return { key, spent: formatMoney(record?.spent ?? ZERO), reserved: formatMoney(record?.reserved ?? ZERO) };
  });
}
