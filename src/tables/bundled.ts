import { PriceBook } from '../core/pricing/price-book.js';
import { compilePricingTable } from '../core/pricing/pricing-table.js';
import { BUNDLED_TABLE_FILES } from './bundled.generated.js';

let book: PriceBook | undefined;

/**
 * The tables shipped in pricing/, compiled into the package so the library needs no filesystem
 * (edge runtimes, browsers). Built once, on first use. Their hashes were taken by
 * scripts/generate-pricing.ts (a test checks them against the files), so a cold start hashes
 * nothing and the root bundle carries no hash function for them.
 */
export function bundledPriceBook(): PriceBook {
  book ??= new PriceBook(BUNDLED_TABLE_FILES.map(({ file, text, sha256 }) => compilePricingTable(JSON.parse(text), file, sha256)));
  return book;
}
