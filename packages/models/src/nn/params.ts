import { Rng } from '@hfq/core';

/** How a parameter is initialised. */
export type ParamInit =
  /** Glorot/Xavier uniform on `[-sqrt(6/(fanIn+fanOut)), +...]`; fans from the last two axes. */
  | { kind: 'xavier' }
  /** Uniform on `[-bound, bound]`. */
  | { kind: 'uniform'; bound: number }
  /** Normal(0, sd^2). */
  | { kind: 'normal'; sd: number }
  | { kind: 'constant'; value: number };

/** One trainable parameter of a model: full name, shape, initialiser. */
export interface ParamSpec {
  name: string;
  shape: readonly number[];
  init: ParamInit;
}

/** Number of scalars in a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Initial values of `spec`, drawn from `new Rng(seed, 'init', spec.name)`: a parameter's values
 * depend only on the seed and its name, never on the order parameters are created in.
 */
export function initParam(spec: ParamSpec, seed: number): Float32Array {
  const n = sizeOf(spec.shape);
  const out = new Float32Array(n);
  const init = spec.init;
  if (init.kind === 'constant') {
    out.fill(init.value);
    return out;
  }
  const rng = new Rng(seed, 'init', spec.name);
  if (init.kind === 'normal') {
    for (let i = 0; i < n; i++) out[i] = rng.normal(0, init.sd);
    return out;
  }
  let bound: number;
  if (init.kind === 'uniform') bound = init.bound;
  else {
    const r = spec.shape.length;
    const fanOut = r >= 1 ? spec.shape[r - 1]! : 1;
    const fanIn = r >= 2 ? spec.shape[r - 2]! : fanOut;
    bound = Math.sqrt(6 / (fanIn + fanOut));
  }
  for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * bound;
  return out;
}

/** Specs of a dense layer `x @ w + b` (`w [inDim, outDim]` Xavier, `b` zeros). */
export function linearSpecs(prefix: string, inDim: number, outDim: number, bias = true): ParamSpec[] {
  const specs: ParamSpec[] = [{ name: `${prefix}/w`, shape: [inDim, outDim], init: { kind: 'xavier' } }];
  if (bias) specs.push({ name: `${prefix}/b`, shape: [outDim], init: { kind: 'constant', value: 0 } });
  return specs;
}

/** Specs of a layer norm over `d` features (`gamma` ones, `beta` zeros). */
export function layerNormSpecs(prefix: string, d: number): ParamSpec[] {
  return [
    { name: `${prefix}/gamma`, shape: [d], init: { kind: 'constant', value: 1 } },
    { name: `${prefix}/beta`, shape: [d], init: { kind: 'constant', value: 0 } },
  ];
}
