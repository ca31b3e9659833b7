import { FalBudgetError } from '../../core/errors/fal-budget-error.js';

export type FalPlatformErrorCode =
  | 'platform_key_missing'
  | 'platform_unreachable'
  | 'platform_http_error'
  | 'platform_malformed_response'
  /** A query still had pages after the client's maxPages. */
  | 'platform_page_limit';

/**
 * A call to fal's platform API (api.fal.ai) that did not give an answer to use. The message names
 * the endpoint and the status, never the key.
 */
export class FalPlatformError extends FalBudgetError {
  override name = 'FalPlatformError';
  declare readonly code: FalPlatformErrorCode;
  /** The API path, e.g. "/v1/models/billing-events". */
  readonly endpoint: string;
  /** The HTTP status, when fal answered. */
  readonly status: number | undefined;

  constructor(code: FalPlatformErrorCode, message: string, details: { endpoint: string; status?: number; cause?: unknown }) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.endpoint = details.endpoint;
    this.status = details.status;
  }
}
