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
