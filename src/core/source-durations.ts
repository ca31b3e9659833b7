import type { Decimal } from './money.js';
import type { QuoteWarning } from './quote-line.js';

/** One length a source file declares, and where: `{ box: 'track 1 mdhd', seconds: 31 }`. */
export interface SourceDuration {
  readonly box: string;
  readonly seconds: Decimal;
}

/** The longest of the lengths (which must not be empty): the one that is billed. */
export function longestDuration(durations: readonly SourceDuration[]): Decimal {
  let longest = durations[0]!.seconds;
  for (const duration of durations) if (duration.seconds.gt(longest)) longest = duration.seconds;
  return longest;
}

const LISTED = 12;

/**
 * A file whose boxes disagree on its length is quoted at the longest, and the quote says so,
 * naming each box and its length (the first dozen, and the longest): a forged header shows up
 * next to the box that told the truth. Undefined when every box agrees.
 */
export function durationsDisagreeWarning(
  durations: readonly SourceDuration[],
  path?: ReadonlyArray<string | number>,
): QuoteWarning | undefined {
  if (durations.length < 2) return undefined;
  const first = durations[0]!.seconds;
  if (durations.every((duration) => duration.seconds.eq(first))) return undefined;
  // A forged file can declare thousands of tracks: name the first few, and always the longest.
  const shown = durations.slice(0, LISTED).map((duration) => `${duration.box} ${duration.seconds.toFixed()} s`);
  if (durations.length > LISTED) shown.push(`and ${durations.length - LISTED} more`);
  const longest = longestDuration(durations);
  const where = durations.find((duration) => duration.seconds.eq(longest))!.box;
  const message = `the source's boxes disagree on its length (${shown.join(', ')}); quoted at the longest, ${longest.toFixed()} s (${where})`;
  return path === undefined ? { code: 'source_durations_disagree', message } : { code: 'source_durations_disagree', message, path };
}
