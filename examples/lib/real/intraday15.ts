/**
 * Part (b) of the real-data study, the data side: the 15-minute panel of `cn-intraday-15min` (400
 * SSE main-board stocks + 000001.SZ, 2025-01-02 .. 2026-04-01, 16 bars a day) held in memory as
 * columns and served to the factor language as a `FactorMarket` whose "minute" frames have 16
 * rows. The DSL's time filters work on bar end times, so `first_minutes(x, 15)` is the 09:45 bar
 * and `last_minutes(x, 30)` the 14:45 and 15:00 bars; windows and lags count bars (15 minutes each).
 */
import { CN_15MIN_BARS, findMinuteBarIssues, type MinuteBars, readMinuteBarsCsv } from '@hfq/bars';
import { ProgressReporter, type TaskOptions } from '@hfq/core';
import type { FactorDef, FactorMarket } from '@hfq/factor-dsl';

/** Bar end times of a 15-minute day, minutes since midnight. */
const END_MINUTES = [585, 600, 615, 630, 645, 660, 675, 690, 795, 810, 825, 840, 855, 870, 885, 900];
export const BARS_PER_DAY = END_MINUTES.length;
const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount'] as const;

/** What loading found in the file. */
export interface FifteenMinuteStats {
  rows: number;
  stockDays: number;
  /** Stock-days with no volume at all (suspended; the source prints zero prices): no frame. */
  suspendedDays: number;
  /** Bars with zero prices inside a traded day (set to NaN prices, volume 0). */
  zeroPriceBars: number;
  /** Stock-days whose bar times are not the 16 standard ones (left out). */
  irregularDays: number;
  /** Traded stock-days with a validation issue (after the zero-price bars were set to NaN: none expected). */
  daysWithIssues: number;
  firstIssue?: string;
}

/** The 15-minute panel as a `FactorMarket` (frames are views into shared columns: no copies). */
export class FifteenMinuteMarket implements FactorMarket {
  readonly calendar: { readonly dates: Int32Array };
  private readonly cols: Record<(typeof FIELDS)[number], Float64Array>;
  private readonly trades: Float64Array;
  private readonly time: Int32Array;
  /** Row offset / BARS_PER_DAY of stock-day (a, t), -1 = no frame. */
  private readonly slot: Int32Array;

  private constructor(
    readonly assets: readonly string[],
    dates: Int32Array,
    cols: Record<(typeof FIELDS)[number], Float64Array>,
    slot: Int32Array,
    readonly stats: FifteenMinuteStats,
  ) {
    this.calendar = { dates };
    this.cols = cols;
    this.slot = slot;
    this.time = Int32Array.from(END_MINUTES, (m) => m * 60_000);
    this.trades = new Float64Array(BARS_PER_DAY).fill(Number.NaN); // the source has no trade counts
  }

