/**
 * Counters of what a training step asks of the backend: engine kernel invocations (by wrapping
 * every kernel registered for the active backend), host readbacks (the backend's `read` /
 * `readSync`: every `data()` / `dataSync()` that reaches the device), tensors created from host
 * values (`write` / `move`: constants, inputs, dropout masks), and on webgpu the GPU dispatches,
 * queue submissions and buffer uploads the backend records. Works on any backend; the webgpu
 * numbers are zero elsewhere.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What happened between `start()` and `stop()`. */
export interface Counts {
  /** Engine kernel invocations (what `tf.profile` lists; gradients included). */
  kernels: number;
  /** The same by kernel name, most frequent first. */
  byKernel: Record<string, number>;
  /** webgpu: GPU dispatches by the engine kernel that issued them, most first. */
  dispatchesByKernel: Record<string, number>;
  /** Device -> host reads (`read` + `readSync` calls) and their float count. */
  readbacks: number;
  readbackValues: number;
  /** Tensors made from host values (`write`/`move`): uploads on a GPU, heap copies on wasm. */
  hostTensors: number;
  hostTensorValues: number;
  /** webgpu only: compute dispatches recorded, queue submissions, host -> GPU buffer uploads. */
  dispatches: number;
  submits: number;
  gpuUploads: number;
  gpuUploadBytes: number;
}

type Fn = (...args: never[]) => unknown;

/** Counts kernel and transfer events of the active backend until `stop()`. */
export class BackendCounter {
  private readonly restore: (() => void)[] = [];
  private readonly byKernel = new Map<string, number>();
  private readonly dispatchesByKernel = new Map<string, number>();
  private readonly running: string[] = [];
  private c = {
    kernels: 0,
    readbacks: 0,
    readbackValues: 0,
    hostTensors: 0,
    hostTensorValues: 0,
    dispatches: 0,
    submits: 0,
    gpuUploads: 0,
    gpuUploadBytes: 0,
  };

  constructor() {
    const backendName = tf.getBackend();
    for (const config of tf.getKernelsForBackend(backendName)) {
      const original = config.kernelFunc;
      const name = config.kernelName;
      const counted: tf.KernelFunc = (args) => {
        this.c.kernels++;
        this.byKernel.set(name, (this.byKernel.get(name) ?? 0) + 1);
        this.running.push(name);
        try {
          return original(args);
        } finally {
          this.running.pop();
        }
      };
      tf.unregisterKernel(name, backendName);
      tf.registerKernel({ ...config, kernelFunc: counted });
      this.restore.push(() => {
        tf.unregisterKernel(name, backendName);
        tf.registerKernel(config);
      });
    }
    const backend = tf.backend() as unknown as Record<string, Fn>;
    const lengthOf = (v: unknown) =>
      v != null && typeof (v as { length?: number }).length === 'number'
        ? (v as { length: number }).length
        : 0;
    // wasm's and cpu's `read` call `readSync` synchronously: count such a read once. On webgpu a
    // tensor whose values already sit on the CPU (constants, values read before) costs no
    // transfer: not counted.
    const gpuTensors = (
      backend as unknown as { tensorMap?: { get(id: object): { values?: unknown } | undefined } }
    ).tensorMap;
    const onHost = (dataId: unknown) =>
      typeof backend.recordAndSubmit === 'function' && gpuTensors?.get(dataId as object)?.values != null;
    let inRead = 0;
    let cached = false;
    this.wrap(
      backend,
      'readSync',
      (r) => {
        if (inRead > 0 || cached) return;
        this.c.readbacks++;
        this.c.readbackValues += lengthOf(r);
      },
      (args) => {
        cached = onHost(args[0]);
      },
    );
    this.wrap(
      backend,
      'read',
      (r) => {
        inRead--;
        if (cached) return;
        this.c.readbacks++;
        void Promise.resolve(r).then((v) => {
          this.c.readbackValues += lengthOf(v);
        });
      },
      (args) => {
        inRead++;
        cached = onHost(args[0]);
      },
    );
    this.wrap(backend, 'write', (_r, args) => {
      if (args[0] != null) {
        this.c.hostTensors++;
        this.c.hostTensorValues += lengthOf(args[0]);
      }
    });
    this.wrap(backend, 'move', (_r, args) => {
      if (args[1] != null) {
        this.c.hostTensors++;
        this.c.hostTensorValues += lengthOf(args[1]);
      }
    });
    if (typeof backend.recordAndSubmit === 'function') {
      this.wrap(backend, 'recordAndSubmit', () => {
        this.c.dispatches++;
        const k = this.running[this.running.length - 1] ?? '(no kernel)';
        this.dispatchesByKernel.set(k, (this.dispatchesByKernel.get(k) ?? 0) + 1);
      });
      this.wrap(backend, 'submitQueue', () => {
        this.c.submits++;
      });
      const tensorMap = (
        backend as unknown as {
          tensorMap: {
            get(id: object): { values?: ArrayLike<number> | null; resource?: unknown; dtype: string };
          };
        }
      ).tensorMap;
      const original = backend.uploadToGPU as unknown as (dataId: object) => void;
      const self = this;
      (backend as Record<string, unknown>).uploadToGPU = function (this: unknown, dataId: object) {
        const d = tensorMap.get(dataId);
        if (d !== undefined && d.resource == null && d.values != null) {
          self.c.gpuUploads++;
          self.c.gpuUploadBytes += d.values.length * 4;
        }
        return original.call(this, dataId);
      };
      this.restore.push(() => {
        delete (backend as Record<string, unknown>).uploadToGPU;
      });
    }
  }

  /**
   * Wraps an instance method (the prototype's stays), calling `before()` and `after(result, args)`
   * around each call (`after` is skipped when the call throws).
   */
  private wrap(
    obj: Record<string, Fn>,
    method: string,
    after: (result: unknown, args: unknown[]) => void,
    before?: (args: unknown[]) => void,
  ): void {
    const original = obj[method];
    if (typeof original !== 'function') return;
    const hadOwn = Object.hasOwn(obj, method);
    obj[method] = function (this: unknown, ...args: never[]) {
      before?.(args);
      const r = (original as (...a: unknown[]) => unknown).apply(this, args);
      after(r, args);
      return r;
    } as Fn;
    this.restore.push(() => {
      if (hadOwn) obj[method] = original;
      else delete obj[method];
    });
  }

  /** The counts so far. */
  counts(): Counts {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]));
    return {
      ...this.c,
      byKernel: sorted(this.byKernel),
      dispatchesByKernel: sorted(this.dispatchesByKernel),
    };
  }

  /** Restores the original kernels and methods; returns the counts. */
  stop(): Counts {
    const out = this.counts();
    for (const r of this.restore.reverse()) r();
    this.restore.length = 0;
    return out;
  }
}
