/**
 * 02 — Minute, equal-volume and tick frames, and their validation.
 *
 *   node --conditions=source --import tsx examples/02-frames.ts [--stocks 20] [--days 30]
 *
 * `@hfq/bars` holds one stock-day per frame, columnar (one typed array per field):
 *   MinuteBars     240 one-minute bars (bar end times 09:31..11:30, 13:01..15:00)
 *   TickSnapshots  Level-2 snapshots, per-level fields row-major `n x levels`
 *   VolumeBars     equal-volume bars ("等量K线"): each bar holds the same traded volume, sized
 *                  from the volume of the 5 days BEFORE the day (so no look-ahead in the cuts)
 * This script takes them from the simulated market, checks that snapshots aggregate exactly to
 * the minute bars, cuts equal-volume bars, validates every frame, shows what validation reports on
 * a deliberately broken frame, and round-trips the minute bars through Parquet.
 *
 * Writes to out/examples/02-frames/:
 *   minute-bars.parquet   all simulated minute bars of the run (canonical layout)
 *   volume-bars.csv       every equal-volume bar (asset, date, start, end, OHLC, vwap, volume, minutes)
 *   issues.json           what the validators said about the broken frame
 *   summary.json          the numbers printed below
 */
import { join } from 'node:path';
import {
  collectFrames,
  compareMinuteBars,
  equalVolumeBarSize,
  equalVolumeBars,
  findMinuteBarIssues,
  type MinuteBars,
  microPrice,
  orderImbalance,
  readMinuteBarsParquet,
  repairMinuteBars,
  spread,
  ticksToMinuteBars,
  type VolumeBars,
  validateMinuteBars,
  validateTickSnapshots,
  validateVolumeBars,
  writeMinuteBarsParquet,
} from '@hfq/bars';
import { formatTimeOfDay, formatYmd, ProgressReporter } from '@hfq/core';
import { createMarket } from '@hfq/sim';
import { exampleOutDir, num, pct, say, startExample, writeJson, writeText } from './lib/script.js';

const { opts, onProgress, finish } = startExample(
  '02-frames',
  'minute, equal-volume and tick frames, validated',
  {
    stocks: { default: 20, help: 'number of stocks' },
    days: { default: 30, help: 'trading days (the first 5 only size the equal-volume bars)' },
    'tick-days': {
      default: 3,
      help: 'days whose snapshots are aggregated and checked (3 s snapshots are the slow part)',
    },
    'bar-num': { default: 50, help: 'equal-volume bars wanted per day' },
    seed: { default: 7, help: 'market seed' },
  },
);
const out = exampleOutDir('02-frames');
const market = createMarket({ seed: opts.seed, nStocks: opts.stocks, nDays: opts.days });
const cal = market.calendar;
const nA = market.assets.length;
const lookback = 5;

// 1. Minute bars of every stock-day, validated as they come (a simulator bug would throw here
// with the rule, stock, date and row). Daily volumes are kept to size the equal-volume bars.
const minutes: MinuteBars[] = [];
const dailyVolume = new Float64Array(cal.length * nA).fill(Number.NaN);
const p1 = new ProgressReporter({ onProgress }, 'minute bars', cal.length, 'days');
for (let t = 0; t < cal.length; t++) {
  for (let a = 0; a < nA; a++) {
    const f = market.minuteBars(a, t);
    if (f === null) continue; // suspended or not listed that day
    validateMinuteBars(f);
    minutes.push(f);
    let v = 0;
    for (const x of f.volume) v += x;
    dailyVolume[t * nA + a] = v;
  }
  p1.tick();
}
say(`minute bars: ${minutes.length} stock-days x 240 bars, all valid`);

