import { Decimal, formatMoney, parseDecimal } from '../../core/money.js';
import { FalBudgetError } from '../../core/errors/index.js';

/**
 * The Redis ledger stores money as integer nano-USD (1e-9 USD) so that Redis (HINCRBY, 64-bit
 * integers) and its Lua scripts (IEEE doubles, exact for integers up to 2^53) never hold a
 * fraction of a dollar in a float.
 */
export const NANO_PER_USD = new Decimal('1000000000');

/**
 * The largest limit or amount the ledger accepts: 9e15 nano-USD = $9,000,000. Every value the
 * scripts compute (spent + reserved <= the largest limit, limit - spent - reserved) then stays
 * below 2^53 ≈ 9.007e15, where a Lua double is still an exact integer.
 */
export const MAX_NANO_USD = new Decimal('9000000000000000');
export const MAX_USD = '9000000.00';

/** Amounts with sub-nano digits round UP (away from zero): the ledger may over-count, never under-count. */
export const AMOUNT_ROUNDING = Decimal.ROUND_UP;

function outOfRange(field: string, value: string, reason: string): FalBudgetError {
  return new FalBudgetError('invalid_ledger_amount', `redis ledger: ${field} ${JSON.stringify(value)} ${reason}`);
}

function parseUsd(field: string, value: unknown): Decimal {
  const parsed = typeof value === 'string' ? parseDecimal(value) : undefined;
  if (!parsed) throw outOfRange(field, String(value), 'is not a USD decimal string such as "12.50"');
  return parsed;
}

function checkCeiling(field: string, value: string, nano: Decimal): string {
  if (nano.gt(MAX_NANO_USD)) throw outOfRange(field, value, `is above the Redis ledger's ceiling of $${MAX_USD} (9e15 nano-USD)`);
  return nano.toFixed(0);
}

/** A hold's amount as integer nano-USD, rounded up to the next nano-USD when it has more than 9 decimals. */
export function amountToNano(field: string, amount: unknown): string {
  const usd = parseUsd(field, amount);
  return checkCeiling(field, String(amount), usd.times(NANO_PER_USD).toDecimalPlaces(0, AMOUNT_ROUNDING));
}

/**
 * A limit as integer nano-USD. A limit with more than 9 decimals is refused rather than rounded:
 * it is configuration, and neither direction of rounding would be the limit that was declared.
 */
export function limitToNano(field: string, limit: unknown): string {
  const usd = parseUsd(field, limit);
  if (usd.decimalPlaces() > 9) throw outOfRange(field, String(limit), 'has more than 9 decimals (the Redis ledger counts whole nano-USD)');
  return checkCeiling(field, String(limit), usd.times(NANO_PER_USD));
}

/** Integer nano-USD (as Redis returns it) back to the money string every ledger reports. */
export function nanoToMoney(nano: string): string {
  return formatMoney(new Decimal(nano).div(NANO_PER_USD));
}
