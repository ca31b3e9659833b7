import type { BudgetKeyStatus } from '../../../core/budget/ledger-types.js';
import { Decimal, formatMoney, ZERO } from '../../../core/money.js';
import { ledgerMoney, ledgerTime } from './ledger-answer.js';
import type { KeyStatus, LedgerStatusReport } from './ledger-report.js';
import type { LedgerRef, OpenedLedger } from './open-ledger.js';

function keyStatus(ref: LedgerRef, status: BudgetKeyStatus): KeyStatus {
  const money = (field: string, text: unknown) => ledgerMoney(ref, `${field} of ${status.key}:`, text);
  const spent = money('spent', status.spent);
  const reserved = money('reserved', status.reserved);
  const limit = status.limit === undefined ? undefined : money('limit', status.limit);
  return {
    key: status.key,
    limit: limit === undefined ? null : formatMoney(limit),
    spent: formatMoney(spent),
    reserved: formatMoney(reserved),
    remaining: limit === undefined ? null : formatMoney(Decimal.max(limit.minus(spent).minus(reserved), ZERO)),
    openHolds: status.openHolds,
    windowEndsAt: status.windowEndsAt === undefined ? null : new Date(ledgerTime(ref, `windowEndsAt of ${status.key}:`, status.windowEndsAt)).toISOString(),
  };
}

/** `fal-budget ledger status`: every budget key the ledger keeps, as of now. */
export async function ledgerStatus(opened: OpenedLedger, now: Date): Promise<LedgerStatusReport> {
  const keys = await opened.ledger.inspect(now.getTime());
  return { ledger: opened.ref, at: now.toISOString(), keys: keys.map((status) => keyStatus(opened.ref, status)) };
}