// 2. Equal-volume bars: bar size = mean daily volume of the 5 days before T / bars per day. A minute is the atom
// (never split), so a busy minute can close a bar holding more than one bar volume.
const volumeBars: VolumeBars[] = [];
let barsPerDay = 0;
let minutesPerBarOpen = 0;
let minutesPerBarMidday = 0;
let nOpen = 0;
let nMidday = 0;
for (const f of minutes) {
  const t = cal.index(f.date!);
  const a = market.assetIndex(f.asset!);
  if (t < lookback) continue; // not enough history to size the bars: no look-ahead, so no bars
  const history = Array.from({ length: lookback }, (_, k) => dailyVolume[(t - lookback + k) * nA + a]!);
  // `bar-num` bars per day: the mean volume of the lookback days / bar-num. NaN if a day is missing.
  const size = equalVolumeBarSize(history, opts['bar-num'], { lookback });
  if (!Number.isFinite(size)) continue;
  const vb = validateVolumeBars(equalVolumeBars(f, size));
  volumeBars.push(vb);
  barsPerDay += vb.endTime.length;
  for (let i = 0; i < vb.endTime.length; i++) {
    // Bars in the first half hour vs around lunch: volume is U-shaped over the day, so the same
    // volume takes fewer minutes at the open than at midday.
    if (vb.endTime[i]! <= 10 * 3_600_000) {
      minutesPerBarOpen += vb.minutes[i]!;
      nOpen++;
    } else if (vb.startTime[i]! >= 11 * 3_600_000 && vb.endTime[i]! <= 13.5 * 3_600_000) {
      minutesPerBarMidday += vb.minutes[i]!;
      nMidday++;
    }
  }
}
barsPerDay /= Math.max(1, volumeBars.length);
say(
  `equal-volume bars: ${volumeBars.length} stock-days, ${num(barsPerDay, 1)} bars a day on average ` +
    `(asked ${opts['bar-num']}); a bar spans ${num(minutesPerBarOpen / nOpen, 1)} minutes before 10:00 ` +
    `and ${num(minutesPerBarMidday / nMidday, 1)} around lunch`,
);
writeText(
  join(out, 'volume-bars.csv'),
  `asset,date,start,end,open,high,low,close,vwap,volume,minutes\n${volumeBars
    .flatMap((vb) =>
      Array.from(
        vb.endTime,
        (_, i) =>
          `${vb.asset},${vb.date},${formatTimeOfDay(vb.startTime[i]!)},${formatTimeOfDay(vb.endTime[i]!)},` +
          `${vb.open[i]},${vb.high[i]},${vb.low[i]},${vb.close[i]},${vb.vwap[i]!.toFixed(4)},${vb.volume[i]},${vb.minutes[i]}`,
      ),
    )
    .join('\n')}\n`,
);

// 3. Ticks -> minute bars. The simulator's minutes ARE the aggregation of its 3 s snapshots, so
// `ticksToMinuteBars` must reproduce them exactly: volume, amount, trades and OHLC, every minute.
const tickDays = Math.min(opts['tick-days'], cal.length);
const p3 = new ProgressReporter({ onProgress }, 'ticks -> minutes', tickDays * nA, 'stock-days');
let checked = 0;
let exactVolume = 0;
let exactClose = 0;
let meanSpreadBp = 0;
let meanImbalance = 0;
let meanMicroGapBp = 0;
for (let t = cal.length - tickDays; t < cal.length; t++) {
  for (let a = 0; a < nA; a++) {
    p3.tick();
    const ticks = market.ticks(a, t);
    const bars = market.minuteBars(a, t);
    if (ticks === null || bars === null) continue;
    validateTickSnapshots(ticks); // book order, no crossed book in continuous trading, cumulative fields
    const agreement = compareMinuteBars(ticksToMinuteBars(ticks), bars);
    checked++;
    exactVolume += agreement.volume.exactShare;
    exactClose += agreement.priceExactShare.close;
    // Book features straight from the frame (the DSL has them as operators too).
    const rel = spread(ticks, { relative: true });
    const imb = orderImbalance(ticks, 1);
    const micro = microPrice(ticks);
    let s = 0;
    let m = 0;
    let g = 0;
    let n = 0;
    for (let i = 0; i < rel.length; i++) {
      if (!Number.isFinite(rel[i]!) || !Number.isFinite(imb[i]!) || !Number.isFinite(micro[i]!)) continue;
      const mid = (ticks.bidPrice[i * ticks.levels]! + ticks.askPrice[i * ticks.levels]!) / 2;
      s += rel[i]!;
      m += imb[i]!;
      g += Math.abs(micro[i]! / mid - 1);
      n++;
    }
    meanSpreadBp += (s / n) * 1e4;
    meanImbalance += m / n;
    meanMicroGapBp += (g / n) * 1e4;
  }
}
say(
  `ticks -> minutes: ${checked} stock-days, volume exact in ${pct(exactVolume / checked)} of minutes, ` +
    `close exact in ${pct(exactClose / checked)}; book: relative spread ${num(meanSpreadBp / checked, 1)} bp, ` +
    `best-level imbalance ${num(meanImbalance / checked, 3)}, micro-price ${num(meanMicroGapBp / checked, 2)} bp from the mid`,
);

