import type { Panel } from '@hfq/core';
import { modelsError } from '../errors.js';

/**
 * Where labels come from. All panels are dates x assets and are matched to the factor source by
 * date value and asset id (a factor date missing from the panel is an error; an asset missing from
 * it has no labels). Rows are trading days: "T+k" is k rows after T in the panel.
 *
 * - `{ close, adjFactor? }`: close prices and an optional cumulative adjustment factor; the
 *   adjusted close `close * adjFactor` gives every return. NaN = missing; a price <= 0 is an error.
 * - `{ dailyReturn }`: simple return of each day, close(t-1) -> close(t), as a fraction.
 * - `{ forwardReturn }`: the total label itself, stored at row T (return close T+entryLag ->
 *   close T+entryLag+horizon, as a fraction). Gives no daily sequence (sequence model unavailable).
 */
export type ReturnsSource =
  | { close: Panel; adjFactor?: Panel }
  | { dailyReturn: Panel }
  | { forwardReturn: Panel };

/**
 * Label timing. Defaults are the study's: `entryLag` 1, `horizon` 10 (total return close T+1 ->
 * close T+11) and `sequenceLag` 1 (the daily returns of days T+1..T+10, close T -> close T+1
 * first).
 */
export interface LabelTiming {
  /** Days from the feature date T to the entry close of the total label. */
  entryLag: number;
  /** Days held by the total label; also the length of the daily-return sequence. */
  horizon: number;
  /**
   * First day of the daily-return sequence: `daily[k]` is the return of day `T+sequenceLag+k-1`
   * (close `T+sequenceLag+k-2` -> close `T+sequenceLag+k-1`), k = 1..horizon, so the sequence
   * covers days `T+sequenceLag .. T+sequenceLag+horizon-1`. At least 1 (day T's own return is
   * known at T). `entryLag + 1` puts the sequence on the total label's days (hfq's timing before
   * this option: 2).
   */
  sequenceLag: number;
}

/**
 * Computes labels of one factor date for every asset of the factor universe:
 * `total` (return close T+entryLag -> close T+entryLag+horizon) and `daily[k]`
 * (return of day T+sequenceLag+k-1, i.e. close T+sequenceLag+k-2 -> close T+sequenceLag+k-1,
 * k = 1..horizon). Values are fractions (0.01 = 1%); NaN where any needed price/return is missing
 * or the window runs past the panel.
 */
export class LabelBuilder {
  readonly timing: LabelTiming;
  /** Whether the daily sequence can be built (not from a forward-return panel). */
  readonly hasSequence: boolean;
  private readonly panel: Panel;
  private readonly adj?: Panel;
  private readonly kind: 'close' | 'daily' | 'forward';
  private readonly assetMap: Int32Array;
  private readonly adjAssetMap?: Int32Array;

  constructor(
    source: ReturnsSource,
    factorDates: Int32Array,
    assets: readonly string[],
    timing: LabelTiming,
  ) {
    this.timing = timing;
    if ('close' in source) {
      this.kind = 'close';
      this.panel = source.close;
      this.adj = source.adjFactor;
    } else if ('dailyReturn' in source) {
      this.kind = 'daily';
      this.panel = source.dailyReturn;
    } else if ('forwardReturn' in source) {
      this.kind = 'forward';
      this.panel = source.forwardReturn;
    } else {
      throw modelsError('MODELS_LABEL', 'returns source needs close, dailyReturn or forwardReturn', {
        field: 'returns',
      });
    }
    this.hasSequence = this.kind !== 'forward';
    this.assetMap = Int32Array.from(assets, (a) => this.panel.assetIndex(a));
    if (this.adj !== undefined) {
      const adj = this.adj;
      this.adjAssetMap = Int32Array.from(assets, (a) => adj.assetIndex(a));
      for (let i = 0; i < this.panel.nDates; i++) {
        if (adj.dateIndex(this.panel.dates[i]!) < 0) {
          throw modelsError('MODELS_DATA', 'adjFactor panel lacks a date of the close panel', {
            field: 'adjFactor',
            date: this.panel.dates[i]!,
          });
        }
      }
    }
    for (let t = 0; t < factorDates.length; t++) {
      if (this.panel.dateIndex(factorDates[t]!) < 0) {
        throw modelsError('MODELS_DATA', 'a factor date is missing from the returns panel', {
          field: 'returns',
          date: factorDates[t]!,
        });
      }
    }
    if (!this.assetMap.some((i) => i >= 0)) {
      throw modelsError('MODELS_DATA', 'no asset of the factor source is in the returns panel', {
        field: 'returns',
      });
    }
  }

  /** Row of `date` in the returns panel (the constructor checked it exists). */
  private row(date: number): number {
    return this.panel.dateIndex(date);
  }

