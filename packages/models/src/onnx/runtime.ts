import type * as OrtWeb from 'onnxruntime-web';
import { OPTIONAL_PEER_INSTALL } from '../backend/install-hints.js';
import { modelsError } from '../errors.js';

/**
 * Which ONNX Runtime scores a model.
 *
 * - `native`: `onnxruntime-node` (an optional peer dependency: native CPU binaries, fastest in
 *   Node; install it with `npm i onnxruntime-node --onnxruntime-node-install=skip`, see the README).
 * - `wasm`: `onnxruntime-web` on WebAssembly (a regular dependency: runs in Node and in browsers,
 *   no native code, no install script). Same scores as `native` to float32 rounding.
 */
export type OnnxRuntimeBackend = 'native' | 'wasm';

/** Options of the `wasm` runtime (onnxruntime-web's `env.wasm`, applied before its first session). */
export interface OnnxWasmOptions {
  /**
   * Where onnxruntime-web finds its `.wasm` (and `.mjs` glue) files: a URL or directory prefix,
   * or `{ wasm, mjs }` file URLs. Default: next to onnxruntime-web's own module, which is right in
   * Node and for unbundled pages; a bundle copies `node_modules/onnxruntime-web/dist/ort-wasm-*`
   * next to itself and passes their location here.
   */
  wasmPaths?: string | { wasm?: string; mjs?: string };
  /** The `.wasm` binary itself, for pages that embed it (takes precedence over `wasmPaths`). */
  wasmBinary?: ArrayBufferLike | Uint8Array;
  /**
   * WebAssembly threads (default 1). More than 1 needs `SharedArrayBuffer` (in a page: a
   * cross-origin-isolated one); onnxruntime-web falls back to 1 where it is missing.
   */
  numThreads?: number;
}

/** The part of the onnxruntime API the scorer uses; `onnxruntime-node` and `-web` both have it. */
export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;

/** The command that installs the native runtime where npm cannot fetch its CUDA extras. */
const ONNXRUNTIME_NODE_INSTALL = OPTIONAL_PEER_INSTALL['onnxruntime-node']!;

/** True in Node (false in browsers and web workers). */
function inNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * Imports `onnxruntime-node`. The specifier is not a literal so that bundlers and type checkers
 * leave the optional peer alone; Node resolves it from this module.
 */
async function importNative(): Promise<OrtModule> {
  const specifier = ['onnxruntime', 'node'].join('-');
  return (await import(/* @vite-ignore */ specifier)) as OrtModule;
}

let nativeImporter: () => Promise<OrtModule> = importNative;
let nativeProbe: Promise<OrtModule | Error> | undefined;
function probeNative(): Promise<OrtModule | Error> {
  nativeProbe ??= nativeImporter().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  return nativeProbe;
}

/**
 * Tests only: replaces how `onnxruntime-node` is imported (e.g. with one that throws, to act as
 * a machine without it); `undefined` restores the real import. Not exported from the package.
 */
export function setNativeImporterForTests(importer: (() => Promise<OrtModule>) | undefined): void {
  nativeImporter = importer ?? importNative;
  nativeProbe = undefined;
}

let wasmConfigured = false;

/**
 * Loads an ONNX runtime. `auto` (the default) takes `native` when `onnxruntime-node` is installed
 * and loads (in Node), else `wasm`; the choice is returned, never made silently.
 * @throws `MODELS_BACKEND` with `reason: 'missing-peer'` and the install command when `native` is
 *   asked for and `onnxruntime-node` is not installed (or cannot load); with `reason: 'wasm'` when
 *   onnxruntime-web cannot be imported.
 */
export async function loadOnnxRuntime(
  backend: OnnxRuntimeBackend | 'auto' = 'auto',
  wasm: OnnxWasmOptions = {},
): Promise<{ backend: OnnxRuntimeBackend; ort: OrtModule }> {
  if (backend !== 'native' && backend !== 'wasm' && backend !== 'auto') {
    throw modelsError('MODELS_CONFIG', `backend must be 'native', 'wasm' or 'auto', got ${String(backend)}`, {
      field: 'backend',
    });
  }
  if (backend === 'native' || (backend === 'auto' && inNode())) {
    const native = await probeNative();
    if (!(native instanceof Error)) return { backend: 'native', ort: native };
    if (backend === 'native') {
      throw modelsError(
        'MODELS_BACKEND',
        `backend 'native' needs the optional peer dependency onnxruntime-node, which could not be loaded (${native.message}). Install it with \`${ONNXRUNTIME_NODE_INSTALL}\` (the flag skips the CUDA download its install script attempts; drop it on a machine that reaches NuGet and wants CUDA), or use backend 'wasm' (onnxruntime-web, installed with @hfq/models)`,
        { field: 'onnxruntime-node', reason: 'missing-peer', install: ONNXRUNTIME_NODE_INSTALL },
        native,
      );
    }
  }
  let ort: typeof OrtWeb;
  try {
    ort = await import('onnxruntime-web');
  } catch (e) {
    throw modelsError(
      'MODELS_BACKEND',
      `onnxruntime-web could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
      { field: 'onnxruntime-web', reason: 'wasm' },
      e,
    );
  }
  configureWasm(ort, wasm);
  return { backend: 'wasm', ort };
}

/** Applies `OnnxWasmOptions` to onnxruntime-web's global `env` (before its first session). */
function configureWasm(ort: typeof OrtWeb, wasm: OnnxWasmOptions): void {
  const env = ort.env.wasm;
  if (wasm.numThreads !== undefined) {
    if (!Number.isInteger(wasm.numThreads) || wasm.numThreads < 1) {
      throw modelsError(
        'MODELS_CONFIG',
        `wasm.numThreads must be an integer >= 1, got ${String(wasm.numThreads)}`,
        {
          field: 'wasm.numThreads',
        },
      );
    }
    env.numThreads = wasm.numThreads;
  } else if (!wasmConfigured) {
    // onnxruntime-web defaults to half the cores, which needs SharedArrayBuffer in a page: one
    // thread is the predictable default (pass numThreads to go faster where threads work).
    env.numThreads = 1;
  }
  if (wasm.wasmPaths !== undefined) env.wasmPaths = wasm.wasmPaths;
  if (wasm.wasmBinary !== undefined) env.wasmBinary = wasm.wasmBinary as ArrayBuffer;
  wasmConfigured = true;
}
