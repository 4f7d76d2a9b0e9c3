/**
 * The real-data agreement check behind the README figures (used by the real-data test and by
 * scripts/l2-agreement.ts). Reads ../shared/data/real; not part of the published package.
 */

import { parseNumberCell, parseTimeCell } from '../io/cells.js';
import { collectFrames, readCsvFrames, readMinuteBarsCsv } from '../io/csv.js';
import { DERIVED_1MIN_BARS, SZSE_LEVEL2_SNAPSHOT, sseNativeSnapshotMapping } from '../io/mappings.js';
import { splitCsvLine, textLines } from '../io/text.js';
import { MINUTE_BAR_END_TIMES, minuteIndexOf } from '../market/session.js';
import { ticksToMinuteBars } from '../ticks/ticks-to-minutes.js';
import type { TickSnapshots } from '../types.js';
import { allocMinuteBars, type MinuteBars } from '../types.js';
import { compareMinuteBars, type MinuteBarAgreement } from '../validate/compare.js';

/** Minute bars from a trade file: each fill to `minuteIndexOf(trade time)` (the vendor rule). */
export async function tradesToMinutes(
  path: string,
  cols: { time: string; price: string; qty: string; money: string },
  key: { asset: string; date: number },
): Promise<MinuteBars> {
  const b = allocMinuteBars(240, key);
  b.time.set(MINUTE_BAR_END_TIMES);
  b.volume.fill(0);
  b.amount.fill(0);
  b.trades.fill(0);
  let header: string[] | undefined;
  let idx: number[] = [];
  let row = 0;
  for await (const line of textLines(path)) {
    if (!header) {
      header = splitCsvLine(line, []);
      idx = [cols.time, cols.price, cols.qty, cols.money].map((c) => header!.indexOf(c));
      continue;
    }
    if (line.length === 0) continue;
    const f = splitCsvLine(line, []);
    const t = parseTimeCell(f[idx[0]!]!, { row });
    const p = Math.round(parseNumberCell(f[idx[1]!]!, { row }) * 100) / 100;
    const q = parseNumberCell(f[idx[2]!]!, { row });
    const money = parseNumberCell(f[idx[3]!]!, { row });
    row++;
    if (!(p > 0 && q > 0)) continue;
    const m = minuteIndexOf(t);
    if (m < 0) throw new Error(`trade at ${t} ms outside the session`);
    if (b.volume[m] === 0) {
      b.open[m] = p;
      b.high[m] = p;
      b.low[m] = p;
    }
    if (p > b.high[m]!) b.high[m] = p;
    if (p < b.low[m]!) b.low[m] = p;
    b.close[m] = p;
    b.volume[m]! += q;
    b.amount[m]! += money;
    b.trades[m]! += 1;
  }
  return b;
}

/** Day totals of a snapshot file, per stock. */
async function snapshotTotals(path: string, mapping: Parameters<typeof readCsvFrames>[1]) {
  const out: {
    asset: string;
    date: number;
    volume: number;
    amount: number;
    lastClose: number;
    snapshots: number;
  }[] = [];
  for await (const f of readCsvFrames(path, mapping)) {
    const t = f as TickSnapshots;
    const bars = ticksToMinuteBars(t);
    let v = 0;
    let a = 0;
    for (let m = 0; m < 240; m++) {
      v += bars.volume[m]!;
      a += bars.amount[m]!;
    }
    out.push({
      asset: t.asset!,
      date: t.date!,
      volume: v,
      amount: a,
      lastClose: bars.close[239]!,
      snapshots: t.time.length,
    });
  }
  return out;
}

async function dailyRows(
  path: string,
  wanted: Set<string>,
): Promise<Map<string, { close: number; volume: number }>> {
  const out = new Map<string, { close: number; volume: number }>();
  let header: string[] | undefined;
  for await (const line of textLines(path)) {
    if (!header) {
      header = splitCsvLine(line, []);
      continue;
    }
    const f = splitCsvLine(line, []);
    const key = `${f[1]}|${f[0]!.replaceAll('-', '')}`;
    if (wanted.has(key)) out.set(key, { close: Number(f[5]), volume: Number(f[6]) });
  }
  return out;
}

