import { describe, expect, it } from 'vitest';
import { studentTwoSidedP } from './distributions.js';

describe('studentTwoSidedP matches scipy 2 * t.sf(|t|, df)', () => {
  // python3 -c "from scipy import stats; print(repr(2 * stats.t.sf(abs(t), df)))"
  const cases: Array<[number, number, number]> = [
    [6.900381498825298, 54, 5.979645660059237e-9],
    [0.5, 3, 0.651447964848151],
    [2.0, 1, 0.2951672353008665],
    [-3.3, 10, 0.008013498113698335],
    [40.0, 300, 2.8524180395311885e-122],
    [1e-3, 1000, 0.9992023150184528],
    [8.0, 5, 0.0004929066605724442],
  ];
  it.each(cases)('t = %s, df = %s', (t, df, p) => {
    const got = studentTwoSidedP(t, df);
    expect(Math.abs(got - p) / p, `${got} vs ${p}`).toBeLessThan(1e-10);
  });

  it('is NaN for NaN input or df <= 0, 0 for an infinite t, 1 at t = 0', () => {
    expect(studentTwoSidedP(Number.NaN, 5)).toBeNaN();
    expect(studentTwoSidedP(1, 0)).toBeNaN();
    expect(studentTwoSidedP(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(studentTwoSidedP(0, 5)).toBe(1);
  });
});

describe('icStatistics on short or constant series', () => {
  it('gives NaN, not a crash or a zero, where scipy has no answer', async () => {
    const { icStatistics } = await import('./stats.js');
    const one = icStatistics([0.1, Number.NaN]);
    expect(one.count).toBe(1);
    expect(one.pValue).toBeNaN();
    expect(one.skew).toBeNaN();
    const flat = icStatistics(new Float64Array([0.05, 0.05, 0.05]));
    expect(flat.skew).toBeNaN();
    expect(flat.kurtosis).toBeNaN();
    expect(() => icStatistics(['0.1', 0.2] as never)).toThrow(/series\[0\] is string/);
  });
});
