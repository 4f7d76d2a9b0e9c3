import { VOLUME_BAR_FIELDS, type VolumeBars } from '../types.js';
import {
  IssueList,
  issueToError,
  resolveValidationOptions,
  type ValidationIssue,
  type ValidationOptions,
} from './issues.js';

/**
 * Every rule an equal-volume bar frame breaks (up to `maxIssues`).
 *
 * Rules: fields present with one length (`BARS_MISSING_COLUMN`, `BARS_LENGTH_MISMATCH`);
 * `barVolume` finite > 0 (`BARS_INVALID_BAR_VOLUME`); each bar spans >= 1 minute and ends no
 * earlier than it starts (`BARS_BAR_SPAN`); bars in time order without overlap
 * (`BARS_UNSORTED_TIME`); volume/amount finite and >= 0; prices finite > 0 unless the bar has no
 * volume; high >= low, open/close in [low, high], vwap in [low, high] (within `priceTolerance`:
 * the vwap of whole minutes lies inside their range) and NaN exactly when volume is 0. O(n).
 */
export function findVolumeBarIssues(f: VolumeBars, options?: ValidationOptions): ValidationIssue[] {
  const o = resolveValidationOptions(options);
  const out = new IssueList(o.maxIssues, f);
  const n = f.endTime?.length ?? 0;
  for (const [k, a] of [
    ['startTime', f.startTime],
    ['endTime', f.endTime],
    ['minutes', f.minutes],
  ] as const) {
    if (!(a instanceof Int32Array))
      out.add('BARS_MISSING_COLUMN', `${k} must be an Int32Array`, { field: k });
    else if (a.length !== n)
      out.add('BARS_LENGTH_MISMATCH', `${k} has ${a.length} rows, expected ${n}`, { field: k });
  }
  for (const k of VOLUME_BAR_FIELDS) {
    const a = f[k];
    if (!(a instanceof Float64Array))
      out.add('BARS_MISSING_COLUMN', `${k} must be a Float64Array`, { field: k });
    else if (a.length !== n)
      out.add('BARS_LENGTH_MISMATCH', `${k} has ${a.length} rows, expected ${n}`, { field: k });
  }
  if (out.issues.length > 0) return out.issues;
  if (!(f.barVolume > 0 && f.barVolume < Infinity)) {
    out.add('BARS_INVALID_BAR_VOLUME', `barVolume must be finite and > 0, got ${f.barVolume}`, {
      field: 'barVolume',
    });
  }
  const tol = o.priceTolerance;
  for (let i = 0; i < n && !out.full; i++) {
    if (f.minutes[i]! < 1)
      out.add('BARS_BAR_SPAN', `bar spans ${f.minutes[i]} minutes`, { field: 'minutes', row: i });
    if (f.endTime[i]! < f.startTime[i]!) {
      out.add('BARS_BAR_SPAN', `bar ends at ${f.endTime[i]} before it starts at ${f.startTime[i]}`, {
        field: 'endTime',
        row: i,
      });
    }
    if (i > 0 && f.startTime[i]! <= f.endTime[i - 1]!) {
      out.add(
        'BARS_UNSORTED_TIME',
        `bar starts at ${f.startTime[i]}, not after the previous bar's end ${f.endTime[i - 1]}`,
        {
          field: 'startTime',
          row: i,
        },
      );
    }
    const v = f.volume[i]!;
    const a = f.amount[i]!;
    if (!Number.isFinite(v)) out.add('BARS_NONFINITE_VOLUME', `volume is ${v}`, { field: 'volume', row: i });
    else if (v < 0) out.add('BARS_NEGATIVE_VOLUME', `volume ${v} < 0`, { field: 'volume', row: i });
    if (!Number.isFinite(a)) out.add('BARS_NONFINITE_VOLUME', `amount is ${a}`, { field: 'amount', row: i });
    else if (a < 0) out.add('BARS_NEGATIVE_AMOUNT', `amount ${a} < 0`, { field: 'amount', row: i });
    const lo = f.low[i]!;
    const hi = f.high[i]!;
    const allNaN = [f.open[i]!, hi, lo, f.close[i]!].every(Number.isNaN);
    if (allNaN && v === 0) continue;
    let ok = true;
    for (const p of ['open', 'high', 'low', 'close'] as const) {
      const x = f[p][i]!;
      if (!Number.isFinite(x)) {
        out.add('BARS_NONFINITE_PRICE', `${p} is ${x}`, { field: p, row: i });
        ok = false;
      } else if (x <= 0) {
        out.add('BARS_NONPOSITIVE_PRICE', `${p} ${x} <= 0`, { field: p, row: i });
        ok = false;
      }
    }
    if (!ok) continue;
    if (hi < lo - tol) out.add('BARS_HIGH_BELOW_LOW', `high ${hi} < low ${lo}`, { field: 'high', row: i });
    const op = f.open[i]!;
    const cl = f.close[i]!;
    if (op < lo - tol || op > hi + tol)
      out.add('BARS_OPEN_OUTSIDE_RANGE', `open ${op} outside [${lo}, ${hi}]`, { field: 'open', row: i });
    if (cl < lo - tol || cl > hi + tol)
      out.add('BARS_CLOSE_OUTSIDE_RANGE', `close ${cl} outside [${lo}, ${hi}]`, { field: 'close', row: i });
    const w = f.vwap[i]!;
    if (v > 0) {
      const vt = o.vwapTolerance;
      if (!(w >= lo * (1 - vt) - tol && w <= hi * (1 + vt) + tol)) {
        out.add('BARS_VWAP_OUTSIDE_RANGE', `vwap ${w} outside [${lo}, ${hi}]`, { field: 'vwap', row: i });
      }
    } else if (!Number.isNaN(w)) {
      out.add('BARS_VWAP_OUTSIDE_RANGE', `vwap ${w} of a bar with no volume (must be NaN)`, {
        field: 'vwap',
        row: i,
      });
    }
  }
  return out.issues;
}

/** Throws the first rule an equal-volume bar frame breaks as an `HfqError`; returns the frame when valid. */
export function validateVolumeBars(f: VolumeBars, options?: ValidationOptions): VolumeBars {
  const issues = findVolumeBarIssues(f, options);
  if (issues.length > 0) throw issueToError(issues[0]!, issues.length);
  return f;
}
