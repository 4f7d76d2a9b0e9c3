import { HfqError, timeOfDay } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { minuteIndexOf } from '../market/session.js';
import { allocTickSnapshots, type TickSnapshots } from '../types.js';
import { findMinuteBarIssues } from '../validate/minute-bars.js';
import {
  cumulativeDepth,
  cumulativeOrderImbalance,
  depth,
  depthWeightedPrice,
  levelDiff,
  levelSum,
  microPrice,
  midPrice,
  orderImbalance,
  spread,
} from './book.js';
import { ticksToMinuteBars } from './ticks-to-minutes.js';

type Snap = [hms: [number, number, number], last: number, volume: number, amount: number, trades: number];

function snaps(rows: Snap[]): TickSnapshots {
  const t = allocTickSnapshots(rows.length, 1, { asset: '600000.SH', date: 20230201 });
  rows.forEach(([[h, m, s], last, v, a, tr], i) => {
    t.time[i] = timeOfDay(h, m, s);
    t.last[i] = last;
    t.volume[i] = v;
    t.amount[i] = a;
    t.trades[i] = tr;
  });
  return t;
}

const day: Snap[] = [
  [[9, 15, 0], NaN, 0, 0, 0], // call auction: nothing traded yet
  [[9, 20, 0], NaN, 0, 0, 0],
  [[9, 25, 0], 10.0, 1000, 10000, 5], // opening auction match, printed at 09:25
  [[9, 25, 3], 10.0, 1000, 10000, 5], // repeated snapshot
  [[9, 30, 0], 10.02, 1500, 15010, 8],
  [[9, 30, 30], 9.98, 1700, 17006, 9],
  [[9, 31, 0], 10.01, 1800, 18007, 10],
  [[9, 35, 0], 10.05, 2800, 28057, 14], // snapshots 09:31-09:35 missing
  [[11, 29, 59], 10.1, 2900, 29067, 15],
  [[11, 30, 0], 10.11, 3000, 30078, 16], // print at exactly 11:30:00
  [[12, 0, 0], 10.11, 3000, 30078, 16], // lunch break
  [[13, 0, 0], 10.12, 3100, 31090, 17],
  [[14, 57, 0], 10.12, 3100, 31090, 17], // closing auction starts
  [[15, 0, 0], 10.15, 4100, 41240, 20], // closing auction match
  [[15, 0, 3], 10.15, 4100, 41240, 20],
  [[15, 30, 0], 10.15, 4100, 41240, 20], // after the close, nothing new
];

