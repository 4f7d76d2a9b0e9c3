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
