import { readFileSync } from 'node:fs';
import { HfqError, Panel, Rng, timeOfDay } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { MINUTE_BAR_END_TIMES } from '../market/session.js';
import { allocMinuteBars, type MinuteBars } from '../types.js';
import { equalVolumeBarSize, equalVolumeBarSizes, trailingBarSizes } from './bar-size.js';
import { equalVolumeBarsBatch } from './batch.js';
import { equalVolumeBars } from './equal-volume-bars.js';

type Row = [open: number, high: number, low: number, close: number, volume: number, amount: number];

function minutes(rows: Row[]): MinuteBars {
  const f = allocMinuteBars(rows.length, { asset: '600000.SH', date: 20250102 });
  rows.forEach(([o, h, l, c, v, a], i) => {
    f.time[i] = MINUTE_BAR_END_TIMES[i]!;
    f.open[i] = o;
    f.high[i] = h;
    f.low[i] = l;
    f.close[i] = c;
    f.volume[i] = v;
    f.amount[i] = a;
  });
  return f;
}

describe('equalVolumeBars: hand-computed fixtures', () => {
  // The study's figure: 7 minutes, V = 100. C = 40 70 120 140 200 210 240, floor(C/V) =
  // 0 0 1 1 2 2 2: closes at minutes 2 and 4; minutes 5-6 are the final partial bar.
  const seven = minutes([
    [10.0, 10.05, 9.98, 10.02, 40, 400.8],
    [10.02, 10.1, 10.01, 10.08, 30, 302.1],
    [10.08, 10.12, 10.03, 10.04, 50, 503.5],
    [10.04, 10.06, 9.95, 9.97, 20, 199.8],
    [9.97, 10.0, 9.9, 9.99, 60, 597.6],
    [9.99, 10.2, 9.99, 10.15, 10, 101.2],
    [10.15, 10.18, 10.11, 10.16, 30, 304.5],
  ]);

  it('builds 3 bars from 7 minutes as in the study', () => {
    const b = equalVolumeBars(seven, 100);
    expect(Array.from(b.minutes)).toEqual([3, 2, 2]);
    expect(Array.from(b.open)).toEqual([10.0, 10.04, 9.99]);
    expect(Array.from(b.high)).toEqual([10.12, 10.06, 10.2]);
    expect(Array.from(b.low)).toEqual([9.98, 9.9, 9.99]);
    expect(Array.from(b.close)).toEqual([10.04, 9.99, 10.16]);
    expect(Array.from(b.volume)).toEqual([120, 80, 40]);
    expect(b.amount[0]).toBeCloseTo(1206.4, 9);
    expect(b.vwap[0]).toBeCloseTo(1206.4 / 120, 12);
    expect(b.vwap[1]).toBeCloseTo(797.4 / 80, 12);
    expect(b.vwap[2]).toBeCloseTo(405.7 / 40, 12);
    expect(Array.from(b.startTime)).toEqual([timeOfDay(9, 31), timeOfDay(9, 34), timeOfDay(9, 36)]);
    expect(Array.from(b.endTime)).toEqual([timeOfDay(9, 33), timeOfDay(9, 35), timeOfDay(9, 37)]);
    expect(b.lastPartial).toBe(true);
    expect(b.barVolume).toBe(100);
    expect(b.asset).toBe('600000.SH');
    expect(b.date).toBe(20250102);
  });

  it("drops the final partial bar with partial: 'drop'", () => {
    const b = equalVolumeBars(seven, 100, { partial: 'drop' });
    expect(Array.from(b.volume)).toEqual([120, 80]);
    expect(b.lastPartial).toBe(false);
  });

  it('closes a single bar when one minute completes two multiples', () => {
    // V = 100, volumes 50 230 40 80: C = 50 280 320 400, floor = 0 2 3 4. Minute 1 jumps from
    // 0 to 2 and closes ONE bar of 280; minute 2 (only 40 shares) closes the next at 320.
    const b = equalVolumeBars(
      minutes([
        [5, 5.1, 5, 5.05, 50, 251],
        [5.05, 5.3, 5.0, 5.25, 230, 1196],
        [5.25, 5.26, 5.2, 5.2, 40, 209],
        [5.2, 5.22, 5.18, 5.21, 80, 417],
      ]),
      100,
    );
    expect(Array.from(b.minutes)).toEqual([2, 1, 1]);
    expect(Array.from(b.volume)).toEqual([280, 40, 80]);
    expect(Array.from(b.open)).toEqual([5, 5.25, 5.2]);
    expect(Array.from(b.high)).toEqual([5.3, 5.26, 5.22]);
    expect(Array.from(b.low)).toEqual([5, 5.2, 5.18]);
    expect(Array.from(b.close)).toEqual([5.25, 5.2, 5.21]);
    expect(b.vwap[0]).toBeCloseTo(1447 / 280, 12);
    expect(b.lastPartial).toBe(false); // C = 400 lands exactly on a multiple: nothing left over
  });

  it('puts zero-volume minutes in the span they fall in', () => {
    // V = 100, volumes 0 60 0 40 | 0 0 100 | 0: C = 0 60 60 100 100 100 200 200.
    // Closes at minute 3 (C reaches 100 exactly) and minute 6; minute 7 (no volume) comes after
    // the last close, so it is a final partial bar with volume 0 and vwap NaN.
    const b = equalVolumeBars(
      minutes([
        [8, 8, 8, 8, 0, 0],
        [8, 8.1, 7.9, 8.05, 60, 483],
        [8.05, 8.05, 8.05, 8.05, 0, 0],
        [8.05, 8.2, 8.05, 8.15, 40, 325],
        [8.15, 8.15, 8.15, 8.15, 0, 0],
        [8.15, 8.15, 8.15, 8.15, 0, 0],
        [8.15, 8.3, 8.1, 8.25, 100, 820],
        [8.25, 8.25, 8.25, 8.25, 0, 0],
      ]),
      100,
    );
    expect(Array.from(b.minutes)).toEqual([4, 3, 1]);
    expect(Array.from(b.volume)).toEqual([100, 100, 0]);
    expect(Array.from(b.open)).toEqual([8, 8.15, 8.25]);
    expect(Array.from(b.high)).toEqual([8.2, 8.3, 8.25]);
    expect(Array.from(b.low)).toEqual([7.9, 8.1, 8.25]);
    expect(b.vwap[0]).toBeCloseTo(8.08, 12);
    expect(b.vwap[1]).toBeCloseTo(8.2, 12);
    expect(b.vwap[2]).toBeNaN();
    expect(b.lastPartial).toBe(true);
  });

  it('makes one partial bar of a day with less volume than one bar', () => {
    const day = minutes([
      [3, 3.02, 2.99, 3.01, 100, 301],
      [3.01, 3.03, 3.0, 3.02, 200, 603],
      [3.02, 3.02, 2.98, 2.99, 300, 900],
    ]);
    const b = equalVolumeBars(day, 1000);
    expect(b.volume.length).toBe(1);
    expect(b.volume[0]).toBe(600);
    expect(b.minutes[0]).toBe(3);
    expect(b.open[0]).toBe(3);
    expect(b.close[0]).toBe(2.99);
    expect(b.high[0]).toBe(3.03);
    expect(b.low[0]).toBe(2.98);
    expect(b.vwap[0]).toBeCloseTo(1804 / 600, 12);
    expect(b.lastPartial).toBe(true);
    expect(equalVolumeBars(day, 1000, { partial: 'drop' }).volume.length).toBe(0);
  });

  it('takes open/close from the first/last priced minute when minutes without trades are NaN', () => {
    const b = equalVolumeBars(
      minutes([
        [NaN, NaN, NaN, NaN, 0, 0],
        [4, 4.1, 3.9, 4.05, 100, 400],
        [NaN, NaN, NaN, NaN, 0, 0],
      ]),
      50,
    );
    // C = 0 100 100: closes at minute 1; minute 2 is a partial bar with no priced minute.
    expect(Array.from(b.open)).toEqual([4, NaN]);
    expect(Array.from(b.close)).toEqual([4.05, NaN]);
    expect(Array.from(b.high)).toEqual([4.1, NaN]);
    expect(Array.from(b.low)).toEqual([3.9, NaN]);
  });

  it('returns no bars for an empty day', () => {
    const b = equalVolumeBars(minutes([]), 100);
    expect(b.volume.length).toBe(0);
    expect(b.lastPartial).toBe(false);
  });

  it('rejects a bad bar size or minute volume with a typed error', () => {
    for (const v of [0, -1, NaN, Infinity]) {
      expect(() => equalVolumeBars(seven, v)).toThrowError(/BARS_INVALID_BAR_VOLUME/);
    }
    const bad = minutes([[1, 1, 1, 1, 10, 10]]);
    bad.volume[0] = NaN;
    try {
      equalVolumeBars(bad, 5);
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'BARS_NONFINITE_VOLUME')).toBe(true);
      expect((e as HfqError).context).toMatchObject({ field: 'volume', row: 0, asset: '600000.SH' });
    }
    bad.volume[0] = -5;
    expect(() => equalVolumeBars(bad, 5)).toThrowError(/BARS_NEGATIVE_VOLUME/);
    expect(() => equalVolumeBars(seven, 100, { partial: 'maybe' as never })).toThrowError(
      /BARS_INVALID_OPTION/,
    );
  });
});

