import { Decimal, ZERO } from '../money.js';

/** One budget's position at the moment of a decision. */
export interface BudgetUsage {
  readonly key: string;
  readonly limit: Decimal;
  readonly spent: Decimal;
  readonly reserved: Decimal;
}

export type Decision =
  | { readonly fits: true }
  | {
      readonly fits: false;
      readonly key: string;
      readonly limit: Decimal;
      readonly spent: Decimal;
      readonly reserved: Decimal;
      /** What was left before this call (never negative). */
      readonly remaining: Decimal;
    };

/**
 * The one budget rule every ledger applies (memory, file and Redis alike): a hold of `amount`
 * fits when, in every budget that applies, spent + reserved + amount <= limit. Equal fits.
 * The first budget (in the caller's order) that it would break refuses it.
 */
export function decide(amount: Decimal, usages: readonly BudgetUsage[]): Decision {
  for (const usage of usages) {
    const remaining = usage.limit.minus(usage.spent).minus(usage.reserved);
    if (amount.gt(remaining)) {
      return { fits: false, key: usage.key, limit: usage.limit, spent: usage.spent, reserved: usage.reserved, remaining: Decimal.max(remaining, ZERO) };
    }
  }
  return { fits: true };
}
