import { formatMoney } from '../money.js';
import type { Price } from '../pricing/price.js';

// A count of blocks or seconds is a small whole number (at most the card's maximum source):
// keep each price's multiples once formatted instead of multiplying and formatting on every quote.
const multiples = new WeakMap<Price, string[]>();

/** `unitPrice` x `count`, exactly, as the decimal string a quote carries. */
export function priceTimes(unitPrice: Price, count: number): string {
  let amounts = multiples.get(unitPrice);
  if (!amounts) {
    amounts = [];
    multiples.set(unitPrice, amounts);
  }
  return (amounts[count] ??= formatMoney(unitPrice.amount.times(count)));
}