describe('equalVolumeBars: numpy reference (make_reference.py)', () => {
  const ref = JSON.parse(
    readFileSync(new URL('../__fixtures__/equal-volume/reference.json', import.meta.url), 'utf8'),
  ) as {
    cases: {
      barVolume: number;
      minutes: Record<'open' | 'high' | 'low' | 'close' | 'volume' | 'amount', number[]>;
      bars: {
        first: number;
        minutes: number;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
        amount: number;
        vwap: number | null;
        id: number;
      }[];
      lastPartial: boolean;
    }[];
  };

  it('agrees on every bar of 12 random days (heavy and zero minutes, sizes from 0.07 to 1.5 days)', () => {
    expect(ref.cases.length).toBe(12);
    for (const c of ref.cases) {
      const m = c.minutes;
      const f = minutes(
        m.open.map((o, i) => [o, m.high[i]!, m.low[i]!, m.close[i]!, m.volume[i]!, m.amount[i]!]),
      );
      const b = equalVolumeBars(f, c.barVolume);
      expect(b.lastPartial).toBe(c.lastPartial);
      expect(Array.from(b.minutes)).toEqual(c.bars.map((x) => x.minutes));
      expect(Array.from(b.volume)).toEqual(c.bars.map((x) => x.volume));
      expect(Array.from(b.open)).toEqual(c.bars.map((x) => x.open));
      expect(Array.from(b.high)).toEqual(c.bars.map((x) => x.high));
      expect(Array.from(b.low)).toEqual(c.bars.map((x) => x.low));
      expect(Array.from(b.close)).toEqual(c.bars.map((x) => x.close));
      c.bars.forEach((x, j) => {
        expect(b.amount[j]).toBeCloseTo(x.amount, 6);
        if (x.vwap === null) expect(b.vwap[j]).toBeNaN();
        else expect(b.vwap[j]).toBeCloseTo(x.vwap, 9);
      });
      // the batch path reports the harness ids too
      const batch = equalVolumeBarsBatch(f, [0, f.time.length], [c.barVolume]);
      expect(Array.from(batch.id.subarray(0, batch.n))).toEqual(c.bars.map((x) => x.id));
      expect(Array.from(batch.firstRow.subarray(0, batch.n))).toEqual(c.bars.map((x) => x.first));
    }
  });
});

