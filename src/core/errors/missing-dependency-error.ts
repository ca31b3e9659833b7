import { FalBudgetError, hasFalBudgetErrorCode } from './fal-budget-error.js';

/**
 * An optional peer dependency that a feature needs is not installed (ioredis for redisLedger({ url }),
 * fast-check for fal-budget/testing): names the package and the command that installs it.
 */
export class MissingDependencyError extends FalBudgetError {
  override name = 'MissingDependencyError';
  /** The npm package to install, e.g. `ioredis`. */
  readonly dependency: string;

  constructor(dependency: string, neededBy: string, options?: { cause?: unknown }) {
    super('missing_dependency', `${neededBy} needs the package ${dependency}, which is not installed: npm install ${dependency}`, options);
    this.dependency = dependency;
  }
}

/** Whether `value` is a MissingDependencyError, from this or another copy of fal-budget. */
export function isMissingDependencyError(value: unknown): value is MissingDependencyError {
  return hasFalBudgetErrorCode(value, 'missing_dependency');
}

/** The error codes a failed import() carries when the package itself, not one of its files, is absent. */
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Imports an optional peer dependency; when it is not installed, a MissingDependencyError naming
 * it instead of the runtime's resolution error. Any other failure (a broken install) passes through.
 */
export async function importOptional<Module>(dependency: string, neededBy: string, load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    if (typeof code === 'string' && NOT_FOUND.has(code) && message.includes(`'${dependency}'`)) {
      throw new MissingDependencyError(dependency, neededBy, { cause: error });
    }
    throw error;
  }
}
