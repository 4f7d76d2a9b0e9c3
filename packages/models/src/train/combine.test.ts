import { Panel } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { combineScorePanels } from './predictor.js';

describe('combineScorePanels', () => {
  const dates = [20250102, 20250103];
  it('averages per-date z-scores over the panels that score each stock, matched by id', () => {
    const a = Panel.fromRows(
      dates,
      ['x', 'y', 'z'],
      [
        [1, 2, 3],
        [NaN, 5, 7],
      ],
    );
    // same stocks in another order, one stock only in b
    const b = Panel.fromRows(
      dates,
      ['z', 'y', 'x', 'w'],
      [
        [30, 10, 20, 0],
        [1, 1, 1, 1],
      ],
    );
    const c = combineScorePanels([a, b]);
    expect(c.assets).toEqual(['x', 'y', 'z']);
    // day 0: a z-scores (-1.2247, 0, 1.2247); b on x,y,z = (20, 10, 30) -> (0, -1.2247, 1.2247)
    const k = Math.sqrt(1.5);
    expect(c.get(0, 0)).toBeCloseTo(-k / 2, 6);
    expect(c.get(0, 1)).toBeCloseTo(-k / 2, 6);
    expect(c.get(0, 2)).toBeCloseTo(k, 6);
    // day 1: b is constant, so it carries no ranking (z = 0 for all); a skips x (NaN)
    expect(c.get(1, 0)).toBe(0);
    expect(c.get(1, 1)).toBeCloseTo(-0.5, 6);
    expect(c.get(1, 2)).toBeCloseTo(0.5, 6);
  });
  it('weights members and checks its arguments', () => {
    const a = Panel.fromRows(
      dates,
      ['x', 'y'],
      [
        [0, 1],
        [0, 1],
      ],
    );
    const b = Panel.fromRows(
      dates,
      ['x', 'y'],
      [
        [1, 0],
        [1, 0],
      ],
    );
    const c = combineScorePanels([a, b], [3, 1]);
    const none = combineScorePanels([Panel.fromRows([20250102], ['x'], [[NaN]])]);
    expect(none.get(0, 0)).toBeNaN(); // no member scores x
    expect(c.get(0, 1)).toBeCloseTo((3 * 1 + 1 * -1) / 4, 6);
    expect(() => combineScorePanels([])).toThrowError(/needs panels/);
    expect(() => combineScorePanels([a], [1, 2])).toThrowError(/2 weights for 1 panels/);
  });
});
