import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of the kernels our models and the IC loss use.
 *
 * Why this file exists: in Node, `@tensorflow/tfjs-core` resolves to its CommonJS bundle, which
 * registers no gradients (tfjs registers them from ESM files that Node cannot load, or from the
 * `@tensorflow/tfjs` union bundle, which we do not depend on). Each gradient below is the textbook
 * derivative written with public tfjs-core ops; `registerModelGradients` installs one only where
 * no gradient is registered for that kernel yet, so a host that loaded tfjs's own set keeps it.
 * `gradients.test.ts` checks every one against central finite differences.
 */

type Grad = tf.GradConfig;
type Attrs = Record<string, unknown>;
type GradMap = ReturnType<Grad['gradFunc']>;

/** Sums `g` over the axes that were broadcast to reach it, then reshapes to `shape`. */
function unbroadcast(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes([...shape], g.shape);
  const r = axes.length > 0 ? tf.sum(g, axes) : g;
  return tf.reshape(r, [...shape]);
}

function binary(
  kernelName: string,
  da: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  db: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): Grad {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as tf.Tensor[];
      const g = dy as tf.Tensor;
      return { a: () => unbroadcast(da(g, a!, b!), a!.shape), b: () => unbroadcast(db(g, a!, b!), b!.shape) };
    },
  };
}

function unaryInput(kernelName: string, d: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): Grad {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => d(dy as tf.Tensor, (saved as tf.Tensor[])[0]!) }),
  };
}

function unaryOutput(kernelName: string, d: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor): Grad {
  return {
    kernelName,
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => d(dy as tf.Tensor, (saved as tf.Tensor[])[0]!) }),
  };
}

function axesOf(axis: unknown, rank: number): number[] {
  const list =
    axis === null || axis === undefined ? [...Array(rank).keys()] : Array.isArray(axis) ? axis : [axis];
  return (list as number[]).map((a) => (a < 0 ? a + rank : a));
}

/**
 * `dy` of a reduction over `axis` brought back to `shape` (each reduced element gets it).
 *
 * On the CPU backends a multiply by ones (wasm's Tile kernel, what `tf.broadcastTo` runs, is
 * ~25x slower). Elsewhere `tf.broadcastTo`: `tf.ones` is filled on the host, which on a GPU
 * means building and uploading an activation-sized tensor per reduction in every backward pass
 * (measured on webgpu: ~10,000 floats per stock per Transformer step), where Tile is one kernel
 * on the device.
 */
function expandReduced(dy: tf.Tensor, shape: readonly number[], axis: unknown): tf.Tensor {
  const keep = [...shape];
  for (const a of axesOf(axis, shape.length)) keep[a] = 1;
  const backend = tf.getBackend();
  const broadcast =
    reductionGradient === 'auto'
      ? backend !== 'wasm' && backend !== 'cpu'
      : reductionGradient === 'broadcast';
  if (broadcast) return tf.broadcastTo(tf.reshape(dy, keep), [...shape]);
  return tf.mul(tf.reshape(dy, keep), tf.ones([...shape]));
}

let reductionGradient: 'auto' | 'broadcast' | 'ones' = 'auto';

/**
 * How reduction gradients spread `dy` back: `auto` (ones on the CPU backends, `broadcastTo`
 * elsewhere) or one way everywhere (tests compare the two). Internal; returns the previous mode.
 */
export function setReductionGradientMode(mode: 'auto' | 'broadcast' | 'ones'): 'auto' | 'broadcast' | 'ones' {
  const previous = reductionGradient;
  reductionGradient = mode;
  return previous;
}

/** Swaps the last two axes. */
function transposeLast(t: tf.Tensor): tf.Tensor {
  const perm = [...t.shape.keys()];
  perm[t.rank - 2] = t.rank - 1;
  perm[t.rank - 1] = t.rank - 2;
  return tf.transpose(t, perm);
}

/**
 * `p^T q` (last two axes). Batched: tfjs's flag (wasm's batched kernel takes it at no extra cost).
 * 2-D: wasm's flagged product is ~10x slower than a plain one, and its plain product packs the
 * right-hand matrix afresh for every new tensor, so the smaller operand goes on the right:
 * `transpose(p) @ q` when q is smaller, else `(transpose(q) @ p)^T` (measured for the input
 * embedding's weight gradient, x 10000x300 and dy 10000x32: 12 ms vs 77 ms).
 */
