import type { FalBudgetErrorCode } from './fal-budget-error-code.js';

/**
 * Marks a FalBudgetError across copies of the package (two versions in one node_modules, or a
 * bundle beside the package): `instanceof` sees only its own copy's class, the brand all of them.
 */
const ERROR_BRAND = Symbol.for('fal-budget.error');

/** The base of every error fal-budget throws on purpose; anything else is a bug. */
export class FalBudgetError extends Error {
  override name = 'FalBudgetError';
  /** A stable, machine-readable code, e.g. for the CLI's JSON errors. */
  readonly code: FalBudgetErrorCode;

  constructor(code: FalBudgetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

// On the prototype, so every subclass carries it without an own (enumerable, serialised) property.
Object.defineProperty(FalBudgetError.prototype, ERROR_BRAND, { value: true });

/** Whether `value` is a FalBudgetError from this or any other copy of fal-budget. */
export function isFalBudgetError(value: unknown): value is FalBudgetError {
  return value instanceof FalBudgetError
    || (typeof value === 'object' && value !== null && (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND] === true);
}

/**
 * Whether `value` is a FalBudgetError with this code, from any copy: a code names a kind of error
 * more surely than a class name, which subclasses (RedisEvictionPolicyError) change.
 */
export function hasFalBudgetErrorCode(value: unknown, code: FalBudgetErrorCode): boolean {
  return isFalBudgetError(value) && value.code === code;
}
