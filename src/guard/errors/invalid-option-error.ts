import { FalBudgetError } from '../../core/errors/fal-budget-error.js';

/** A guard option (or a call's budget context) that cannot be used: names the option. */
export class InvalidOptionError extends FalBudgetError {
  override name = 'InvalidOptionError';
  /** The option's path, e.g. `limit`, `budgets[1].timeZone`, `context.user`. */
  readonly option: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super('invalid_option', `${option}: ${message}`, options);
    this.option = option;
  }
}
