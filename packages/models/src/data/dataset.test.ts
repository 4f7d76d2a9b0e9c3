import { readFileSync } from 'node:fs';
import { FactorCube, HfqError, Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../test-utils/synthetic.js';
import { StockDataset } from './dataset.js';

interface Fixture {
  dates: number[];
  assets: string[];
  factors: string[];
  cube: (number | null)[];
  close: (number | null)[];
  adj: (number | null)[];
  window: number;
  horizon: number;
  t: number;
  rows: number[];
  x: number[];
  rawY: (number | null)[];
  y: (number | null)[];
  seq: (number | null)[];
  seqLag2: (number | null)[];
  labelEndDate: number;
  labelEndDateSeqLag5: number | null;
}

const fx = JSON.parse(
  readFileSync(new URL('../__fixtures__/dataset_fixture.json', import.meta.url), 'utf8'),
) as Fixture;
const num = (v: number | null) => (v === null ? Number.NaN : v);

function fixtureData() {
  const A = fx.assets.length;
  const F = fx.factors.length;
  const days = fx.dates.map((_, t) => Float32Array.from(fx.cube.slice(t * A * F, (t + 1) * A * F), num));
  const cube = new FactorCube(fx.dates, fx.assets, fx.factors, days);
  const close = new Panel(fx.dates, fx.assets, Float64Array.from(fx.close, num));
  const adj = new Panel(fx.dates, fx.assets, Float64Array.from(fx.adj, num));
  return { cube, close, adj };
}

describe('StockDataset against the numpy fixture', () => {
  const { cube, close, adj } = fixtureData();
  const ds = new StockDataset(
    cube,
    { close, adjFactor: adj },
    { window: fx.window, label: { horizon: fx.horizon }, stride: 1, minStocks: 3 },
  );

  it('standardises each day across stocks, NaN -> 0, and drops stocks with too much missing', () => {
    const cs = ds.crossSection(fx.t, 'both');
    expect(Array.from(cs.assets)).toEqual(fx.rows);
    expect(cs.x.length).toBe(fx.x.length);
    for (let i = 0; i < fx.x.length; i++) expect(cs.x[i]).toBeCloseTo(fx.x[i]!, 5);
  });

  it('builds labels from the adjusted close and masks the missing one', () => {
    const cs = ds.crossSection(fx.t, 'both');
    for (let i = 0; i < cs.n; i++) {
      const raw = num(fx.rawY[i]!);
      if (Number.isNaN(raw)) {
        expect(cs.rawY![i]).toBeNaN();
        expect(cs.yMask![i]).toBe(0);
        expect(cs.y![i]).toBe(0);
      } else {
        expect(cs.rawY![i]).toBeCloseTo(raw, 12);
        expect(cs.yMask![i]).toBe(1);
        expect(cs.y![i]).toBeCloseTo(num(fx.y[i]!), 5);
      }
    }
    for (let i = 0; i < fx.seq.length; i++) {
      const v = num(fx.seq[i]!);
      if (Number.isNaN(v)) expect(cs.seqMask![i]).toBe(0);
      else expect(cs.seq![i]).toBeCloseTo(v, 5);
    }
    expect(ds.labelEndDate(fx.t)).toBe(fx.labelEndDate);
  });

  it("sequence labels start at day T+1 by default; sequenceLag 2 shifts them to the total label's days", () => {
    const lagged = new StockDataset(
      cube,
      { close, adjFactor: adj },
      { window: fx.window, label: { horizon: fx.horizon, sequenceLag: 2 }, stride: 1, minStocks: 3 },
    );
    expect(ds.timing.sequenceLag).toBe(1);
    const a = ds.crossSection(fx.t, 'sequence');
    const b = lagged.crossSection(fx.t, 'sequence');
    for (let i = 0; i < fx.seqLag2.length; i++) {
      const v = num(fx.seqLag2[i]!);
      if (Number.isNaN(v)) expect(b.seqMask![i]).toBe(0);
      else expect(b.seq![i]).toBeCloseTo(v, 5);
    }
    // the two timings do differ on this fixture
    expect(Array.from(b.seq!)).not.toEqual(Array.from(a.seq!));
    // the total label and its end do not move with the sequence lag 2 (T+3 either way)
    expect(lagged.labelEndDate(fx.t)).toBe(ds.labelEndDate(fx.t));
  });

  it('a sequence ending after the total label moves the label end and leaves the sample out', () => {
    const late = new StockDataset(
      cube,
      { close, adjFactor: adj },
      { window: fx.window, label: { horizon: fx.horizon, sequenceLag: 5 }, stride: 1, minStocks: 3 },
    );
    expect(fx.labelEndDateSeqLag5).toBeNull();
    expect(late.labelEndDate(fx.t)).toBe(Number.POSITIVE_INFINITY);
    // row 1: the total label ends at row 1 + 1 + 2 = 4, the sequence (days T+5, T+6) at row 7
    expect(late.labelEndDate(1)).toBe(fx.dates[7]);
    expect(ds.labelEndDate(1)).toBe(fx.dates[4]);
    expect(Array.from(late.trainableSamples())).not.toContain(fx.t);
    expect(Array.from(ds.trainableSamples())).toContain(fx.t);
    expect(() => new StockDataset(cube, { close }, { window: fx.window, label: { sequenceLag: 0 } })).toThrow(
      /sequenceLag/,
    );
  });

  it('requireLabel leaves out stocks without a label', () => {
    const cs = ds.crossSection(fx.t, 'total', true);
    expect(Array.from(cs.assets)).toEqual(fx.rows.filter((_, i) => fx.rawY[i] !== null));
  });

  it('gives the same labels from daily returns as from prices', () => {
    const A = fx.assets.length;
    const adjClose = Float64Array.from(fx.close, (v, i) => num(v) * num(fx.adj[i]!));
    const daily = new Float64Array(adjClose.length).fill(Number.NaN);
    for (let t = 1; t < fx.dates.length; t++) {
      for (let a = 0; a < A; a++) daily[t * A + a] = adjClose[t * A + a]! / adjClose[(t - 1) * A + a]! - 1;
    }
    const ds2 = new StockDataset(
      cube,
      { dailyReturn: new Panel(fx.dates, fx.assets, daily) },
      { window: fx.window, label: { horizon: fx.horizon }, stride: 1, minStocks: 3 },
    );
    const a = ds.crossSection(fx.t, 'both');
    const b = ds2.crossSection(fx.t, 'both');
    for (let i = 0; i < a.n; i++) {
      if (Number.isNaN(a.rawY![i]!)) expect(b.rawY![i]).toBeNaN();
      else expect(b.rawY![i]).toBeCloseTo(a.rawY![i]!, 12);
    }
    expect(Array.from(b.seqMask!)).toEqual(Array.from(a.seqMask!));
  });

  it('a forward-return panel gives the total label but no sequence', () => {
    const fwd = Panel.alloc(fx.dates, fx.assets, 'float64');
    fwd.set(fx.t, 2, 0.05);
    const ds3 = new StockDataset(
      cube,
      { forwardReturn: fwd },
      { window: fx.window, stride: 1, minStocks: 3 },
    );
    expect(ds3.hasSequence).toBe(false);
    const cs = ds3.crossSection(fx.t, 'total');
    expect(cs.rawY![cs.assets.indexOf(2)]).toBe(0.05);
    expect(() => ds3.crossSection(fx.t, 'sequence')).toThrow(/forward-return/);
  });

  it('rejects non-positive prices and dates missing from the returns panel', () => {
    const bad = close.clone();
    bad.set(fx.t + 1, 3, -1);
    const dsBad = new StockDataset(
      cube,
      { close: bad },
      { window: fx.window, label: { horizon: 2 }, stride: 1 },
    );
    expect(() => dsBad.crossSection(fx.t, 'total')).toThrow(HfqError);
    const short = close.sliceDates(1);
    try {
      new StockDataset(cube, { close: short }, { window: fx.window });
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'MODELS_DATA')).toBe(true);
    }
  });
});

