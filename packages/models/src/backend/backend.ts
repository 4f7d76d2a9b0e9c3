import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { modelsError } from '../errors.js';
import { registerModelGradients } from './gradients.js';
import { installHint } from './install-hints.js';
import { genuinePackage, importOptional, resolveFromHere } from './optional.js';
import { installWasmKernels } from './wasm-kernels.js';
import {
  describeDevice,
  type GpuDeviceInfo,
  loadWebGpu,
  type WebGpuOptions,
  webgpuDevice,
  webgpuUnavailableReason,
} from './webgpu.js';

export type {
  DawnBackend,
  GpuDeviceInfo,
  WebGpuAdapterEntry,
  WebGpuOptions,
  WebGpuPackage,
} from './webgpu.js';
export { listWebGpuAdapters } from './webgpu.js';

/**
 * Tensor backends the models run on. Every model is written once against `@tensorflow/tfjs-core`
 * ops; a backend only changes where the kernels run.
 *
 * | name | tfjs backend | package | notes |
 * |---|---|---|---|
 * | `tensorflow-gpu` | `tensorflow` | `@tensorflow/tfjs-node-gpu` (optional) | CUDA 11.2 + cuDNN 8 |
 * | `webgpu` | `webgpu` | `webgpu` (Dawn) + `@tensorflow/tfjs-backend-webgpu` (optional) | needs a Vulkan/Metal/D3D12 adapter |
 * | `tensorflow` | `tensorflow` | `@tensorflow/tfjs-node` (optional) | libtensorflow on CPU |
 * | `wasm` | `wasm` | `@tensorflow/tfjs-backend-wasm` | the CPU default (SIMD, single thread in Node) |
 * | `cpu` | `cpu` | `@tensorflow/tfjs-backend-cpu` | plain JS reference, ~4x slower than wasm |
 */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What `useBackend` settled on. */
export interface BackendInfo {
  /** Our name for it. */
  name: BackendName;
  /** The name tfjs registered it under (`tf.getBackend()`). */
  tfName: string;
  /** Human-readable detail: SIMD/threads for wasm, the adapter for webgpu. */
  detail: string;
  /** The GPU, for `webgpu`: adapter, Dawn backend, features, limits, errors caught since. */
  device?: GpuDeviceInfo;
  /**
   * Backends `auto` passed over before this one, each with the reason (not installed, no Vulkan
   * loader, no adapter, failed to initialise). Empty for a backend named explicitly.
   */
  skipped?: { name: BackendName; reason: string }[];
}

/** The binaries of `@tensorflow/tfjs-backend-wasm` (keys of a `wasmPaths` map). */
export type WasmBinaryName =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

/** Options for `useBackend`. */
export interface BackendOptions {
  /**
   * Where the `wasm` backend's binaries are: a directory (ending in `/`) or URL prefix holding
   * `tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm` and
   * `tfjs-backend-wasm-threaded-simd.wasm`, or a map from those file names to paths/URLs (tfjs's
   * `setWasmPaths`). Default: the `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`,
   * found with Node's resolver. Set it when bundling: copy those files next to the bundle and
   * pass their folder (e.g. `fileURLToPath(new URL('./', import.meta.url))`). Applies to the first
   * `wasm` activation of the process.
   */
  wasmPaths?: string | Partial<Record<WasmBinaryName, string>>;
  /** Order `auto` tries (default `AUTO_ORDER`). */
  autoOrder?: readonly BackendName[];
  /** The `webgpu` backend's adapter choice and Dawn flags (see `WebGpuOptions`). */
  webgpu?: WebGpuOptions;
}

/**
 * One way to bring up a backend. `load` imports and registers it and throws (any error) when it
 * cannot; `useBackend` then calls `tf.setBackend(tfName)`. Register your own (or replace one)
 * with `registerBackendLoader`, e.g. a `webgpu` loader that picks a particular adapter.
 */
export interface BackendLoader {
  name: BackendName;
  tfName: string;
  /** Cheap check run by `auto` before `load` (e.g. "is a Vulkan loader installed?"); default: yes. */
  plausible?: () => boolean;
  /**
   * Cheap check run by `auto` before `load`, with the reason: `undefined` when the backend may
   * load, else why not (reported in `BackendInfo.skipped`). Takes precedence over `plausible`.
   */
  unavailableReason?: (options: BackendOptions) => string | undefined;
  load: (options: BackendOptions) => Promise<void>;
  /** Detail string once the backend is active. */
  describe?: () => Promise<string> | string;
  /** The device once the backend is active (GPU backends). */
  device?: () => GpuDeviceInfo | undefined;
}