/** The factor-bench harness's plain loop (bench/factor-bench/src/factors.ts), re-typed: the rule the DSL harness checks against. */
function harnessBars(
  S: number,
  D: number,
  M: number,
  c: {
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
    amount: Float64Array;
  },
) {
  const dv = new Float64Array(S * D);
  for (let k = 0; k < S * D; k++) {
    let s = 0;
    for (let i = k * M; i < (k + 1) * M; i++) s += c.volume[i]!;
    dv[k] = s;
  }
  const bars: number[][] = [];
  for (let s = 0; s < S; s++) {
    for (let d = 5; d < D; d++) {
      const k = s * D + d;
      const T = (dv[k - 5]! + dv[k - 4]! + dv[k - 3]! + dv[k - 2]! + dv[k - 1]!) / 50;
      let cum = 0;
      let cur = -1;
      let bar: number[] = [];
      for (let i = k * M; i < (k + 1) * M; i++) {
        const id = Math.floor(cum / T);
        if (id !== cur) {
          if (cur >= 0) bars.push(bar);
          cur = id;
          bar = [s, d, id, c.open[i]!, c.high[i]!, c.low[i]!, 0, 0, 0];
        } else {
          bar[4] = Math.max(bar[4]!, c.high[i]!);
          bar[5] = Math.min(bar[5]!, c.low[i]!);
        }
        bar[6] = c.close[i]!;
        bar[7]! += c.volume[i]!;
        bar[8]! += c.amount[i]!;
        cum += c.volume[i]!;
      }
      bars.push(bar);
    }
  }
  return bars;
}

