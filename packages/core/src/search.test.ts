import { describe, expect, it } from 'vitest';
import { lowerBound, sortedIndexOf } from './search.js';

describe('lowerBound / sortedIndexOf', () => {
  const d = Int32Array.of(20240102, 20240103, 20240105, 20240105, 20240108);
  it('finds the first index >= value, the end past the last', () => {
    expect(lowerBound(d, 20240101)).toBe(0);
    expect(lowerBound(d, 20240104)).toBe(2);
    expect(lowerBound(d, 20240105)).toBe(2);
    expect(lowerBound(d, 20240109)).toBe(5);
    expect(lowerBound(d, 20240109, 3)).toBe(3);
    expect(lowerBound([], 1)).toBe(0);
  });
  it('indexOf is exact or -1', () => {
    expect(sortedIndexOf(d, 20240103)).toBe(1);
    expect(sortedIndexOf(d, 20240104)).toBe(-1);
    expect(sortedIndexOf(d, 20240110)).toBe(-1);
  });
});
