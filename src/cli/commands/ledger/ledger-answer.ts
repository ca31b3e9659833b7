import { LedgerUnavailableError } from '../../../core/errors/index.js';
import { instantOf } from '../../../core/instant.js';
import { parseDecimal, type Decimal } from '../../../core/money.js';
import type { LedgerRef } from './open-ledger.js';

/*
 * What a ledger answers is checked before it is printed: a value that is not what the Ledger
 * contract promises means the ledger cannot be trusted, which is a LedgerUnavailableError (the
 * same fail-closed answer the guard gives), never a crash or a made-up figure.
 */

export function untrusted(ref: LedgerRef, detail: string): LedgerUnavailableError {
  return new LedgerUnavailableError(`the ${ref.kind} ledger at ${ref.location} answered ${detail}`, { ledger: ref.kind, location: ref.location });
}

/** A money string from the ledger, as an exact Decimal. */
export function ledgerMoney(ref: LedgerRef, what: string, text: unknown): Decimal {
  const amount = typeof text === 'string' ? parseDecimal(text) : undefined;
  if (amount === undefined) throw untrusted(ref, `${what} ${JSON.stringify(text) ?? String(text)}, not a decimal string`);
  return amount;
}

/** An epoch-ms time from the ledger (Date's range). */
export function ledgerTime(ref: LedgerRef, what: string, value: unknown): number {
  const ms = typeof value === 'number' ? instantOf(value) : undefined;
  if (ms === undefined) throw untrusted(ref, `${what} ${String(value)}, not a time`);
  return ms;
}
