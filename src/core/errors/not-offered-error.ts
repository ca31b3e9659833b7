import { InvalidRequestError, type RequestIssue } from './invalid-request-error.js';

/**
 * A combination the provider does not sell (540p HDR, or a cell a table leaves out): never a $0
 * quote. It is also an invalid request (the provider would reject it), so it extends
 * InvalidRequestError and names the fields involved in `issues`.
 */
export class NotOfferedError extends InvalidRequestError {
  override name = 'NotOfferedError';
  readonly provider: string;
  readonly combination: Readonly<Record<string, string>>;

  constructor(
    endpoint: string,
    provider: string,
    combination: Readonly<Record<string, string>>,
    issues?: readonly RequestIssue[],
  ) {
    const described = Object.entries(combination)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    const offer = `${provider} does not offer ${endpoint} with ${described}`;
    const fields = issues ?? [{ path: [combination.tier === undefined || combination.tier === 'SDR' ? 'resolution' : 'hdr'], code: 'not_offered', message: offer }];
    const why = issues ? `: ${issues.map((issue) => issue.message).join('; ')}` : '';
    super(endpoint, fields, { code: 'not_offered', message: `${offer}${why}` });
    this.provider = provider;
    this.combination = combination;
  }
}
