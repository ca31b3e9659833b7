/**
 * Calendar windows (day, ISO week from Monday, month) in an IANA time zone, with Intl only.
 * A window is named by its first local date and bounded by the instants its local dates
 * begin, so daylight-saving days are 23 or 25 hours long and still reset at local midnight.
 */
export type WindowPeriod = 'day' | 'week' | 'month';

export interface CalendarWindow {
  readonly period: WindowPeriod;
  /** "2026-11-24" (day), "2026-11-23" (the Monday of a week), "2026-11" (month). */
  readonly id: string;
  readonly timeZone: string;
  /** First instant of the window (epoch ms). */
  readonly startsAt: number;
  /** First instant after it (epoch ms). */
  readonly endsAt: number;
}

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** What a formatter reads: the local date, or the date and the time of day (to the second). */
type Reading = 'date' | 'dateAndTime';

const DATE = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;
const READINGS: Record<Reading, Intl.DateTimeFormatOptions> = {
  date: DATE,
  dateAndTime: { ...DATE, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' },
};
const formatters: Record<Reading, Map<string, Intl.DateTimeFormat>> = { date: new Map(), dateAndTime: new Map() };

function formatterFor(timeZone: string, reading: Reading = 'date'): Intl.DateTimeFormat {
  let formatter = formatters[reading].get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, ...READINGS[reading] });
    formatters[reading].set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError for a time zone this runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

interface WallClock extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** The local date at `ms` in `timeZone` and, read as 'dateAndTime', the time of day (else 0:00:00). */
function wallClockAt(ms: number, timeZone: string, reading: Reading): WallClock {
  const wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone, reading).formatToParts(ms)) {
    if (Object.hasOwn(wall, part.type)) wall[part.type as keyof WallClock] = Number(part.value);
  }
  return wall;
}

function localDateAt(ms: number, timeZone: string): LocalDate {
  return wallClockAt(ms, timeZone, 'date');
}

/** Days since the epoch of a calendar date (proleptic Gregorian): comparable and steppable. */
function dayNumber(date: LocalDate): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / 86_400_000);
}

function dateOfDayNumber(days: number): LocalDate {
  const at = new Date(days * 86_400_000);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * The first instant whose local date (in `timeZone`) is `days` or later. Offsets are within
 * ±26 h, so the answer lies within 36 h of UTC midnight of that date; bisect to the millisecond.
 */
function firstInstantOfDay(days: number, timeZone: string): number {
  let low = days * 86_400_000 - 36 * 3_600_000;
  let high = days * 86_400_000 + 36 * 3_600_000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (dayNumber(localDateAt(middle, timeZone)) >= days) high = middle;
    else low = middle;
  }
  return high;
}

const windowCache = new Map<string, CalendarWindow>();

