import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { currentWindow, windowAt, type WindowPeriod } from '../../src/guard/calendar-window.js';
import { createBudgetGuard } from '../../src/index.js';

/*
 * The guard keeps the window of "now" per period and zone (calendar-window.ts currentWindow)
 * instead of asking Intl on every call. windowAt is the reference: whatever order instants come
 * in (forward, across midnight, across daylight saving, a clock set back), the kept window must
 * be the one windowAt gives.
 */

const at = (iso: string) => Date.parse(iso);
const V2V = 'luma/agent/ray/v3.2/video-to-video';
const HDR_1080 = { prompt: 'p', video_url: 'https://example.com/in.mp4', resolution: '1080p', hdr: true }; // $4.32

describe('the window of now, kept per period and zone', () => {
  it('rolls over at local midnight in New York, and back when the clock is set back', () => {
    const zone = 'America/New_York';
    expect(currentWindow(at('2026-11-25T04:59:59.999Z'), 'day', zone).id).toBe('2026-11-24');
    expect(currentWindow(at('2026-11-25T05:00:00.000Z'), 'day', zone).id).toBe('2026-11-25');
    expect(currentWindow(at('2026-11-25T04:59:59.999Z'), 'day', zone).id).toBe('2026-11-24');
    expect(currentWindow(at('2026-11-30T04:59:59.999Z'), 'week', zone).id).toBe('2026-11-23');
    expect(currentWindow(at('2026-11-30T05:00:00.000Z'), 'week', zone).id).toBe('2026-11-30');
    expect(currentWindow(at('2026-12-01T04:59:59.999Z'), 'month', zone).id).toBe('2026-11');
    expect(currentWindow(at('2026-12-01T05:00:00.000Z'), 'month', zone).id).toBe('2026-12');
    expect(currentWindow(at('2026-11-15T00:00:00.000Z'), 'month', zone).id).toBe('2026-11');
  });

  it('a day whose local date steps back (St. John\'s, 2010-11-07: 00:01 became 23:01 the day before) is windowAt\'s, minute by minute', () => {
    const zone = 'America/St_Johns';
    for (let ms = at('2010-11-07T02:00:00Z'); ms <= at('2010-11-07T04:00:00Z'); ms += 30_000) {
      expect(currentWindow(ms, 'day', zone)).toEqual(windowAt(ms, 'day', zone));
    }
  });

  it('keeps a daylight-saving month, week and day as well: another instant inside it asks Intl nothing', () => {
    const zone = 'America/New_York'; // 2026-11-01 02:00 EDT became 01:00 EST
    const cases: [WindowPeriod, string, string, number][] = [
      ['month', '2026-11-10T12:00:00Z', '2026-11-25T12:00:00Z', 30 * 24 + 1],
      ['week', '2026-10-27T12:00:00Z', '2026-11-01T20:00:00Z', 7 * 24 + 1],
      ['day', '2026-11-01T04:30:00Z', '2026-11-02T04:00:00Z', 25],
      ['month', '2027-03-02T12:00:00Z', '2027-03-31T12:00:00Z', 31 * 24 - 1],
    ];
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      for (const [period, first, later, hours] of cases) {
        const window = currentWindow(at(first), period, zone);
        expect(window.endsAt - window.startsAt).toBe(hours * 3_600_000);
        formatToParts.mockClear();
        expect(currentWindow(at(later), period, zone)).toBe(window);
        expect(currentWindow(at(first), period, zone)).toBe(window);
        expect(formatToParts).not.toHaveBeenCalled();
      }
    } finally {
      formatToParts.mockRestore();
    }
  });

  it('does not keep the day the local date steps out of (St. John\'s, 2010-11-06, ending 02:30Z to 03:30Z), but keeps its week and month', () => {
    // 02:30Z was 00:00 on the 7th (ADT); at 02:31Z, 00:01 became 23:01 on the 6th (NST), until 03:30Z.
    const zone = 'America/St_Johns';
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const kept = (period: WindowPeriod) => {
        currentWindow(at('2010-11-06T12:00:00Z'), period, zone);
        formatToParts.mockClear();
        currentWindow(at('2010-11-07T03:00:00Z'), period, zone);
        return formatToParts.mock.calls.length === 0;
      };
      expect([kept('day'), kept('week'), kept('month')]).toEqual([false, true, true]);
    } finally {
      formatToParts.mockRestore();
    }
  });

  it('keeps a day whose change is at local midnight, a bound of it (Beirut and Havana spring forward at 00:00)', () => {
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      for (const [zone, first, later] of [['Asia/Beirut', '2027-03-28T06:00:00Z', '2027-03-28T20:00:00Z'], ['America/Havana', '2027-03-14T12:00:00Z', '2027-03-15T03:00:00Z']] as const) {
        const window = currentWindow(at(first), 'day', zone);
        expect(window.endsAt - window.startsAt).toBe(23 * 3_600_000);
        formatToParts.mockClear();
        expect(currentWindow(at(later), 'day', zone)).toBe(window);
        expect(formatToParts).not.toHaveBeenCalled();
      }
    } finally {
      formatToParts.mockRestore();
    }
  });

  it('works out once whether a window can be kept: a clock going back and forth costs one Intl read a call', () => {
    const formatToParts = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const walk = [
        ['2010-11-06T12:00:00Z', 'day', 'America/St_Johns'], // not kept: read every call
        ['2027-03-31T12:00:00Z', 'month', 'America/New_York'], // March, with its change, and April
        ['2027-04-01T12:00:00Z', 'month', 'America/New_York'],
      ] as const;
      for (const [instant, period, zone] of walk) currentWindow(at(instant), period, zone);
      formatToParts.mockClear();
      for (let round = 0; round < 10; round += 1) {
        for (const [instant, period, zone] of walk) expect(currentWindow(at(instant) + round, period, zone)).toEqual(windowAt(at(instant) + round, period, zone));
      }
      // Each call reads Intl at most once itself, and windowAt, the reference, once more.
      expect(formatToParts.mock.calls.length).toBeLessThanOrEqual(2 * 10 * walk.length);
    } finally {
      formatToParts.mockRestore();
    }
  });

  it('properties: for any walk of instants, forward and back, the kept window is windowAt\'s', () => {
    const zones = ['UTC', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Beirut', 'Asia/Kolkata', 'Europe/London'];
    // Steps near window lengths and boundaries: a millisecond, an hour, a day, a month, either way.
    const step = fc.oneof(
      fc.integer({ min: -2, max: 2 }),
      fc.integer({ min: -3_600_000, max: 3_600_000 }),
      fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
      fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }),
    );
    fc.assert(fc.property(
      fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
      fc.array(step, { minLength: 1, maxLength: 40 }),
      fc.constantFrom<WindowPeriod>('day', 'week', 'month'),
      fc.constantFrom(...zones),
      (start, steps, period, zone) => {
        let ms = start;
        for (const delta of steps) {
          ms += delta;
          expect(currentWindow(ms, period, zone)).toEqual(windowAt(ms, period, zone));
        }
      },
    ), { numRuns: 400 });
  });

  it('a guard whose clock goes back across midnight charges the day the clock says', async () => {
    const clock = { now: at('2026-11-25T04:59:59.999Z') };
    const guard = createBudgetGuard({ budgets: [{ name: 'b', limit: '50.00', window: 'day', timeZone: 'America/New_York' }], now: () => clock.now });
    const keyOf = async () => (await guard.reserve(V2V, HDR_1080)).budgets[0]!.key;
    expect(await keyOf()).toBe('b/day=2026-11-24@America%2FNew_York');
    clock.now = at('2026-11-25T05:00:00.000Z');
    expect(await keyOf()).toBe('b/day=2026-11-25@America%2FNew_York');
    clock.now = at('2026-11-25T04:59:00.000Z');
    expect(await keyOf()).toBe('b/day=2026-11-24@America%2FNew_York');
    expect(await guard.status()).toMatchObject({ reserved: '8.64', budget: { window: { id: '2026-11-24', endsAt: '2026-11-25T05:00:00.000Z' } } });
  });
});
