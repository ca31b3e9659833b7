import { PricingTableError } from '../core/errors/index.js';
import { compilePricingTable, type PricingTable } from '../core/pricing/pricing-table.js';
import { sha256Hex } from './sha256.js';

/**
 * Reads one pricing table from the exact text of its file. The hash is of that text, so it
 * matches `sha256sum` of the published file and pins the table byte for byte.
 */
export function readPricingTable(text: string, file: string): PricingTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PricingTableError([{ file, path: [], message: `not valid JSON: ${(error as Error).message}` }], { cause: error });
  }
  return compilePricingTable(json, file, sha256Hex(text));
}
