import type { BarsErrorCode } from '../errors.js';
import {
  MINUTE_BAR_FIELDS,
  type MinuteBars,
  TICK_LEVEL_FIELDS,
  TICK_SCALAR_FIELDS,
  type TickSnapshots,
} from '../types.js';
import { issueToError, resolveValidationOptions, type ValidationOptions } from './issues.js';
import { findMinuteBarIssues } from './minute-bars.js';
import { findTickIssues } from './ticks.js';

/** One change `repair...` made. Nothing is ever changed without one of these. */
export interface RepairChange {
  /** The rule the change resolves. */
  code: BarsErrorCode;
  /**
   * `sort`: rows put in time order (row = first row that was out of order); `drop-duplicate`: a
   * row identical in every field to the one before it at the same time was removed (row = its
   * index in the input); `snap-to-grid`: a price within `priceTolerance` of the grid was set to the
   * exact grid value (binary float artefacts such as 82.65999999999998 -> 82.66).
   */
  action: 'sort' | 'drop-duplicate' | 'snap-to-grid';
  field?: string;
  /** Row in the input frame. */
  row?: number;
  /** 1-based book level (ticks). */
  level?: number;
  before?: number;
  after?: number;
  asset?: string;
  date?: number;
}

/** A repaired copy and every change made to it. */
export interface RepairResult<F> {
  frame: F;
  changes: RepairChange[];
}

/**
 * Fixes what is unambiguous in a minute-bar frame and reports each change; then validates.
 *
 * Fixed: rows out of time order (sorted; stable), rows that repeat the previous row exactly
 * (dropped), prices within `priceTolerance` of the tick grid (snapped to it). Not fixed, because
 * more than one repair would fit: two different bars at one time, high < low, open/close outside
 * the range, negative or NaN volumes, prices off the grid by more than the tolerance. Those still
 * throw their typed error. The input is never modified.
 *
 * @throws the first remaining issue as an `HfqError` (see `findMinuteBarIssues`).
 */
export function repairMinuteBars(f: MinuteBars, options?: ValidationOptions): RepairResult<MinuteBars> {
  const o = resolveValidationOptions(options);
  const changes: RepairChange[] = [];
  const key = keyOf(f);
  const cols = MINUTE_BAR_FIELDS.map((k) => f[k]);
  const keep = sortedDistinctRows(
    f.time,
    undefined,
    (a, b) => f.time[a] === f.time[b] && cols.every((c) => Object.is(c[a], c[b])),
    changes,
    key,
  );
  const out = takeMinuteRows(f, keep);
  if (o.tickSize !== null) {
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      snapColumn(out[field], o.tickSize, o.priceTolerance, field, keep, 1, changes, key);
    }
  }
  const issues = findMinuteBarIssues(out, options);
  if (issues.length > 0) throw issueToError(issues[0]!, issues.length);
  return { frame: out, changes };
}

/**
 * Fixes what is unambiguous in a tick frame and reports each change; then validates.
 *
 * Fixed: snapshots out of time order (sorted by time, then cumulative volume; stable), snapshots
 * identical in every field to the previous one (dropped), prices within `priceTolerance` of the
 * grid (snapped). Not fixed: cumulative fields that decrease, a NaN last price after trades, an
 * amount / volume in different units (both need the source fixed), crossed or disordered books,
 * negative quantities, wrong level counts. The input is never modified.
 *
 * @throws the first remaining issue as an `HfqError` (see `findTickIssues`).
 */
export function repairTickSnapshots(
  f: TickSnapshots,
  options?: ValidationOptions,
): RepairResult<TickSnapshots> {
  const o = resolveValidationOptions(options);
  const changes: RepairChange[] = [];
  const key = keyOf(f);
  const L = f.levels;
  // wrong shapes cannot be repaired: report them as they are
  const shape = findTickIssues(f, { ...options, maxIssues: 1, tickSize: null }).filter(
    (i) =>
      i.code === 'BARS_MISSING_COLUMN' || i.code === 'BARS_LENGTH_MISMATCH' || i.code === 'BARS_LEVEL_COUNT',
  );
  if (shape.length > 0) throw issueToError(shape[0]!, shape.length);
  const keep = sortedDistinctRows(f.time, f.volume, (a, b) => sameSnapshot(f, a, b), changes, key);
  const out = takeTickRows(f, keep);
  if (o.tickSize !== null) {
    snapColumn(out.last, o.tickSize, o.priceTolerance, 'last', keep, 1, changes, key);
    snapColumn(out.bidPrice, o.tickSize, o.priceTolerance, 'bidPrice', keep, L, changes, key);
    snapColumn(out.askPrice, o.tickSize, o.priceTolerance, 'askPrice', keep, L, changes, key);
  }
  const issues = findTickIssues(out, options);
  if (issues.length > 0) throw issueToError(issues[0]!, issues.length);
  return { frame: out, changes };
}

function keyOf(f: { asset?: string; date?: number }): { asset?: string; date?: number } {
  const k: { asset?: string; date?: number } = {};
  if (f.asset !== undefined) k.asset = f.asset;
  if (f.date !== undefined) k.date = f.date;
  return k;
}

