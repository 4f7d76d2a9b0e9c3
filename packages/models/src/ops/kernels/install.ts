import * as tf from '@tensorflow/tfjs-core';
import { addNormKernels } from './add-norm.js';
import { attentionKernels } from './attention.js';
import { dropoutKernels } from './dropout.js';
import { geluKernels } from './gelu.js';
import { identityKernels } from './identity.js';
import { kernelIO } from './io.js';
import { layerNormKernels } from './layer-norm.js';
import { linearKernels } from './linear.js';
import { FAST_BACKENDS, type FastBackend, type KernelSet } from './types.js';

/**
 * The package's own tfjs kernels: fused operations the models use on the CPU backends (layer
 * norm, GELU, dropout, linear layers with their bias, multi-head attention), registered under
 * their own names (`Hfq...`) for the `wasm` and `cpu` backends, with their gradients; plus a
 * replacement of the wasm backend's `Identity` kernel (see `identityShared`).
 *
 * `TfOps` uses them when `fastKernelsActive()` says so and otherwise composes the same
 * computation from stock tfjs ops (other backends, or after `setFastKernels(false)`).
 */

const SETS: KernelSet[] = [
  identityKernels,
  dropoutKernels,
  geluKernels,
  layerNormKernels,
  addNormKernels,
  linearKernels,
  attentionKernels,
];
const kernels = () => SETS.flatMap((s) => s.kernels);
const gradients = () => SETS.flatMap((s) => s.gradients);
const replacements = () => SETS.flatMap((s) => s.replacements ?? []);
const saved = new Map<string, tf.KernelConfig>();

let enabled = true;
const registered = new Set<FastBackend>();
let gradientsRegistered = false;

function registerFor(backendName: FastBackend): void {
  for (const k of kernels()) {
    if (tf.getKernel(k.kernelName, backendName) !== undefined) continue;
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName,
      kernelFunc: (({
        inputs,
        attrs,
        backend,
      }: {
        inputs: tf.NamedTensorInfoMap;
        attrs: tf.NamedAttrMap;
        backend: unknown;
      }) =>
        k.kernelFunc({
          inputs,
          attrs,
          backend,
          io: kernelIO(backendName, backend),
        })) as unknown as tf.KernelFunc,
    });
  }
  registered.add(backendName);
}

function swapReplacements(on: boolean, backendName: FastBackend): void {
  for (const r of replacements()) {
    if (r.backendName !== backendName) continue;
    const key = `${r.kernelName}/${r.backendName}`;
    const current = tf.getKernel(r.kernelName, r.backendName);
    if (on) {
      if (current?.kernelFunc === r.kernelFunc) continue;
      if (current !== undefined) {
        saved.set(key, current);
        tf.unregisterKernel(r.kernelName, r.backendName);
      }
      tf.registerKernel({ kernelName: r.kernelName, backendName: r.backendName, kernelFunc: r.kernelFunc });
    } else {
      const original = saved.get(key);
      if (current?.kernelFunc !== r.kernelFunc || original === undefined) continue;
      tf.unregisterKernel(r.kernelName, r.backendName);
      tf.registerKernel(original);
    }
  }
}

/**
 * Whether `TfOps` should use the fused kernels now: they are enabled and the active backend is
 * `wasm` or `cpu`. Registers them (and the replacements) on the first call for a backend.
 */
export function fastKernelsActive(): boolean {
  if (!enabled) return false;
  const name = tf.getBackend();
  if (name !== 'wasm' && name !== 'cpu') return false;
  if (!gradientsRegistered) {
    for (const g of gradients()) if (tf.getGradient(g.kernelName) === undefined) tf.registerGradient(g);
    gradientsRegistered = true;
  }
  if (!registered.has(name)) registerFor(name);
  swapReplacements(true, name);
  return true;
}

/**
 * Turns the fused kernels on (default) or off. Off, `TfOps` composes every operation from stock
 * tfjs ops and the stock kernels replaced here are restored: the pre-optimisation computation,
 * for benchmarks and equivalence tests.
 */
export function setFastKernels(on: boolean): void {
  enabled = on;
  for (const b of FAST_BACKENDS) if (tf.getKernel('Identity', b) !== undefined) swapReplacements(on, b);
}

/** Whether the fused kernels are enabled (they are used only on `wasm` and `cpu`). */
export function fastKernelsEnabled(): boolean {
  return enabled;
}
