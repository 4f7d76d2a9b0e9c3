import type * as tf from '@tensorflow/tfjs-core';
import { type SimdContext, simdFor } from './simd/index.js';

/**
 * Float32 data access for the package's own kernels, over the backend's storage: the wasm heap
 * (tensors read and written in place, no copy) or the cpu backend's typed arrays.
 *
 * Allocate every output first and take views after: an allocation may grow the wasm memory,
 * which detaches the views taken before it.
 */
export interface KernelIO {
  readonly backendName: 'wasm' | 'cpu';
  /** A new float32 tensor of `shape`; its contents are undefined until written. */
  out(shape: readonly number[]): tf.TensorInfo;
  /** The float32 data of `t` (a view: writes go to the tensor). */
  f32(t: tf.TensorInfo): Float32Array;
  /** The SIMD kernels on this backend's heap (wasm only, when available). */
  readonly simd: SimdContext | undefined;
  /** Byte address of `t`'s data on the heap (wasm only). */
  ptr(t: tf.TensorInfo): number;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface CpuBackendLike {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

/** Elements of a shape. */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The `KernelIO` of `backend` (named `backendName` by tfjs). */
export function kernelIO(backendName: 'wasm' | 'cpu', backend: unknown): KernelIO {
  if (backendName === 'wasm') {
    const b = backend as WasmBackendLike;
    const simd = simdFor(backend);
    return {
      backendName,
      out: (shape) => b.makeOutput([...shape], 'float32'),
      f32: (t) => b.typedArrayFromHeap(t) as Float32Array,
      simd,
      ptr: (t) => simd!.ptr(t.dataId),
    };
  }
  const b = backend as CpuBackendLike;
  return {
    backendName,
    out: (shape) => b.makeTensorInfo([...shape], 'float32', new Float32Array(numel(shape))),
    f32: (t) => b.data.get(t.dataId).values,
    simd: undefined,
    ptr: () => {
      throw new Error('no heap addresses on the cpu backend');
    },
  };
}
