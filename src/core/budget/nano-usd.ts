import { InvalidLedgerRequestError } from '../errors/invalid-ledger-request-error.js';
import { Decimal, formatMoney, parseDecimal } from '../money.js';

/**
 * Every ledger (memory, file, Redis) counts money as integer nano-USD (1e-9 USD), under one rule:
 * an amount with more than 9 decimals rounds UP to the next nano-USD (a ledger may over-count,
 * never under-count); a limit with more than 9 decimals is refused (it is configuration, and
 * neither rounding would be the limit declared); nothing above $9,000,000 is accepted. 9e15
 * nano-USD keeps every sum the Redis scripts compute below 2^53, where a Lua double is exact.
 */
const NANO_PER_USD = 1_000_000_000n;
const MAX_NANO_USD = 9_000_000_000_000_000n;
export const MAX_USD = '9000000.00';

const NANO_DECIMAL = new Decimal('1000000000');

function outOfRange(field: string, value: unknown, reason: string): InvalidLedgerRequestError {
  return new InvalidLedgerRequestError('invalid_ledger_amount', `ledger: ${field} ${typeof value === 'string' ? JSON.stringify(value) : String(value)} ${reason}`);
}

function parseUsd(field: string, value: unknown): Decimal {
  const parsed = typeof value === 'string' ? parseDecimal(value) : undefined;
  if (!parsed) throw outOfRange(field, value, 'is not an unsigned USD decimal string such as "12.50"');
  return parsed;
}

function ceiling(field: string, value: unknown, nano: bigint): bigint {
  if (nano > MAX_NANO_USD) throw outOfRange(field, value, `is above the ledgers' ceiling of $${MAX_USD} (9e15 nano-USD)`);
  return nano;
}

/** A hold's amount in nano-USD, rounded up when it has more than 9 decimals. */
export function amountToNano(field: string, amount: unknown): bigint {
  const usd = parseUsd(field, amount);
  // Round the exact parsed value first: a product rounds to 60 significant digits, which could
  // drop a last digit that should have rounded the amount up.
  return ceiling(field, amount, BigInt(usd.toDecimalPlaces(9, Decimal.ROUND_UP).times(NANO_DECIMAL).toFixed(0)));
}

/** A limit in nano-USD; more than 9 decimals is an error, never a rounding. */
export function limitToNano(field: string, limit: unknown): bigint {
  const usd = parseUsd(field, limit);
  if (usd.decimalPlaces() > 9) throw outOfRange(field, limit, 'has more than 9 decimals (ledgers count whole nano-USD)');
  return ceiling(field, limit, BigInt(usd.times(NANO_DECIMAL).toFixed(0)));
}

/**
 * Integer nano-USD back to the money string every ledger reports ("2.16", "0.000000001"): what
 * formatMoney(nano / 1e9) prints. A BigInt is split into whole and fractional digits directly
 * (every settlement formats its amount: a Decimal division cost ~2.5 µs of it); a string (from
 * Redis) takes the Decimal path.
 */
export function nanoToMoney(nano: bigint | string): string {
  if (typeof nano !== 'bigint') return formatMoney(new Decimal(nano).div(NANO_DECIMAL));
  const negative = nano < 0n;
  const magnitude = negative ? -nano : nano;
  const fraction = (magnitude % NANO_PER_USD).toString().padStart(9, '0');
  // At least two decimals, and every further digit that is not a trailing zero.
  let end = 9;
  while (end > 2 && fraction.charCodeAt(end - 1) === 48) end -= 1;
  return `${negative ? '-' : ''}${magnitude / NANO_PER_USD}.${fraction.slice(0, end)}`;
}
