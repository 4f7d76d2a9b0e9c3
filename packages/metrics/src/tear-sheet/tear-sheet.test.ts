import { HfqError, Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, loadFixture } from '../test-utils/reference.js';
import { type AlignedFactor, type AlignOptions, alignFactor } from './align.js';
import {
  factorAlphaBeta,
  factorIC,
  factorRankAutocorrelation,
  factorReturns,
  factorWeights,
  icByGroup,
  icStatistics,
  meanReturnByQuantile,
  qqNormal,
  quantileTurnover,
} from './stats.js';
import { factorTearSheet } from './tear-sheet.js';

// Written by generate_tear_sheet.py (numpy/scipy, alphalens' definitions).
const ref = loadFixture('tear-sheet.json');
const factor = new Panel(ref.dates, ref.assets, Float64Array.from(ref.factor));
const close = new Panel(ref.priceDates, ref.priceAssets, Float64Array.from(ref.close));
const groupBy: Record<string, string> = ref.groups;
const base: AlignOptions = { periods: ref.periods, quantiles: ref.quantiles, groupBy, maxLoss: 1 };
const aligned = alignFactor(factor, close, base);

describe('alignFactor matches the numpy reference', () => {
  it('counts the rows dropped at each step', () => {
    for (const [k, v] of Object.entries(ref.loss))
      expectClose((aligned.loss as never)[k], v as number, 1e-12, k);
    expect(aligned.loss.kept).toBe(ref.rowCount);
  });

  it('keeps the same rows, values and quantiles in date-then-asset order', () => {
    expect([...aligned.dates]).toEqual(ref.alignedDates);
    expect(Array.from(aligned.asset, (a) => aligned.assets[a])).toEqual(ref.rows.asset);
    expectAllClose(aligned.factor, ref.rows.factor, 0, 'factor');
    expect([...aligned.quantile]).toEqual(ref.rows.quantile);
    for (let i = 0; i < ref.periods.length; i++)
      expectAllClose(aligned.forward[i]!, ref.rows.forward[i], 1e-12, `forward ${i}`);
    expect(aligned.warnings).toEqual([]);
  });

  for (const name of ['bins4', 'zeroAwareQ4', 'zeroAwareB4', 'quantileEdges', 'binEdges']) {
    it(`bins as alphalens' quantize_factor: ${name}`, () => {
      const v = ref.variants[name];
      const opts: Record<string, AlignOptions> = {
        bins4: { bins: 4 },
        zeroAwareQ4: { quantiles: 4, zeroAware: true },
        zeroAwareB4: { bins: 4, zeroAware: true },
        quantileEdges: { quantiles: [0, 0.1, 0.5, 0.9, 1] },
        binEdges: { bins: [-2, -0.5, 0, 0.5, 2] },
      };
      const a = alignFactor(factor, close, { periods: ref.periods, maxLoss: 1, ...opts[name] });
      expect(a.loss.binning).toBe(v.loss.binning);
      expect(a.loss.kept).toBe(v.loss.kept);
      expect([...a.quantile]).toEqual(v.quantile);
      expect(Array.from(a.asset, (i) => a.assets[i])).toEqual(v.asset);
    });
  }

  it('takes forward returns instead of prices and gives the same table', () => {
    const fwd = aligned.periods.map((p) => {
      const v = new Float64Array(factor.nDates * close.nAssets).fill(Number.NaN);
      for (let t = 0; t < factor.nDates; t++)
        for (let a = 0; a < close.nAssets; a++) {
          const s = t + p < close.nDates ? close.get(t + p, a) / close.get(t, a) - 1 : Number.NaN;
          v[t * close.nAssets + a] = s;
        }
      return new Panel(factor.dates, close.assets, v);
    });
    const b = alignFactor(factor, { forwardReturns: fwd }, base);
    expect(b.loss).toEqual(aligned.loss);
    expectAllClose(b.forward[2]!, aligned.forward[2]!, 1e-15);
  });
});

