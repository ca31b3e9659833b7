import type { BillingParams, QuoteUnit } from './billing/index.js';
import type { QuoteLine as KindQuoteLine, QuoteWarning, SourceSecondsFrom } from './quote-line.js';

export type { BillingParams, QuoteWarning, SourceSecondsFrom };

/** One line of a quote, in the unit of its endpoint's billing kind. */
export type QuoteLine = KindQuoteLine<QuoteUnit>;

/** Which table priced the quote: enough to reproduce it later. */
export interface QuotePricing {
  readonly provider: string;
  readonly version: string;
  readonly sha256: string;
  readonly file: string;
  readonly effectiveFrom: string;
  /** The instant the table was selected for, or undefined when a version was pinned. */
  readonly pricedAt: string | undefined;
}

/** What a request will cost. Money is decimal strings: exact, and safe to JSON.stringify. */
export interface Quote {
  readonly endpoint: string;
  readonly provider: string;
  readonly currency: 'USD';
  readonly total: string;
  /** True when a quantity was unknown and quoted at its maximum: the real cost may be lower. */
  readonly upperBound: boolean;
  readonly lines: readonly QuoteLine[];
  readonly pricing: QuotePricing;
  readonly params: BillingParams;
  readonly warnings: readonly QuoteWarning[];
}