describe('equalVolumeBarsBatch', () => {
  const S = 7;
  const D = 9;
  const M = 240;
  const n = S * D * M;
  const cols = {
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    amount: new Float64Array(n),
    time: new Int32Array(n),
  };
  for (let s = 0; s < S; s++) {
    const rng = new Rng(7, 'batch', s);
    let p = 10 + rng.uniform() * 20;
    for (let d = 0; d < D; d++) {
      const level = Math.exp(rng.normal(0, 0.5));
      for (let m = 0; m < M; m++) {
        const i = (s * D + d) * M + m;
        const o = p;
        p *= Math.exp(rng.normal(0, 0.002));
        const burst = rng.uniform() < 0.01 ? 40 : 1; // single minutes that complete several multiples
        const v = rng.uniform() < 0.1 ? 0 : 100 * Math.round(rng.exponential(1 / 30) * level * burst);
        cols.open[i] = o;
        cols.close[i] = p;
        cols.high[i] = Math.max(o, p) * (1 + rng.uniform() * 1e-3);
        cols.low[i] = Math.min(o, p) * (1 - rng.uniform() * 1e-3);
        cols.volume[i] = v;
        cols.amount[i] = v * (o + p) * 0.5;
        cols.time[i] = MINUTE_BAR_END_TIMES[m]!;
      }
    }
  }
  const dayStarts = Int32Array.from({ length: S * D + 1 }, (_, k) => k * M);
  const stockStarts = Int32Array.from({ length: S + 1 }, (_, s) => s * D);

  it('with trailing sizes (5 days, 10 bars a day) reproduces the factor-bench harness (5-day total / 50) bar for bar', () => {
    const ref = harnessBars(S, D, M, cols);
    const b = equalVolumeBarsBatch(cols, dayStarts, { lookback: 5, barNum: 10, stockStarts });
    expect(b.n).toBe(ref.length);
    for (let j = 0; j < b.n; j++) {
      const [s, d, id, o, h, l, c, v, a] = ref[j]!;
      const k = s! * D + d!;
      expect(j >= b.dayBarStarts[k]! && j < b.dayBarStarts[k + 1]!).toBe(true);
      expect([b.id[j], b.open[j], b.high[j], b.low[j], b.close[j], b.volume[j]]).toEqual([id, o, h, l, c, v]);
      expect(b.vwap[j]).toBe(a! / v!);
    }
    // stock-days 0..4 of every stock have no size and no bars
    for (let s = 0; s < S; s++) {
      for (let d = 0; d < 5; d++) {
        const k = s * D + d;
        expect(b.barVolumes[k]).toBeNaN();
        expect(b.dayBarStarts[k + 1]! - b.dayBarStarts[k]!).toBe(0);
      }
    }
  });

  it('with explicit sizes equals equalVolumeBars day by day, sizes from equalVolumeBarSize', () => {
    const b = equalVolumeBarsBatch(cols, dayStarts, { lookback: 5, barNum: 50, stockStarts });
    for (let s = 0; s < S; s++) {
      const daily = Array.from({ length: D }, (_, d) => b.dailyVolumes[s * D + d]!);
      for (let d = 0; d < D; d++) {
        const k = s * D + d;
        const size = equalVolumeBarSize(daily, 50, { day: d, lookback: 5 });
        if (d < 5) {
          expect(size).toBeNaN();
          continue;
        }
        expect(b.barVolumes[k]).toBe(size);
        const frame = allocMinuteBars(M);
        for (const f of ['open', 'high', 'low', 'close', 'volume', 'amount'] as const) {
          frame[f] = cols[f].subarray(k * M, (k + 1) * M);
        }
        frame.time = cols.time.subarray(k * M, (k + 1) * M);
        const one = equalVolumeBars(frame, size);
        const from = b.dayBarStarts[k]!;
        const to = b.dayBarStarts[k + 1]!;
        expect(Array.from(b.close.subarray(from, to))).toEqual(Array.from(one.close));
        expect(Array.from(b.endTime.subarray(from, to))).toEqual(Array.from(one.endTime));
        expect(b.partial[to - 1] === 1).toBe(one.lastPartial);
      }
    }
    const explicit = equalVolumeBarsBatch(cols, dayStarts, b.barVolumes);
    expect(explicit.n).toBe(b.n);
    expect(Array.from(explicit.vwap.subarray(0, explicit.n))).toEqual(Array.from(b.vwap.subarray(0, b.n)));
  });

  it('has no look-ahead: changing later days leaves earlier bars and sizes bit-identical', () => {
    const before = equalVolumeBarsBatch(cols, dayStarts, { lookback: 5, barNum: 50, stockStarts });
    const changed = { ...cols, volume: cols.volume.slice(), high: cols.high.slice() };
    // perturb stock 3 from day 7 on
    for (let i = (3 * D + 7) * M; i < 4 * D * M; i++) {
      changed.volume[i] = changed.volume[i]! * 3 + 100;
      changed.high[i] = changed.high[i]! * 1.01;
    }
    const after = equalVolumeBarsBatch(changed, dayStarts, { lookback: 5, barNum: 50, stockStarts });
    const lastSame = before.dayBarStarts[3 * D + 7]!;
    expect(after.dayBarStarts[3 * D + 7]).toBe(lastSame);
    for (const f of ['open', 'high', 'low', 'close', 'volume', 'vwap'] as const) {
      expect(Array.from(after[f].subarray(0, lastSame))).toEqual(Array.from(before[f].subarray(0, lastSame)));
    }
    expect(Array.from(after.barVolumes.subarray(0, 3 * D + 8))).toEqual(
      Array.from(before.barVolumes.subarray(0, 3 * D + 8)),
    );
    // ...and the day after the change does see it (the test can fail)
    expect(after.barVolumes[3 * D + 8]).not.toBe(before.barVolumes[3 * D + 8]);
  });

  it('skips days with a NaN size, drops partial bars on request, and reports progress', () => {
    const sizes = new Float64Array(S * D).fill(5000);
    sizes[2] = NaN;
    const events: number[] = [];
    const b = equalVolumeBarsBatch(cols, dayStarts, sizes, {
      partial: 'drop',
      onProgress: (e) => events.push(e.done),
    });
    expect(b.dayBarStarts[3]! - b.dayBarStarts[2]!).toBe(0);
    for (let j = 0; j < b.n; j++) expect(b.partial[j]).toBe(0);
    expect(events.at(-1)).toBe(S * D);
  });
});

