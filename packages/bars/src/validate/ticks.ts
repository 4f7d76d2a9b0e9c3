import { SESSION } from '../market/session.js';
import { TICK_LEVEL_FIELDS, TICK_SCALAR_FIELDS, type TickSnapshots } from '../types.js';
import { checkTimedColumns, checkTimeOfDay } from './columns.js';
import {
  IssueList,
  issueToError,
  onGrid,
  resolveValidationOptions,
  type ValidationIssue,
  type ValidationOptions,
} from './issues.js';

/** True during continuous trading ([09:30, 11:30) and [13:00, 14:57)), when the book is a real book. */
export function isContinuousTrading(time: number): boolean {
  return (
    (time >= SESSION.morningOpen && time < SESSION.morningClose) ||
    (time >= SESSION.afternoonOpen && time < SESSION.closingAuctionStart)
  );
}

/**
 * Every rule a tick-snapshot frame breaks (up to `maxIssues`).
 *
 * Rules: all fields present (`BARS_MISSING_COLUMN`), scalar fields of one length
 * (`BARS_LENGTH_MISMATCH`), `levels` a positive integer and per-level fields `n x levels` long
 * (`BARS_LEVEL_COUNT`); times in [0, 24 h) (`BARS_INVALID_TIME`) and non-decreasing
 * (`BARS_UNSORTED_TIME`; repeated times are allowed: exchanges repeat snapshots); cumulative
 * volume and amount finite (`BARS_NONFINITE_VOLUME`), >= 0 and never decreasing
 * (`BARS_CUMULATIVE_DECREASE`), cumulative trades the same or NaN throughout; last price NaN only
 * while nothing has traded (cumulative volume 0), else finite > 0 (`BARS_NONFINITE_PRICE`,
 * `BARS_NONPOSITIVE_PRICE`); the cumulative VWAP amount / volume within 10x of the last price,
 * else the message names the likely unit error (volume in lots, amount in thousands or
 * ten-thousands of yuan) (`BARS_VWAP_OUTSIDE_RANGE`, field `amount`); book prices 0/NaN
 * (empty level) or finite > 0, book volumes and order counts >= 0 or NaN
 * (`BARS_NEGATIVE_VOLUME`); prices on the grid (`BARS_OFF_TICK_GRID`).
 *
 * During continuous trading only (call auctions show a virtual book that legitimately breaks
 * them): non-empty levels start at level 1 with no gaps, no volume at an empty level, bid prices
 * strictly falling and ask prices strictly rising with the level (`BARS_LEVEL_ORDER`), and best
 * bid < best ask (`BARS_CROSSED_BOOK`). The real SSE/SZSE samples break none of these. O(n x levels).
 */
