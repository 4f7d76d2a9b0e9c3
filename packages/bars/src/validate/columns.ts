import type { IssueList } from './issues.js';

/** Milliseconds in a day: times of day lie in [0, DAY_MS). */
const DAY_MS = 86_400_000;

/**
 * The column rules every timed frame shares: `time` an `Int32Array` (else `BARS_MISSING_COLUMN`,
 * and nothing more is checked), each of `fields` a `Float64Array` (`BARS_MISSING_COLUMN`) with
 * one value per time (`BARS_LENGTH_MISMATCH`). Adds what it finds to `out`; true when none of
 * these rules is broken.
 */
export function checkTimedColumns<K extends string>(
  f: { readonly time: unknown } & { readonly [k in K]: unknown },
  fields: readonly K[],
  out: IssueList,
): boolean {
  if (!(f.time instanceof Int32Array)) {
    out.add('BARS_MISSING_COLUMN', 'time must be an Int32Array', { field: 'time' });
    return false;
  }
  const n = f.time.length;
  let ok = true;
  for (const k of fields) {
    const a = f[k];
    if (!(a instanceof Float64Array)) {
      out.add('BARS_MISSING_COLUMN', `${k} must be a Float64Array`, { field: k });
      ok = false;
    } else if (a.length !== n) {
      out.add('BARS_LENGTH_MISMATCH', `${k} has ${a.length} rows, time has ${n}`, { field: k });
      ok = false;
    }
  }
  return ok;
}

/** `BARS_INVALID_TIME` at row `row` unless `t` (ms since midnight) lies in [0, 24 h). */
export function checkTimeOfDay(t: number, row: number, out: IssueList): void {
  if (t < 0 || t >= DAY_MS)
    out.add('BARS_INVALID_TIME', `time ${t} ms is outside the day`, { field: 'time', row });
}
