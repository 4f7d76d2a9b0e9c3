import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../../test-support/shared-data.js';
import { equalVolumeBarSize } from '../equal-volume/bar-size.js';
import { equalVolumeBars } from '../equal-volume/equal-volume-bars.js';
import { l2Agreement } from '../test-utils/l2-agreement.js';
import type { MinuteBars, TickSnapshots } from '../types.js';
import { findVolumeBarIssues } from '../validate/volume-bars.js';
import { collectFrames, readCsvFrames, readMinuteBarsCsv } from './csv.js';
import { readDailyBarsCsv, readIndexData } from './daily.js';
import {
  CN_15MIN_BARS,
  DERIVED_1MIN_BARS,
  SSE_LEVEL2_SNAPSHOT,
  SZSE_LEVEL2_SNAPSHOT,
  sseNativeSnapshotMapping,
  VENDOR_1MIN_BARS,
} from './mappings.js';

const real = sharedData('bars: real-data readers and the tick -> minute agreement', 'data', 'real');
const l2 = `${real.path}/cn-l2-dolphindb`;

describe.runIf(real.available)('real data in ../shared (every file parses and passes validation)', () => {
  it('reads the three Level-2 snapshot files whole (row counts as in PROVENANCE.md)', async () => {
    const files: [string, Parameters<typeof readCsvFrames>[1], number, number][] = [
      ['sh600519_20230201_snapshot.csv.gz', sseNativeSnapshotMapping(20230201), 1, 5109],
      ['sz_5stocks_20220601_snapshot.csv.gz', SZSE_LEVEL2_SNAPSHOT, 5, 20980],
      ['sh_30stocks_20211201_0915-1030_snapshot.csv.gz', SSE_LEVEL2_SNAPSHOT, 30, 32972],
    ];
    for (const [name, mapping, stocks, rows] of files) {
      const frames = (await collectFrames(
        readCsvFrames(`${l2}/snapshots/${name}`, mapping),
      )) as TickSnapshots[];
      expect(frames.length).toBe(stocks);
      expect(frames.reduce((n, f) => n + f.time.length, 0)).toBe(rows);
      expect(frames.every((f) => f.levels === 10)).toBe(true);
    }
  }, 60_000);

  it('reads the vendor and derived 1-minute bars', async () => {
    const vendor = await collectFrames(
      readMinuteBarsCsv(`${l2}/bars/sz000001_1min_201801.csv.gz`, VENDOR_1MIN_BARS),
    );
    expect(vendor.length).toBe(21);
    expect(vendor.every((f) => f.asset === '000001.SZ' && f.time.length === 240)).toBe(true);
    const derived = await collectFrames(
      readMinuteBarsCsv(`${l2}/bars/derived_1min_from_trades.csv.gz`, DERIVED_1MIN_BARS),
    );
    expect(derived.length).toBe(10);
    const moutai = derived.find((f) => f.asset === '600519.SH')!;
    expect(moutai.volume.reduce((a, b) => a + b, 0)).toBe(3_397_389); // = the daily volume
  });

  it('snapshots -> minutes agree with the trades of the same day (README figures)', async () => {
    const r = await l2Agreement(real.path, { dailyTotals: false });
    // the convention check: trades assigned by minuteIndexOf reproduce the vendor-style bars exactly
    expect(r.tradesVsDerivedBars.volume.exactShare).toBe(1);
    expect(r.tradesVsDerivedBars.priceExactShare).toEqual({ open: 1, high: 1, low: 1, close: 1 });
    // snapshots: the day's volume exactly, each minute's within the snapshot cadence
    const s = r.snapshotsVsTrades;
    const p = r.snapshotsVsTradesBoundaryPrevious;
    expect(s.volume.totalA).toBe(s.volume.totalB);
    expect(s.volume.totalA).toBe(3_397_389);
    expect(s.volume.misplacedShare).toBeLessThan(0.015);
    expect(p.volume.misplacedShare).toBeLessThan(0.01);
    expect(p.volume.exactShare).toBeGreaterThan(0.35);
    expect(p.volume.misplacedShare).toBeLessThan(s.volume.misplacedShare);
  }, 60_000);

  it('reads 15-minute bars (stream, first stocks) and cuts equal-volume bars from them', async () => {
    const frames: MinuteBars[] = [];
    for await (const f of readMinuteBarsCsv(
      `${real.path}/cn-intraday-15min/bars15m_400stocks_20250102-20260401.csv.gz`,
      CN_15MIN_BARS,
    )) {
      frames.push(f);
      if (frames.length === 30) break;
    }
    expect(frames.every((f) => f.asset === '600000.SH' && f.time.length === 16)).toBe(true);
    const daily = frames.map((f) => f.volume.reduce((a, b) => a + b, 0));
    const last = frames.at(-1)!;
    const size = equalVolumeBarSize(daily.slice(0, -1), 4);
    const bars = equalVolumeBars(last, size);
    expect(findVolumeBarIssues(bars)).toEqual([]);
    expect(bars.volume.reduce((a, b) => a + b, 0)).toBe(daily.at(-1));
  });

  it('reads the daily CSV and CSI 300 membership into DailyBars / IndexData', async () => {
    const u = `${real.path}/cn-daily-universe`;
    const assets = ['600519.SH', '300122.SZ', '000001.SZ'];
    const d = await readDailyBarsCsv(`${u}/daily_core_20200102-20260508.csv.gz`, {
      assets,
      from: 20230101,
      to: 20230228,
      limits: 'board-rules',
    });
    expect(d.close.assets).toEqual(assets);
    const t = d.close.dateIndex(20230201);
    expect(d.close.get(t, 0)).toBe(1844.97); // also the last snapshot's price of that day
    expect(d.volume.get(t, 0)).toBe(3_397_389);
    expect(d.preClose.get(t, 0)).toBe(1845.76); // = PreCloPrice in the exchange snapshots
    expect(d.upLimit.get(t, 1)).toBe(Math.round(d.preClose.get(t, 1) * 1.2 * 100) / 100); // ChiNext 20 %
    expect(d.amount.get(t, 0)).toBeNaN(); // not in the data
    const unknown: string[] = [];
    const ix = await readIndexData({
      name: 'CSI300',
      membership: `${u}/membership/csi300.csv`,
      indexDaily: `${u}/index_daily_20100104-20260508.csv.gz`,
      indexSymbol: 'SH000300',
      dates: d.close.dates,
      assets,
      onUnknownSymbol: (id, row) => unknown.push(`${id}@${row}`),
    });
    expect(unknown).toEqual(['SHT00018@700']); // 600018's pre-listing code in qlib's CSI 300 history
    expect(ix.constituent.get(t, 0)).toBe(1); // Moutai is a CSI 300 member
    expect(ix.close[t]).toBeGreaterThan(3000);
    expect(ix.ret[t]).toBeCloseTo(ix.close[t]! / ix.close[t - 1]! - 1, 12);
  }, 60_000);
});
