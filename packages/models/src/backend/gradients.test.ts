import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFiniteDifferences } from '../test-utils/finite-differences.js';
import { useBackend } from './backend.js';
import { GRADIENT_KERNELS, setReductionGradientMode } from './gradients.js';

/** Every gradient we register, against central finite differences (every element). */
const check = (f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], label: string) =>
  checkFiniteDifferences(f, inputs, label);

const rnd = (shape: number[], seed: number, lo = -1, hi = 1) =>
  tf.randomUniform(shape, lo, hi, 'float32', seed);

beforeAll(async () => {
  await useBackend('cpu');
});

describe('registered gradients match finite differences', () => {
  it('covers the kernels the models use', () => {
    for (const k of [
      'BatchMatMul',
      'Softmax',
      'Erf',
      'Tile',
      'Slice',
      'Concat',
      'Unpack',
      'SplitV',
      'Pack',
      'Select',
    ]) {
      expect(GRADIENT_KERNELS).toContain(k);
    }
  });

  it('elementwise binary ops with broadcasting', () => {
    const a = rnd([2, 3], 1);
    const b = rnd([3], 2, 0.5, 1.5);
    check((x, y) => tf.add(x, y), [a, b], 'Add');
    check((x, y) => tf.sub(x, y), [a, b], 'Sub');
    check((x, y) => tf.mul(x, y), [a, b], 'Multiply');
    check((x, y) => tf.div(x, y), [a, b], 'RealDiv');
    check((x, y) => tf.maximum(x, y), [a, rnd([2, 3], 3)], 'Maximum');
    check((x, y) => tf.squaredDifference(x, y), [a, b], 'SquaredDifference');
  });

  it('unary ops', () => {
    const x = rnd([2, 3], 4);
    const pos = rnd([2, 3], 5, 0.5, 2);
    check((v) => tf.neg(v), [x], 'Neg');
    check((v) => tf.square(v), [x], 'Square');
    check((v) => tf.sqrt(v), [pos], 'Sqrt');
    check((v) => tf.rsqrt(v), [pos], 'Rsqrt');
    check((v) => tf.relu(tf.add(v, tf.scalar(0.05))), [tf.tensor([0.3, -0.4, 0.6, -0.8])], 'Relu');
    check((v) => tf.erf(v), [x], 'Erf');
    check((v) => tf.tanh(v), [x], 'Tanh');
    check((v) => tf.sigmoid(v), [x], 'Sigmoid');
    check((v) => tf.exp(v), [x], 'Exp');
    check((v) => tf.softmax(v), [x], 'Softmax');
    check((v) => tf.cast(v, 'float32'), [x], 'Cast');
  });

  it('matrix products, plain, transposed and batched with broadcasting', () => {
    check((a, b) => tf.matMul(a, b), [rnd([3, 4], 6), rnd([4, 2], 7)], 'MatMul');
    check((a, b) => tf.matMul(a, b, false, true), [rnd([3, 4], 8), rnd([2, 4], 9)], 'MatMul NT');
    check((a, b) => tf.matMul(a, b, true, false), [rnd([4, 3], 10), rnd([4, 2], 11)], 'MatMul TN');
    check((a, b) => tf.matMul(a, b), [rnd([2, 3, 4], 12), rnd([2, 4, 2], 13)], 'BatchMatMul');
    check((a, b) => tf.matMul(a, b), [rnd([2, 3, 4], 14), rnd([1, 4, 2], 15)], 'BatchMatMul broadcast');
  });

  it('shape ops', () => {
    const x = rnd([2, 3, 4], 16);
    check((v) => tf.reshape(v, [6, 4]), [x], 'Reshape');
    check((v) => tf.expandDims(v, 1), [x], 'ExpandDims');
    check((v) => tf.transpose(v, [2, 0, 1]), [x], 'Transpose');
    check((a, b) => tf.concat([a, b], 1), [x, rnd([2, 2, 4], 17)], 'Concat');
    check((v) => tf.slice(v, [0, 1, 1], [2, 2, -1]), [x], 'Slice');
    check((v) => tf.mul(tf.split(v, 2, 2)[1]!, tf.scalar(3)), [x], 'SplitV');
    check((v) => tf.unstack(v, 1)[2]!, [x], 'Unpack');
    check((a, b) => tf.stack([a, b], 1), [rnd([2, 3], 18), rnd([2, 3], 19)], 'Pack');
    check((v) => tf.tile(v, [3, 1, 2]), [rnd([1, 2, 2], 20)], 'Tile');
  });

  it('reductions and select', () => {
    const x = rnd([2, 3, 4], 21);
    check((v) => tf.sum(v, [1]), [x], 'Sum');
    check((v) => tf.sum(v, -1, true), [x], 'Sum keepDims');
    check((v) => tf.mean(v, [0, 2]), [x], 'Mean');
    const cond = tf.tensor([true, false, true, false, true, false], [2, 3], 'bool');
    check((a, b) => tf.where(cond, a, b), [rnd([2, 3], 22), rnd([2, 3], 23)], 'Select');
  });
});

describe('reduction gradients', () => {
  it('spread dy the same way by broadcast (GPU backends) as by a multiply with ones (CPU backends)', () => {
    const x = rnd([3, 4, 5], 21);
    const r = rnd([3, 5], 22);
    const grad = (mode: 'broadcast' | 'ones') => {
      const previous = setReductionGradientMode(mode);
      try {
        const g = tf.grad((v: tf.Tensor) =>
          tf.add(tf.sum(tf.mul(tf.mean(v, 1), r)), tf.sum(tf.square(tf.sum(v, 2)))),
        )(x);
        return Array.from(g.dataSync());
      } finally {
        setReductionGradientMode(previous);
      }
    };
    const byOnes = grad('ones');
    expect(grad('broadcast')).toEqual(byOnes);
    expect(byOnes.some((v) => v !== 0)).toBe(true);
  });
});