describe('ticksToMinuteBars', () => {
  it('aggregates auctions, the lunch break, repeats and gaps into the 240 vendor bars (hand-computed)', () => {
    const b = ticksToMinuteBars(snaps(day));
    expect(b.time.length).toBe(240);
    expect(b.time[0]).toBe(timeOfDay(9, 31));
    const row = (m: number) => [
      b.open[m],
      b.high[m],
      b.low[m],
      b.close[m],
      b.volume[m],
      b.amount[m],
      b.trades[m],
    ];
    expect(row(0)).toEqual([10.0, 10.02, 9.98, 9.98, 1700, 17006, 9]); // auction + 09:30-09:31
    expect(row(1)).toEqual([10.01, 10.01, 10.01, 10.01, 100, 1001, 1]);
    expect(row(2)).toEqual([10.01, 10.01, 10.01, 10.01, 0, 0, 0]); // empty: previous close carried
    expect(row(5)).toEqual([10.05, 10.05, 10.05, 10.05, 1000, 10050, 4]); // the gap's whole increment
    expect(row(119)).toEqual([10.1, 10.11, 10.1, 10.11, 200, 2021, 2]); // 11:29:59 and 11:30:00
    expect(row(120)).toEqual([10.12, 10.12, 10.12, 10.12, 100, 1012, 1]); // 13:00:00 opens 13:01
    expect(row(239)).toEqual([10.15, 10.15, 10.15, 10.15, 1000, 10150, 3]); // closing auction
    let total = 0;
    for (let m = 0; m < 240; m++) total += b.volume[m]!;
    expect(total).toBe(4100);
    expect(b.asset).toBe('600000.SH');
    expect(findMinuteBarIssues(b)).toEqual([]);
  });

  it("puts a snapshot stamped on a minute boundary into the minute that ends there with boundary: 'previous'", () => {
    const b = ticksToMinuteBars(snaps(day), { boundary: 'previous' });
    const row = (m: number) => [
      b.open[m],
      b.high[m],
      b.low[m],
      b.close[m],
      b.volume[m],
      b.amount[m],
      b.trades[m],
    ];
    // 09:31:00 reports trades up to 09:31:00: they join the 09:31 bar
    expect(row(0)).toEqual([10.0, 10.02, 9.98, 10.01, 1800, 18007, 10]);
    expect(row(1)).toEqual([10.01, 10.01, 10.01, 10.01, 0, 0, 0]);
    // 09:35:00 closes the gap in the 09:35 bar (index 4)
    expect(row(4)).toEqual([10.05, 10.05, 10.05, 10.05, 1000, 10050, 4]);
    expect(b.volume[5]).toBe(0);
    // 13:00:00 still opens the afternoon; 11:30:00 and 15:00:00 are unchanged
    expect(row(119)).toEqual([10.1, 10.11, 10.1, 10.11, 200, 2021, 2]);
    expect(row(120)).toEqual([10.12, 10.12, 10.12, 10.12, 100, 1012, 1]);
    expect(row(239)).toEqual([10.15, 10.15, 10.15, 10.15, 1000, 10150, 3]);
  });

  it('aggregates simulator-style ticks exactly: prints on a 3 s grid bucketed by minuteIndexOf', () => {
    // one print per 3 s slot (09:25 auction, 09:30:00 .. 11:29:57, 13:00:00 .. 14:56:57, 15:00
    // auction), price and size varying; a snapshot at every slot (3 s cadence, stamps on minute
    // boundaries included) and at every second slot (6 s)
    const slots: number[] = [timeOfDay(9, 25)];
    for (let t = timeOfDay(9, 30); t < timeOfDay(11, 30); t += 3000) slots.push(t);
    for (let t = timeOfDay(13, 0); t < timeOfDay(14, 57); t += 3000) slots.push(t);
    slots.push(timeOfDay(15, 0));
    const price = slots.map((_, i) => (1000 + ((i * 37) % 23) - 11) / 100);
    const size = slots.map((_, i) => 100 * (1 + ((i * 53) % 7)));
    const direct = {
      volume: new Float64Array(240),
      amount: new Float64Array(240),
      trades: new Float64Array(240),
      close: new Float64Array(240).fill(NaN),
      high: new Float64Array(240).fill(-Infinity),
    };
    slots.forEach((t, i) => {
      const m = minuteIndexOf(t);
      direct.volume[m]! += size[i]!;
      direct.amount[m]! += size[i]! * price[i]!;
      direct.trades[m]! += 1;
      direct.close[m] = price[i]!;
      direct.high[m] = Math.max(direct.high[m]!, price[i]!);
    });
    for (const every of [1, 2]) {
      const rows: Snap[] = [];
      let v = 0;
      let a = 0;
      slots.forEach((t, i) => {
        v += size[i]!;
        a += size[i]! * price[i]!;
        if (i % every === 0 || i === slots.length - 1) {
          const s = t / 1000;
          rows.push([[Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60], price[i]!, v, a, i + 1]);
        }
      });
      const b = ticksToMinuteBars(snaps(rows));
      expect(Array.from(b.volume)).toEqual(Array.from(direct.volume));
      expect(Array.from(b.trades)).toEqual(Array.from(direct.trades));
      for (let m = 0; m < 240; m++) expect(b.amount[m]).toBeCloseTo(direct.amount[m]!, 6);
      if (every === 1) {
        // every print seen: prices exact too
        expect(Array.from(b.close)).toEqual(
          Array.from(direct.close).map((c, m) => (direct.volume[m] === 0 ? b.close[m]! : c)),
        );
        for (let m = 0; m < 240; m++) if (direct.volume[m]! > 0) expect(b.high[m]).toBe(direct.high[m]);
      }
    }
  });

  it('gives the same bars under both boundary rules when no stamp sits on a minute boundary (the simulator case)', () => {
    // the sample day with its two in-session boundary stamps (09:31:00, 09:35:00) moved 3 s later;
    // 09:25, 09:30:00, 11:30:00, 13:00:00 and 15:00:00 are session edges and stay
    const sorted = day.map(
      ([[h, m, s], ...rest]) => [[h, m, h === 9 && (m === 31 || m === 35) ? 3 : s], ...rest] as Snap,
    );
    const a = ticksToMinuteBars(snaps(sorted), { boundary: 'previous' });
    const n = ticksToMinuteBars(snaps(sorted), { boundary: 'next' });
    expect(Array.from(a.volume)).toEqual(Array.from(n.volume));
    expect(Array.from(a.close)).toEqual(Array.from(n.close));
  });

  it("leaves empty minutes NaN with emptyMinutes: 'nan', and carries prevClose before the first trade", () => {
    const b = ticksToMinuteBars(snaps(day), { emptyMinutes: 'nan' });
    expect(b.close[2]).toBeNaN();
    expect(b.volume[2]).toBe(0);
    const late = snaps([[[10, 0, 30], 5.5, 100, 550, 1]]);
    const c = ticksToMinuteBars(late, { prevClose: 5.4 });
    expect(c.close[0]).toBe(5.4);
    expect(c.close[29]).toBe(5.4);
    expect(c.close[30]).toBe(5.5);
    expect(c.close[31]).toBe(5.5);
    expect(ticksToMinuteBars(late).close[0]).toBeNaN();
  });

  it('gives NaN trades when the feed has no trade count', () => {
    const t = snaps(day);
    t.trades.fill(NaN);
    const b = ticksToMinuteBars(t);
    expect(b.trades[0]).toBeNaN();
    expect(b.volume[0]).toBe(1700);
  });

  it('refuses decreasing cumulative fields and volume outside the session', () => {
    const bad = snaps(day);
    bad.volume[6] = 1600;
    try {
      ticksToMinuteBars(bad);
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'BARS_CUMULATIVE_DECREASE')).toBe(true);
      expect((e as HfqError).context).toMatchObject({ field: 'volume', row: 6, asset: '600000.SH' });
    }
    const after = snaps([...day, [[15, 10, 0], 10.15, 4300, 43270, 21]]); // STAR after-hours print
    expect(() => ticksToMinuteBars(after)).toThrowError(/BARS_OUTSIDE_SESSION/);
    const ignored = ticksToMinuteBars(after, { outsideSession: 'ignore' });
    expect(ignored.volume[239]).toBe(1000);
  });

  it('conserves volume and assigns every increment by minuteIndexOf on a dense random day', () => {
    const rows: Snap[] = [];
    let v = 0;
    let a = 0;
    let k = 0;
    for (let s = timeOfDay(9, 15) / 1000; s <= timeOfDay(15, 0, 30) / 1000; s += 3) {
      const inSession = s >= 9 * 3600 + 25 * 60 && !(s > 11.5 * 3600 && s < 13 * 3600);
      const dv = inSession && (s * 7919) % 5 !== 0 ? 100 * ((s * 31) % 7) : 0;
      v += dv;
      a += dv * 10;
      k += dv > 0 ? 1 : 0;
      rows.push([[Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60], 10, v, a, k]);
    }
    const b = ticksToMinuteBars(snaps(rows));
    let total = 0;
    for (let m = 0; m < 240; m++) total += b.volume[m]!;
    expect(total).toBe(v);
    expect(b.volume[0]).toBeGreaterThan(0);
  });
});

