import {
  type DailyBars,
  type IndexData,
  MINUTE_BAR_END_TIMES,
  type MinuteBars,
  type TickSnapshots,
} from '@hfq/bars';
import { type Calendar, Panel, STYLE_NAMES, type StyleName, type TaskOptions } from '@hfq/core';
import { type MarketConfig, resolveConfig } from './config.js';
import { SimContext } from './context.js';
import { buildIndex } from './daily/benchmark-index.js';
import { buildDailyBars } from './daily/daily-bars.js';
import { simError } from './errors.js';
import { snapshotSlots } from './intraday/grid.js';
import { FOOTPRINT, MinuteDay } from './intraday/minutes.js';
import { buildTickSnapshots, PrintPath, SnapshotState } from './intraday/ticks.js';
import { BURN_IN } from './universe/factors.js';
import { NOT_LISTED, type StockPath, TRADING } from './universe/stock-path.js';
import { type Board, industryNames } from './universe/stocks.js';

/** Names of the style exposures, in the order `styles()` lists them: one definition, in `@hfq/core`. */
export { STYLE_NAMES, type StyleName } from '@hfq/core';

/**
 * The true latent style loadings the generator uses (dates x assets, NaN when not listed), each
 * roughly standard normal across stocks but not re-standardised per day:
 * - `size`: (log float market cap - log 8e9) / 0.9;
 * - `beta`: (market beta - 1) / 0.25 (constant per stock);
 * - `momentum`: sum of the last 60 traded days' idiosyncratic log returns / (idioVol * sqrt(60));
 * - `residualVolatility`: log(conditional idiosyncratic vol / idioVol) / 0.35;
 * - `liquidity`: (latent log turnover - log turnover) / 0.54 (high = liquid);
 * - `value`: (log book-to-price - log 0.45) / 0.5.
 */
export type StyleExposures = { readonly names: readonly StyleName[] } & {
  readonly [K in StyleName]: Panel<Float64Array>;
};

/** The ground truth behind the market, for tests and oracle benchmarks. */
export interface MarketTruth {
  /**
   * Latent alpha at the close of T (unit variance, AR(1) with `alphaPersistence`): the planted
   * signal. The idiosyncratic log return of T+1 has mean `alphaReturn * alpha[T]` plus the style
   * terms. NaN when not listed (defined on suspended days).
   */
  alpha: Panel<Float64Array>;
  /**
   * Expected idiosyncratic log return of day T+1 (close T -> close T+1) given everything at the
   * close of T: `alphaReturn * alpha` plus the reversal and style premia, fraction per day. It is
   * the next day's expectation, not that of a longer horizon (see `expectedReturn1to6`). NaN when
   * not listed.
   */
  expectedReturn: Panel<Float64Array>;
  /**
   * Expected idiosyncratic log return from the close of T+1 to the close of T+6 (days T+2..T+6,
   * the study's label `forwardReturns(close, 1, 6)`) given everything at the close of T: the
   * simulator's own dynamics carried forward five days with future shocks at their mean (alpha
   * decays by `alphaPersistence` a day, the reversal state absorbs each day's expected return,
   * the other style exposures stay at their value at T). The best score of that label knowable
   * at T, up to the clipped reversal term's Jensen gap and the slow drift of the styles; it
   * leaves out the market and industry parts (common to a cross-section's industry peers).
   * Fraction over the 5 days. NaN when not listed.
   */
  expectedReturn1to6: Panel<Float64Array>;
  /** Market factor log return per day (fraction). */
  marketReturn: Float64Array;
  /** Industry factor log returns, row-major nDays x nIndustries. */
  industryReturn: Float64Array;
  /** Market beta per asset. */
  beta: Float64Array;
  /** Long-run daily idiosyncratic volatility per asset (fraction). */
  idioVol: Float64Array;
  /** First listed calendar index per asset (-1: listed before the calendar; nDays: never inside it). */
  listDay: Int32Array;
  /** First calendar index after delisting per asset (nDays: not delisted inside the calendar). */
  delistDay: Int32Array;
  /** Footprint couplings at `footprintStrength` 1 (see the package docs). */
  footprint: typeof FOOTPRINT;
}

