import { FalBudgetError } from './fal-budget-error.js';

export type IssuePath = ReadonlyArray<string | number>;

/** One problem with a request, kept as data until someone needs words. */
export interface RequestIssue {
  readonly path: IssuePath;
  readonly code: string;
  readonly message: string;
}

export function formatPath(path: IssuePath): string {
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
