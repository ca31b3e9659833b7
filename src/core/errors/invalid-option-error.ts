import { FalBudgetError, hasFalBudgetErrorCode } from './fal-budget-error.js';

/** An option that cannot be used, from quote(), createBudgetGuard(), a ledger or an adapter: names the option. */
export class InvalidOptionError extends FalBudgetError {
  override name = 'InvalidOptionError';
  /** The option's path, e.g. `limit`, `budgets[1].timeZone`, `context.user`. */
  readonly option: string;
  /** What is wrong, without the option's name: for a caller (the CLI) that names it its own way. */
  readonly reason: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super('invalid_option', `${option}: ${message}`, options);
    this.option = option;
    this.reason = message;
  }
}

/** Whether `value` is an InvalidOptionError, from this or another copy of fal-budget. */
export function isInvalidOptionError(value: unknown): value is InvalidOptionError {
  return hasFalBudgetErrorCode(value, 'invalid_option');
}
