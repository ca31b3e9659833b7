import type { BudgetCheck } from '../budget-check.js';
import type { Quote, QuoteLine } from '../../core/quote-types.js';

/**
 * A decimal string with its whole part grouped by thousands ("1234567.50" -> "1,234,567.50"),
 * as counts are: text in, text out, never through a Number, so it stays exact. Human formats only;
 * JSON and CSV keep the plain decimal string.
 */
export function groupThousands(amount: string): string {
  const match = /^([+-]?)(\d+)(\.\d+)?$/.exec(amount);
  if (!match || match[2]!.length <= 3) return amount;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+$)/g, ',')}${match[3] ?? ''}`;
}

/** Shared wording, so table and markdown say the same thing. */
export const dollars = (amount: string): string => `$${groupThousands(amount)}`;

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/**
 * The --max line. `invalid` lines are left out of a batch's total, so a total within --max says
 * nothing about what the whole plan costs (an invalid line may stand for a million jobs): the
 * line says so rather than reading "within".
 */
export function budgetText(budget: BudgetCheck, invalid = 0): string {
  if (!budget.within) return `OVER --max ${dollars(budget.max)} by ${dollars(budget.over!)}`;
  const within = `within --max ${dollars(budget.max)} (${dollars(budget.remaining!)} to spare)`;
  return invalid === 0 ? within : `unknown: the priced lines are ${within}, but ${plural(invalid, 'invalid line')} ${invalid === 1 ? 'is' : 'are'} left out of the total`;
}

/** A budget line is good news only when it is within and nothing was left out. */
export const budgetMet = (budget: BudgetCheck, invalid = 0): boolean => budget.within && invalid === 0;

export function pricingText(pricing: Quote['pricing']): string {
  const when = pricing.pricedAt === undefined ? 'pinned version' : `priced at ${pricing.pricedAt}`;
  return `${pricing.provider} ${pricing.version} (effective ${pricing.effectiveFrom}; ${when})`;
}

export function totalLabel(upperBound: boolean, currency: string): string {
  return upperBound ? `Total, upper bound (${currency})` : `Total (${currency})`;
}

/** Batch tables list at most this many invalid lines; JSON lists every one. */
export const ERRORS_SHOWN = 50;

/** A batch line's quantity: its job's ("5 blocks"), times its count when that is more than 1 ("3 × 5 blocks"). */
export function itemQuantityText(count: number, line: Pick<QuoteLine, 'quantity' | 'unit'>): string {
  return count === 1 ? quantityText(line) : `${count.toLocaleString('en-US')} × ${quantityText(line)}`;
}

/** "1 clip", "6 blocks": the quantity is a decimal string and stays one. */
export function quantityText(line: Pick<QuoteLine, 'quantity' | 'unit'>): string {
  return `${line.quantity} ${line.unit}${line.quantity === '1' ? '' : 's'}`;
}