  /** Row of the last close the total label of row `r` uses. */
  private totalEndRow(r: number): number {
    return r + this.timing.entryLag + this.timing.horizon;
  }

  /** Row of the last close the daily sequence of row `r` uses. */
  private sequenceEndRow(r: number): number {
    return r + this.timing.sequenceLag + this.timing.horizon - 1;
  }

  /**
   * The last trading day whose close a label of feature date `date` uses (yyyymmdd): the later
   * end of the total label and (when the source gives one) the daily sequence, or `Infinity` when
   * that runs past the panel. A model trained at the close of day D may use the labels of `date`
   * only if `labelEndDate(date) <= D`.
   */
  labelEndDate(date: number): number {
    const row = this.row(date);
    const r = this.hasSequence
      ? Math.max(this.totalEndRow(row), this.sequenceEndRow(row))
      : this.totalEndRow(row);
    return r < this.panel.nDates ? this.panel.dates[r]! : Number.POSITIVE_INFINITY;
  }

  /**
   * Whether the daily sequence of feature date `date` ends inside the panel (always true for a
   * forward-return source, which has none; its total label is read as given).
   */
  sequenceInPanel(date: number): boolean {
    return !this.hasSequence || this.sequenceEndRow(this.row(date)) < this.panel.nDates;
  }

  private adjClose(row: number, a: number): number {
    const j = this.assetMap[a]!;
    if (j < 0) return Number.NaN;
    const close = this.panel.get(row, j);
    if (!Number.isFinite(close)) return Number.NaN;
    if (close <= 0) {
      throw modelsError('MODELS_DATA', `close price ${close} is not positive`, {
        field: 'close',
        asset: a,
        date: this.panel.dates[row]!,
      });
    }
    if (this.adj === undefined) return close;
    const k = this.adjAssetMap![a]!;
    if (k < 0) return Number.NaN;
    const f = this.adj.get(this.adj.dateIndex(this.panel.dates[row]!), k);
    if (Number.isFinite(f) && f <= 0) {
      throw modelsError('MODELS_DATA', `adjustment factor ${f} is not positive`, {
        field: 'adjFactor',
        asset: a,
        date: this.panel.dates[row]!,
      });
    }
    return close * f;
  }

  /** Total label of every asset at feature date `date` into `out` (length = assets). */
  total(date: number, out: Float64Array): void {
    const { entryLag, horizon } = this.timing;
    const r0 = this.row(date) + entryLag;
    const r1 = r0 + horizon;
    const n = out.length;
    if (this.kind === 'forward') {
      const r = this.row(date);
      for (let a = 0; a < n; a++) {
        const j = this.assetMap[a]!;
        out[a] = j < 0 ? Number.NaN : this.panel.get(r, j);
      }
      return;
    }
    if (r1 >= this.panel.nDates) {
      out.fill(Number.NaN);
      return;
    }
    if (this.kind === 'close') {
      for (let a = 0; a < n; a++) out[a] = this.adjClose(r1, a) / this.adjClose(r0, a) - 1;
      return;
    }
    for (let a = 0; a < n; a++) {
      const j = this.assetMap[a]!;
      if (j < 0) {
        out[a] = Number.NaN;
        continue;
      }
      let g = 1;
      for (let r = r0 + 1; r <= r1; r++) g *= 1 + this.panel.get(r, j);
      out[a] = g - 1;
    }
  }

  /**
   * The daily returns `out[a * horizon + (k-1)]` of every asset at feature date `date`: the
   * return of day `T+sequenceLag+k-1`, k = 1..horizon (NaN where a price is missing or the
   * sequence runs past the panel). @throws `MODELS_LABEL` for a forward-return source.
   */
  daily(date: number, out: Float64Array): void {
    if (!this.hasSequence) {
      throw modelsError(
        'MODELS_LABEL',
        'the daily-return sequence needs close prices or daily returns, not a forward-return panel',
        { field: 'returns' },
      );
    }
    const { sequenceLag, horizon: H } = this.timing;
    // r0 + k = row of day T+sequenceLag+k-1, the k-th return's day
    const r0 = this.row(date) + sequenceLag - 1;
    const n = out.length / H;
    if (r0 + H >= this.panel.nDates) {
      out.fill(Number.NaN);
      return;
    }
    for (let a = 0; a < n; a++) {
      const j = this.assetMap[a]!;
      for (let k = 1; k <= H; k++) {
        let v: number;
        if (j < 0) v = Number.NaN;
        else if (this.kind === 'daily') v = this.panel.get(r0 + k, j);
        else v = this.adjClose(r0 + k, a) / this.adjClose(r0 + k - 1, a) - 1;
        out[a * H + k - 1] = v;
      }
    }
  }
}
