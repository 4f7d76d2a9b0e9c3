import { describe, expect, it } from 'vitest';
import { FactorCube, type HfqError, Panel, type ProgressEvent, Rng } from '../index.js';
import { codeOf } from '../test-utils/error-code.js';
import { dec, expectClose, fixtures } from './__fixtures__/load.js';
import { type PreprocessStep, preprocessCube, preprocessPanel } from './pipeline.js';

const fx = fixtures.panel;
const dates: number[] = fx.dates;
const assets: string[] = fx.assets;
const nA = assets.length;
const values = () => new Panel(dates, assets, dec(fx.values));
const industry = dec(fx.industry);
const marketCap = () => new Panel(dates, assets, dec(fx.marketCap));

const steps: PreprocessStep[] = [
  { op: 'winsorize', k: 3 },
  { op: 'neutralize' },
  { op: 'zscore' },
  { op: 'fill', method: 'zero' },
];

describe('preprocessPanel', () => {
  it('winsorize -> neutralize -> zscore -> fill matches the numpy reference day by day', () => {
    const input = values();
    const before = input.values.slice();
    const out = preprocessPanel(input, steps, { exposures: { industry, marketCap: marketCap() } });
    expectClose(out.values, dec(fx.expected), 1e-9, 1e-9);
    expect(input.values).toEqual(before); // input untouched
    expect(Array.from(out.dates)).toEqual(dates);
  });

  it('accepts industry as a dates x assets panel (classification changing over time)', () => {
    const indPanel = Panel.fromRows(
      dates,
      assets,
      dates.map(() => industry),
    );
    const a = preprocessPanel(values(), steps, { exposures: { industry: indPanel, marketCap: marketCap() } });
    const b = preprocessPanel(values(), steps, { exposures: { industry, marketCap: marketCap() } });
    expect(a.values).toEqual(b.values);
  });

  it('has no look-ahead: perturbing later days (values and exposures) leaves earlier days bit-identical', () => {
    const rng = new Rng(7, 'preprocess-lookahead');
    const indPanel = Panel.fromRows(
      dates,
      assets,
      dates.map(() => industry),
    );
    const run = (v: Panel, cap: Panel, ind: Panel) =>
      preprocessPanel(v, [...steps, { op: 'rankGauss' }, { op: 'fill', method: 'industryMedian' }], {
        exposures: { industry: ind, marketCap: cap },
      });
    const base = run(values(), marketCap(), indPanel);
    for (let cut = 1; cut < dates.length; cut++) {
      const v = values();
      const cap = marketCap();
      const ind = indPanel.clone();
      for (let t = cut; t < dates.length; t++) {
        for (let a = 0; a < nA; a++) {
          v.set(t, a, rng.normal() * 100);
          cap.set(t, a, Math.exp(20 + 5 * rng.uniform()));
          ind.set(t, a, Math.floor(rng.uniform() * 3));
        }
      }
      const pert = run(v, cap, ind);
      const n = cut * nA;
      expect(pert.values.subarray(0, n)).toEqual(base.values.subarray(0, n));
      expect(pert.values.subarray(n)).not.toEqual(base.values.subarray(n));
    }
  });

  it('reports progress in days and stops with ABORTED on a signal', () => {
    const events: ProgressEvent[] = [];
    preprocessPanel(values(), [{ op: 'zscore' }], { onProgress: (e) => events.push(e) });
    expect(events.at(-1)).toMatchObject({
      stage: 'preprocess',
      done: dates.length,
      total: dates.length,
      unit: 'days',
    });
    const ac = new AbortController();
    ac.abort();
    expect(codeOf(() => preprocessPanel(values(), [{ op: 'zscore' }], { signal: ac.signal }))).toBe(
      'ABORTED',
    );
  });

  it('checks steps and exposures before doing any work', () => {
    const v = values();
    expect(codeOf(() => preprocessPanel(v, [{ op: 'demean' } as never]))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => preprocessPanel(v, [{ op: 'winsorize', k: -1 }]))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => preprocessPanel(v, [{ op: 'neutralize' }], { exposures: { industry } }))).toBe(
      'DSL_PREPROCESS_MISSING_INPUT',
    );
    expect(codeOf(() => preprocessPanel(v, [{ op: 'neutralize', industry: false }], {}))).toBe(
      'DSL_PREPROCESS_MISSING_INPUT',
    );
    expect(codeOf(() => preprocessPanel(v, [{ op: 'fill', method: 'industryMedian' }]))).toBe(
      'DSL_PREPROCESS_MISSING_INPUT',
    );
    expect(
      codeOf(() =>
        preprocessPanel(v, [{ op: 'neutralize', industry: false, styles: ['beta'] }], {
          exposures: { marketCap: marketCap() },
        }),
      ),
    ).toBe('DSL_PREPROCESS_MISSING_INPUT');
    const shortCap = marketCap().sliceDates(0, 2);
    expect(codeOf(() => preprocessPanel(v, steps, { exposures: { industry, marketCap: shortCap } }))).toBe(
      'DSL_PREPROCESS_NO_DATE',
    );
    const otherAssets = new Panel(dates, [...assets].reverse(), dec(fx.marketCap));
    expect(codeOf(() => preprocessPanel(v, steps, { exposures: { industry, marketCap: otherAssets } }))).toBe(
      'DSL_PREPROCESS_SHAPE',
    );
    expect(
      codeOf(() =>
        preprocessPanel(v, steps, { exposures: { industry: industry.subarray(1), marketCap: marketCap() } }),
      ),
    ).toBe('DSL_PREPROCESS_SHAPE');
    const badCap = marketCap();
    badCap.set(2, 4, -5);
    const e = (() => {
      try {
        preprocessPanel(v, steps, { exposures: { industry, marketCap: badCap } });
      } catch (err) {
        return err as HfqError;
      }
      return undefined;
    })();
    expect(e?.code).toBe('DSL_PREPROCESS_BAD_EXPOSURE');
    expect(e?.context).toMatchObject({ field: 'marketCap', asset: 4, date: dates[2] });
  });

  it('neutralizes on style exposures by name', () => {
    const beta = Panel.fromRows(
      dates,
      assets,
      dates.map((_, t) => assets.map((_, a) => Math.sin(a + t))),
    );
    const out = preprocessPanel(
      values(),
      [{ op: 'neutralize', industry: false, size: false, styles: ['beta'] }],
      {
        exposures: { styles: { beta } },
      },
    );
    for (let t = 0; t < dates.length; t++) {
      const r = out.row(t);
      const b = beta.row(t);
      let dot = 0;
      let sum = 0;
      for (let a = 0; a < nA; a++) {
        if (Number.isNaN(r[a]!)) continue;
        dot += r[a]! * b[a]!;
        sum += r[a]!;
      }
      expect(Math.abs(dot)).toBeLessThan(1e-12);
      expect(Math.abs(sum)).toBeLessThan(1e-12);
    }
  });
});

