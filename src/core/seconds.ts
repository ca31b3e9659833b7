/**
 * A length in seconds, exactly: `units / 10^scale`, both whole numbers ("22.50" is 2250 / 10^2).
 * Lengths only ever need comparing and dividing into blocks, which scaled BigInts do exactly and
 * several times faster than decimal.js; money stays in Decimal.
 */
export interface Seconds {
  readonly units: bigint;
  readonly scale: number;
  /** Canonical text: no trailing fractional zeros ("22.5", "30"). */
  readonly text: string;
}

const UNSIGNED_DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const POWERS = Array.from({ length: 24 }, (_, power) => 10n ** BigInt(power));
const pow10 = (power: number) => POWERS[power] ?? 10n ** BigInt(power);

/** Parses an unsigned decimal string ("22.5", "25.0000000000000001"); undefined for anything else. */
export function parseSeconds(text: string): Seconds | undefined {
  const match = UNSIGNED_DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return { units: BigInt(whole + fraction), scale: fraction.length, text: fraction ? `${whole}.${fraction}` : whole };
}

/** a compared with b: negative, zero or positive. */
export function compareSeconds(a: Seconds, b: Seconds): number {
  const left = a.units * pow10(b.scale);
  const right = b.units * pow10(a.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** ceil(a / b) for b > 0, exactly: how many blocks of b a length of a starts. */
export function ceilDivSeconds(a: Seconds, b: Seconds): bigint {
  const numerator = a.units * pow10(b.scale);
  const denominator = b.units * pow10(a.scale);
  return (numerator + denominator - 1n) / denominator;
}
