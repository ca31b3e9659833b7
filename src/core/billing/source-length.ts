import type { RequestModel } from '../endpoints/index.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { Decimal } from '../money.js';
import type { CoreQuoteOptions } from '../quote-options.js';
import type { QuoteWarning, SourceSecondsFrom } from '../quote-line.js';
import { compareSeconds, isZeroSeconds, parseSeconds, type Seconds } from '../seconds.js';
import { durationsDisagreeWarning, longestDuration } from '../source-durations.js';

/** What finding a source's length needs of a card billed by it (per block, per second). */
export interface SourcePricing {
  readonly request: RequestModel;
  readonly maxSourceLength: Seconds;
}

// Moved here unchanged from src/core/quote.ts (with the model's source reference now naming its
// field), so every kind billed by the source's length measures it the same way.

function sourceSecondsOption(value: string | Decimal): Seconds {
  // A Decimal (possibly from another copy of decimal.js) goes through its exact fixed-point text.
  // The string first: Decimal.isDecimal is false for one, and it is what nearly every quote passes.
  const text = typeof value === 'string' ? value.trim() : Decimal.isDecimal(value) ? new Decimal(value.toString()).toFixed() : undefined;
  const seconds = text === undefined ? undefined : parseSeconds(text);
  if (seconds) return seconds;
  throw new InvalidOptionError('sourceSeconds', `must be a non-negative decimal string like "22.5" (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`);
}

const NO_WARNINGS: readonly QuoteWarning[] = Object.freeze([]);

/** Finds the source's length: given, read from inline MP4 bytes, or (unknown) its maximum. */
export function sourceLength(endpoint: string, pricing: SourcePricing, parsed: Record<string, unknown>, options: CoreQuoteOptions): { seconds: Seconds; from: SourceSecondsFrom; field: string; warnings: readonly QuoteWarning[] } {
  const given = options.sourceSeconds === undefined ? undefined : sourceSecondsOption(options.sourceSeconds);
  const givenFrom: SourceSecondsFrom = options.sourceSecondsFrom === 'mp4' ? 'mp4' : 'given';
  const model = pricing.request;
  const source = model.source!(parsed);
  // The common case, a length given for a source the request only names: nothing to warn about,
  // so no list (and no message text) is built for it.
  if (given !== undefined && source.kind !== 'inline') return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings: NO_WARNINGS };
  const warnings: QuoteWarning[] = [];
  const max = `${pricing.maxSourceLength.text} s`;
  if (source.kind === 'inline' && options.probeSource) {
    const probed = options.probeSource(source.data, source.mediaType);
    if ('seconds' in probed) {
      // Every length the file declares counts: a forged header cannot shorten the others.
      const durations = probed.durations ?? [];
      const longest = durations.length === 0 ? probed.seconds : Decimal.max(probed.seconds, longestDuration(durations));
      const disagree = durationsDisagreeWarning(durations, [model.maxSourceField!]);
      if (disagree) warnings.push(disagree);
      // The probe's Decimal is exact to 60 digits: never close enough to a block edge to cross it.
      const measured = parseSeconds(longest.toFixed())!;
      // A given length never lowers what the bytes say: quote the longer, and say they disagree.
      if (given === undefined || compareSeconds(measured, given) >= 0) {
        if (given !== undefined && compareSeconds(measured, given) > 0) {
          warnings.push({ code: 'source_seconds_mismatch', message: `sourceSeconds says ${given.text} s but source_data is ${measured.text} s long; quoted at ${measured.text} s`, path: ['source_data'] });
        }
        return { seconds: measured, from: 'mp4', field: model.maxSourceField!, warnings };
      }
      warnings.push({ code: 'source_seconds_mismatch', message: `sourceSeconds says ${given.text} s but source_data is ${measured.text} s long; quoted at ${given.text} s`, path: ['sourceSeconds'] });
      return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings };
    }
    if (given !== undefined) return uncheckedLength(pricing, given, givenFrom, `the probe could not read source_data (${probed.error})`, options, warnings);
    warnings.push({ code: 'upper_bound', message: `could not read the length of source_data (${probed.error}); quoted at the ${max} maximum`, path: ['source_data'] });
  } else if (given !== undefined && source.kind === 'inline') {
    return uncheckedLength(pricing, given, givenFrom, 'no probeSource was given to measure source_data', options, warnings);
  } else if (given !== undefined) {
    return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings };
  } else {
    const why = source.kind === 'reference' ? `${source.field} does not say how long the source is`
      : source.kind === 'inline' ? 'source_data was not read' : 'no source was given';
    warnings.push({ code: 'upper_bound', message: `source length unknown (${why}); quoted at the ${max} maximum` });
  }
  return { seconds: pricing.maxSourceLength, from: 'maximum', field: 'sourceSeconds', warnings };
}

/**
 * A length given for inline bytes nobody could measure: fal bills the bytes, whatever the claim.
 * A pre-flight quote keeps the claim and says it is unchecked; the guard (`'maximum'`) cannot
 * reserve less than the bill, so it quotes the maximum, `upperBound`, and says how to price exactly.
 */
function uncheckedLength(
  pricing: SourcePricing, given: Seconds, givenFrom: SourceSecondsFrom, why: string, options: CoreQuoteOptions, warnings: QuoteWarning[],
): { seconds: Seconds; from: SourceSecondsFrom; field: string; warnings: readonly QuoteWarning[] } {
  const exactly = 'pass probeSource: probeInlineMp4 (from fal-budget/mp4) to price it exactly';
  if (options.uncheckedSourceSeconds === 'maximum') {
    const max = pricing.maxSourceLength.text;
    warnings.push({
      code: 'upper_bound',
      message: `sourceSeconds says ${given.text} s but ${why}, and fal bills the file's real length: quoted at the ${max} s maximum; ${exactly}`,
      path: ['source_data'],
    });
    return { seconds: pricing.maxSourceLength, from: 'maximum', field: 'sourceSeconds', warnings };
  }
  warnings.push({
    code: 'source_seconds_unchecked',
    message: `sourceSeconds says ${given.text} s but ${why}, and fal bills the file's real length: quoted at ${given.text} s unchecked; ${exactly}`,
    path: ['sourceSeconds'],
  });
  return { seconds: given, from: givenFrom, field: 'sourceSeconds', warnings };
}

/** The measured length must be a real, accepted one: not empty, not over the card's maximum. */
export function checkSourceLength(endpoint: string, pricing: SourcePricing, seconds: Seconds, field: string): void {
  if (isZeroSeconds(seconds)) {
    throw new InvalidRequestError(endpoint, [{ path: [field], code: 'empty_source', message: 'the source video has no length' }]);
  }
  if (compareSeconds(seconds, pricing.maxSourceLength) > 0) {
    throw new InvalidRequestError(endpoint, [{
      path: [field],
      code: 'source_too_long',
      message: `the source is ${seconds.text} s; ${endpoint} accepts at most ${pricing.maxSourceLength.text} s`,
    }]);
  }
}
