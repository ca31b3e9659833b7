import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilDivSeconds, compareSeconds, isZeroSeconds, parseSeconds, type Seconds } from '../../src/core/seconds.js';

/** The grammar parseSeconds implements, as the regex it was first written with: the reference. */
function parseByRegex(text: string): { units: bigint; scale: number; text: string } | undefined {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (!match) return undefined;
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return { units: BigInt(whole + fraction), scale: fraction.length, text: fraction ? `${whole}.${fraction}` : whole };
}

/** A length with its units as a BigInt, whichever form parseSeconds chose. */
const exactly = (seconds: Seconds | undefined) => (seconds === undefined ? undefined : { ...seconds, units: BigInt(seconds.units) });

// Strings near the grammar: digits, dots, zeros, and a few characters that must be refused.
const nearDecimal = fc.string({ unit: fc.constantFrom('0', '0', '1', '5', '9', '.', '.', '-', '+', 'e', ' ', '٣'), maxLength: 24 });

/** Decimal lengths of every size: short ones (the double path) and ones past 15 digits (the BigInt path). */
const lengthText = fc.tuple(fc.oneof(fc.bigInt({ min: 0n, max: 99n }), fc.bigInt({ min: 0n, max: 10n ** 20n })), fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 18 }))
  .map(([whole, fraction]) => (fraction === '' ? String(whole) : `${whole}.${fraction}`));

/** Up to 15 digits with the point anywhere: scaled by the other length's scale, these cross 2^53. */
const fifteenDigits = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), fc.nat(15)).map(([units, scale]) => {
  const digits = String(units).padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
});
const anyLength = fc.oneof(lengthText, fifteenDigits);

/** compareSeconds and ceilDivSeconds as they were first written, in BigInt only: the reference. */
function bigUnits(seconds: Seconds, power: number): bigint {
  return BigInt(seconds.units) * 10n ** BigInt(power);
}

describe('parseSeconds', () => {
  it('accepts and reads exactly what the regex grammar does', () => {
    fc.assert(fc.property(fc.oneof(nearDecimal, fc.string(), lengthText), (text) => {
      expect(exactly(parseSeconds(text))).toStrictEqual(parseByRegex(text));
    }), { numRuns: 20_000 });
  });

  it('examples: canonical text without trailing zeros, exact units past a double', () => {
    expect(parseSeconds('22.50')).toStrictEqual({ units: 225, scale: 1, text: '22.5' });
    expect(parseSeconds('30.000')).toStrictEqual({ units: 30, scale: 0, text: '30' });
    expect(parseSeconds('25.0000000000000001')).toStrictEqual({ units: 250000000000000001n, scale: 16, text: '25.0000000000000001' });
    expect(parseSeconds('0.05')).toStrictEqual({ units: 5, scale: 2, text: '0.05' });
    for (const refused of ['', '.5', '5.', '05', '1.2.3', '-1', '+1', '1e3', ' 5', '５']) expect(parseSeconds(refused)).toBeUndefined();
  });
});

describe('compareSeconds and ceilDivSeconds', () => {
  it('agree with BigInt arithmetic on lengths of every size (doubles only where they are exact)', () => {
    fc.assert(fc.property(anyLength, anyLength, fc.nat(40), (textA, textB, blocks) => {
      const a = parseSeconds(textA)!;
      const b = parseSeconds(textB)!;
      const left = bigUnits(a, b.scale);
      const right = bigUnits(b, a.scale);
      expect(compareSeconds(a, b)).toBe(left < right ? -1 : left > right ? 1 : 0);
      expect(isZeroSeconds(a)).toBe(BigInt(a.units) === 0n);
      if (right > 0n) expect(ceilDivSeconds(a, b)).toBe(Number((left + right - 1n) / right));
      // On a block edge and one unit past it: b x blocks, written out exactly.
      if (right > 0n) {
        const edge = BigInt(b.units) * BigInt(blocks);
        for (const units of [edge, edge + 1n]) {
          const text = String(units).padStart(b.scale + 1, '0');
          const length = parseSeconds(b.scale === 0 ? text : `${text.slice(0, -b.scale)}.${text.slice(-b.scale)}`)!;
          expect(ceilDivSeconds(length, b)).toBe(blocks + (units === edge ? 0 : 1));
        }
      }
    }), { numRuns: 20_000 });
  });

  it('examples: a block edge, one unit past it, and a length past a double', () => {
    const five = parseSeconds('5')!;
    expect(ceilDivSeconds(parseSeconds('25')!, five)).toBe(5);
    expect(ceilDivSeconds(parseSeconds('25.0000000000000001')!, five)).toBe(6);
    expect(ceilDivSeconds(parseSeconds('25.000000000000001')!, five)).toBe(6);
    expect(ceilDivSeconds(parseSeconds('7.2')!, parseSeconds('1')!)).toBe(8);
    expect(compareSeconds(parseSeconds('30.0000000000000001')!, parseSeconds('30')!)).toBe(1);
    expect(compareSeconds(parseSeconds('30.000')!, parseSeconds('30')!)).toBe(0);
  });
});
