import type { RequestModel } from '../core/endpoints/index.js';
import { InvalidRequestError, type RequestIssue } from '../core/errors/index.js';
import type { PriceBook } from '../core/pricing/price-book.js';
import type { EndpointPricing } from '../core/pricing/pricing-table.js';
import { selectPricing } from '../core/quote.js';
import { quote } from '../quote.js';
import { bundledPriceBook } from '../tables/bundled.js';

/** Where generated requests are priced: the tables, the instant and (if several price it) the provider. */
export interface ArbitraryRequestOptions {
  /** The instant whose tables apply. Default: now, when the arbitrary is made. */
  readonly at?: Date | string | number;
  /** Default: the bundled tables. */
  readonly book?: PriceBook;
  readonly provider?: string;
}

/** The options a generated request is quoted with: `quote(endpoint, input, { ...options, strict: true })`. */
export interface GeneratedOptions {
  readonly at: string;
  readonly provider?: string;
  readonly book?: PriceBook;
  /** Only for an endpoint billed by its source's length; absent means unknown (quoted at the maximum). */
  readonly sourceSeconds?: string;
}

/** One generated request, ready for `quote()` or an app's own charge formula. */
export interface GeneratedRequest {
  readonly endpoint: string;
  readonly input: Record<string, unknown>;
  readonly options: GeneratedOptions;
}

export interface RequestContext {
  readonly endpoint: string;
  readonly model: RequestModel;
  readonly pricing: EndpointPricing;
  readonly base: Omit<GeneratedOptions, 'sourceSeconds'>;
  /** The longest source the card accepts, for a kind billed by the source's length. */
  readonly maxSourceSeconds: string | undefined;
}

/** Finds the endpoint's model and card as `quote()` would; fails closed (typed errors) as it does. */
export function requestContext(endpoint: string, options: ArbitraryRequestOptions = {}): RequestContext {
  const book = options.book ?? bundledPriceBook();
  const at = new Date(options.at ?? Date.now()).toISOString();
  const { pricing } = selectPricing(book, endpoint, { at, provider: options.provider });
  const base = { at, ...(options.provider === undefined ? {} : { provider: options.provider }), ...(options.book === undefined ? {} : { book: options.book }) };
  const maxSourceSeconds = pricing.card.kind.source ? pricing.card.terms.maxSourceSeconds : undefined;
  return { endpoint, model: pricing.request, pricing, base, maxSourceSeconds };
}

/** The request's issues when strict quoting refuses it, or undefined when it is quoted. Bugs still throw. */
export function strictIssues(request: GeneratedRequest): readonly RequestIssue[] | undefined {
  try {
    quote(request.endpoint, request.input, { ...request.options, strict: true });
    return undefined;
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.issues;
    throw error;
  }
}
