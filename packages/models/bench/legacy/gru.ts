import type { GruConfig } from '../../src/models/config.js';
import { linearSpecs, type ParamSpec } from '../../src/nn/params.js';
import { linear } from './blocks.js';
import type { Scope } from './ops.js';

/**
 * Parameters of the GRU, PyTorch's gate layout: per layer `wi [in, 3H]`, `wh [H, 3H]`, `bi`, `bh`
 * (gates in the order reset, update, new), all uniform on `[-1/sqrt(H), 1/sqrt(H)]`.
 */
export function gruSpecs(c: GruConfig): ParamSpec[] {
  const bound = 1 / Math.sqrt(c.hidden);
  const u = { kind: 'uniform', bound } as const;
  const specs: ParamSpec[] = [];
  for (let l = 0; l < c.nLayers; l++) {
    const inDim = l === 0 ? c.nFeatures : c.hidden;
    specs.push(
      { name: `gru${l}/wi`, shape: [inDim, 3 * c.hidden], init: u },
      { name: `gru${l}/wh`, shape: [c.hidden, 3 * c.hidden], init: u },
      { name: `gru${l}/bi`, shape: [3 * c.hidden], init: u },
      { name: `gru${l}/bh`, shape: [3 * c.hidden], init: u },
    );
  }
  specs.push(...linearSpecs('head', c.hidden, 1));
  return specs;
}

/**
 * GRU forward: `x [B, window, F]` -> scores `[B]`. Per step (PyTorch's equations):
 * `r = sigmoid(Wir x + bir + Whr h + bhr)`, `z = sigmoid(Wiz x + biz + Whz h + bhz)`,
 * `n = tanh(Win x + bin + r * (Whn h + bhn))`, `h' = n + z * (h - n)`; h starts at 0.
 * The input projections of all steps are one matrix product.
 */
export function gruForward<T>(s: Scope<T>, c: GruConfig, x: T): T {
  const ops = s.ops;
  const H = c.hidden;
  let seq = x;
  let h!: T;
  for (let l = 0; l < c.nLayers; l++) {
    const ls = s.sub(`gru${l}`);
    // Input projections of all steps in one product, then time-major so that each step is a
    // contiguous slice (unstack), and each step's gates come out of one split.
    const gi = ops.unstack(ops.transpose(ops.linear(seq, ls.p('wi'), ls.p('bi')), [1, 0, 2]), 0);
    const wh = ls.p('wh');
    const bh = ls.p('bh');
    const outs: T[] = [];
    gi.forEach((git, t) => {
      const [ir, iz, inn] = ops.split(git, 1, 3) as [T, T, T];
      // h = 0 at t = 0, so the recurrent product is just its bias (broadcast over stocks).
      const gh = t === 0 ? ops.broadcastLeading(ops.reshape(bh, [1, 3 * H]), git) : ops.linear(h, wh, bh);
      const [hr, hz, hn] = ops.split(gh, 1, 3) as [T, T, T];
      const r = ops.sigmoid(ops.add(ir, hr));
      const z = ops.sigmoid(ops.add(iz, hz));
      const n = ops.tanh(ops.add(inn, ops.mul(r, hn)));
      h = t === 0 ? ops.mul(ops.rsubScalar(1, z), n) : ops.add(n, ops.mul(z, ops.sub(h, n)));
      if (l < c.nLayers - 1) outs.push(h);
    });
    if (l < c.nLayers - 1) seq = ops.dropout(ops.stack(outs, 1), c.dropout);
  }
  return ops.reshape(linear(s.sub('head'), ops.dropout(h, c.dropout)), [-1]);
}