/** A deterministic synthetic A-share market. Every method is a pure function of (config, arguments). */
export interface Market {
  readonly config: Readonly<MarketConfig>;
  readonly calendar: Calendar;
  /** Asset ids like `600000.SH`, `000001.SZ`, `300001.SZ`, `688001.SH`. */
  readonly assets: readonly string[];
  readonly industryNames: readonly string[];
  /** Industry (0..nIndustries-1) per asset. */
  readonly industry: Int32Array;
  /** Board per asset; growth boards (ChiNext, STAR) have +-20% limits, main boards +-10%, ST +-5%. */
  readonly board: readonly Board[];
  /** Index of asset id `id`. @throws `SIM_ASSET_OUT_OF_RANGE` for an unknown id. */
  assetIndex(id: string): number;
  /**
   * The 240 one-minute bars of asset `asset` on calendar index `t` (prices in yuan on the 0.01
   * grid, volume in shares, multiples of 100; amount in yuan), or null when it did not trade
   * (suspended or not listed). Minutes without prints (always 14:58 and 14:59, the closing call
   * auction) have volume 0 and OHLC at the last price.
   * @throws `SIM_ASSET_OUT_OF_RANGE`, `SIM_DAY_OUT_OF_RANGE`
   */
  minuteBars(asset: number, t: number): MinuteBars | null;
  /**
   * Level-2 snapshots at `config.tickIntervalMs` (09:25 auction, continuous trading, 11:30,
   * 14:57-15:00 closing auction, 15:00 print), or null when it did not trade. Cumulative volume,
   * amount and trades aggregate exactly to `minuteBars` at every cadence; OHLC too at 3 s.
   */
  ticks(asset: number, t: number): TickSnapshots | null;
  /** Daily bars of every asset (cached after the first call). */
  daily(options?: TaskOptions): DailyBars;
  /** The CSI-1000-like benchmark (cached after the first call). */
  index(options?: TaskOptions): IndexData;
  /** The true latent style loadings (cached). */
  styles(): StyleExposures;
  /** The planted alpha and other ground truth (cached). */
  truth(): MarketTruth;
}

class SyntheticMarket implements Market {
  readonly config: Readonly<MarketConfig>;
  readonly calendar: Calendar;
  readonly assets: readonly string[];
  readonly industryNames: readonly string[];
  readonly industry: Int32Array;
  readonly board: readonly Board[];
  private readonly ctx: SimContext;
  private readonly day = new MinuteDay();
  private readonly prints = new PrintPath();
  private readonly state = new SnapshotState();
  private readonly slots: Int32Array;
  private assetMap?: Map<string, number>;
  private dailyCache?: DailyBars;
  private indexCache?: IndexData;
  private stylesCache?: StyleExposures;
  private truthCache?: MarketTruth;

  constructor(config: Readonly<MarketConfig>) {
    this.config = config;
    this.ctx = new SimContext(config);
    this.calendar = this.ctx.calendar;
    this.assets = this.ctx.assets;
    this.industryNames = Object.freeze(industryNames(config.nIndustries));
    this.industry = Int32Array.from(this.ctx.statics, (s) => s.industry);
    this.board = Object.freeze(this.ctx.statics.map((s) => s.board));
    this.slots = snapshotSlots(config.tickIntervalMs);
  }

  assetIndex(id: string): number {
    if (!this.assetMap) this.assetMap = new Map(this.assets.map((x, i) => [x, i]));
    const i = this.assetMap.get(id);
    if (i === undefined) throw simError('SIM_ASSET_OUT_OF_RANGE', `unknown asset ${id}`, { asset: id });
    return i;
  }

  private tradingPath(asset: number, t: number): StockPath | null {
    if (!Number.isInteger(asset) || asset < 0 || asset >= this.assets.length) {
      throw simError(
        'SIM_ASSET_OUT_OF_RANGE',
        `asset index ${asset} outside [0, ${this.assets.length - 1}]`,
        {
          asset,
        },
      );
    }
    if (!Number.isInteger(t) || t < 0 || t >= this.calendar.length) {
      throw simError('SIM_DAY_OUT_OF_RANGE', `calendar index ${t} outside [0, ${this.calendar.length - 1}]`, {
        index: t,
        asset: this.assets[asset],
      });
    }
    const p = this.ctx.path(asset);
    return p.status[t] === TRADING ? p : null;
  }

  minuteBars(asset: number, t: number): MinuteBars | null {
    const p = this.tradingPath(asset, t);
    if (!p) return null;
    const d = this.day.generate(this.config, asset, t, this.ctx.statics[asset]!, p);
    // Every value is overwritten below, so plain (zeroed) arrays are enough.
    const out: MinuteBars = {
      asset: this.assets[asset]!,
      date: this.calendar.dates[t]!,
      time: MINUTE_BAR_END_TIMES.slice(),
      open: new Float64Array(240),
      high: new Float64Array(240),
      low: new Float64Array(240),
      close: new Float64Array(240),
      volume: new Float64Array(240),
      amount: new Float64Array(240),
      trades: new Float64Array(240),
    };
    for (let j = 0; j < 240; j++) {
      out.open[j] = d.open[j]! / 100;
      out.high[j] = d.high[j]! / 100;
      out.low[j] = d.low[j]! / 100;
      out.close[j] = d.close[j]! / 100;
      out.volume[j] = d.volume[j]! * 100;
      out.amount[j] = d.amount[j]!;
      out.trades[j] = d.trades[j]!;
    }
    return out;
  }

