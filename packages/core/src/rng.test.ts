import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

function draw(r: Rng, n: number): number[] {
  return Array.from({ length: n }, () => r.nextUint32());
}

describe('Rng', () => {
  it('is deterministic: same seed and keys, same numbers', () => {
    expect(draw(new Rng(42, 7, 20250102), 50)).toEqual(draw(new Rng(42, 7, 20250102), 50));
    expect(new Rng('demo').normal()).toBe(new Rng('demo').normal());
  });

  it('pins the first outputs (changing the generator breaks reproducibility of every market)', () => {
    expect(draw(new Rng(1), 4)).toMatchSnapshot();
    expect(new Rng(1, 2, 3).uniform()).toMatchSnapshot();
  });

  it('gives different streams for different seeds and keys', () => {
    const a = draw(new Rng(42, 7, 20250102), 20);
    expect(draw(new Rng(43, 7, 20250102), 20)).not.toEqual(a);
    expect(draw(new Rng(42, 8, 20250102), 20)).not.toEqual(a);
    expect(draw(new Rng(42, 7, 20250103), 20)).not.toEqual(a);
    expect(draw(new Rng(42, '7', 20250102), 20)).not.toEqual(a); // a string key is not a number key
    expect(draw(new Rng(42, 2 ** 32 + 7), 20)).not.toEqual(draw(new Rng(42, 7), 20));
  });

  it('forks by key, independent of draws already made', () => {
    const r = new Rng(5);
    const before = draw(r.fork(3), 10);
    r.uniform();
    r.normal();
    expect(draw(r.fork(3), 10)).toEqual(before);
    expect(draw(r.fork(3), 10)).toEqual(draw(new Rng(5, 3), 10));
  });

  it('has sane moments', () => {
    const r = new Rng(2024);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      u += r.uniform();
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.005);
  });

  it('draws unbiased integers over all buckets', () => {
    const r = new Rng(9);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
    // chi-square with 6 dof: 99.9% quantile is 22.5
    const chi = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(22.5);
    expect(() => r.int(0)).toThrowError(/int\(n\)/);
  });

  it('draws Poisson counts with mean and variance lambda, small and large', () => {
    for (const lambda of [3, 250]) {
      const r = new Rng('poisson', lambda);
      const n = 40_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const k = r.poisson(lambda);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        s += k;
        s2 += k * k;
      }
      const mean = s / n;
      const v = s2 / n - mean * mean;
      expect(Math.abs(mean - lambda) / Math.sqrt(lambda / n)).toBeLessThan(4.5);
      expect(Math.abs(v / lambda - 1)).toBeLessThan(0.05);
    }
  });

  it('shuffles into a permutation', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(1).shuffle(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
