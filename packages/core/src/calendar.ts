import { checkYmd, ymdMonth, ymdYear } from './dates.js';
import { HfqError } from './errors.js';
import { lowerBound } from './search.js';

/**
 * A trading calendar: a strictly increasing list of trading days (`yyyymmdd` integers) and the
 * arithmetic on it. "Offset 5" means five trading days later, never calendar days.
 *
 * Look-ups are binary searches (O(log n)); nothing is allocated per look-up.
 */
export class Calendar {
  /** The trading days, strictly increasing. Do not mutate. */
  readonly dates: Int32Array;

  /** @throws HfqError `INVALID_ARGUMENT` for a non-day, `NOT_SORTED` / `DUPLICATE` for order problems. */
  constructor(dates: ArrayLike<number>) {
    const d = Int32Array.from(dates as ArrayLike<number>);
    for (let i = 0; i < d.length; i++) {
      if (d[i] !== (dates[i] as number)) checkYmd(dates[i] as number, `dates[${i}]`);
      checkYmd(d[i]!, `dates[${i}]`);
      if (i > 0 && d[i]! <= d[i - 1]!) {
        throw new HfqError(
          d[i] === d[i - 1] ? 'DUPLICATE' : 'NOT_SORTED',
          `trading days must be strictly increasing: ${d[i - 1]} then ${d[i]}`,
          { field: 'dates', row: i, date: d[i]! },
        );
      }
    }
    this.dates = d;
  }

  /** Number of trading days. */
  get length(): number {
    return this.dates.length;
  }

  get first(): number {
    return this.at(0);
  }

  get last(): number {
    return this.at(this.dates.length - 1);
  }

  /** The `i`-th trading day. @throws `OUT_OF_RANGE` */
  at(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.dates.length) {
      throw new HfqError('OUT_OF_RANGE', `calendar index ${i} outside [0, ${this.dates.length - 1}]`, {
        index: i,
      });
    }
    return this.dates[i]!;
  }

  /** Index of `date`, or -1 when it is not a trading day of this calendar. */
  indexOf(date: number): number {
    const i = this.lowerBound(date);
    return i < this.dates.length && this.dates[i] === date ? i : -1;
  }

  /** Index of `date`. @throws `NOT_FOUND` when it is not a trading day of this calendar. */
  index(date: number): number {
    const i = this.indexOf(date);
    if (i < 0) throw new HfqError('NOT_FOUND', `${date} is not a trading day of this calendar`, { date });
    return i;
  }

  /** True when `date` is a trading day of this calendar. */
  has(date: number): boolean {
    return this.indexOf(date) >= 0;
  }

  /** Index of the last trading day on or before `date`; -1 when `date` precedes the calendar. */
  floorIndex(date: number): number {
    const i = this.lowerBound(date);
    return i < this.dates.length && this.dates[i] === date ? i : i - 1;
  }

  /** Index of the first trading day on or after `date`; -1 when `date` follows the calendar. */
  ceilIndex(date: number): number {
    const i = this.lowerBound(date);
    return i < this.dates.length ? i : -1;
  }

  /**
   * The trading day `n` trading days from `date` (n > 0 later, n < 0 earlier, 0 = itself).
   * `date` must be a trading day. @throws `NOT_FOUND`, or `OUT_OF_RANGE` past either end.
   */
  offset(date: number, n: number): number {
    return this.dates[this.offsetIndex(this.index(date), n)]!;
  }

  /** Index `i + n`, checked. @throws `OUT_OF_RANGE` past either end. */
  offsetIndex(i: number, n: number): number {
    if (!Number.isInteger(n)) throw new HfqError('INVALID_ARGUMENT', `offset must be an integer, got ${n}`);
    const j = i + n;
    if (!Number.isInteger(i) || i < 0 || i >= this.dates.length || j < 0 || j >= this.dates.length) {
      throw new HfqError(
        'OUT_OF_RANGE',
        `offset ${n} from index ${i} leaves the calendar [0, ${this.dates.length - 1}]`,
        { index: i, offset: n },
      );
    }
    return j;
  }

  /**
   * Half-open index range `[start, end)` of the trading days in `[from, to]` (both inclusive,
   * neither need be a trading day). Empty (`start === end`) when none fall inside.
   */
  rangeIndices(from: number, to: number): [start: number, end: number] {
    const start = this.lowerBound(from);
    const end = this.lowerBound(to + 1);
    return [start, Math.max(start, end)];
  }

  /** The trading days in `[from, to]`, inclusive (a view, not a copy). */
  range(from: number, to: number): Int32Array {
    const [s, e] = this.rangeIndices(from, to);
    return this.dates.subarray(s, e);
  }

  /** A calendar of the days with index in `[start, end)`. */
  slice(start: number, end = this.dates.length): Calendar {
    return new Calendar(this.dates.subarray(start, end));
  }

  /** Indices `start, start + step, ...` below `end`: e.g. sample dates every 5th trading day. */
  every(step: number, start = 0, end = this.dates.length): Int32Array {
    if (!Number.isInteger(step) || step < 1) {
      throw new HfqError('INVALID_ARGUMENT', `step must be a positive integer, got ${step}`, {
        field: 'step',
      });
    }
    const out = new Int32Array(Math.max(0, Math.ceil((end - start) / step)));
    for (let k = 0; k < out.length; k++) out[k] = start + k * step;
    return out;
  }

  /** Indices of the last trading day of each calendar month (for monthly statistics). */
  monthEndIndices(): Int32Array {
    return this.periodEnds(ymdMonth);
  }

  /** Indices of the last trading day of each calendar year. */
  yearEndIndices(): Int32Array {
    return this.periodEnds(ymdYear);
  }

  /** Indices of the last trading day of each week (weeks split where the gap is a weekend or longer). */
  weekEndIndices(): Int32Array {
    // A week ends where the next trading day falls on a later ISO week: weekday index drops.
    return this.periodEnds((d) => isoWeekKey(d));
  }

  private periodEnds(key: (ymd: number) => number): Int32Array {
    const out: number[] = [];
    for (let i = 0; i < this.dates.length; i++) {
      if (i === this.dates.length - 1 || key(this.dates[i]!) !== key(this.dates[i + 1]!)) out.push(i);
    }
    return Int32Array.from(out);
  }

  /** First index whose date is >= `date`. */
  private lowerBound(date: number): number {
    return lowerBound(this.dates, date);
  }
}

/** Monday-based week number since 1970 for a `yyyymmdd` (weeks never straddle two keys). */
function isoWeekKey(ymd: number): number {
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  const day = Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
  return Math.floor((day + 3) / 7); // 1970-01-05 (day 4) was a Monday
}
