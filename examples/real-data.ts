/**
 * The real-data study: hfq on the real A-share samples in ../shared/data/real.
 *
 *   node --conditions=source --import tsx examples/real-data.ts [--data <dir>] [--quick]
 *
 * The samples are real published market data but NOT redistributable (read each PROVENANCE.md):
 * this script reads them where they are (`--data <dir>`, else `$HFQ_SHARED_DIR/data/real`, else
 * `../shared/data/real` beside the repository) and writes only derived statistics.
 *
 *   (a) Level-2: 10-level snapshots -> minute bars on the real days, minute by minute against the
 *       minute bars derived from every trade of the same day; day totals against the daily file;
 *       the baseline's tick factors on real books; equal-volume bars from real vendor minutes.
 *   (b) 15-minute bars of 400 SSE stocks (2025-01 .. 2026-04): intraday factors written for 16
 *       bars a day (not 240), evaluated by daily RankIC against forward returns.
 *   (c) Daily bars of 1,283 stocks (2020-2026): reversal / liquidity / volatility factors and qlib's
 *       Alpha158, all formulas of the factor language's daily level, on a point-in-time CSI 300 +
 *       CSI 500 universe (weekly RankIC, 10-group backtests), and a small Transformer trained
 *       walk-forward on Alpha158 plus the 15-minute factors, out of sample from 2023.
 *
 * The 15-minute bars, daily bars and index membership are imported once by `@hfq/dataset`'s
 * `importFiles` (validated; every rejected or repaired row reported) into a dataset under `tmp/`
 * (`--data-dir`), and read through its `DatasetReader` on every run. It takes a few minutes on 2
 * cores (the first run also imports, about 2 minutes); each training step of the model sees a
 * random 256 of the day's stocks (`--max-stocks`). `--quick` subsamples stocks and trains for one
 * epoch (for the smoke test; its numbers mean little).
 *
 * Writes to out/real-data/ (`--out` to change): report.html, report.md, results.json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normalizeSymbol } from '@hfq/bars';
import { FactorCube, formatYmd, Panel, ProgressReporter, rebalanceDates, ymdYear, zscore } from '@hfq/core';
import { evaluateDatasetFactors, summarizeImport } from '@hfq/dataset';
import {
  cumulativeIC,
  dailyReturns,
  forwardReturns,
  type GroupBacktestResult,
  groupBacktest,
  type IcSummary,
  icSummary,
  rankICSeries,
  tradableMask,
} from '@hfq/metrics';
import { StockDataset, useBackend, walkForward } from '@hfq/models';
import {
  cumulativeICChart,
  factorTestTable,
  groupNavChart,
  groupTable,
  markdownTable,
  type ReportBlock,
  type ReportDocument,
  type ReportTable,
  renderReport,
  reportMarkdown,
} from '@hfq/report';
import {
  alpha158Panels,
  andMask,
  carriedMembership,
  DAILY_FACTORS,
  dailyFactorPanels,
  membershipCoverage,
} from './lib/real/daily.js';
import { openRealDataset } from './lib/real/dataset.js';
import { FIFTEEN_MINUTE_FACTORS } from './lib/real/intraday15.js';
import { level2Study } from './lib/real/level2.js';
import { realDataPaths } from './lib/real/paths.js';
import { num, pct, REPO_ROOT, say, shown, startExample, writeJson, writeText } from './lib/script.js';

const { opts, clock, onProgress } = startExample('real-data', 'the hfq study on the real A-share samples', {
  data: {
    default: '',
    help: 'the data/real folder (default $HFQ_SHARED_DIR/data/real, else ../shared/data/real)',
  },
  quick: { default: false, help: 'subsample stocks and train one epoch (smoke test; numbers mean little)' },
  out: { default: 'out/real-data', help: 'output folder (relative to the repository root or absolute)' },
  'data-dir': {
    default: '',
    help: 'the imported dataset, made on the first run (default tmp/real-data/dataset-<stocks>)',
  },
  'test-start': { default: 20230103, help: 'first out-of-sample date of the model (yyyymmdd)' },
  'retrain-every': { default: 250, help: 'trading days between refits of the walk-forward model' },
  'train-samples': { default: 150, help: 'weekly samples in each rolling training window (150 = 3 years)' },
  epochs: {
    default: 6,
    help: 'maximum epochs per fit (early stopping after 2 without a better validation IC)',
  },
  'max-stocks': { default: 256, help: 'stocks subsampled per date in each training step (0 = all)' },
  'daily-stocks': {
    default: 0,
    help: 'use only this many daily stocks, evenly spread by symbol (0 = all 1,283)',
  },
  seed: { default: 0, help: 'training seed' },
});
if (opts.quick) {
  opts['daily-stocks'] ||= 160;
  opts.epochs = 1;
  opts['train-samples'] = 40;
  opts['retrain-every'] = 400;
  opts['max-stocks'] = 64;
}
const out = resolve(REPO_ROOT, opts.out);
const { paths, available } = realDataPaths(opts.data || undefined);
if (!available) {
  const msg = `the real samples are not at ${paths.root}`;
  if (opts.data) throw new Error(`${msg} (from --data)`);
  say(
    `${msg}: nothing to do. They live in a ../shared folder beside the repository (not redistributable, not in the repo); point the script at them with --data <dir>/data/real or HFQ_SHARED_DIR=<dir>.`,
  );
  process.exit(0);
}
say(`real data: ${paths.root}${opts.quick ? ' (quick mode: subsampled, one epoch)' : ''}`);

// ---------------------------------------------------------------------------------------------
// Daily bars (needed by all three parts: returns, day totals).
// ---------------------------------------------------------------------------------------------
const allSymbols = readFileSync(join(paths.root, 'cn-daily-universe', 'universe_core_symbols.txt'), 'utf8')
  .trim()
  .split('\n')
  .map((s) => normalizeSymbol(s))
  .sort();
const L2_ASSETS = ['600519.SH', '000400.SZ', '300122.SZ', '300274.SZ', '300288.SZ', '300918.SZ'];
const dailySet = new Set(allSymbols);
// The 15-minute stocks: those with daily bars (returns need their adjustment factor; the importer
// rejects the others' stock-days as unknown assets, and says so).
const m15Symbols = readFileSync(join(paths.root, 'cn-intraday-15min', 'symbols.txt'), 'utf8')
  .trim()
  .split('\n')
  .map((s) => normalizeSymbol(s));
const m15NoFactor = m15Symbols.filter((a) => !dailySet.has(a)).length;
let dailyAssets = allSymbols;
if (opts['daily-stocks'] > 0 && opts['daily-stocks'] < allSymbols.length) {
  // Evenly spread by symbol, plus the Level-2 stocks and 60 15-minute stocks (their checks need daily rows).
  const step = allSymbols.length / opts['daily-stocks'];
  const picked = new Set(
    Array.from({ length: opts['daily-stocks'] }, (_, i) => allSymbols[Math.floor(i * step)]!),
  );
  const m15Picked = m15Symbols
    .filter((a) => dailySet.has(a))
    .sort()
    .slice(0, 60);
  for (const a of [...L2_ASSETS, ...m15Picked]) if (dailySet.has(a)) picked.add(a);
  dailyAssets = [...picked].sort();
}
const dataDir = resolve(
  REPO_ROOT,
  opts['data-dir'] ||
    join(
      'tmp',
      'real-data',
      dailyAssets.length === allSymbols.length
        ? 'dataset-all'
        : `dataset-${dailyAssets.length}-${createHash('sha256').update(dailyAssets.join(',')).digest('hex').slice(0, 8)}`,
    ),
);
const t0 = clock.ms();
const imported = await openRealDataset(paths, dataDir, {
  ...(dailyAssets === allSymbols ? {} : { dailyAssets }),
  onProgress,
});
const { reader } = imported;
const summary = summarizeImport(imported.report);
say(
  `dataset ${shown(dataDir)} (${imported.imported ? 'imported now' : 'imported before'}; ${reader.manifest.minute.length} days of 15-minute bars): ${summary.lines.join('; ')}`,
);
const daily = await reader.daily();
const dates = daily.close.dates;
const nA = dailyAssets.length;
say(
  `daily bars: ${nA} stocks x ${dates.length} days (${formatYmd(dates[0]!)} .. ${formatYmd(dates.at(-1)!)}) read in ${num((clock.ms() - t0) / 1000, 1)} s`,
);
const adj = { adjFactor: daily.adjFactor };
const returns = dailyReturns(daily.close, adj);
const fwd1 = forwardReturns(daily.close, 1, 2, adj); // close T+1 -> T+2
const fwd5 = forwardReturns(daily.close, 1, 6, adj); // close T+1 -> T+6 (the study's weekly return)
const fwd10 = forwardReturns(daily.close, 1, 11, adj); // close T+1 -> T+11 (the models' label)
const tradable = tradableMask({ suspended: daily.suspended, limitUp: daily.isLimitUp }); // no ST flags in the data
const lookup = (asset: string, date: number) => {
  const a = daily.close.assetIndex(asset);
  const t = daily.close.dateIndex(date);
  if (a < 0 || t < 0) return undefined;
  return { close: daily.close.get(t, a), volume: daily.volume.get(t, a) };
};

// ---------------------------------------------------------------------------------------------
// (a) Level-2 days.
// ---------------------------------------------------------------------------------------------
const l2 = await level2Study(paths.l2, `${dataDir}-level2`, lookup);
say(`(a) Level-2 dataset ${shown(dataDir)}-level2: ${l2.importLines.join('; ')}`);
const mn = l2.moutai.boundaryNext;
const mp = l2.moutai.boundaryPrevious;
say(
  `(a) 600519.SH 2023-02-01, ${l2.moutai.snapshots} snapshots -> 240 minutes vs minutes from trades: volume exact in ` +
    `${pct(mp.volume.exactShare, 1)} of minutes, ${pct(mp.volume.misplacedShare)} of the day's volume in another minute ` +
    `(boundary 'previous'; ${pct(mn.volume.misplacedShare)} with 'next'); day total ${mp.volume.totalA} = ${mp.volume.totalB}`,
);
const totalsMatched = l2.dayTotals.filter((d) => d.dailyVolume !== null);
say(
  `    day totals from snapshots vs the daily file: ${totalsMatched
    .map(
      (d) =>
        `${d.asset} ${d.volumeFromSnapshots - d.dailyVolume!} sh, close ${d.closeFromSnapshots === d.dailyClose ? '=' : '!='}`,
    )
    .join('; ')}`,
);

// ---------------------------------------------------------------------------------------------
// (b) 15-minute panel.
// ---------------------------------------------------------------------------------------------
// 15-minute stocks and days: those the dataset holds minute bars of (suspended days were rejected)
const m15Assets = m15Symbols.filter((a) => reader.assets.includes(a)).sort();
const m15AssetIdx = m15Assets.map((a) => reader.assets.indexOf(a));
const m15Days = reader.manifest.minute.map((p) => reader.calendar.indexOf(p.date));
const m15Dates = Int32Array.from(m15Days, (t) => dates[t]!);
const m15Report = imported.report.files.find((f) => f.kind === 'minute')!;
const m15Suspended = m15Report.rejected.filter((r) => r.issues[0]?.code === 'BARS_NONPOSITIVE_PRICE').length;
// Consistency with the daily file: the 16 bars should add up to the day.
const volDiff: number[] = []; // relative |sum of 16 bars - daily volume| per stock-day
const volYear: string[] = [];
const closeSame: boolean[] = [];
for (const [i, t] of m15Days.entries()) {
  await reader.loadDay(t);
  for (const a of m15AssetIdx) {
    const f = reader.minuteBars(a, t);
    const d = lookup(reader.assets[a]!, m15Dates[i]!);
    if (f === null || d === undefined || !Number.isFinite(d.close) || !(d.volume > 0)) continue;
    let v = 0;
    for (const x of f.volume) v += x;
    // the daily source stores float32: above 2^24 shares a difference of a few shares is rounding
    volDiff.push(
      Math.abs(v - d.volume) <= Math.max(0, d.volume * 2 ** -23) ? 0 : Math.abs(v - d.volume) / d.volume,
    );
    volYear.push(String(ymdYear(m15Dates[i]!)));
    closeSame.push(f.close[15] === d.close);
  }
}
const compared = volDiff.length;
const share = (ok: (x: number) => boolean) => volDiff.filter(ok).length / compared;
const volAgreement = {
  exact: share((x) => x === 0),
  within01pct: share((x) => x <= 0.001),
  within1pct: share((x) => x <= 0.01),
  medianRelDiff: [...volDiff].sort((x, y) => x - y)[compared >> 1]!,
};
const closeExact = closeSame.filter(Boolean).length;
const volumeByYear: Record<string, number> = {};
const closeByYear: Record<string, number> = {};
for (const y of new Set(volYear)) {
  const idx = volYear.flatMap((v, i) => (v === y ? [i] : []));
  volumeByYear[y] = idx.filter((i) => volDiff[i] === 0).length / idx.length;
  closeByYear[y] = idx.filter((i) => closeSame[i]).length / idx.length;
}
say(
  `(b) 15-min bars: ${m15Assets.length} stocks x ${m15Dates.length} days (${m15NoFactor} of the 400 have no adjustment ` +
    `factor in the daily file and are left out); ${m15Suspended} suspended stock-days; vs the daily file: ` +
    `day volume equal (up to float32 rounding) on ${pct(volAgreement.exact, 1)} of ${compared} stock-days ` +
    `(${Object.entries(volumeByYear)
      .map(([y, v]) => `${y} ${pct(v, 1)}`)
      .join(', ')}), within 0.1% on ` +
    `${pct(volAgreement.within01pct, 1)}, within 1% on ${pct(volAgreement.within1pct, 1)}; last close equal on ${pct(closeExact / compared, 1)} ` +
    `(${Object.entries(closeByYear)
      .map(([y, v]) => `${y} ${pct(v, 1)}`)
      .join(', ')})`,
);
const m15Cube = await evaluateDatasetFactors(reader, FIFTEEN_MINUTE_FACTORS, {
  days: m15Days,
  onProgress,
});
const m15Tradable = tradable.alignTo(m15Dates, m15Assets);
const m15Weekly = rebalanceDates(m15Dates, 'weekly');
const m15Returns = returns.alignTo(
  dates.filter((d) => d >= m15Dates[0]! && d <= m15Dates.at(-1)!),
  m15Assets,
);
const m15Panels: Record<string, Panel> = {}; // one-day and 5-day-mean values, m15 dates x m15 stocks
type Row = { name: string; ic1: IcSummary; ic5: IcSummary; weekly: IcSummary; groups?: GroupBacktestResult };
const m15Rows: Row[] = [];
const p15 = new ProgressReporter(
  { onProgress },
  '15-min factor tests',
  FIFTEEN_MINUTE_FACTORS.length,
  'factors',
);
for (const f of FIFTEEN_MINUTE_FACTORS) {
  p15.tick();
  const oneDay = m15Cube.factorPanel(f.id).alignTo(m15Dates, m15Assets);
  for (const [name, p] of [
    [f.id, oneDay],
    [`${f.id} (5-day mean)`, trailingMean(oneDay, 5, 3)],
  ] as const) {
    m15Panels[name] = p;
    m15Rows.push({
      name,
      ic1: icSummary(rankICSeries(p, fwd1, { universe: m15Tradable, minAssets: 30 })),
      ic5: icSummary(rankICSeries(p, fwd5, { universe: m15Tradable, minAssets: 30 })),
      weekly: icSummary(
        rankICSeries(p.alignTo(m15Weekly, m15Assets), fwd5, { universe: m15Tradable, minAssets: 30 }),
      ),
      groups: groupBacktest(p, m15Returns, { tradable: m15Tradable }),
    });
  }
}
const m15Best = [...m15Rows].sort((x, y) => Math.abs(y.weekly.tStat) - Math.abs(x.weekly.tStat)).slice(0, 3);
say(
  `    strongest by weekly |t|: ${m15Best.map((r) => `${r.name} RankIC ${pct(r.weekly.mean)} (t ${num(r.weekly.tStat, 1)})`).join('; ')}`,
);

// ---------------------------------------------------------------------------------------------
// (c) Daily study: point-in-time CSI 300 + CSI 500 universe, daily factors, a small model.
// ---------------------------------------------------------------------------------------------
const membership = {
  ...carriedMembership(await reader.index()),
  ...membershipCoverage(
    [paths.csi300, paths.csi500].map((f) => readFileSync(f, 'utf8')),
    dates,
    dailySet,
    normalizeSymbol,
  ),
};
const universe = andMask(membership.member, tradable);
const coverageByYear = yearly(dates, (t) =>
  dates[t]! <= membership.lastKnown ? membership.membersInData[t]! / membership.members[t]! : Number.NaN,
);
say(
  `(c) universe: point-in-time CSI 300 + CSI 500 members (known to ${formatYmd(membership.lastKnown)}, carried after); ` +
    `share of the members present in the data by year: ${Object.entries(coverageByYear)
      .map(([y, v]) => `${y} ${pct(v, 1)}`)
      .join(', ')}`,
);
const factors = await dailyFactorPanels(daily);
const weekly = rebalanceDates(dates, 'weekly');
const dailyRows: Array<{
  name: string;
  ic: IcSummary;
  icAll: IcSummary;
  byYear: Record<string, number>;
  groups: GroupBacktestResult;
}> = [];
const pDaily = new ProgressReporter({ onProgress }, 'daily factor tests', DAILY_FACTORS.length, 'factors');
for (const f of DAILY_FACTORS) {
  pDaily.tick();
  const w = factors[f.name]!.alignTo(weekly, dailyAssets);
  const series = rankICSeries(w, fwd5, { universe, minAssets: 50 });
  dailyRows.push({
    name: f.name,
    ic: icSummary(series),
    icAll: icSummary(rankICSeries(w, fwd5, { universe: tradable, minAssets: 50 })),
    byYear: yearly(weekly, (k) => series[k]!),
    groups: groupBacktest(factors[f.name]!, returns, { tradable: universe }),
  });
}
say(`    weekly RankIC 2020-2026: ${dailyRows.map((r) => `${r.name} ${pct(r.ic.mean)}`).join(', ')}`);

// Alpha158 (qlib's 158 daily features) on the same panels.
const tAlpha = clock.ms();
const alpha = await alpha158Panels(daily);
const alphaSeconds = (clock.ms() - tAlpha) / 1000;
say(
  `    Alpha158: ${Object.keys(alpha).length} factors x ${nA} stocks x ${dates.length} days in ${num(alphaSeconds, 0)} s`,
);

// The model: a one-layer Transformer on 20-day windows of Alpha158 and the 15-minute factors (NaN
// before 2025 and for stocks without 15-minute bars: missing inputs are 0 after standardisation),
// label = rank of the close T+1 -> T+11 return, walk-forward: refit every `retrain-every` days on
// a rolling window.
const backend = await useBackend('wasm');
const m15Inputs = Object.fromEntries(
  Object.entries(m15Panels).map(([name, p]) => [name, p.alignTo(dates, dailyAssets)]),
);
const cube = FactorCube.fromPanels({ ...alpha, ...m15Inputs });
const ds = new StockDataset(
  cube,
  { close: daily.close, adjFactor: daily.adjFactor },
  {
    window: 20,
    stride: 5,
    universe,
    labelTransform: 'rank',
  },
);
const modelConfig = { kind: 'transformer' as const, dModel: 16, nHeads: 2, nLayers: 1, dropout: 0.1 };
const tModel = clock.ms();
const wf = await walkForward(ds, {
  models: [{ name: 'transformer', config: modelConfig }],
  plan: {
    testStart: opts['test-start'],
    retrainEvery: opts['retrain-every'],
    mode: 'rolling',
    trainSamples: opts['train-samples'],
  },
  seeds: [opts.seed],
  epochs: opts.epochs,
  patience: 2,
  maxStocksPerDate: opts['max-stocks'],
  learningRate: 1e-3,
  onProgress,
});
const modelSeconds = (clock.ms() - tModel) / 1000;
const scores = wf.scores;
const oosDates = scores.dates;
say(
  `    model (${backend.name}): ${wf.folds.length} folds, ${oosDates.length} out-of-sample dates ` +
    `${formatYmd(oosDates[0]!)} .. ${formatYmd(oosDates.at(-1)!)}, trained in ${num(modelSeconds, 0)} s`,
);
// A linear benchmark for the model: z-scored factors with the sign of their RankIC before the
// test period (factor dates whose 5-day return ended before it), averaged.
const signCut = dates[Math.max(0, daily.close.dateIndex(oosDates[0]!) - 6)]!;
const signs = Object.fromEntries(
  DAILY_FACTORS.map((f) => {
    const w = factors[f.name]!.alignTo(
      weekly.filter((d) => d <= signCut),
      dailyAssets,
    );
    return [f.name, Math.sign(icSummary(rankICSeries(w, fwd5, { universe, minAssets: 50 })).mean) || 1];
  }),
);
const composite = Panel.alloc(oosDates, dailyAssets);
for (let k = 0; k < oosDates.length; k++) {
  const t = daily.close.dateIndex(oosDates[k]!);
  const acc = new Float64Array(nA);
  const cnt = new Int32Array(nA);
  for (const f of DAILY_FACTORS) {
    const u = universe.row(t);
    const z = zscore(
      Array.from(factors[f.name]!.row(t), (v, a) => (u[a] === 1 ? v : Number.NaN)),
      { ddof: 0 },
    );
    for (let a = 0; a < nA; a++) {
      if (!Number.isFinite(z[a]!)) continue;
      acc[a]! += signs[f.name]! * z[a]!;
      cnt[a]!++;
    }
  }
  const row = composite.row(k);
  for (let a = 0; a < nA; a++) row[a] = cnt[a]! >= DAILY_FACTORS.length / 2 ? acc[a]! / cnt[a]! : Number.NaN;
}
// Each Alpha158 factor alone, out of sample (the strongest by |RankIC| joins the table below).
const alphaOos = Object.entries(alpha)
  .map(([name, p]) => ({
    name,
    ic5: icSummary(rankICSeries(p.alignTo(oosDates, dailyAssets), fwd5, { universe, minAssets: 50 })),
  }))
  .sort((x, y) => Math.abs(y.ic5.mean) - Math.abs(x.ic5.mean));
const oosPanels: Array<[string, Panel]> = [
  ['transformer (walk-forward)', scores],
  ['linear composite (signs from before the test period)', composite],
  ...DAILY_FACTORS.map((f) => [f.name, factors[f.name]!.alignTo(oosDates, dailyAssets)] as [string, Panel]),
  [`${alphaOos[0]!.name} (Alpha158)`, alpha[alphaOos[0]!.name]!.alignTo(oosDates, dailyAssets)],
];
const pOos = new ProgressReporter({ onProgress }, 'out-of-sample tests', oosPanels.length, 'signals');
const oosRows = oosPanels.map(([name, p]) => {
  pOos.tick();
  const s5 = rankICSeries(p, fwd5, { universe, minAssets: 50 });
  return {
    name,
    series: s5,
    ic5: icSummary(s5),
    ic10: icSummary(rankICSeries(p, fwd10, { universe, minAssets: 50 })),
    byYear: yearly(oosDates, (k) => s5[k]!),
    groups: groupBacktest(p, returns, { rebalance: oosDates, tradable: universe }),
  };
});
const model = oosRows[0]!;
const lin = oosRows[1]!;
say(
  `    out of sample: transformer RankIC ${pct(model.ic5.mean)} (T+1..T+6, IR ${num(model.ic5.ir, 2)}), ${pct(model.ic10.mean)} (T+1..T+11); ` +
    `linear composite ${pct(lin.ic5.mean)}; TOP excess ${pct(model.groups.top.excessAnnualReturn)} vs ${pct(lin.groups.top.excessAnnualReturn)}`,
);
// The best single factor out of sample (by |RankIC|, sign as it is), among the daily factors and Alpha158.
const bestSingle = oosRows.slice(2).sort((x, y) => Math.abs(y.ic5.mean) - Math.abs(x.ic5.mean))[0]!;
say(
  `    model vs the best single factor: transformer RankIC ${pct(model.ic5.mean)}, IR ${num(model.ic5.ir, 2)}; ` +
    `${bestSingle.name} RankIC ${pct(bestSingle.ic5.mean)}, IR ${num(bestSingle.ic5.ir, 2)}`,
);

// ---------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------
const fmtIc = (s: IcSummary) => [pct(s.mean), num(s.ir, 2), pct(s.positiveRatio, 1), num(s.tStat, 1)];
const table = (title: string, head: string[], rows: string[][], note?: string): ReportTable => ({
  title,
  columns: head.map((h) => ({ header: h })),
  rows,
  ...(note ? { note } : {}),
});
const years = [...new Set(Array.from(dates, (d) => String(ymdYear(d))))];
const l2Blocks: ReportBlock[] = [
  `600519.SH on 2023-02-01: ${l2.moutai.snapshots} exchange snapshots (about every 3 s) aggregated to 240 minute bars with \`ticksToMinuteBars\`, compared minute by minute with the minute bars derived from all 27,135 trades of the day (\`derived_1min_from_trades\`).`,
  {
    kind: 'table',
    table: table(
      'Snapshot minutes vs trade minutes, 600519.SH 2023-02-01',
      [
        'boundary rule',
        'volume exact',
        'volume misplaced',
        'max |diff| (sh)',
        'amount exact',
        'open exact',
        'high exact',
        'low exact',
        'close exact',
        'day volume',
      ],
      [
        ['next (default)', mn],
        ['previous (for exchange feeds)', mp],
      ].map(([name, m]) => {
        const a = m as typeof mn;
        return [
          name as string,
          pct(a.volume.exactShare, 1),
          pct(a.volume.misplacedShare),
          String(a.volume.maxAbsDiff),
          pct(a.amount.exactShare, 1),
          pct(a.priceExactShare.open, 1),
          pct(a.priceExactShare.high, 1),
          pct(a.priceExactShare.low, 1),
          pct(a.priceExactShare.close, 1),
          `${a.volume.totalA} / ${a.volume.totalB}`,
        ];
      }),
      'volume misplaced = share of the day volume the snapshots put in another minute than the trades. Snapshots are stamped to the second and each covers up to 3 s of trades, so a minute boundary cannot be placed exactly; prices are sampled from the snapshots, not every trade.',
    ),
  },
  {
    kind: 'table',
    table: table(
      'Day totals from full-day snapshots vs the daily file',
      [
        'stock',
        'date',
        'snapshots',
        'volume from snapshots',
        'daily volume',
        'close from snapshots',
        'daily close',
      ],
      l2.dayTotals.map((d) => [
        d.asset,
        formatYmd(d.date),
        String(d.snapshots),
        String(d.volumeFromSnapshots),
        d.dailyVolume === null ? 'not in the daily file' : String(d.dailyVolume),
        d.closeFromSnapshots.toFixed(2),
        d.dailyClose === null ? '–' : d.dailyClose.toFixed(2),
      ]),
      'The daily source stores volume as float32: above 2^24 shares it is rounded (differences of a few shares are that).',
    ),
  },
  `30 SSE stocks on 2021-12-01 (09:15-10:30 only): ${l2.partialDay.snapshots} snapshots, ${l2.partialDay.framesWithIssues} stock-days with a validation issue (book order, crossed book, cumulative fields), on average ${num(l2.partialDay.meanTradedMinutes, 1)} minutes with trades before the sample stops.`,
  {
    kind: 'table',
    table: table(
      "The baseline's tick factors on real books (one value per stock-day; n/a = the feed lacks the field, e.g. SZSE trade counts)",
      ['factor', ...l2.tickFactors.rows.map((r) => r.asset)],
      l2.tickFactors.ids.map((id, j) => [id, ...l2.tickFactors.rows.map((r) => num(r.values[j]!, 4))]),
    ),
  },
  `Equal-volume bars from real minutes (vendor 1-minute bars of 000001.SZ, January 2018, ${l2.vendorEqualVolume.days} days): 50 bars a day sized from the 5 days before give ${num(l2.vendorEqualVolume.barsPerDay, 1)} bars a day on the ${l2.vendorEqualVolume.daysWithBars} days with 5 days of history; a bar spans ${num(l2.vendorEqualVolume.minutesPerBarBefore10, 1)} minutes before 10:00 and ${num(l2.vendorEqualVolume.minutesPerBarAroundLunch, 1)} around lunch; ${l2.vendorEqualVolume.issues} validation issues.`,
];
const m15Table = table(
  'Intraday factors on 15-minute bars: RankIC (factor at T vs close T+1 -> T+2 and T+1 -> T+6)',
  [
    'factor',
    'RankIC 1d',
    'RankIC 5d (daily)',
    'IR',
    '>0',
    'RankIC 5d (weekly)',
    'IR',
    't (weekly)',
    'TOP excess',
    'TOP IR',
    'TOP turnover',
  ],
  m15Rows.map((r) => [
    r.name,
    pct(r.ic1.mean),
    pct(r.ic5.mean),
    num(r.ic5.ir, 2),
    pct(r.ic5.positiveRatio, 1),
    pct(r.weekly.mean),
    num(r.weekly.ir, 2),
    num(r.weekly.tStat, 1),
    pct(r.groups!.top.excessAnnualReturn),
    num(r.groups!.top.informationRatio, 2),
    pct(r.groups!.top.meanTurnover),
  ]),
  `Daily RankIC uses every date (overlapping 5-day returns, so its IR and the share > 0 are smoother than independent draws); the weekly column samples week ends only (non-overlapping) and its t-statistic is the honest one. ${m15Assets.length} stocks, ${m15Dates.length} days; groups: 10, weekly, tradable stocks (not suspended or limit-up on T+1).`,
);
const dailyTable = factorTestTable(
  dailyRows.map((r) => ({ name: r.name, ic: r.ic, top: r.groups })),
  {
    title: `Daily factors, weekly RankIC and 10 groups, ${formatYmd(weekly[0]!)} .. ${formatYmd(weekly.at(-1)!)} (point-in-time CSI 300 + 500)`,
  },
);
dailyTable.note = `${dailyTable.note} Factors are shown as defined, not sign-flipped: for a factor with a negative RankIC the TOP group is the side to avoid.`;
const universeTable = table(
  'The universe matters: weekly RankIC on point-in-time members vs on every stock in the file',
  ['factor', 'PIT CSI 300+500', 't', 'all survivors in the file', 't'],
  dailyRows.map((r) => [
    r.name,
    pct(r.ic.mean),
    num(r.ic.tStat, 1),
    pct(r.icAll.mean),
    num(r.icAll.tStat, 1),
  ]),
);
const byYearTable = table(
  'Weekly RankIC by calendar year',
  ['factor', ...years],
  dailyRows.map((r) => [r.name, ...years.map((y) => pct(r.byYear[y] ?? Number.NaN, 1))]),
  'mom_240_20 needs 240 days of history: its 2020 column covers only the last weeks of the year. 2026 ends in May.',
);
const oosTable = table(
  `Out of sample ${formatYmd(oosDates[0]!)} .. ${formatYmd(oosDates.at(-1)!)} (${oosDates.length} dates, every 5th trading day)`,
  [
    'signal',
    'RankIC T+1..T+6',
    'IR',
    '>0',
    't',
    'RankIC T+1..T+11',
    'TOP excess',
    'TOP IR',
    'TOP win',
    'TOP turnover',
    'long-short',
  ],
  oosRows.map((r) => [
    r.name,
    ...fmtIc(r.ic5),
    pct(r.ic10.mean),
    pct(r.groups.top.excessAnnualReturn),
    num(r.groups.top.informationRatio, 2),
    pct(r.groups.top.monthlyWinRate, 1),
    pct(r.groups.top.meanTurnover),
    pct(r.groups.longShort.annualReturn),
  ]),
  'TOP = the highest-scoring tenth, equal weight, formed at the close of T+1, held 5 days; excess over the equal-weight universe, annualised; no costs.',
);
const oosYears = [...new Set(Array.from(oosDates, (d) => String(ymdYear(d))))];
const oosByYear = table(
  'Out-of-sample RankIC (T+1..T+6) by year',
  ['signal', ...oosYears],
  oosRows.slice(0, 2).map((r) => [r.name, ...oosYears.map((y) => pct(r.byYear[y] ?? Number.NaN, 1))]),
);
const foldTable = table(
  'Walk-forward folds',
  ['fitted at', 'train dates', 'valid dates', 'train / valid samples', 'predicts', 'best epoch', 'valid IC'],
  wf.folds.map((f) => [
    formatYmd(f.fitDate),
    `${formatYmd(f.trainDates[0])} .. ${formatYmd(f.trainDates[1])}`,
    `${formatYmd(f.validDates[0])} .. ${formatYmd(f.validDates[1])}`,
    `${f.nTrain} / ${f.nValid}`,
    `${formatYmd(f.predictDates[0])} .. ${formatYmd(f.predictDates[1])}`,
    String(f.models[0]!.bestEpochs[0]),
    num(f.models[0]!.bestScores[0]!, 4),
  ]),
);
const doc: ReportDocument = {
  title: 'hfq on real A-share data',
  subtitle: `Level-2 days, 15-minute bars of ${m15Assets.length} stocks, daily bars of ${nA} stocks${opts.quick ? ' (QUICK MODE: subsampled, one epoch; the numbers mean little)' : ''}`,
  generatedAt: `examples/real-data.ts, ${new Date().toISOString().slice(0, 10)}`,
  sections: [
    {
      title: 'Data',
      blocks: [
        `Read in place from \`${paths.root}\` (not redistributable; see each PROVENANCE.md). Nothing was copied into the repository. The 15-minute bars, the daily bars and the CSI 300 + CSI 500 membership were imported by \`@hfq/dataset\`'s \`importFiles\` into a dataset under \`${shown(dataDir)}\` (a git-ignored cache, made on the first run) and read through its \`DatasetReader\`. What the import did, per file (every rejected stock-day with the rule it broke is in \`import-report.json\` there; ${summary.repaired} rows were repaired):`,
        { kind: 'list', items: summary.lines },
        {
          kind: 'list',
          items: [
            `Level-2 (\`cn-l2-dolphindb\`): single days, 1-30 stocks each, 2018-2023, imported the same way (strict: three snapshot layouts and two bar layouts in one import) into \`${shown(dataDir)}-level2\`: ${l2.importLines.join('; ')}.`,
            `15-minute bars (\`cn-intraday-15min\`): ${m15Assets.length} of the 400 stocks (the others have no adjustment factor in the daily file, so no clean returns), ${formatYmd(m15Dates[0]!)} .. ${formatYmd(m15Dates.at(-1)!)}, ${m15Report.rows} rows imported, ${m15Suspended} suspended stock-days (printed with zero prices: rejected by the importer's validation as \`BARS_NONPOSITIVE_PRICE\`, i.e. no trading). The 16 bars' volume equals the daily file's volume (up to its float32 rounding) on ${pct(volAgreement.exact, 1)} of ${compared} stock-days (${Object.entries(
              volumeByYear,
            )
              .map(([y, v]) => `${pct(v, 1)} in ${y}`)
              .join(
                ', ',
              )}), is within 0.1% on ${pct(volAgreement.within01pct, 1)} and within 1% on ${pct(volAgreement.within1pct, 1)} (median relative difference ${(volAgreement.medianRelDiff * 100).toPrecision(2)}%): the last 15-minute close equals the daily close on ${pct(closeExact / compared, 1)} (${Object.entries(
              closeByYear,
            )
              .map(([y, v]) => `${pct(v, 1)} in ${y}`)
              .join(
                ', ',
              )}). The two sources agree exactly from January 2026 on; in 2025 they differ by a tick or a few on some closes and by up to a percent on some volumes, which says at least one of them was built differently for 2025 (PROVENANCE checked only 2026-04-01). Factors here read the 15-minute bars, returns the daily file.`,
            `Daily bars (\`cn-daily-universe\`): ${nA} stocks, ${dates.length} days. Survivorship bias: only stocks still listed in 2026 are in the file. Of the point-in-time CSI 300 + CSI 500 members, the file holds ${Object.entries(
              coverageByYear,
            )
              .map(([y, v]) => `${pct(v, 1)} in ${y}`)
              .join(
                ', ',
              )}; the rest were delisted or never in the source, and their (typically poor) returns are missing.`,
            'No ST flags, no market caps, no traded value in the daily data: price limits come from board rules, and traded value is estimated as volume x (O+H+L+C)/4.',
          ],
        },
      ],
    },
    { title: '(a) Level-2: ticks to minute bars', blocks: l2Blocks },
    {
      title: '(b) Intraday factors on 15-minute bars',
      blocks: [
        'The factor language runs unchanged on 16-bar days: the dataset reader serves each stock-day as a 16-row minute frame (bar end times 09:45 .. 15:00), and `evaluateDatasetFactors` evaluates the formulas on the days with 15-minute bars. Formulas were written for that resolution: 15 intraday returns a day, the opening auction inside the 09:45 bar, the closing auction inside the 15:00 bar, no trade counts, so no trade-size factors; equal-volume bars are not attempted (a bar would be whole 15-minute blocks, about 4 a day). Each factor is also averaged over its last 5 days (a one-day value is noisy).',
        {
          kind: 'list',
          items: FIFTEEN_MINUTE_FACTORS.map((f) => `\`${f.id}\` = \`${f.formula}\`: ${f.meaning}`),
        },
        { kind: 'table', table: m15Table },
        `Caveats: ${m15Dates.length} days are about 60 weekly observations, so a weekly |t| below about 2 is noise; the stocks are Shanghai main-board names still listed in 2026, chosen by the source, biased to large old firms; 28 factor variants were tried, so the best |t| among them is inflated by the search.`,
      ],
    },
    {
      title: '(c) Daily factors and a small model',
      blocks: [
        { kind: 'list', items: DAILY_FACTORS.map((f) => `\`${f.name}\` = \`${f.formula}\`: ${f.meaning}`) },
        'Universe on each date: point-in-time CSI 300 or CSI 500 members (membership files end 2025-08-06; later dates keep that membership), tradable on T+1 (not suspended, not at the board-rule up limit). Weekly RankIC of the factor at the close of T against close T+1 -> close T+6, adjusted prices.',
        { kind: 'table', table: dailyTable },
        { kind: 'table', table: byYearTable },
        { kind: 'table', table: universeTable },
        `Alpha158: qlib's 158 daily features (\`ALPHA158\` of \`@hfq/factor-dsl\`, qlib's names and formulas, evaluated by the daily level of the factor language on adjusted prices; \`$vwap\` is the typical price (O+H+L+C)/4, as the data has no traded value), ${num(alphaSeconds, 0)} s for ${nA} stocks x ${dates.length} days. The ten strongest alone, out of sample:`,
        {
          kind: 'table',
          table: table(
            `Alpha158 factors alone, out of sample (${oosDates.length} dates): the ten largest |RankIC| of 158`,
            ['factor', 'RankIC T+1..T+6', 'IR', '>0', 't'],
            alphaOos.slice(0, 10).map((r) => [r.name, ...fmtIc(r.ic5)]),
            'Chosen after the fact among 158: the best of them is flattered by the search.',
          ),
        },
        `The model: a one-layer Transformer (d_model 16, 2 heads) on 20-day windows of the 158 Alpha158 factors and the ${Object.keys(m15Inputs).length} 15-minute factors (one-day and 5-day mean; they exist only from ${formatYmd(m15Dates[0]!)} and for the ${m15Assets.length} 15-minute stocks, elsewhere missing, i.e. 0 after standardisation), standardised per day across the universe; label = rank of the close T+1 -> T+11 return; IC loss; trained walk-forward: refitted every ${opts['retrain-every']} trading days on the last ${opts['train-samples']} weekly samples whose labels had ended (4:1 train/validation, early stopping), each step on a random ${opts['max-stocks'] || 'all'} of the day's stocks; ${opts.epochs} epochs at most, seed ${opts.seed}, ${backend.name} backend, ${num(modelSeconds, 0)} s. It never sees a label that ends after the date it predicts.`,
        { kind: 'table', table: foldTable },
        { kind: 'table', table: oosTable },
        { kind: 'table', table: oosByYear },
        {
          kind: 'table',
          table: groupTable(model.groups, {
            title: 'Transformer, out of sample: the ten groups (G1 = lowest score)',
          }),
        },
        {
          kind: 'chart',
          chart: await cumulativeICChart(
            oosDates,
            [model, lin, bestSingle].map((r) => ({ name: r.name, values: cumulativeIC(r.series) })),
            { title: 'Cumulative out-of-sample RankIC (T+1..T+6)' },
          ),
        },
        {
          kind: 'chart',
          chart: await groupNavChart(model.groups, {
            title: 'Transformer: ten groups, out of sample (no costs)',
          }),
        },
      ],
    },
    {
      title: 'What this data cannot tell',
      blocks: [
        {
          kind: 'list',
          items: [
            'Survivorship: delisted stocks are absent, so every universe here is too good; the gap is largest early in the sample.',
            "Intraday history is short: the 15-minute panel has 300 days of one exchange's main board (about 60 weekly samples: enough to measure a RankIC roughly, too few to train the study's 40-day-window models and test them out of sample), and the Level-2 files are single days. The study's high-frequency models are therefore trained here on simulated data only; on real data this study can only use daily factors.",
            'No costs in the group backtests; no CSI 1000 weights (only CSI 300 on one date), so the enhanced-index backtest cannot be run on real data.',
            'One seed, one model size: the model result has sampling noise of its own (rerun with --seed).',
          ],
        },
      ],
    },
  ],
  footer:
    'Data: see ../shared/data/real/*/PROVENANCE.md (not redistributable). Generated by examples/real-data.ts.',
};
await renderReport(join(out, 'report.html'), doc);
writeText(join(out, 'report.md'), reportMarkdown(doc));
writeJson(join(out, 'results.json'), {
  options: opts,
  dataRoot: paths.root,
  dataset: { dir: dataDir, cached: !imported.imported, import: summary },
  daily: { stocks: nA, days: dates.length, first: dates[0], last: dates.at(-1) },
  level2: l2,
  fifteenMinute: {
    stocks: m15Assets.length,
    days: m15Dates.length,
    leftOutNoAdjustmentFactor: m15NoFactor,
    import: { rows: m15Report.rows, stockDays: m15Report.stockDays, suspendedDays: m15Suspended },
    vsDaily: {
      compared,
      volume: volAgreement,
      volumeExactByYear: volumeByYear,
      closeExact: closeExact / compared,
      closeExactByYear: closeByYear,
    },
    factors: m15Rows.map((r) => ({
      name: r.name,
      rankIC1d: r.ic1,
      rankIC5dDaily: r.ic5,
      rankIC5dWeekly: r.weekly,
      top: r.groups!.top,
    })),
  },
  dailyStudy: {
    membershipKnownUntil: membership.lastKnown,
    coverageByYear,
    factors: dailyRows.map((r) => ({
      name: r.name,
      rankIC: r.ic,
      rankICAllSurvivors: r.icAll,
      byYear: r.byYear,
      top: r.groups.top,
      longShort: r.groups.longShort.annualReturn,
    })),
    model: {
      config: modelConfig,
      backend: backend.name,
      seconds: modelSeconds,
      folds: wf.folds,
      inputs: cube.factors,
      compositeSigns: signs,
    },
    alpha158: {
      seconds: alphaSeconds,
      outOfSample: alphaOos.map((r) => ({ name: r.name, rankIC5: r.ic5 })),
    },
    bestSingle: { name: bestSingle.name, rankIC5: bestSingle.ic5 },
    outOfSample: oosRows.map((r) => ({
      name: r.name,
      rankIC5: r.ic5,
      rankIC10: r.ic10,
      byYear: r.byYear,
      top: r.groups.top,
      longShort: r.groups.longShort.annualReturn,
    })),
  },
  seconds: clock.ms() / 1000,
});
say('');
say(markdownTable(oosTable));
say(`wrote ${shown(out)}/{report.html, report.md, results.json} in ${clock.lap()}`);

