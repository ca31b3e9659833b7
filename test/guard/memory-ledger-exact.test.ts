import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, formatMoney } from '../../src/core/money.js';
import { memoryLedger } from '../../src/guard/ledgers/memory-ledger.js';

/*
 * The memory ledger counts integer nano-USD. The reference here is the same rule in Decimal: an
 * amount rounds UP to the next nano-USD, a hold fits when spent + reserved + amount <= limit in
 * every budget, commit moves reserved to spent, release gives it back. For any sequence of
 * operations the ledger's figures and decisions must be the Decimal model's, to the last digit.
 */

const NOW = 1_800_000_000_000;

/** A USD decimal string with 0 to `maxDecimals` decimals (as the guard's quotes and options are written). */
const usd = (maxWhole: number, maxDecimals: number) => fc.tuple(fc.integer({ min: 0, max: maxWhole }), fc.integer({ min: 0, max: maxDecimals }), fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }))
  .map(([whole, decimals, digits]) => (decimals === 0 ? String(whole) : `${whole}.${digits.toString().padStart(12, '0').slice(0, decimals)}`));

type Operation = { kind: 'reserve'; amount: string; keys: number[] } | { kind: 'commit' | 'release'; hold: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reserve' as const), amount: fc.oneof(usd(40, 12), usd(0, 12), usd(3, 2)), keys: fc.subarray([0, 1, 2], { minLength: 1 }) }) },
  fc.record({ kind: fc.constantFrom('commit' as const, 'release' as const), hold: fc.nat({ max: 30 }) }),
);

const ceilNano = (amount: string) => new Decimal(amount).toDecimalPlaces(9, Decimal.ROUND_UP);

describe('memory ledger sums in nano-USD', () => {
  it('equal the Decimal model of the same rule, for any sequence of reserves and settlements (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(usd(60, 9), { minLength: 3, maxLength: 3 }), fc.array(operation, { maxLength: 40 }), async (limits, operations) => {
      const ledger = memoryLedger();
      const model = limits.map((limit) => ({ limit: new Decimal(limit), spent: new Decimal(0), reserved: new Decimal(0) }));
      const holds: Array<{ amount: Decimal; keys: number[]; open: boolean }> = [];
      for (const [step, op] of operations.entries()) {
        const now = NOW + step;
        if (op.kind === 'reserve') {
          const amount = ceilNano(op.amount);
          const fits = op.keys.every((key) => model[key]!.spent.plus(model[key]!.reserved).plus(amount).lte(model[key]!.limit));
          const budgets = op.keys.map((key) => ({ key: `k${key}`, limit: limits[key]! }));
          const result = await ledger.reserve({ holdId: `h${holds.length}`, amount: op.amount, budgets, expiresAt: NOW + 1_000_000, now });
          expect(result.ok).toBe(fits);
          if (!result.ok) {
            const refused = op.keys.find((key) => model[key]!.spent.plus(model[key]!.reserved).plus(amount).gt(model[key]!.limit))!;
            const figures = model[refused]!;
            expect(result.refusal).toEqual({
              key: `k${refused}`, limit: formatMoney(figures.limit), spent: formatMoney(figures.spent), reserved: formatMoney(figures.reserved),
              remaining: formatMoney(Decimal.max(figures.limit.minus(figures.spent).minus(figures.reserved), 0)),
            });
            continue;
          }
          for (const key of op.keys) model[key]!.reserved = model[key]!.reserved.plus(amount);
          holds.push({ amount, keys: op.keys, open: true });
        } else {
          const hold = holds[op.hold];
          const result = op.kind === 'commit' ? await ledger.commit(`h${op.hold}`, now) : await ledger.release(`h${op.hold}`, now);
          if (!hold) {
            expect(result).toBe('unknown');
            continue;
          }
          if (!hold.open) {
            expect(result).toMatch(/^already_/);
            continue;
          }
          expect(result).toBe(op.kind === 'commit' ? 'committed' : 'released');
          hold.open = false;
          for (const key of hold.keys) {
            model[key]!.reserved = model[key]!.reserved.minus(hold.amount);
            if (op.kind === 'commit') model[key]!.spent = model[key]!.spent.plus(hold.amount);
          }
        }
      }
      expect(await ledger.usage(['k0', 'k1', 'k2'], NOW + operations.length))
        .toEqual(model.map((figures, key) => ({ key: `k${key}`, spent: formatMoney(figures.spent), reserved: formatMoney(figures.reserved) })));
    }), { numRuns: 1_500 });
  });

  it('an amount with more than 9 decimals rounds up to the next nano-USD; a limit with more than 9 is refused', async () => {
    const ledger = memoryLedger();
    const budgets = [{ key: 'g', limit: '1.000000001' }];
    expect(await ledger.reserve({ holdId: 'a', amount: '0.0000000001', budgets, expiresAt: NOW + 1000, now: NOW })).toEqual({ ok: true });
    expect(await ledger.reserve({ holdId: 'b', amount: '1.0000000000001', budgets, expiresAt: NOW + 1000, now: NOW })).toEqual({
      ok: false, refusal: { key: 'g', limit: '1.000000001', spent: '0.00', reserved: '0.000000001', remaining: '1.00' },
    });
    expect(await ledger.usage(['g'], NOW)).toEqual([{ key: 'g', spent: '0.00', reserved: '0.000000001' }]);
    await expect(ledger.reserve({ holdId: 'c', amount: '1.00', budgets: [{ key: 'g', limit: '5.0000000001' }], expiresAt: NOW + 1000, now: NOW }))
      .rejects.toMatchObject({ name: 'InvalidLedgerRequestError', code: 'invalid_ledger_amount' });
  });
});
