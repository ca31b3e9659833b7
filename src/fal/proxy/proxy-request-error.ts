import { FalBudgetError } from '../../core/errors/fal-budget-error.js';

/** What is wrong with a request to the proxy, as a stable code; each has its HTTP status. */
export type ProxyRequestProblem =
  /** No x-fal-target-url header. */
  | 'missing_target'
  /** A target URL the middleware will not read: malformed, duplicated, or spelled unusually. */
  | 'invalid_target'
  /** A well-formed target that could spend but that the guard cannot price. */
  | 'unguarded_target'
  /** A query parameter on a submission or run that could carry input the quote did not see. */
  | 'unpriced_query'
  /** A body that is not declared as JSON. */
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'body_too_large';

const STATUS: Readonly<Record<ProxyRequestProblem, 400 | 403 | 413 | 415>> = {
  missing_target: 400,
  invalid_target: 400,
  unguarded_target: 403,
  unpriced_query: 400,
  unsupported_media_type: 415,
  invalid_json: 400,
  body_too_large: 413,
};

/**
 * A request to the proxy that the budget middleware refuses before anything is forwarded.
 * `field` names the part of the request at fault: a header, `body`, or a query parameter of
 * the target (`x-fal-target-url?seed`).
 */
export class ProxyRequestError extends FalBudgetError {
  override name = 'ProxyRequestError';
  declare readonly code: ProxyRequestProblem;
  readonly field: string;
  /** The HTTP status the middleware answers with. */
  readonly status: 400 | 403 | 413 | 415;

  constructor(code: ProxyRequestProblem, field: string, message: string, options?: { cause?: unknown }) {
    super(code, `${field}: ${message}`, options);
    this.field = field;
    this.status = STATUS[code];
  }
}
