import { describe, expect, it } from 'vitest';
import { Rng } from '../index.js';
import { medianInPlace } from './workspace.js';

function sortedMedian(x: Float64Array): number {
  const s = x.slice().sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : 0.5 * (s[h - 1]! + s[h]!);
}

describe('medianInPlace (quickselect)', () => {
  it('equals the sorted median exactly, with ties, sorted and reversed inputs', () => {
    const rng = new Rng(3, 'median');
    for (let iter = 0; iter < 1000; iter++) {
      const n = 1 + rng.int(300);
      const distinct = 1 + rng.int(iter % 3 === 0 ? 3 : 1000);
      const x = Float64Array.from(
        { length: n },
        () => rng.int(distinct) - distinct / 2 + (iter % 5 === 0 ? rng.normal() : 0),
      );
      if (iter % 7 === 0) x.sort();
      if (iter % 11 === 0) x.sort().reverse();
      const expected = sortedMedian(x);
      const copy = x.slice();
      expect(medianInPlace(copy, n)).toBe(expected);
      expect(copy.slice().sort()).toEqual(x.slice().sort()); // a permutation of the input
    }
    expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
    expect(medianInPlace(Float64Array.of(2, -Infinity, 5, Infinity), 4)).toBe(3.5);
  });

  it('uses only the first n entries', () => {
    const buf = Float64Array.of(5, 1, 3, 1000, -1000);
    expect(medianInPlace(buf, 3)).toBe(3);
    expect(Array.from(buf.subarray(3))).toEqual([1000, -1000]);
  });
});
