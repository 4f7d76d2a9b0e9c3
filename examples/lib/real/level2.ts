/**
 * Part (a) of the real-data study: the Level-2 samples of `cn-l2-dolphindb`, imported by
 * `importFiles` (three snapshot layouts and two bar layouts in one import, strict: every stock-day
 * validated, every rejection reported) into a dataset of their own, read back through its
 * `DatasetReader`. Snapshots -> minute bars against the minute bars derived from the same day's
 * trades, day totals against the daily file, the baseline tick factors on real order books, and
 * equal-volume bars cut from real vendor minute bars.
 */
import { join } from 'node:path';
import {
  compareMinuteBars,
  DERIVED_1MIN_BARS,
  equalVolumeBarSize,
  equalVolumeBars,
  findVolumeBarIssues,
  type MinuteBarAgreement,
  type MinuteBars,
  SSE_LEVEL2_SNAPSHOT,
  SZSE_LEVEL2_SNAPSHOT,
  sseNativeSnapshotMapping,
  type TickSnapshots,
  ticksToMinuteBars,
  VENDOR_1MIN_BARS,
} from '@hfq/bars';
import { openOrImport, summarizeImport } from '@hfq/dataset';
import {
  BASELINE_ORDER_FLOW_FACTORS,
  BASELINE_TRADE_FLOW_FACTORS,
  evaluateFactors,
  type FactorMarket,
} from '@hfq/factor-dsl';

/** Close and volume of a stock-day in the daily file (undefined when not in it). */
export type DailyLookup = (asset: string, date: number) => { close: number; volume: number } | undefined;

export interface DayTotal {
  asset: string;
  date: number;
  snapshots: number;
  volumeFromSnapshots: number;
  dailyVolume: number | null;
  closeFromSnapshots: number;
  dailyClose: number | null;
}

export interface Level2Result {
  /** What the import did, a line per file (`summarizeImport`). */
  importLines: string[];
  /** 600519.SH 2023-02-01: snapshot minutes vs minutes derived from every trade of the day. */
  moutai: {
    snapshots: number;
    boundaryNext: MinuteBarAgreement;
    boundaryPrevious: MinuteBarAgreement;
  };
  /** Full-day snapshot files: day volume and last price from snapshots vs the daily file. */
  dayTotals: DayTotal[];
  /** The 30 SSE stocks of 2021-12-01, 09:15-10:30 only. */
  partialDay: { stocks: number; snapshots: number; framesWithIssues: number; meanTradedMinutes: number };
  /** Baseline tick factors (order flow, trade flow) on the full-day real books. */
  tickFactors: { ids: string[]; rows: Array<{ asset: string; date: number; values: number[] }> };
  /** Equal-volume bars (50 a day, sized from the 5 days before) cut from vendor 1-minute bars of 000001.SZ, Jan 2018. */
  vendorEqualVolume: {
    days: number;
    daysWithBars: number;
    barsPerDay: number;
    minutesPerBarBefore10: number;
    minutesPerBarAroundLunch: number;
    issues: number;
  };
}

