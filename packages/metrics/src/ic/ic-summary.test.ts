import { describe, expect, it } from 'vitest';
import { expectClose, reference } from '../test-utils/reference.js';
import { icSummary } from './ic-summary.js';

describe('icSummary matches numpy', () => {
  for (const c of reference.summary) {
    it(c.name, () => {
      const s = icSummary(c.series);
      for (const k of ['mean', 'std', 'ir', 'positiveRatio', 'tStat'] as const)
        expectClose(s[k], c.summary[k], 1e-9, k);
      expect(s.count).toBe(c.summary.count);
    });
  }

  it('ir is mean / std, not annualised, and tStat = ir * sqrt(n)', () => {
    const s = icSummary([0.1, 0.05, 0.12, -0.02]);
    expect(s.ir).toBeCloseTo(s.mean / s.std, 15);
    expect(s.tStat).toBeCloseTo(s.ir * 2, 14);
  });
});

describe('icSummary at extreme but finite scales', () => {
  // numpy: v = [0.03, -0.01, 0.05, 0.02, -0.04]; mean(v) = 0.01, std(v, ddof=1) = 0.035355339059327376,
  // so v * 1e200 has mean 1e198 and std 3.535533905932738e198 (np.std(v * 1e200, ddof=1) is inf).
  const v = [0.03, -0.01, 0.05, 0.02, -0.04];
  it.each([1e200, 1e-200])('scale %s', (s) => {
    const r = icSummary(v.map((a) => a * s));
    expect(r.mean / s).toBeCloseTo(0.01, 15);
    expect(r.std / s).toBeCloseTo(0.035355339059327376, 15);
    expect(r.ir).toBeCloseTo(0.282842712474619, 14);
  });
});
