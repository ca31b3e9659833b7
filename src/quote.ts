import type { Decimal } from './core/money.js';
import { quoteBatchWith, type BatchResult } from './core/batch.js';
import { InvalidOptionError } from './core/errors/index.js';
import { isPriceBook, PriceBook } from './core/pricing/price-book.js';
import { quoteRequest, type SourceProbe } from './core/quote.js';
import type { Quote } from './core/quote-types.js';
import { bundledPriceBook } from './tables/bundled.js';

export interface QuoteOptions {
  /** Price as of this instant. Default: now (from `now`). */
  readonly at?: Date | string | number;
  /** The clock, for when `at` is not given. Default: the system clock. */
  readonly now?: () => Date | number;
  /** Pin a pricing table version instead of choosing by date. */
  readonly version?: string;
  /** Which provider, when several price the same endpoint id. */
  readonly provider?: string;
  /** The edit source's exact length in seconds, e.g. "22.5". */
  readonly sourceSeconds?: string | Decimal;
  /** 'mp4' when you measured sourceSeconds from the file yourself (readMp4Seconds): recorded in the quote. */
  readonly sourceSecondsFrom?: 'given' | 'mp4';
  /** Demand the complete request, exactly as the provider validates it. */
  readonly strict?: boolean;
  /** The tables to price from. Default: the bundled tables. */
  readonly book?: PriceBook;
  /** Measures an inline `source_data` edit source, e.g. probeInlineMp4 from fal-budget/mp4. Default: none (quoted at the maximum, `upperBound`). */
  readonly probeSource?: SourceProbe;
}

function optionError(name: string, message: string): InvalidOptionError {
  return new InvalidOptionError(name, message);
}

/** Options come from callers' code: a wrong one is a typed error naming it, never a TypeError. */
function checked<Options extends QuoteOptions>(options: Options | null | undefined): Options {
  if (options === undefined || options === null) return {} as Options;
  if (typeof options !== 'object') throw optionError('options', `must be an object (got ${typeof options})`);
  if (options.book !== undefined && !isPriceBook(options.book)) throw optionError('book', 'must be a PriceBook (bundledPriceBook(), loadPriceBook(dir), new PriceBook(tables))');
  if (options.now !== undefined && typeof options.now !== 'function') throw optionError('now', 'must be a function returning a Date or epoch ms');
  if (options.probeSource !== undefined && typeof options.probeSource !== 'function') throw optionError('probeSource', 'must be a source probe function (probeInlineMp4 from fal-budget/mp4)');
  return options;
}

function instantOf(options: QuoteOptions): Date | string | number {
  if (options.at !== undefined) return options.at;
  return options.now ? options.now() : Date.now();
}

/**
 * What one request will cost, from the pricing table in effect (or pinned). An inline MP4 edit
 * source is measured; an unknown one is quoted at its maximum and marked `upperBound`.
 * Throws a FalBudgetError subclass when it cannot price exactly.
 */
export function quote(endpoint: string, input: unknown, quoteOptions?: QuoteOptions): Quote {
  const options = checked(quoteOptions);
  return quoteRequest(options.book ?? bundledPriceBook(), endpoint, input, {
    at: instantOf(options),
    version: options.version,
    provider: options.provider,
    sourceSeconds: options.sourceSeconds,
    sourceSecondsFrom: options.sourceSecondsFrom,
    strict: options.strict,
    probeSource: options.probeSource,
  });
}

/** Quotes many `{endpoint, input, id?, provider?, sourceSeconds?}` requests at one instant. */
export function quoteBatch(requests: Iterable<unknown>, batchOptions?: Omit<QuoteOptions, 'provider' | 'sourceSeconds' | 'sourceSecondsFrom'>): BatchResult {
  const options = checked(batchOptions);
  if (typeof (requests as Iterable<unknown> | null)?.[Symbol.iterator] !== 'function') {
    throw optionError('requests', 'must be an iterable of {endpoint, input} requests, e.g. an array');
  }
  return quoteBatchWith(options.book ?? bundledPriceBook(), requests, {
    at: instantOf(options),
    version: options.version,
    strict: options.strict,
    probeSource: options.probeSource,
  });
}
