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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError for a time zone this runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function localDateAt(ms: number, timeZone: string): LocalDate {
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return { year, month, day };
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

/** The latest window asked for, per period and zone. */
const current: Record<WindowPeriod, Map<string, CalendarWindow>> = { day: new Map(), week: new Map(), month: new Map() };

/**
 * windowAt for the guard's hot path: every call of a windowed budget asks for the window of
 * "now", and reading a local date through Intl costs microseconds. The last window of each
 * period and zone is kept and given again while `ms` lies inside its bounds; an instant before
 * it (a clock set back) or from its end on asks windowAt again. Only a window exactly as long as
 * its days is kept, one with no daylight-saving change inside it (tzdata has no zone that changes
 * its offset and back within one month): there the local date only moves forward, so every
 * instant between its bounds has one of its dates. Across a change the local date can step back
 * (St. John's until 2011 turned 00:01 back to 23:01 the day before), so such a window (a day, a
 * week or a month with a change in it) is asked of Intl on every call, as before.
 */
export function currentWindow(ms: number, period: WindowPeriod, timeZone: string): CalendarWindow {
  const kept = current[period].get(timeZone);
  if (kept !== undefined && kept.startsAt <= ms && ms < kept.endsAt) return kept;
  const window = windowAt(ms, period, timeZone);
  if (window.endsAt - window.startsAt === steadyLength(window)) {
    if (current[period].size >= 256) current[period].clear();
    current[period].set(timeZone, window);
  }
  return window;
}
