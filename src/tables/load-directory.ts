import { statSync } from 'node:fs';
import { join } from 'node:path';
import { PricingTableError, type PricingTableProblem } from '../core/errors/index.js';
import { PriceBook } from '../core/pricing/price-book.js';
import type { PricingTable } from '../core/pricing/pricing-table.js';
import { bundledPriceBook } from './bundled.js';
import { listTableFiles } from './list-table-files.js';
import { readPricingTable } from './read-table.js';
import { readRegularFile } from './read-regular-file.js';

/**
 * The largest table file read: 4 MiB. A table is one provider's prices (the published ones are
 * about 3 KB), so a file a thousand times that is a mistake or an attack (/dev/zero, a log), and
 * refusing it keeps a `--pricing` path from hanging the CLI or filling its memory.
 */
export const MAX_TABLE_BYTES = 4 * 1024 * 1024;

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
      const read = readRegularFile(file, MAX_TABLE_BYTES);
      if (!read.ok) {
        problems.push({ file, path: [], message: `cannot read: ${read.reason}` });
        continue;
      }
      tables.push(readPricingTable(read.text, file));
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
