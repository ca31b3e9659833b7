import { PriceBook } from '../core/pricing/price-book.js';
import { BUNDLED_TABLE_FILES } from './bundled.generated.js';
import { readPricingTable } from './read-table.js';

let book: PriceBook | undefined;

/**
 * The tables shipped in pricing/, compiled into the package so the library needs no filesystem
 * (edge runtimes, browsers). Built once, on first use.
 */
export function bundledPriceBook(): PriceBook {
  book ??= new PriceBook(BUNDLED_TABLE_FILES.map(({ file, text }) => readPricingTable(text, file)));
  return book;
}
