import { FalBudgetError } from './fal-budget-error.js';

/**
 * Why a ledger refused a call that came to it malformed. The codes are pinned by tests and by
 * callers that branch on them, so the union is closed.
 */
export type InvalidLedgerRequestCode =
  /** A field of the call is not what the ledger takes (an empty holdId, a NaN `now`, a lone surrogate, ...). */
  | 'invalid_ledger_request'
  /** An amount or limit that is not exact nano-USD in range (a JS number, too many digits, negative, ...). */
  | 'invalid_ledger_amount'
  /** A call dated into a window whose record the ledger has forgotten: refused rather than counted from zero. */
  | 'window_forgotten';

/** A ledger call the ledger will not take as given; nothing was recorded. */
export class InvalidLedgerRequestError extends FalBudgetError {
  override name = 'InvalidLedgerRequestError';
  declare readonly code: InvalidLedgerRequestCode;

  constructor(code: InvalidLedgerRequestCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
