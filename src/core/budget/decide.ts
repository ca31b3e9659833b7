/** One budget's position at the moment of a decision, in integer nano-USD (see nano-usd.ts). */
export interface BudgetUsage {
  readonly key: string;
  readonly limit: bigint;
  readonly spent: bigint;
  readonly reserved: bigint;
}

export type Decision =
  | { readonly fits: true }
  | {
      readonly fits: false;
      readonly key: string;
      readonly limit: bigint;
      readonly spent: bigint;
      readonly reserved: bigint;
      /** What was left before this call (never negative). */
      readonly remaining: bigint;
    };

/**
 * The one budget rule every ledger applies (memory, file and Redis alike): a hold of `amount`
 * fits when, in every budget that applies, spent + reserved + amount <= limit. Equal fits.
 * The first budget (in the caller's order) that it would break refuses it.
 */
export function decide(amount: bigint, usages: readonly BudgetUsage[]): Decision {
  for (const usage of usages) {
    const remaining = usage.limit - usage.spent - usage.reserved;
    if (amount > remaining) {
      return { fits: false, key: usage.key, limit: usage.limit, spent: usage.spent, reserved: usage.reserved, remaining: remaining > 0n ? remaining : 0n };
    }
  }
  return FITS;
}

/** Every fitting decision is the same: one frozen answer, not an object per reserve. */
const FITS: Decision = Object.freeze({ fits: true });
