import { HfqError } from './errors.js';

/**
 * Intraday times in hfq are milliseconds since local midnight (exchange time, China Standard
 * Time for A-shares), stored in `Int32Array`s: differences are durations, and 15:00:00 is
 * 54_000_000. These helpers build and print them.
 */

/** `timeOfDay(9, 31)` = 09:31:00.000 as ms since midnight. */
export function timeOfDay(h: number, m = 0, s = 0, ms = 0): number {
  if (
    !Number.isInteger(h) ||
    !Number.isInteger(m) ||
    !Number.isInteger(ms) ||
    h < 0 ||
    h > 23 ||
    m < 0 ||
    m > 59 ||
    s < 0 ||
    s >= 60 ||
    ms < 0 ||
    ms > 999
  ) {
    throw new HfqError('INVALID_ARGUMENT', `not a time of day: ${h}:${m}:${s}.${ms}`, { field: 'time' });
  }
  return Math.round(((h * 60 + m) * 60 + s) * 1000 + ms);
}

/** ms since midnight -> `HH:MM:SS` (with `.mmm` when not whole seconds). */
export function formatTimeOfDay(t: number): string {
  const ms = t % 1000;
  const s = Math.floor(t / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return ms === 0 ? `${hh}:${mm}:${ss}` : `${hh}:${mm}:${ss}.${String(ms).padStart(3, '0')}`;
}

/**
 * Parses `HH:MM`, `HH:MM:SS`, `HH:MM:SS.mmm`, or the vendor integer forms `HHMMSS`,
 * `HHMMSSmmm` (e.g. `93103000`) into ms since midnight. @throws `INVALID_ARGUMENT`
 */
export function parseTimeOfDay(text: string | number, field = 'time'): number {
  const s = String(text).trim();
  let m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(s);
  if (m) {
    return timeOfDayChecked(
      Number(m[1]),
      Number(m[2]),
      Number(m[3] ?? 0),
      Number((m[4] ?? '0').padEnd(3, '0')),
      s,
      field,
    );
  }
  m = /^\d{5,9}$/.exec(s);
  if (m) {
    const digits = s.length <= 6 ? s.padStart(6, '0') : s.padStart(9, '0');
    const h = Number(digits.slice(0, 2));
    const mi = Number(digits.slice(2, 4));
    const se = Number(digits.slice(4, 6));
    const ms = digits.length === 9 ? Number(digits.slice(6, 9)) : 0;
    return timeOfDayChecked(h, mi, se, ms, s, field);
  }
  throw new HfqError('INVALID_ARGUMENT', `cannot read ${JSON.stringify(text)} as a time of day`, { field });
}

function timeOfDayChecked(h: number, m: number, s: number, ms: number, text: string, field: string): number {
  try {
    return timeOfDay(h, m, s, ms);
  } catch {
    throw new HfqError('INVALID_ARGUMENT', `cannot read ${JSON.stringify(text)} as a time of day`, { field });
  }
}
