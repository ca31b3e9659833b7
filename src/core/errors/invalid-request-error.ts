import type { core } from 'zod/mini';
import { FalBudgetError } from './fal-budget-error.js';

export type IssuePath = ReadonlyArray<string | number>;

/** The issue codes fal-budget itself reports (the endpoints' rules, the source length, the fal input walk, batch lines). */
export type OwnIssueCode =
  | 'invalid_type'
  | 'unrecognized_key'
  | 'not_offered'
  | 'hdr_resolution'
  | 'exr_requires_hdr'
  | 'loop_with_10s'
  | 'auto_controls_exclusive'
  | 'incomplete_request'
  | 'two_sources'
  | 'no_source'
  | 'no_media_type'
  | 'not_base64'
  | 'empty_source'
  | 'source_too_long'
  | 'invalid_option'
  | 'blob_not_media'
  | 'forbidden_key'
  | 'not_json'
  | 'too_deep';

/**
 * An issue's code: one of ours, or zod's own issue code passed through from a request schema
 * (`too_small`, `invalid_value`, `custom`, ...): the open part, documented as zod's.
 */
export type RequestIssueCode = OwnIssueCode | core.$ZodIssueCode;

/** One problem with a request, kept as data until someone needs words. */
export interface RequestIssue {
  readonly path: IssuePath;
  readonly code: RequestIssueCode;
  readonly message: string;
}

function formatPath(path: IssuePath): string {
  if (path.length === 0) return '(request)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/** The request is not one the provider would accept (or not one we can price). */
export class InvalidRequestError extends FalBudgetError {
  override name = 'InvalidRequestError';
  readonly endpoint: string;
  readonly issues: readonly RequestIssue[];

  constructor(
    endpoint: string,
    issues: readonly RequestIssue[],
    options?: { cause?: unknown; code?: 'invalid_request' | 'not_offered'; message?: string },
  ) {
    const summary = issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
    super(options?.code ?? 'invalid_request', options?.message ?? `invalid request for ${endpoint}: ${summary}`, options);
    this.endpoint = endpoint;
    this.issues = issues;
  }
}
