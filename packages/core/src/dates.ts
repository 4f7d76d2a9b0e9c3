import { HfqError } from './errors.js';

/**
 * Dates in hfq are trading days written as `yyyymmdd` integers (e.g. `20250228`), the form
 * exchanges and vendors use. These helpers convert them without time zones: a `yyyymmdd` is a
 * calendar day, not an instant.
 */

const MS_PER_DAY = 86_400_000;

/** True when `ymd` is an integer naming a real calendar day between 1900-01-01 and 2999-12-31. */
export function isYmd(ymd: number): boolean {
  if (!Number.isInteger(ymd) || ymd < 19000101 || ymd > 29991231) return false;
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

/** Throws `INVALID_ARGUMENT` unless `ymd` is a valid `yyyymmdd` day. Returns it. */
export function checkYmd(ymd: number, field = 'date'): number {
  if (!isYmd(ymd)) {
    throw new HfqError(
      'INVALID_ARGUMENT',
      `${field} must be a yyyymmdd integer naming a real day, got ${ymd}`,
      {
        field,
      },
    );
  }
  return ymd;
}

/** Days in month `m` (1-12) of year `y` (Gregorian). */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** `yyyymmdd` -> days since 1970-01-01 (an integer, negative before 1970). */
export function ymdToEpochDay(ymd: number): number {
  checkYmd(ymd);
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** Days since 1970-01-01 -> `yyyymmdd`. */
export function epochDayToYmd(day: number): number {
  const dt = new Date(day * MS_PER_DAY);
  return dt.getUTCFullYear() * 10000 + (dt.getUTCMonth() + 1) * 100 + dt.getUTCDate();
}

/** Day of week of a `yyyymmdd`: 0 = Sunday ... 6 = Saturday. */
export function ymdWeekday(ymd: number): number {
  return (((ymdToEpochDay(ymd) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Adds `n` calendar days (not trading days) to a `yyyymmdd`. */
export function addCalendarDays(ymd: number, n: number): number {
  return epochDayToYmd(ymdToEpochDay(ymd) + n);
}

/** Calendar days from `a` to `b` (b - a). */
export function calendarDaysBetween(a: number, b: number): number {
  return ymdToEpochDay(b) - ymdToEpochDay(a);
}

/** Year of a `yyyymmdd`. */
export function ymdYear(ymd: number): number {
  return Math.floor(ymd / 10000);
}

/** Year and month as `yyyymm` (for monthly grouping). */
export function ymdMonth(ymd: number): number {
  return Math.floor(ymd / 100);
}

/** `yyyymmdd` -> `YYYY-MM-DD`. */
export function formatYmd(ymd: number): string {
  const s = String(ymd);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/**
 * Parses `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD` (string or number) into a `yyyymmdd`
 * integer (one separator style per date).
 * Throws `INVALID_ARGUMENT` for anything else or for a day that does not exist.
 */
export function parseYmd(text: string | number, field = 'date'): number {
  if (typeof text === 'number') return checkYmd(text, field);
  const m = /^\s*(\d{4})([-/.]?)(\d{2})\2(\d{2})\s*$/.exec(text);
  if (!m) throw new HfqError('INVALID_ARGUMENT', `cannot read ${JSON.stringify(text)} as a date`, { field });
  return checkYmd(Number(m[1]) * 10000 + Number(m[3]) * 100 + Number(m[4]), field);
}

/**
 * Weekdays from `from` to `to` inclusive, minus `holidays`: a stand-in trading calendar for
 * synthetic markets and tests. Real calendars come from data (the days that have bars).
 */
export function weekdays(from: number, to: number, holidays: Iterable<number> = []): Int32Array {
  const skip = new Set(holidays);
  const start = ymdToEpochDay(from);
  const end = ymdToEpochDay(to);
  const out: number[] = [];
  for (let d = start; d <= end; d++) {
    const wd = (((d + 4) % 7) + 7) % 7;
    if (wd === 0 || wd === 6) continue;
    const ymd = epochDayToYmd(d);
    if (!skip.has(ymd)) out.push(ymd);
  }
  return Int32Array.from(out);
}