describe('tear-sheet statistics match the numpy/scipy reference to 1e-9', () => {
  const sheet = factorTearSheet(aligned);

  it('IC per date and the information table (t-stat, p-value, skew, kurtosis)', () => {
    const ics = factorIC(aligned).ic;
    ics.forEach((s, i) => {
      expectAllClose(s, ref.ic[i], 1e-12, `ic ${i}`);
      const st = icStatistics(s);
      for (const k of ['mean', 'std', 'ir', 'tStat', 'pValue', 'skew', 'kurtosis', 'count'] as const)
        expectClose(st[k], ref.icStats[i][k], 1e-9, `${k} ${i}`);
      expectClose(sheet.ic.stats[i]!.pValue, ref.icStats[i].pValue, 1e-9);
    });
  });

  it('IC by group, monthly IC and Q-Q points', () => {
    const g = icByGroup(aligned);
    expect(g.groups).toEqual(ref.groupNames);
    for (const [i, m] of g.mean.entries()) expectAllClose(m, ref.icByGroup[i], 1e-12, `group ${i}`);
    expect([...sheet.ic.months]).toEqual(ref.months);
    expectAllClose(sheet.ic.monthlyMean[0]!, ref.monthlyIc, 1e-12, 'monthly');
    const qq = qqNormal(sheet.ic.series[0]!);
    expectAllClose(qq.sample, ref.qq.sample, 1e-12, 'qq sample');
    expectAllClose(qq.theoretical, ref.qq.theoretical, 1e-12, 'qq theory');
  });

  it('mean returns by quantile and by date with standard errors', () => {
    const q = meanReturnByQuantile(aligned);
    for (let i = 0; i < 3; i++) {
      expectAllClose(q.mean[i]!, ref.quantileMean[i], 1e-12, 'mean');
      expectAllClose(q.stdErr[i]!, ref.quantileStdErr[i], 1e-12, 'se');
      expectAllClose(q.byDate.mean[i]!, ref.quantileMeanByDate[i], 1e-12, 'by date');
      expectAllClose(q.byDate.stdErr[i]!, ref.quantileStdErrByDate[i], 1e-12, 'by date se');
    }
  });

  it('factor weights, factor returns and alpha/beta', () => {
    const w = factorWeights(aligned);
    expectAllClose(w, ref.weights, 1e-12, 'weights');
    for (const [i, r] of factorReturns(aligned).entries())
      expectAllClose(r, ref.factorReturns[i], 1e-12, `fr ${i}`);
    const ab = factorAlphaBeta(aligned);
    ref.alphaBeta.forEach((x: { alpha: number; beta: number; annualAlpha: number }, i: number) => {
      expectClose(ab.alpha[i]!, x.alpha, 1e-12, 'alpha');
      expectClose(ab.beta[i]!, x.beta, 1e-9, 'beta');
      expectClose(ab.annualAlpha[i]!, x.annualAlpha, 1e-9, 'ann alpha');
    });
    expectAllClose(sheet.cumulative.longShort, ref.cumLongShort, 1e-12, 'cum');
  });

  it('quantile turnover and factor rank autocorrelation', () => {
    ref.periods.forEach((p: number, i: number) => {
      for (let q = 1; q <= 4; q++)
        expectAllClose(quantileTurnover(aligned, q, p), ref.turnover[i][q - 1], 1e-15, `turn q${q} p${p}`);
      expectAllClose(factorRankAutocorrelation(aligned, p), ref.autocorrelation[i], 1e-12, `ac ${p}`);
    });
  });
});

describe('alignFactor refuses what alphalens refuses, with typed errors', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(HfqError);
      return [(e as HfqError).code, (e as HfqError).message] as const;
    }
    throw new Error('did not throw');
  };

  it('names how many rows matched when ids do not line up (600000 vs 600000.SH)', () => {
    const bare = new Panel(
      factor.dates,
      factor.assets.map((a) => a.slice(0, 6)),
      factor.values,
    );
    const [c, msg] = code(() => alignFactor(bare, close, base));
    expect(c).toBe('METRICS_ALIGNMENT');
    expect(msg).toContain('0 of 397 factor rows have a price on their date and asset');
    expect(msg).toContain('0 of 12 assets');
  });

  it('throws METRICS_MAX_LOSS above maxLoss, counting each step', () => {
    const [c, msg] = code(() => alignFactor(factor, close, { ...base, maxLoss: 0.2 }));
    expect(c).toBe('METRICS_MAX_LOSS');
    expect(msg).toContain('dropped 87 of 397 factor rows (21.9%)');
    expect(msg).toContain(
      '1 infinite factor, 42 without a forward return for every period (1, 3, 5), 34 without a group, 10 not binnable',
    );
    expect(alignFactor(factor, close, { ...base, maxLoss: 0.22 }).loss.kept).toBe(310); // the default 0.35 passes too
  });

  it('plain-JavaScript mistakes: strings, object literals, ragged tables, both quantiles and bins', () => {
    const js = alignFactor as (...a: unknown[]) => AlignedFactor;
    expect(code(() => js(factor, close, { periods: ['1', '5'] }))[0]).toBe('METRICS_BAD_INPUT');
    expect(code(() => js(factor, close, { quantiles: '5' }))[0]).toBe('METRICS_BAD_INPUT');
    expect(code(() => js(factor, close, { maxLoss: '0.5' }))[0]).toBe('METRICS_INVALID_OPTION');
    expect(code(() => js({ dates: [20240102], assets: ['a'], values: [1] }, close))[0]).toBe(
      'METRICS_BAD_INPUT',
    );
    expect(code(() => js(factor, close, { quantiles: 4, bins: 4 }))[0]).toBe('METRICS_INVALID_OPTION');
    expect(code(() => js(factor, close, { periods: [5, 1] }))[0]).toBe('METRICS_INVALID_OPTION');
    expect(code(() => js(factor, close, { groupBy: { '600000.SH': 3 }, maxLoss: 1 }))[0]).toBe(
      'METRICS_BAD_INPUT',
    );
    expect(code(() => js(factor, { forwardReturns: [close] }, base))[0]).toBe('METRICS_BAD_INPUT');
    // the statistics take an AlignedFactor: a hand-built one with number[] columns is refused, not NaN
    const fake = { ...aligned, factor: [...aligned.factor] };
    expect(code(() => meanReturnByQuantile(fake as never))[0]).toBe('METRICS_BAD_INPUT');
    const ragged = { ...aligned, quantile: aligned.quantile.subarray(1) };
    expect(code(() => factorIC(ragged as never))[0]).toBe('METRICS_BAD_INPUT');
  });

  it('prices passed as returns: refused when most are price-like, a warning on a few absurd magnitudes', () => {
    const asReturns = aligned.periods.map(() => close);
    expect(code(() => alignFactor(factor, { forwardReturns: asReturns }, base))[0]).toBe(
      'METRICS_BAD_RETURN',
    );
    const pct = aligned.periods.map((p) => {
      const v = Float64Array.from(close.values, (x) => (x / 10 - 1) * 0.01 * p);
      v[3] = 2.5; // one value in percent
      return new Panel(close.dates, close.assets, v);
    });
    const a = alignFactor(factor, { forwardReturns: pct }, base);
    expect(a.warnings).toHaveLength(3);
    expect(a.warnings[0]).toContain('1 of');
    expect(a.warnings[0]).toContain('|r| > 1');
  });
});
