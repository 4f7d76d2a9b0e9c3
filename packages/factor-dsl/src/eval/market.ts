import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { equalVolumeBarSize } from '@hfq/bars';
import { HfqError, type Panel } from '@hfq/core';
import type { StockDayFrames, VolumeBarOptions } from './factor-set.js';

/**
 * What factor evaluation needs from a market: the simulator (`createMarket` of `@hfq/sim`) fits,
 * and so can a reader of real data. Assets and days are indices (`t` is the calendar index).
 * `null` frames mean the stock did not trade that day.
 */
export interface FactorMarket {
  readonly calendar: { readonly dates: Int32Array };
  readonly assets: readonly string[];
  minuteBars(asset: number, t: number): MinuteBars | null;
  /** Needed only by tick factors. */
  ticks?(asset: number, t: number): TickSnapshots | null;
}

/**
 * Daily volumes that size equal-volume bars: from a given dates x assets volume panel (e.g.
 * `market.daily().volume`), else the sum of each stock-day's minute-bar volumes (a day without
 * minute bars counts 0), computed on demand and memoised. A NaN in the panel (a suspended day, or
 * one before listing) is also taken from the minute bars: 0 when the stock did not trade, so a
 * suspension lowers the next `lookback` days' bar size instead of leaving them without bars.
 */
export class DailyVolumes {
  private readonly memo = new Map<number, Float64Array>();

  constructor(
    private readonly market: FactorMarket,
    private readonly panel?: Panel,
  ) {}

  private column(a: number): Float64Array {
    let col = this.memo.get(a);
    if (col === undefined) {
      const nDays = this.market.calendar.dates.length;
      col = new Float64Array(nDays).fill(-1);
      // A NaN in the panel (a suspended day: no daily bar) is left to the minute bars, where a day
      // without any counts 0, as it does without a panel: otherwise one suspension would leave
      // every equal-volume factor of the next `lookback` days NaN.
      if (this.panel !== undefined)
        for (let t = 0; t < nDays; t++) {
          const v = this.panel.get(t, a);
          if (!Number.isNaN(v)) col[t] = v;
        }
      this.memo.set(a, col);
    }
    return col;
  }

  /** Records the volume of a minute frame already at hand (saves fetching it again). */
  note(a: number, t: number, minute: MinuteBars | null): void {
    const col = this.column(a);
    if (col[t] === -1) col[t] = minuteVolume(minute);
  }

  /** Volume of asset `a` on day `t` (shares). */
  volume(a: number, t: number): number {
    const col = this.column(a);
    if (col[t] === -1) col[t] = minuteVolume(this.market.minuteBars(a, t));
    return col[t]!;
  }

  /**
   * Bar size (shares) of asset `a` on day `t`: the mean daily volume of days [t - lookback, t)
   * divided by `barNum`, so about `barNum` bars a day. A day without trading counts 0 (see the
   * class). NaN when there are fewer than `lookback` earlier days or none of them traded. Reads
   * only days before `t`.
   */
  barSize(a: number, t: number, options: Readonly<VolumeBarOptions>): number {
    if (t < options.lookback) return NaN;
    const window = new Float64Array(options.lookback);
    for (let k = 0; k < options.lookback; k++) window[k] = this.volume(a, t - options.lookback + k);
    return equalVolumeBarSize(window, options.barNum, { lookback: options.lookback });
  }
}

function minuteVolume(m: MinuteBars | null): number {
  if (m === null) return 0;
  let s = 0;
  for (let i = 0; i < m.volume.length; i++) s += m.volume[i]!;
  return s;
}

/** The frames of stock-day (asset, t) of a market, fetched lazily (vbar size given). */
export function marketFrames(
  market: FactorMarket,
  asset: number,
  t: number,
  barVolume: number,
): StockDayFrames {
  return {
    minute: () => market.minuteBars(asset, t),
    tick: () => {
      if (typeof market.ticks !== 'function') {
        throw new HfqError('DSL_INPUT', 'tick factors need a market with ticks(asset, t)', {
          field: 'ticks',
        });
      }
      return market.ticks(asset, t);
    },
    barVolume: () => barVolume,
  };
}
