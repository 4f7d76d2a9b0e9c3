import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../backend/backend.js';
import { checkFiniteDifferences as checkFiniteDifferencesOn } from '../../test-utils/finite-differences.js';
import type { AttentionOptions, AttentionParams } from '../ops.js';
import { TfConstants, TfOps } from '../tf-ops.js';
import { addNormOp } from './add-norm.js';
import { dropoutOp } from './dropout.js';
import { geluOp } from './gelu.js';
import { fastKernelsActive, setFastKernels } from './install.js';
import { layerNormOp } from './layer-norm.js';
import { columnSumOp, linearOp } from './linear.js';
import { setSimdKernels } from './simd/index.js';

/**
 * The fused kernels against the stock-op composition they replace (`setFastKernels(false)`), on
 * both paths of the wasm backend (SIMD, and the JavaScript kernels with `setSimdKernels(false)`),
 * values and gradients; and gradients against central finite differences.
 */

const rnd = (shape: number[], seed: number, lo = -1, hi = 1) =>
  tf.randomUniform(shape, lo, hi, 'float32', seed);

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return m;
}

/** `f` evaluated with the fused kernels (SIMD or JS) and with the composition. */
function both<R>(f: () => R, simd = true): { fused: R; composed: R } {
  setSimdKernels(simd);
  setFastKernels(true);
  const fused = f();
  setFastKernels(false);
  const composed = f();
  setFastKernels(true);
  setSimdKernels(true);
  return { fused, composed };
}

/** Value and gradients (w.r.t. `xs`) of `sum(f(xs) * r)`. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const y = f(...xs);
  const r = tf.randomNormal(y.shape, 0, 1, 'float32', 99);
  const grads = tf.grads((...v: tf.Tensor[]) => tf.sum(tf.mul(f(...v), r)) as tf.Scalar)(xs);
  return [y, ...grads];
}

function expectClose(a: tf.Tensor[], b: tf.Tensor[], tol: number, label: string): void {
  expect(a.length).toBe(b.length);
  a.forEach((t, i) => {
    expect(maxDiff(t, b[i]!), `${label} output ${i}`).toBeLessThan(tol);
  });
}

/** Central finite differences of `sum(f(x) * r)` on about 12 elements of each input. */
const checkFiniteDifferences = (f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], label: string) =>
  checkFiniteDifferencesOn(f, inputs, label, 12);

beforeAll(async () => {
  await useBackend('wasm');
});

afterAll(() => {
  setFastKernels(true);
  setSimdKernels(true);
});

