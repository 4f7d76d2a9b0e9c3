import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` this file uses (public methods of that class). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * A `Slice` kernel for the wasm backend that reads its input in place.
 *
 * tfjs-backend-wasm 4.22's `Slice` (and `Unpack`/`SplitV`, which call it) starts with
 * `readSync(x)`, which copies the whole input out of the wasm heap on every call: unstacking a
 * `[40, 250, 192]` tensor into 40 steps copied 40 x 7.7 MB and took ~250 ms. This kernel views the
 * input on the heap instead (after allocating the output, since allocation may grow and move the
 * heap) and copies only the slice: same values, same dtype, same shape.
 */
function sliceInPlace(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const x = args.inputs.x!;
  const backend = args.backend as WasmBackendLike;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.TensorInfo as tf.Tensor,
    args.attrs.begin as number | number[],
    args.attrs.size as number | number[] | undefined,
  );
  const out = backend.makeOutput(size, x.dtype);
  const n = tf.util.sizeFromShape(size);
  if (n === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(offset, offset + n));
    return out;
  }
  // Copy runs along the last axis; walk the outer index with an odometer.
  const rank = x.shape.length;
  const inner = size[rank - 1]!;
  const outer = n / inner;
  const idx = new Array<number>(rank - 1).fill(0);
  let o = 0;
  for (let k = 0; k < outer; k++) {
    let offset = begin[rank - 1]!;
    for (let a = 0; a < rank - 1; a++) offset += (begin[a]! + idx[a]!) * strides[a]!;
    dst.set(src.subarray(offset, offset + inner), o);
    o += inner;
    for (let a = rank - 2; a >= 0; a--) {
      if (++idx[a]! < size[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** `Unpack` on `sliceInPlace` (the stock one calls the copying slice once per output). */
function unpackInPlace(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }) {
  const value = args.inputs.value!;
  const rank = value.shape.length;
  let axis = args.attrs.axis as number;
  if (axis < 0) axis += rank;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = [...value.shape];
  size[axis] = 1;
  const outs: tf.TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]!; i++) {
    begin[axis] = i;
    const t = sliceInPlace({
      inputs: { x: value },
      backend: args.backend,
      attrs: { begin: [...begin], size },
    });
    outs.push({ dataId: t.dataId, dtype: t.dtype, shape: outShape });
  }
  return outs;
}

/** `SplitV` on `sliceInPlace`. */
function splitInPlace(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }) {
  const x = args.inputs.x!;
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.TensorInfo as tf.Tensor,
    args.attrs.numOrSizeSplits as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const t = sliceInPlace({ inputs: { x }, backend: args.backend, attrs: { begin: [...begin], size } });
    begin[axis]! += s;
    return t;
  });
}

let installed = false;

function replace(kernelName: string, kernelFunc: unknown): void {
  if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
}

/** Replaces the wasm backend's `Slice`, `Unpack` and `SplitV` kernels with in-place ones. Idempotent. */
export function installWasmKernels(): void {
  if (installed) return;
  replace('Slice', sliceInPlace);
  replace('Unpack', unpackInPlace);
  replace('SplitV', splitInPlace);
  installed = true;
}
