import { describe, expect, it } from 'vitest';
import { createMarket } from '../market.js';
import { INDEX_BASE_LEVEL, isReviewDay } from './benchmark-index.js';

const market = createMarket({ seed: 21, nStocks: 60, nDays: 300, delistingPerYear: 0.3 });
const daily = market.daily();
const index = market.index();
const N = market.assets.length;
const D = market.calendar.length;
const cfg = market.config;

describe('CSI-1000-like index', () => {
  it('has default size and skip derived from the number of stocks', () => {
    expect(cfg.indexSize).toBe(24);
    expect(cfg.indexSkipLargest).toBe(6);
    expect(index.name).toBe('CSI1000-like');
  });

  it('weights are float-cap weights that sum to 1 over constituents', () => {
    let worst = 0;
    let flagMismatch = 0;
    for (let t = 0; t < D; t++) {
      let sum = 0;
      let capSum = 0;
      for (let a = 0; a < N; a++) {
        const w = index.weight.get(t, a);
        const c = index.constituent.get(t, a);
        if (w > 0 !== (c === 1)) flagMismatch++;
        sum += w;
        if (c === 1) capSum += daily.floatMarketCap.get(t, a);
      }
      worst = Math.max(worst, Math.abs(sum - 1));
      for (let a = 0; a < N; a++) {
        if (index.constituent.get(t, a) === 1) {
          worst = Math.max(worst, Math.abs(index.weight.get(t, a) - daily.floatMarketCap.get(t, a) / capSum));
        }
      }
    }
    expect(flagMismatch).toBe(0);
    expect(worst).toBeLessThan(1e-12);
  });

  it('daily index return equals the weighted constituent returns, and the level compounds it', () => {
    expect(index.close[0]).toBe(INDEX_BASE_LEVEL);
    expect(index.ret[0]).toBeNaN();
    for (let t = 1; t < D; t++) {
      let r = 0;
      for (let a = 0; a < N; a++) {
        const w = index.weight.get(t - 1, a);
        if (w === 0) continue;
        const traded = Number.isFinite(daily.close.get(t, a));
        r += traded ? w * (daily.close.get(t, a) / daily.preClose.get(t, a) - 1) : 0;
      }
      expect(index.ret[t]).toBeCloseTo(r, 14);
      expect(index.close[t]).toBeCloseTo(index.close[t - 1]! * (1 + r), 9);
    }
  });

  it('reconstitutes semi-annually by size rank below the largest stocks, dropping delisted members between reviews', () => {
    const reviews: number[] = [];
    for (let t = 0; t < D; t++)
      if (isReviewDay(market.calendar.dates, t, cfg.indexReviewMonths)) reviews.push(t);
    expect(reviews.length).toBe(3); // day 0, mid-June 2020, mid-December 2020
    expect(market.calendar.dates[reviews[1]!]! % 10000).toBeGreaterThanOrEqual(615);
    for (const t of reviews) {
      const members = Array.from({ length: N }, (_, a) => a).filter((a) => index.constituent.get(t, a) === 1);
      expect(members.length).toBe(cfg.indexSize);
      // Independent selection: eligible stocks ranked by their mean float cap over the last 20 days.
      const truth = market.truth();
      const eligible = Array.from({ length: N }, (_, a) => a).filter(
        (a) =>
          daily.listed.get(t, a) === 1 &&
          daily.suspended.get(t, a) === 0 &&
          daily.st.get(t, a) === 0 &&
          (truth.listDay[a]! < 0 || t - truth.listDay[a]! >= 60),
      );
      const score = (a: number) => {
        const caps: number[] = [];
        for (let u = Math.max(0, t - 19); u <= t; u++) {
          const v = daily.floatMarketCap.get(u, a);
          if (Number.isFinite(v)) caps.push(v);
        }
        return caps.reduce((x, y) => x + y, 0) / caps.length;
      };
      const ranked = eligible.sort((x, y) => score(y) - score(x) || x - y);
      const expected = ranked
        .slice(cfg.indexSkipLargest, cfg.indexSkipLargest + cfg.indexSize)
        .sort((x, y) => x - y);
      expect(members).toEqual(expected);
    }
    // Between reviews the set never gains members.
    let changes = 0;
    for (let t = 1; t < D; t++) {
      if (reviews.includes(t)) continue;
      for (let a = 0; a < N; a++) {
        const before = index.constituent.get(t - 1, a);
        const now = index.constituent.get(t, a);
        if (now > before) changes += 1000; // never gains
        if (now < before) {
          changes++;
          expect(daily.listed.get(t, a)).toBe(0); // only delisting removes a member
        }
      }
    }
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThan(1000);
    // Reviews do change the set.
    let turnover = 0;
    for (let a = 0; a < N; a++) {
      if (index.constituent.get(reviews[1]!, a) !== index.constituent.get(reviews[1]! - 1, a)) turnover++;
    }
    expect(turnover).toBeGreaterThan(0);
  });
});