describe('preprocessCube', () => {
  it('processes the named factors of a float32 cube per day and copies the others', () => {
    const p = values();
    const other = p.map((v) => v * 2);
    const cube = FactorCube.fromPanels({ a: p, b: other });
    const before = cube.day(1).slice();
    const out = preprocessCube(cube, [{ op: 'rankGauss' }, { op: 'fill', method: 'industryMedian' }], {
      exposures: { industry },
      factors: ['a'],
    });
    expect(out.factors).toEqual(['a', 'b']);
    expectClose(out.factorPanel('a').values, dec(fixtures.cube.expected), 0, 0);
    expect(out.factorPanel('b').values).toEqual(cube.factorPanel('b').values);
    expect(cube.day(1)).toEqual(before);
    expect(out.day(0)).toBeInstanceOf(Float32Array);
  });

  it('gives each factor the same result as preprocessing its panel alone (rounded to float32)', () => {
    const p = values();
    const q = p.map((v, t, a) => v * v - a + t);
    const cube = FactorCube.fromPanels({ p, q });
    const ex = { exposures: { industry, marketCap: marketCap() } };
    const out = preprocessCube(cube, steps, ex);
    for (const name of ['p', 'q']) {
      const alone = preprocessPanel(cube.factorPanel(name), steps, ex);
      expectClose(out.factorPanel(name).values, Float64Array.from(Float32Array.from(alone.values)), 0, 0);
    }
  });

  it('rejects an unknown factor name', () => {
    const cube = FactorCube.fromPanels({ a: values() });
    expect(codeOf(() => preprocessCube(cube, [{ op: 'zscore' }], { factors: ['zz'] }))).toBe('NOT_FOUND');
  });
});
