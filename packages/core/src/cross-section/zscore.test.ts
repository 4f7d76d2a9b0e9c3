import { describe, expect, it } from 'vitest';
import { codeOf } from '../test-utils/error-code.js';
import { zscore, zscoreInPlace, zscoreMoments } from './zscore.js';

/** The optimizer's style-exposure rule (Barra): population sd, NaN when constant. */
const BARRA = { ddof: 0, constant: 'nan' } as const;
/** The models' rule for labels and features: population sd, a constant cross-section -> 0. */
const MODELS = { ddof: 0, constant: 'zero' } as const;

describe('zscoreInPlace with cap weights and restandardising clip (the Barra rule, from optimizer)', () => {
  it('centres on the cap-weighted mean and scales by the equal-weighted std (by hand)', () => {
    const x = new Float64Array([1, 2, 3, Number.NaN]);
    zscoreInPlace(x, { ...BARRA, weights: [1, 1, 2, 5], clip: Number.POSITIVE_INFINITY });
    // cap mean (1 + 2 + 6) / 4 = 2.25; population std around the mean 2: sqrt(2/3).
    const sd = Math.sqrt(2 / 3);
    expect(x[0]).toBeCloseTo((1 - 2.25) / sd, 15);
    expect(x[1]).toBeCloseTo((2 - 2.25) / sd, 15);
    expect(x[2]).toBeCloseTo((3 - 2.25) / sd, 15);
    expect(Number.isNaN(x[3]!)).toBe(true);
  });

  it('clips at +-clip and standardises again; fewer than 2 values give NaN', () => {
    const x = new Float64Array(50).map((_, i) => (i === 0 ? 100 : i % 5));
    zscoreInPlace(x, { ...BARRA, weights: new Float64Array(50).fill(1), clip: 3, clipMode: 'restandardize' });
    let mean = 0;
    for (const v of x) mean += v / 50;
    expect(mean).toBeCloseTo(0, 12);
    let ss = 0;
    for (const v of x) ss += v * v;
    expect(Math.sqrt(ss / 50)).toBeCloseTo(1, 9);
    expect(x[0]!).toBeLessThanOrEqual(3 * (1 + 1e-6)); // clipped until it stays inside +-3
    const one = new Float64Array([5, Number.NaN]);
    zscoreInPlace(one, { ...BARRA, weights: [1, 1], clip: 3, clipMode: 'restandardize' });
    expect(Array.from(one).every(Number.isNaN)).toBe(true);
  });
});

describe('zscoreInPlace with the models rule (population sd, constant -> 0, clip once)', () => {
  it('z-scores by hand and clips once at +-clip', () => {
    const x = Float64Array.of(1, 2, 3, 4, 100);
    zscoreInPlace(x, { ...MODELS, clip: 1.5 });
    const mean = 22;
    const sd = Math.sqrt(
      ((1 - mean) ** 2 + (2 - mean) ** 2 + (3 - mean) ** 2 + (4 - mean) ** 2 + 78 ** 2) / 5,
    );
    expect(x[0]).toBeCloseTo((1 - mean) / sd, 14);
    expect(x[3]).toBeCloseTo((4 - mean) / sd, 14);
    expect(x[4]).toBe(1.5);
  });

  it('a constant cross-section gives 0 for every value, missing values stay NaN', () => {
    const x = Float64Array.of(0.1, 0.1, NaN, 0.1);
    zscoreInPlace(x, MODELS);
    expect(Array.from(x)).toEqual([0, 0, NaN, 0]);
    const one = Float32Array.of(NaN, 7);
    zscoreInPlace(one, MODELS);
    expect(Array.from(one)).toEqual([NaN, 0]);
  });

  it('treats +-Infinity as missing: NaN out, no part in the moments', () => {
    const x = Float64Array.of(1, Infinity, 3, -Infinity);
    zscoreInPlace(x, { ...MODELS, clip: 5 });
    expect(Array.from(x)).toEqual([-1, NaN, 1, NaN]);
  });

  it('float32 input is computed in float64 and stored rounded', () => {
    const x32 = Float32Array.of(0.1, 0.2, 0.7);
    zscoreInPlace(x32, MODELS);
    expect(Array.from(x32)).toEqual(
      Array.from(Float32Array.from(zscore([0.1, 0.2, 0.7].map(Math.fround), MODELS))),
    );
  });
});

describe('zscoreMoments', () => {
  it('restricts to `include`, reports sd 0 without dispersion', () => {
    expect(zscoreMoments([1, 3, 100, NaN], { ddof: 0, include: [1, 1, 0, 1] })).toEqual({
      count: 2,
      centre: 2,
      sd: 1,
    });
    // The rounded mean is 0.10000000000000002: sd is still exactly 0 (constancy tested by min === max).
    const c = zscoreMoments([0.1, 0.1, 0.1], { ddof: 0 });
    expect(c.sd).toBe(0);
    expect(c.centre).toBeCloseTo(0.1, 15);
    expect(zscoreMoments([NaN], { ddof: 1 }).count).toBe(0);
  });
});

describe('z-score options are checked', () => {
  it('rejects a bad constant, clip or clipMode and mismatched weights with typed errors', () => {
    expect(codeOf(() => zscore([1, 2], { constant: 'mean' as never }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => zscore([1, 2], { clip: 0 }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => zscore([1, 2], { clip: NaN }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => zscore([1, 2], { clipMode: 'twice' as never }))).toBe('DSL_PREPROCESS_OPTION');
    expect(codeOf(() => zscore([1, 2], { weights: [1] }))).toBe('DSL_PREPROCESS_SHAPE');
    expect(codeOf(() => zscoreMoments([1, 2], { include: [1] }))).toBe('DSL_PREPROCESS_SHAPE');
  });
});
