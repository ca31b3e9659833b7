import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetKey, Ledger, ReserveRequest } from '../../src/core/budget/ledger-types.js';

/**
 * The ledger contract, as tests any ledger must pass: the budget rule of src/core/budget/decide.ts
 * and the hold lifecycle of src/core/budget/ledger-state.ts. Run against the memory ledger and the
 * Redis ledger (and any future one), so they provably apply one rule with the same results.
 */
export function describeLedgerContract(name: string, makeLedger: () => Ledger | Promise<Ledger>): void {
  describe(`ledger contract: ${name}`, () => {
    const T0 = 1_800_000_000_000;
    const MINUTE = 60_000;
    const open: Ledger[] = [];

    async function ledger(): Promise<Ledger> {
      const made = await makeLedger();
      open.push(made);
      return made;
    }

    afterEach(async () => {
      await Promise.all(open.splice(0).map((made) => made.close?.()));
    });

    const budget = (key: string, limit: string, windowEndsAt?: number): BudgetKey =>
      windowEndsAt === undefined ? { key, limit } : { key, limit, windowEndsAt };

    function hold(holdId: string, amount: string, budgets: BudgetKey[], now = T0, expiresAt = now + 10 * MINUTE): ReserveRequest {
      return { holdId, amount, budgets, now, expiresAt };
    }

    it('reserves a hold that fits and reports it as reserved, not spent', async () => {
      const l = await ledger();
      await expect(l.reserve(hold('a', '2.50', [budget('global', '10.00')]))).resolves.toEqual({ ok: true });
      await expect(l.usage(['global'], T0)).resolves.toEqual([{ key: 'global', spent: '0.00', reserved: '2.50' }]);
    });

    it('fits a hold equal to what remains and refuses one nano-USD more', async () => {
      const l = await ledger();
      await expect(l.reserve(hold('a', '7.000000001', [budget('g', '10.00')]))).resolves.toEqual({ ok: true });
      await expect(l.reserve(hold('b', '2.999999999', [budget('g', '10.00')]))).resolves.toEqual({ ok: true });
      await expect(l.reserve(hold('c', '0.000000001', [budget('g', '10.00')]))).resolves.toEqual({
        ok: false,
        refusal: { key: 'g', limit: '10.00', spent: '0.00', reserved: '10.00', remaining: '0.00' },
      });
      await expect(l.reserve(hold('d', '0', [budget('g', '10.00')]))).resolves.toEqual({ ok: true });
    });

    it('refuses with the limit, spent, reserved and what remained before the call', async () => {
      const l = await ledger();
      await l.reserve(hold('spent', '3.25', [budget('u', '10')]));
      await expect(l.commit('spent', T0)).resolves.toBe('committed');
      await l.reserve(hold('held', '1.5', [budget('u', '10')]));
      await expect(l.reserve(hold('big', '5.250000001', [budget('u', '10')]))).resolves.toEqual({
        ok: false,
        refusal: { key: 'u', limit: '10.00', spent: '3.25', reserved: '1.50', remaining: '5.25' },
      });
      // Nothing of the refused call was kept.
      await expect(l.usage(['u'], T0)).resolves.toEqual([{ key: 'u', spent: '3.25', reserved: '1.50' }]);
    });

    it('reports a remaining of zero (never negative) when a lowered limit is already exceeded', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '8', [budget('u', '10')]));
      await expect(l.reserve(hold('b', '1', [budget('u', '5.00')]))).resolves.toEqual({
        ok: false,
        refusal: { key: 'u', limit: '5.00', spent: '0.00', reserved: '8.00', remaining: '0.00' },
      });
    });

    it('is refused by the first budget, in the given order, that the hold would break', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '4', [budget('day', '5'), budget('month', '5')]));
      const refused = await l.reserve(hold('b', '2', [budget('month', '5.5'), budget('day', '5')]));
      expect(refused).toEqual({ ok: false, refusal: { key: 'month', limit: '5.50', spent: '0.00', reserved: '4.00', remaining: '1.50' } });
      const other = await l.reserve(hold('c', '2', [budget('day', '5'), budget('month', '5.5')]));
      expect(other).toEqual({ ok: false, refusal: { key: 'day', limit: '5.00', spent: '0.00', reserved: '4.00', remaining: '1.00' } });
    });

    it('reserves in every budget or in none', async () => {
      const l = await ledger();
      await expect(l.reserve(hold('a', '3', [budget('global', '100'), budget('user:1', '5'), budget('project:x', '50')]))).resolves.toEqual({ ok: true });
      const refused = await l.reserve(hold('b', '3', [budget('global', '100'), budget('user:1', '5'), budget('project:x', '50')]));
      expect(refused.ok).toBe(false);
      await expect(l.usage(['global', 'user:1', 'project:x'], T0)).resolves.toEqual([
        { key: 'global', spent: '0.00', reserved: '3.00' },
        { key: 'user:1', spent: '0.00', reserved: '3.00' },
        { key: 'project:x', spent: '0.00', reserved: '3.00' },
      ]);
      await expect(l.commit('a', T0)).resolves.toBe('committed');
      await expect(l.usage(['global', 'user:1', 'project:x'], T0)).resolves.toEqual([
        { key: 'global', spent: '3.00', reserved: '0.00' },
        { key: 'user:1', spent: '3.00', reserved: '0.00' },
        { key: 'project:x', spent: '3.00', reserved: '0.00' },
      ]);
    });

    it('reserves once in a budget that is listed twice', async () => {
      const l = await ledger();
      await expect(l.reserve(hold('a', '4', [budget('g', '5'), budget('g', '5')]))).resolves.toEqual({ ok: true });
      await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '4.00' }]);
      await expect(l.commit('a', T0)).resolves.toBe('committed');
      await expect(l.usage(['g', 'g'], T0)).resolves.toEqual([
        { key: 'g', spent: '4.00', reserved: '0.00' },
        { key: 'g', spent: '4.00', reserved: '0.00' },
      ]);
    });

    it('treats a repeated hold id as a no-op that reports ok, open or settled', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '4', [budget('g', '5')]));
      await expect(l.reserve(hold('a', '4', [budget('g', '5')]))).resolves.toEqual({ ok: true });
      // Even with another amount, another budget, or an amount that would not fit: the first call decided.
      await expect(l.reserve(hold('a', '400', [budget('g', '5'), budget('h', '1')]))).resolves.toEqual({ ok: true });
      await expect(l.usage(['g', 'h'], T0)).resolves.toEqual([
        { key: 'g', spent: '0.00', reserved: '4.00' },
        { key: 'h', spent: '0.00', reserved: '0.00' },
      ]);
      await l.commit('a', T0);
      await expect(l.reserve(hold('a', '4', [budget('g', '5')]))).resolves.toEqual({ ok: true });
      await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '4.00', reserved: '0.00' }]);
    });

    it('decides a refused hold id afresh when it is tried again', async () => {
      const l = await ledger();
      await l.reserve(hold('big', '4', [budget('g', '5')]));
      expect((await l.reserve(hold('retry', '2', [budget('g', '5')]))).ok).toBe(false);
      await l.release('big', T0);
      await expect(l.reserve(hold('retry', '2', [budget('g', '5')]))).resolves.toEqual({ ok: true });
    });

    it('commits a hold exactly once: spent moves from reserved to spent', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '1.10', [budget('g', '5')]));
      await expect(l.commit('a', T0 + 1)).resolves.toBe('committed');
      await expect(l.commit('a', T0 + 2)).resolves.toBe('already_committed');
      await expect(l.release('a', T0 + 3)).resolves.toBe('already_committed');
      await expect(l.usage(['g'], T0 + 4)).resolves.toEqual([{ key: 'g', spent: '1.10', reserved: '0.00' }]);
    });

    it('releases a hold exactly once: its amount is free again and nothing is spent', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '5', [budget('g', '5')]));
      await expect(l.release('a', T0 + 1)).resolves.toBe('released');
      await expect(l.release('a', T0 + 2)).resolves.toBe('already_released');
      await expect(l.commit('a', T0 + 3)).resolves.toBe('already_released');
      await expect(l.usage(['g'], T0 + 4)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '0.00' }]);
      await expect(l.reserve(hold('b', '5', [budget('g', '5')]))).resolves.toEqual({ ok: true });
    });

    it('answers unknown for a hold it never held', async () => {
      const l = await ledger();
      await expect(l.commit('nope', T0)).resolves.toBe('unknown');
      await expect(l.release('nope', T0)).resolves.toBe('unknown');
    });

    it('expires a hold at its expiresAt (not before) and counts it as spent', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '2', [budget('g', '5'), budget('u', '3')], T0, T0 + MINUTE));
      await expect(l.usage(['g'], T0 + MINUTE - 1)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '2.00' }]);
      await expect(l.usage(['g'], T0 + MINUTE)).resolves.toEqual([{ key: 'g', spent: '2.00', reserved: '0.00' }]);
      // Expired through one budget, it is spent in every budget it held.
      await expect(l.usage(['u'], T0 + MINUTE)).resolves.toEqual([{ key: 'u', spent: '2.00', reserved: '0.00' }]);
      await expect(l.commit('a', T0 + MINUTE + 1)).resolves.toBe('expired');
      await expect(l.release('a', T0 + MINUTE + 2)).resolves.toBe('expired');
      await expect(l.usage(['g', 'u'], T0 + MINUTE + 3)).resolves.toEqual([
        { key: 'g', spent: '2.00', reserved: '0.00' },
        { key: 'u', spent: '2.00', reserved: '0.00' },
      ]);
    });

    it('expires a due hold when it is settled late, before anything else saw it', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '2', [budget('g', '5')], T0, T0 + MINUTE));
      await expect(l.release('a', T0 + MINUTE)).resolves.toBe('expired');
      await expect(l.usage(['g'], T0 + MINUTE)).resolves.toEqual([{ key: 'g', spent: '2.00', reserved: '0.00' }]);
    });

    it('still commits a hold one millisecond before it expires', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '2', [budget('g', '5')], T0, T0 + MINUTE));
      await expect(l.commit('a', T0 + MINUTE - 1)).resolves.toBe('committed');
      await expect(l.usage(['g'], T0 + 2 * MINUTE)).resolves.toEqual([{ key: 'g', spent: '2.00', reserved: '0.00' }]);
    });

    it('counts an expired hold as spent when deciding the next reservation', async () => {
      const l = await ledger();
      await l.reserve(hold('lost', '4', [budget('g', '5')], T0, T0 + MINUTE));
      await l.reserve(hold('other', '0.5', [budget('g', '5')], T0, T0 + 10 * MINUTE));
      await expect(l.reserve(hold('next', '1', [budget('g', '5')], T0 + MINUTE))).resolves.toEqual({
        ok: false,
        refusal: { key: 'g', limit: '5.00', spent: '4.00', reserved: '0.50', remaining: '0.50' },
      });
      await expect(l.reserve(hold('small', '0.5', [budget('g', '5')], T0 + MINUTE))).resolves.toEqual({ ok: true });
    });

    it('reports zero for budgets it has never seen', async () => {
      const l = await ledger();
      await expect(l.usage(['never', 'seen'], T0)).resolves.toEqual([
        { key: 'never', spent: '0.00', reserved: '0.00' },
        { key: 'seen', spent: '0.00', reserved: '0.00' },
      ]);
      await expect(l.usage([], T0)).resolves.toEqual([]);
    });

    it('keeps budgets apart: windows and scopes are different keys', async () => {
      const l = await ledger();
      await l.reserve(hold('a', '5', [budget('user:1:day:2027-01-01', '5', T0 + MINUTE)]));
      await expect(l.reserve(hold('b', '5', [budget('user:1:day:2027-01-02', '5', T0 + 2 * MINUTE)]))).resolves.toEqual({ ok: true });
      await expect(l.reserve(hold('c', '5', [budget('user:2:day:2027-01-01', '5', T0 + MINUTE)]))).resolves.toEqual({ ok: true });
      await expect(l.usage(['user:1:day:2027-01-01', 'user:1:day:2027-01-02'], T0)).resolves.toEqual([
        { key: 'user:1:day:2027-01-01', spent: '0.00', reserved: '5.00' },
        { key: 'user:1:day:2027-01-02', spent: '0.00', reserved: '5.00' },
      ]);
    });

    it('adds money exactly: ten holds of 0.1 fill a limit of 1 and 0.1 + 0.2 is 0.30', async () => {
      const l = await ledger();
      for (let i = 0; i < 10; i += 1) {
        await expect(l.reserve(hold(`t${i}`, '0.1', [budget('g', '1')]))).resolves.toEqual({ ok: true });
        await l.commit(`t${i}`, T0);
      }
      expect((await l.reserve(hold('over', '0.000000001', [budget('g', '1')]))).ok).toBe(false);
      await l.reserve(hold('x', '0.1', [budget('h', '1')]));
      await l.reserve(hold('y', '0.2', [budget('h', '1')]));
      await expect(l.usage(['g', 'h'], T0)).resolves.toEqual([
        { key: 'g', spent: '1.00', reserved: '0.00' },
        { key: 'h', spent: '0.00', reserved: '0.30' },
      ]);
    });

    it('admits exactly as many concurrent holds as fit, never more', async () => {
      const l = await ledger();
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, index) => l.reserve(hold(`h${index}`, '0.37', [budget('g', '10.00')]))),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(27); // floor(10 / 0.37)
      await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '9.99' }]);
    });
  });
}