describe('fused kernels on wasm', () => {
  it('are active on wasm and can be switched off', () => {
    expect(fastKernelsActive()).toBe(true);
    setFastKernels(false);
    expect(fastKernelsActive()).toBe(false);
    expect(new TfOps(() => tf.scalar(0), new TfConstants()).fusedKernels).toBe(false);
    setFastKernels(true);
    expect(new TfOps(() => tf.scalar(0), new TfConstants()).fusedKernels).toBe(true);
  });

  it('Identity shares the buffer while on and copies again when off', () => {
    const x = rnd([5, 3], 1);
    const backend = tf.backend() as unknown as { refCount(id: object): number };
    fastKernelsActive();
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(y.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    y.dispose();
    expect(Array.from(x.dataSync()).every(Number.isFinite)).toBe(true);
    setFastKernels(false);
    const z = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(z.dataId).not.toBe(x.dataId);
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    setFastKernels(true);
  });

  it('dropout: the same mask from SIMD and JS, kept share ~1 - rate, scaled by 1/(1 - rate), gradient through the same mask', () => {
    fastKernelsActive();
    const x = rnd([1003], 2, 0.5, 1.5);
    const a = dropoutOp(x, 0.3, 12345);
    setSimdKernels(false);
    const b = dropoutOp(x, 0.3, 12345);
    setSimdKernels(true);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const xv = x.dataSync();
    const av = a.dataSync();
    let kept = 0;
    for (let i = 0; i < av.length; i++) {
      if (av[i] !== 0) {
        kept++;
        expect(av[i]).toBeCloseTo(xv[i]! / 0.7, 5);
      }
    }
    expect(kept / av.length).toBeGreaterThan(0.65);
    expect(kept / av.length).toBeLessThan(0.75);
    const other = dropoutOp(x, 0.3, 12346).dataSync();
    expect(Array.from(other)).not.toEqual(Array.from(av));
    const g = tf
      .grad((v: tf.Tensor) => tf.sum(dropoutOp(v, 0.3, 12345)))(x)
      .dataSync();
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(av[i] === 0 ? 0 : 1 / 0.7, 5);
  });

  it('GELU and its gradient match the erf composition', () => {
    const x = tf.mul(rnd([4, 257], 3), tf.scalar(6));
    const gelu = (v: tf.Tensor) =>
      tf.mul(tf.mul(v, tf.scalar(0.5)), tf.add(tf.erf(tf.mul(v, tf.scalar(Math.SQRT1_2))), tf.scalar(1)));
    for (const simd of [true, false]) {
      setSimdKernels(simd);
      fastKernelsActive();
      expectClose(
        valueAndGrads((v) => geluOp(v), [x]),
        valueAndGrads(gelu, [x]),
        1e-6,
        `gelu simd=${simd}`,
      );
    }
    setSimdKernels(true);
    checkFiniteDifferences((v) => geluOp(v), [rnd([2, 5], 4, -3, 3)], 'gelu');
  });

  it('layer norm (value, dx, dgamma, dbeta) matches the composition, widths with and without SIMD', () => {
    for (const [rows, d] of [
      [700, 32],
      [9, 6],
    ] as const) {
      const x = tf.add(rnd([rows, d], 5, -2, 2), rnd([rows, 1], 6, -3, 3));
      const g = rnd([d], 7, 0.5, 1.5);
      const b = rnd([d], 8);
      for (const simd of [true, false]) {
        const { fused, composed } = both(() => {
          const ops = new TfOps(() => tf.scalar(0), new TfConstants());
          return valueAndGrads((v, gg, bb) => ops.layerNorm(v, gg, bb, 1e-5), [x, g, b]);
        }, simd);
        expectClose(fused, composed, 2e-5, `layerNorm ${rows}x${d} simd=${simd}`);
      }
    }
    fastKernelsActive();
    checkFiniteDifferences(
      (v, gg, bb) => layerNormOp(v, gg, bb, 1e-5),
      [rnd([3, 8], 9), rnd([8], 10), rnd([8], 11)],
      'layerNorm',
    );
  });

  it('the residual step layerNorm(x + dropout(a)) matches the composition; SIMD and JS draw the same mask', () => {
    for (const [rows, d] of [
      [600, 32],
      [7, 6],
    ] as const) {
      const x = rnd([rows, d], 30, -2, 2);
      const a = rnd([rows, d], 31, -2, 2);
      const g = rnd([d], 32, 0.5, 1.5);
      const b = rnd([d], 33);
      const f = (training: boolean) => {
        const ops = new TfOps(() => tf.scalar(0), new TfConstants(), training, 5);
        return valueAndGrads((u, v, gg, bb) => ops.addNorm(u, v, gg, bb, 1e-5, 0.3), [x, a, g, b]);
      };
      const { fused, composed } = both(() => f(false));
      expectClose(fused, composed, 2e-5, `addNorm ${rows}x${d}`);
      // Training: the composition draws another mask (tfjs's generator); the fused kernel must
      // equal layerNorm(x + HfqDropout(a)) with its own seed, on both paths.
      fastKernelsActive();
      // A fresh TfOps per call: each draws its dropout seeds from the same start (5), and
      // valueAndGrads calls the function twice (value, then gradients).
      const trainingOps = () => new TfOps(() => tf.scalar(0), new TfConstants(), true, 5);
      const manual = valueAndGrads(
        (u, v, gg, bb) => layerNormOp(tf.add(u, dropoutOp(v, 0.3, 5)), gg, bb, 1e-5),
        [x, a, g, b],
      );
      for (const simd of [true, false]) {
        setSimdKernels(simd);
        const fusedTrain = valueAndGrads(
          (u, v, gg, bb) => trainingOps().addNorm(u, v, gg, bb, 1e-5, 0.3),
          [x, a, g, b],
        );
        expectClose(fusedTrain, manual, 2e-5, `addNorm training ${rows}x${d} simd=${simd}`);
      }
      setSimdKernels(true);
    }
    fastKernelsActive();
    checkFiniteDifferences(
      (u, v, gg, bb) => addNormOp(u, v, gg, bb, 1e-5, 0.25, 3),
      [rnd([3, 8], 34), rnd([3, 8], 35), rnd([8], 36), rnd([8], 37)],
      'addNorm',
    );
  });

  it('GELU with dropout equals dropout(GELU) with the same seed, in value and gradient', () => {
    fastKernelsActive();
    const x = tf.mul(rnd([3, 301], 38), tf.scalar(4));
    const ref = valueAndGrads((v) => dropoutOp(geluOp(v), 0.2, 77), [x]);
    for (const simd of [true, false]) {
      setSimdKernels(simd);
      expectClose(
        valueAndGrads((v) => geluOp(v, 0.2, 77), [x]),
        ref,
        1e-6,
        `gelu dropout simd=${simd}`,
      );
    }
    setSimdKernels(true);
  });

  it('linear and column sums match matMul + add, with gradients', () => {
    const x = rnd([3, 70, 12], 12);
    const w = rnd([12, 8], 13);
    const b = rnd([8], 14);
    const { fused, composed } = both(() => {
      const ops = new TfOps(() => tf.scalar(0), new TfConstants());
      return valueAndGrads((v, ww, bb) => ops.linear(v, ww, bb), [x, w, b]);
    });
    expectClose(fused, composed, 1e-5, 'linear');
    fastKernelsActive();
    expect(maxDiff(columnSumOp(x), tf.sum(tf.reshape(x, [-1, 12]), 0))).toBeLessThan(1e-5);
    checkFiniteDifferences(
      (v, ww, bb) => linearOp(v, ww, bb),
      [rnd([4, 3], 15), rnd([3, 2], 16), rnd([2], 17)],
      'linear',
    );
  });
});

describe('fused attention on wasm', () => {
  const d = 8;
  const params = (seed: number, width = d): tf.Tensor[] =>
    ['q', 'k', 'v', 'o'].flatMap((_, i) => [
      rnd([width, width], seed + 2 * i, -0.6, 0.6),
      rnd([width], seed + 2 * i + 1, -0.2, 0.2),
    ]);
  const asParams = (p: tf.Tensor[]): AttentionParams<tf.Tensor> => ({
    wq: p[0]!,
    bq: p[1]!,
    wk: p[2]!,
    bk: p[3]!,
    wv: p[4]!,
    bv: p[5]!,
    wo: p[6]!,
    bo: p[7]!,
  });

  /** Attention of query/memory (memory = query when `self`) and its gradients w.r.t. inputs and parameters. */
  function run(
    query: tf.Tensor,
    memory: tf.Tensor | 'self',
    o: AttentionOptions<tf.Tensor>,
    p: tf.Tensor[],
    training = false,
  ): tf.Tensor[] {
    const ops = new TfOps(() => tf.scalar(0), new TfConstants(), training, 7);
    if (memory === 'self')
      return valueAndGrads((q, ...w) => ops.attention(q, q, asParams(w), o), [query, ...p]);
    return valueAndGrads((q, m, ...w) => ops.attention(q, m, asParams(w), o), [query, memory, ...p]);
  }

  const mask = (t: number) => {
    const v = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) v[i * t + j] = -1e9;
    return tf.tensor(v, [t, t]);
  };

  const cases: [string, () => tf.Tensor, () => tf.Tensor | 'self', () => AttentionOptions<tf.Tensor>][] = [
    [
      'self [B, T, d], causal mask',
      () => rnd([3, 7, d], 20),
      () => 'self',
      () => ({ nHeads: 2, dropout: 0.1, mask: mask(7) }),
    ],
    [
      'one query against the sequence',
      () => rnd([3, 1, d], 21),
      () => rnd([3, 7, d], 22),
      () => ({ nHeads: 2, dropout: 0.1 }),
    ],
    [
      'self along axis 2 of [A, X, Y, d]',
      () => rnd([2, 3, 5, d], 23),
      () => 'self',
      () => ({ nHeads: 2, dropout: 0.1, seqAxis: 2 }),
    ],
    [
      'shared queries [1, R, S, d] along axis 1',
      () => rnd([1, 2, 5, d], 24),
      () => rnd([2, 3, 5, d], 25),
      () => ({ nHeads: 2, dropout: 0.1, seqAxis: 1 }),
    ],
    [
      'cross along axis 1, one head of 8',
      () => rnd([2, 3, 5, d], 26),
      () => rnd([2, 2, 5, d], 27),
      () => ({ nHeads: 1, dropout: 0.1, seqAxis: 1 }),
    ],
  ];

  for (const [label, q, m, o] of cases) {
    it(`${label}: output and every gradient match the composition (SIMD and JS)`, () => {
      const p = params(30);
      const query = q();
      const memory = m();
      for (const simd of [true, false]) {
        const { fused, composed } = both(() => run(query, memory, o(), p), simd);
        expectClose(fused, composed, 1e-4, `${label} simd=${simd}`);
      }
    });
  }

  it('head widths 3 (JS kernel only), 12 and 16, and 13 keys, match', () => {
    for (const [width, heads, t] of [
      [6, 2, 5],
      [24, 2, 13],
      [32, 2, 6],
    ] as const) {
      const p = params(40, width);
      const query = rnd([2, t, width], 41);
      for (const simd of [true, false]) {
        const { fused, composed } = both(() => run(query, 'self', { nHeads: heads, dropout: 0 }, p), simd);
        expectClose(fused, composed, 1e-4, `width ${width} heads ${heads} simd=${simd}`);
      }
    }
  });

  it('dropout on the attention weights: SIMD and JS draw the same masks, in both passes', () => {
    const p = params(50);
    const query = rnd([2, 3, 6, d], 51);
    const o = { nHeads: 2, dropout: 0.4, seqAxis: 2 };
    fastKernelsActive();
    setSimdKernels(true);
    const a = run(query, 'self', o, p, true);
    setSimdKernels(false);
    const b = run(query, 'self', o, p, true);
    setSimdKernels(true);
    expectClose(a, b, 1e-5, 'attention dropout');
    const eval0 = run(query, 'self', o, p, false);
    expect(maxDiff(a[0]!, eval0[0]!)).toBeGreaterThan(1e-3);
  });

  it('gradients match finite differences', () => {
    fastKernelsActive();
    const p = params(60);
    const ops = new TfOps(() => tf.scalar(0), new TfConstants());
    checkFiniteDifferences(
      (q, m, wq, wk) =>
        ops.attention(q, m, { ...asParams(p), wq: wq!, wk: wk! }, { nHeads: 2, dropout: 0, seqAxis: 1 }),
      [rnd([1, 2, 3, d], 61), rnd([2, 3, 3, d], 62), p[0]!, p[2]!],
      'attention',
    );
  });
});
