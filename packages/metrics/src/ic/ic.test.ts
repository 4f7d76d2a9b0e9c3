import { averageRank, HfqError, RankWorkspace } from '@hfq/core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, reference } from '../test-utils/reference.js';
import { ic, rankIC } from './ic.js';

describe('ic and rankIC match scipy pearsonr / spearmanr on filtered pairs', () => {
  for (const c of reference.correlation) {
    it(c.name, () => {
      expectClose(ic(c.x, c.y), c.pearson, 1e-9, 'pearson');
      expectClose(rankIC(c.x, c.y), c.spearman, 1e-9, 'spearman');
    });
  }
});

describe('averageRank matches scipy rankdata(method="average")', () => {
  for (const c of reference.ranks) {
    it(c.name, () => expectAllClose(averageRank(c.x), c.ranks, 0, 'ranks'));
  }

  it('re-sorts long runs whose high 32 bits collide, in both signs', () => {
    const ws = new RankWorkspace();
    const n = 200;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = (i % 2 ? -1 : 1) * (1 + ((i * 7919) % n) * 1e-14);
    const out = new Float64Array(n);
    ws.rank(x, n, out);
    const order = Array.from(x.keys()).sort((a, b) => x[a]! - x[b]!);
    order.forEach((idx, pos) => {
      expect(out[idx]).toBe(pos + 1);
    });
  });
});

describe('ic / rankIC behaviour', () => {
  it('accepts Float32Array and plain arrays alike', () => {
    const x = [0.3, -1.2, 2.5, 0.1, 0.7];
    const y = [1, 0.5, 3, -2, 0.2];
    expect(ic(Float32Array.from(x), y)).toBeCloseTo(ic(Float32Array.from(x).map(Number), y), 15);
    expect(rankIC(Float32Array.from(x), Float64Array.from(y))).toBe(rankIC(x, y));
  });

  it('rankIC is unchanged by a monotone transform, ic is not', () => {
    const x = [0.3, -1.2, 2.5, 0.1, 0.7, 1.9];
    const y = [1, 0.5, 3, -2, 0.2, 0.4];
    const ex = x.map(Math.exp);
    expect(rankIC(ex, y)).toBe(rankIC(x, y));
    expect(ic(ex, y)).not.toBeCloseTo(ic(x, y), 3);
  });

  it('perfect agreement is exactly 1', () => {
    expect(rankIC([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(rankIC([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });

  it('throws METRICS_LENGTH_MISMATCH on different lengths', () => {
    try {
      rankIC([1, 2], [1, 2, 3]);
      expect.unreachable();
    } catch (e) {
      expect(HfqError.is(e, 'METRICS_LENGTH_MISMATCH')).toBe(true);
    }
    expect(() => ic([1], [])).toThrow(/lengths differ/);
  });
});

describe('ic stays exact at extreme but finite scales (sums of squares would overflow)', () => {
  // numpy 2.4 / scipy 1.17: x, y = 8 draws of default_rng(7) (see the values); scipy.stats.pearsonr
  // gives 0.7382292895994684 at every scale below, while np.corrcoef(x * 1e200, y * 1e200) is nan
  // (overflow in the squares) and np.corrcoef(x * 1e-200, y * 1e-200) is nan (underflow to 0).
  const x = [0.00123, 0.298746, -0.274138, -0.890592, -0.454671, -0.991647, 0.060144, 1.340215];
  const y = [-0.491592, -0.471102, 0.352773, -0.088409, -0.121921, -1.426292, 0.00082, 1.365411];
  const scipy = 0.7382292895994684;
  const scaled = (v: number[], s: number) => v.map((a) => a * s);
  it.each([
    [1, 1],
    [1e200, 1e200],
    [1e200, 1],
    [1e-200, 1e-200],
    [1e300, 1e-300],
    [1e-300, 1e307],
  ])('x * %s, y * %s', (sx, sy) => {
    expectClose(ic(scaled(x, sx), scaled(y, sy)), scipy, 1e-15, 'ic');
    expectClose(rankIC(scaled(x, sx), scaled(y, sy)), rankIC(x, y), 0, 'rankIC');
  });
  it('is bit-identical to the plain computation on ordinary values', () => {
    expect(ic(x, y)).toBe(ic(scaled(x, 2 ** 600), scaled(y, 2 ** -600)));
  });
});
