import type { MinuteBars, TickSnapshots } from '@hfq/bars';
import { createMarket } from '@hfq/sim';
import { describe, expect, it } from 'vitest';
import { FACTOR_LIBRARY } from '../library/index.js';
import { evaluateFactors } from './evaluate.js';
import type { FactorMarket } from './market.js';

const T = 103;
const DAYS = [T - 2, T - 1, T, T + 1];
const ASSETS = [0, 1, 2, 3, 4, 5, 6, 7];

/** A copy of the frame with every price and volume changed (a different future). */
function scrambleMinutes(f: MinuteBars): MinuteBars {
  const n = f.time.length;
  const w = (i: number) => 1.07 + 0.03 * Math.sin(7 * i);
  const map = (x: Float64Array, g: (v: number, i: number) => number) => Float64Array.from(x, g);
  return {
    ...f,
    open: map(f.open, (v, i) => v * w(i)),
    high: map(f.high, (v, i) => v * w(i) * 1.01),
    low: map(f.low, (v, i) => v * w(i) * 0.99),
    close: map(f.close, (v, i) => v * w(i + 1)),
    volume: map(f.volume, (_, i) => f.volume[n - 1 - i]! * 3 + 100),
    amount: map(f.amount, (_, i) => f.amount[n - 1 - i]! * 2.9),
    trades: map(f.trades, (v) => v + 5),
  };
}

function scrambleTicks(f: TickSnapshots): TickSnapshots {
  const w = (i: number) => 1.05 + 0.02 * Math.cos(3 * i);
  const price = (x: Float64Array) => Float64Array.from(x, (v, i) => (v > 0 ? v * w(i) : v));
  return {
    ...f,
    last: price(f.last),
    volume: Float64Array.from(f.volume, (v, i) => v * 2 + i * 100),
    amount: Float64Array.from(f.amount, (v, i) => v * 2.1 + i * 1000),
    bidPrice: price(f.bidPrice),
    askPrice: price(f.askPrice),
    bidVolume: f.askVolume,
    askVolume: f.bidVolume,
  };
}

/** The market with every day after `last` replaced by a different future. */
function alteredFuture(last: number): FactorMarket {
  const m = createMarket();
  return {
    calendar: m.calendar,
    assets: m.assets,
    minuteBars(a, t) {
      const f = m.minuteBars(a, t);
      return f !== null && t > last ? scrambleMinutes(f) : f;
    },
    ticks(a, t) {
      const f = m.ticks(a, t);
      return f !== null && t > last ? scrambleTicks(f) : f;
    },
  };
}

describe('no look-ahead', () => {
  it('leaves every shipped factor bit-identical up to day T when all later days change', async () => {
    const options = { days: DAYS, assets: ASSETS };
    const original = await evaluateFactors(createMarket(), FACTOR_LIBRARY, options);
    const altered = await evaluateFactors(alteredFuture(T), FACTOR_LIBRARY, options);
    const nf = FACTOR_LIBRARY.length;
    for (let d = 0; d < DAYS.length; d++) {
      const a = original.day(d);
      const b = altered.day(d);
      const changed = new Set<string>();
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) changed.add(FACTOR_LIBRARY[i % nf]!.id);
      if (DAYS[d]! <= T) {
        expect([...changed], `day ${DAYS[d]}`).toEqual([]);
      } else {
        // The altered future is visible on the day after T: nearly every factor moved there.
        expect(changed.size).toBeGreaterThan(0.8 * nf);
      }
    }
    // And the days up to T are not empty: most values are finite.
    let finite = 0;
    const day = original.day(2);
    for (const v of day) if (Number.isFinite(v)) finite++;
    expect(finite).toBeGreaterThan(0.9 * day.length);
  }, 120_000);
});
