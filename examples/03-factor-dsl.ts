/**
 * 03 — Write a factor in the DSL and evaluate it.
 *
 *   node --conditions=source --import tsx examples/03-factor-dsl.ts [--stocks 150] [--days 250]
 *
 * A factor is one formula over one frame source (`minute`, `vbar` = equal-volume bars, `tick` =
 * Level-2 snapshots) that gives one number per stock per day. Formulas are text: they are parsed,
 * type-checked and checked against safety limits before they are compiled into fused kernels, so
 * a formula can only read its own stock-day (no negative lags, no future bars).
 *
 * This script writes four factors, shows what the checker says about them (and about four broken
 * formulas), evaluates them on a simulated market on the weekly rebalance days, standardises them
 * per day, and measures their weekly RankIC against the close T+1 -> close T+6 return next to the
 * planted alpha's ("oracle") RankIC.
 *
 * Writes to out/examples/03-factor-dsl/:
 *   factors.csv    date, asset, the raw factor values (weekly dates)
 *   ic.md          the RankIC table (Markdown)
 *   summary.json   the numbers printed below
 */
import { join } from 'node:path';
import { type Panel, preprocessCube } from '@hfq/core';
import { checkFactor, evaluateFactors, FACTOR_LIBRARY, type FactorDef } from '@hfq/factor-dsl';
import { type IcSummary, icSummary, rankICSeries } from '@hfq/metrics';
import { icTable, markdownTable } from '@hfq/report';
import { exampleOutDir, num, pct, say, startExample, writeText } from './lib/script.js';
import { studyMarket } from './lib/study-market.js';

const { opts, clock, onProgress, finish } = startExample(
  '03-factor-dsl',
  'write, check and evaluate factors in the DSL',
  {
    stocks: { default: 150, help: 'number of stocks' },
    days: { default: 250, help: 'number of trading days' },
    'tick-interval': {
      default: 15000,
      help: 'snapshot cadence in ms for the tick factor (3000 is the exchange cadence, 5x slower)',
    },
    seed: { default: 7, help: 'market seed' },
  },
);
const out = exampleOutDir('03-factor-dsl');

// 1. Four factors. Each reads one source; the formula ends in a reducer (sum, mean, corr, ...)
// that turns the day's bars into one number.
const factors: FactorDef[] = [
  {
    id: 'late_volume_share',
    source: 'minute',
    formula: 'share(between(volume, 1400, 1500), volume)', // share of the day's volume after 14:00
    meaning: 'late-day volume share (informed trading tends to come late)',
  },
  {
    id: 'trade_size',
    source: 'minute',
    formula: 'log(sum(volume) / sum(trades))', // shares per trade
    meaning: 'log average trade size',
  },
  {
    id: 'vbar_ret_std',
    source: 'vbar',
    formula: 'std(log_return(close))', // volatility per unit of volume, not per unit of time
    meaning: 'return volatility across equal-volume bars',
  },
  {
    id: 'book_imbalance5',
    source: 'tick',
    formula: 'mean(book_imbalance(5))', // (bid depth - ask depth) / (bid + ask) over 5 levels
    meaning: 'average 5-level order-book imbalance',
  },
];

// 2. What the checker knows about a formula: canonical text, a hash that ignores spacing and the
// order of commutative arguments, the fields it reads, its largest window and its cost per bar.
for (const f of factors) {
  const c = checkFactor(f.formula, f.source);
  say(
    `${f.id.padEnd(18)} ${c.text}  [fields ${c.fields.join(',')}; depth ${c.depth}; cost ${c.costPerRow}/bar; hash ${c.hash}]`,
  );
}
const a = checkFactor('corr(close, volume)', 'minute').hash;
const b = checkFactor('corr( volume ,close )', 'minute').hash;
say(`corr(close, volume) and corr( volume ,close ) hash the same: ${a === b}`);

