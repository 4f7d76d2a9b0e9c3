import { HfqError, Panel, weekdays } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, panelOf, reference } from '../test-utils/reference.js';
import { type GroupBacktestOptions, groupBacktest } from './group-backtest.js';
import { tradableMask } from './tradable.js';

const ref = reference.groupBacktest;
const returns = new Panel(ref.dates, ref.assets, Float64Array.from(ref.returns));

function optionsOf(o: {
  groups: number;
  lag: number;
  rebalance: GroupBacktestOptions['rebalance'];
  tradable?: boolean;
}): GroupBacktestOptions {
  return {
    groups: o.groups,
    lag: o.lag,
    rebalance: o.rebalance,
    ...(o.tradable ? { tradable: panelOf(ref.tradable) } : {}),
  };
}

describe('groupBacktest matches the numpy reference', () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const factor = panelOf(c.factor ? ref[c.factor] : ref.factor);
      const r = groupBacktest(factor, returns, optionsOf(c.options));
      const e = c.expected;
      const G = c.options.groups;
      expect(Array.from(r.rebalanceDates)).toEqual(e.rebalanceDates);
      expect(Array.from(r.entryDates)).toEqual(e.entryDates);
      expect(Array.from(r.skippedDates)).toEqual(e.skippedDates);
      expect(Array.from(r.eligible)).toEqual(e.eligible);
      for (let g = 0; g < G; g++) {
        expect(Array.from(r.groupSizes[g]!), `sizes ${g}`).toEqual(e.groupSizes[g]);
        expectAllClose(r.groupReturns[g]!, e.groupReturns[g], 1e-9, `groupReturns ${g}`);
        expectAllClose(r.groupNav[g]!, e.groupNav[g], 1e-9, `groupNav ${g}`);
        expectAllClose(r.periodReturns[g]!, e.periodReturns[g], 1e-9, `periodReturns ${g}`);
        expectAllClose(r.turnover[g]!, e.turnover[g], 1e-9, `turnover ${g}`);
      }
      expectAllClose(r.universeReturns, e.universeReturns, 1e-9, 'universeReturns');
      expectAllClose(r.universeNav, e.universeNav, 1e-9, 'universeNav');
      expectAllClose(r.universePeriodReturns, e.universePeriodReturns, 1e-9, 'universePeriodReturns');
      expectAllClose(r.groupAnnualReturn, e.groupAnnualReturn, 1e-9, 'groupAnnualReturn');
      expectAllClose(r.groupExcessAnnualReturn, e.groupExcessAnnualReturn, 1e-9, 'groupExcessAnnualReturn');
      expectClose(r.universeAnnualReturn, e.universeAnnualReturn, 1e-9, 'universeAnnualReturn');
      for (const k of Object.keys(e.top)) {
        expectClose(r.top[k as keyof typeof r.top], e.top[k], 1e-9, `top.${k}`);
      }
      expectAllClose(r.longShort.returns, e.longShort.returns, 1e-9, 'longShort.returns');
      expectAllClose(r.longShort.nav, e.longShort.nav, 1e-9, 'longShort.nav');
      for (const k of ['annualReturn', 'annualVolatility', 'sharpe', 'maxDrawdown'] as const) {
        expectClose(r.longShort[k], e.longShort[k], 1e-9, `longShort.${k}`);
      }
      expectClose(r.monotonicity, e.monotonicity, 1e-9, 'monotonicity');
    });
  }

  it('the fixture has a planted alpha: TOP beats the universe and groups are monotone', () => {
    const r = groupBacktest(panelOf(ref.factor), returns, optionsOf(ref.cases[0].options));
    expect(r.top.excessAnnualReturn).toBeGreaterThan(0);
    expect(r.monotonicity).toBeGreaterThan(0.5);
    expect(r.skippedDates.length).toBe(2); // warm-up week and a week with too few scores
  });

  it('empty groups from wide tie blocks hold cash (return 0)', () => {
    const c = ref.cases[3];
    const r = groupBacktest(panelOf(ref.factorTies), returns, optionsOf(c.options));
    const empty = r.groupSizes.findIndex((s) => s.every((n) => n === 0));
    expect(empty).toBeGreaterThanOrEqual(0);
    const start = r.dates.indexOf(r.entryDates[0]!);
    expect(r.groupReturns[empty]!.subarray(start + 1).every((x) => x === 0)).toBe(true);
  });
});