/** Runs part (a). `l2` is the `cn-l2-dolphindb` folder; its dataset is imported into `dir` once. */
export async function level2Study(l2: string, dir: string, daily: DailyLookup): Promise<Level2Result> {
  const snap = (name: string) => join(l2, 'snapshots', name);
  const bars = (name: string) => join(l2, 'bars', name);
  const sh30File = snap('sh_30stocks_20211201_0915-1030_snapshot.csv.gz');
  const imported = await openOrImport(
    dir,
    {
      ticks: [
        { files: [snap('sh600519_20230201_snapshot.csv.gz')], mapping: sseNativeSnapshotMapping(20230201) },
        { files: [snap('sz_5stocks_20220601_snapshot.csv.gz')], mapping: SZSE_LEVEL2_SNAPSHOT },
        { files: [sh30File], mapping: SSE_LEVEL2_SNAPSHOT },
      ],
      minute: [
        { files: [bars('derived_1min_from_trades.csv.gz')], layout: 'all', mapping: DERIVED_1MIN_BARS },
        { files: [bars('sz000001_1min_201801.csv.gz')], layout: 'all', mapping: VENDOR_1MIN_BARS },
      ],
    },
    { mode: 'strict', maxReject: 1 },
  );
  const ds = imported.reader;
  /** Every frame of `kind` on `date`, in asset order. */
  const framesOf = async <K extends 'ticks' | 'minute'>(kind: K, date: number) => {
    const t = ds.calendar.indexOf(date);
    await ds.loadDay(t, { minute: kind === 'minute', ticks: kind === 'ticks' });
    return ds.assets
      .map((_, a) => (kind === 'ticks' ? ds.ticks(a, t) : ds.minuteBars(a, t)))
      .filter((f) => f !== null) as (K extends 'ticks' ? TickSnapshots : MinuteBars)[];
  };

  // Kweichow Moutai, 2023-02-01: 5,109 exchange snapshots and 27,135 trades.
  const moutaiTicks = (await framesOf('ticks', 20230201)).find((f) => f.asset === '600519.SH')!;
  const derived = (await framesOf('minute', 20230201)).find((f) => f.asset === '600519.SH')!;
  const moutai = {
    snapshots: moutaiTicks.time.length,
    boundaryNext: compareMinuteBars(ticksToMinuteBars(moutaiTicks), derived),
    boundaryPrevious: compareMinuteBars(ticksToMinuteBars(moutaiTicks, { boundary: 'previous' }), derived),
  };

  // Full-day books: 600519 (SSE, exchange-native) and 5 SZSE stocks of 2022-06-01.
  const sz = await framesOf('ticks', 20220601);
  const dayTotals = [moutaiTicks, ...sz].map((t) => {
    const b = ticksToMinuteBars(t, { boundary: 'previous' });
    const d = daily(t.asset!, t.date!);
    return {
      asset: t.asset!,
      date: t.date!,
      snapshots: t.time.length,
      volumeFromSnapshots: sum(b.volume),
      dailyVolume: d?.volume ?? null,
      closeFromSnapshots: b.close[b.close.length - 1]!,
      dailyClose: d?.close ?? null,
    };
  });

  // 30 SSE stocks, 09:15-10:30 (the sample stops there): validated by the import, aggregated.
  const sh30 = await framesOf('ticks', 20211201);
  let traded = 0;
  for (const t of sh30)
    for (const v of ticksToMinuteBars(t, { boundary: 'previous' }).volume) if (v > 0) traded++;
  const partialDay = {
    stocks: sh30.length,
    snapshots: sh30.reduce((n, t) => n + t.time.length, 0),
    framesWithIssues: imported.report.files.find((f) => f.file === sh30File)!.rejected.length,
    meanTradedMinutes: traded / sh30.length,
  };

  // The baseline's tick factors on the real books (one stock-day each: values, not an IC).
  const tickDefs = [...BASELINE_TRADE_FLOW_FACTORS, ...BASELINE_ORDER_FLOW_FACTORS];
  const rows: Level2Result['tickFactors']['rows'] = [];
  for (const group of [[moutaiTicks], sz]) {
    const market: FactorMarket = {
      calendar: { dates: Int32Array.of(group[0]!.date!) },
      assets: group.map((t) => t.asset!),
      minuteBars: (a) => ticksToMinuteBars(group[a]!, { boundary: 'previous' }),
      ticks: (a) => group[a]!,
    };
    const cube = await evaluateFactors(market, tickDefs);
    group.forEach((t, a) => {
      rows.push({
        asset: t.asset!,
        date: t.date!,
        values: Array.from(cube.day(0).subarray(a * tickDefs.length, (a + 1) * tickDefs.length)),
      });
    });
  }

  // Vendor 1-minute bars of 000001.SZ, January 2018 (21 days): equal-volume bars on real minutes.
  const vendor: MinuteBars[] = [];
  for (const d of ds.calendar.dates.filter((d) => d > 20180100 && d < 20180200))
    vendor.push(...(await framesOf('minute', d)).filter((f) => f.asset === '000001.SZ'));
  const volumes = vendor.map((f) => sum(f.volume));
  let nBars = 0;
  let daysWithBars = 0;
  let issues = 0;
  const span = { open: 0, nOpen: 0, lunch: 0, nLunch: 0 };
  vendor.forEach((f: MinuteBars, d) => {
    const size = equalVolumeBarSize(volumes.slice(0, d), 50, { lookback: 5 }); // 50 a day
    if (!Number.isFinite(size)) return;
    const vb = equalVolumeBars(f, size);
    issues += findVolumeBarIssues(vb).length;
    daysWithBars++;
    nBars += vb.endTime.length;
    for (let i = 0; i < vb.endTime.length; i++) {
      if (vb.endTime[i]! <= 10 * 3_600_000) {
        span.open += vb.minutes[i]!;
        span.nOpen++;
      } else if (vb.startTime[i]! >= 11 * 3_600_000 && vb.endTime[i]! <= 13.5 * 3_600_000) {
        span.lunch += vb.minutes[i]!;
        span.nLunch++;
      }
    }
  });
  return {
    importLines: summarizeImport(imported.report).lines,
    moutai,
    dayTotals,
    partialDay,
    tickFactors: { ids: tickDefs.map((f) => f.id), rows },
    vendorEqualVolume: {
      days: vendor.length,
      daysWithBars,
      barsPerDay: nBars / daysWithBars,
      minutesPerBarBefore10: span.open / span.nOpen,
      minutesPerBarAroundLunch: span.lunch / span.nLunch,
      issues,
    },
  };
}

function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}
