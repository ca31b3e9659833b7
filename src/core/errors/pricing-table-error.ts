import { FalBudgetError } from './fal-budget-error.js';
import type { IssuePath } from './invalid-request-error.js';

export interface PricingTableProblem {
  /** The file (or source name) the problem is in. */
  readonly file: string;
  /** JSON path inside that file; empty for the file as a whole. */
  readonly path: IssuePath;
  readonly message: string;
}

function formatTableProblem(problem: PricingTableProblem): string {
  const where = problem.path.length === 0 ? problem.file : `${problem.file} at ${formatJsonPath(problem.path)}`;
  return `${where}: ${problem.message}`;
}

/** JSON-pointer-like path that survives keys with dots and slashes: $.endpoints["a/b"].rates. */
export function formatJsonPath(path: IssuePath): string {
  let text = '$';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) text += `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/** A pricing table that is malformed, or that contradicts another table. */
export class PricingTableError extends FalBudgetError {
  override name = 'PricingTableError';
  readonly problems: readonly PricingTableProblem[];

  constructor(problems: readonly PricingTableProblem[], options?: { cause?: unknown }) {
    super('pricing_table', problems.map(formatTableProblem).join('\n'), options);
    this.problems = problems;
  }
}