export function findTickIssues(f: TickSnapshots, options?: ValidationOptions): ValidationIssue[] {
  const o = resolveValidationOptions(options);
  const out = new IssueList(o.maxIssues, f);
  if (!checkShape(f, out)) return out.issues;
  const n = f.time.length;
  const tol = o.priceTolerance;
  const tick = o.tickSize;
  const { time, last, volume, amount, trades } = f;
  const tradesReported = n > 0 && !Number.isNaN(trades[0]!);
  for (let i = 0; i < n && !out.full; i++) {
    const t = time[i]!;
    checkTimeOfDay(t, i, out);
    if (i > 0 && t < time[i - 1]!) {
      out.add('BARS_UNSORTED_TIME', `time ${t} ms comes after ${time[i - 1]} ms`, { field: 'time', row: i });
    }
    for (const [name, arr] of [
      ['volume', volume],
      ['amount', amount],
    ] as const) {
      const x = arr[i]!;
      if (!Number.isFinite(x))
        out.add('BARS_NONFINITE_VOLUME', `cumulative ${name} is ${x}`, { field: name, row: i });
      else if (x < 0)
        out.add(name === 'volume' ? 'BARS_NEGATIVE_VOLUME' : 'BARS_NEGATIVE_AMOUNT', `${name} ${x} < 0`, {
          field: name,
          row: i,
        });
      else if (i > 0 && x < arr[i - 1]!) {
        out.add('BARS_CUMULATIVE_DECREASE', `cumulative ${name} falls from ${arr[i - 1]} to ${x}`, {
          field: name,
          row: i,
        });
      }
    }
    const tr = trades[i]!;
    if (tradesReported) {
      if (!Number.isFinite(tr) || tr < 0)
        out.add('BARS_NEGATIVE_VOLUME', `cumulative trades is ${tr}`, { field: 'trades', row: i });
      else if (i > 0 && tr < trades[i - 1]!) {
        out.add('BARS_CUMULATIVE_DECREASE', `cumulative trades falls from ${trades[i - 1]} to ${tr}`, {
          field: 'trades',
          row: i,
        });
      }
    } else if (!Number.isNaN(tr)) {
      out.add('BARS_MISSING_COLUMN', 'trades is NaN on the first snapshot but reported later', {
        field: 'trades',
        row: i,
      });
    }
    const p = last[i]!;
    const v = volume[i]!;
    if (p === Infinity || p === -Infinity)
      out.add('BARS_NONFINITE_PRICE', `last is ${p}`, { field: 'last', row: i });
    else if (Number.isNaN(p) && v > 0)
      out.add(
        'BARS_NONFINITE_PRICE',
        `last is NaN after ${v} shares traded (NaN means no trade yet; a missing price would be read as no trade)`,
        { field: 'last', row: i },
      );
    else if (p <= 0)
      out.add('BARS_NONPOSITIVE_PRICE', `last ${p} <= 0 (use NaN before the first trade)`, {
        field: 'last',
        row: i,
      });
    else if (tick !== null && p > 0 && !onGrid(p, tick, tol)) {
      out.add('BARS_OFF_TICK_GRID', `last ${p} is not a multiple of ${tick}`, { field: 'last', row: i });
    }
    const a = amount[i]!;
    if (v > 0 && a > 0 && p > 0 && Number.isFinite(a) && Number.isFinite(v)) {
      const ratio = a / v / p;
      if (!(ratio > 1 / UNIT_RATIO && ratio < UNIT_RATIO)) {
        out.add('BARS_VWAP_OUTSIDE_RANGE', unitMessage(a, v, p, ratio), { field: 'amount', row: i });
      }
    }
    checkLevels(f, i, out, tick, tol);
  }
  return out.issues;
}

/**
 * The cumulative VWAP (amount / volume) of a day cannot be 10x above or below a price traded the
 * same day (daily limits are at most +-30 %, and even an unlimited IPO day stays well inside);
 * outside that the two columns are in different units.
 */
const UNIT_RATIO = 10;

/** Names the unit error that best explains `amount / volume` being `ratio` x the last price. */
function unitMessage(a: number, v: number, p: number, ratio: number): string {
  const k = Math.round(Math.log10(ratio));
  const hint: Record<string, string> = {
    '2': 'volume looks like lots of 100 shares while amount is in yuan',
    '-2': 'volume looks like shares while amount is per lot, or amount in hundreds of yuan',
    '-3': 'amount looks like thousands of yuan',
    '-4': 'amount looks like ten-thousands of yuan (wan yuan)',
    '3': 'amount looks like it is in li/fen or volume in thousands of shares',
  };
  const why = hint[String(k)] ?? `the columns differ by about 10^${k}`;
  return `cumulative amount ${a} / volume ${v} = ${a / v} is ${ratio.toPrecision(3)}x the last price ${p}: ${why}`;
}

