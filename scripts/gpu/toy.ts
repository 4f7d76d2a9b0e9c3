/**
 * The "toy attention block" of the first H100 measurement (webgpu 96-270 ms vs PyTorch 2.7-3.4 ms
 * per step; `docs/gpu.md`), kept for continuity. That script is not in the repository; this is
 * its shape as recorded: 40 x 300 input, d = 64, one attention block, IC loss, Adam.
 *
 * `x [B, L, F]` -> linear embedding `F -> d` -> single-head self-attention over the L days
 * (q, k, v, o projections with bias, scale 1/sqrt(d)) -> residual + layer norm (eps 1e-5) ->
 * mean over days -> linear `d -> 1` -> `[B]`. No dropout, no positional encoding.
 */
import { initParam, LAYER_NORM_EPS, type ParamSpec } from '@hfq/models/internal';
import * as tf from '@tensorflow/tfjs-core';

/** The toy block's kind in case lists. */
export const TOY_KIND = 'toy' as const;

/** The toy block's configuration. */
export interface ToyConfig {
  kind: typeof TOY_KIND;
  window: number;
  nFeatures: number;
  dModel: number;
  dropout: number;
}

export function toyConfig(window: number, nFeatures: number, dModel: number): ToyConfig {
  return { kind: TOY_KIND, window, nFeatures, dModel, dropout: 0 };
}

/** Parameters in a fixed order, named like the models' (`w [in, out]`, `b [out]`). */
export function toySpecs(c: ToyConfig): ParamSpec[] {
  const d = c.dModel;
  const lin = (name: string, i: number, o: number): ParamSpec[] => [
    { name: `${name}/w`, shape: [i, o], init: { kind: 'xavier' } },
    { name: `${name}/b`, shape: [o], init: { kind: 'constant', value: 0 } },
  ];
  return [
    ...lin('embed', c.nFeatures, d),
    ...['q', 'k', 'v', 'o'].flatMap((n) => lin(`attn/${n}`, d, d)),
    { name: 'norm/gamma', shape: [d], init: { kind: 'constant', value: 1 } },
    { name: 'norm/beta', shape: [d], init: { kind: 'constant', value: 0 } },
    ...lin('head', d, 1),
  ];
}

let nextToyId = 0;

/** The toy block on tfjs with the same surface the benchmark uses of a @hfq/models `Model`. */
export class ToyBlock {
  readonly config: ToyConfig;
  readonly specs: readonly ParamSpec[];
  readonly outputSize = 1;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly id = nextToyId++;

  constructor(config: ToyConfig, weights: ReadonlyMap<string, Float32Array>) {
    this.config = config;
    this.specs = toySpecs(config);
    for (const s of this.specs) {
      const w = weights.get(s.name);
      if (w === undefined) throw new Error(`missing weight ${s.name}`);
      this.vars.set(
        s.name,
        tf.variable(tf.tensor(w, [...s.shape], 'float32'), true, `toy${this.id}/${s.name}`),
      );
    }
  }

  get parameterCount(): number {
    return this.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  variables(): tf.Variable[] {
    return this.specs.map((s) => this.vars.get(s.name)!);
  }

  forward(x: tf.Tensor): tf.Tensor {
    const p = (n: string) => this.vars.get(n)!;
    const { window: L, nFeatures: F, dModel: d } = this.config;
    const lin = (t: tf.Tensor, n: string, i: number, o: number) =>
      tf.reshape(tf.add(tf.matMul(tf.reshape(t, [-1, i]), p(`${n}/w`)), p(`${n}/b`)), [-1, L, o]);
    const h = lin(x, 'embed', F, d);
    const q = tf.mul(lin(h, 'attn/q', d, d), tf.scalar(1 / Math.sqrt(d)));
    const k = lin(h, 'attn/k', d, d);
    const v = lin(h, 'attn/v', d, d);
    const a = tf.matMul(tf.softmax(tf.matMul(q, k, false, true)), v);
    const r = tf.add(h, lin(a, 'attn/o', d, d));
    const { mean, variance } = tf.moments(r, 2, true);
    const n = tf.add(
      tf.mul(tf.mul(tf.sub(r, mean), tf.rsqrt(tf.add(variance, tf.scalar(LAYER_NORM_EPS)))), p('norm/gamma')),
      p('norm/beta'),
    );
    const pooled = tf.mean(n, 1);
    return tf.reshape(tf.add(tf.matMul(pooled, p('head/w')), p('head/b')), [-1]);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** Initial weights of the toy block (the models' initialisers, same seed rules). */
export function toyWeights(c: ToyConfig, seed: number): Map<string, Float32Array> {
  return new Map(toySpecs(c).map((s) => [s.name, initParam(s, seed)] as const));
}