/** Mean of the last `w` values of each stock's series (at least `min` finite), dates x assets. */
function trailingMean(p: Panel, w: number, min: number): Panel<Float64Array> {
  const outP = Panel.alloc(p.dates, p.assets);
  const n = p.nAssets;
  for (let t = 0; t < p.nDates; t++) {
    for (let a = 0; a < n; a++) {
      let s = 0;
      let c = 0;
      for (let k = Math.max(0, t - w + 1); k <= t; k++) {
        const v = p.values[k * n + a]!;
        if (Number.isFinite(v)) {
          s += v;
          c++;
        }
      }
      outP.values[t * n + a] = c >= min ? s / c : Number.NaN;
    }
  }
  return outP;
}

/** Mean of `value(i)` over the finite values of each calendar year of `ds`. */
function yearly(ds: ArrayLike<number>, value: (i: number) => number): Record<string, number> {
  const acc = new Map<string, { s: number; n: number }>();
  for (let i = 0; i < ds.length; i++) {
    const v = value(i);
    if (!Number.isFinite(v)) continue;
    const y = String(ymdYear(ds[i]!));
    const e = acc.get(y) ?? { s: 0, n: 0 };
    e.s += v;
    e.n++;
    acc.set(y, e);
  }
  return Object.fromEntries([...acc].map(([y, e]) => [y, e.s / e.n]));
}
