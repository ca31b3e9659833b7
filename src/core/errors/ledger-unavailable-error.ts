import { FalBudgetError, hasFalBudgetErrorCode } from './fal-budget-error.js';

export interface LedgerUnavailableDetails {
  /** Which kind of ledger: "file", "redis", ... */
  readonly ledger: string;
  /** Where it lives: a file path, a Redis URL without credentials, ... */
  readonly location?: string;
  readonly cause?: unknown;
}

/**
 * The ledger cannot be reached, read or trusted (unreachable server, unreadable or corrupt file).
 * The guard refuses to spend rather than guess: never a silent reset, never a pass.
 */
export class LedgerUnavailableError extends FalBudgetError {
  override name = 'LedgerUnavailableError';
  readonly ledger: string;
  readonly location: string | undefined;

  constructor(message: string, details: LedgerUnavailableDetails) {
    super('ledger_unavailable', message, details.cause === undefined ? undefined : { cause: details.cause });
    this.ledger = details.ledger;
    this.location = details.location;
  }
}

/** Whether `value` is a LedgerUnavailableError (or a subclass), from this or another copy of fal-budget. */
export function isLedgerUnavailableError(value: unknown): value is LedgerUnavailableError {
  return hasFalBudgetErrorCode(value, 'ledger_unavailable');
}