/** The window of `period` that contains the instant `ms`, in `timeZone`. */
export function windowAt(ms: number, period: WindowPeriod, timeZone: string): CalendarWindow {
  const local = localDateAt(ms, timeZone);
  let first: number;
  let next: number;
  let id: string;
  if (period === 'day') {
    first = dayNumber(local);
    next = first + 1;
    id = `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;
  } else if (period === 'week') {
    const today = dayNumber(local);
    // Day 0 of the epoch (1970-01-01) was a Thursday; ISO weeks start on Monday.
    const sinceMonday = (((today + 3) % 7) + 7) % 7;
    first = today - sinceMonday;
    next = first + 7;
    const monday = dateOfDayNumber(first);
    id = `${pad(monday.year, 4)}-${pad(monday.month)}-${pad(monday.day)}`;
  } else {
    first = dayNumber({ year: local.year, month: local.month, day: 1 });
    next = dayNumber({ year: local.month === 12 ? local.year + 1 : local.year, month: local.month === 12 ? 1 : local.month + 1, day: 1 });
    id = `${pad(local.year, 4)}-${pad(local.month)}`;
  }
  const cacheKey = `${timeZone}|${period}|${id}`;
  const cached = windowCache.get(cacheKey);
  if (cached) return cached;
  const window: CalendarWindow = {
    period, id, timeZone, startsAt: firstInstantOfDay(first, timeZone), endsAt: firstInstantOfDay(next, timeZone),
  };
  if (windowCache.size > 4096) windowCache.clear();
  windowCache.set(cacheKey, window);
  return window;
}

const DAY_MS = 86_400_000;

/** How long the window would be with no change of UTC offset inside it: its days times 24 h. */
function steadyLength(window: CalendarWindow): number {
  if (window.period === 'day') return DAY_MS;
  if (window.period === 'week') return 7 * DAY_MS;
  const year = Number(window.id.slice(0, 4));
  const month = Number(window.id.slice(5, 7));
  return new Date(Date.UTC(year, month, 0)).getUTCDate() * DAY_MS;
}

/** The zone's UTC offset at `ms`, in ms (whole seconds: tzdata's changes fall on whole seconds). */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallClockAt(ms, timeZone, 'dateAndTime');
  const second = ms - (((ms % 1000) + 1000) % 1000);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - second;
}

/**
 * Whether every instant from `startsAt` to `endsAt` has one of the window's local dates, so that
 * the window can be given again for any of them without asking Intl. The local date is the
 * instant plus the zone's offset: while the offset stays the same it only moves forward.
 * tzdata has no zone that changes its offset and back within one month, so a window with the
 * same offset at both ends has no change inside: it holds if its first and last instant have
 * its dates (a window as long as its days always does). A window with one change inside (a
 * daylight-saving day, week or month) holds if the first and last instant on each side of the
 * change have its dates; across a change the date can step back out of it (St. John's until
 * 2011 turned 00:01 back to 23:01 the day before), and then it does not. One with more than one
 * change inside is not reasoned about: it does not hold.
 */
function holdsThroughout(window: CalendarWindow): boolean {
  const { startsAt, endsAt, period, timeZone, id } = window;
  if (endsAt - startsAt === steadyLength(window)) return true;
  const inWindow = (ms: number) => windowAt(ms, period, timeZone).id === id;
  const before = offsetAt(startsAt, timeZone);
  const after = offsetAt(endsAt - 1, timeZone);
  // The same offset at both ends of a window not as long as its days: the change is at one of
  // its bounds (clocks that spring forward at midnight: Santiago, Beirut, Havana), none inside.
  if (before === after) return inWindow(startsAt) && inWindow(endsAt - 1);
  // The first instant with another offset: offsetAt(low) is `before`, offsetAt(high) is not.
  let low = startsAt;
  let high = endsAt - 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  if (offsetAt(high, timeZone) !== after) return false;
  return inWindow(startsAt) && inWindow(high - 1) && inWindow(high) && inWindow(endsAt - 1);
}

/**
 * holdsThroughout's answer per window, worked out once (windowAt gives the same object for a
 * window while its cache keeps it): a clock that goes back and forth between two windows, or a
 * window that does not hold, must not pay for the bisection on every call.
 */
const holds = new WeakMap<CalendarWindow, boolean>();

function keepable(window: CalendarWindow): boolean {
  let answer = holds.get(window);
  if (answer === undefined) {
    answer = holdsThroughout(window);
    holds.set(window, answer);
  }
  return answer;
}

/** The latest window asked for, per period and zone. */
const current: Record<WindowPeriod, Map<string, CalendarWindow>> = { day: new Map(), week: new Map(), month: new Map() };

/**
 * windowAt for the guard's hot path: every call of a windowed budget asks for the window of
 * "now", and reading a local date through Intl costs microseconds. The last window of each
 * period and zone is kept and given again while `ms` lies inside its bounds; an instant before
 * it (a clock set back) or from its end on asks windowAt again. A window is kept only if every
 * instant inside its bounds has one of its dates (holdsThroughout, worked out once per window):
 * one with no daylight-saving change inside, one whose change is at a bound, and one with a
 * change that does not step the local date out of it. A window the local date steps out of
 * (St. John's day of 2010-11-06) is asked of Intl on every call, as before.
 */
export function currentWindow(ms: number, period: WindowPeriod, timeZone: string): CalendarWindow {
  const kept = current[period].get(timeZone);
  if (kept !== undefined && kept.startsAt <= ms && ms < kept.endsAt) return kept;
  const window = windowAt(ms, period, timeZone);
  if (keepable(window)) {
    if (current[period].size >= 256) current[period].clear();
    current[period].set(timeZone, window);
  }
  return window;
}
