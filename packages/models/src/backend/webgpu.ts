import * as tf from '@tensorflow/tfjs-core';
import { modelsError } from '../errors.js';
import { installHint } from './install-hints.js';
import { genuinePackage, importOptional, vulkanLoaderLocation } from './optional.js';

/** Dawn's native backends (`create(['backend=...'])`). `null` accepts work and computes nothing. */
export type DawnBackend = 'vulkan' | 'metal' | 'd3d12' | 'd3d11' | 'opengl' | 'opengles' | 'null';

/** The two packages the `webgpu` backend needs. */
export type WebGpuPackage = 'webgpu' | '@tensorflow/tfjs-backend-webgpu';

/** Options of the `webgpu` backend (`BackendOptions.webgpu`). */
export interface WebGpuOptions {
  /** Passed to `requestAdapter`. Default `high-performance` (the discrete GPU on a laptop). */
  powerPreference?: 'high-performance' | 'low-power';
  /**
   * Which adapter: a name exactly as Dawn lists it (`listWebGpuAdapters`, or the message of a
   * failed load), or an index into that list. Default: Dawn's choice for `powerPreference`.
   */
  adapter?: string | number;
  /**
   * Dawn's native backend. Default: the platform's (Vulkan on Linux). `null` gives an adapter on
   * any machine that runs every kernel without computing anything (values are garbage): only for
   * testing the plumbing (shader compilation, dispatch counts). `auto` never picks it.
   */
  dawnBackend?: DawnBackend;
  /** More flags for Dawn's `create()`, e.g. `enable-dawn-features=allow_unsafe_apis`. */
  dawnFlags?: readonly string[];
  /**
   * How to import `webgpu` and `@tensorflow/tfjs-backend-webgpu`. Default: resolved from this
   * package (Node's resolver). A bundle passes literal imports (`(s) => s === 'webgpu' ?
   * import('webgpu') : import('@tensorflow/tfjs-backend-webgpu')`) so that the tfjs backend is
   * bundled with the same `@tensorflow/tfjs-core` as everything else.
   */
  importer?: (specifier: WebGpuPackage) => Promise<unknown>;
}

/** One adapter Dawn can see. */
export interface WebGpuAdapterEntry {
  /** Dawn backend (`vulkan`, `metal`, `null`, ...). */
  backend: string;
  /** Adapter name, usable as `WebGpuOptions.adapter`. */
  name: string;
}

/** What the `webgpu` backend runs on (`BackendInfo.device`). */
export interface GpuDeviceInfo {
  /** `vendor architecture device description` of the adapter, whichever are non-empty. */
  adapter: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn backend the adapter came from, when known (`vulkan`, `null`, ...). */
  dawnBackend: string;
  /** Dawn flags the GPU was created with. */
  dawnFlags: string[];
  isFallbackAdapter: boolean;
  /** Optional WebGPU features the device was created with (tfjs asks for `timestamp-query`). */
  features: string[];
  /** Device limits that bound tensor sizes and kernels (bytes, counts). */
  limits: Record<string, number>;
  /**
   * WebGPU errors nobody caught (validation, out of memory), appended as they happen: kernels
   * whose buffers exceed `limits.maxStorageBufferBindingSize` fail here, not with an exception.
   */
  uncapturedErrors: string[];
  /** Set when the device is lost (driver reset, destroyed). */
  lost?: string;
}

/** The parts of a Dawn `GPUAdapter` used here. */
interface AdapterLike {
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: object): Promise<DeviceLike>;
}

interface DeviceLike {
  features: Iterable<string>;
  limits: Record<string, number>;
  lost?: Promise<{ message?: string; reason?: string }>;
  addEventListener?: (
    type: string,
    f: (e: { error?: { message?: string }; preventDefault?: () => void }) => void,
  ) => void;
  destroy(): void;
}

interface GpuLike {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
}

interface DawnModule {
  create: (flags: string[]) => GpuLike;
  globals: object;
}

