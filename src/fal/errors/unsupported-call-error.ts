import { FalBudgetError } from '../../core/errors/fal-budget-error.js';

/**
 * A guarded fal call the guard cannot price as it would be sent: an option that changes the
 * target in a way the guard does not reproduce, a target that is not a fal endpoint, or a client
 * that does not send through guardedFetch. Thrown before anything is sent; names the option.
 */
export class UnsupportedCallError extends FalBudgetError {
  override name = 'UnsupportedCallError';
  /** The option's path, e.g. `method`, `query`, `headers["x-fal-target-url"]`, `endpointId`, `fetch`. */
  readonly option: string;
  /** The endpoint id as the caller gave it. */
  readonly endpoint: string;

  constructor(endpoint: string, option: string, message: string, options?: { cause?: unknown }) {
    super('unsupported_call', `${option}: ${message} (${endpoint})`, options);
    this.option = option;
    this.endpoint = endpoint;
  }
}
