/**
 * 07 — Evaluate a factor with `@hfq/metrics` alone (and `@hfq/report` to print it).
 *
 *   node --conditions=source --import tsx examples/07-metrics-alone.ts [--stocks 300] [--days 500]
 *
 * `@hfq/metrics` needs nothing but numbers: dates x assets `Panel`s (a `Float64Array` with a date
 * list and an asset list; NaN = missing). Bring prices and a factor from any source (a database,
 * a CSV, another library) and get the study's tables: RankIC series (`rankICSeries`) and
 * summary, the Pearson IC (`icSeries`), IC decay over horizons, and the 10-group backtest with the TOP group's excess, IR, monthly win rate and
 * turnover. No simulator, no factor language, no models; `@hfq/report` only formats the tables
 * and draws the chart.
 *
 * Here the prices and the factor are made up on the spot with a seeded RNG, so that the answer is
 * known: the factor carries a persistent signal that drives the next days' returns, plus noise,
 * and some stocks are suspended on some days (NaN prices; they cannot be bought).
 *
 * Writes to out/examples/07-metrics-alone/:
 *   ic.md, groups.md     the tables (Markdown)
 *   group-nav.svg        the 10 groups' NAVs (vega-lite, rendered in Node, no browser)
 *   summary.json         the numbers printed below
 */
import { join } from 'node:path';
import { Panel, Rng, rebalanceDates, weekdays } from '@hfq/core';
import {
  dailyReturns,
  forwardReturns,
  groupBacktest,
  icDecay,
  icSeries,
  icSummary,
  rankICSeries,
  tradableMask,
} from '@hfq/metrics';
import { factorTestTable, groupNavChart, groupTable, icTable, markdownTable } from '@hfq/report';
import { exampleOutDir, num, pct, say, startExample, writeText } from './lib/script.js';

const { opts, finish } = startExample('07-metrics-alone', 'IC table and group backtest from plain panels', {
  stocks: { default: 300, help: 'number of stocks' },
  days: { default: 500, help: 'number of trading days' },
  signal: {
    default: 0.0015,
    help: 'daily return per unit of signal (fraction): the strength of the planted effect',
  },
  seed: { default: 11, help: 'random seed' },
});
const out = exampleOutDir('07-metrics-alone');

// 1. Plain inputs: a calendar, asset ids, and two dates x assets panels (close prices, factor).
const dates = weekdays(20210104, 20300101).slice(0, opts.days); // any increasing yyyymmdd list works
const assets = Array.from({ length: opts.stocks }, (_, i) => `S${String(i).padStart(4, '0')}`);
const nD = dates.length;
const nA = assets.length;
const close = Panel.alloc(dates, assets);
const factor = Panel.alloc(dates, assets);
const suspended = Panel.alloc(dates, assets, 'float64', 0);
const alpha = new Float64Array(nA); // a latent signal per stock, AR(1): it lasts about two weeks
const price = new Float64Array(nA).fill(10);
for (let t = 0; t < nD; t++) {
  const market = new Rng(opts.seed, 'market', t).normal(0.0003, 0.012);
  for (let a = 0; a < nA; a++) {
    const r = new Rng(opts.seed, a, t);
    // today's return: market + yesterday's signal + noise (the signal is known at the close of T-1)
    const ret = market + opts.signal * alpha[a]! + r.normal(0, 0.02);
    alpha[a] = 0.93 * alpha[a]! + Math.sqrt(1 - 0.93 ** 2) * r.normal();
    if (r.uniform() < 0.01) {
      suspended.set(t, a, 1); // a suspended stock has no price that day; its move shows on resumption
      price[a] = price[a]! * (1 + ret);
      continue;
    }
    price[a] = price[a]! * (1 + ret);
    close.set(t, a, Math.round(price[a]! * 100) / 100);
    factor.set(t, a, alpha[a]! + r.normal(0, 1.5)); // what a researcher sees: signal + a lot of noise
  }
}
say(
  `inputs: ${nD} days x ${nA} stocks of closes and factor values; ${pct(suspended.values.reduce((s, v) => s + v, 0) / (nD * nA))} of stock-days suspended`,
);

// 2. RankIC the study's way: weekly factor dates, return close T+1 -> close T+6, tradable stocks.
const forward = forwardReturns(close, 1, 6);
const universe = tradableMask({ suspended }); // not suspended on T+1 (no ST / limit flags here)
const weekly = rebalanceDates(dates, 'weekly');
const rank = icSummary(rankICSeries(factor.alignTo(weekly, assets), forward, { universe, minAssets: 30 }));
const pearson = icSummary(icSeries(factor.alignTo(weekly, assets), forward, { universe, minAssets: 30 }));
const ic = icTable([{ name: 'factor (RankIC)', summary: rank }], {
  title: 'Weekly RankIC, close T+1 -> close T+6',
});
const icPearson = icTable([{ name: 'factor (IC)', summary: pearson }], { label: 'IC' });
say(markdownTable(ic));

// How fast the signal decays: RankIC against the return of the single day h after T+1.
const decay = icDecay(factor, close, {
  method: 'spearman',
  dates: weekly,
  mode: 'single',
  horizons: [1, 2, 3, 5, 10, 20],
});
say(
  `RankIC by horizon (single day): ${Array.from(decay.horizons, (h, k) => `T+${h}: ${pct(decay.mean[k]!)}`).join(', ')}`,
);

// 3. The 10-group backtest: weekly rebalance, positions at the close of T+1, equal weights.
const groups = groupBacktest(factor, dailyReturns(close), {
  groups: 10,
  rebalance: 'weekly',
  tradable: universe,
});
say('');
say(markdownTable(groupTable(groups, { title: 'Ten groups by factor value' })));
say(
  `TOP group: ${pct(groups.top.excessAnnualReturn)} a year over the equal-weight universe, IR ${num(groups.top.informationRatio, 2)}, ` +
    `beats it in ${pct(groups.top.monthlyWinRate)} of months, turnover ${pct(groups.top.meanTurnover)} per rebalance; ` +
    `monotonicity ${num(groups.monotonicity, 2)}`,
);
const study = factorTestTable([{ name: 'factor', ic: rank, top: groups }], {
  title: "The study's factor-test row",
});
writeText(join(out, 'ic.md'), `${markdownTable(ic)}\n${markdownTable(icPearson)}\n${markdownTable(study)}`);
writeText(join(out, 'groups.md'), markdownTable(groupTable(groups)));
const chart = await groupNavChart(groups);
writeText(join(out, 'group-nav.svg'), chart.svg);

finish(['ic.md', 'groups.md', 'group-nav.svg'], {
  config: opts,
  rankIC: rank,
  ic: pearson,
  decay: Object.fromEntries(Array.from(decay.horizons, (h, k) => [`T+${h}`, decay.mean[k]])),
  groups: {
    annualReturn: Array.from(groups.groupAnnualReturn),
    excessAnnualReturn: Array.from(groups.groupExcessAnnualReturn),
    universeAnnualReturn: groups.universeAnnualReturn,
    top: groups.top,
    longShortAnnualReturn: groups.longShort.annualReturn,
    monotonicity: groups.monotonicity,
    rebalances: groups.rebalanceDates.length,
  },
});
