/**
 * A sequence model's predicted path in return units, without look-ahead, and its mapping onto
 * the rebalance steps of the multi-period optimiser.
 *
 * The models output standardised scores per day of the path. At each score date T, day k's scores
 * become an expected daily return through the slope of a pooled cross-sectional regression of the
 * realised day-k return on the day-k score, over every earlier out-of-sample score date t whose
 * day-k return was known at the close of T (t + entryLag + k <= T, in trading days): an expanding
 * window, because the out-of-sample history is short (the demo: about 48 weekly dates) and the
 * slope of one day of one week is noisy; a trailing window would throw most of it away.
 */
import { HfqError, Panel } from '@hfq/core';
import { forwardReturns } from '@hfq/metrics';

/** A path in return units on the score dates. */
export interface CalibratedPath {
  /** The score dates T (yyyymmdd). */
  dates: Int32Array;
  /** As `SequencePath.entryLag`: `days[k - 1]` is the return of day T+entryLag+k. */
  entryLag: number;
  /**
   * H panels (score dates x assets): the expected return of day k (fraction per day),
   * cross-sectionally demeaned; NaN for a stock without a score, and on every date whose slope
   * is NaN (too little known history).
   */
  days: Panel<Float64Array>[];
  /** Slope per date and day (dates x H, row-major): return per unit of score; NaN when unknown. */
  slopes: Float64Array;
  /** Past score dates each slope pooled (dates x H, row-major). */
  pastDates: Int32Array;
}

/** Options of `calibratePath`. */
export interface CalibrationOptions {
  /** Cumulative adjustment factor of `close` (back-adjusted price = close x adjFactor). */
  adjFactor?: Panel;
  /** Past score dates needed before a day's slope is used (fewer: NaN). At least 1. */
  minDates: number;
}

/**
 * Calibrates each day of `path` to an expected daily return (see the module comment). Reads from
 * `close` only the returns known at each T. A stock-date with a NaN score or NaN realised return is
 * left out of the regression; a past date with fewer than 2 such stocks does not count.
 *
 * @param path - a `SequencePath` (H panels of scores on the score dates, the label timing).
 * @param close - daily closes (dates x the path's assets, same order), on a calendar holding every
 *   score date.
 * @throws HfqError `WORKFLOW_DATA` when a score date is not in `close`'s calendar or the assets
 *   differ; `WORKFLOW_CONFIG` when `minDates` < 1.
 */
export function calibratePath(
  path: { entryLag: number; days: readonly Panel[] },
  close: Panel,
  options: CalibrationOptions,
): CalibratedPath {
  const { minDates } = options;
  if (!Number.isInteger(minDates) || minDates < 1)
    throw new HfqError('WORKFLOW_CONFIG', `the calibration needs minDates >= 1, got ${minDates}`, {
      field: 'multiPeriod.minCalibrationDates',
    });
  const h = path.days.length;
  const first = path.days[0]!;
  const { dates, assets } = first;
  const n = assets.length;
  if (close.nAssets !== n || close.assets.some((a, i) => a !== assets[i]))
    throw new HfqError(
      'WORKFLOW_DATA',
      'the path and the closes must hold the same assets in the same order',
      {
        field: 'close',
      },
    );
  const cal = Int32Array.from(dates, (d) => {
    const i = close.dateIndex(d);
    if (i < 0)
      throw new HfqError('WORKFLOW_DATA', `score date ${d} is not a trading day of the closes`, {
        field: 'close',
        date: d,
      });
    return i;
  });
  // r1 row u: the return of close u -> close u + 1, known at the close of u + 1.
  const r1 = forwardReturns(close, 0, 1, options.adjFactor ? { adjFactor: options.adjFactor } : {});
  const lag = path.entryLag;
  const nT = dates.length;
  const days = Array.from({ length: h }, () => Panel.alloc(dates, assets, 'float64'));
  const slopes = new Float64Array(nT * h).fill(Number.NaN);
  const pastDates = new Int32Array(nT * h);
  const sxy = new Float64Array(h);
  const sxx = new Float64Array(h);
  const used = new Int32Array(h);
  const next = new Int32Array(h); // first score date not yet pooled, per day
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  /** Adds score date t's day-k pairs to the sums. */
  const pool = (t: number, k: number) => {
    const s = path.days[k]!.row(t);
    const r = r1.row(cal[t]! + lag + k); // day k+1 (0-based k): close T+lag+k -> T+lag+k+1
    let m = 0;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      const a = s[i]!;
      const b = r[i]!;
      if (Number.isFinite(a) && Number.isFinite(b)) {
        x[m] = a;
        y[m] = b;
        mx += a;
        my += b;
        m++;
      }
    }
    if (m < 2) return;
    mx /= m;
    my /= m;
    for (let i = 0; i < m; i++) {
      const dx = x[i]! - mx;
      sxy[k]! += dx * (y[i]! - my);
      sxx[k]! += dx * dx;
    }
    used[k]!++;
  };
  for (let j = 0; j < nT; j++) {
    const now = cal[j]!;
    for (let k = 0; k < h; k++) {
      // day k+1 of score date t is realised at the close of cal[t] + lag + k + 1
      while (next[k]! < j && cal[next[k]!]! + lag + k + 1 <= now) {
        pool(next[k]!, k);
        next[k]!++;
      }
      pastDates[j * h + k] = used[k]!;
      const b = used[k]! >= minDates && sxx[k]! > 0 ? sxy[k]! / sxx[k]! : Number.NaN;
      slopes[j * h + k] = b;
      if (Number.isNaN(b)) continue;
      const s = path.days[k]!.row(j);
      let mean = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(s[i]!)) {
          mean += s[i]!;
          c++;
        }
      }
      mean /= c;
      const out = days[k]!.row(j);
      for (let i = 0; i < n; i++) out[i] = Number.isFinite(s[i]!) ? b * (s[i]! - mean) : Number.NaN;
    }
  }
  return { dates, entryLag: lag, days, slopes, pastDates };
}

