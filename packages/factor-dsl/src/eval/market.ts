import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { equalVolumeBarSize } from '@hfq/bars';
import { HfqError, type Panel } from '@hfq/core';
import type { VolumeBarOptions } from './factor-set.js';

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
  /** Daily volumes size equal-volume bars; without it they are summed from the minute bars. */
  daily?(): { readonly volume: Panel };
}

/**
 * Daily volume of asset `a` on calendar days [0, t) as a lookup, from `market.daily()` when the
 * market has it, else summed from minute bars (memoised per stock-day; NaN = did not trade).
 */
export class DailyVolumes {
  private readonly panel: Panel | undefined;
  private readonly memo = new Map<number, Float64Array>();

  constructor(private readonly market: FactorMarket) {
    this.panel = typeof market.daily === 'function' ? market.daily().volume : undefined;
  }

  private column(a: number): Float64Array {
    let col = this.memo.get(a);
    if (col === undefined) {
      const nDays = this.market.calendar.dates.length;
      col = new Float64Array(nDays).fill(-1);
      if (this.panel !== undefined) {
        for (let t = 0; t < nDays; t++) col[t] = this.panel.get(t, a);
      }
      this.memo.set(a, col);
    }
    return col;
  }

  /** Volume of asset `a` on day `t` (shares; NaN when it did not trade and the source says so). */
  volume(a: number, t: number): number {
    const col = this.column(a);
    if (col[t] === -1) {
      const m = this.market.minuteBars(a, t);
      let s = 0;
      if (m !== null) for (let i = 0; i < m.volume.length; i++) s += m.volume[i]!;
      col[t] = m === null ? 0 : s;
    }
    return col[t]!;
  }

  /**
   * Bar size (shares) of asset `a` on day `t`: the mean daily volume of days [t - lookback, t)
   * divided by `barNum`, so about `barNum` bars a day. NaN when there are fewer days or one of
   * them is missing. Reads only days before `t`.
   */
  barSize(a: number, t: number, options: Readonly<VolumeBarOptions>): number {
    if (t < options.lookback) return NaN;
    const window = new Float64Array(options.lookback);
    for (let k = 0; k < options.lookback; k++) window[k] = this.volume(a, t - options.lookback + k);
    // equalVolumeBarSize divides the lookback days' total by its second argument.
    return equalVolumeBarSize(window, options.barNum * options.lookback, { lookback: options.lookback });
  }
}

/** The frames of stock-day (asset, t) of a market, fetched lazily (vbar size given). */
export function marketFrames(market: FactorMarket, asset: number, t: number, barVolume: number) {
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
