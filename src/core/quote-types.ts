import type { Duration, Resolution, Tier } from './endpoints/index.js';

export interface QuoteWarning {
  readonly code:
    | 'unknown_field'
    | 'ignored_field'
    | 'incomplete_request'
    | 'upper_bound'
    | 'unverified_price'
    | 'source_seconds_ignored'
    | 'source_seconds_mismatch'
    | 'source_durations_disagree';
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
}

export interface QuoteLine {
  readonly description: string;
  /** Whole units, as a decimal string ("1", "6"). */
  readonly quantity: string;
  readonly unit: 'clip' | 'block';
  readonly unitPrice: string;
  readonly amount: string;
}

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

export type SourceSecondsFrom = 'given' | 'mp4' | 'maximum';

export type BillingParams =
  | { readonly billing: 'per_clip'; readonly tier: Tier; readonly resolution: Resolution; readonly duration: Duration }
  | {
      readonly billing: 'per_block';
      readonly tier: Tier;
      readonly resolution: Resolution;
      readonly blocks: number;
      readonly blockSeconds: string;
      readonly sourceSeconds: string;
      readonly sourceSecondsFrom: SourceSecondsFrom;
    };

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
