import { HfqError, Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { factorCorrelation } from '../correlation/tables.js';
import { groupBacktest } from '../groups/group-backtest.js';
import { type TradabilityFlags, tradableMask } from '../groups/tradable.js';
import { ic, rankIC } from '../ic/ic.js';
import { icDecay } from '../ic/ic-decay.js';
import { cumulativeIC, icSeries, rankICSeries } from '../ic/ic-series.js';
import { icSummary } from '../ic/ic-summary.js';
import { dailyReturns, forwardReturns } from '../ic/returns.js';
import { navSeries } from '../performance/nav.js';
import { type PortfolioStatsInput, portfolioStats } from '../performance/portfolio-stats.js';

/** Runs `f`, expects an HfqError with `code`, returns it for further checks. */
function refused(f: () => unknown, code: string): HfqError {
  try {
    f();
  } catch (e) {
    expect(HfqError.is(e, code), String(e)).toBe(true);
    return e as HfqError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const dates = [20240102, 20240103, 20240104, 20240105, 20240108];
const bare = ['600000', '600001', '600002', '600003'];
const suffixed = bare.map((id) => `${id}.SH`);
const cells = (t: number, a: number): number => Math.sin(5 * t + 2 * a) * 0.02;
const factor = Panel.fromRows(
  dates,
  bare,
  dates.map((_, t) => bare.map((_, a) => Math.cos(3 * t + a))),
);
const fwd = (assets: string[], ds = dates): Panel =>
  Panel.fromRows(
    ds,
    assets,
    ds.map((_, t) => assets.map((_, a) => cells(t, a))),
  );

describe('misaligned panels are a METRICS_ALIGNMENT error, not all-NaN', () => {
  it('icSeries / rankICSeries: 600000 vs 600000.SH names counts and examples from each side', () => {
    for (const f of [icSeries, rankICSeries]) {
      const e = refused(() => f(factor, fwd(suffixed)), 'METRICS_ALIGNMENT');
      expect(e.message).toContain('5 of 5 dates');
      expect(e.message).toContain('0 of 4 assets');
      expect(e.message).toContain('600000, 600001, 600002');
      expect(e.message).toContain('600000.SH');
      expect(e.context).toMatchObject({ matchedDates: 5, dates: 5, matchedAssets: 0, assets: 4 });
    }
  });
  it('no date in common (another year) names unmatched dates', () => {
    const other = dates.map((d) => d + 10000);
    const e = refused(() => rankICSeries(factor, fwd(bare, other)), 'METRICS_ALIGNMENT');
    expect(e.message).toContain('0 of 5 dates');
    expect(e.message).toContain('2024-01-02');
    expect(e.message).toContain('2025-01-02');
  });
  it('a universe with other ids is refused too', () => {
    refused(() => rankICSeries(factor, fwd(bare), { universe: fwd(suffixed) }), 'METRICS_ALIGNMENT');
  });
  it('partial overlap stays allowed: unmatched dates are NaN, matched ones computed', () => {
    const s = icSeries(factor, fwd(['600000', '600001', '600002', 'x'], dates.slice(1)));
    expect(Number.isNaN(s[0]!)).toBe(true);
    expect(s.slice(1).every(Number.isFinite)).toBe(true);
  });
  it('groupBacktest, icDecay and factorCorrelation refuse disjoint ids', () => {
    refused(() => groupBacktest(factor, fwd(suffixed), { groups: 2 }), 'METRICS_ALIGNMENT');
    const close = Panel.fromRows(
      dates,
      suffixed,
      dates.map((_, t) => suffixed.map((_, a) => 10 + t + a)),
    );
    refused(() => icDecay(factor, close, { method: 'spearman', horizons: [1] }), 'METRICS_ALIGNMENT');
    const e = refused(
      () => factorCorrelation({ mom: factor, rev: fwd(suffixed) }, { method: 'spearman' }),
      'METRICS_ALIGNMENT',
    );
    expect(e.message).toContain('mom and rev');
  });
});

describe('plain-JavaScript callers get typed errors', () => {
  it('numbers passed as strings: refused with the index (they used to drop out as NaN)', () => {
    const e = refused(() => ic(['0.1', '0.2', '0.3'] as unknown as number[], [1, 2, 3]), 'METRICS_BAD_INPUT');
    expect(e.context.row).toBe(0);
    expect(e.message).toContain('ic(x)[0] is string "0.1"');
    refused(() => rankIC([1, 2, 3], [1, null, 3] as unknown as number[]), 'METRICS_BAD_INPUT');
    refused(() => icSummary([0.1, '0.2', 0.3] as unknown as number[]), 'METRICS_BAD_INPUT');
    refused(() => cumulativeIC('0.1,0.2' as unknown as number[]), 'METRICS_BAD_INPUT');
  });
  it('number[] is accepted where a series is expected, with the same result as a Float64Array', () => {
    const x = [1, 2, 3, 4, Number.NaN];
    const y = [2, 1, 4, 3, 5];
    expect(ic(x, y)).toBe(ic(Float64Array.from(x), Float64Array.from(y)));
    expect(icSummary([0.1, 0.2, Number.NaN]).count).toBe(2);
  });
  it('ragged or nested input: a row of rows is refused, not read as NaN', () => {
    const e = refused(() => ic([[1, 2], [3]] as unknown as number[], [1, 2]), 'METRICS_BAD_INPUT');
    expect(e.message).toContain('nested row');
  });
  it('Panel-shaped objects that are not Panels are refused, naming what they lack', () => {
    const fake = { dates: [...dates], assets: bare, values: new Array(20).fill(0) };
    const e = refused(() => rankICSeries(fake as unknown as Panel, fwd(bare)), 'METRICS_BAD_INPUT');
    expect(e.message).toContain('factor is not a Panel');
    expect(e.message).toContain('dates (Int32Array)');
    refused(() => icSeries(factor, null as unknown as Panel), 'METRICS_BAD_INPUT');
    refused(() => groupBacktest(factor, 'returns' as unknown as Panel), 'METRICS_BAD_INPUT');
  });
  it('numeric asset ids (600000 instead of "600000") are refused, not reported as unmatched', () => {
    const numeric = new Panel(
      dates,
      [600000, 600001, 600002, 600003] as unknown as string[],
      fwd(bare).values,
    );
    const e = refused(() => rankICSeries(factor, numeric), 'METRICS_BAD_INPUT');
    expect(e.message).toContain('forward.assets[0] is number 600000, not a string');
  });
  it('options passed as strings are refused', () => {
    refused(
      () => rankICSeries(factor, fwd(bare), { minAssets: '3' as unknown as number }),
      'METRICS_INVALID_OPTION',
    );
  });
  it('a Panel-like object with ragged values is refused with the expected size', () => {
    const p = fwd(bare);
    const ragged = Object.create(Panel.prototype, {
      dates: { value: p.dates },
      assets: { value: p.assets },
      values: { value: p.values.subarray(1) },
    });
    const e = refused(() => icSeries(factor, ragged), 'METRICS_BAD_INPUT');
    expect(e.message).toContain('19 values for 5 dates x 4 assets = 20');
  });
  it('prices passed where returns are expected are a METRICS_BAD_RETURN error', () => {
    const close = Panel.fromRows(
      dates,
      bare,
      dates.map((_, t) => bare.map((_, a) => 10 + t + 3 * a)),
    );
    const e = refused(() => rankICSeries(factor, close), 'METRICS_BAD_RETURN');
    expect(e.message).toContain('looks like prices');
    refused(() => groupBacktest(factor, close, { groups: 2 }), 'METRICS_BAD_RETURN');
    // A few large returns (a listing-day jump) are not prices.
    const r = fwd(bare);
    r.values[0] = 12;
    expect(rankICSeries(factor, r).length).toBe(5);
  });
});

describe('performance and returns helpers validate their inputs the same way', () => {
  const days = [20240102, 20240103, 20240104];
  it('portfolioStats / navSeries: strings, missing input, prices', () => {
    refused(
      () => portfolioStats({ returns: ['0.01', 0.02, 0.0] as unknown as number[], dates: days }),
      'METRICS_BAD_INPUT',
    );
    refused(() => portfolioStats(undefined as unknown as PortfolioStatsInput), 'METRICS_BAD_INPUT');
    const e = refused(() => navSeries({ returns: [10.1, 10.3, 10.2], dates: days }), 'METRICS_BAD_RETURN');
    expect(e.message).toContain('3 of 3 finite values');
    refused(
      () => portfolioStats({ returns: [0.01, 0.02, 0], dates: days, benchmark: [3000, 3010, 3005] }),
      'METRICS_BAD_RETURN',
    );
  });
  it('portfolioStats accepts number[] with the same result as Float64Array', () => {
    const r = [0.01, -0.02, 0.005];
    expect(portfolioStats({ returns: r, dates: days }).totalReturn).toBe(
      portfolioStats({ returns: Float64Array.from(r), dates: Int32Array.from(days) }).totalReturn,
    );
  });
  it('forwardReturns / dailyReturns / tradableMask refuse non-panels', () => {
    const fake = { dates: days, assets: ['a'], values: [1, 2, 3] } as unknown as Panel;
    refused(() => forwardReturns(fake, 0, 1), 'METRICS_BAD_INPUT');
    refused(() => dailyReturns(fake), 'METRICS_BAD_INPUT');
    const e = refused(() => tradableMask({ st: fake }), 'METRICS_BAD_INPUT');
    expect(e.message).toContain('flags.st is not a Panel');
    refused(() => tradableMask(null as unknown as TradabilityFlags), 'METRICS_BAD_INPUT');
  });
});
