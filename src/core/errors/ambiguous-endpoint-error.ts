import { FalBudgetError } from './fal-budget-error.js';

/** Several providers price the same endpoint id; the caller must say which one it calls. */
export class AmbiguousEndpointError extends FalBudgetError {
  override name = 'AmbiguousEndpointError';
  readonly endpoint: string;
  readonly providers: readonly string[];

  constructor(endpoint: string, providers: readonly string[]) {
    super(
      'ambiguous_endpoint',
      `endpoint "${endpoint}" is priced by several providers (${providers.join(', ')}): name one with the provider option`,
    );
    this.endpoint = endpoint;
    this.providers = providers;
  }
}
