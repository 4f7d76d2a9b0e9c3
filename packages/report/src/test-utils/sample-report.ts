/**
 * A small synthetic market with a planted signal, run through every metric and report builder:
 * what the report tests render and screenshot.
 */
import { Panel, Rng, weekdays } from '@hfq/core';
import {
  factorCorrelation,
  groupBacktest,
  icSummary,
  navSeries,
  portfolioStats,
  rankICSeries,
  riskFactorCorrelation,
} from '@hfq/metrics';
import {
  cumulativeICChart,
  excessNavDrawdownChart,
  groupNavChart,
  groupReturnsChart,
  lineChart,
  topRelativeNavChart,
} from '../charts.js';
import { formatPercent } from '../format.js';
import type { ReportDocument } from '../html.js';
import {
  calendarYearTable,
  correlationTable,
  enhancedIndexTable,
  factorTestTable,
  groupTable,
  icTable,
} from '../study-tables.js';

export function sampleMarket(nAssets = 150, from = 20220103, to = 20231229) {
  const dates = weekdays(from, to);
  const nD = dates.length;
  const assets = Array.from({ length: nAssets }, (_, a) => `${600000 + a}.SH`);
  const rng = new Rng(11, 'metrics-sample');
  const signal = new Float64Array(nAssets).map(() => rng.normal());
  const size = new Float64Array(nAssets).map(() => rng.normal());
  const f1 = Panel.alloc(dates, assets);
  const f2 = Panel.alloc(dates, assets);
  const f3 = Panel.alloc(dates, assets);
  const sizeP = Panel.alloc(dates, assets);
  const mom = Panel.alloc(dates, assets);
  const ret = Panel.alloc(dates, assets);
  const past = new Float64Array(nAssets);
  for (let t = 0; t < nD; t++) {
    const mkt = rng.normal(0.0002, 0.012);
    for (let a = 0; a < nAssets; a++) {
      if (t > 0) ret.set(t, a, mkt + 0.0005 * signal[a]! + rng.normal(0, 0.02));
      signal[a] = 0.97 * signal[a]! + 0.243 * rng.normal();
      f1.set(t, a, signal[a]! + rng.normal(0, 1));
      f2.set(t, a, Math.round(2 * (signal[a]! + rng.normal(0, 1.2))) / 2);
      f3.set(t, a, 0.5 * f1.get(t, a) + rng.normal(0, 1));
      sizeP.set(t, a, size[a]! + rng.normal(0, 0.05));
      past[a] = 0.95 * past[a]! + (t > 0 ? ret.get(t, a) : 0);
      mom.set(t, a, past[a]!);
      if (rng.uniform() < 0.02) f1.set(t, a, Number.NaN);
    }
  }
  const forward = Panel.alloc(dates, assets);
  for (let t = 0; t + 6 < nD; t++) {
    for (let a = 0; a < nAssets; a++) {
      let g = 1;
      for (let k = t + 2; k <= t + 6; k++) g *= 1 + ret.get(k, a);
      forward.set(t, a, g - 1);
    }
  }
  return {
    dates,
    assets,
    factors: { f1, f2, f3 },
    risks: { size: sizeP, momentum: mom },
    returns: ret,
    forward,
  };
}

/** The sample report document (every table kind, every chart kind). */
export async function sampleReport(): Promise<{ doc: ReportDocument; tables: number; charts: number }> {
  const m = sampleMarket();
  const { f1, f2 } = m.factors;
  const ic1 = rankICSeries(f1, m.forward);
  const ic2 = rankICSeries(f2, m.forward);
  const gb1 = groupBacktest(f1, m.returns, { groups: 10 });
  const gb2 = groupBacktest(f2, m.returns, { groups: 10 });
  const s1 = icSummary(ic1);
  const s2 = icSummary(ic2);
  const top = gb1.groupReturns[9]!;
  const stats = portfolioStats({ returns: top, dates: gb1.dates, benchmark: gb1.universeReturns });
  const benchStats = portfolioStats({ returns: gb1.universeReturns, dates: gb1.dates });
  const nav = navSeries({ returns: top, dates: gb1.dates, benchmark: gb1.universeReturns });
  const charts = await Promise.all([
    cumulativeICChart(m.dates, [
      { name: 'f1', values: ic1 },
      { name: 'f2', values: ic2 },
    ]),
    groupNavChart(gb1),
    topRelativeNavChart(gb1),
    groupReturnsChart(gb1),
    excessNavDrawdownChart(nav),
    lineChart({
      title: 'Universe NAV',
      x: gb1.dates,
      series: [{ name: 'universe', values: gb1.universeNav }],
      rule: 1,
    }),
  ]);
  const tables = [
    icTable([
      { name: 'f1', summary: s1 },
      { name: 'f2', summary: s2 },
    ]),
    factorTestTable(
      [
        { name: 'f1', ic: s1, top: gb1 },
        { name: 'f2', ic: s2, top: gb2 },
      ],
      { title: 'Single-factor tests' },
    ),
    groupTable(gb1, { title: 'f1: 10 groups' }),
    enhancedIndexTable([
      { name: 'f1 TOP', stats, turnover: gb1.top.meanTurnover },
      { name: 'universe', stats: benchStats },
    ]),
    calendarYearTable([{ name: 'f1 TOP', stats }], { benchmarkName: 'universe' }),
    correlationTable(factorCorrelation(m.factors, { method: 'spearman' }), { title: 'Factor correlations' }),
    correlationTable(riskFactorCorrelation(m.factors, m.risks, { method: 'spearman' }), {
      title: 'Risk exposures',
    }),
  ];
  const doc: ReportDocument = {
    title: 'hfq sample report',
    subtitle: 'Synthetic market, 150 stocks, 2022-2023, weekly rebalance',
    generatedAt: 'fixed for tests',
    sections: [
      {
        title: 'Summary',
        blocks: [
          {
            kind: 'figures',
            items: [
              { label: 'RankIC (f1)', value: formatPercent(s1.mean) },
              { label: 'TOP excess (f1)', value: formatPercent(gb1.top.excessAnnualReturn) },
              { label: 'TOP IR', value: gb1.top.informationRatio.toFixed(2) },
            ],
          },
          'Factor **f1** is a noisy view of a planted signal; `f2` is a coarser one with ties.',
        ],
      },
      {
        title: 'IC analysis',
        blocks: [
          { kind: 'table', table: tables[0]! },
          { kind: 'table', table: tables[1]! },
          { kind: 'chart', chart: charts[0]! },
        ],
      },
      {
        title: 'Group backtest',
        blocks: [
          { kind: 'table', table: tables[2]! },
          { kind: 'chart', chart: charts[1]! },
          { kind: 'chart', chart: charts[2]! },
          { kind: 'chart', chart: charts[3]! },
        ],
      },
      {
        title: 'Portfolio',
        blocks: [
          { kind: 'table', table: tables[3]! },
          { kind: 'table', table: tables[4]! },
          { kind: 'chart', chart: charts[4]! },
          { kind: 'chart', chart: charts[5]! },
        ],
      },
      {
        title: 'Correlations',
        blocks: [{ kind: 'list', items: ['f3 is built from f1.', 'size is a static exposure.'] }],
        sections: [
          { title: 'Factor x factor', blocks: [{ kind: 'table', table: tables[5]! }] },
          { title: 'Factor x risk', blocks: [{ kind: 'table', table: tables[6]! }] },
        ],
      },
    ],
    footer: 'Synthetic data generated with a seeded Rng; not market data.',
  };
  return { doc, tables: tables.length, charts: charts.length };
}
