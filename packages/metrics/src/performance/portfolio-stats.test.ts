import { HfqError, weekdays } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, reference } from '../test-utils/reference.js';
import { navSeries } from './nav.js';
import { portfolioStats } from './portfolio-stats.js';

const SCALARS = [
  'count',
  'start',
  'end',
  'totalReturn',
  'annualReturn',
  'annualVolatility',
  'sharpe',
  'maxDrawdown',
  'benchmarkAnnualReturn',
  'excessAnnualReturn',
  'trackingError',
  'excessMaxDrawdown',
  'informationRatio',
  'calmar',
  'monthlyWinRate',
  'months',
] as const;

describe('portfolioStats matches numpy', () => {
  for (const c of reference.portfolioStats) {
    it(c.name, () => {
      const s = portfolioStats({
        returns: c.returns,
        dates: c.dates,
        benchmark: c.benchmark,
        periodsPerYear: c.periodsPerYear,
      });
      for (const k of SCALARS) expectClose(s[k], c.stats[k], 1e-9, k);
      expect(Array.from(s.yearly.years)).toEqual(c.stats.yearly.years);
      expectAllClose(s.yearly.returns, c.stats.yearly.returns, 1e-9, 'yearly.returns');
      expectAllClose(s.yearly.benchmark, c.stats.yearly.benchmark, 1e-9, 'yearly.benchmark');
      expectAllClose(s.yearly.excess, c.stats.yearly.excess, 1e-9, 'yearly.excess');
    });
  }
});

/** `n` equal daily returns compounding to `total` over the period. */
function constantReturns(n: number, total: number): Float64Array {
  return new Float64Array(n).fill((1 + total) ** (1 / n) - 1);
}

describe("the study's own arithmetic", () => {
  const dates = weekdays(20240101, 20241231).subarray(0, 252);

  it('14.20% a year against -4.05% is 1.1420 / 0.9595 - 1 = 19.02% excess', () => {
    const s = portfolioStats({
      returns: constantReturns(252, 0.142),
      dates,
      benchmark: constantReturns(252, -0.0405),
    });
    expect(s.annualReturn).toBeCloseTo(0.142, 12);
    expect(s.benchmarkAnnualReturn).toBeCloseTo(-0.0405, 12);
    expect(s.excessAnnualReturn).toBeCloseTo(1.142 / 0.9595 - 1, 12);
    expect((100 * s.excessAnnualReturn).toFixed(1)).toBe('19.0');
  });

  it('IR = excess / tracking error (19.08% / 5.86% = 3.26 as in the table)', () => {
    // A relative NAV with daily returns alternating +-d around a drift: TE and excess are known.
    const n = 252;
    const bench = new Float64Array(n).fill(0.0003);
    const rel = new Float64Array(n);
    const d = 0.0586 / Math.sqrt(n);
    for (let i = 0; i < n; i++) rel[i] = 0.000695 + (i % 2 ? d : -d);
    const r = rel.map((q, i) => (1 + q) * (1 + bench[i]!) - 1);
    const s = portfolioStats({ returns: r, dates, benchmark: bench });
    expect(s.informationRatio).toBeCloseTo(s.excessAnnualReturn / s.trackingError, 14);
    expect((0.1908 / 0.0586).toFixed(2)).toBe('3.26');
    expect(s.calmar).toBeCloseTo(s.excessAnnualReturn / s.excessMaxDrawdown, 14);
  });

  it('Sharpe = return / volatility with no risk-free rate; drawdown is a positive fraction', () => {
    const r = [0.1, -0.2, 0.05, 0.1];
    const s = portfolioStats({ returns: r, dates: dates.subarray(0, 4) });
    expect(s.sharpe).toBe(s.annualReturn / s.annualVolatility);
    expect(s.maxDrawdown).toBeCloseTo(0.2, 15); // 1.1 -> 0.88
    expect(s.calmar).toBe(s.annualReturn / s.maxDrawdown);
  });
});

