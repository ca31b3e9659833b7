import { PriceBook } from '../core/pricing/price-book.js';
import { compileTableData } from '../core/pricing/pricing-table.js';
import type { PricingTableData } from '../core/pricing/schema.js';
import { BUNDLED_TABLE_FILES } from './bundled.generated.js';

let book: PriceBook | undefined;

/**
 * The tables shipped in pricing/, compiled into the package so the library needs no filesystem
 * (edge runtimes, browsers). Built once, on first use. scripts/generate-pricing.ts validated
 * them with pricingTableSchema and took their hashes (test/core/pricing-tables.test.ts checks
 * both against the files), so a cold start neither validates nor hashes them again; it compiled
 * every card too, so each is compiled here when first used (a quote uses one).
 */
export function bundledPriceBook(): PriceBook {
  book ??= new PriceBook(BUNDLED_TABLE_FILES.map(({ file, text, sha256 }) => compileTableData(JSON.parse(text) as PricingTableData, file, sha256, { cardsOnFirstUse: true })));
  return book;
}
