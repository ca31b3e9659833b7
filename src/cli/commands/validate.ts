import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PricingTableError, type PricingTableProblem } from '../../core/errors/index.js';
import { PriceBook } from '../../core/pricing/price-book.js';
import type { PricingTable } from '../../core/pricing/pricing-table.js';
import { loadPricingTables } from '../../tables/load-directory.js';
import { CliError } from '../cli-error.js';
import { fileErrorReason } from '../read-input.js';
import type { ValidateReport } from '../report.js';

/** A directory's lock.json pins each published table by hash: a changed published file is a problem. */
function lockProblems(dir: string, tables: readonly PricingTable[]): PricingTableProblem[] {
  const lockPath = join(dir, 'lock.json');
  if (!existsSync(lockPath)) return [];
  let lock: Record<string, unknown>;
  try {
    lock = JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return [{ file: lockPath, path: [], message: `not valid JSON: ${(error as Error).message}` }];
  }
  const problems: PricingTableProblem[] = [];
  for (const table of tables) {
    const key = relative(dir, table.file).split(sep).join('/');
    const pinned = lock[key];
    if (typeof pinned === 'string' && pinned !== table.sha256) {
      problems.push({
        file: table.file, path: [],
        message: `changed since it was published (lock.json pins sha256 ${pinned}, the file hashes to ${table.sha256}): restore it and publish a new version instead`,
      });
    }
  }
  return problems;
}

/** `fal-budget validate <file|dir>`: every problem in every table, each with its file and JSON path. */
export function validateCommand(flags: { readonly path: string }): ValidateReport {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(flags.path).isDirectory();
  } catch (error) {
    throw new CliError('unreadable_input', `validate ${flags.path}: cannot read (${fileErrorReason(error)})`, { cause: error });
  }
  let tables: PricingTable[] = [];
  const problems: PricingTableProblem[] = [];
  try {
    tables = loadPricingTables(flags.path);
    // Tables that are each valid may still contradict each other (same version, overlapping dates).
    new PriceBook(tables);
  } catch (error) {
    if (!(error instanceof PricingTableError)) throw error;
    problems.push(...error.problems);
  }
  if (tables.length > 0 && isDirectory) problems.push(...lockProblems(flags.path, tables));
  if (tables.length === 0 && problems.length === 0) problems.push({ file: flags.path, path: [], message: 'no pricing tables found (*.json)' });
  return {
    kind: 'validate',
    path: flags.path,
    valid: problems.length === 0,
    tables: tables.map((table) => ({ provider: table.provider, version: table.version, sha256: table.sha256, file: table.file })),
    problems,
  };
}