/** The order `auto` tries backends in: fastest first. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

function tfNodeMissing(pkg: string): string | undefined {
  return genuinePackage(pkg)
    ? undefined
    : `optional package ${pkg} is not installed (or is an alias of another package).${installHint(pkg)}`;
}

async function loadTfNode(pkg: string): Promise<void> {
  if (!genuinePackage(pkg)) {
    throw modelsError(
      'MODELS_BACKEND',
      `${pkg} is not installed (or is an alias of another package).${installHint(pkg)}`,
      { field: pkg, reason: 'missing-peer' },
    );
  }
  await importOptional(pkg);
  if (tf.findBackendFactory('tensorflow') === null) {
    throw modelsError(
      'MODELS_BACKEND',
      `${pkg} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs-core (two tfjs-core versions installed?)`,
      { field: pkg },
    );
  }
}

const loaders = new Map<BackendName, BackendLoader>();

/** Adds or replaces the loader for `loader.name`. */
export function registerBackendLoader(loader: BackendLoader): void {
  loaders.set(loader.name, loader);
}

registerBackendLoader({
  name: 'cpu',
  tfName: 'cpu',
  load: async () => {
    await import('@tensorflow/tfjs-backend-cpu');
  },
  describe: () => {
    // tfjs-backend-cpu prints a "use tfjs-node" banner on its first tensor in Node; libraries do
    // not print, so mark the banner as shown.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return 'plain JavaScript kernels';
  },
});

let wasmPathsSet = false;

const WASM_BUNDLE_HINT =
  'copy node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm next to the bundle and pass ' +
  "useBackend('wasm', { wasmPaths: '<that folder>/' }) (see the README, Bundling)";

/**
 * The `wasmPaths` to give tfjs: the option, else the installed package's `dist/` folder. A
 * directory given (or found) in Node must hold the SIMD binary, checked here: tfjs would otherwise
 * fail later, or the caller would end up on another backend without knowing why.
 */
