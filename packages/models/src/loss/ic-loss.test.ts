import { ic as pearson } from '@hfq/metrics';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend/backend.js';
import { icLoss, maskedIC, segmentMatrix } from './ic-loss.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('IC loss', () => {
  it('is minus the Pearson correlation of a single date (hand-computed)', () => {
    // p = [1,2,3,4], y = [1,3,2,5]: sum of co-deviations 5.5, of squares 5 and 8.75 -> IC = 5.5/sqrt(43.75)
    const loss = icLoss(
      tf.tensor1d([1, 2, 3, 4]),
      tf.tensor1d([1, 3, 2, 5]),
      tf.ones([1, 4]) as tf.Tensor2D,
      tf.ones([4]),
    );
    expect(loss.dataSync()[0]).toBeCloseTo(-5.5 / Math.sqrt(43.75), 6);
  });

  it('averages per-date ICs over the dates of a batch', () => {
    const p = [0.3, -1, 2, 0.5, 1, 2, 3, -0.4, 0.2];
    const y = [1, -2, 1.5, 0, 2, 1, 4, 0.3, -1];
    const seg = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const w = tf.tensor2d(segmentMatrix(seg, 2), [2, 9]);
    const loss = icLoss(tf.tensor1d(p), tf.tensor1d(y), w, tf.ones([9])).dataSync()[0]!;
    const expected = -(pearson(p.slice(0, 4), y.slice(0, 4)) + pearson(p.slice(4), y.slice(4))) / 2;
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('ignores masked stocks: their labels may be anything and get no gradient', () => {
    const p = tf.tensor1d([0.1, 0.7, -0.3, 1.2, 0.4]);
    const w = tf.ones([1, 5]) as tf.Tensor2D;
    const mask = tf.tensor1d([1, 1, 0, 1, 1]);
    const a = icLoss(p, tf.tensor1d([1, 2, Number.NaN, 0, 3]), w, mask).dataSync()[0]!;
    const b = icLoss(p, tf.tensor1d([1, 2, 1e6, 0, 3]), w, mask).dataSync()[0]!;
    const ref = -pearson([0.1, 0.7, 1.2, 0.4], [1, 2, 0, 3]);
    expect(a).toBeCloseTo(ref, 6);
    expect(b).toBe(a);
    const g = tf
      .grad((x: tf.Tensor) => icLoss(x, tf.tensor1d([1, 2, Number.NaN, 0, 3]), w, mask))(p)
      .dataSync();
    expect(g[2]).toBe(0);
    expect(Math.abs(g[0]!)).toBeGreaterThan(0);
  });

  it('averages over horizons for the sequence model and skips dates with < 3 labels', () => {
    const p = tf.tensor2d([1, 0, 2, 1, 3, 3, 4, 2], [4, 2]);
    const y = tf.tensor2d([1, 1, 3, 0, 2, 2, 5, 1], [4, 2]);
    const m = tf.tensor2d([1, 1, 1, 1, 1, 1, 1, 0], [4, 2]);
    const { ic, valid } = maskedIC(p, y, tf.ones([1, 4]) as tf.Tensor2D, m);
    expect(Array.from(valid.dataSync())).toEqual([1, 1]);
    expect(ic.dataSync()[0]).toBeCloseTo(pearson([1, 2, 3, 4], [1, 3, 2, 5]), 5);
    expect(ic.dataSync()[1]).toBeCloseTo(pearson([0, 1, 3], [1, 0, 2]), 5);
    const few = maskedIC(p, y, tf.ones([1, 4]) as tf.Tensor2D, tf.tensor2d([1, 1, 1, 0, 1, 0, 0, 0], [4, 2]));
    expect(Array.from(few.valid.dataSync())).toEqual([1, 0]);
  });
});