describe('portfolioStats rules', () => {
  const dates = weekdays(20240102, 20240110);
  it('rejects a NaN after the start, with its date', () => {
    try {
      portfolioStats({ returns: [Number.NaN, 0.01, Number.NaN, 0.02, 0, 0, 0], dates });
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'METRICS_BAD_RETURN')).toBe(true);
      expect((e as HfqError).context.date).toBe(dates[2]);
    }
  });
  it('rejects returns below -100% and unsorted dates', () => {
    expect(() => portfolioStats({ returns: [0, -1.5], dates: dates.subarray(0, 2) })).toThrow(
      /METRICS_BAD_RETURN/,
    );
    expect(() => portfolioStats({ returns: [0, 0], dates: [20240103, 20240102] })).toThrow(
      /METRICS_BAD_DATE/,
    );
  });
  it('all-NaN input gives count 0 and NaN statistics', () => {
    const s = portfolioStats({ returns: [Number.NaN, Number.NaN], dates: dates.subarray(0, 2) });
    expect(s.count).toBe(0);
    expect(s.annualReturn).toBeNaN();
    expect(s.yearly.years.length).toBe(0);
  });
});

describe('navSeries', () => {
  it('NAV, relative NAV and drawdowns agree with portfolioStats', () => {
    const c = reference.portfolioStats[0];
    const nav = navSeries({ returns: c.returns, dates: c.dates, benchmark: c.benchmark });
    const s = portfolioStats({ returns: c.returns, dates: c.dates, benchmark: c.benchmark });
    const last = c.returns.length - 1;
    expectClose(nav.nav[last]!, 1 + s.totalReturn, 1e-12);
    expectClose(Math.max(...nav.drawdown), s.maxDrawdown, 1e-12);
    expectClose(Math.max(...nav.excessDrawdown), s.excessMaxDrawdown, 1e-12);
    expectClose(nav.relativeNav[last]! ** (252 / s.count) - 1, s.excessAnnualReturn, 1e-12);
  });
});

describe('extreme but finite returns', () => {
  const dates = weekdays(20240102, 20240104);
  it('annualVolatility does not overflow in the sum of squares', () => {
    // numpy: np.std(v / 1e160, ddof=1) * 1e160 * sqrt(252) for v = [1e160, 0, -0.5]
    // (np.std(v, ddof=1) itself is inf).
    const s = portfolioStats({ returns: [1e160, 0, -0.5], dates });
    expect(s.annualVolatility / 9.165151389911682e160).toBeCloseTo(1, 14);
  });
});

describe('navSeries refuses returns it cannot compound', () => {
  const dates = weekdays(20240102, 20240105);
  it.each([
    ['returns', Number.POSITIVE_INFINITY],
    ['returns', -1.5],
    ['benchmark', Number.NEGATIVE_INFINITY],
    ['benchmark', -2],
  ])('%s = %s after the start names the date', (field, bad) => {
    const returns = [0.01, 0.02, 0, 0.01];
    const benchmark = [0, 0, 0.01, 0];
    (field === 'returns' ? returns : benchmark)[2] = bad;
    try {
      navSeries({ returns, dates, benchmark });
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'METRICS_BAD_RETURN')).toBe(true);
      expect((e as HfqError).context).toMatchObject({ field, row: 2, date: dates[2] });
    }
  });
});

describe('a leading infinity is refused, not skipped as a later start', () => {
  const dates = weekdays(20240102, 20240104);
  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('%s', (bad) => {
    expect(() => portfolioStats({ returns: [bad, 0.01, 0.02], dates })).toThrow(/METRICS_BAD_RETURN/);
    expect(() => navSeries({ returns: [bad, 0.01, 0.02], dates })).toThrow(/METRICS_BAD_RETURN/);
    expect(() => portfolioStats({ returns: [0.01, 0.01, 0.02], dates, benchmark: [bad, 0, 0] })).toThrow(
      /METRICS_BAD_RETURN/,
    );
  });
});
