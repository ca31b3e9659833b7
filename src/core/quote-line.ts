/** The parts of a quote every billing kind writes: a line, its warnings, where a length came from. */

export interface QuoteWarning {
  readonly code:
    | 'unknown_field'
    | 'ignored_field'
    | 'incomplete_request'
    | 'upper_bound'
    | 'unverified_price'
    | 'source_seconds_ignored'
    | 'source_seconds_mismatch'
    | 'source_seconds_unchecked'
    | 'source_durations_disagree';
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
}

export interface QuoteLine<Unit extends string = string> {
  readonly description: string;
  /** Whole units, as a decimal string ("1", "6"). */
  readonly quantity: string;
  /** The billing kind's unit: 'clip', 'block', ... */
  readonly unit: Unit;
  readonly unitPrice: string;
  readonly amount: string;
}

export type SourceSecondsFrom = 'given' | 'mp4' | 'maximum';
