import { describe, expect, it } from 'vitest';
import { HfqError } from './errors.js';
import { Panel } from './panel.js';

const dates = [20250102, 20250103, 20250106];
const assets = ['A', 'B'];

describe('Panel', () => {
  it('stores row-major and returns rows as views that share memory', () => {
    const p = Panel.fromRows(dates, assets, [
      [1, 2],
      [3, NaN],
      [5, 6],
    ]);
    const r = p.row(1);
    expect(r.length).toBe(2);
    expect(r.buffer).toBe(p.values.buffer); // a view, not a copy
    r[1] = 4;
    expect(p.get(1, 1)).toBe(4);
    expect(p.values[3]).toBe(4);
    expect([...p.rowOf(20250106)]).toEqual([5, 6]);
  });

  it('allocates all-missing (NaN) by default and counts finite values', () => {
    const p = Panel.alloc(dates, assets, 'float32');
    expect(p.values).toBeInstanceOf(Float32Array);
    expect(Number.isNaN(p.get(2, 1))).toBe(true);
    expect(p.countFinite(0)).toBe(0);
    p.set(0, 1, 7);
    expect(p.countFinite(0)).toBe(1);
  });

  it('keeps NaN through columns, alignment and map', () => {
    const p = Panel.fromRows(dates, assets, [
      [1, NaN],
      [3, 4],
      [NaN, 6],
    ]);
    expect([...p.column(0)]).toEqual([1, 3, NaN]);
    const q = p.alignTo([20250103, 20250107], ['B', 'Z', 'A']);
    expect([...q.row(0)]).toEqual([4, NaN, 3]);
    expect([...q.row(1)].every(Number.isNaN)).toBe(true);
    expect([...p.map((v) => v * 2).values]).toEqual([2, NaN, 6, 8, NaN, 12]);
  });

  it('slices dates without copying', () => {
    const p = Panel.fromRows(dates, assets, [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const s = p.sliceDates(1, 3);
    expect([...s.dates]).toEqual([20250103, 20250106]);
    s.set(0, 0, 30);
    expect(p.get(1, 0)).toBe(30);
    expect(() => p.sliceDates(2, 4)).toThrowError(HfqError);
  });

  it('rejects bad shapes, unsorted dates and duplicate assets', () => {
    expect(() => new Panel(dates, assets, new Float64Array(5))).toThrowError(/expected 3 dates x 2 assets/);
    expect(() => new Panel([20250103, 20250102], assets, new Float64Array(4))).toThrowError(/increasing/);
    expect(() => new Panel(dates, ['A', 'A'], new Float64Array(6))).toThrowError(/appears twice/);
    expect(() => Panel.alloc(dates, assets).row(3)).toThrowError(/outside/);
  });

  it('finds dates and assets by value', () => {
    const p = Panel.alloc(dates, assets);
    expect(p.dateIndex(20250106)).toBe(2);
    expect(p.dateIndex(20250104)).toBe(-1);
    expect(p.assetIndex('B')).toBe(1);
    expect(p.assetIndex('C')).toBe(-1);
  });
});