// 4. Validation on a broken frame: every rule reports its code, field, stock, date and row.
const broken: MinuteBars = {
  ...minutes[0]!,
  high: minutes[0]!.high.slice(),
  volume: minutes[0]!.volume.slice(),
  close: minutes[0]!.close.slice(),
};
broken.high[10] = broken.low[10]! - 0.05; // high below low
broken.volume[20] = -100; // negative volume
broken.close[30] = broken.close[30]! + 0.004; // off the 0.01 price grid (and maybe outside [low, high])
const issues = findMinuteBarIssues(broken);
say(`a broken frame gives ${issues.length} issues:`);
for (const i of issues) say(`  ${i.code} field=${i.field} row=${i.row} ${i.message}`);
// Repair fixes only what has one right answer (float noise near the grid), never a real error:
const noisy: MinuteBars = { ...minutes[0]!, close: minutes[0]!.close.slice() };
noisy.close[5] = noisy.close[5]! + 1e-9; // e.g. 82.65999999999998 from a vendor file
const repaired = repairMinuteBars(noisy);
say(
  `repair of float noise: ${repaired.changes.map((c) => `${c.action} ${c.field} row ${c.row} ${c.before} -> ${c.after}`).join('; ')}`,
);
writeJson(join(out, 'issues.json'), { issues, repairs: repaired.changes });

// 5. Parquet round trip: write every minute bar, read it back streaming, compare.
const parquet = join(out, 'minute-bars.parquet');
await writeMinuteBarsParquet(parquet, minutes);
const back = await collectFrames(readMinuteBarsParquet(parquet));
let identical = back.length === minutes.length;
for (let k = 0; identical && k < back.length; k++) {
  for (const field of ['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const) {
    const x = back[k]![field];
    const y = minutes[k]![field];
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) identical = false;
  }
}
say(`parquet: ${back.length} stock-days read back, ${identical ? 'bit-identical' : 'DIFFERENT'}`);

finish(['minute-bars.parquet', 'volume-bars.csv', 'issues.json'], {
  config: { stocks: opts.stocks, days: opts.days, tickDays, barNum: opts['bar-num'], seed: opts.seed },
  firstDate: formatYmd(cal.first),
  minuteStockDays: minutes.length,
  volumeBars: {
    stockDays: volumeBars.length,
    barsPerDay,
    minutesPerBarBefore10: minutesPerBarOpen / nOpen,
    minutesPerBarAroundLunch: minutesPerBarMidday / nMidday,
  },
  ticksToMinutes: {
    stockDays: checked,
    volumeExactShare: exactVolume / checked,
    closeExactShare: exactClose / checked,
    relativeSpreadBp: meanSpreadBp / checked,
    bestLevelImbalance: meanImbalance / checked,
    microPriceGapBp: meanMicroGapBp / checked,
  },
  brokenFrameIssues: issues.map((i) => i.code),
  parquetRoundTripIdentical: identical,
});
