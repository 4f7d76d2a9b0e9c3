import { describe, expect, it } from 'vitest';
import { FactorCube } from './factor-cube.js';
import { Panel } from './panel.js';

describe('FactorCube', () => {
  const dates = [20250102, 20250103];
  const assets = ['A', 'B', 'C'];
  it('lays out each day as assets x factors, row-major by asset', () => {
    const c = new FactorCube(dates, assets, ['f', 'g']);
    c.set(1, 2, 1, 5);
    expect(c.day(1)[2 * 2 + 1]).toBe(5);
    expect(c.get(1, 2, 1)).toBe(5);
    expect(Number.isNaN(c.get(0, 0, 0))).toBe(true);
    expect(c.day(0)).not.toBe(c.day(1)); // separate allocations per day
  });
  it('round-trips panels and selects factors', () => {
    const f = Panel.fromRows(dates, assets, [
      [1, 2, 3],
      [4, NaN, 6],
    ]);
    const g = Panel.fromRows(dates, assets, [
      [7, 8, 9],
      [10, 11, 12],
    ]);
    const c = FactorCube.fromPanels({ f, g });
    expect([...c.day(1)]).toEqual([4, 10, NaN, 11, 6, 12]);
    expect([...c.factorPanel('g').values]).toEqual([...g.values]);
    const s = c.selectFactors(['g']);
    expect([...s.day(0)]).toEqual([7, 8, 9]);
    expect(() => c.selectFactors(['h'])).toThrowError(/no factor h/);
  });
  it('checks shapes', () => {
    expect(
      () => new FactorCube(dates, assets, ['f'], [new Float32Array(3), new Float32Array(2)]),
    ).toThrowError(/expected 3 assets x 1 factors/);
    expect(() => new FactorCube(dates, assets, ['f', 'f'])).toThrowError(/unique/);
  });
});