function wasmPathsFor(options: BackendOptions): string | Partial<Record<WasmBinaryName, string>> {
  let paths = options.wasmPaths;
  if (paths === undefined) {
    try {
      paths = `${join(dirname(resolveFromHere('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
    } catch (e) {
      throw modelsError(
        'MODELS_BACKEND',
        `backend wasm: cannot locate the .wasm files of @tensorflow/tfjs-backend-wasm from this module (bundled?): ${WASM_BUNDLE_HINT}`,
        { field: 'wasmPaths', reason: 'wasm-files-not-found' },
        e,
      );
    }
  }
  if (typeof paths === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(paths)) {
    const simd = `${paths.endsWith('/') ? paths : `${paths}/`}tfjs-backend-wasm-simd.wasm`;
    if (!existsSync(simd)) {
      throw modelsError(
        'MODELS_BACKEND',
        `backend wasm: ${simd} does not exist (wasmPaths ${JSON.stringify(paths)}): ${WASM_BUNDLE_HINT}`,
        { field: 'wasmPaths', reason: 'wasm-files-not-found' },
      );
    }
    return paths.endsWith('/') ? paths : `${paths}/`;
  }
  return paths;
}

registerBackendLoader({
  name: 'wasm',
  tfName: 'wasm',
  load: async (options) => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // setWasmPaths throws once the backend has initialised (e.g. when switching back to wasm).
    if (!wasmPathsSet) {
      wasm.setWasmPaths(wasmPathsFor(options));
      wasmPathsSet = true;
    }
    installWasmKernels();
  },
  describe: async () => {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return `${simd ? 'SIMD' : 'no SIMD'}, ${wasm.getThreadsCount()} thread(s)`;
  },
});

registerBackendLoader({
  name: 'tensorflow',
  tfName: 'tensorflow',
  unavailableReason: () => tfNodeMissing('@tensorflow/tfjs-node'),
  load: () => loadTfNode('@tensorflow/tfjs-node'),
  describe: () => 'libtensorflow (CPU)',
});

registerBackendLoader({
  name: 'tensorflow-gpu',
  tfName: 'tensorflow',
  unavailableReason: () => tfNodeMissing('@tensorflow/tfjs-node-gpu'),
  load: () => loadTfNode('@tensorflow/tfjs-node-gpu'),
  describe: () => 'libtensorflow (CUDA)',
});

registerBackendLoader({
  name: 'webgpu',
  tfName: 'webgpu',
  unavailableReason: (options) => webgpuUnavailableReason(options.webgpu),
  load: async (options) => {
    await loadWebGpu(options.webgpu);
  },
  describe: () => {
    const d = webgpuDevice();
    return d === undefined ? '' : describeDevice(d);
  },
  device: () => webgpuDevice(),
});

let active: BackendInfo | undefined;

async function activate(name: BackendName, options: BackendOptions): Promise<BackendInfo> {
  registerModelGradients();
  const loader = loaders.get(name);
  if (loader === undefined)
    throw modelsError('MODELS_BACKEND', `no loader for backend ${name}`, { field: name });
  try {
    await loader.load(options);
  } catch (e) {
    if (e instanceof Error && 'code' in e && String((e as { code: unknown }).code).startsWith('MODELS_'))
      throw e;
    throw modelsError(
      'MODELS_BACKEND',
      `backend ${name} could not load: ${e instanceof Error ? e.message : String(e)}`,
      { field: name },
      e,
    );
  }
  let ok = false;
  try {
    ok = await tf.setBackend(loader.tfName);
    await tf.ready();
  } catch (e) {
    throw modelsError('MODELS_BACKEND', `backend ${name} failed to initialise`, { field: name }, e);
  }
  if (!ok || tf.getBackend() !== loader.tfName) {
    throw modelsError('MODELS_BACKEND', `backend ${name} failed to initialise`, { field: name });
  }
  const detail = loader.describe ? await loader.describe() : '';
  const device = loader.device?.();
  active = { name, tfName: loader.tfName, detail, ...(device === undefined ? {} : { device }), skipped: [] };
  return active;
}

/** Why `auto` should not try `loader` here (cheap checks), or undefined. */
function unavailable(loader: BackendLoader, options: BackendOptions): string | undefined {
  if (loader.unavailableReason !== undefined) return loader.unavailableReason(options);
  if (loader.plausible !== undefined && !loader.plausible())
    return 'not available here (plausible() is false)';
  return undefined;
}

/**
 * Selects the tensor backend for everything that follows (tfjs keeps one global engine).
 * `auto` tries `options.autoOrder` (default `AUTO_ORDER`: tensorflow-gpu, webgpu, tensorflow,
 * wasm, cpu), skipping those whose cheap check fails (package not installed; `webgpu` without a
 * Vulkan loader on Linux), and keeps the first that loads; `BackendInfo.skipped` says why each
 * one before it was passed over. `auto` never passes over `wasm` (a regular dependency) to reach
 * `cpu`: when wasm fails to load, it throws; name `cpu` to run there on purpose. Naming the active backend again is a no-op (its options are not
 * re-applied); `ensureBackend` keeps whatever is active.
 *
 * @throws `MODELS_BACKEND` when the named backend (or, for `auto`, `wasm` or every backend) fails
 *   to load; with `reason: 'wasm-files-not-found'` when the wasm binaries cannot be located
 *   (bundles: pass `wasmPaths`);
 *   the message says why (for `webgpu`: no Vulkan loader, no adapter, package missing), and the
 *   error's context has `reason` (`no-vulkan-loader`, `no-adapter`, `no-dawn`, `no-tfjs-webgpu`)
 *   where the webgpu loader knows it.
 */
export async function useBackend(
  name: BackendName | 'auto' = 'auto',
  options: BackendOptions = {},
): Promise<BackendInfo> {
  if (active !== undefined && name === active.name && tf.getBackend() === active.tfName) return active;
  if (name !== 'auto') return activate(name, options);
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const candidate of options.autoOrder ?? AUTO_ORDER) {
    const loader = loaders.get(candidate);
    if (loader === undefined) {
      skipped.push({ name: candidate, reason: 'no loader registered' });
      continue;
    }
    const reason = unavailable(loader, options);
    if (reason !== undefined) {
      skipped.push({ name: candidate, reason });
      continue;
    }
    try {
      const info = await activate(candidate, options);
      info.skipped = skipped;
      return info;
    } catch (e) {
      // wasm is installed with @hfq/models: when it fails (a bundle that cannot find its binaries,
      // most often), going on to the ~4x slower cpu backend would hide a configuration error.
      if (candidate === 'wasm') throw e;
      skipped.push({ name: candidate, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  throw modelsError(
    'MODELS_BACKEND',
    `no tensor backend could load (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
  );
}

/** The backend chosen by the last successful `useBackend`, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active !== undefined && tf.getBackend() === active.tfName ? active : undefined;
}

/**
 * Makes sure some backend is active: the one already chosen, else `useBackend(name)`.
 * Model code calls this before touching tensors.
 */
export async function ensureBackend(name: BackendName | 'auto' = 'auto'): Promise<BackendInfo> {
  registerModelGradients();
  return activeBackend() ?? useBackend(name);
}

/** Whether each backend can load here, without changing the active one more than needed. */
export async function probeBackends(
  names: readonly BackendName[] = AUTO_ORDER,
  options: BackendOptions = {},
): Promise<{ name: BackendName; ok: boolean; detail: string }[]> {
  const before = activeBackend();
  const out: { name: BackendName; ok: boolean; detail: string }[] = [];
  for (const name of names) {
    try {
      const info = await useBackend(name, options);
      out.push({ name, ok: true, detail: info.detail });
    } catch (e) {
      out.push({ name, ok: false, detail: e instanceof Error ? e.message : String(e) });
    }
  }
  if (before !== undefined) await useBackend(before.name, options);
  return out;
}
