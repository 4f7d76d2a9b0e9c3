import { describe, expect, it } from 'vitest';
import { HfqError } from '../index.js';
import { dec, type Enc, expectClose, fixtures } from './__fixtures__/load.js';
import { fillMissing } from './fill.js';
import { normalQuantile } from './normal-quantile.js';
import { rankGauss } from './rank-gauss.js';
import { MAD_NORMAL_SCALE, winsorize } from './winsorize.js';
import { zscore } from './zscore.js';

const vectors = Object.entries(fixtures.vectors as Record<string, Record<string, Enc>>);

describe('cross-sectional transforms match numpy/scipy references', () => {
  it('uses the same MAD scale as scipy (1 / ndtri(0.75))', () => {
    expect(MAD_NORMAL_SCALE).toBeCloseTo(fixtures.madScale, 15);
  });

  for (const [name, c] of vectors) {
    it(`${name}: winsorize (k = 5 scaled MAD, k = 2 raw MAD)`, () => {
      const x = dec(c.x!);
      expectClose(winsorize(x), dec(c.winsorize_k5!));
      expectClose(winsorize(x, { k: 2, madScale: 1 }), dec(c.winsorize_k2_raw!));
    });
    it(`${name}: z-score (ddof 1 and 0)`, () => {
      const x = dec(c.x!);
      expectClose(zscore(x), dec(c.zscore_ddof1!));
      expectClose(zscore(x, { ddof: 0 }), dec(c.zscore_ddof0!));
    });
    it(`${name}: rank-gauss`, () => {
      expectClose(rankGauss(dec(c.x!)), dec(c.rankGauss!), 1e-14, 1e-15);
    });
    it(`${name}: fill zero / mean / median`, () => {
      const x = dec(c.x!);
      expectClose(fillMissing(x, { method: 'zero' }), dec(c.fill_zero!), 0, 0);
      expectClose(fillMissing(x, { method: 'mean' }), dec(c.fill_mean!));
      expectClose(fillMissing(x, { method: 'median' }), dec(c.fill_median!), 0, 0);
    });
  }

  it('fills with the industry median, falling back to the cross-sectional median', () => {
    const f = fixtures.fillIndustry;
    const got = fillMissing(dec(f.x), { method: 'industryMedian', industry: dec(f.industry) });
    expectClose(got, dec(f.expected), 0, 0);
  });

  it('normalQuantile matches scipy.special.ndtri from 1e-300 to 1 - 1e-10', () => {
    const p = dec(fixtures.normalQuantile.p);
    const z = dec(fixtures.normalQuantile.z);
    const got = Float64Array.from(p, normalQuantile);
    expectClose(got, z, 1e-14, 1e-15);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});

describe('NaN rules and edge cases', () => {
  it('winsorize leaves a MAD = 0 cross-section unchanged but still turns Infinity into NaN', () => {
    const got = winsorize([0, 0, 0, 100, Infinity]);
    expect(Array.from(got)).toEqual([0, 0, 0, 100, NaN]);
  });

  it('z-score of a near-constant column in float noise is not blown up when exactly constant', () => {
    // 0.1 * 3 / 3 is not 0.1 in floating point: a std-based test would give +-1 here.
    expect(Array.from(zscore([0.1, 0.1, 0.1]))).toEqual([NaN, NaN, NaN]);
  });

  it('rank-gauss maps a constant or single-valued cross-section to 0', () => {
    expect(Array.from(rankGauss([7, 7, NaN, 7]))).toEqual([0, 0, NaN, 0]);
    expect(Array.from(rankGauss([NaN, 1]))).toEqual([NaN, 0]);
  });

  it('rank-gauss preserves order and is symmetric', () => {
    const g = rankGauss([3, -1, 10, 2]);
    expect(g[1]!).toBeLessThan(g[3]!);
    expect(g[3]!).toBeLessThan(g[0]!);
    expect(g[0]!).toBeLessThan(g[2]!);
    expect(g[1]! + g[2]!).toBeCloseTo(0, 15);
  });

  it('writes into `out` and supports in-place use', () => {
    const x = Float64Array.of(1, 2, 3, NaN);
    const same = zscore(x, {}, x);
    expect(same).toBe(x);
    expect(x[0]!).toBeCloseTo(-1, 14);
    expect(x[3]).toBeNaN();
    const out = new Float64Array(4);
    expect(rankGauss([1, 2, 3, 4], out)).toBe(out);
  });

  it('accepts float32 input and computes in float64', () => {
    const x32 = Float32Array.of(0.1, 0.2, 0.7);
    const got = zscore(x32);
    expect(got).toBeInstanceOf(Float64Array);
    expectClose(got, zscore(Array.from(x32)), 0, 0);
  });

  it('rejects bad options with typed errors', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return HfqError.is(e) ? e.code : 'not an HfqError';
      }
      return 'no error';
    };
    expect(codeOf(() => winsorize([1], { k: 0 }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => winsorize([1], { k: NaN }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => winsorize([1], { madScale: -1 }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => zscore([1], { ddof: 2 }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => fillMissing([1], { method: 'mode' as never }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => fillMissing([1], { method: 'industryMedian' }))).toBe('DSL_PREPROCESS_MISSING_INPUT');
    expect(codeOf(() => fillMissing([1, 2], { method: 'industryMedian', industry: [0] }))).toBe(
      'DSL_PREPROCESS_SHAPE',
    );
    expect(codeOf(() => fillMissing([NaN], { method: 'industryMedian', industry: [0.5] }))).toBe(
      'DSL_PREPROCESS_BAD_EXPOSURE',
    );
    expect(codeOf(() => rankGauss([1, 2], new Float64Array(3)))).toBe('DSL_PREPROCESS_SHAPE');
  });
});
