import { FalBudgetError } from './fal-budget-error.js';

/** No pricing table knows this endpoint: we never guess, and never quote $0. */
export class UnknownEndpointError extends FalBudgetError {
  override name = 'UnknownEndpointError';
  readonly endpoint: string;
  readonly provider: string | undefined;
  readonly knownEndpoints: readonly string[];

  constructor(endpoint: string, provider: string | undefined, knownEndpoints: readonly string[]) {
    const where = provider === undefined ? 'any pricing table' : `the ${provider} pricing tables`;
    super(
      'unknown_endpoint',
      `unknown endpoint "${endpoint}": not in ${where}; known endpoints: ${knownEndpoints.join(', ')}`,
    );
    this.endpoint = endpoint;
    this.provider = provider;
    this.knownEndpoints = knownEndpoints;
  }
}