describe('groupBacktest conventions', () => {
  const dates = weekdays(20240101, 20240331);
  const nA = 23;
  const assets = Array.from({ length: nA }, (_, a) => `s${a}`);
  const factor = Panel.fromRows(
    dates,
    assets,
    Array.from(dates, (_, t) => assets.map((_, a) => Math.sin(a * 1.7 + t * 0.05))),
  );
  const rets = Panel.fromRows(
    dates,
    assets,
    Array.from(dates, (_, t) => assets.map((_, a) => 0.01 * Math.cos(a * 0.9 + t * 1.3))),
  );

  it('equal-count groups: sizes differ by at most one and nothing is dropped', () => {
    const r = groupBacktest(factor, rets, { groups: 5 });
    for (let k = 0; k < r.rebalanceDates.length; k++) {
      const sizes = r.groupSizes.map((s) => s[k]!);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(nA);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('reversing the factor mirrors the groups', () => {
    const a = groupBacktest(factor, rets, { groups: 5 });
    const b = groupBacktest(
      factor.map((v) => -v),
      rets,
      { groups: 5 },
    );
    for (let g = 0; g < 5; g++)
      expect(Array.from(b.groupReturns[4 - g]!)).toEqual(Array.from(a.groupReturns[g]!));
  });

  it('has no look-ahead: changing factors after a rebalance leaves earlier days bit-identical', () => {
    const base = groupBacktest(factor, rets, { groups: 5 });
    const k = 5;
    const cut = dates.indexOf(base.rebalanceDates[k]!); // factor rows from here on change
    const g = factor.clone();
    for (let t = cut; t < dates.length; t++) for (let a = 0; a < nA; a++) g.set(t, a, Math.cos(a * t));
    const moved = groupBacktest(g, rets, { groups: 5 });
    const untilRow = dates.indexOf(base.entryDates[k]!); // returns up to the next entry are unchanged
    for (let q = 0; q < 5; q++) {
      expect(Array.from(moved.groupReturns[q]!.subarray(0, untilRow + 1))).toEqual(
        Array.from(base.groupReturns[q]!.subarray(0, untilRow + 1)),
      );
    }
    expect(Array.from(moved.groupReturns[4]!)).not.toEqual(Array.from(base.groupReturns[4]!));
  });

  it('turnover is two-sided: replacing every name is 2 (200%)', () => {
    // Factor flips order every week: TOP and bottom swap completely.
    const flip = Panel.fromRows(
      dates,
      assets,
      Array.from(dates, (_, t) => assets.map((_, a) => (Math.floor(t / 7) % 2 ? a : -a))),
    );
    const wk = groupBacktest(flip, rets, { groups: 2, rebalance: { every: 7 } });
    const top = wk.turnover[1]!;
    expect(top[0]).toBeNaN();
    // 23 assets in 2 groups: sizes 11/12 or 12/11, so full replacement up to the shared middle name.
    for (let k = 1; k < top.length; k++) expect(top[k]).toBeGreaterThan(1.8);
  });

  it('a rebalance date absent from tradable is an error; METRICS_NO_DATA without enough stocks', () => {
    const mask = Panel.alloc(dates.subarray(0, 10), assets, 'float64', 1);
    expect(() => groupBacktest(factor, rets, { tradable: mask })).toThrow(/tradable has no row/);
    expect(() => groupBacktest(factor, rets, { groups: 30 })).toThrow(
      expect.objectContaining({ code: 'METRICS_NO_DATA' }),
    );
    try {
      groupBacktest(factor, rets, { rebalance: [20240105, 20240104] });
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'NOT_SORTED')).toBe(true); // @hfq/core's rebalance-rule code
    }
  });

  it('progress reaches the number of days', () => {
    let last = 0;
    groupBacktest(factor, rets, { groups: 5, onProgress: (e) => (last = e.done) });
    expect(last).toBe(dates.length);
  });
});

describe('tradableMask', () => {
  const dates = [20240102, 20240103, 20240104];
  const assets = ['a', 'b', 'c'];
  const st = Panel.fromRows(dates, assets, [
    [1, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ]);
  const suspended = Panel.fromRows(dates, assets, [
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 0],
  ]);
  const limitUp = Panel.fromRows(dates, assets, [
    [0, 0, 0],
    [0, 0, Number.NaN],
    [0, 0, 1],
  ]);
  it('excludes ST on T and suspended / limit-up on T+1; the last date is 0', () => {
    const m = tradableMask({ st, suspended, limitUp });
    expect(Array.from(m.values)).toEqual([0, 0, 1, 1, 1, 0, 0, 0, 0]);
  });
  it('needs at least one flag and matching panels', () => {
    expect(() => tradableMask({})).toThrow(/at least one/);
    const other = Panel.fromRows(
      dates,
      ['a', 'b', 'x'],
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    );
    expect(() => tradableMask({ st, limitUp: other })).toThrow(/METRICS_SHAPE_MISMATCH/);
  });
});

describe('groupBacktest refuses returns it cannot compound', () => {
  const dates = weekdays(20240101, 20240131);
  const assets = Array.from({ length: 12 }, (_, a) => `s${a}`);
  const factor = Panel.fromRows(
    dates,
    assets,
    Array.from(dates, (_, t) => assets.map((_, a) => Math.sin(a + 0.1 * t))),
  );
  const base = () =>
    Panel.fromRows(
      dates,
      assets,
      Array.from(dates, (_, t) => assets.map((_, a) => 0.01 * Math.cos(a * t))),
    );
  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1.2])(
    'a return of %s names date and asset',
    (bad) => {
      const returns = base();
      returns.set(15, 4, bad);
      try {
        groupBacktest(factor, returns, { groups: 3 });
        expect.unreachable();
      } catch (e) {
        expect(HfqError.is(e, 'METRICS_BAD_RETURN')).toBe(true);
        expect((e as HfqError).context).toMatchObject({
          field: 'returns',
          asset: 's4',
          date: dates[15],
          row: 15,
        });
      }
    },
  );
  it('a return of exactly -100% (total loss) and NaN (counted 0) are accepted', () => {
    const returns = base();
    returns.set(15, 4, -1);
    returns.set(16, 5, Number.NaN);
    expect(groupBacktest(factor, returns, { groups: 3 }).dates.length).toBe(dates.length);
  });
});
