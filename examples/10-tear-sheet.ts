/**
 * 10 — A factor tear sheet, alphalens-style, with `@hfq/metrics` and `@hfq/report`.
 *
 *   node --conditions=source --import tsx examples/10-tear-sheet.ts [--stocks 200] [--days 300]
 *
 * alphalens' workflow in TypeScript: one call (`alignFactor`) pairs a factor with prices by date
 * and asset id, computes forward returns for several horizons at once, bins each date into
 * quantiles and says how many rows it dropped at each step (refusing above `maxLoss`); one call
 * (`factorTearSheet`) computes every statistic of alphalens' full tear sheet; one call
 * (`writeTearSheet`) renders it as a self-contained HTML page.
 *
 * The prices and the factor are made up with a seeded RNG (as in 07), with industries for the IC
 * by group, some suspensions (NaN prices) and, to show the error, the same factor with bare ids.
 *
 * Writes to out/examples/10-tear-sheet/:
 *   tear-sheet.html   the tear sheet (IC histogram, Q-Q, monthly heat map, quantile returns, ...)
 *   summary.json      the numbers printed below
 */
import { join } from 'node:path';
import { HfqError, Panel, Rng, weekdays } from '@hfq/core';
import { alignFactor, factorTearSheet } from '@hfq/metrics';
import { markdownTable, tearSheetTables, writeTearSheet } from '@hfq/report';
import { exampleOutDir, num, pct, say, startExample } from './lib/script.js';

const { opts, finish } = startExample('10-tear-sheet', 'an alphalens-style tear sheet from plain panels', {
  stocks: { default: 200, help: 'number of stocks' },
  days: { default: 300, help: 'number of trading days' },
  signal: { default: 0.002, help: 'daily return per unit of signal (fraction)' },
  seed: { default: 5, help: 'random seed' },
});
const out = exampleOutDir('10-tear-sheet');

// 1. Plain inputs: closes and a factor (dates x assets), and an industry per asset.
const dates = weekdays(20220103, 20300101).slice(0, opts.days);
const assets = Array.from({ length: opts.stocks }, (_, i) => `${600000 + i}.SH`);
const industry = Object.fromEntries(
  assets.map((id, i) => [id, ['bank', 'tech', 'energy', 'retail'][i % 4]!]),
);
const close = Panel.alloc(dates, assets);
const factor = Panel.alloc(dates, assets);
const alpha = new Float64Array(assets.length);
const price = new Float64Array(assets.length).fill(10);
for (let t = 0; t < dates.length; t++) {
  const market = new Rng(opts.seed, 'market', t).normal(0.0003, 0.012);
  for (let a = 0; a < assets.length; a++) {
    const r = new Rng(opts.seed, a, t);
    price[a] = price[a]! * (1 + market + opts.signal * alpha[a]! + r.normal(0, 0.02));
    alpha[a] = 0.9 * alpha[a]! + Math.sqrt(1 - 0.81) * r.normal();
    if (r.uniform() < 0.01) continue; // suspended: no price, no factor that day
    close.set(t, a, price[a]!);
    factor.set(t, a, alpha[a]! + r.normal(0, 1.5));
  }
}

// 2. Align: forward returns over 1, 5 and 10 days, 5 quantiles per date, industries attached.
const aligned = alignFactor(factor, close, { periods: [1, 5, 10], quantiles: 5, groupBy: industry });
const l = aligned.loss;
say(
  `aligned ${l.kept} of ${l.factorRows} factor rows (${pct(1 - l.totalLoss)}): ${l.missingForwardReturn} without every forward return ` +
    `(suspensions, the last 10 days), ${l.binning} not binnable; ${aligned.dates.length} dates`,
);

// A factor keyed by bare codes (600000 instead of 600000.SH) does not line up: a typed error says so.
const bare = new Panel(
  factor.dates,
  factor.assets.map((id) => id.slice(0, 6)),
  factor.values,
);
try {
  alignFactor(bare, close);
} catch (e) {
  if (!HfqError.is(e, 'METRICS_ALIGNMENT')) throw e;
  say(`bare ids: ${e.code}: ${e.message.slice(0, 150)}...`);
}

// 3. Every statistic of alphalens' full tear sheet, then the page.
const sheet = factorTearSheet(aligned);
const [info, returns, turnover] = tearSheetTables(sheet);
say('');
say(markdownTable(info!));
say(markdownTable(returns!));
say(markdownTable(turnover!));
const page = await writeTearSheet(join(out, 'tear-sheet.html'), aligned, { title: 'Synthetic factor' });
say(`tear sheet: ${page.bytes} bytes`);

finish(['tear-sheet.html'], {
  config: opts,
  loss: l,
  ic: Object.fromEntries(sheet.periods.map((p, i) => [`${p}D`, sheet.ic.stats[i]])),
  spread: Object.fromEntries(sheet.periods.map((p, i) => [`${p}D`, sheet.spread.mean[i]])),
  annualAlpha: Object.fromEntries(sheet.periods.map((p, i) => [`${p}D`, sheet.alphaBeta.annualAlpha[i]])),
  beta: Object.fromEntries(sheet.periods.map((p, i) => [`${p}D`, num(sheet.alphaBeta.beta[i]!, 4)])),
});
