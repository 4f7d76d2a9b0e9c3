import { FactorCube, Panel, preprocessPanel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { FeatureWindows } from './features.js';

/** One factor over 1 date x `values.length` stocks. */
function oneDay(values: number[]): FactorCube {
  const assets = values.map((_, i) => `S${i}`);
  return new FactorCube([20240102], assets, ['f'], [Float32Array.from(values)]);
}

describe('FeatureWindows: non-finite inputs', () => {
  it('treats +-Infinity as missing like NaN: no part in the statistics, input 0 (not the clip value)', () => {
    const fw = new FeatureWindows(oneDay([1, Infinity, 3, Number.NaN, -Infinity]), {
      window: 1,
      maxMissingShare: 1,
    });
    const s = fw.section(0);
    expect(Array.from(s.assets)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(s.x)).toEqual([-1, 0, 1, 0, 0]);
  });

  it('counts +-Infinity towards maxMissingShare like NaN', () => {
    const fw = new FeatureWindows(oneDay([1, Infinity, 3, Number.NaN, 2]), {
      window: 1,
      maxMissingShare: 0.5,
    });
    expect(Array.from(fw.section(0).assets)).toEqual([0, 2, 4]);
  });
});

describe('FeatureWindows in the preprocessing vocabulary of @hfq/core', () => {
  it("equals preprocessPanel with [zscore { ddof: 0, constant: 'zero', clip }, fill zero]", () => {
    const values = [0.3, -1.2, 40, 2.5, Number.NaN, 0.7, -0.1];
    const fw = new FeatureWindows(oneDay(values), { window: 1, maxMissingShare: 1, clip: 2 });
    const panel = new Panel([20240102], fw.assets, Float64Array.from(values, Math.fround));
    const want = preprocessPanel(panel, [
      { op: 'zscore', ddof: 0, constant: 'zero', clip: fw.clip },
      { op: 'fill', method: 'zero' },
    ]);
    expect(Array.from(fw.section(0).x)).toEqual(Array.from(Float32Array.from(want.row(0))));
  });

  it('a constant feature gives 0 for every stock', () => {
    const fw = new FeatureWindows(oneDay([0.1, 0.1, 0.1]), { window: 1 });
    expect(Array.from(fw.section(0).x)).toEqual([0, 0, 0]);
  });
});
