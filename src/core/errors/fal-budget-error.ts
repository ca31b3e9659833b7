/** The base of every error fal-budget throws on purpose; anything else is a bug. */
export class FalBudgetError extends Error {
  override name = 'FalBudgetError';
  /** A stable, machine-readable code, e.g. for the CLI's JSON errors. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isFalBudgetError(value: unknown): value is FalBudgetError {
  return value instanceof FalBudgetError;
}
