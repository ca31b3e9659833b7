import { FalBudgetError, type CliErrorCode } from '../core/errors/index.js';

/**
 * A command line the CLI cannot act on: a bad flag value, a flag the endpoint does not take,
 * an unreadable or malformed input file. Like every FalBudgetError it exits 2; the message
 * names the flag or file so one line on stderr says what to fix.
 */
export class CliError extends FalBudgetError {
  override name = 'CliError';

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
