import { FalBudgetError } from './fal-budget-error.js';

/** A valid-looking combination the provider does not sell (540p HDR): never a $0 quote. */
export class NotOfferedError extends FalBudgetError {
  override name = 'NotOfferedError';
  readonly endpoint: string;
  readonly provider: string;
  readonly combination: Readonly<Record<string, string>>;

  constructor(endpoint: string, provider: string, combination: Readonly<Record<string, string>>) {
    const described = Object.entries(combination)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    super('not_offered', `${provider} does not offer ${endpoint} with ${described}`);
    this.endpoint = endpoint;
    this.provider = provider;
    this.combination = combination;
  }
}
