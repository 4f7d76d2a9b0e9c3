import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { modelsError } from '../errors.js';
import { registerModelGradients } from './gradients.js';
import { installWasmKernels } from './wasm-kernels.js';

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
}

/** Options for `useBackend`. */
export interface BackendOptions {
  /**
   * Directory (or URL prefix) holding `tfjs-backend-wasm*.wasm`. Default: the `dist/` folder of the
   * installed `@tensorflow/tfjs-backend-wasm`, found with Node's resolver. Set it when bundling.
   */
  wasmPaths?: string;
  /** Order `auto` tries (default `AUTO_ORDER`). */
  autoOrder?: readonly BackendName[];
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
  load: (options: BackendOptions) => Promise<void>;
  /** Detail string once the backend is active. */
  describe?: () => Promise<string> | string;
}

/** The order `auto` tries backends in: fastest first. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

const require = createRequire(import.meta.url);

/**
 * Imports an optional package, resolved from this module (not from the process's working
 * directory), by file URL; a non-literal specifier keeps tsc and bundlers from requiring it.
 */
async function importOptional(specifier: string): Promise<unknown> {
  const url: string = pathToFileURL(require.resolve(specifier)).href;
  return import(url);
}

/** True when `name` resolves to a package whose package.json `name` is `name` (not an alias). */
function genuinePackage(name: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
      name?: string;
    };
    return pkg.name === name;
  } catch {
    return false;
  }
}

/** On Linux, whether the dynamic loader knows `libvulkan.so.1` (Dawn needs it for any adapter). */
function vulkanLoaderPresent(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES) return true;
  for (const dir of [
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib/x86_64-linux-gnu',
  ]) {
    if (existsSync(join(dir, 'libvulkan.so.1'))) return true;
  }
  try {
    return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

async function loadTfNode(pkg: string): Promise<void> {
  if (!genuinePackage(pkg)) {
    throw modelsError('MODELS_BACKEND', `${pkg} is not installed (or is an alias of another package)`, {
      field: pkg,
    });
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

interface GpuLike {
  requestAdapter(): Promise<{
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null>;
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
registerBackendLoader({
  name: 'wasm',
  tfName: 'wasm',
  load: async (options) => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // setWasmPaths throws once the backend has initialised (e.g. when switching back to wasm).
    if (!wasmPathsSet) {
      const paths =
        options.wasmPaths ??
        `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
      wasm.setWasmPaths(paths);
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
  plausible: () => genuinePackage('@tensorflow/tfjs-node'),
  load: () => loadTfNode('@tensorflow/tfjs-node'),
  describe: () => 'libtensorflow (CPU)',
});

registerBackendLoader({
  name: 'tensorflow-gpu',
  tfName: 'tensorflow',
  plausible: () => genuinePackage('@tensorflow/tfjs-node-gpu'),
  load: () => loadTfNode('@tensorflow/tfjs-node-gpu'),
  describe: () => 'libtensorflow (CUDA)',
});

let webgpuDetail = '';
registerBackendLoader({
  name: 'webgpu',
  tfName: 'webgpu',
  plausible: () => genuinePackage('@tensorflow/tfjs-backend-webgpu') && vulkanLoaderPresent(),
  load: async () => {
    const g = globalThis as { navigator?: { gpu?: GpuLike } };
    if (g.navigator?.gpu === undefined) {
      let dawn: { create: (flags: string[]) => GpuLike; globals: object };
      try {
        dawn = (await importOptional('webgpu')) as typeof dawn;
      } catch (e) {
        throw modelsError('MODELS_BACKEND', 'the `webgpu` package (Dawn for Node) is not installed', {}, e);
      }
      Object.assign(globalThis, dawn.globals);
      const gpu = dawn.create([]);
      if (g.navigator === undefined) g.navigator = { gpu };
      else g.navigator.gpu = gpu;
    }
    const adapter = await g.navigator!.gpu!.requestAdapter();
    if (adapter === null) {
      throw modelsError(
        'MODELS_BACKEND',
        'WebGPU has no adapter here (no GPU, or no Vulkan/Metal/D3D12 driver)',
      );
    }
    const info = adapter.info ?? {};
    webgpuDetail = [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') || 'adapter';
    await importOptional('@tensorflow/tfjs-backend-webgpu');
  },
  describe: () => webgpuDetail,
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
  active = { name, tfName: loader.tfName, detail };
  return active;
}

/**
 * Selects the tensor backend for everything that follows (tfjs keeps one global engine).
 * `auto` tries `options.autoOrder` (default `AUTO_ORDER`: tensorflow-gpu, webgpu, tensorflow,
 * wasm, cpu), skipping those whose `plausible()` check fails (e.g. `webgpu` without a Vulkan
 * loader on Linux), and keeps the first that loads. Naming the active backend again is a no-op;
 * `ensureBackend` keeps whatever is active.
 *
 * @throws `MODELS_BACKEND` when the named backend (or, for `auto`, every backend) fails to load.
 */
export async function useBackend(
  name: BackendName | 'auto' = 'auto',
  options: BackendOptions = {},
): Promise<BackendInfo> {
  if (active !== undefined && name === active.name && tf.getBackend() === active.tfName) return active;
  if (name !== 'auto') return activate(name, options);
  const failures: string[] = [];
  for (const candidate of options.autoOrder ?? AUTO_ORDER) {
    const loader = loaders.get(candidate);
    if (loader === undefined || (loader.plausible !== undefined && !loader.plausible())) continue;
    try {
      return await activate(candidate, options);
    } catch (e) {
      failures.push(`${candidate}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw modelsError('MODELS_BACKEND', `no tensor backend could load (${failures.join('; ')})`);
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
