import { fileURLToPath } from 'node:url';
import { timeOfDay } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { collectFrames, readTickSnapshotsCsv } from '../io/csv.js';
import { SSE_LEVEL2_SNAPSHOT, SZSE_LEVEL2_SNAPSHOT, sseNativeSnapshotMapping } from '../io/mappings.js';
import { tradesToMinutes } from '../test-utils/l2-agreement.js';
import { compareMinuteBars } from '../validate/compare.js';
import { findMinuteBarIssues } from '../validate/minute-bars.js';
import { takeMinuteRows } from '../validate/repair.js';
import { microPrice, midPrice, spread } from './book.js';
import { ticksToMinuteBars } from './ticks-to-minutes.js';

// Trimmed Apache-2.0 DolphinDB Level-2 samples (see __fixtures__/l2/NOTICE.md): these tests run
// in any checkout, without ../shared.
const fx = (name: string) => fileURLToPath(new URL(`../__fixtures__/l2/${name}`, import.meta.url));

describe('real Level-2 fixtures: the three vendor snapshot layouts', () => {
  it('reads SSE exchange-native snapshots (600519, 2023-02-01) and they pass validation', async () => {
    const [t] = await collectFrames(
      readTickSnapshotsCsv(fx('sh600519_20230201_snapshot_trim.csv.gz'), sseNativeSnapshotMapping(20230201)),
    );
    expect(t!.asset).toBe('600519.SH');
    expect(t!.date).toBe(20230201);
    expect(t!.time.length).toBe(1431);
    expect(t!.levels).toBe(10);
    // first row 09:14:00, nothing traded: last 0 reads as NaN, empty levels blank -> NaN
    expect(t!.time[0]).toBe(timeOfDay(9, 14));
    expect(t!.last[0]).toBeNaN();
    // the 09:25:01 snapshot carries the opening auction: 32,800 shares in 260 trades at 1854.98
    const i = t!.time.indexOf(timeOfDay(9, 25, 1));
    expect([t!.last[i], t!.volume[i], t!.trades[i]]).toEqual([1854.98, 32800, 260]);
    // during continuous trading the book is ordered and spreads are positive
    const s = spread(t!);
    const m = midPrice(t!);
    const mp = microPrice(t!);
    for (let j = 0; j < t!.time.length; j++) {
      if (t!.time[j]! >= timeOfDay(9, 30) && t!.time[j]! < timeOfDay(10, 0)) {
        expect(s[j]).toBeGreaterThan(0);
        expect(mp[j]).toBeGreaterThanOrEqual(t!.bidPrice[j * 10]!);
        expect(mp[j]).toBeLessThanOrEqual(t!.askPrice[j * 10]!);
        expect(Math.abs(m[j]! - (t!.bidPrice[j * 10]! + t!.askPrice[j * 10]!) / 2)).toBeLessThan(1e-9);
      }
    }
  });

  it('reads SZSE vendor snapshots (300122.SZ, 2022-06-01): no trade count, 10 levels', async () => {
    const [t] = await collectFrames(
      readTickSnapshotsCsv(fx('sz300122_20220601_snapshot_trim.csv.gz'), SZSE_LEVEL2_SNAPSHOT),
    );
    expect(t!.asset).toBe('300122.SZ');
    expect(t!.date).toBe(20220601);
    expect(t!.time.length).toBe(130);
    expect(t!.trades[0]).toBeNaN();
    const b = ticksToMinuteBars(t!);
    // the fixture keeps 09:15-09:33 and 14:59-15:02: the closing auction lands in the 15:00 bar
    expect(b.volume[239]).toBeGreaterThan(0);
    expect(b.close[239]).toBe(86.82); // the day's close in cn-daily-universe
    expect(findMinuteBarIssues(b, { vwapTolerance: 0.02 })).toEqual([]);
  });

  it('reads SSE vendor snapshots (600103, 2021-12-01), level 0 = best, quoted datetimes', async () => {
    const [t] = await collectFrames(
      readTickSnapshotsCsv(fx('sh600103_20211201_snapshot_trim.csv.gz'), SSE_LEVEL2_SNAPSHOT),
    );
    expect(t!.asset).toBe('600103.SH');
    expect(t!.date).toBe(20211201);
    expect(t!.time.length).toBe(122);
    expect(t!.time[0]).toBe(timeOfDay(9, 15, 2));
    expect(t!.bidPrice[0]).toBe(2.73); // the call-auction display of the first snapshot
  });
});

describe('real Level-2 fixtures: snapshots -> minutes against the trades of the same day', () => {
  it('agrees with the trades minute by minute where the fixture has both (600519, 2023-02-01)', async () => {
    const [t] = await collectFrames(
      readTickSnapshotsCsv(fx('sh600519_20230201_snapshot_trim.csv.gz'), sseNativeSnapshotMapping(20230201)),
    );
    // real SSE stamps lag the trades: boundary 'previous' is the setting for exchange feeds
    const fromTicks = ticksToMinuteBars(t!, { boundary: 'previous' });
    const fromTicksNext = ticksToMinuteBars(t!);
    const fromTrades = await tradesToMinutes(
      fx('sh600519_20230201_trades_trim.csv.gz'),
      { time: 'TradTime', price: 'TradPrice', qty: 'TradVolume', money: 'TradeMoney' },
      { asset: '600519.SH', date: 20230201 },
    );
    // Bars whose whole minute lies inside the fixture's windows, minus the first bar after each
    // gap (its snapshot carries the trades of the gap, which the trimmed trade file lacks).
    const rows: number[] = [];
    for (let m = 0; m < 29; m++) rows.push(m); // 09:31 .. 09:59
    for (let m = 111; m < 129; m++) rows.push(m); // 11:22 .. 13:09
    for (let m = 231; m < 240; m++) rows.push(m); // 14:52 .. 15:00
    const cmp = compareMinuteBars(takeMinuteRows(fromTicks, rows), takeMinuteRows(fromTrades, rows));
    const cmpNext = compareMinuteBars(takeMinuteRows(fromTicksNext, rows), takeMinuteRows(fromTrades, rows));
    // the closing auction is one print at 15:00:00: exact under both rules; 14:57-14:59 had no
    // trades (the 14:57:00 snapshot still reports the last trades of 14:56)
    expect(fromTicks.volume[239]).toBe(fromTrades.volume[239]);
    expect(fromTicksNext.volume[239]).toBe(fromTrades.volume[239]);
    expect(fromTicks.amount[239]).toBeCloseTo(fromTrades.amount[239]!, 2);
    expect([fromTicks.volume[237], fromTicks.volume[238]]).toEqual([0, 0]);
    // the lunch break adds nothing; 11:30:00 belongs to the 11:30 bar
    expect(fromTicks.volume[119]).toBe(fromTrades.volume[119]);
    // minute by minute: most volume in the right minute, the rest one minute off at most
    expect(cmp.volume.misplacedShare).toBeLessThan(0.03);
    expect(cmp.volume.exactShare).toBeGreaterThan(0.3);
    // stamps on a minute boundary mostly report the minute that just ended
    expect(cmp.volume.misplacedShare).toBeLessThan(cmpNext.volume.misplacedShare);
    // closes come from the last snapshot of the minute; most match the last trade
    expect(cmp.priceExactShare.close).toBeGreaterThan(0.5);
  });
});