describe('barNum is bars per day (the study: bar_num, bars wanted per day)', () => {
  // 2 stocks x 8 days x 240 minutes, 100 shares every minute: 24,000 a day.
  const S = 2;
  const D = 8;
  const M = 240;
  const n = S * D * M;
  const flat = () => new Float64Array(n).fill(10);
  const cols = {
    open: flat(),
    high: flat(),
    low: flat(),
    close: flat(),
    volume: new Float64Array(n).fill(100),
    amount: new Float64Array(n).fill(1000),
    time: Int32Array.from({ length: n }, (_, i) => MINUTE_BAR_END_TIMES[i % M]!),
  };
  const dayStarts = Int32Array.from({ length: S * D + 1 }, (_, k) => k * M);
  const stockStarts = Int32Array.from({ length: S + 1 }, (_, s) => s * D);

  it('sizes = mean daily volume of the 5 days before / barNum, in all three sizers', () => {
    expect(equalVolumeBarSize([24_000, 24_000, 24_000, 24_000, 24_000], 50)).toBe(480);
    expect(equalVolumeBarSize([10_000, 20_000, 30_000, 40_000, 50_000], 10, { lookback: 5 })).toBe(3_000);
    expect(equalVolumeBarSize([10_000, 20_000, 30_000], 4, { lookback: 2 })).toBe(6_250);
    const sizes = trailingBarSizes(new Float64Array(S * D).fill(24_000), stockStarts, 50);
    expect(Array.from(sizes.subarray(5, D))).toEqual([480, 480, 480]);
    const panel = equalVolumeBarSizes(
      new Panel(
        Int32Array.from({ length: D }, (_, t) => 20250102 + t),
        ['a'],
        new Float64Array(D).fill(24_000),
      ),
      50,
    );
    expect(Array.from(panel.values.subarray(5))).toEqual([480, 480, 480]);
  });

  it('gives barNum bars a day from trailing sizes (50 -> 50 bars on each sized day, not 10)', () => {
    const b = equalVolumeBarsBatch(cols, dayStarts, { lookback: 5, barNum: 50, stockStarts });
    for (let s = 0; s < S; s++) {
      for (let d = 0; d < D; d++) {
        const k = s * D + d;
        const bars = b.dayBarStarts[k + 1]! - b.dayBarStarts[k]!;
        expect(bars).toBe(d < 5 ? 0 : 50);
        if (d >= 5) expect(b.barVolumes[k]).toBe(480);
      }
    }
  });
});
