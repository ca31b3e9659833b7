import { parseInstant } from '../core/instant.js';
import type { PriceBook } from '../core/pricing/price-book.js';
import { loadPriceBook } from '../tables/load-directory.js';
import { CliError } from './cli-error.js';

/** The flags every pricing command shares: which tables, and which of them apply. */
export interface PricingFlags {
  readonly at?: string;
  readonly pricingVersion?: string;
  readonly pricing?: string;
}

export interface PricingContext {
  readonly book: PriceBook;
  /** The instant to price at: --at, or now. */
  readonly at: Date;
  /** True when --at was given (so output can say "as of"). */
  readonly atGiven: boolean;
  readonly version: string | undefined;
}

/** "2026-11-24" is midnight UTC, like the tables' own dates; a date-time needs its offset. */
function parseAt(text: string): Date {
  const ms = parseInstant(text);
  if (ms === undefined) {
    throw new CliError('usage', `--at: expected a real date like 2026-11-24 or a date-time with offset like 2026-11-24T12:00:00Z (got "${text}")`);
  }
  return new Date(ms);
}

/** Loads the bundled tables (plus --pricing) and reads --at / --pricing-version. */
export function pricingContext(flags: PricingFlags, now: () => Date): PricingContext {
  const at = flags.at === undefined ? now() : parseAt(flags.at);
  const book = loadPriceBook(flags.pricing);
  return { book, at, atGiven: flags.at !== undefined, version: flags.pricingVersion };
}