  ticks(asset: number, t: number): TickSnapshots | null {
    const p = this.tradingPath(asset, t);
    if (!p) return null;
    const s = this.ctx.statics[asset]!;
    const d = this.day.generate(this.config, asset, t, s, p);
    // At 60 s every snapshot ends a minute, where the print path's state is the minute's.
    const state =
      this.config.tickIntervalMs === 60000
        ? this.state.fromMinutes(d, this.slots)
        : this.state.fromPrints(this.prints.build(this.config, asset, t, d), d.openPrice, this.slots);
    return buildTickSnapshots(this.config, asset, t, s, p, d, state, this.slots, {
      asset: this.assets[asset]!,
      date: this.calendar.dates[t]!,
    });
  }

  daily(options?: TaskOptions): DailyBars {
    this.dailyCache ??= buildDailyBars(this.ctx, options);
    return this.dailyCache;
  }

  index(options?: TaskOptions): IndexData {
    this.indexCache ??= buildIndex(this.ctx, this.daily(options), options);
    return this.indexCache;
  }

  /** Fills one panel per getter in a single pass over stocks (each path simulated at most once). */
  private panelsOf(getters: readonly ((p: StockPath, t: number) => number)[]): Panel<Float64Array>[] {
    const dates = this.calendar.dates;
    const N = this.assets.length;
    const out = getters.map(() => Panel.alloc(dates, this.assets, 'float64'));
    for (let a = 0; a < N; a++) {
      const p = this.ctx.path(a);
      for (let t = 0; t < dates.length; t++) {
        if (p.status[t] === NOT_LISTED) continue;
        for (let g = 0; g < getters.length; g++) out[g]!.values[t * N + a] = getters[g]!(p, t);
      }
    }
    return out;
  }

  styles(): StyleExposures {
    if (!this.stylesCache) {
      const [size, beta, momentum, residualVolatility, liquidity, value] = this.panelsOf([
        (p, t) => p.size[t]!,
        (p) => p.beta,
        (p, t) => p.momentum[t]!,
        (p, t) => p.volatility[t]!,
        (p, t) => p.liquidity[t]!,
        (p, t) => p.value[t]!,
      ]);
      this.stylesCache = Object.freeze({
        names: STYLE_NAMES,
        size: size!,
        beta: beta!,
        momentum: momentum!,
        residualVolatility: residualVolatility!,
        liquidity: liquidity!,
        value: value!,
      });
    }
    return this.stylesCache;
  }

  truth(): MarketTruth {
    if (!this.truthCache) {
      const { common, statics } = this.ctx;
      const D = this.calendar.length;
      const K = this.config.nIndustries;
      const [alpha, expectedReturn, expectedReturn1to6] = this.panelsOf([
        (p, t) => p.alpha[t]!,
        (p, t) => p.expRet[t]!,
        (p, t) => p.expRet1to6[t]!,
      ]);
      this.truthCache = Object.freeze({
        alpha: alpha!,
        expectedReturn: expectedReturn!,
        expectedReturn1to6: expectedReturn1to6!,
        marketReturn: common.market.slice(BURN_IN, BURN_IN + D),
        industryReturn: common.industry.slice(BURN_IN * K, (BURN_IN + D) * K),
        beta: Float64Array.from(statics, (s) => s.beta),
        idioVol: Float64Array.from(statics, (s) => s.idioVol),
        listDay: Int32Array.from(statics, (_, a) => this.ctx.lifetime(a)[0]),
        delistDay: Int32Array.from(statics, (_, a) => this.ctx.lifetime(a)[1]),
        footprint: FOOTPRINT,
      });
    }
    return this.truthCache;
  }
}

/**
 * Creates a synthetic A-share market. Cheap: only static attributes and common factors are
 * drawn now; daily paths, minutes and ticks are generated on demand, each stock-day from its own
 * stream keyed by (seed, stock, day), so any subset can be generated in any order with the same
 * bytes. @throws HfqError `SIM_INVALID_CONFIG`
 */
export function createMarket(config: Partial<MarketConfig> = {}): Market {
  return new SyntheticMarket(resolveConfig(config));
}
