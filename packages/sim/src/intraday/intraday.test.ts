import { MINUTE_BAR_END_TIMES, minuteIndexOf, SESSION } from '@hfq/bars';
import { timeOfDay } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { createMarket } from '../market.js';
import { aggregateTicks } from '../test-utils/aggregate.js';
import { minuteFirstSlot, slotTime, snapshotSlots } from './grid.js';

const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'amount', 'trades'] as const;
const market = createMarket({ seed: 42, nStocks: 10, nDays: 14 });
const daily = market.daily();

/** Every (asset, t) that traded, plus the limit-up and limit-down days of a bigger market. */
function tradedDays(): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < market.assets.length; a++) {
    for (let t = 0; t < market.calendar.length; t++) if (daily.close.get(t, a) > 0) out.push([a, t]);
  }
  return out;
}

function findDays(m: ReturnType<typeof createMarket>, panel: 'isLimitUp' | 'isLimitDown', n: number) {
  const d = m.daily();
  const out: [number, number][] = [];
  for (let k = 0; k < d[panel].values.length && out.length < n; k++) {
    if (d[panel].values[k] === 1) out.push([k % m.assets.length, Math.floor(k / m.assets.length)]);
  }
  return out;
}

describe('ticks -> minute bars', () => {
  it('minute bars are exactly the aggregation of the 3 s ticks (volume, amount, trades, OHLC)', {
    timeout: 30_000,
  }, () => {
    const days = tradedDays();
    expect(days.length).toBeGreaterThan(120);
    const mismatches: string[] = [];
    for (const [a, t] of days) {
      const bars = market.minuteBars(a, t)!;
      const agg = aggregateTicks(market.ticks(a, t)!);
      for (const f of FIELDS) {
        for (let j = 0; j < 240; j++) {
          if (agg[f][j] !== bars[f][j]) mismatches.push(`${f}[${j}] asset ${a} day ${t}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('holds on limit-up and limit-down days too, where the book is one-sided', () => {
    const big = createMarket({ seed: 5, nStocks: 80, nDays: 60 });
    const up = findDays(big, 'isLimitUp', 3);
    const down = findDays(big, 'isLimitDown', 3);
    expect(up.length).toBe(3);
    expect(down.length).toBe(3);
    for (const [a, t] of [...up, ...down]) {
      const bars = big.minuteBars(a, t)!;
      const ticks = big.ticks(a, t)!;
      const agg = aggregateTicks(ticks);
      for (const f of FIELDS) expect(agg[f]).toEqual(bars[f]);
    }
    // At the close of a limit-up day the last price is the up limit and no one offers.
    const [a, t] = up[0]!;
    const ticks = big.ticks(a, t)!;
    const last = ticks.time.length - 1;
    expect(ticks.last[last]).toBe(big.daily().upLimit.get(t, a));
    expect(ticks.bidPrice[last * ticks.levels]).toBe(ticks.last[last]);
    for (let k = 0; k < ticks.levels; k++) expect(ticks.askVolume[last * ticks.levels + k]).toBe(0);
  });

  it('at coarser cadences cumulative volume, amount and trades still aggregate exactly and sample the same print path', () => {
    const fine = market;
    for (const interval of [15000, 60000]) {
      const coarse = createMarket({ seed: 42, nStocks: 10, nDays: 14, tickIntervalMs: interval });
      for (const [a, t] of tradedDays().slice(0, 15)) {
        const bars = coarse.minuteBars(a, t)!;
        expect(bars).toEqual(fine.minuteBars(a, t)); // minute bars do not depend on the cadence
        const ticks = coarse.ticks(a, t)!;
        expect(ticks.time.length).toBe(3 + 4800 / (interval / 3000));
        const agg = aggregateTicks(ticks);
        expect(agg.volume).toEqual(bars.volume);
        expect(agg.amount).toEqual(bars.amount);
        expect(agg.trades).toEqual(bars.trades);
        // The coarse snapshots are the fine ones at the same times (same cumulative state).
        const f = fine.ticks(a, t)!;
        const at = new Map<number, number>();
        for (let i = 0; i < f.time.length; i++) at.set(f.time[i]!, i);
        let differ = 0;
        for (let i = 0; i < ticks.time.length; i++) {
          const j = at.get(ticks.time[i]!)!;
          if (
            ticks.volume[i] !== f.volume[j] ||
            ticks.amount[i] !== f.amount[j] ||
            ticks.trades[i] !== f.trades[j] ||
            ticks.last[i] !== f.last[j]
          ) {
            differ++;
          }
        }
        expect(differ).toBe(0);
      }
    }
  });
});

describe('session structure', () => {
  it('snapshot slots: 09:25 auction, 3 s continuous trading, 11:30, lunch gap, 14:57-15:00 call auction', () => {
    const slots = snapshotSlots(3000);
    expect(slots.length).toBe(4803);
    const times = Array.from(slots, slotTime);
    expect(times[0]).toBe(SESSION.openingAuctionMatch);
    expect(times[1]).toBe(SESSION.morningOpen);
    expect(times.includes(SESSION.morningClose)).toBe(true);
    expect(times.some((x) => x > SESSION.morningClose && x < SESSION.afternoonOpen)).toBe(false);
    expect(times.at(-1)).toBe(SESSION.close);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    const coarse = Array.from(snapshotSlots(60000), slotTime);
    expect(coarse).toContain(timeOfDay(9, 30, 57));
    expect(coarse).toContain(timeOfDay(14, 59, 57));
  });

  it('every print slot belongs, by minuteIndexOf, to the minute whose bucket it holds', () => {
    let wrong = 0;
    for (let j = 0; j < 237; j++) {
      for (let q = 0; q < 20; q++) if (minuteIndexOf(slotTime(minuteFirstSlot(j) + q)) !== j) wrong++;
    }
    expect(wrong).toBe(0);
    expect(minuteIndexOf(slotTime(0))).toBe(0); // 09:25 auction -> 09:31 bar
    expect(minuteIndexOf(slotTime(4802))).toBe(239); // 15:00 auction -> 15:00 bar
  });

  it('prints only at 09:25, in continuous trading, and at 15:00; 14:58 and 14:59 bars are empty', () => {
    const [a, t] = tradedDays()[7]!;
    const ticks = market.ticks(a, t)!;
    let prev = 0;
    for (let i = 0; i < ticks.time.length; i++) {
      const time = ticks.time[i]!;
      const dv = ticks.volume[i]! - prev;
      prev = ticks.volume[i]!;
      if (dv === 0) continue;
      const continuous =
        (time >= SESSION.morningOpen && time < SESSION.morningClose) ||
        (time >= SESSION.afternoonOpen && time < SESSION.closingAuctionStart);
      expect(time === SESSION.openingAuctionMatch || time === SESSION.close || continuous).toBe(true);
    }
    expect(ticks.volume[0]).toBeGreaterThan(0); // the opening auction always prints
    const bars = market.minuteBars(a, t)!;
    expect(bars.time).toEqual(MINUTE_BAR_END_TIMES);
    expect(bars.volume[237]).toBe(0);
    expect(bars.volume[238]).toBe(0);
    expect(bars.volume[239]).toBeGreaterThan(0);
    expect(bars.open[239]).toBe(bars.close[239]); // one closing auction print
    expect(minuteIndexOf(ticks.time.at(-1)!)).toBe(239);
  });

  it('U-shaped volume: the first and last half hours trade more per minute than midday', () => {
    const sum = new Float64Array(240);
    for (const [a, t] of tradedDays()) {
      const bars = market.minuteBars(a, t)!;
      const total = bars.volume.reduce((x, y) => x + y, 0);
      for (let j = 0; j < 240; j++) sum[j]! += bars.volume[j]! / total;
    }
    const avg = (from: number, to: number) => sum.slice(from, to).reduce((x, y) => x + y, 0) / (to - from);
    const open = avg(1, 30);
    const midday = avg(60, 110);
    const late = avg(207, 237);
    expect(open).toBeGreaterThan(2 * midday);
    expect(late).toBeGreaterThan(1.3 * midday);
  });
});

describe('order book', () => {
  it('is consistent with the last price, on the tick grid, within limits, with depth in lots', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 5) problems.push(what);
    };
    for (const [a, t] of tradedDays().slice(0, 12)) {
      const ticks = market.ticks(a, t)!;
      const up = daily.upLimit.get(t, a);
      const down = daily.downLimit.get(t, a);
      const L = ticks.levels;
      for (let i = 0; i < ticks.time.length; i++) {
        const where = `asset ${a} day ${t} snapshot ${i}`;
        const last = ticks.last[i]!;
        const bid = ticks.bidPrice[i * L]!;
        const ask = ticks.askPrice[i * L]!;
        check(bid > 0 || ask > 0, `${where}: empty book`);
        if (bid > 0 && ask > 0) {
          check(Math.round((ask - bid) * 100) >= 1, `${where}: spread below one tick`);
          check(bid <= last && last <= ask, `${where}: last ${last} outside ${bid}..${ask}`);
        }
        for (const [price, vol, orders, side] of [
          [ticks.bidPrice, ticks.bidVolume, ticks.bidOrders, -1],
          [ticks.askPrice, ticks.askVolume, ticks.askOrders, 1],
        ] as const) {
          for (let k = 0; k < L; k++) {
            const p = price[i * L + k]!;
            const v = vol[i * L + k]!;
            const o = orders[i * L + k]!;
            if (p === 0) {
              check(v === 0 && o === 0, `${where}: empty level with volume`);
              continue;
            }
            check(Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, `${where}: ${p} off the tick grid`);
            check(p >= down && p <= up, `${where}: ${p} outside limits`);
            check(v > 0 && v % 100 === 0, `${where}: volume ${v} not in lots`);
            check(o >= 1 && o <= v / 100, `${where}: ${o} orders for ${v} shares`);
            const prev = k > 0 ? price[i * L + k - 1]! : 0;
            check(k === 0 || prev === 0 || side * (p - prev) > 0, `${where}: levels out of order`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
