import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetKey, HoldDetails, JournalQuery, Ledger, ReserveRequest } from '../../src/core/budget/ledger-types.js';
import { journalOf } from './journal.js';

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

    function hold(holdId: string, amount: string, budgets: BudgetKey[], now = T0, expiresAt = now + 10 * MINUTE, details?: HoldDetails): ReserveRequest {
      return details === undefined ? { holdId, amount, budgets, now, expiresAt } : { holdId, amount, budgets, now, expiresAt, details };
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
      describe('one rule for amounts and limits: whole nano-USD, at most $9,000,000', () => {
      it('rounds an amount with more than 9 decimals up to the next nano-USD', async () => {
        const l = await ledger();
        await expect(l.reserve(hold('a', '0.0000000001', [budget('g', '1.00')]))).resolves.toEqual({ ok: true });
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '0.000000001' }]);
      });

      it('rounds up an amount whose deciding digit lies past 60 significant digits', async () => {
        const l = await ledger();
        await expect(l.reserve(hold('a', `1.${'0'.repeat(60)}1`, [budget('g', '1.00')]))).resolves.toMatchObject({ ok: false, refusal: { remaining: '1.00' } });
        await expect(l.reserve(hold('b', `0.${'0'.repeat(60)}1`, [budget('g', '1.00')]))).resolves.toEqual({ ok: true });
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '0.000000001' }]);
      });

      it('refuses a limit with more than 9 decimals instead of rounding it', async () => {
        const l = await ledger();
        const limit = `1.${'0'.repeat(63)}1`;
        await expect(l.reserve(hold('a', '0.50', [budget('g', limit)]))).rejects.toMatchObject({ name: 'InvalidLedgerRequestError', code: 'invalid_ledger_amount' });
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '0.00' }]);
      });

      it('accepts $9,000,000 and refuses a limit or an amount above it', async () => {
        const l = await ledger();
        await expect(l.reserve(hold('a', '9000000', [budget('g', '9000000.00')]))).resolves.toEqual({ ok: true });
        await expect(l.reserve(hold('b', '1', [budget('h', '9000000.000000001')]))).rejects.toMatchObject({ name: 'InvalidLedgerRequestError', code: 'invalid_ledger_amount' });
        await expect(l.reserve(hold('c', '9000000.000000001', [budget('i', '10')]))).rejects.toMatchObject({ name: 'InvalidLedgerRequestError', code: 'invalid_ledger_amount' });
      });

      it('refuses an amount that is not an unsigned decimal string', async () => {
        const l = await ledger();
        for (const amount of ['-1', '1e3', ' 1', '0x10', '']) {
          await expect(l.reserve(hold(`x${amount}`, amount, [budget('g', '10')]))).rejects.toMatchObject({ name: 'InvalidLedgerRequestError', code: 'invalid_ledger_amount' });
        }
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '0.00' }]);
      });
    });

    it('refuses keys, hold ids, request ids and apps that are not well-formed UTF-16, naming the field, and carries on', async () => {
      const l = await ledger();
      const lone = 'x\ud800y';
      const refused = (field: string) => ({ name: 'InvalidLedgerRequestError', code: 'invalid_ledger_request', message: expect.stringContaining(`${field} must be well-formed UTF-16`) });
      await expect(l.reserve(hold(lone, '1.00', [budget('g', '10')], T0, T0 + MINUTE))).rejects.toMatchObject(refused('holdId'));
      await expect(l.reserve(hold('a', '1.00', [budget('g', '10'), budget(lone, '10')], T0, T0 + MINUTE))).rejects.toMatchObject(refused('budgets[1].key'));
      await expect(l.reserve(hold('h', '1.00', [budget('g', '10')], T0, T0 + MINUTE))).resolves.toEqual({ ok: true });
      await expect(l.link({ requestId: lone, holdId: 'h', now: T0 })).rejects.toMatchObject(refused('requestId'));
      await expect(l.link({ requestId: 'req', holdId: lone, now: T0 })).rejects.toMatchObject(refused('holdId'));
      await expect(l.link({ requestId: 'req', holdId: 'h', app: lone, now: T0 })).rejects.toMatchObject(refused('app'));
      // A surrogate pair is well formed.
      await expect(l.reserve(hold('\u{1F600}', '1.00', [budget('g\u{1F600}', '10')], T0, T0 + MINUTE))).resolves.toEqual({ ok: true });
      // Once every hold is due, every operation still answers: nothing unreadable was stored.
      await expect(l.usage(['g', 'g\u{1F600}', 'a'], T0 + MINUTE)).resolves.toEqual([
        { key: 'g', spent: '1.00', reserved: '0.00' }, { key: 'g\u{1F600}', spent: '1.00', reserved: '0.00' }, { key: 'a', spent: '0.00', reserved: '0.00' },
      ]);
      await expect(l.commit('h', T0 + MINUTE)).resolves.toBe('expired');
      await expect(l.inspect(T0 + MINUTE)).resolves.toMatchObject([{ key: 'g' }, { key: 'g\u{1F600}' }]);
    });

    describe('request links: a fal request id settles its hold from any instance', () => {
      it('links a request to an open hold and settles it by request id', async () => {
        const l = await ledger();
        await l.reserve(hold('h', '2.00', [budget('g', '10')]));
        await expect(l.link({ requestId: 'req-1', holdId: 'h', app: 'luma/agent', now: T0 })).resolves.toBe(true);
        await expect(l.linkOf('req-1', T0)).resolves.toEqual({ requestId: 'req-1', holdId: 'h', app: 'luma/agent', status: 'held' });
        await expect(l.settleRequest('req-1', 'commit', T0 + 1, 'luma/agent')).resolves.toBe('committed');
        await expect(l.settleRequest('req-1', 'release', T0 + 2)).resolves.toBe('already_committed');
        await expect(l.linkOf('req-1', T0 + 3)).resolves.toMatchObject({ holdId: 'h', status: 'committed' });
        await expect(l.usage(['g'], T0 + 3)).resolves.toEqual([{ key: 'g', spent: '2.00', reserved: '0.00' }]);
      });

      it('releases by request id: nothing is spent', async () => {
        const l = await ledger();
        await l.reserve(hold('h', '2.00', [budget('g', '10')]));
        await l.link({ requestId: 'req-1', holdId: 'h', now: T0 });
        await expect(l.settleRequest('req-1', 'release', T0)).resolves.toBe('released');
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '0.00' }]);
      });

      it('refuses to settle under another app, and changes nothing', async () => {
        const l = await ledger();
        await l.reserve(hold('h', '2.00', [budget('g', '10')]));
        await l.link({ requestId: 'req-1', holdId: 'h', app: 'luma/agent', now: T0 });
        await expect(l.settleRequest('req-1', 'release', T0, 'someone/else')).resolves.toBe('endpoint_mismatch');
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '0.00', reserved: '2.00' }]);
        await expect(l.settleRequest('req-1', 'release', T0, 'luma/agent')).resolves.toBe('released');
      });

      it('treats a link made without an app as another app when a settle names one', async () => {
        const l = await ledger();
        await l.reserve(hold('h', '2.00', [budget('g', '10')]));
        await l.link({ requestId: 'req-1', holdId: 'h', now: T0 });
        await expect(l.settleRequest('req-1', 'commit', T0, 'luma/agent')).resolves.toBe('endpoint_mismatch');
        await expect(l.settleRequest('req-1', 'commit', T0)).resolves.toBe('committed');
      });

      it('answers unknown for a request id it never linked, and stores nothing for an unknown hold', async () => {
        const l = await ledger();
        await expect(l.settleRequest('nope', 'commit', T0)).resolves.toBe('unknown');
        await expect(l.link({ requestId: 'req-1', holdId: 'missing', now: T0 })).resolves.toBe(false);
        await expect(l.linkOf('req-1', T0)).resolves.toBeUndefined();
        await expect(l.linkOf('nope', T0)).resolves.toBeUndefined();
      });

      it('keeps the first link of a request id', async () => {
        const l = await ledger();
        await l.reserve(hold('a', '1.00', [budget('g', '10')]));
        await l.reserve(hold('b', '1.00', [budget('g', '10')]));
        await expect(l.link({ requestId: 'req', holdId: 'a', now: T0 })).resolves.toBe(true);
        await expect(l.link({ requestId: 'req', holdId: 'b', now: T0 })).resolves.toBe(false);
        await expect(l.link({ requestId: 'req', holdId: 'a', now: T0 })).resolves.toBe(true);
        await expect(l.settleRequest('req', 'commit', T0)).resolves.toBe('committed');
        await expect(l.usage(['g'], T0)).resolves.toEqual([{ key: 'g', spent: '1.00', reserved: '1.00' }]);
      });

      it('links a hold to one request id only', async () => {
        const l = await ledger();
        await l.reserve(hold('h', '1.00', [budget('g', '10')]));
        await expect(l.link({ requestId: 'first', holdId: 'h', now: T0 })).resolves.toBe(true);
        await expect(l.link({ requestId: 'second', holdId: 'h', now: T0 })).resolves.toBe(false);
        await expect(l.linkOf('second', T0)).resolves.toBeUndefined();
        await expect(l.settleRequest('second', 'release', T0)).resolves.toBe('unknown');
        await expect(l.settleRequest('first', 'commit', T0)).resolves.toBe('committed');
      });

      it('answers expired for a linked hold whose time ran out', async () => {
        const l = await ledger();
        await l.reserve(hold('h', '2.00', [budget('g', '10')], T0, T0 + MINUTE));
        await l.link({ requestId: 'req', holdId: 'h', now: T0 });
        await expect(l.settleRequest('req', 'release', T0 + MINUTE)).resolves.toBe('expired');
        await expect(l.usage(['g'], T0 + MINUTE)).resolves.toEqual([{ key: 'g', spent: '2.00', reserved: '0.00' }]);
      });
    });

    describe('the spend journal: one entry per settled hold', () => {
      const details: HoldDetails = {
        endpoint: 'luma/agent/ray/v3.2/video-to-video', provider: 'fal', pricingVersion: '2026-11-21', pricingSha256: 'ab'.repeat(32), scope: { user: 'u1' },
      };

      it('records commits, releases and expiries with their amount, budgets, request id and details', async () => {
        const l = await ledger();
        await l.reserve(hold('c', '2.16', [budget('g', '100'), budget('u', '50')], T0, T0 + 10 * MINUTE, details));
        await l.reserve(hold('r', '1.00', [budget('g', '100')]));
        await l.reserve(hold('e', '0.72', [budget('g', '100')], T0, T0 + MINUTE));
        await l.link({ requestId: 'req-c', holdId: 'c', now: T0 });
        await l.settleRequest('req-c', 'commit', T0 + 1);
        await l.release('r', T0 + 2);
        await l.usage(['g'], T0 + MINUTE);
        await l.commit('c', T0 + MINUTE + 1); // already settled: no second entry
        const entries = await journalOf(l);
        expect(entries).toEqual([
          { at: T0 + 1, outcome: 'committed', holdId: 'c', amount: '2.16', budgets: ['g', 'u'], requestId: 'req-c', ...details },
          { at: T0 + 2, outcome: 'released', holdId: 'r', amount: '1.00', budgets: ['g'] },
          { at: T0 + MINUTE, outcome: 'expired', holdId: 'e', amount: '0.72', budgets: ['g'] },
        ]);
      });

      it('filters by since (inclusive) and until (exclusive)', async () => {
        const l = await ledger();
        for (let index = 0; index < 4; index += 1) {
          await l.reserve(hold(`h${index}`, '1.00', [budget('g', '100')]));
          await l.commit(`h${index}`, T0 + index * MINUTE);
        }
        const ids = async (query: JournalQuery) => (await journalOf(l, query)).map((entry) => entry.holdId);
        await expect(ids({ since: T0 + MINUTE, until: T0 + 3 * MINUTE })).resolves.toEqual(['h1', 'h2']);
        await expect(ids({ since: T0 + 3 * MINUTE })).resolves.toEqual(['h3']);
        await expect(ids({ until: T0 })).resolves.toEqual([]);
      });

      it('writes nothing for a refused reservation or a settle of an unknown hold', async () => {
        const l = await ledger();
        await l.reserve(hold('big', '20', [budget('g', '10')]));
        await l.commit('big', T0);
        await l.release('nothing', T0);
        await expect(journalOf(l)).resolves.toEqual([]);
      });
    });

    describe('inspect: what an operator sees', () => {
      it('lists every key, sorted, with its last limit, spent, reserved and open holds', async () => {
        const l = await ledger();
        await l.reserve(hold('a', '1.50', [budget('z', '10'), budget('a/day', '5.00', T0 + 60 * MINUTE)]));
        await l.reserve(hold('b', '2.00', [budget('z', '10')]));
        await l.commit('b', T0);
        await expect(l.inspect(T0)).resolves.toEqual([
          { key: 'a/day', limit: '5.00', spent: '0.00', reserved: '1.50', openHolds: 1, windowEndsAt: T0 + 60 * MINUTE },
          { key: 'z', limit: '10.00', spent: '2.00', reserved: '1.50', openHolds: 1 },
        ]);
      });

      it('counts holds due by then as expired', async () => {
        const l = await ledger();
        await l.reserve(hold('a', '1.50', [budget('z', '10')], T0, T0 + MINUTE));
        await expect(l.inspect(T0 + MINUTE)).resolves.toEqual([{ key: 'z', limit: '10.00', spent: '1.50', reserved: '0.00', openHolds: 0 }]);
      });
    });
  });
}
