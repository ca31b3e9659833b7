import { Decimal, formatMoney, ZERO } from '../money.js';
import { decide } from './decide.js';
import type { BudgetKey, ReserveRequest, ReserveResult, SettleResult, Usage } from './ledger-types.js';

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
}

/** How long settled holds and finished windows are remembered (for idempotent repeats). */
export const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export function emptyLedgerState(): LedgerState {
  return { budgets: new Map(), holds: new Map(), nextExpiryAt: Number.POSITIVE_INFINITY };
}

function budget(state: LedgerState, key: string): BudgetRecord {
  let record = state.budgets.get(key);
  if (!record) {
    record = { spent: ZERO, reserved: ZERO };
    state.budgets.set(key, record);
  }
  return record;
}

function settle(state: LedgerState, hold: HoldRecord, status: 'committed' | 'released' | 'expired', now: number): void {
  for (const key of hold.keys) {
    const record = budget(state, key);
    record.reserved = record.reserved.minus(hold.amount);
    // Expiry counts as spent: an outcome we never saw may have been billed.
    if (status !== 'released') record.spent = record.spent.plus(hold.amount);
  }
  hold.status = status;
  hold.settledAt = now;
}

/** Turns every hold whose time is up into spend. Returns the ids it expired. */
export function expireHolds(state: LedgerState, now: number): string[] {
  if (now < state.nextExpiryAt) return [];
  const expired: string[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const [holdId, hold] of state.holds) {
    if (hold.status !== 'held') continue;
    if (hold.expiresAt <= now) {
      settle(state, hold, 'expired', now);
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
  for (const [holdId, hold] of state.holds) {
    if (hold.status !== 'held' && hold.settledAt !== undefined && hold.settledAt + retentionMs < now) state.holds.delete(holdId);
  }
  for (const [key, record] of state.budgets) {
    if (record.windowEndsAt !== undefined && record.windowEndsAt + retentionMs < now && record.reserved.isZero()) state.budgets.delete(key);
  }
}

export function reserveHold(state: LedgerState, request: ReserveRequest): ReserveResult {
  expireHolds(state, request.now);
  if (state.holds.has(request.holdId)) return { ok: true };
  const amount = new Decimal(request.amount);
  const usages = request.budgets.map((limitKey: BudgetKey) => {
    const record = budget(state, limitKey.key);
    if (limitKey.windowEndsAt !== undefined) record.windowEndsAt = limitKey.windowEndsAt;
    return { key: limitKey.key, limit: new Decimal(limitKey.limit), spent: record.spent, reserved: record.reserved };
  });
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
  const keys = [...new Set(request.budgets.map((limitKey) => limitKey.key))];
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
  settle(state, hold, status, now);
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