export interface L2AgreementResult {
  stockDay: string;
  snapshotsVsDerivedBars: MinuteBarAgreement;
  snapshotsVsTrades: MinuteBarAgreement;
  /** The same with `boundary: 'previous'` (a snapshot stamped on a minute boundary reports the minute that ends there). */
  snapshotsVsTradesBoundaryPrevious: MinuteBarAgreement;
  tradesVsDerivedBars: MinuteBarAgreement;
  dayTotals: {
    asset: string;
    date: number;
    snapshots: number;
    volumeFromSnapshots: number;
    dailyVolume: number | null;
    lastCloseFromSnapshots: number;
    dailyClose: number | null;
  }[];
}

/**
 * Runs every comparison; `real` is `../shared/data/real`. `dailyTotals: false` skips the day
 * totals (they scan the 30 MB daily file).
 */
export async function l2Agreement(
  real: string,
  options: { dailyTotals?: boolean } = {},
): Promise<L2AgreementResult> {
  const l2 = `${real}/cn-l2-dolphindb`;
  const [ticks] = await collectFrames(
    readCsvFrames(`${l2}/snapshots/sh600519_20230201_snapshot.csv.gz`, sseNativeSnapshotMapping(20230201)),
  );
  const fromSnapshots = ticksToMinuteBars(ticks as TickSnapshots);
  const derived = (
    await collectFrames(
      readMinuteBarsCsv(`${l2}/bars/derived_1min_from_trades.csv.gz`, DERIVED_1MIN_BARS, {
        assets: ['600519.SH'],
      }),
    )
  )[0]!;
  const fromTrades = await tradesToMinutes(
    `${l2}/trades/sh600519_20230201_trades.csv.gz`,
    { time: 'TradTime', price: 'TradPrice', qty: 'TradVolume', money: 'TradeMoney' },
    { asset: '600519.SH', date: 20230201 },
  );
  const totals =
    options.dailyTotals === false
      ? []
      : [
          ...(await snapshotTotals(
            `${l2}/snapshots/sh600519_20230201_snapshot.csv.gz`,
            sseNativeSnapshotMapping(20230201),
          )),
          ...(await snapshotTotals(
            `${l2}/snapshots/sz_5stocks_20220601_snapshot.csv.gz`,
            SZSE_LEVEL2_SNAPSHOT,
          )),
        ];
  const qlib = (a: string) => {
    const [code, ex] = a.split('.');
    return `${ex}${code}`;
  };
  const daily =
    totals.length === 0
      ? new Map<string, { close: number; volume: number }>()
      : await dailyRows(
          `${real}/cn-daily-universe/daily_core_20200102-20260508.csv.gz`,
          new Set(totals.map((t) => `${qlib(t.asset)}|${t.date}`)),
        );
  return {
    stockDay: '600519.SH 2023-02-01',
    snapshotsVsDerivedBars: compareMinuteBars(fromSnapshots, derived),
    snapshotsVsTrades: compareMinuteBars(fromSnapshots, fromTrades),
    snapshotsVsTradesBoundaryPrevious: compareMinuteBars(
      ticksToMinuteBars(ticks as TickSnapshots, { boundary: 'previous' }),
      fromTrades,
    ),
    tradesVsDerivedBars: compareMinuteBars(fromTrades, derived),
    dayTotals: totals.map((t) => {
      const d = daily.get(`${qlib(t.asset)}|${t.date}`);
      return {
        asset: t.asset,
        date: t.date,
        snapshots: t.snapshots,
        volumeFromSnapshots: t.volume,
        dailyVolume: d?.volume ?? null,
        lastCloseFromSnapshots: t.lastClose,
        dailyClose: d?.close ?? null,
      };
    }),
  };
}
