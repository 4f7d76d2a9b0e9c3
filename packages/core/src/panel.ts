import { checkYmd } from './dates.js';
import { HfqError } from './errors.js';
import { sortedIndexOf } from './search.js';

/** The typed arrays a panel may hold. */
export type PanelArray = Float64Array | Float32Array;
export type PanelDType = 'float64' | 'float32';

/**
 * A dates x assets matrix of numbers: one row per trading day, one column per asset, stored
 * row-major in one typed array. Missing values are NaN, never 0.
 *
 * Rows are views: `row(t)` returns a `subarray` of the backing store, so per-date work
 * (a cross-sectional rank, a correlation) reads memory in order without copying.
 */
export class Panel<A extends PanelArray = PanelArray> {
  /** Trading days (`yyyymmdd`), strictly increasing. */
  readonly dates: Int32Array;
  /** Asset identifiers, unique. */
  readonly assets: readonly string[];
  /** Row-major values: `values[t * nAssets + a]`. */
  readonly values: A;
  private assetIndexMap?: Map<string, number>;

  /**
   * Wraps `values` (not copied). @throws `SHAPE_MISMATCH` when `values.length !== dates * assets`,
   * `NOT_SORTED` / `DUPLICATE` for unordered dates or repeated assets.
   */
  constructor(dates: ArrayLike<number>, assets: readonly string[], values: A) {
    const d = Int32Array.from(dates);
    for (let i = 0; i < d.length; i++) {
      checkYmd(dates[i]!, `dates[${i}]`);
      if (i > 0 && d[i]! <= d[i - 1]!) {
        throw new HfqError(
          d[i] === d[i - 1] ? 'DUPLICATE' : 'NOT_SORTED',
          `panel dates must be strictly increasing: ${d[i - 1]} then ${d[i]}`,
          { field: 'dates', row: i, date: d[i]! },
        );
      }
    }
    if (values.length !== d.length * assets.length) {
      throw new HfqError(
        'SHAPE_MISMATCH',
        `panel values have ${values.length} entries, expected ${d.length} dates x ${assets.length} assets = ${d.length * assets.length}`,
        { field: 'values' },
      );
    }
    this.dates = d;
    this.assets = Object.freeze([...assets]);
    this.values = values;
    if (new Set(this.assets).size !== this.assets.length) {
      const seen = new Set<string>();
      for (const a of this.assets) {
        if (seen.has(a))
          throw new HfqError('DUPLICATE', `asset ${a} appears twice`, { field: 'assets', asset: a });
        seen.add(a);
      }
    }
  }

  /** A new panel filled with `fill` (default NaN = all missing). */
  static alloc(
    dates: ArrayLike<number>,
    assets: readonly string[],
    dtype: 'float32',
    fill?: number,
  ): Panel<Float32Array>;
  static alloc(
    dates: ArrayLike<number>,
    assets: readonly string[],
    dtype?: 'float64',
    fill?: number,
  ): Panel<Float64Array>;
  static alloc(
    dates: ArrayLike<number>,
    assets: readonly string[],
    dtype: PanelDType = 'float64',
    fill = NaN,
  ): Panel<PanelArray> {
    const n = dates.length * assets.length;
    const values = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    values.fill(fill);
    return new Panel(dates, assets, values);
  }

  /** Builds a float64 panel from one array per date (each of length `assets.length`). */
  static fromRows(
    dates: ArrayLike<number>,
    assets: readonly string[],
    rows: ArrayLike<number>[],
  ): Panel<Float64Array> {
    if (rows.length !== dates.length) {
      throw new HfqError('SHAPE_MISMATCH', `got ${rows.length} rows for ${dates.length} dates`, {
        field: 'rows',
      });
    }
    const p = Panel.alloc(dates, assets, 'float64');
    rows.forEach((r, t) => {
      if (r.length !== assets.length) {
        throw new HfqError('SHAPE_MISMATCH', `row ${t} has ${r.length} values for ${assets.length} assets`, {
          field: 'rows',
          row: t,
          date: p.dates[t]!,
        });
      }
      p.values.set(r, t * assets.length);
    });
    return p;
  }

