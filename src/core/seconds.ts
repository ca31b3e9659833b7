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

const POWERS = Array.from({ length: 24 }, (_, power) => 10n ** BigInt(power));
const pow10 = (power: number) => POWERS[power] ?? 10n ** BigInt(power);
const DOT = 46;
const ZERO_DIGIT = 48;
const NINE_DIGIT = 57;

/**
 * Parses an unsigned decimal string ("22.5", "25.0000000000000001"); undefined for anything else:
 * the grammar /^(0|[1-9][0-9]*)(\.[0-9]+)?$/. A scan rather than that regex with captures and a
 * replace, since every quote of a source length runs it (145 ns a call before, a third of an edit
 * quote); test/core/seconds.test.ts holds it to the regex.
 */
export function parseSeconds(text: string): Seconds | undefined {
  const length = text.length;
  let point = -1;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === DOT && point === -1) point = index;
    else if (code < ZERO_DIGIT || code > NINE_DIGIT) return undefined;
  }
  const wholeEnd = point === -1 ? length : point;
  if (wholeEnd === 0 || (wholeEnd > 1 && text.charCodeAt(0) === ZERO_DIGIT) || point === length - 1) return undefined;
  // Trailing fractional zeros say nothing: "22.50" is 2250 / 10^2 written longer, i.e. 225 / 10^1.
  let end = length;
  if (point !== -1) while (end > point + 1 && text.charCodeAt(end - 1) === ZERO_DIGIT) end -= 1;
  const canonical = point !== -1 && end > point + 1 ? (end === length ? text : text.slice(0, end)) : text.slice(0, wholeEnd);
  const scale = point === -1 || end === point + 1 ? 0 : end - point - 1;
  const digits = scale === 0 ? canonical : canonical.slice(0, wholeEnd) + canonical.slice(wholeEnd + 1);
  // Up to 15 digits a double holds the whole number exactly, and BigInt(number) is the cheaper parse.
  return { units: digits.length <= 15 ? BigInt(Number(digits)) : BigInt(digits), scale, text: canonical };
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
// 10^0 .. 10^15, each exact as a double; 10^16 is past 2^53, so any length scaled by it takes the BigInt path.
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, power) => 10 ** power);

/**
 * `units * 10^power` as a number when that is exact (at most 2^53 - 1), else undefined. Lengths
 * are short decimals ("22.5", "30"), so doubles compare and divide them exactly almost always,
 * without the BigInt arithmetic (and allocations) a quote of a source length would pay for each.
 */
function scaledExactly(units: bigint, power: number): number | undefined {
  if (units > MAX_EXACT || power >= POWERS_OF_TEN.length) return undefined;
  // A product of exact integers rounds to the nearest double: at most MAX_EXACT means it is exact.
  const scaled = Number(units) * POWERS_OF_TEN[power]!;
  return scaled <= Number.MAX_SAFE_INTEGER ? scaled : undefined;
}

/** a compared with b: negative, zero or positive. */
export function compareSeconds(a: Seconds, b: Seconds): number {
  const leftExactly = scaledExactly(a.units, b.scale);
  const rightExactly = scaledExactly(b.units, a.scale);
  if (leftExactly !== undefined && rightExactly !== undefined) return leftExactly < rightExactly ? -1 : leftExactly > rightExactly ? 1 : 0;
  const left = a.units * pow10(b.scale);
  const right = b.units * pow10(a.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** ceil(a / b) for b > 0, exactly: how many blocks of b a length of a starts (a count, so a number). */
export function ceilDivSeconds(a: Seconds, b: Seconds): number {
  const numeratorExactly = scaledExactly(a.units, b.scale);
  const denominatorExactly = scaledExactly(b.units, a.scale);
  if (numeratorExactly !== undefined && denominatorExactly !== undefined) {
    // % of exact integers is exact, and so is dividing out an exact multiple.
    const remainder = numeratorExactly % denominatorExactly;
    const whole = (numeratorExactly - remainder) / denominatorExactly;
    return remainder === 0 ? whole : whole + 1;
  }
  const numerator = a.units * pow10(b.scale);
  const denominator = b.units * pow10(a.scale);
  return Number((numerator + denominator - 1n) / denominator);
}
