import { parseInstant } from '../core/instant.js';
import type { PriceBook } from '../core/pricing/price-book.js';
import { loadPriceBook } from '../tables/load-directory.js';
import { CliError } from './cli-error.js';
import { didYouMean } from './nearest-name.js';

/** The flags every pricing command shares: which tables, and which of them apply. */
export interface PricingFlags {
  readonly at?: string;
  readonly pricingVersion?: string;
  readonly pricing?: string;
  /** The provider asked for, if the command takes one (--provider, or the config file's). */
  readonly provider?: string;
  /** Where `provider` came from, for the error when it is unknown: "--provider" unless a config file said it. */
  readonly providerFrom?: string;
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

/**
 * A provider no table names is a mistyped name, not an endpoint that provider lacks: it is
 * said so, with the nearest known provider, before any endpoint is looked up.
 */
function checkedProvider(book: PriceBook, provider: string | undefined, from = '--provider'): string | undefined {
  if (provider === undefined) return undefined;
  const known = book.providers().sort();
  if (known.includes(provider)) return provider;
  throw new CliError('usage', `${from}: unknown provider "${provider}"${didYouMean(provider, known)} (known providers: ${known.join(', ')})`);
}

/** A --pricing-version no table has, with the nearest one; a version some provider has is left to the lookup. */
function checkVersion(book: PriceBook, version: string | undefined): void {
  if (version === undefined) return;
  const known = [...new Set(book.tables.map((table) => table.version))].sort();
  if (known.includes(version)) return;
  throw new CliError('usage', `--pricing-version: unknown table version "${version}"${didYouMean(version, known)} (known versions: ${known.join(', ')})`);
}

/** Loads the bundled tables (plus --pricing) and reads --at / --pricing-version / --provider. */
export function pricingContext(flags: PricingFlags, now: () => Date): PricingContext {
  const at = flags.at === undefined ? now() : parseAt(flags.at);
  const book = loadPriceBook(flags.pricing);
  checkedProvider(book, flags.provider, flags.providerFrom);
  checkVersion(book, flags.pricingVersion);
  return { book, at, atGiven: flags.at !== undefined, version: flags.pricingVersion };
}