function checkLevels(f: TickSnapshots, i: number, out: IssueList, tick: number | null, tol: number): void {
  const L = f.levels;
  const base = i * L;
  for (const field of TICK_LEVEL_FIELDS) {
    const arr = f[field];
    const isPrice = field === 'bidPrice' || field === 'askPrice';
    for (let k = 0; k < L; k++) {
      const x = arr[base + k]!;
      if (isPrice) {
        if (x === Infinity || x === -Infinity)
          out.add('BARS_NONFINITE_PRICE', `${field} is ${x}`, { field, row: i, level: k + 1 });
        else if (x < 0)
          out.add('BARS_NONPOSITIVE_PRICE', `${field} ${x} < 0`, { field, row: i, level: k + 1 });
        else if (tick !== null && x > 0 && !onGrid(x, tick, tol)) {
          out.add('BARS_OFF_TICK_GRID', `${field} ${x} is not a multiple of ${tick}`, {
            field,
            row: i,
            level: k + 1,
          });
        }
      } else if (x < 0 || x === Infinity) {
        out.add('BARS_NEGATIVE_VOLUME', `${field} ${x} is not >= 0`, { field, row: i, level: k + 1 });
      }
    }
  }
  if (!isContinuousTrading(f.time[i]!)) return;
  checkSide(f.bidPrice, f.bidVolume, base, L, -1, 'bidPrice', i, out);
  checkSide(f.askPrice, f.askVolume, base, L, 1, 'askPrice', i, out);
  const b = f.bidPrice[base]!;
  const a = f.askPrice[base]!;
  if (b > 0 && a > 0 && b >= a) {
    out.add('BARS_CROSSED_BOOK', `best bid ${b} >= best ask ${a} during continuous trading`, {
      field: 'bidPrice',
      row: i,
      level: 1,
    });
  }
}

function checkSide(
  price: Float64Array,
  vol: Float64Array,
  base: number,
  L: number,
  dir: 1 | -1,
  field: string,
  row: number,
  out: IssueList,
): void {
  let emptySeen = false;
  let prev = NaN;
  for (let k = 0; k < L; k++) {
    const p = price[base + k]!;
    if (!(p > 0)) {
      if (vol[base + k]! > 0) {
        out.add('BARS_LEVEL_ORDER', `volume ${vol[base + k]} at an empty level`, {
          field,
          row,
          level: k + 1,
        });
        return;
      }
      emptySeen = true;
      continue;
    }
    if (emptySeen) {
      out.add('BARS_LEVEL_ORDER', `level ${k + 1} has a price after an empty level`, {
        field,
        row,
        level: k + 1,
      });
      return;
    }
    if (k > 0 && (p - prev) * dir <= 0) {
      out.add(
        'BARS_LEVEL_ORDER',
        `${field} ${p} at level ${k + 1} is not ${dir < 0 ? 'below' : 'above'} ${prev} at level ${k}`,
        { field, row, level: k + 1 },
      );
      return;
    }
    prev = p;
  }
}

/** Throws the first rule a tick frame breaks as an `HfqError`; returns the frame when valid. */
export function validateTickSnapshots(f: TickSnapshots, options?: ValidationOptions): TickSnapshots {
  const issues = findTickIssues(f, options);
  if (issues.length > 0) throw issueToError(issues[0]!, issues.length);
  return f;
}

function checkShape(f: TickSnapshots, out: IssueList): boolean {
  let ok = checkTimedColumns(f, TICK_SCALAR_FIELDS, out);
  if (!(f.time instanceof Int32Array)) return false;
  const n = f.time.length;
  if (!Number.isInteger(f.levels) || f.levels < 1) {
    out.add('BARS_LEVEL_COUNT', `levels must be a positive integer, got ${f.levels}`, { field: 'levels' });
    return false;
  }
  for (const k of TICK_LEVEL_FIELDS) {
    const a = f[k];
    if (!(a instanceof Float64Array)) {
      out.add('BARS_MISSING_COLUMN', `${k} must be a Float64Array`, { field: k });
      ok = false;
    } else if (a.length !== n * f.levels) {
      out.add(
        'BARS_LEVEL_COUNT',
        `${k} has ${a.length} values, expected ${n} snapshots x ${f.levels} levels`,
        {
          field: k,
        },
      );
      ok = false;
    }
  }
  return ok;
}