/**
 * Which days of a path fall in each rebalance step. Orders placed at T fill at T+1 (VWAP), and
 * the next rebalance is `every` trading days later, so step s (1-based) holds the portfolio over
 * the returns of days T+every(s-1)+2 .. T+every*s+1; day k of the path (the return of day
 * T+entryLag+k) belongs to the step whose range holds T+entryLag+k (a day before the first fill
 * belongs to none). Steps are listed while they hold at least one day of the path, up to
 * `maxSteps`; a last step may be partial (fewer than `every` days).
 * @returns per step, the 1-based days k it sums.
 * @throws HfqError `WORKFLOW_CONFIG` when `every` or `maxSteps` < 1, or no day falls in step 1.
 */
export function stepDays(horizon: number, entryLag: number, every: number, maxSteps: number): number[][] {
  if (!(every >= 1) || !(maxSteps >= 1))
    throw new HfqError(
      'WORKFLOW_CONFIG',
      `steps need every >= 1 and maxSteps >= 1, got ${every}, ${maxSteps}`,
      {
        field: 'multiPeriod.steps',
      },
    );
  const out: number[][] = [];
  for (let s = 1; s <= maxSteps; s++) {
    const lo = every * (s - 1) + 2;
    const hi = every * s + 1;
    const ks: number[] = [];
    for (let k = 1; k <= horizon; k++) if (entryLag + k >= lo && entryLag + k <= hi) ks.push(k);
    if (ks.length === 0) break;
    out.push(ks);
  }
  if (out.length === 0)
    throw new HfqError(
      'WORKFLOW_CONFIG',
      `no day of the path (days T+${entryLag + 1}..T+${entryLag + horizon}) falls in the first rebalance step`,
      { field: 'multiPeriod.steps' },
    );
  return out;
}

/** Sums the given days (1-based) of a calibrated path into one panel; NaN where any is NaN. */
export function sumDays(path: CalibratedPath, ks: readonly number[]): Panel<Float64Array> {
  const first = path.days[0]!;
  const out = Panel.alloc(first.dates, first.assets, 'float64', 0);
  const v = out.values;
  for (const k of ks) {
    const d = path.days[k - 1]!.values;
    for (let i = 0; i < v.length; i++) v[i]! += d[i]!;
  }
  return out;
}

/**
 * The cell-wise mean of panels on the same dates and assets (one per sequence model), over the
 * panels with a finite value there; NaN where none has one.
 */
export function meanPanels(panels: readonly Panel<Float64Array>[]): Panel<Float64Array> {
  const first = panels[0]!;
  if (panels.length === 1) return first;
  const out = Panel.alloc(first.dates, first.assets, 'float64');
  const v = out.values;
  for (let i = 0; i < v.length; i++) {
    let s = 0;
    let c = 0;
    for (const p of panels) {
      const x = p.values[i]!;
      if (Number.isFinite(x)) {
        s += x;
        c++;
      }
    }
    v[i] = c > 0 ? s / c : Number.NaN;
  }
  return out;
}
