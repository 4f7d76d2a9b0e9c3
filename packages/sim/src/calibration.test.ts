import type { DailyBars } from '@hfq/bars';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MarketTruth } from './market.js';
import { createMarket } from './market.js';
import { every5thDayRankIC, mean, pearson, sd } from './test-utils/rank-ic.js';

/**
 * Statistical checks of the planted alpha on a fixed-seed market small enough to be fast
 * (160 stocks x 130 days, 23 weekly dates). Weekly RankIC: factor at T vs the close T+1 -> close
 * T+6 return, stocks trading on T and T+1, not ST, not limit-up on T+1.
 */
const N = 160;
const D = 130;
const market = createMarket({ seed: 2024, nStocks: N, nDays: D, tickIntervalMs: 60000 });
const START = 10;

/** Simple one-day intraday factors, computed only on the weekly dates. */
function intradayFactors() {
  const names = ['lateVolumeShare', 'returnVolumeCorr', 'bookImbalance'] as const;
  const out = Object.fromEntries(names.map((n) => [n, new Float64Array(D * N).fill(Number.NaN)])) as Record<
    (typeof names)[number],
    Float64Array
  >;
  for (let t = START; t < D; t += 5) {
    for (let a = 0; a < N; a++) {
      const bars = market.minuteBars(a, t);
      if (!bars) continue;
      let total = 0;
      let late = 0;
      for (let j = 0; j < 240; j++) {
        total += bars.volume[j]!;
        if (j >= 180) late += bars.volume[j]!;
      }
      out.lateVolumeShare[t * N + a] = late / total;
      const rets = new Float64Array(236);
      const vols = new Float64Array(236);
      for (let j = 1; j < 237; j++) {
        rets[j - 1] = Math.log(bars.close[j]! / bars.close[j - 1]!);
        vols[j - 1] = bars.volume[j]!;
      }
      out.returnVolumeCorr[t * N + a] = pearson(rets, vols);
      const ticks = market.ticks(a, t)!;
      const L = ticks.levels;
      let imb = 0;
      for (let i = 0; i < ticks.time.length; i++) {
        let bid = 0;
        let ask = 0;
        for (let k = 0; k < 5; k++) {
          bid += ticks.bidVolume[i * L + k]!;
          ask += ticks.askVolume[i * L + k]!;
        }
        imb += (bid - ask) / (bid + ask);
      }
      out.bookImbalance[t * N + a] = imb / ticks.time.length;
    }
  }
  return out;
}

describe('planted alpha calibration (fixed seed)', () => {
  let daily: DailyBars;
  let truth: MarketTruth;
  let factors: ReturnType<typeof intradayFactors>;
  beforeAll(() => {
    daily = market.daily();
    truth = market.truth();
    factors = intradayFactors();
  }, 120_000);
  const ic = (f: Float64Array) => every5thDayRankIC(daily, (t) => f.subarray(t * N, (t + 1) * N), START);
  const tstat = (x: Float64Array) => mean(x) / (sd(x) / Math.sqrt(x.length));

  it('the oracle (truth.alpha at T) has a weekly RankIC of 0.10-0.15', () => {
    const oracle = every5thDayRankIC(daily, (t) => truth.alpha.row(t), START);
    expect(oracle.length).toBe(23);
    expect(mean(oracle)).toBeGreaterThan(0.1);
    expect(mean(oracle)).toBeLessThan(0.15);
    expect(tstat(oracle)).toBeGreaterThan(5);
  });

  it('the best simple one-day intraday factor is clearly weaker than the oracle but positive', () => {
    const oracle = mean(every5thDayRankIC(daily, (t) => truth.alpha.row(t), START));
    const ics = Object.fromEntries(Object.entries(factors).map(([k, f]) => [k, ic(f)]));
    const best = Object.values(ics).reduce((x, y) => (mean(y) > mean(x) ? y : x));
    expect(mean(best)).toBeGreaterThan(0.03);
    expect(tstat(best)).toBeGreaterThan(2.5);
    expect(mean(best)).toBeLessThan(0.7 * oracle);
    // Each footprint family is visible on its own: volume timing, price-volume, order book.
    for (const f of Object.values(ics)) expect(mean(f)).toBeGreaterThan(0.01);
  });

  it('returns carry short-term reversal and a low-liquidity premium, as the study reports', () => {
    const ret20 = new Float64Array(D * N).fill(Number.NaN);
    for (let t = 20; t < D; t++) {
      for (let a = 0; a < N; a++) {
        ret20[t * N + a] =
          (daily.close.get(t, a) * daily.adjFactor.get(t, a)) /
            (daily.close.get(t - 20, a) * daily.adjFactor.get(t - 20, a)) -
          1;
      }
    }
    // Weekly RankIC averaged over the five weekday phases (every day a rebalance day) to cut noise.
    const allPhases = (f: (t: number) => ArrayLike<number>, start: number) => {
      const series = [0, 1, 2, 3, 4].map((k) => every5thDayRankIC(daily, f, start + k));
      return Float64Array.from(series.flatMap((x) => Array.from(x)));
    };
    const reversal = allPhases((t) => ret20.subarray(t * N, (t + 1) * N), 20);
    const turnover = allPhases((t) => daily.turnover.row(t), START);
    expect(mean(reversal)).toBeLessThan(-0.015);
    expect(mean(turnover)).toBeLessThan(-0.01);
  });
});
