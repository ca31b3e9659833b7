import { FalBudgetError } from './fal-budget-error.js';

/** No table (or no pinned version) prices this endpoint at the requested instant. */
export class NoPriceInEffectError extends FalBudgetError {
  override name = 'NoPriceInEffectError';
  readonly provider: string;
  readonly endpoint: string | undefined;
  readonly at: string | undefined;
  readonly version: string | undefined;

  constructor(
    message: string,
    details: { provider: string; endpoint?: string; at?: string; version?: string },
  ) {
    super('no_price_in_effect', message);
    this.provider = details.provider;
    this.endpoint = details.endpoint;
    this.at = details.at;
    this.version = details.version;
  }
}
