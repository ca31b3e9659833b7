/**
 * Instants as people write them: "2026-11-24" (midnight UTC, like the tables' own dates) or a
 * date-time with an explicit offset ("2026-11-24T12:00:00Z", "...+05:30"). Strict where
 * Date.parse is lenient: 2026-02-30 does not roll over into March, a date-time without an offset
 * is not read in the machine's zone, and the result is within Date's range.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2})))?$/;
const MAX_MS = 8.64e15;

/** Epoch ms, or undefined when `text` is not a real instant of that form. */
export function parseInstant(text: string): number | undefined {
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', zone, zoneHours = '00', zoneMinutes = '00'] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Date.UTC rolls 02-30 over to 03-02: a date that does not come back unchanged does not exist.
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59 || Number(zoneHours) > 23 || Number(zoneMinutes) > 59) return undefined;
  if (match[4] !== undefined && zone === undefined) return undefined;
  const ms = match[4] === undefined ? date.getTime() : Date.parse(text);
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_MS ? ms : undefined;
}

/** A Date, epoch ms or instant text as epoch ms; undefined when it is none of those. */
export function instantOf(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_MS ? value : undefined;
  if (typeof value === 'string') return parseInstant(value.trim());
  return undefined;
}
