import { isMinuteBarEndInSession } from '../market/session.js';
import { MINUTE_BAR_FIELDS, type MinuteBars } from '../types.js';
import { checkTimedColumns, checkTimeOfDay } from './columns.js';
import {
  IssueList,
  issueToError,
  onGrid,
  resolveValidationOptions,
  type ValidationIssue,
  type ValidationOptions,
} from './issues.js';

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

function clock(t: number): string {
  if (!(t >= 0 && t < 86_400_000)) return `${t} ms`;
  const s = Math.floor(t / 1000);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}

/**
 * Which unit a time outside the session would be in the session under (HHMMSS integers, seconds,
 * minutes since midnight), as a hint for the reader's `timeNumbers` option. Refuses to guess
 * (no hint) unless exactly one unit fits.
 */
function unitHint(t: number): string {
  const fits: string[] = [];
  const hh = Math.floor(t / 10000);
  const mm = Math.floor(t / 100) % 100;
  const ss = t % 100;
  if (Number.isInteger(t) && mm < 60 && ss < 60 && isMinuteBarEndInSession(((hh * 60 + mm) * 60 + ss) * 1000))
    fits.push("HHMMSS integers (timeNumbers: 'hhmmss')");
  if (isMinuteBarEndInSession(t * 1000)) fits.push("seconds since midnight (timeNumbers: 'seconds')");
  if (t === 0) fits.push('a date without a time (the time column holds dates?)');
  return fits.length === 1 ? `: the time column looks like ${fits[0]}` : '';
}

/**
 * Every rule a minute-bar frame breaks (up to `maxIssues`), in row order per rule group.
 *
 * Rules: all fields present with one length (`BARS_MISSING_COLUMN`, `BARS_LENGTH_MISMATCH`);
 * times integers in [0, 24 h) (`BARS_INVALID_TIME`), strictly increasing (`BARS_UNSORTED_TIME`,
 * `BARS_DUPLICATE_TIME`); volume and amount finite (`BARS_NONFINITE_VOLUME`) and >= 0
 * (`BARS_NEGATIVE_VOLUME`, `BARS_NEGATIVE_AMOUNT`), trades >= 0 or NaN (not reported);
 * prices finite and > 0 (`BARS_NONFINITE_PRICE`, `BARS_NONPOSITIVE_PRICE`), except that a minute
 * with volume 0 may have all four prices NaN; high >= low (`BARS_HIGH_BELOW_LOW`), open and close
 * in [low, high] (`BARS_OPEN_OUTSIDE_RANGE`, `BARS_CLOSE_OUTSIDE_RANGE`), amount / volume in
 * [low, high] within `vwapTolerance` and no amount without volume (`BARS_VWAP_OUTSIDE_RANGE`);
 * prices on the `tickSize` grid (`BARS_OFF_TICK_GRID`); with `session: 'a-share'` (default), bar
 * end times inside the session (`BARS_OUTSIDE_SESSION`, naming the likely unit when the time
 * column was read in the wrong one). O(n).
 */
