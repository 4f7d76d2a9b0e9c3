import { type SimdExports, simdModuleBytes } from './module.js';

/** The WebAssembly JS API (the repository's `lib` settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The parts of tfjs-backend-wasm's `BackendWasm` the SIMD kernels use. */
interface WasmBackendLike {
  wasm: {
    asm?: { memory?: WasmMemory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/** The SIMD kernels bound to one wasm backend's heap, with a scratch buffer on that heap. */
export interface SimdContext {
  readonly fn: SimdExports;
  /** Byte address of a tensor's data on the heap. */
  ptr(dataId: object): number;
  /** Byte address of a scratch area of at least `bytes` bytes (reused; contents undefined). */
  scratch(bytes: number): number;
  /** A float32 view of `length` elements at byte address `ptr` (take it after any allocation). */
  view(ptr: number, length: number): Float32Array;
}

const contexts = new WeakMap<object, SimdContext | null>();
let enabled = true;

/** Turns the SIMD kernels off (the JavaScript ones run instead) or on again: for tests. */
export function setSimdKernels(on: boolean): void {
  enabled = on;
}
let module: object | null | undefined;

function compile(): object | null {
  if (module !== undefined) return module;
  try {
    const bytes = simdModuleBytes();
    module = WA?.validate(bytes) ? new WA.Module(bytes) : null;
  } catch {
    module = null;
  }
  return module;
}

/**
 * The SIMD kernels for `backend` (a tfjs `BackendWasm`), or `undefined` when they cannot run
 * there (no WebAssembly SIMD, or the backend does not expose its memory): callers then use the
 * JavaScript kernels.
 */
export function simdFor(backend: unknown): SimdContext | undefined {
  if (!enabled) return undefined;
  const b = backend as WasmBackendLike;
  const cached = contexts.get(b);
  if (cached !== undefined) return cached ?? undefined;
  const memory = b.wasm?.asm?.memory;
  const mod = WA !== undefined && memory instanceof WA.Memory ? compile() : null;
  if (mod === null || memory === undefined || WA === undefined) {
    contexts.set(b, null);
    return undefined;
  }
  const instance = new WA.Instance(mod, { env: { memory } });
  let scratchPtr = 0;
  let scratchBytes = 0;
  const ctx: SimdContext = {
    fn: instance.exports as unknown as SimdExports,
    ptr: (dataId) => b.dataIdMap.get(dataId)!.memoryOffset,
    view: (ptr, length) => new Float32Array(memory.buffer, ptr, length),
    scratch: (bytes) => {
      if (bytes > scratchBytes) {
        if (scratchPtr !== 0) b.wasm._free(scratchPtr);
        scratchBytes = Math.max(bytes, 2 * scratchBytes, 1 << 16);
        scratchPtr = b.wasm._malloc(scratchBytes) >>> 0;
      }
      return scratchPtr;
    },
  };
  contexts.set(b, ctx);
  return ctx;
}
