import { Decimal, formatMoney, parseDecimal } from '../core/money.js';
import { CliError } from './cli-error.js';

/** The outcome of --max: equal is within; money stays decimal strings. */
export interface BudgetCheck {
  readonly max: string;
  readonly within: boolean;
  /** max - total when within, else undefined. */
  readonly remaining: string | undefined;
  /** total - max when over, else undefined. */
  readonly over: string | undefined;
}

export function parseMax(text: string | undefined): Decimal | undefined {
  if (text === undefined) return undefined;
  const max = parseDecimal(text.trim());
  if (!max) throw new CliError('usage', `--max: expected an amount in USD like 25 or 12.50 (got "${text}")`);
  return max;
}

export function checkBudget(total: Decimal, max: Decimal | undefined): BudgetCheck | undefined {
  if (max === undefined) return undefined;
  const within = total.lte(max);
  return {
    max: formatMoney(max),
    within,
    remaining: within ? formatMoney(max.minus(total)) : undefined,
    over: within ? undefined : formatMoney(total.minus(max)),
  };
}
