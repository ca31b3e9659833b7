import { describe, expect, it } from 'vitest';
import { createBudgetGuard, InvalidOptionError, LedgerUnavailableError, memoryLedger } from '../../src/index.js';

/*
 * The guard's clock picks a call's calendar windows. A clock that returns something that is not a
 * time, or a time its windows are not worked out for (before 1970: Intl gives year 50 as "50"
 * and year 0 as "1"; from year 10000 on), is refused with a typed error naming it, and nothing
 * is reserved.
 */

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'p', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true }; // $4.32
const daily = [{ name: 'daily', limit: '50.00', window: 'day' as const, timeZone: 'America/New_York' }];

describe('the guard\'s clock', () => {
  it.each([
    ['NaN', () => Number.NaN, 'now: the clock returned NaN, not a time'],
    ['an invalid Date', () => new Date('nope'), 'now: the clock returned Invalid Date, not a time'],
    ['a string', () => '2026-11-24' as unknown as number, 'now: the clock returned 2026-11-24, not a time'],
    ['year 50', () => new Date('0050-03-15T12:00:00Z'), 'now: the clock returned 0050-03-15T12:00:00.000Z, outside 1970-01-01 to 9999-12-31'],
    ['one millisecond before 1970', () => -1, 'now: the clock returned 1969-12-31T23:59:59.999Z, outside 1970-01-01 to 9999-12-31'],
    ['year 10000', () => Date.UTC(10_000, 0, 1), 'now: the clock returned +010000-01-01T00:00:00.000Z, outside 1970-01-01 to 9999-12-31'],
  ])('refuses %s, naming the option, and reserves nothing', async (_, now, message) => {
    const ledger = memoryLedger();
    const guard = createBudgetGuard({ budgets: daily, ledger, now });
    const refused = await guard.reserve(V2V, HDR_1080).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidOptionError);
    expect(refused).toMatchObject({ option: 'now', message });
    const healthy = createBudgetGuard({ budgets: daily, ledger, now: () => Date.parse('2026-11-24T12:00:00Z') });
    expect((await healthy.status()).reserved).toBe('0.00');
  });

  it('takes the first and the last millisecond of the range, in the windows they belong to', async () => {
    // (status, not reserve: no price is in effect in 1970)
    for (const [instant, day] of [[0, '1969-12-31'], [Date.UTC(10_000, 0, 1) - 1, '9999-12-31']] as const) {
      const guard = createBudgetGuard({ budgets: daily, now: () => instant });
      expect(await guard.status()).toMatchObject({ reserved: '0.00', budget: { window: { id: day } } });
    }
  });

  it('a ledger clock out of range fails closed: the ledger is unusable', async () => {
    const ledger = Object.assign(memoryLedger(), { clock: async () => Date.UTC(1950, 0, 1) });
    const guard = createBudgetGuard({ budgets: daily, ledger });
    const refused = await guard.reserve(V2V, HDR_1080).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LedgerUnavailableError);
    expect((refused as Error).message).toContain('its clock returned 1950-01-01T00:00:00.000Z, outside 1970-01-01 to 9999-12-31');
  });
});
