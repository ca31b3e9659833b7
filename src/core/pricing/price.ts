import { Decimal, formatMoney } from '../money.js';

/** A price kept both exact (for sums) and as the string it leaves as (for speed and display). */
export interface Price {
  readonly amount: Decimal;
  readonly text: string;
}

/** A price from a table's decimal string (the schema has checked its form). */
export function price(text: string): Price {
  const amount = new Decimal(text);
  return { amount, text: formatMoney(amount) };
}
