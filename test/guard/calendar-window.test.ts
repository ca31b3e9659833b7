import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowAt } from '../../src/guard/calendar-window.js';
import { BudgetExceededError, createBudgetGuard } from '../../src/index.js';

const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'p', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true }; // $4.32
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar windows', () => {
  it('a day in New York ends at local midnight, 23 or 25 hours long across daylight saving', () => {
    const before = windowAt(at('2026-11-25T04:59:59.999Z'), 'day', 'America/New_York');
    const after = windowAt(at('2026-11-25T05:00:00.000Z'), 'day', 'America/New_York');
    expect([before.id, iso(before.endsAt)]).toEqual(['2026-11-24', '2026-11-25T05:00:00.000Z']);
    expect([after.id, iso(after.startsAt)]).toEqual(['2026-11-25', '2026-11-25T05:00:00.000Z']);
    const springForward = windowAt(at('2026-03-08T12:00:00Z'), 'day', 'America/New_York');
    expect(springForward.endsAt - springForward.startsAt).toBe(23 * 3_600_000);
    const fallBack = windowAt(at('2026-11-01T12:00:00Z'), 'day', 'America/New_York');
    expect(fallBack.endsAt - fallBack.startsAt).toBe(25 * 3_600_000);
  });

  it('a month in Kolkata (UTC+5:30) turns at 18:30 UTC on the last day', () => {
    expect(windowAt(at('2026-11-30T18:29:59.999Z'), 'month', 'Asia/Kolkata').id).toBe('2026-11');
    const december = windowAt(at('2026-11-30T18:30:00.000Z'), 'month', 'Asia/Kolkata');
    expect([december.id, iso(december.startsAt), iso(december.endsAt)]).toEqual(['2026-12', '2026-11-30T18:30:00.000Z', '2026-12-31T18:30:00.000Z']);
    const leap = windowAt(at('2028-02-29T18:29:00Z'), 'month', 'Asia/Kolkata');
    expect([leap.id, iso(leap.endsAt)]).toEqual(['2028-02', '2028-02-29T18:30:00.000Z']);
    expect(windowAt(at('2026-12-31T18:30:00Z'), 'month', 'Asia/Kolkata').id).toBe('2027-01');
  });

  it('weeks start on Monday in the zone', () => {
    // Sunday 23:30 in New York is already Monday in UTC.
    expect(windowAt(at('2026-11-30T04:30:00Z'), 'week', 'America/New_York').id).toBe('2026-11-23');
    expect(windowAt(at('2026-11-30T04:30:00Z'), 'week', 'UTC').id).toBe('2026-11-30');
    expect(iso(windowAt(at('2026-11-30T04:30:00Z'), 'week', 'America/New_York').endsAt)).toBe('2026-11-30T05:00:00.000Z');
  });

  it('properties: every instant lies in its window, and the next window starts where it ends', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Europe/London'];
    fc.assert(fc.property(
      fc.integer({ min: at('1990-01-01T00:00:00Z'), max: at('2060-01-01T00:00:00Z') }),
      fc.constantFrom('day' as const, 'week' as const, 'month' as const),
      fc.constantFrom(...zones),
      (ms, period, zone) => {
        const window = windowAt(ms, period, zone);
        expect(window.startsAt).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan(window.endsAt);
        expect(windowAt(window.endsAt - 1, period, zone).id).toBe(window.id);
        expect(windowAt(window.endsAt, period, zone).startsAt).toBe(window.endsAt);
        expect(windowAt(window.startsAt, period, zone).id).toBe(window.id);
      },
    ), { numRuns: 300 });
  });
});

describe('windowed budgets reset at the boundary in their zone (injected clock)', () => {
  async function spendUntilRefused(zone: string, window: 'day' | 'month', start: number) {
    const clock = { now: start };
    const guard = createBudgetGuard({ budgets: [{ name: 'b', limit: '5.00', window, timeZone: zone }], now: () => clock.now });
    const spend = async () => (await guard.reserve(V2V, HDR_1080)).commit();
    return { guard, clock, spend };
  }

  it('New York, daily: refused at 23:59:59.999, admitted at midnight', async () => {
    const { guard, clock, spend } = await spendUntilRefused('America/New_York', 'day', at('2026-11-25T04:00:00Z'));
    await spend();
    clock.now = at('2026-11-25T04:59:59.999Z');
    await expect(spend()).rejects.toBeInstanceOf(BudgetExceededError);
    clock.now = at('2026-11-25T05:00:00.000Z');
    await spend();
    expect(await guard.status()).toMatchObject({ spent: '4.32', remaining: '0.68', budget: { window: { id: '2026-11-25' } } });
  });

  it('Kolkata, monthly: refused on the last evening of November, admitted in December', async () => {
    const { guard, clock, spend } = await spendUntilRefused('Asia/Kolkata', 'month', at('2026-11-22T00:00:00Z'));
    await spend();
    clock.now = at('2026-11-30T18:29:59.999Z');
    const error = await spend().catch((caught: unknown) => caught as BudgetExceededError);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).message).toContain('left of $5.00 this month');
    clock.now = at('2026-11-30T18:30:00.000Z');
    await spend();
    expect(await guard.status()).toMatchObject({ spent: '4.32', budget: { window: { id: '2026-12', timeZone: 'Asia/Kolkata' } } });
  });

  it('a hold reserved before midnight stays in its own day', async () => {
    const clock = { now: at('2026-11-25T04:59:00Z') };
    const guard = createBudgetGuard({ budgets: [{ name: 'b', limit: '5.00', window: 'day', timeZone: 'America/New_York' }], now: () => clock.now });
    const late = await guard.reserve(V2V, HDR_1080);
    clock.now = at('2026-11-25T05:01:00Z');
    await late.commit();
    expect(await guard.status()).toMatchObject({ spent: '0.00', reserved: '0.00', budget: { window: { id: '2026-11-25' } } });
    await guard.reserve(V2V, HDR_1080);
    expect(await guard.status()).toMatchObject({ reserved: '4.32' });
  });
});
