import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSeconds, type Seconds } from '../../src/core/seconds.js';

/** The grammar parseSeconds implements, as the regex it was first written with: the reference. */
function parseByRegex(text: string): Seconds | undefined {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (!match) return undefined;
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return { units: BigInt(whole + fraction), scale: fraction.length, text: fraction ? `${whole}.${fraction}` : whole };
}

// Strings near the grammar: digits, dots, zeros, and a few characters that must be refused.
const nearDecimal = fc.string({ unit: fc.constantFrom('0', '0', '1', '5', '9', '.', '.', '-', '+', 'e', ' ', '٣'), maxLength: 24 });

describe('parseSeconds', () => {
  it('accepts and reads exactly what the regex grammar does', () => {
    fc.assert(fc.property(fc.oneof(nearDecimal, fc.string()), (text) => {
      expect(parseSeconds(text)).toStrictEqual(parseByRegex(text));
    }), { numRuns: 20_000 });
  });

  it('examples: canonical text without trailing zeros, exact units past a double', () => {
    expect(parseSeconds('22.50')).toStrictEqual({ units: 225n, scale: 1, text: '22.5' });
    expect(parseSeconds('30.000')).toStrictEqual({ units: 30n, scale: 0, text: '30' });
    expect(parseSeconds('25.0000000000000001')).toStrictEqual({ units: 250000000000000001n, scale: 16, text: '25.0000000000000001' });
    expect(parseSeconds('0.05')).toStrictEqual({ units: 5n, scale: 2, text: '0.05' });
    for (const refused of ['', '.5', '5.', '05', '1.2.3', '-1', '+1', '1e3', ' 5', '５']) expect(parseSeconds(refused)).toBeUndefined();
  });
});
