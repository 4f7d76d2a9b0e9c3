import { Rng } from '@hfq/core';
import { icSummary, rankICSeries } from '@hfq/metrics';
import { describe, expect, it } from 'vitest';
import { screenFactors } from './screen.js';
import { normalForward } from './test-utils/sample.js';

const rng = new Rng(11, 'screen-test');
const forward = normalForward(8, 60, rng);
const noisy = (scale: number, sign = 1) => forward.map((v) => sign * v + scale * rng.normal());

describe('screenFactors', () => {
  it('rejects by coverage, constancy, weakness and correlation, keeping the stronger of a correlated pair', () => {
    const strong = noisy(1);
    const twin = strong.map((v) => v + 0.05 * rng.normal()); // same factor, a bit weaker or stronger
    const negative = noisy(1.2, -1);
    const weak = forward.map(() => rng.normal());
    const constant = forward.map(() => 3);
    const patchy = noisy(0.5).map((v, t, a) => ((t * 60 + a) % 10 === 0 ? NaN : v));
    const verdicts = screenFactors(
      [
        { key: 'strong', values: strong },
        { key: 'twin', values: twin },
        { key: 'negative', values: negative },
        { key: 'weak', values: weak },
        { key: 'constant', values: constant },
        { key: 'patchy', values: patchy },
      ],
      forward,
      { thresholds: { minAbsRankIC: 0.2, maxCorrelation: 0.7 } },
    );
    const by = Object.fromEntries(verdicts.map((v) => [v.key, v]));
    expect(by.patchy!.reason).toBe('coverage');
    expect(by.patchy!.stats.coverage).toBeCloseTo(0.9, 10);
    expect(by.constant!.reason).toBe('constant');
    expect(by.weak!.reason).toBe('weak');
    expect(by.negative!.accepted).toBe(true);
    expect(by.negative!.stats.rankIC).toBeLessThan(-0.2);
    const [winner, loser] =
      Math.abs(by.strong!.stats.rankIC) >= Math.abs(by.twin!.stats.rankIC)
        ? ['strong', 'twin']
        : ['twin', 'strong'];
    expect(by[winner]!.accepted).toBe(true);
    expect(by[loser]!.reason).toBe('correlated');
    expect(by[loser]!.stats.mostCorrelatedWith).toBe(winner);
    expect(by[loser]!.stats.maxCorrelation).toBeGreaterThan(0.9);
    // the stats are the metrics package's RankIC of the factor
    const ref = icSummary(rankICSeries(strong, forward, { minAssets: 10 }));
    expect(by.strong!.stats.rankIC).toBe(ref.mean);
    expect(by.strong!.stats.rankICIR).toBe(ref.ir);
    expect(by.strong!.stats.days).toBe(forward.dates.length);
  });

  it('checks reference factors, honours the limit and measures coverage on present stock-days', () => {
    const a = noisy(1);
    const b = noisy(1.1);
    const c = noisy(0.9, -1);
    const ref = [{ key: 'lib:a', values: a.map((v) => v + 0.01 * rng.normal()) }];
    const v = screenFactors(
      [
        { key: 'a', values: a },
        { key: 'b', values: b },
        { key: 'c', values: c },
      ],
      forward,
      { thresholds: { minAbsRankIC: 0.2, maxCorrelation: 0.9 }, reference: ref, limit: 1 },
    );
    expect(v[0]).toMatchObject({
      accepted: false,
      reason: 'correlated',
      stats: { mostCorrelatedWith: 'lib:a' },
    });
    expect(v.filter((x) => x.accepted)).toHaveLength(1);
    expect(v.filter((x) => x.reason === 'surplus')).toHaveLength(1);
    // half the universe absent (no frame) and NaN: coverage is still 1 over present stock-days
    const present = forward.map((_, _t, a2) => (a2 < 30 ? 1 : 0));
    const half = a.map((x, _t, a2) => (a2 < 30 ? x : NaN));
    const [h] = screenFactors([{ key: 'half', values: half }], forward, {
      present,
      thresholds: { minAbsRankIC: 0 },
    });
    expect(h!.stats.coverage).toBe(1);
    const [h2] = screenFactors([{ key: 'half', values: half }], forward, { thresholds: { minAbsRankIC: 0 } });
    expect(h2!.stats.coverage).toBe(0.5);
  });

  it('rejects bad thresholds', () => {
    expect(() => screenFactors([], forward, { thresholds: { minCoverage: 95 } })).toThrow(/minCoverage/);
    expect(() => screenFactors([], forward, { thresholds: { minAssets: 1 } })).toThrow(/minAssets/);
  });
});