function matMulTN(p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  if (p.rank > 2) return tf.matMul(p, q, true, false);
  return q.size <= p.size ? tf.matMul(transposeLast(p), q) : transposeLast(tf.matMul(transposeLast(q), p));
}

/** `p q^T` (last two axes); as `matMulTN`, the smaller operand on the right. */
function matMulNT(p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  if (p.rank > 2) return tf.matMul(p, q, false, true);
  return q.size <= p.size ? tf.matMul(p, transposeLast(q)) : transposeLast(tf.matMul(q, transposeLast(p)));
}

/**
 * BatchMatMul. The products are written without tfjs's transpose flags: the wasm backend runs
 * flagged products about 10x slower than plain ones (measured: 10000x32 by 32x300, 132 ms vs
 * 20 ms), so an explicit transpose of the smaller operand comes first.
 */
function matMulGrad(): Grad {
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a0, b0] = saved as tf.Tensor[];
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor;
      // With A = op(a), B = op(b): dA = g B^T, dB = A^T g; then undo op on each.
      const A = () => (transposeA ? transposeLast(a0!) : a0!);
      const B = () => (transposeB ? transposeLast(b0!) : b0!);
      const da = () => {
        const d = matMulNT(g, B());
        return transposeA ? transposeLast(d) : d;
      };
      const db = () => {
        const d = matMulTN(A(), g);
        return transposeB ? transposeLast(d) : d;
      };
      // Leading (batch) axes may have been broadcast: sum them back.
      const back = (t: tf.Tensor, shape: readonly number[]) => {
        if (t.rank === shape.length && t.shape.every((s, i) => s === shape[i])) return t;
        const lead = t.rank - 2;
        const full = [...Array(lead - (shape.length - 2)).fill(1), ...shape];
        const axes: number[] = [];
        for (let i = 0; i < lead; i++) if (full[i] === 1 && t.shape[i] !== 1) axes.push(i);
        return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, [...shape]);
      };
      return { a: () => back(da(), a0!.shape), b: () => back(db(), b0!.shape) };
    },
  };
}

