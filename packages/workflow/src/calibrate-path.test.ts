/**
 * The predicted path in return units: the calibration against an independent numpy
 * implementation (`__fixtures__/calibrate_path_fixture.py`), no look-ahead (changing prices after
 * T leaves every value used at T alone), and the mapping of the path's days onto rebalance steps.
 */
import { readFileSync } from 'node:fs';
import { Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { calibratePath, meanPanels, stepDays, sumDays } from './calibrate-path.js';

interface Fixture {
  dates: number[];
  assets: string[];
  close: (number | null)[];
  adjFactor: (number | null)[];
  scoreDates: number[];
  horizon: number;
  entryLag: number;
  minDates: number;
  scores: (number | null)[][];
  slopes: (number | null)[];
  pastDates: number[];
  days: (number | null)[][];
}
const fx = JSON.parse(
  readFileSync(new URL('./__fixtures__/calibrate_path_fixture.json', import.meta.url), 'utf8'),
) as Fixture;
const nan = (a: (number | null)[]) => Float64Array.from(a, (v) => (v === null ? Number.NaN : v));
const close = new Panel(fx.dates, fx.assets, nan(fx.close));
const adjFactor = new Panel(fx.dates, fx.assets, nan(fx.adjFactor));
const path = {
  entryLag: fx.entryLag,
  days: fx.scores.map((s) => new Panel(fx.scoreDates, fx.assets, nan(s))),
};

function expectClose(actual: Float64Array, expected: (number | null)[]) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    if (e === null) expect(actual[i], `at ${i}`).toBeNaN();
    else expect(actual[i]!, `at ${i}`).toBeCloseTo(e, 12);
  }
}

describe('calibratePath', () => {
  const cal = calibratePath(path, close, { adjFactor, minDates: fx.minDates });

  it('matches the numpy reference: slopes, pooled dates and expected returns', () => {
    expect(Array.from(cal.pastDates)).toEqual(fx.pastDates);
    expectClose(cal.slopes, fx.slopes);
    for (let k = 0; k < fx.horizon; k++) expectClose(cal.days[k]!.values, fx.days[k]!);
    // some dates are calibrated and some are not (the fixture covers both)
    expect(fx.slopes.some((v) => v === null)).toBe(true);
    expect(fx.slopes.some((v) => v !== null)).toBe(true);
  });

  it('does not look ahead: prices after T do not move the path used at T', () => {
    const j = 8;
    const T = fx.scoreDates[j]!;
    const t = close.dateIndex(T);
    const moved = close.map((v, d, a) => (d > t ? v * (1 + 0.3 * Math.sin(d + 7 * a)) : v));
    const other = calibratePath(path, moved, { adjFactor, minDates: fx.minDates });
    const h = fx.horizon;
    for (let r = 0; r <= j; r++) {
      expect(Array.from(other.slopes.subarray(r * h, (r + 1) * h))).toEqual(
        Array.from(cal.slopes.subarray(r * h, (r + 1) * h)),
      );
      for (let k = 0; k < h; k++)
        expect(Array.from(other.days[k]!.row(r))).toEqual(Array.from(cal.days[k]!.row(r)));
    }
    // ...while later dates do move (the perturbation is real)
    expect(Array.from(other.slopes.subarray((j + 2) * h))).not.toEqual(
      Array.from(cal.slopes.subarray((j + 2) * h)),
    );
  });

  it('rejects a score date that is not a trading day and a bad minDates', () => {
    const bad = { entryLag: 1, days: [new Panel([20991231], fx.assets, new Float64Array(fx.assets.length))] };
    expect(() => calibratePath(bad, close, { minDates: 1 })).toThrow(/20991231 is not a trading day/);
    expect(() => calibratePath(path, close, { minDates: 0 })).toThrow(/minDates >= 1/);
  });
});

describe('stepDays', () => {
  it('maps the days of the path onto rebalance steps after the T+1 fill', () => {
    // today's label: days T+2..T+11 (entry lag 1): two full weekly steps
    expect(stepDays(10, 1, 5, 2)).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
    expect(stepDays(10, 1, 5, 64)).toHaveLength(2);
    // days T+1..T+10 (entry lag 0): day T+1 precedes the fill; step 2 holds four days
    expect(stepDays(10, 0, 5, 3)).toEqual([
      [2, 3, 4, 5, 6],
      [7, 8, 9, 10],
    ]);
    expect(stepDays(10, 1, 5, 1)).toEqual([[1, 2, 3, 4, 5]]);
    expect(() => stepDays(3, 10, 5, 2)).toThrow(/no day of the path/);
  });
});

describe('sumDays and meanPanels', () => {
  it('sum the chosen days and average the models over their finite values', () => {
    const d = [20240101, 20240102];
    const a = ['x', 'y'];
    const p = {
      dates: Int32Array.from(d),
      entryLag: 1,
      days: [
        new Panel(d, a, Float64Array.from([1, 2, 3, Number.NaN])),
        new Panel(d, a, Float64Array.from([10, 20, 30, 40])),
      ],
      slopes: new Float64Array(4),
      pastDates: new Int32Array(4),
    };
    expect(Array.from(sumDays(p, [1, 2]).values)).toEqual([11, 22, 33, Number.NaN]);
    expect(Array.from(sumDays(p, [2]).values)).toEqual([10, 20, 30, 40]);
    const m = meanPanels([p.days[0]!, p.days[1]!]);
    expect(Array.from(m.values)).toEqual([5.5, 11, 16.5, 40]);
  });
});
