import { modelsError } from '../errors.js';
import { attentionByParts } from '../ops/attention-reference.js';
import type { AttentionOptions, AttentionParams, Ops } from '../ops/ops.js';
import { type AttributeMsg, AttributeType, DataType, type NodeMsg, type TensorMsg } from './proto.js';

/** A symbolic tensor of the graph being built: its value name and static shape (null = dynamic). */
export interface Sym {
  name: string;
  shape: (number | null)[];
}

/** Parameter values by name. */
export type ParamLookup = (name: string) => { data: Float32Array; shape: readonly number[] };

function floatBytes(values: Float32Array): Uint8Array {
  const copy = Float32Array.from(values);
  return new Uint8Array(copy.buffer);
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new BigInt64Array(values.length);
  values.forEach((v, i) => {
    out[i] = BigInt(v);
  });
  return new Uint8Array(out.buffer);
}

/** Numpy broadcasting of static shapes (null = dynamic). */
function broadcast(a: readonly (number | null)[], b: readonly (number | null)[]): (number | null)[] {
  const n = Math.max(a.length, b.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const y = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null) out.push(y);
    else if (y === null) out.push(x);
    else if (x === y) out.push(x);
    else throw modelsError('MODELS_ONNX', `shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
  }
  return out;
}

/**
 * `Ops` that record an ONNX graph (opset 17, standard operators only) instead of computing.
 * Parameters and constants become initializers; dropout is the identity (inference graph).
 */
export class OnnxOps implements Ops<Sym> {
  readonly kind = 'onnx' as const;
  readonly training = false;
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  private readonly initNames = new Set<string>();
  private counter = 0;

  constructor(private readonly params: ParamLookup) {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Adds a node; returns its output value names. */
  node(opType: string, inputs: readonly string[], attrs: AttributeMsg[] = [], nOut = 1): string[] {
    const output = Array.from({ length: nOut }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      input: [...inputs],
      output,
      name: this.fresh(`n_${opType}`),
      opType,
      attribute: attrs,
    });
    return output;
  }

  private init(name: string, dims: readonly number[], dataType: number, rawData: Uint8Array): string {
    if (!this.initNames.has(name)) {
      this.initNames.add(name);
      this.initializers.push({ name, dims: [...dims], dataType, rawData });
    }
    return name;
  }

  private i64(values: readonly number[]): string {
    return this.init(`i64[${values.join(',')}]`, [values.length], DataType.INT64, int64Bytes(values));
  }

  private f32scalar(v: number): string {
    return this.init(`f32(${v})`, [], DataType.FLOAT, floatBytes(Float32Array.of(v)));
  }

  private static ints(name: string, ints: readonly number[]): AttributeMsg {
    return { name, type: AttributeType.INTS, ints: [...ints] };
  }

  private static int(name: string, i: number): AttributeMsg {
    return { name, type: AttributeType.INT, i };
  }

  shape(x: Sym): readonly (number | null)[] {
    return x.shape;
  }

  param(name: string): Sym {
    const p = this.params(name);
    return { name: this.init(name, p.shape, DataType.FLOAT, floatBytes(p.data)), shape: [...p.shape] };
  }

  constant(key: string, values: Float32Array, shape: readonly number[]): Sym {
    return { name: this.init(`const/${key}`, shape, DataType.FLOAT, floatBytes(values)), shape: [...shape] };
  }

  linear(x: Sym, w: Sym, b?: Sym): Sym {
    const [y] = this.node('MatMul', [x.name, w.name]);
    const shape = [...x.shape.slice(0, -1), w.shape[1]!];
    if (b === undefined) return { name: y!, shape };
    const [z] = this.node('Add', [y!, b.name]);
    return { name: z!, shape };
  }

  matMul(a: Sym, b: Sym, transposeB = false): Sym {
    let bb = b;
    if (transposeB) {
      const perm = [...b.shape.keys()];
      perm[b.shape.length - 2] = b.shape.length - 1;
      perm[b.shape.length - 1] = b.shape.length - 2;
      bb = this.transpose(b, perm);
    }
    const [y] = this.node('MatMul', [a.name, bb.name]);
    const lead = broadcast(a.shape.slice(0, -2), bb.shape.slice(0, -2));
    return { name: y!, shape: [...lead, a.shape[a.shape.length - 2]!, bb.shape[bb.shape.length - 1]!] };
  }

  private binary(op: string, a: Sym, b: Sym): Sym {
    const [y] = this.node(op, [a.name, b.name]);
    return { name: y!, shape: broadcast(a.shape, b.shape) };
  }

  add(a: Sym, b: Sym): Sym {
    return this.binary('Add', a, b);
  }

  sub(a: Sym, b: Sym): Sym {
    return this.binary('Sub', a, b);
  }

  mul(a: Sym, b: Sym): Sym {
    return this.binary('Mul', a, b);
  }

  scale(x: Sym, s: number): Sym {
    const [y] = this.node('Mul', [x.name, this.f32scalar(s)]);
    return { name: y!, shape: [...x.shape] };
  }

  rsubScalar(s: number, x: Sym): Sym {
    const [y] = this.node('Sub', [this.f32scalar(s), x.name]);
    return { name: y!, shape: [...x.shape] };
  }

  reshape(x: Sym, shape: readonly number[]): Sym {
    const [y] = this.node('Reshape', [x.name, this.i64(shape)]);
    let out: (number | null)[] = shape.map((d) => (d === -1 ? null : d));
    if (!x.shape.includes(null) && shape.includes(-1)) {
      const total = (x.shape as number[]).reduce((p, d) => p * d, 1);
      const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      out = shape.map((d) => (d === -1 ? total / known : d));
    }
    return { name: y!, shape: out };
  }

  transpose(x: Sym, perm: readonly number[]): Sym {
    const [y] = this.node('Transpose', [x.name], [OnnxOps.ints('perm', perm)]);
    return { name: y!, shape: perm.map((p) => x.shape[p]!) };
  }

  concat(xs: readonly Sym[], axis: number): Sym {
    if (xs.length === 1) return xs[0]!;
    const rank = xs[0]!.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const [y] = this.node(
      'Concat',
      xs.map((x) => x.name),
      [OnnxOps.int('axis', ax)],
    );
    const shape = [...xs[0]!.shape];
    shape[ax] = xs.some((x) => x.shape[ax] === null)
      ? null
      : xs.reduce((s, x) => s + (x.shape[ax] as number), 0);
    return { name: y!, shape };
  }

  split(x: Sym, axis: number, n: number): Sym[] {
    const size = x.shape[axis];
    if (size === null || size === undefined || size % n !== 0) {
      throw modelsError('MODELS_ONNX', `cannot split axis ${axis} of size ${size} into ${n}`);
    }
    const outs = this.node(
      'Split',
      [x.name, this.i64(new Array(n).fill(size / n))],
      [OnnxOps.int('axis', axis)],
      n,
    );
    return outs.map((name) => {
      const shape = [...x.shape];
      shape[axis] = size / n;
      return { name, shape };
    });
  }

  unstack(x: Sym, axis: number): Sym[] {
    const n = x.shape[axis];
    if (n === null || n === undefined)
      throw modelsError('MODELS_ONNX', `cannot unstack dynamic axis ${axis}`);
    return this.split(x, axis, n).map((part) => {
      const [y] = this.node('Squeeze', [part.name, this.i64([axis])]);
      return { name: y!, shape: x.shape.filter((_, i) => i !== axis) };
    });
  }

  stack(xs: readonly Sym[], axis: number): Sym {
    const parts = xs.map((x) => {
      const [y] = this.node('Unsqueeze', [x.name, this.i64([axis])]);
      const shape = [...x.shape];
      shape.splice(axis, 0, 1);
      return { name: y!, shape };
    });
    return this.concat(parts, axis);
  }

  slice(x: Sym, axis: number, start: number, end: number): Sym {
    const [y] = this.node('Slice', [x.name, this.i64([start]), this.i64([end]), this.i64([axis])]);
    const shape = [...x.shape];
    shape[axis] = end - start;
    return { name: y!, shape };
  }

  softmax(x: Sym): Sym {
    const [y] = this.node('Softmax', [x.name], [OnnxOps.int('axis', -1)]);
    return { name: y!, shape: [...x.shape] };
  }

  layerNorm(x: Sym, gamma: Sym, beta: Sym, eps: number): Sym {
    const [y] = this.node(
      'LayerNormalization',
      [x.name, gamma.name, beta.name],
      [OnnxOps.int('axis', -1), { name: 'epsilon', type: AttributeType.FLOAT, f: eps }],
    );
    return { name: y!, shape: [...x.shape] };
  }

  addNorm(x: Sym, a: Sym, gamma: Sym, beta: Sym, eps: number): Sym {
    return this.layerNorm(this.add(x, a), gamma, beta, eps);
  }

  private unary(op: string, x: Sym): Sym {
    const [y] = this.node(op, [x.name]);
    return { name: y!, shape: [...x.shape] };
  }

  relu(x: Sym): Sym {
    return this.unary('Relu', x);
  }

  gelu(x: Sym): Sym {
    // Same order of operations as TfOps.gelu: (x * 0.5) * (erf(x * sqrt(1/2)) + 1).
    const e = this.unary('Erf', this.scale(x, Math.SQRT1_2));
    const [e1] = this.node('Add', [e.name, this.f32scalar(1)]);
    return this.mul(this.scale(x, 0.5), { name: e1!, shape: [...x.shape] });
  }

  tanh(x: Sym): Sym {
    return this.unary('Tanh', x);
  }

  sigmoid(x: Sym): Sym {
    return this.unary('Sigmoid', x);
  }

  mean(x: Sym, axis: number, keepDims: boolean): Sym {
    const rank = x.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const [y] = this.node(
      'ReduceMean',
      [x.name],
      [OnnxOps.ints('axes', [ax]), OnnxOps.int('keepdims', keepDims ? 1 : 0)],
    );
    const shape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
    return { name: y!, shape };
  }

  broadcastLeading(x: Sym, like: Sym): Sym {
    const [lead] = this.node('Shape', [like.name], [OnnxOps.int('start', 0), OnnxOps.int('end', 1)]);
    const [shape] = this.node(
      'Concat',
      [lead!, this.i64(x.shape.slice(1) as number[])],
      [OnnxOps.int('axis', 0)],
    );
    const [y] = this.node('Expand', [x.name, shape!]);
    return { name: y!, shape: [like.shape[0]!, ...x.shape.slice(1)] };
  }

  dropout(x: Sym): Sym {
    return x;
  }

  attention(query: Sym, memory: Sym, p: AttentionParams<Sym>, o: AttentionOptions<Sym>): Sym {
    return attentionByParts(this, query, memory, p, o);
  }

  /** Names `x` as a graph output (an Identity node). */
  output(x: Sym, name: string): Sym {
    this.nodes.push({
      input: [x.name],
      output: [name],
      name: `n_out_${name}`,
      opType: 'Identity',
      attribute: [],
    });
    return { name, shape: [...x.shape] };
  }
}
