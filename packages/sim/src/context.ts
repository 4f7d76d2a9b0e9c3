import type { Calendar } from '@hfq/core';
import type { MarketConfig } from './config.js';
import { tradingCalendar } from './universe/calendar.js';
import { type CommonFactors, simulateCommonFactors } from './universe/factors.js';
import { type StockPath, simulateStockPath } from './universe/stock-path.js';
import { assignAssetIds, drawStockStatic, type StockStatic } from './universe/stocks.js';

/**
 * What every generator of one market shares: the config, calendar, asset list, static stock
 * attributes, common factors, and the per-stock daily paths (computed on demand, kept in an LRU
 * cache of `config.pathCacheSize` stocks). Internal to the package.
 */
export class SimContext {
  readonly calendar: Calendar;
  readonly statics: readonly StockStatic[];
  readonly assets: readonly string[];
  readonly common: CommonFactors;
  /** First listed / first delisted calendar index per stock, filled as paths are simulated (-2 = not yet). */
  private readonly listDays: Int32Array;
  private readonly delistDays: Int32Array;
  private readonly cache = new Map<number, StockPath>();

  constructor(readonly config: Readonly<MarketConfig>) {
    this.calendar = tradingCalendar(config.startDate, config.nDays, config.holidays);
    const statics: StockStatic[] = [];
    for (let i = 0; i < config.nStocks; i++) statics.push(drawStockStatic(config, i));
    this.statics = Object.freeze(statics);
    this.assets = Object.freeze(assignAssetIds(statics));
    this.common = simulateCommonFactors(config);
    this.listDays = new Int32Array(config.nStocks).fill(-2);
    this.delistDays = new Int32Array(config.nStocks).fill(-2);
  }

  /** Stock `a`'s listing and delisting days (see `StockPath`), without keeping its path. */
  lifetime(a: number): [listDay: number, delistDay: number] {
    if (this.listDays[a] === -2) this.path(a);
    return [this.listDays[a]!, this.delistDays[a]!];
  }

  /** Stock `a`'s daily path (cached). */
  path(a: number): StockPath {
    const hit = this.cache.get(a);
    if (hit) {
      // Refresh recency.
      this.cache.delete(a);
      this.cache.set(a, hit);
      return hit;
    }
    const p = simulateStockPath(this.config, a, this.statics[a]!, this.common);
    this.listDays[a] = p.listDay;
    this.delistDays[a] = p.delistDay;
    if (this.cache.size >= this.config.pathCacheSize) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
    this.cache.set(a, p);
    return p;
  }
}
