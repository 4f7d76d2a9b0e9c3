/**
 * What the device is and what its basic operations cost through tfjs: the backend and adapter,
 * the per-kernel overhead of a chain of small kernels, the latency of a one-float readback,
 * upload bandwidth, matrix-product throughput, and a custom WGSL kernel run through tfjs's
 * kernel registry (webgpu only), each checked against a CPU computation. These numbers ground
 * the performance plan in docs/gpu.md (e.g. a step of N kernels costs at least N x overhead).
 */
import os from 'node:os';
import { activeBackend } from '@hfq/models';
import * as tf from '@tensorflow/tfjs-core';
import { median, round } from './data.js';

async function timeMs(f: () => Promise<unknown>, reps: number): Promise<number> {
  await f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Registers `HfqProbeDouble` (y = 2x) on webgpu through tfjs's kernel registry; returns whether it did. */
async function registerDouble(importer: () => Promise<unknown>): Promise<boolean> {
  if (tf.getBackend() !== 'webgpu') return false;
  if (tf.getKernel('HfqProbeDouble', 'webgpu') !== undefined) return true;
  const mod = (await importer()) as {
    webgpu_util: {
      flatDispatchLayout(shape: number[]): object;
      computeDispatch(layout: object, shape: number[], wg: number[]): number[];
    };
  };
  tf.registerKernel({
    kernelName: 'HfqProbeDouble',
    backendName: 'webgpu',
    kernelFunc: (({ inputs, backend }) => {
      const x = inputs.x!;
      const dispatchLayout = mod.webgpu_util.flatDispatchLayout(x.shape);
      const program = {
        variableNames: ['A'],
        size: true,
        workgroupSize: [64, 1, 1],
        outputShape: x.shape,
        shaderKey: 'hfq_probe_double',
        dispatchLayout,
        dispatch: mod.webgpu_util.computeDispatch(dispatchLayout, x.shape, [64, 1, 1]),
        getUserCode: () =>
          'fn main(index : i32) { if (index < uniforms.size) { setOutputAtIndex(index, 2.0 * getAByOutputIndex(index)); } }',
      };
      return (
        backend as unknown as { runWebGPUProgram(p: object, i: tf.TensorInfo[], d: string): tf.TensorInfo }
      ).runWebGPUProgram(program, [x], 'float32');
    }) as tf.KernelFunc,
  });
  return true;
}

/** Runs the probes on the active backend. `tfjsWebgpu` imports `@tensorflow/tfjs-backend-webgpu`. */
export async function runProbe(tfjsWebgpu: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const onGpu = tf.getBackend() === 'webgpu';
  const out: Record<string, unknown> = {
    task: 'probe',
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((v) => round(v)),
    backend: activeBackend(),
  };

  // Overhead per kernel: 200 dependent adds on a small vector, one readback at the end.
  const small = tf.ones([1024]);
  const one = tf.scalar(1e-3);
  const chainMs = await timeMs(async () => {
    const y = tf.tidy(() => {
      let t = small;
      for (let i = 0; i < 200; i++) t = tf.add(t, one);
      return t;
    });
    await y.data();
    y.dispose();
  }, 5);
  out.kernelOverhead = {
    what: '200 dependent adds on 1024 floats + one readback, ms per add',
    msPerKernel: round(chainMs / 200, 4),
  };

  // Readback latency of one float (a host sync).
  const readMs = await timeMs(async () => {
    const y = tf.add(small, one);
    const s = tf.slice(y, [0], [1]);
    await s.data();
    tf.dispose([y, s]);
  }, 20);
  out.readbackLatency = { what: 'one add + read back 1 float, median ms', ms: round(readMs, 3) };

  // Upload: 64 MB from the host, used by one kernel, one float read back.
  const host = new Float32Array(16 * 2 ** 20).fill(0.5);
  const upMs = await timeMs(async () => {
    const t = tf.tensor1d(host);
    const s = tf.sum(tf.slice(t, [0], [1024]));
    await s.data();
    tf.dispose([t, s]);
  }, 3);
  out.upload = {
    what: '64 MiB host -> device and one small kernel on it',
    ms: round(upMs),
    gbPerS: round(host.byteLength / 1e6 / upMs, 2),
  };

  // Matrix product throughput and correctness.
  const n = onGpu ? 2048 : 512;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 3);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 4);
  const mmMs = await timeMs(async () => {
    const c = tf.matMul(a, b);
    const s = tf.slice(c, [0, 0], [1, 1]);
    await s.data();
    tf.dispose([c, s]);
  }, 3);
  const av = (await a.data()) as Float32Array;
  const bv = (await b.data()) as Float32Array;
  const c = tf.matMul(a, b);
  const cv = (await c.data()) as Float32Array;
  let err = 0;
  let ref = 0;
  for (const [i, j] of [
    [0, 0],
    [n - 1, 7],
    [n >> 1, n - 1],
  ] as const) {
    let s = 0;
    for (let q = 0; q < n; q++) s += av[i * n + q]! * bv[q * n + j]!;
    err = Math.max(err, Math.abs(s - cv[i * n + j]!));
    ref = Math.max(ref, Math.abs(s));
  }
  tf.dispose([a, b, c]);
  out.matMul = {
    n,
    ms: round(mmMs, 3),
    gflops: round((2 * n ** 3) / mmMs / 1e6, 1),
    maxRelErrorAt3Entries: Number((err / ref).toPrecision(3)),
  };

  // A custom WGSL kernel through tfjs's kernel registry.
  if (await registerDouble(tfjsWebgpu)) {
    const x = tf.randomNormal([1000], 0, 1, 'float32', 5);
    const y = tf.engine().runKernel('HfqProbeDouble', { x }) as tf.Tensor;
    const xv = (await x.data()) as Float32Array;
    const yv = (await y.data()) as Float32Array;
    let maxErr = 0;
    for (let i = 0; i < xv.length; i++) maxErr = Math.max(maxErr, Math.abs(yv[i]! - 2 * xv[i]!));
    out.customKernel = {
      what: 'y = 2x as a WGSL program through tf.registerKernel',
      maxAbsError: maxErr,
      ok: maxErr === 0,
    };
    tf.dispose([x, y]);
  } else {
    out.customKernel = { what: 'webgpu only', ok: null };
  }
  tf.dispose([small, one]);
  out.gpuErrors = activeBackend()?.device?.uncapturedErrors ?? [];
  return out;
}
