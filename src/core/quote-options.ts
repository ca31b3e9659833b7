import type { Decimal } from './money.js';
import type { SourceDuration } from './source-durations.js';

/**
 * Reads a source video's length from inline bytes; injected so the core stays free of I/O and
 * codecs. `durations` are every length the file declares (the longest is billed, whatever `seconds` says).
 */
export type SourceProbe = (base64: string, mediaType: string) =>
  | { seconds: Decimal; durations?: readonly SourceDuration[] }
  | { error: string };

export interface CoreQuoteOptions {
  /** The instant whose table applies. Ignored for selection when `version` pins one. */
  readonly at: Date | string | number;
  /** Pin a table version instead of choosing by date. */
  readonly version?: string;
  /** Which provider's endpoint, when several price the same id. */
  readonly provider?: string;
  /** The edit source's exact length in seconds (decimal string or Decimal). */
  readonly sourceSeconds?: string | Decimal;
  /** Where sourceSeconds was read, for the quote's record: 'mp4' when the caller measured a file. Default 'given'. */
  readonly sourceSecondsFrom?: 'given' | 'mp4';
  /** Validate the complete request, as the provider would (what the guard does). */
  readonly strict?: boolean;
  readonly probeSource?: SourceProbe;
  /**
   * What a `sourceSeconds` that cannot be checked against an inline `source_data` (no probe, or a
   * file the probe cannot read) counts for. 'given' (default, quote()'s pre-flight estimate):
   * quoted at the given length, with a `source_seconds_unchecked` warning. 'maximum' (the guard,
   * whose reservation must never be below what fal bills for the real file): quoted at the
   * maximum source length, `upperBound`, with an `upper_bound` warning.
   */
  readonly uncheckedSourceSeconds?: 'given' | 'maximum';
  /**
   * The input is known to hold only own enumerable data properties with no field reachable
   * through its prototype (objects from JSON.parse, when jsonInputsHaveOwnFieldsOnly() says so):
   * the check that prices only what JSON.stringify would send is skipped. Internal: the CLI's
   * batch sets it; a caller handing over objects of its own must not.
   */
  readonly ownFieldsOnly?: boolean;
}