/** Stable order by time (then `tie`); `firstMoved` = first input row found out of order, or -1. */
function sortedOrder(
  time: Int32Array,
  tie: Float64Array | undefined,
): { rows: Int32Array; firstMoved: number } {
  const n = time.length;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  let firstMoved = -1;
  for (let i = 1; i < n && firstMoved < 0; i++) {
    if (time[i]! < time[i - 1]! || (tie && time[i] === time[i - 1] && tie[i]! < tie[i - 1]!)) firstMoved = i;
  }
  if (firstMoved < 0) return { rows, firstMoved };
  const idx = Array.from(rows).sort((a, b) => time[a]! - time[b]! || (tie ? tie[a]! - tie[b]! : 0) || a - b);
  rows.set(idx);
  return { rows, firstMoved };
}

/**
 * Input rows in stable time order (then `tie`), each dropped that `same` finds identical to the
 * row kept before it. Records a `sort` change when rows were out of order (row = the first found
 * out of order) and a `drop-duplicate` change per row dropped (row = its input index).
 */
function sortedDistinctRows(
  time: Int32Array,
  tie: Float64Array | undefined,
  same: (prev: number, row: number) => boolean,
  changes: RepairChange[],
  key: { asset?: string; date?: number },
): number[] {
  const order = sortedOrder(time, tie);
  if (order.firstMoved >= 0)
    changes.push({
      code: 'BARS_UNSORTED_TIME',
      action: 'sort',
      field: 'time',
      row: order.firstMoved,
      ...key,
    });
  const keep: number[] = [];
  for (const i of order.rows) {
    if (keep.length > 0 && same(keep[keep.length - 1]!, i)) {
      changes.push({ code: 'BARS_DUPLICATE_TIME', action: 'drop-duplicate', field: 'time', row: i, ...key });
      continue;
    }
    keep.push(i);
  }
  return keep;
}

function snapColumn(
  a: Float64Array,
  tick: number,
  tol: number,
  field: string,
  inputRows: number[],
  width: number,
  changes: RepairChange[],
  key: { asset?: string; date?: number },
): void {
  // Dividing by an integer 1/tick (100 for 0.01) gives the double nearest the decimal price.
  const inv = 1 / tick;
  const exact = Math.abs(inv - Math.round(inv)) < 1e-9;
  for (let j = 0; j < a.length; j++) {
    const p = a[j]!;
    if (!(p > 0) || p === Infinity) continue;
    const q = exact ? Math.round(p * Math.round(inv)) / Math.round(inv) : Math.round(p / tick) * tick;
    if (q !== p && Math.abs(q - p) <= tol) {
      a[j] = q;
      const change: RepairChange = {
        code: 'BARS_OFF_TICK_GRID',
        action: 'snap-to-grid',
        field,
        row: inputRows[Math.floor(j / width)]!,
        before: p,
        after: q,
        ...key,
      };
      if (width > 1) change.level = (j % width) + 1;
      changes.push(change);
    }
  }
}

function sameSnapshot(f: TickSnapshots, a: number, b: number): boolean {
  if (f.time[a] !== f.time[b]) return false;
  for (const k of TICK_SCALAR_FIELDS) if (!Object.is(f[k][a], f[k][b])) return false;
  const L = f.levels;
  for (const k of TICK_LEVEL_FIELDS) {
    const arr = f[k];
    for (let l = 0; l < L; l++) if (!Object.is(arr[a * L + l], arr[b * L + l])) return false;
  }
  return true;
}

/** `dst[j] = src[rows[j]]` for every j; returns `dst`. */
function takeRows<A extends Int32Array | Float64Array>(src: A, rows: ArrayLike<number>, dst: A): A {
  for (let j = 0; j < rows.length; j++) dst[j] = src[rows[j]!]!;
  return dst;
}

/** The given rows of a minute-bar frame, as a new frame. */
export function takeMinuteRows(f: MinuteBars, rows: ArrayLike<number>): MinuteBars {
  const n = rows.length;
  const out: MinuteBars = { ...keyOf(f), time: takeRows(f.time, rows, new Int32Array(n)) } as MinuteBars;
  for (const k of MINUTE_BAR_FIELDS) out[k] = takeRows(f[k], rows, new Float64Array(n));
  return out;
}

/** The given snapshots of a tick frame, as a new frame. */
export function takeTickRows(f: TickSnapshots, rows: ArrayLike<number>): TickSnapshots {
  const n = rows.length;
  const L = f.levels;
  const out = { ...keyOf(f), levels: L, time: takeRows(f.time, rows, new Int32Array(n)) } as TickSnapshots;
  for (const k of TICK_SCALAR_FIELDS) out[k] = takeRows(f[k], rows, new Float64Array(n));
  for (const k of TICK_LEVEL_FIELDS) {
    const src = f[k];
    const dst = new Float64Array(n * L);
    for (let j = 0; j < n; j++) dst.set(src.subarray(rows[j]! * L, rows[j]! * L + L), j * L);
    out[k] = dst;
  }
  return out;
}
