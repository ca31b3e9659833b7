/**
 * A length in seconds, exactly: `units / 10^scale`, both whole numbers ("22.50" is 2250 / 10^2).
 * Lengths only ever need comparing and dividing into blocks, which scaled whole numbers do exactly
 * and several times faster than decimal.js; money stays in Decimal.
 */
export interface Seconds {
  /**
   * A double when the length has at most 15 digits (then exact, as nearly every length is), a
   * BigInt past that: BigInt arithmetic cost an edit quote more than the rest of its length's handling.
   */
  readonly units: number | bigint;
  readonly scale: number;
  /** Canonical text: no trailing fractional zeros ("22.5", "30"). */
  readonly text: string;
}

const POWERS = Array.from({ length: 24 }, (_, power) => 10n ** BigInt(power));
const pow10 = (power: number) => POWERS[power] ?? 10n ** BigInt(power);
// 10^0 .. 10^15, each exact as a double; 10^16 is past 2^53, so a length scaled by it takes the BigInt path.
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, power) => 10 ** power);
/** Digits a double always holds exactly: 10^15 - 1 < 2^53. */
const EXACT_DIGITS = 15;
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
  const scale = point === -1 || end === point + 1 ? 0 : end - point - 1;
  const canonical = scale > 0 ? (end === length ? text : text.slice(0, end)) : text.slice(0, wholeEnd);
  const digitsEnd = scale > 0 ? end : wholeEnd;
  if (wholeEnd + scale > EXACT_DIGITS) {
    return { units: BigInt(scale === 0 ? canonical : canonical.slice(0, wholeEnd) + canonical.slice(wholeEnd + 1)), scale, text: canonical };
  }
  // Read the digits as they are scanned, skipping the point: no string is cut or converted.
  let units = 0;
  for (let index = 0; index < digitsEnd; index += 1) if (index !== point) units = units * 10 + (text.charCodeAt(index) - ZERO_DIGIT);
  return { units, scale, text: canonical };
}

/**
 * `units * 10^power` as a double when that is exact (at most 2^53 - 1), else undefined (the
 * caller then works in BigInt).
 */
function scaledExactly(units: number | bigint, power: number): number | undefined {
  if (typeof units !== 'number' || power >= POWERS_OF_TEN.length) return undefined;
  // A product of exact whole numbers rounds to the nearest double: at most 2^53 - 1 means it is exact.
  const scaled = units * POWERS_OF_TEN[power]!;
  return scaled <= Number.MAX_SAFE_INTEGER ? scaled : undefined;
}

const scaledBig = (units: number | bigint, power: number): bigint => BigInt(units) * pow10(power);

/** Whether a length is zero seconds. */
export function isZeroSeconds(seconds: Seconds): boolean {
  return seconds.units === 0 || seconds.units === 0n;
}

/** a compared with b: negative, zero or positive. */
export function compareSeconds(a: Seconds, b: Seconds): number {
  const leftExactly = scaledExactly(a.units, b.scale);
  const rightExactly = scaledExactly(b.units, a.scale);
  if (leftExactly !== undefined && rightExactly !== undefined) return leftExactly < rightExactly ? -1 : leftExactly > rightExactly ? 1 : 0;
  const left = scaledBig(a.units, b.scale);
  const right = scaledBig(b.units, a.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** ceil(a / b) for b > 0, exactly: how many blocks of b a length of a starts (a count, so a number). */
export function ceilDivSeconds(a: Seconds, b: Seconds): number {
  const numeratorExactly = scaledExactly(a.units, b.scale);
  const denominatorExactly = scaledExactly(b.units, a.scale);
  if (numeratorExactly !== undefined && denominatorExactly !== undefined) {
    // % of exact whole numbers is exact, and so is dividing out an exact multiple.
    const remainder = numeratorExactly % denominatorExactly;
    const whole = (numeratorExactly - remainder) / denominatorExactly;
    return remainder === 0 ? whole : whole + 1;
  }
  const numerator = scaledBig(a.units, b.scale);
  const denominator = scaledBig(b.units, a.scale);
  return Number((numerator + denominator - 1n) / denominator);
}
