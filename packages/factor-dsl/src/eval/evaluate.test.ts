import { HfqError } from '@hfq/core';
import { createMarket } from '@hfq/sim';
import { describe, expect, it } from 'vitest';
import { evaluateFactors } from './evaluate.js';
import { compileFactorSet, type FactorDef } from './factor-set.js';
import type { FactorMarket } from './market.js';

const CONFIG = { nStocks: 6, nDays: 12, tickIntervalMs: 60_000 };
const DEFS: FactorDef[] = [
  { id: 'ret', source: 'minute', formula: 'last(close) / first(open) - 1' },
  { id: 'imb', source: 'tick', formula: 'mean(book_imbalance(5))' },
  { id: 'vb_skew', source: 'vbar', formula: 'skew(log_return(close))' },
  { id: 'vb_bars', source: 'vbar', formula: 'count(close)' },
  { id: 'rvol', source: 'minute', formula: 'sqrt(sum(log_return(close) ^ 2))' },
];
const DAYS = [6, 7, 8];

function code(e: unknown): string {
  return HfqError.is(e) ? e.code : String(e);
}

describe('evaluateFactors', () => {
  it('returns per-day assets x factors float32 matrices in the order given', async () => {
    const m = createMarket(CONFIG);
    const cube = await evaluateFactors(m, DEFS, { days: DAYS, assets: [4, 1] });
    expect(Array.from(cube.dates)).toEqual(DAYS.map((t) => m.calendar.dates[t]));
    expect(cube.assets).toEqual([m.assets[4], m.assets[1]]);
    expect(cube.factors).toEqual(DEFS.map((d) => d.id));
    expect(cube.day(0)).toBeInstanceOf(Float32Array);
    // Values match the formula computed by hand on the same frame.
    const f = m.minuteBars(1, 7)!;
    const ret = f.close[f.close.length - 1]! / f.open[0]! - 1;
    expect(cube.get(1, 1, 0)).toBe(Math.fround(ret));
    // About 50 equal-volume bars a day (the default barNum).
    const bars = cube.get(1, 0, 3);
    expect(bars).toBeGreaterThan(20);
    expect(bars).toBeLessThan(120);
  });

  it('gives the same cube in this thread, on worker threads, and on workers with their own market', async () => {
    const m = createMarket(CONFIG);
    const inline = await evaluateFactors(m, DEFS, { days: DAYS });
    const blocks = await evaluateFactors(m, DEFS, { days: DAYS, threads: 2 });
    const factory = await evaluateFactors(m, DEFS, {
      days: DAYS,
      threads: 2,
      daysPerTask: 2,
      factory: { module: '@hfq/sim', exportName: 'createMarket', args: [CONFIG] },
    });
    for (let t = 0; t < DAYS.length; t++) {
      expect(Array.from(blocks.day(t))).toEqual(Array.from(inline.day(t)));
      expect(Array.from(factory.day(t))).toEqual(Array.from(inline.day(t)));
    }
    expect(Array.from(inline.day(0)).filter(Number.isFinite).length).toBeGreaterThan(20);
  }, 60_000);

  it('gives identical values with a precompiled set, reused over several calls', async () => {
    const m = createMarket(CONFIG);
    const vbar = { barNum: 30 };
    const fresh = await evaluateFactors(m, DEFS, { days: DAYS, vbar });
    const compiled = compileFactorSet(DEFS, { vbar });
    // one call per day, as the dataset reader does per block, with the same compiled set
    const perDay = await Promise.all(DAYS.map((t) => evaluateFactors(m, DEFS, { days: [t], compiled })));
    expect(perDay[0]!.factors).toEqual(fresh.factors);
    DAYS.forEach((_, d) => {
      expect(Array.from(perDay[d]!.day(0))).toEqual(Array.from(fresh.day(d)));
    });
    expect(Array.from(fresh.day(0)).filter(Number.isFinite).length).toBeGreaterThan(15);
    // on worker threads the set's own vbar options are used
    const threads = await evaluateFactors(m, DEFS, { days: DAYS, compiled, threads: 2 });
    for (let d = 0; d < DAYS.length; d++)
      expect(Array.from(threads.day(d))).toEqual(Array.from(fresh.day(d)));
    // a set compiled from other definitions is refused, naming the first that differs
    const other = compileFactorSet([DEFS[0]!, { ...DEFS[1]!, formula: 'mean(book_imbalance(3))' }]);
    await expect(evaluateFactors(m, DEFS.slice(0, 2), { compiled: other })).rejects.toMatchObject({
      code: 'DSL_INPUT',
      context: { field: 'compiled', row: 1 },
    });
    await expect(evaluateFactors(m, DEFS, { compiled: other })).rejects.toMatchObject({
      code: 'DSL_INPUT',
      context: { field: 'compiled' },
    });
  }, 60_000);

  it('sizes equal-volume bars from earlier days only: a given daily volume panel gives the same bars', async () => {
    const m = createMarket(CONFIG);
    const fromMinutes = await evaluateFactors(m, DEFS, { days: DAYS });
    const fromDaily = await evaluateFactors(m, DEFS, { days: DAYS, dailyVolume: m.daily().volume });
    for (let t = 0; t < DAYS.length; t++)
      expect(Array.from(fromDaily.day(t))).toEqual(Array.from(fromMinutes.day(t)));
    // With fewer than `lookback` earlier days there are no bars: NaN, while minute factors exist.
    const early = await evaluateFactors(m, DEFS, { days: [2] });
    expect(Number.isNaN(early.get(0, 0, 3))).toBe(true);
    expect(Number.isFinite(early.get(0, 0, 0))).toBe(true);
  });

  it("sizes bars after a suspension from the days that traded: a NaN daily volume counts as the day's minute volume (0)", async () => {
    // Stock 0 suspended on day 4 (no frames; the daily panel has NaN volume, as the simulator's and
    // a dataset's daily bars do). Days 6-8 size their bars from days 1-5 / 2-6 / 3-7, which include
    // day 4: with the panel they must match the minute sums, where the suspended day counts 0.
    const m = createMarket(CONFIG);
    const suspended: FactorMarket = {
      calendar: m.calendar,
      assets: m.assets,
      minuteBars: (a, t) => (a === 0 && t === 4 ? null : m.minuteBars(a, t)),
      ticks: (a, t) => (a === 0 && t === 4 ? null : m.ticks(a, t)),
    };
    const volume = m.daily().volume.clone();
    volume.set(4, 0, Number.NaN);
    const fromMinutes = await evaluateFactors(suspended, DEFS, { days: DAYS, assets: [0, 1] });
    const fromDaily = await evaluateFactors(suspended, DEFS, {
      days: DAYS,
      assets: [0, 1],
      dailyVolume: volume,
    });
    for (let t = 0; t < DAYS.length; t++) {
      expect(Number.isFinite(fromDaily.get(t, 0, 2))).toBe(true);
      expect(Array.from(fromDaily.day(t))).toEqual(Array.from(fromMinutes.day(t)));
    }
  });

  it('writes NaN for stock-days without frames', async () => {
    const m = createMarket(CONFIG);
    const suspended: FactorMarket = {
      calendar: m.calendar,
      assets: m.assets,
      minuteBars: (a, t) => (a === 0 && t === 7 ? null : m.minuteBars(a, t)),
      ticks: (a, t) => (a === 0 && t === 7 ? null : m.ticks(a, t)),
    };
    const cube = await evaluateFactors(suspended, DEFS, { days: DAYS, assets: [0, 1] });
    for (let f = 0; f < DEFS.length; f++) expect(Number.isNaN(cube.get(1, 0, f))).toBe(true);
    expect(Number.isFinite(cube.get(1, 1, 0))).toBe(true);
  });

  it('reports progress per day and stops when aborted', async () => {
    const m = createMarket(CONFIG);
    const events: number[] = [];
    await evaluateFactors(m, DEFS.slice(0, 1), { days: DAYS, onProgress: (e) => events.push(e.done) });
    expect(events.at(-1)).toBe(DAYS.length);
    const ac = new AbortController();
    ac.abort();
    const err = await evaluateFactors(m, DEFS.slice(0, 1), { days: DAYS, signal: ac.signal }).catch((e) => e);
    expect(code(err)).toBe('ABORTED');
  });

  it('stops between stock-days when the signal aborts, also when aborted from outside the loop', async () => {
    const m = createMarket(CONFIG);
    const defs = DEFS.slice(0, 1);
    // Aborted synchronously by the market during the 3rd stock-day: no 4th stock-day is fetched.
    const ac = new AbortController();
    let calls = 0;
    const counting: FactorMarket = {
      calendar: m.calendar,
      assets: m.assets,
      minuteBars: (a, t) => {
        if (++calls === 3) ac.abort();
        return m.minuteBars(a, t);
      },
    };
    const err = await evaluateFactors(counting, defs, { days: DAYS, signal: ac.signal }).catch((e) => e);
    expect(code(err)).toBe('ABORTED');
    expect(calls).toBe(3);
    // Aborted by a callback on the event loop (as a timeout would): seen before the second day.
    const later = new AbortController();
    calls = 0;
    const scheduling: FactorMarket = {
      calendar: m.calendar,
      assets: m.assets,
      minuteBars: (a, t) => {
        if (++calls === 1) setImmediate(() => later.abort());
        return m.minuteBars(a, t);
      },
    };
    const err2 = await evaluateFactors(scheduling, defs, { days: DAYS, signal: later.signal }).catch(
      (e) => e,
    );
    expect(code(err2)).toBe('ABORTED');
    expect(calls).toBe(m.assets.length);
  });

  it('rejects bad input with typed errors', async () => {
    const m = createMarket(CONFIG);
    const bad = async (defs: FactorDef[], opts = {}) =>
      code(await evaluateFactors(m, defs, opts).catch((e) => e));
    expect(await bad([DEFS[0]!, { ...DEFS[1]!, id: 'ret' }])).toBe('DSL_INPUT');
    expect(await bad([{ id: 'x', source: 'minute', formula: 'mean(bid_price)' }])).toBe('DSL_UNKNOWN_NAME');
    expect(await bad([{ id: 'x', source: 'minute', formula: 'mean(close' }])).toBe('DSL_PARSE');
    expect(await bad(DEFS, { days: [3, 2] })).toBe('DSL_INPUT');
    expect(await bad(DEFS, { assets: [99] })).toBe('DSL_INPUT');
    expect(await bad(DEFS, { threads: 0 })).toBe('DSL_INPUT');
    // A formula error names the factor.
    const e = await evaluateFactors(m, [{ id: 'broken', source: 'tick', formula: 'mean(mid(1))' }]).catch(
      (x) => x,
    );
    expect((e as HfqError).context.field).toBe('broken');
  });
});
