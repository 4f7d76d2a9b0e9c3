import type { DailyBars, IndexData } from '@hfq/bars';
import { Panel, ProgressReporter, type TaskOptions } from '@hfq/core';
import type { SimContext } from '../context.js';

/** Minimum trading-day age of a new listing before it may join the index. */
export const INDEX_MIN_AGE_DAYS = 60;
/** Days of float cap averaged for the size ranking at a review. */
export const INDEX_RANK_WINDOW = 20;
/** Index level on the first day. */
export const INDEX_BASE_LEVEL = 1000;

/**
 * True when calendar index `t` is an index review day: day 0, or the first trading day on or after
 * the 15th of a review month (June and December by default, like CSI's semi-annual reviews).
 * Decided from days `<= t` only.
 */
export function isReviewDay(dates: Int32Array, t: number, months: readonly number[]): boolean {
  if (t === 0) return true;
  const d = dates[t]!;
  const month = Math.floor(d / 100) % 100;
  if (!months.includes(month) || d % 100 < 15) return false;
  const prev = dates[t - 1]!;
  return Math.floor(prev / 100) !== Math.floor(d / 100) || prev % 100 < 15;
}

/**
 * The CSI-1000-like benchmark: at each review close, rank eligible stocks (listed, trading, not ST,
 * listed for at least 60 trading days) by their mean float cap over the last 20 days, skip the
 * `indexSkipLargest` largest, take the next `indexSize`. Between reviews the set only loses
 * delisted stocks. Weights at the close of T are float-cap weights over constituents (suspended
 * ones valued at their last close). The index return of T is
 * `sum_i weight[T-1, i] * (close_i[T] / preClose_i[T] - 1)` with 0 for a constituent that did not
 * trade on T (a total-return index); `close[T] = close[T-1] * (1 + ret[T])`, base 1000.
 */
export function buildIndex(ctx: SimContext, daily: DailyBars, options?: TaskOptions): IndexData {
  const { calendar, assets, config } = ctx;
  const dates = calendar.dates;
  const D = dates.length;
  const N = assets.length;
  const constituent = Panel.alloc(dates, assets, 'float64', 0);
  const weight = Panel.alloc(dates, assets, 'float64', 0);
  const close = new Float64Array(D);
  const ret = new Float64Array(D);
  const listDay = new Int32Array(N);
  for (let a = 0; a < N; a++) listDay[a] = ctx.lifetime(a)[0];
  const members = new Uint8Array(N);
  const score = new Float64Array(N);
  const order: number[] = [];
  const fcap = daily.floatMarketCap.values;
  const progress = new ProgressReporter(options, 'sim:index', D, 'days');
  for (let t = 0; t < D; t++) {
    const row = t * N;
    if (isReviewDay(dates, t, config.indexReviewMonths)) {
      order.length = 0;
      for (let a = 0; a < N; a++) {
        const k = row + a;
        const eligible =
          daily.listed.values[k] === 1 &&
          daily.suspended.values[k] === 0 &&
          daily.st.values[k] === 0 &&
          (listDay[a]! < 0 || t - listDay[a]! >= INDEX_MIN_AGE_DAYS);
        if (!eligible) continue;
        let sum = 0;
        let n = 0;
        for (let u = Math.max(0, t - INDEX_RANK_WINDOW + 1); u <= t; u++) {
          const v = fcap[u * N + a]!;
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
        score[a] = sum / n;
        order.push(a);
      }
      order.sort((x, y) => score[y]! - score[x]! || x - y);
      members.fill(0);
      const end = Math.min(order.length, config.indexSkipLargest + config.indexSize);
      for (let r = config.indexSkipLargest; r < end; r++) members[order[r]!] = 1;
    }
    let capSum = 0;
    for (let a = 0; a < N; a++) {
      if (members[a] && daily.listed.values[row + a] !== 1) members[a] = 0; // delisted
      if (members[a]) capSum += fcap[row + a]!;
    }
    for (let a = 0; a < N; a++) {
      if (!members[a]) continue;
      constituent.values[row + a] = 1;
      weight.values[row + a] = fcap[row + a]! / capSum;
    }
    if (t === 0) {
      close[0] = INDEX_BASE_LEVEL;
      ret[0] = NaN;
    } else {
      const prev = (t - 1) * N;
      let r = 0;
      for (let a = 0; a < N; a++) {
        const w = weight.values[prev + a]!;
        if (w === 0) continue;
        const c = daily.close.values[row + a]!;
        if (Number.isFinite(c)) r += w * (c / daily.preClose.values[row + a]! - 1);
      }
      ret[t] = r;
      close[t] = close[t - 1]! * (1 + r);
    }
    progress.tick();
  }
  return { name: 'CSI1000-like', constituent, weight, close, ret };
}