describe('StockDataset options', () => {
  const mk = syntheticMarket({ nAssets: 30, nDates: 60, nFactors: 4, missing: 0 });

  it('samples every stride-th day from the first full window', () => {
    const ds = new StockDataset(mk.factors, { close: mk.close }, { window: 10, stride: 5 });
    expect(Array.from(ds.sampleIndices.subarray(0, 3))).toEqual([9, 14, 19]);
    expect(() => ds.crossSection(8)).toThrow(/window/);
  });

  it('selects and orders features by name', () => {
    const ds = new StockDataset(mk.factors, { close: mk.close }, { window: 5, features: ['f2', 'f0'] });
    const full = new StockDataset(mk.factors, { close: mk.close }, { window: 5 });
    const a = ds.crossSection(10);
    const b = full.crossSection(10);
    expect(a.x[0]).toBe(b.x[2]);
    expect(a.x[1]).toBe(b.x[0]);
    expect(() => new StockDataset(mk.factors, { close: mk.close }, { features: ['nope'] })).toThrow(/nope/);
  });

  it('restricts cross-sections and statistics to the universe', () => {
    const universe = Panel.alloc(mk.factors.dates, mk.factors.assets, 'float64', 1);
    for (let t = 0; t < universe.nDates; t++) universe.set(t, 0, 0);
    const ds = new StockDataset(mk.factors, { close: mk.close }, { window: 5, universe });
    const cs = ds.crossSection(20, 'total');
    expect(cs.assets.includes(0)).toBe(false);
    expect(cs.n).toBe(29);
    // standardised over the 29: each factor of the last day has mean ~0 across them
    let m = 0;
    for (let i = 0; i < cs.n; i++) m += cs.x[(i * 5 + 4) * 4]!;
    expect(Math.abs(m / cs.n)).toBeLessThan(1e-6);
  });

  it('rank labels are z-scored ranks', () => {
    const ds = new StockDataset(mk.factors, { close: mk.close }, { window: 5, labelTransform: 'rank' });
    const cs = ds.crossSection(20, 'total');
    const sorted = Array.from(cs.y!).sort((a, b) => a - b);
    const step = sorted[1]! - sorted[0]!;
    for (let i = 2; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeCloseTo(step, 5);
  });
});
