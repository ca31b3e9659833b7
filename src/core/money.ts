import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The one Decimal used for money and lengths. A private clone, so that our precision never
 * depends on (or changes) the global decimal.js settings of the host application.
 * 60 significant digits: far more than any price, sum or duration we handle, so additions
 * and multiplications by whole quantities are exact.
 */
export const Decimal = DecimalJs.clone({ precision: 60, rounding: DecimalJs.ROUND_HALF_EVEN });
export type Decimal = DecimalJs;

/** Unsigned decimal without exponent: "0.72", "12", "25.0000000000000001". */
const DECIMAL_PATTERN = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export function isDecimalString(text: string): boolean {
  return DECIMAL_PATTERN.test(text);
}

/** Parses an unsigned decimal string exactly; returns undefined for anything else. */
export function parseDecimal(text: string): Decimal | undefined {
  return DECIMAL_PATTERN.test(text) ? new Decimal(text) : undefined;
}

export const ZERO = new Decimal(0);

/**
 * Money leaves the library as a decimal string with at least two decimals and every further
 * digit it really has: "2.16", "1.80", "0.000000001". No rounding happens here: our amounts are
 * exact sums and products of published prices.
 */
export function formatMoney(amount: Decimal): string {
  return amount.toFixed(Math.max(2, amount.decimalPlaces()));
}

/** Lengths and quantities leave as plain decimal strings: "22.5", "6". */
export function formatDecimal(value: Decimal): string {
  return value.toFixed();
}
