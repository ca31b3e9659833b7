// Every code a FalBudgetError can carry, from every layer: core cannot import the adapters' and
// the CLI's error classes, so their codes are written out here. FalBudgetError's constructor takes
// only these, so a subclass with a code missing here does not typecheck.

/** Codes of the errors in src/core/errors. */
export type CoreErrorCode =
  | 'invalid_request'
  | 'not_offered'
  | 'unknown_endpoint'
  | 'ambiguous_endpoint'
  | 'no_price_in_effect'
  | 'pricing_table'
  | 'budget_exceeded'
  | 'ledger_unavailable'
  | 'invalid_option'
  | 'invalid_ledger_request'
  | 'invalid_ledger_amount'
  | 'window_forgotten'
  | 'missing_dependency';

/** Codes of the fal adapters' errors (UnsupportedCallError, JwksUnavailableError, FalPlatformError, ProxyRequestError). */
export type FalAdapterErrorCode =
  | 'unsupported_call'
  | 'jwks_unavailable'
  | 'platform_key_missing'
  | 'platform_unreachable'
  | 'platform_http_error'
  | 'platform_malformed_response'
  | 'platform_page_limit'
  | 'missing_target'
  | 'invalid_target'
  | 'unguarded_target'
  | 'unpriced_query'
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'body_too_large';

/** Codes of the CLI's own errors (CliError, LineTooLongError, OutputFailedError). */
export type CliErrorCode = 'usage' | 'unreadable_input' | 'malformed_input' | 'line_too_long' | 'output_failed';

/** The closed list of `FalBudgetError.code`s: a program can switch on it exhaustively. */
export type FalBudgetErrorCode = CoreErrorCode | FalAdapterErrorCode | CliErrorCode;