// Broken formulas are rejected with a code and a position, before anything runs.
const broken: Array<[string, 'minute' | 'tick']> = [
  ['mean(delay(close, -1))', 'minute'], // a negative lag would read the next bar: the future
  ['close / open', 'minute'], // one value per bar, not per day: needs a reducer
  ['mean(colse)', 'minute'], // typo: the checker suggests the field
  ['mean(spread())', 'minute'], // order-book operator on minute bars
];
const rejections: Array<{ formula: string; code: string; message: string }> = [];
for (const [formula, source] of broken) {
  try {
    checkFactor(formula, source);
    throw new Error(`${formula} was accepted`);
  } catch (e) {
    const err = e as { code?: string; message: string };
    rejections.push({ formula, code: String(err.code), message: err.message });
    say(`rejected ${formula}:\n  ${err.message.trimEnd()}`); // code, reason, and a caret under the spot
  }
}
say(`the shipped library has ${FACTOR_LIBRARY.length} more factors to read for ideas (docs/factor-dsl.md)`);

// 3. Evaluate on a simulated market, on the weekly rebalance days only (that is all the weekly
// RankIC needs). The market's 15 s snapshots keep the tick factor cheap; 3 s is the real cadence.
// `studyMarket` (lib/study-market.ts) builds the market, its daily bars and the weekly RankIC
// inputs exactly as example 01 does step by step.
const { market, cal, daily, weekly, forward, universe } = studyMarket(opts, {
  tickIntervalMs: opts['tick-interval'],
  onProgress,
});
const dayIdx = Array.from(weekly, (d) => cal.index(d)).filter((t) => t >= 5); // vbar sizing needs 5 days before
const cube = await evaluateFactors(market, factors, {
  days: dayIdx,
  dailyVolume: daily.volume, // sizes the equal-volume bars from the 5 days before each day
  onProgress,
});
say(`evaluated ${factors.length} factors on ${cube.nDates} days x ${cube.nAssets} stocks in ${clock.lap()}`);

// 4. Per-day cleaning: winsorise at 5 robust sd, then z-score across the day's stocks.
const clean = preprocessCube(cube, [{ op: 'winsorize', k: 5 }, { op: 'zscore' }]);

// 5. Weekly RankIC against close T+1 -> close T+6, tradable stocks only, next to the oracle.
const rows: Array<{ name: string; summary: IcSummary }> = [];
for (const f of factors)
  rows.push({
    name: f.id,
    summary: icSummary(rankICSeries(clean.factorPanel(f.id), forward, { universe, minAssets: 30 })),
  });
const oracle = icSummary(
  rankICSeries(market.truth().alpha.alignTo(cube.dates, cube.assets), forward, { universe, minAssets: 30 }),
);
rows.push({ name: 'oracle (planted alpha)', summary: oracle });
const table = icTable(rows, { title: 'Weekly RankIC, factor at T vs close T+1 -> close T+6' });
writeText(join(out, 'ic.md'), markdownTable(table));
say('');
say(markdownTable(table));
for (const r of rows.slice(0, -1)) {
  say(`${r.name}: RankIC ${pct(r.summary.mean)} = ${num(r.summary.mean / oracle.mean, 2)} of the oracle's`);
}

// The raw values, long format, for any other tool.
const lines = [`date,asset,${factors.map((f) => f.id).join(',')}`];
for (let t = 0; t < cube.nDates; t++) {
  const m = cube.day(t);
  for (let k = 0; k < cube.nAssets; k++) {
    const vals = factors.map((_, j) => m[k * factors.length + j]!);
    if (vals.every((v) => Number.isNaN(v))) continue; // did not trade
    lines.push(
      `${cube.dates[t]},${cube.assets[k]},${vals.map((v) => (Number.isFinite(v) ? v.toPrecision(7) : '')).join(',')}`,
    );
  }
}
writeText(join(out, 'factors.csv'), `${lines.join('\n')}\n`);
const coverage = Object.fromEntries(
  factors.map((f) => {
    const p: Panel = cube.factorPanel(f.id);
    let n = 0;
    for (const v of p.values) if (Number.isFinite(v)) n++;
    return [f.id, n / p.values.length];
  }),
);
finish(['factors.csv', 'ic.md'], {
  config: { stocks: opts.stocks, days: opts.days, tickIntervalMs: opts['tick-interval'], seed: opts.seed },
  factors: factors.map((f) => ({ ...f, canonical: checkFactor(f.formula, f.source).text })),
  rejections,
  evaluatedDays: cube.nDates,
  coverage,
  rankIC: Object.fromEntries(rows.map((r) => [r.name, r.summary])),
});
