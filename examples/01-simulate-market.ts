/**
 * 01 — Simulate a market.
 *
 *   node --conditions=source --import tsx examples/01-simulate-market.ts [--stocks 200] [--days 250] [--seed 7]
 *
 * `@hfq/sim` builds a deterministic synthetic A-share market with a planted, known alpha: minute
 * bars, Level-2 snapshots, daily bars, a CSI-1000-like index, industries and style exposures.
 * Every stock-day is generated on its own from (seed, stock, day), so nothing has to be stored.
 *
 * This script creates a small market, looks at what is in it, checks the planted signal with the
 * study's weekly RankIC (factor at the close of T against the close T+1 -> close T+6 return) and
 * writes a few artefacts to out/examples/01-simulate-market/:
 *   minute-bars.csv   the 240 minute bars of one stock-day (canonical CSV layout of @hfq/bars)
 *   ticks.csv         the same stock-day's 10-level snapshots, every 3 s
 *   index.csv         the benchmark index level and constituent count per day
 *   summary.json      the numbers printed below
 */
import { join } from 'node:path';
import { writeMinuteBarsCsv, writeTickSnapshotsCsv } from '@hfq/bars';
import { formatYmd, Panel, rebalanceDates } from '@hfq/core';
import { forwardReturns, icSummary, rankICSeries, tradableMask } from '@hfq/metrics';
import { createMarket } from '@hfq/sim';
import { exampleOutDir, num, pct, say, startExample, writeText } from './lib/script.js';

// The script's options (`--help` lists them), progress bars on stderr, and `finish`, which writes
// summary.json and prints the closing line at the end: see lib/script.ts.
const { opts, onProgress, finish } = startExample(
  '01-simulate-market',
  'simulate a small synthetic A-share market',
  {
    stocks: { default: 200, help: 'number of stocks' },
    days: { default: 250, help: 'number of trading days (about one year)' },
    seed: { default: 7, help: 'random seed: same seed and sizes, same market, byte for byte' },
  },
);
const out = exampleOutDir('01-simulate-market');

// 1. The market is a description until something is asked for: creating it is instant.
const market = createMarket({ seed: opts.seed, nStocks: opts.stocks, nDays: opts.days });
const cal = market.calendar;
say(
  `market: ${market.assets.length} stocks x ${cal.length} trading days, ${formatYmd(cal.first)} .. ${formatYmd(cal.last)}`,
);
const boards = new Map<string, number>();
for (const b of market.board) boards.set(b, (boards.get(b) ?? 0) + 1);
say(
  `boards: ${[...boards].map(([b, n]) => `${b} ${n}`).join(', ')}; ${market.industryNames.length} industries`,
);

// 2. Intraday data of one stock-day: 240 minute bars and 4803 snapshots (09:25 auction, every 3 s).
// (null means the stock did not trade that day: suspended, or not listed yet; take the first that did.)
const day = Math.min(cal.length - 1, 20);
let asset = 0;
while (asset < market.assets.length - 1 && market.minuteBars(asset, day) === null) asset++;
const bars = market.minuteBars(asset, day);
const ticks = market.ticks(asset, day);
if (bars === null || ticks === null) throw new Error(`no stock traded on ${cal.at(day)}`);
let dayVolume = 0;
for (const v of bars.volume) dayVolume += v;
say(
  `${market.assets[asset]} on ${formatYmd(cal.at(day))}: ${bars.time.length} minute bars, ${ticks.time.length} snapshots, ` +
    `${dayVolume.toLocaleString('en-US')} shares, close ${bars.close[bars.close.length - 1]!.toFixed(2)}`,
);
await writeMinuteBarsCsv(join(out, 'minute-bars.csv'), [bars]);
await writeTickSnapshotsCsv(join(out, 'ticks.csv'), [ticks]);

// 3. Daily bars of every stock-day: each is the aggregation of that day's minutes (the slow part).
const daily = market.daily({ onProgress });
const index = market.index();
let suspended = 0;
let limitUp = 0;
let listed = 0;
for (let i = 0; i < daily.suspended.values.length; i++) {
  if (daily.listed.values[i] === 1) listed++;
  if (daily.suspended.values[i] === 1) suspended++;
  if (daily.isLimitUp.values[i] === 1) limitUp++;
}
let constituents = 0;
for (const v of index.constituent.row(cal.length - 1)) constituents += v;
say(
  `daily: ${listed.toLocaleString('en-US')} listed stock-days, ${pct(suspended / listed)} suspended, ` +
    `${pct(limitUp / listed)} closed limit-up; index ${index.name} ends at ${index.close[cal.length - 1]!.toFixed(1)} ` +
    `with ${constituents} constituents`,
);
writeText(
  join(out, 'index.csv'),
  `date,close,constituents\n${Array.from(cal.dates, (d, t) => {
    let n = 0;
    for (const v of index.constituent.row(t)) n += v;
    return `${d},${index.close[t]!.toFixed(4)},${n}`;
  }).join('\n')}\n`,
);

// 4. The planted alpha and how well a perfect model would do: the "oracle" RankIC. The study's
// convention: factor at the close of T, return close T+1 -> close T+6, weekly, on stocks that are
// not ST on T and neither suspended nor limit-up on T+1 (a buy order could not be filled).
const truth = market.truth();
const forward = forwardReturns(daily.close, 1, 6, { adjFactor: daily.adjFactor });
const universe = tradableMask({ st: daily.st, suspended: daily.suspended, limitUp: daily.isLimitUp });
const weekly = rebalanceDates(cal.dates, 'weekly');
const oracle = icSummary(
  rankICSeries(truth.alpha.alignTo(weekly, market.assets), forward, { universe, minAssets: 30 }),
);
// A naive signal for contrast: the past 5-day return, known at the close of T (the market also
// has a short-term reversal premium, so it should come out negative).
const nA = market.assets.length;
const past = Panel.alloc(cal.dates, market.assets);
for (let t = 5; t < cal.length; t++) {
  for (let a = 0; a < nA; a++) {
    const now = daily.close.get(t, a) * daily.adjFactor.get(t, a);
    const then = daily.close.get(t - 5, a) * daily.adjFactor.get(t - 5, a);
    past.set(t, a, now / then - 1); // NaN when either day has no close (suspended)
  }
}
const reversal = icSummary(
  rankICSeries(past.alignTo(weekly, market.assets), forward, { universe, minAssets: 30 }),
);
say(
  `oracle (truth.alpha) weekly RankIC ${pct(oracle.mean)} (IR ${num(oracle.ir, 2)}, ${oracle.count} weeks); ` +
    `past 5-day return ${pct(reversal.mean)} (negative = reversal)`,
);

// summary.json: these numbers and the run time in seconds.
finish(['minute-bars.csv', 'ticks.csv', 'index.csv'], {
  config: { seed: opts.seed, stocks: opts.stocks, days: opts.days },
  calendar: { first: cal.first, last: cal.last, days: cal.length },
  boards: Object.fromEntries(boards),
  sampleStockDay: {
    asset: market.assets[asset],
    date: cal.at(day),
    minuteBars: bars.time.length,
    snapshots: ticks.time.length,
    volume: dayVolume,
  },
  daily: { listedStockDays: listed, suspendedShare: suspended / listed, limitUpShare: limitUp / listed },
  index: { name: index.name, lastClose: index.close[cal.length - 1], constituents },
  oracleRankIC: oracle,
  pastWeekReturnRankIC: reversal,
});