/** 2 snapshots x 3 levels. Snapshot 0: normal book; snapshot 1: crossed top, empty ask level 3. */
function book(): TickSnapshots {
  const t = allocTickSnapshots(2, 3);
  t.time.set([timeOfDay(10, 0), timeOfDay(10, 0, 3)]);
  t.bidPrice.set([10.0, 9.99, 9.98, 10.03, 10.0, 9.99]);
  t.bidVolume.set([300, 500, 200, 100, 400, 100]);
  t.askPrice.set([10.02, 10.03, 10.05, 10.02, 10.04, 0]);
  t.askVolume.set([100, 600, 900, 200, 300, 0]);
  t.bidOrders.set([3, 5, 2, 1, 4, 1]);
  t.askOrders.set([1, 6, 9, 2, 3, 0]);
  return t;
}

describe('order-book fields (hand-computed)', () => {
  const t = book();
  it('mid, spread and micro-price; NaN for a crossed book', () => {
    expect(midPrice(t)[0]).toBeCloseTo(10.01, 12);
    expect(spread(t)[0]).toBeCloseTo(0.02, 12);
    expect(spread(t, { relative: true })[0]).toBeCloseTo(0.02 / 10.01, 12);
    // (10.00 * 100 + 10.02 * 300) / 400 = 10.015
    expect(microPrice(t)[0]).toBeCloseTo(10.015, 12);
    expect(midPrice(t)[1]).toBeNaN();
    expect(spread(t)[1]).toBeNaN();
    expect(microPrice(t)[1]).toBeNaN();
  });
  it('depth, cumulative depth, imbalance, level sums and differences; empty levels count 0 / NaN', () => {
    expect(Array.from(depth(t, 'ask', 3))).toEqual([900, 0]);
    expect(Array.from(cumulativeDepth(t, 'bid', 2))).toEqual([800, 500]);
    expect(Array.from(cumulativeDepth(t, 'ask', 3))).toEqual([1600, 500]);
    expect(orderImbalance(t, 1)[0]).toBeCloseTo((300 - 100) / 400, 12);
    expect(orderImbalance(t, 3)[1]).toBe(1); // bid 100 vs empty ask level
    expect(cumulativeOrderImbalance(t, 3)[0]).toBeCloseTo((1000 - 1600) / 2600, 12);
    expect(Array.from(levelSum(t, 'askOrders', 1, 3))).toEqual([16, 5]);
    const ps = levelSum(t, 'askPrice', 1, 3);
    expect(ps[0]).toBeCloseTo(30.1, 12);
    expect(ps[1]).toBeNaN(); // a price sum over an empty level
    const d = levelDiff(t, 'askPrice', 3, 1);
    expect(d[0]).toBeCloseTo(0.03, 12);
    expect(d[1]).toBeNaN();
    expect(Array.from(levelDiff(t, 'bidVolume', 1, 2))).toEqual([-200, -300]);
    // (10*300 + 9.99*500 + 10.02*100 + 10.03*600) / 1500
    expect(depthWeightedPrice(t, 2)[0]).toBeCloseTo((3000 + 4995 + 1002 + 6018) / 1500, 12);
  });
  it('rejects a level outside 1..levels', () => {
    expect(() => depth(t, 'bid', 4)).toThrowError(/BARS_INVALID_OPTION/);
    expect(() => levelSum(t, 'bidVolume', 2, 1)).toThrowError(/BARS_INVALID_OPTION/);
  });
});