  /**
   * Reads the CSV (streaming, one stock-day at a time). `assets` restricts the stocks (ids like
   * `600000.SH`). Frames are read with validation off because suspended days carry zero prices;
   * each traded day is then cleaned (zero-price bars -> NaN) and validated here.
   */
  static async load(
    path: string,
    options: TaskOptions & { assets?: readonly string[] } = {},
  ): Promise<FifteenMinuteMarket> {
    const stats: FifteenMinuteStats = {
      rows: 0,
      stockDays: 0,
      suspendedDays: 0,
      zeroPriceBars: 0,
      irregularDays: 0,
      daysWithIssues: 0,
    };
    // Kept frames go straight into growing columns (one stock-day per slot), not kept as objects.
    let cap = 1024;
    let cols = Object.fromEntries(FIELDS.map((k) => [k, new Float64Array(cap * BARS_PER_DAY)])) as Record<
      (typeof FIELDS)[number],
      Float64Array
    >;
    const keys: Array<{ asset: string; date: number }> = [];
    const progress = new ProgressReporter(options, 'read 15-min bars', undefined, 'stock-days', 1000);
    for await (const f of readMinuteBarsCsv(path, CN_15MIN_BARS, {
      validate: 'off',
      ...(options.assets ? { assets: options.assets } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      stats.rows += f.time.length;
      stats.stockDays++;
      progress.tick();
      if (f.time.length !== BARS_PER_DAY || f.time.some((t, i) => t !== END_MINUTES[i]! * 60_000)) {
        stats.irregularDays++;
        continue;
      }
      let volume = 0;
      for (const v of f.volume) volume += v;
      if (volume === 0) {
        stats.suspendedDays++;
        continue;
      }
      for (let i = 0; i < BARS_PER_DAY; i++) {
        if (f.open[i]! > 0 && f.close[i]! > 0) continue;
        stats.zeroPriceBars++;
        f.open[i] = f.high[i] = f.low[i] = f.close[i] = Number.NaN;
        f.volume[i] = 0;
        f.amount[i] = 0;
      }
      const issues = findMinuteBarIssues(f).filter((x) => x.code !== 'BARS_NONFINITE_PRICE');
      if (issues.length > 0) {
        stats.daysWithIssues++;
        stats.firstIssue ??= `${f.asset} ${f.date}: ${issues[0]!.code} ${issues[0]!.message}`;
      }
      if (keys.length === cap) {
        cap *= 2;
        const grown = Object.fromEntries(
          FIELDS.map((k) => [k, new Float64Array(cap * BARS_PER_DAY)]),
        ) as typeof cols;
        for (const k of FIELDS) grown[k].set(cols[k]);
        cols = grown;
      }
      for (const k of FIELDS) cols[k].set(f[k], keys.length * BARS_PER_DAY);
      keys.push({ asset: f.asset!, date: f.date! });
    }
    progress.emit();
    const assets = [...new Set(keys.map((k) => k.asset))].sort();
    const dates = Int32Array.from(new Set(keys.map((k) => k.date))).sort();
    const aIndex = new Map(assets.map((a, i) => [a, i]));
    const dIndex = new Map(Array.from(dates, (d, t) => [d, t]));
    const slot = new Int32Array(assets.length * dates.length).fill(-1);
    keys.forEach((k, i) => {
      slot[aIndex.get(k.asset)! * dates.length + dIndex.get(k.date)!] = i;
    });
    return new FifteenMinuteMarket(assets, dates, cols, slot, stats);
  }

  /** The 16 bars of stock `asset` on calendar index `t` (views, not copies), or null (no trading). */
  minuteBars(asset: number, t: number): MinuteBars | null {
    const k = this.slot[asset * this.calendar.dates.length + t]!;
    if (k < 0) return null;
    const from = k * BARS_PER_DAY;
    const to = from + BARS_PER_DAY;
    const view = (x: Float64Array) => x.subarray(from, to);
    return {
      asset: this.assets[asset]!,
      date: this.calendar.dates[t]!,
      time: this.time,
      open: view(this.cols.open),
      high: view(this.cols.high),
      low: view(this.cols.low),
      close: view(this.cols.close),
      volume: view(this.cols.volume),
      amount: view(this.cols.amount),
      trades: this.trades,
    };
  }
}

const R = 'log_return(close)'; // 15-minute log return (NaN for the first bar of the day)

/**
 * Intraday factors that mean something with 16 bars a day. Each reads one day's bars; there are
 * 15 intraday returns a day, the 09:45 bar holds the opening auction and the 15:00 bar the closing
 * auction; there is no trade count. Minute-bar formulas with windows of tens of bars, or "the
 * last 5 minutes", have no 15-minute counterpart and are not here.
 */
export const FIFTEEN_MINUTE_FACTORS: readonly FactorDef[] = [
  {
    id: 'm15_ret_day',
    source: 'minute',
    formula: 'last(close) / first(open) - 1',
    meaning: 'open-to-close return',
  },
  {
    id: 'm15_ret_first',
    source: 'minute',
    formula: 'first(close) / first(open) - 1',
    meaning: 'return of the first 15 minutes (from the opening auction price)',
  },
  {
    id: 'm15_ret_last30',
    source: 'minute',
    formula: 'last(close) / last(between(close, 1400, 1430)) - 1',
    meaning: 'return of the last 30 minutes (14:30 -> 15:00, closing auction included)',
  },
  {
    id: 'm15_ret_afternoon',
    source: 'minute',
    formula: 'last(close) / last(morning(close)) - 1',
    meaning: 'afternoon return',
  },
  {
    id: 'm15_rvol',
    source: 'minute',
    formula: `sqrt(sum(${R} ^ 2))`,
    meaning: 'realised volatility from 15 intraday 15-minute returns',
  },
  {
    id: 'm15_updown',
    source: 'minute',
    formula: `sqrt(sum(${R} ^ 2 * (${R} > 0)) / sum(${R} ^ 2 * (${R} < 0)))`,
    meaning: 'upside over downside realised volatility',
  },
  {
    id: 'm15_vol_first_share',
    source: 'minute',
    formula: 'share(first_minutes(volume, 15), volume)',
    meaning: 'share of the day volume in the 09:45 bar (opening auction included)',
  },
  {
    id: 'm15_vol_last30_share',
    source: 'minute',
    formula: 'share(last_minutes(volume, 30), volume)',
    meaning: 'share of the day volume in the last two bars (closing auction included)',
  },
  {
    id: 'm15_vol_cv',
    source: 'minute',
    formula: 'std(volume) / mean(volume)',
    meaning: 'dispersion of volume across the 16 bars',
  },
  {
    id: 'm15_corr_rv',
    source: 'minute',
    formula: `corr(abs(${R}), volume)`,
    meaning: 'correlation of |return| and volume (15 pairs)',
  },
  {
    id: 'm15_corr_pv',
    source: 'minute',
    formula: 'corr(close, volume)',
    meaning: 'correlation of price level and volume (16 pairs)',
  },
  {
    id: 'm15_amihud',
    source: 'minute',
    formula: `log(mean(abs(${R}) / amount))`,
    meaning: 'intraday Amihud illiquidity',
  },
  {
    id: 'm15_vwap_close',
    source: 'minute',
    formula: 'sum(amount) / sum(volume) / last(close) - 1',
    meaning: 'day VWAP relative to the close',
  },
  {
    id: 'm15_close_location',
    source: 'minute',
    formula: '(last(close) - min(low)) / (max(high) - min(low))',
    meaning: 'where the close sits in the day range',
  },
];