/** The exports of `@tensorflow/tfjs-backend-webgpu` used here. */
interface TfWebGpuModule {
  WebGPUBackend: new (device: DeviceLike, adapterInfo: unknown) => tf.KernelBackend;
}

/** Limits tfjs asks the device for (its own factory asks for the same, at the adapter's maximum). */
const TFJS_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

/** Limits reported in `GpuDeviceInfo.limits`. */
const REPORTED_LIMITS = [...TFJS_LIMITS, 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupSizeY'];

const DEFAULT_IMPORTER = (specifier: WebGpuPackage): Promise<unknown> => importOptional(specifier);

/** Why the `webgpu` backend cannot load here, from cheap checks only; `undefined` when it might. */
export function webgpuUnavailableReason(options: WebGpuOptions = {}): string | undefined {
  if (options.importer === undefined) {
    for (const pkg of ['webgpu', '@tensorflow/tfjs-backend-webgpu']) {
      if (!genuinePackage(pkg)) return `optional package ${pkg} is not installed.${installHint(pkg)}`;
    }
  }
  if (options.dawnBackend === 'null')
    return 'the Dawn null adapter computes nothing (tests only, never auto)';
  if (needsVulkan(options) && vulkanLoaderLocation() === undefined) return NO_VULKAN;
  return undefined;
}

const NO_VULKAN =
  'no Vulkan loader: libvulkan.so.1 is not in LD_LIBRARY_PATH, the standard library directories or ld.so.cache ' +
  '(install libvulkan1 / vulkan-loader, or unpack it as docs/gpu.md shows)';

function needsVulkan(options: WebGpuOptions): boolean {
  return process.platform === 'linux' && (options.dawnBackend ?? 'vulkan') === 'vulkan';
}

function dawnFlagsOf(options: WebGpuOptions, adapterName?: string): string[] {
  const flags: string[] = [];
  if (options.dawnBackend !== undefined) flags.push(`backend=${options.dawnBackend}`);
  if (adapterName !== undefined) flags.push(`adapter=${adapterName}`);
  return [...flags, ...(options.dawnFlags ?? [])];
}

async function loadDawn(options: WebGpuOptions): Promise<DawnModule> {
  let dawn: DawnModule;
  try {
    dawn = (await (options.importer ?? DEFAULT_IMPORTER)('webgpu')) as DawnModule;
  } catch (e) {
    throw modelsError(
      'MODELS_BACKEND',
      `the \`webgpu\` package (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message : String(e)}.${installHint('webgpu')}`,
      { field: 'webgpu', reason: 'no-dawn' },
      e,
    );
  }
  if (typeof dawn.create !== 'function' || typeof dawn.globals !== 'object') {
    throw modelsError('MODELS_BACKEND', 'the `webgpu` package does not export create() and globals', {
      field: 'webgpu',
      reason: 'no-dawn',
    });
  }
  // GPUBufferUsage, GPUMapMode, ... as globals, as tfjs expects in a browser.
  for (const [k, v] of Object.entries(dawn.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  return dawn;
}

/** Parses Dawn's "Available adapters:" list (` * backend: 'vulkan', name: 'NVIDIA H100'`). */
export function parseDawnAdapterList(message: string): WebGpuAdapterEntry[] {
  const out: WebGpuAdapterEntry[] = [];
  for (const m of message.matchAll(/^\s*\*\s*backend:\s*'([^']*)',\s*name:\s*'([^']*)'/gm)) {
    out.push({ backend: m[1]!, name: m[2]! });
  }
  return out;
}

/**
 * The adapters Dawn sees (for `dawnBackend`, if given), in Dawn's order: what
 * `WebGpuOptions.adapter` selects from. Asks Dawn for an adapter of an impossible name and reads
 * the list from its refusal. Empty when there is no adapter (no GPU, no driver, no Vulkan loader).
 *
 * @throws `MODELS_BACKEND` when the `webgpu` package cannot load.
 */
export async function listWebGpuAdapters(options: WebGpuOptions = {}): Promise<WebGpuAdapterEntry[]> {
  if (needsVulkan(options) && vulkanLoaderLocation() === undefined) return [];
  const dawn = await loadDawn(options);
  try {
    const gpu = dawn.create(dawnFlagsOf({ ...options, dawnFlags: [] }, '\u0001hfq-list-adapters'));
    await gpu.requestAdapter();
    return [];
  } catch (e) {
    return parseDawnAdapterList(e instanceof Error ? e.message : String(e));
  }
}

/** Makes `navigator.gpu` the given GPU (Node 21+ has a `navigator` global without `gpu`). */
function setNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
    });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/** State of the loaded webgpu backend (one per process: tfjs has one engine). */
let loaded: { key: string; info: GpuDeviceInfo } | undefined;

/** The device the `webgpu` backend was last brought up on (undefined before). */
export function webgpuDevice(): GpuDeviceInfo | undefined {
  return loaded?.info;
}

/** Human-readable one-liner of a device. */
export function describeDevice(info: GpuDeviceInfo): string {
  const mib = (b: number | undefined) => (b === undefined ? '?' : `${Math.round(b / 2 ** 20)} MiB`);
  const what = info.dawnBackend === 'null' ? 'Dawn null adapter: computes nothing' : info.dawnBackend;
  return `${info.adapter || 'adapter'} (${what}; max storage binding ${mib(info.limits.maxStorageBufferBindingSize)})`;
}

/**
 * Brings up tfjs's `webgpu` backend on the chosen adapter and registers it with tfjs (a backend
 * factory returning the prepared backend, so `tf.setBackend('webgpu')` uses this adapter rather
 * than tfjs's default one). Idempotent for the same options; other options replace the backend.
 *
 * Also replaces the backend's synchronous read: in Node `dataSync`/`arraySync` cannot work on
 * webgpu (tfjs reads synchronously through an `OffscreenCanvas`, which Node lacks), and a
 * `MODELS_BACKEND` error saying so is clearer than tfjs's `OffscreenCanvas is not defined`.
 * Values already on the CPU (e.g. after `await t.data()`) still read synchronously.
 */
export async function loadWebGpu(options: WebGpuOptions = {}): Promise<GpuDeviceInfo> {
  const key = JSON.stringify({ ...options, importer: undefined });
  if (loaded !== undefined && loaded.key === key && tf.findBackendFactory('webgpu') !== null)
    return loaded.info;
  if (needsVulkan(options) && vulkanLoaderLocation() === undefined) {
    throw modelsError('MODELS_BACKEND', `webgpu: ${NO_VULKAN}`, {
      field: 'webgpu',
      reason: 'no-vulkan-loader',
    });
  }
  const dawn = await loadDawn(options);

  let adapterName: string | undefined;
  if (typeof options.adapter === 'number') {
    const list = await listWebGpuAdapters(options);
    const entry = list[options.adapter];
    if (entry === undefined) {
      throw modelsError(
        'MODELS_BACKEND',
        `webgpu: no adapter ${options.adapter} (Dawn sees ${list.length}: ${list.map((a) => `${a.backend}/${a.name}`).join(', ') || 'none'})`,
        { field: 'adapter', reason: 'no-adapter' },
      );
    }
    adapterName = entry.name;
  } else {
    adapterName = options.adapter;
  }
  const flags = dawnFlagsOf(options, adapterName);
  let gpu: GpuLike;
  let adapter: AdapterLike | null;
  try {
    gpu = dawn.create(flags);
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  } catch (e) {
    // Dawn refuses an unknown adapter or backend with the list of what it has.
    throw modelsError(
      'MODELS_BACKEND',
      `webgpu: Dawn refused the adapter request (${flags.join(' ') || 'default flags'}): ${e instanceof Error ? e.message : String(e)}`,
      { field: 'adapter', reason: 'no-adapter' },
      e,
    );
  }
  if (adapter === null) {
    throw modelsError(
      'MODELS_BACKEND',
      needsVulkan(options)
        ? 'webgpu: the Vulkan loader is present but Dawn found no adapter: no GPU, or no Vulkan driver (ICD) ' +
            'for it. On NVIDIA set VK_DRIVER_FILES to its nvidia_icd.json (e.g. ' +
            '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json); lavapipe from older Debian is too old for Dawn'
        : `webgpu: Dawn found no adapter (${flags.join(' ') || 'default flags'})`,
      { field: 'adapter', reason: 'no-adapter' },
    );
  }
  setNavigatorGpu(gpu);

  let mod: TfWebGpuModule;
  try {
    mod = (await (options.importer ?? DEFAULT_IMPORTER)('@tensorflow/tfjs-backend-webgpu')) as TfWebGpuModule;
  } catch (e) {
    throw modelsError(
      'MODELS_BACKEND',
      `@tensorflow/tfjs-backend-webgpu could not be loaded: ${e instanceof Error ? e.message : String(e)}.${installHint('@tensorflow/tfjs-backend-webgpu')}`,
      { field: '@tensorflow/tfjs-backend-webgpu', reason: 'no-tfjs-webgpu' },
      e,
    );
  }
  if (typeof mod.WebGPUBackend !== 'function') {
    throw modelsError('MODELS_BACKEND', '@tensorflow/tfjs-backend-webgpu does not export WebGPUBackend', {
      field: '@tensorflow/tfjs-backend-webgpu',
      reason: 'no-tfjs-webgpu',
    });
  }

  // The device as tfjs's own factory asks for it: timestamp queries when offered, the adapter's
  // maximum for the limits that bound tensor sizes and workgroups.
  const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage'].filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const k of TFJS_LIMITS) if (adapter.limits[k] !== undefined) requiredLimits[k] = adapter.limits[k]!;
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  const adapterInfo = adapter.info ?? {};
  const info: GpuDeviceInfo = {
    adapter: [adapterInfo.vendor, adapterInfo.architecture, adapterInfo.device, adapterInfo.description]
      .filter((s) => s)
      .join(' '),
    vendor: adapterInfo.vendor ?? '',
    architecture: adapterInfo.architecture ?? '',
    device: adapterInfo.device ?? '',
    description: adapterInfo.description ?? '',
    dawnBackend: options.dawnBackend ?? (process.platform === 'linux' ? 'vulkan' : 'default'),
    dawnFlags: flags,
    isFallbackAdapter: adapterInfo.isFallbackAdapter ?? false,
    features: [...device.features].sort(),
    limits: Object.fromEntries(
      REPORTED_LIMITS.filter((k) => device.limits[k] !== undefined).map((k) => [k, Number(device.limits[k])]),
    ),
    uncapturedErrors: [],
  };
  device.addEventListener?.('uncapturederror', (e) => {
    // Kept here instead of printed (libraries do not print): callers read `uncapturedErrors`.
    e.preventDefault?.();
    if (info.uncapturedErrors.length < 100) info.uncapturedErrors.push(e.error?.message ?? 'unknown error');
  });
  void device.lost?.then((l) => {
    info.lost = l.message || l.reason || 'device lost';
  });

  const backend = new mod.WebGPUBackend(device, adapterInfo);
  guardSyncReads(backend);
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 3);
  loaded = { key, info };
  return info;
}

/** Replaces `readSync` of a webgpu backend instance by one that explains why it cannot work in Node. */
function guardSyncReads(backend: tf.KernelBackend): void {
  if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return;
  const b = backend as unknown as {
    readSync: (dataId: object) => unknown;
    tensorMap: { get(dataId: object): { values?: unknown; dtype?: string } | undefined };
  };
  const original = b.readSync.bind(backend);
  b.readSync = (dataId: object) => {
    const data = b.tensorMap.get(dataId);
    if (data !== undefined && (data.values != null || data.dtype === 'string')) return original(dataId);
    throw modelsError(
      'MODELS_BACKEND',
      'webgpu: synchronous reads (dataSync, arraySync, bufferSync) cannot work in Node (tfjs needs an ' +
        'OffscreenCanvas for them); read with `await tensor.data()` instead',
      { field: 'readSync', reason: 'sync-read' },
    );
  };
}