export function findMinuteBarIssues(f: MinuteBars, options?: ValidationOptions): ValidationIssue[] {
  const o = resolveValidationOptions(options);
  const out = new IssueList(o.maxIssues, f);
  if (!checkTimedColumns(f, MINUTE_BAR_FIELDS, out)) return out.issues;
  const n = f.time.length;
  const { time, open, high, low, close, volume, amount, trades } = f;
  const tol = o.priceTolerance;
  for (let i = 0; i < n && !out.full; i++) {
    const t = time[i]!;
    checkTimeOfDay(t, i, out);
    if (o.session === 'a-share' && !isMinuteBarEndInSession(t)) {
      out.add(
        'BARS_OUTSIDE_SESSION',
        `bar end time ${clock(t)} is outside the A-share session${unitHint(t)}`,
        {
          field: 'time',
          row: i,
        },
      );
    }
    if (i > 0) {
      const prev = time[i - 1]!;
      if (t === prev) out.add('BARS_DUPLICATE_TIME', `two bars end at ${t} ms`, { field: 'time', row: i });
      else if (t < prev)
        out.add('BARS_UNSORTED_TIME', `time ${t} ms comes after ${prev} ms`, { field: 'time', row: i });
    }
    const v = volume[i]!;
    const a = amount[i]!;
    if (!Number.isFinite(v)) out.add('BARS_NONFINITE_VOLUME', `volume is ${v}`, { field: 'volume', row: i });
    else if (v < 0) out.add('BARS_NEGATIVE_VOLUME', `volume ${v} < 0`, { field: 'volume', row: i });
    if (!Number.isFinite(a)) out.add('BARS_NONFINITE_VOLUME', `amount is ${a}`, { field: 'amount', row: i });
    else if (a < 0) out.add('BARS_NEGATIVE_AMOUNT', `amount ${a} < 0`, { field: 'amount', row: i });
    const tr = trades[i]!;
    if (tr < 0 || tr === Infinity)
      out.add('BARS_NEGATIVE_VOLUME', `trade count ${tr} is not >= 0`, { field: 'trades', row: i });
    const op = open[i]!;
    const hi = high[i]!;
    const lo = low[i]!;
    const cl = close[i]!;
    // A minute without trades may leave its prices NaN (all four); anything else needs prices.
    if (Number.isNaN(op) && Number.isNaN(hi) && Number.isNaN(lo) && Number.isNaN(cl) && v === 0) continue;
    let pricesOk = true;
    for (const p of PRICE_FIELDS) {
      const x = f[p][i]!;
      if (!Number.isFinite(x)) {
        out.add('BARS_NONFINITE_PRICE', `${p} is ${x}${Number.isNaN(x) ? ' in a minute with volume' : ''}`, {
          field: p,
          row: i,
        });
        pricesOk = false;
      } else if (x <= 0) {
        out.add('BARS_NONPOSITIVE_PRICE', `${p} ${x} <= 0`, { field: p, row: i });
        pricesOk = false;
      } else if (o.tickSize !== null && !onGrid(x, o.tickSize, tol)) {
        out.add('BARS_OFF_TICK_GRID', `${p} ${x} is not a multiple of ${o.tickSize}`, { field: p, row: i });
      }
    }
    if (!pricesOk) continue;
    if (hi < lo - tol) out.add('BARS_HIGH_BELOW_LOW', `high ${hi} < low ${lo}`, { field: 'high', row: i });
    if (op < lo - tol || op > hi + tol) {
      out.add('BARS_OPEN_OUTSIDE_RANGE', `open ${op} outside [${lo}, ${hi}]`, { field: 'open', row: i });
    }
    if (cl < lo - tol || cl > hi + tol) {
      out.add('BARS_CLOSE_OUTSIDE_RANGE', `close ${cl} outside [${lo}, ${hi}]`, { field: 'close', row: i });
    }
    if (v > 0 && a >= 0) {
      const vwap = a / v;
      const vt = o.vwapTolerance;
      if (vwap < lo * (1 - vt) - tol || vwap > hi * (1 + vt) + tol) {
        out.add(
          'BARS_VWAP_OUTSIDE_RANGE',
          `amount / volume = ${vwap} outside [${lo}, ${hi}] (volume in lots? amount in 10k yuan?)`,
          { field: 'amount', row: i },
        );
      }
    } else if (v === 0 && a > 0) {
      out.add('BARS_VWAP_OUTSIDE_RANGE', `amount ${a} with volume 0`, { field: 'amount', row: i });
    }
  }
  return out.issues;
}

/**
 * Throws the first rule a minute-bar frame breaks as an `HfqError` (code from `findMinuteBarIssues`,
 * context: field, asset, date, row, and `moreIssues`). Returns the frame when it is valid.
 */
export function validateMinuteBars(f: MinuteBars, options?: ValidationOptions): MinuteBars {
  const issues = findMinuteBarIssues(f, options);
  if (issues.length > 0) throw issueToError(issues[0]!, issues.length);
  return f;
}
