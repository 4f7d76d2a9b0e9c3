import type { DailyBars } from '@hfq/bars';
import { Panel, ProgressReporter, type TaskOptions } from '@hfq/core';
import type { SimContext } from '../context.js';
import { MinuteDay } from '../intraday/minutes.js';
import { SUSPENDED, TRADING } from '../universe/stock-path.js';

/**
 * Builds the daily panels. Every traded stock-day's minutes are generated (one at a time, never
 * stored) and aggregated, so daily and intraday data agree exactly: open = first minute open (the
 * 09:25 auction), high/low = extremes of the minutes, close = last minute close (the 15:00
 * auction), volume/amount = sums over minutes, vwap = amount / volume.
 * Suspended days: `suspended` 1, prices, limits, volume, amount, vwap and turnover NaN; adjFactor,
 * caps and book-to-price carried from the last close. Days outside listing: everything NaN, flags 0.
 */
export function buildDailyBars(ctx: SimContext, options?: TaskOptions): DailyBars {
  const { calendar, assets } = ctx;
  const dates = calendar.dates;
  const D = dates.length;
  const N = assets.length;
  const make = (fill = NaN) => Panel.alloc(dates, assets, 'float64', fill);
  const out: DailyBars = {
    open: make(),
    high: make(),
    low: make(),
    close: make(),
    preClose: make(),
    vwap: make(),
    volume: make(),
    amount: make(),
    adjFactor: make(),
    upLimit: make(),
    downLimit: make(),
    isLimitUp: make(0),
    isLimitDown: make(0),
    suspended: make(0),
    st: make(0),
    listed: make(0),
    marketCap: make(),
    floatMarketCap: make(),
    turnover: make(),
    bookToPrice: make(),
  };
  const day = new MinuteDay();
  const progress = new ProgressReporter(options, 'sim:daily', N, 'stocks');
  for (let a = 0; a < N; a++) {
    const p = ctx.path(a);
    const s = ctx.statics[a]!;
    for (let t = 0; t < D; t++) {
      const status = p.status[t]!;
      if (status !== TRADING && status !== SUSPENDED) continue;
      const k = t * N + a;
      out.listed.values[k] = 1;
      out.st.values[k] = p.st[t]!;
      out.adjFactor.values[k] = p.adj[t]!;
      const lastClose = p.lastClose[t]! / 100;
      out.marketCap.values[k] = lastClose * p.totalShares[t]!;
      out.floatMarketCap.values[k] = lastClose * p.floatShares[t]!;
      out.bookToPrice.values[k] = p.bps[t]! / lastClose;
      if (status === SUSPENDED) {
        out.suspended.values[k] = 1;
        continue;
      }
      day.generate(ctx.config, a, t, s, p);
      let hi = day.high[0]!;
      let lo = day.low[0]!;
      let lots = 0;
      let amount = 0;
      for (let j = 0; j < 240; j++) {
        if (day.high[j]! > hi) hi = day.high[j]!;
        if (day.low[j]! < lo) lo = day.low[j]!;
        lots += day.volume[j]!;
        amount += day.amount[j]!;
      }
      const volume = lots * 100;
      out.open.values[k] = day.open[0]! / 100;
      out.high.values[k] = hi / 100;
      out.low.values[k] = lo / 100;
      out.close.values[k] = day.close[239]! / 100;
      out.preClose.values[k] = p.preClose[t]! / 100;
      out.volume.values[k] = volume;
      out.amount.values[k] = amount;
      out.vwap.values[k] = amount / volume;
      out.upLimit.values[k] = p.up[t]! / 100;
      out.downLimit.values[k] = p.down[t]! / 100;
      out.isLimitUp.values[k] = p.close[t] === p.up[t] ? 1 : 0;
      out.isLimitDown.values[k] = p.close[t] === p.down[t] ? 1 : 0;
      out.turnover.values[k] = volume / p.floatShares[t]!;
    }
    progress.tick();
  }
  return out;
}
