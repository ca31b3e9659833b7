import * as z from 'zod/mini';

/**
 * A price is a decimal string greater than zero. JSON numbers are refused: a float has already
 * lost the exact value by the time we would see it. A combination that is not offered is left
 * out, never priced at zero.
 */
const UNSIGNED_DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const NOT_ZERO = /[1-9]/;

export const priceSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'a price is required' : 'a price must be a decimal string like "2.16", not a JSON number or other value') })
  .check(
    z.regex(UNSIGNED_DECIMAL, 'a price must be an unsigned decimal string like "2.16" (no sign, exponent or spaces)'),
    z.regex(NOT_ZERO, 'a price must be greater than zero; leave out a combination that is not offered'),
  );

export const secondsSchema = z
  .string({ error: 'seconds must be a decimal string like "5"' })
  .check(z.regex(UNSIGNED_DECIMAL, 'seconds must be an unsigned decimal string like "5"'), z.regex(NOT_ZERO, 'seconds must be greater than zero'));

const nonEmpty = (value: object) => Object.keys(value).length > 0;

/**
 * Rates keyed by one price dimension (tier, resolution, duration). The keys are checked against
 * the endpoint's request model when the card compiles: each endpoint has its own dimensions.
 */
export function ratesBy<T extends z.ZodMiniType>(values: T, what: string) {
  return z.record(z.string(), values).check(z.refine(nonEmpty, `no ${what} priced`));
}