const GRADIENTS: Grad[] = [
  binary(
    'Add',
    (dy) => dy,
    (dy) => dy,
  ),
  binary(
    'Sub',
    (dy) => dy,
    (dy) => tf.neg(dy),
  ),
  binary(
    'Multiply',
    (dy, _a, b) => tf.mul(dy, b),
    (dy, a) => tf.mul(dy, a),
  ),
  binary(
    'RealDiv',
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  ),
  binary(
    'Maximum',
    (dy, a, b) => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
    (dy, a, b) => tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
  ),
  binary(
    'SquaredDifference',
    (dy, a, b) => tf.mul(dy, tf.mul(tf.scalar(2), tf.sub(a, b))),
    (dy, a, b) => tf.mul(dy, tf.mul(tf.scalar(-2), tf.sub(a, b))),
  ),
  matMulGrad(),
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  unaryInput('Square', (dy, x) => tf.mul(dy, tf.mul(x, tf.scalar(2)))),
  unaryOutput('Sqrt', (dy, y) => tf.div(dy, tf.mul(y, tf.scalar(2)))),
  // d/dx x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3
  unaryOutput('Rsqrt', (dy, y) => tf.mul(dy, tf.mul(tf.mul(y, tf.square(y)), tf.scalar(-0.5)))),
  unaryInput('Relu', (dy, x) => tf.mul(dy, tf.cast(tf.greater(x, 0), 'float32'))),
  unaryInput('Erf', (dy, x) =>
    tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x))), tf.scalar(2 / Math.sqrt(Math.PI)))),
  ),
  unaryOutput('Tanh', (dy, y) => tf.mul(dy, tf.sub(tf.scalar(1), tf.square(y)))),
  unaryOutput('Sigmoid', (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)))),
  unaryInput('Exp', (dy, x) => tf.mul(dy, tf.exp(x))),
  {
    kernelName: 'Softmax',
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const y = (saved as tf.Tensor[])[0]!;
      const dim = (attrs as Attrs).dim as number;
      const dyY = tf.mul(dy as tf.Tensor, y);
      return { logits: () => tf.sub(dyY, tf.mul(tf.sum(dyY, [dim], true), y)) };
    },
  },
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as tf.Tensor, (saved as tf.Tensor[])[0]!.shape) }),
  },
  {
    kernelName: 'ExpandDims',
    inputsToSave: ['input'],
    gradFunc: (dy, saved) => ({ input: () => tf.reshape(dy as tf.Tensor, (saved as tf.Tensor[])[0]!.shape) }),
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => {
      const perm = (attrs as Attrs).perm as number[];
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => {
        inverse[p] = i;
      });
      return { x: () => tf.transpose(dy as tf.Tensor, inverse) };
    },
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const inputs = saved as tf.Tensor[];
      const rank = inputs[0]!.rank;
      let axis = (attrs as Attrs).axis as number;
      if (axis < 0) axis += rank;
      const parts = tf.split(
        dy as tf.Tensor,
        inputs.map((t) => t.shape[axis]!),
        axis,
      );
      return parts.map((p) => () => p) as unknown as GradMap;
    },
  },
  {
    kernelName: 'SplitV',
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.concat(dy as tf.Tensor[], (attrs as Attrs).axis as number),
    }),
  },
  {
    kernelName: 'Unpack',
    gradFunc: (dy, _saved, attrs) => ({
      value: () => tf.stack(dy as tf.Tensor[], (attrs as Attrs).axis as number),
    }),
  },
  {
    kernelName: 'Pack',
    gradFunc: (dy, _saved, attrs) => {
      const parts = tf.unstack(dy as tf.Tensor, (attrs as Attrs).axis as number);
      return parts.map((p) => () => p) as unknown as GradMap;
    },
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as tf.Tensor[])[0]!;
      const { begin, size } = attrs as { begin: number | number[]; size: number | number[] };
      const b = Array.isArray(begin) ? begin : [begin];
      const s = Array.isArray(size) ? size : [size];
      const paddings: [number, number][] = x.shape.map((dimSize, i) => {
        const start = b[i] ?? 0;
        const len = s[i] === undefined || s[i] === -1 ? dimSize - start : s[i]!;
        return [start, dimSize - start - len];
      });
      return { x: () => tf.pad(dy as tf.Tensor, paddings) };
    },
  },
  {
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as tf.Tensor[])[0]!;
      const reps = (attrs as Attrs).reps as number[];
      // dy has shape [reps_i * x_i]; as [reps_0, x_0, reps_1, x_1, ...] the copies sit on even axes.
      const inter: number[] = [];
      const axes: number[] = [];
      x.shape.forEach((d, i) => {
        inter.push(reps[i]!, d);
        axes.push(2 * i);
      });
      return { x: () => tf.reshape(tf.sum(tf.reshape(dy as tf.Tensor, inter), axes), x.shape) };
    },
  },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as tf.Tensor[])[0]!;
      return { x: () => expandReduced(dy as tf.Tensor, x.shape, (attrs as Attrs).axis) };
    },
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as tf.Tensor[])[0]!;
      const axes = axesOf((attrs as Attrs).axis, x.rank);
      let count = 1;
      for (const a of axes) count *= x.shape[a]!;
      return { x: () => tf.div(expandReduced(dy as tf.Tensor, x.shape, axes), tf.scalar(count)) };
    },
  },
  {
    kernelName: 'Select',
    inputsToSave: ['condition'],
    gradFunc: (dy, saved) => {
      const c = (saved as tf.Tensor[])[0]!;
      const g = dy as tf.Tensor;
      return {
        condition: () => tf.cast(tf.zerosLike(c), 'float32'),
        t: () => tf.mul(g, tf.cast(c, 'float32')),
        e: () => tf.mul(g, tf.cast(tf.logicalNot(c), 'float32')),
      };
    },
  },
];

let registered = false;

/** Installs the gradients above for kernels that have none yet. Idempotent, cheap. */
export function registerModelGradients(): void {
  if (registered) return;
  for (const g of GRADIENTS) {
    if (tf.getGradient(g.kernelName) === undefined) tf.registerGradient(g);
  }
  registered = true;
}

/** Kernel names this module can provide gradients for (for tests and docs). */
export const GRADIENT_KERNELS: readonly string[] = GRADIENTS.map((g) => g.kernelName);
