import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nanoToMoney } from '../../src/core/budget/nano-usd.js';
import { Decimal, formatMoney } from '../../src/core/money.js';

/* nanoToMoney formats a BigInt from its digits; the reference is the Decimal division it replaced. */
const reference = (nano: bigint) => formatMoney(new Decimal(nano.toString()).div(new Decimal('1000000000')));

describe('nanoToMoney', () => {
  it('prints what formatMoney(nano / 1e9) prints, for any BigInt (fast-check)', () => {
    fc.assert(fc.property(fc.oneof(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: -2_000_000_000n, max: 2_000_000_000n })), (nano) => {
      expect(nanoToMoney(nano)).toBe(reference(nano));
    }), { numRuns: 5000 });
  });

  it('keeps two decimals and every digit that is not a trailing zero', () => {
    expect([0n, 1n, 10n, 2_160_000_000n, 4_320_000_001n, 9_000_000_000_000_000n, -1_500_000_000n].map((nano) => nanoToMoney(nano)))
      .toEqual(['0.00', '0.000000001', '0.00000001', '2.16', '4.320000001', '9000000.00', '-1.50']);
    expect(nanoToMoney('2160000000')).toBe('2.16');
  });
});