  get nDates(): number {
    return this.dates.length;
  }

  get nAssets(): number {
    return this.assets.length;
  }

  /** The values of date index `t` as a view into the panel (writes go through). */
  row(t: number): A {
    this.checkDateIndex(t);
    const n = this.assets.length;
    return this.values.subarray(t * n, (t + 1) * n) as A;
  }

  /** The row of trading day `date`. @throws `NOT_FOUND` */
  rowOf(date: number): A {
    const t = this.dateIndex(date);
    if (t < 0) throw new HfqError('NOT_FOUND', `date ${date} is not in the panel`, { date });
    return this.row(t);
  }

  /** Value at date index `t`, asset index `a` (NaN = missing). */
  get(t: number, a: number): number {
    return this.values[t * this.assets.length + a]!;
  }

  set(t: number, a: number, v: number): void {
    this.values[t * this.assets.length + a] = v;
  }

  /** One asset's time series (a copy: columns are strided). */
  column(a: number): Float64Array {
    const n = this.assets.length;
    const out = new Float64Array(this.dates.length);
    for (let t = 0; t < out.length; t++) out[t] = this.values[t * n + a]!;
    return out;
  }

  /** Index of `date` in this panel, -1 if absent (binary search). */
  dateIndex(date: number): number {
    return sortedIndexOf(this.dates, date);
  }

  /** Index of asset `id`, -1 if absent. */
  assetIndex(id: string): number {
    if (!this.assetIndexMap) this.assetIndexMap = new Map(this.assets.map((a, i) => [a, i]));
    return this.assetIndexMap.get(id) ?? -1;
  }

  /** Date indices `[start, end)` as a panel sharing this panel's memory (no copy). */
  sliceDates(start: number, end = this.dates.length): Panel<A> {
    if (start < 0 || end > this.dates.length || start > end) {
      throw new HfqError('OUT_OF_RANGE', `date slice [${start}, ${end}) outside [0, ${this.dates.length}]`);
    }
    const n = this.assets.length;
    return new Panel(
      this.dates.subarray(start, end),
      this.assets,
      this.values.subarray(start * n, end * n) as A,
    );
  }

  /** A deep copy. */
  clone(): Panel<A> {
    return new Panel(this.dates, this.assets, this.values.slice() as A);
  }

  /**
   * This panel re-indexed onto `dates` x `assets` (a float64 copy): values are matched by date
   * value and asset id; cells with no match are NaN. Used to align a factor with returns.
   */
  alignTo(dates: ArrayLike<number>, assets: readonly string[]): Panel<Float64Array> {
    const out = Panel.alloc(dates, assets, 'float64');
    const aMap = assets.map((id) => this.assetIndex(id));
    const nOut = assets.length;
    const nIn = this.assets.length;
    for (let t = 0; t < out.dates.length; t++) {
      const src = this.dateIndex(out.dates[t]!);
      if (src < 0) continue;
      const base = src * nIn;
      for (let a = 0; a < nOut; a++) {
        const j = aMap[a]!;
        if (j >= 0) out.values[t * nOut + a] = this.values[base + j]!;
      }
    }
    return out;
  }

  /** A new panel (float64) with `fn` applied to every cell. */
  map(fn: (v: number, t: number, a: number) => number): Panel<Float64Array> {
    const out = Panel.alloc(this.dates, this.assets, 'float64');
    const n = this.assets.length;
    for (let t = 0; t < this.dates.length; t++) {
      for (let a = 0; a < n; a++) out.values[t * n + a] = fn(this.values[t * n + a]!, t, a);
    }
    return out;
  }

  /** Number of finite (non-missing) values in row `t`. */
  countFinite(t: number): number {
    const r = this.row(t);
    let c = 0;
    for (let i = 0; i < r.length; i++) if (Number.isFinite(r[i]!)) c++;
    return c;
  }

  private checkDateIndex(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.dates.length) {
      throw new HfqError('OUT_OF_RANGE', `date index ${t} outside [0, ${this.dates.length - 1}]`, {
        index: t,
      });
    }
  }
}
