import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from './backend.js';

/** Runs `f` on the cpu backend and on wasm (with our in-place kernels); returns both results. */
async function both(f: () => tf.Tensor | tf.Tensor[]): Promise<[number[][], number[][]]> {
  const run = () => {
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    const vals = list.map((t) => Array.from(t.dataSync()));
    tf.dispose(list);
    return vals;
  };
  await useBackend('cpu');
  const a = run();
  await useBackend('wasm');
  const b = run();
  return [a, b];
}

describe('wasm in-place Slice / Unpack / SplitV', () => {
  const data = Float32Array.from({ length: 2 * 5 * 3 * 4 }, (_, i) => Math.sin(i));
  const x = () => tf.tensor(data, [2, 5, 3, 4]);

  it('slices contiguous and strided regions exactly like the cpu backend', async () => {
    for (const [begin, size] of [
      [
        [1, 0, 0, 0],
        [1, -1, -1, -1],
      ],
      [
        [0, 2, 0, 0],
        [2, 2, 3, 4],
      ],
      [
        [0, 1, 1, 1],
        [2, 3, 2, 2],
      ],
      [
        [1, 4, 2, 3],
        [1, 1, 1, 1],
      ],
    ] as const) {
      const [a, b] = await both(() => tf.slice(x(), [...begin], [...size]));
      expect(b).toEqual(a);
    }
  });

  it('unstacks and splits exactly like the cpu backend', async () => {
    for (const axis of [0, 1, 3]) {
      const [a, b] = await both(() => tf.unstack(x(), axis));
      expect(b).toEqual(a);
    }
    const [c, d] = await both(() => tf.split(x(), [1, 3, 1], 1));
    expect(d).toEqual(c);
  });
});
