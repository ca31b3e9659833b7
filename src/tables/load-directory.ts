import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PricingTableError, type PricingTableProblem } from '../core/errors/index.js';
import { PriceBook } from '../core/pricing/price-book.js';
import type { PricingTable } from '../core/pricing/pricing-table.js';
import { bundledPriceBook } from './bundled.js';
import { listTableFiles } from './list-table-files.js';
import { readPricingTable } from './read-table.js';

/**
 * Reads and validates every table in a directory (or one file). All problems in all files are
 * reported together, each with its file and JSON path.
 */
export function loadPricingTables(path: string): PricingTable[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new PricingTableError([{ file: path, path: [], message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }], { cause: error });
  }
  const files = isDirectory ? listTableFiles(path).map((file) => join(path, file)) : [path];
  const tables: PricingTable[] = [];
  const problems: PricingTableProblem[] = [];
  for (const file of files) {
    try {
      tables.push(readPricingTable(readFileSync(file, 'utf8'), file));
    } catch (error) {
      if (error instanceof PricingTableError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw new PricingTableError(problems);
  return tables;
}

/** The bundled tables with a directory of your own merged over them (negotiated rates, newer versions). */
export function loadPriceBook(dir?: string): PriceBook {
  const bundled = bundledPriceBook();
  return dir === undefined ? bundled : bundled.with(loadPricingTables(dir));
}
